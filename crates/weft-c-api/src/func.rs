//! Functions: host functions from C callbacks, and calls into wasm.

use std::ffi::c_void;
use std::rc::Weak;

use weft::{AsContextMut, Caller, Func, Store, Val};

use crate::object::{Obj, ref_kind, wasm_func_t, wasm_ref_t};
use crate::store::{StoreCell, StoreData, StoreRef, wasm_store_t};
use crate::trap::{self, HostTrap};
use crate::types::{FuncTypeView, wasm_externtype_t, wasm_functype_t};
use crate::val::{wasm_val_t, wasm_val_vec_t};
use crate::vec::WasmVec;

pub type wasm_func_callback_t =
    extern "C" fn(args: &wasm_val_vec_t, results: &mut wasm_val_vec_t) -> Option<Box<wasm_ref_t>>;
pub type wasm_func_callback_with_env_t = extern "C" fn(
    env: *mut c_void,
    args: &wasm_val_vec_t,
    results: &mut wasm_val_vec_t,
) -> Option<Box<wasm_ref_t>>;

/// A C callback, its environment and the environment's finalizer (run
/// once, when the host function goes with its store).
struct Callback {
    store: Weak<StoreCell>,
    call: CallbackKind,
    env: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
}

enum CallbackKind {
    Plain(wasm_func_callback_t),
    WithEnv(wasm_func_callback_with_env_t),
}

// SAFETY: weft requires host functions to be `Send + Sync`; this one
// holds a C environment pointer and a weak handle to its store, both only
// used on the thread that uses the store (the header's contract: a store
// and its objects belong to one thread at a time).
unsafe impl Send for Callback {}
// SAFETY: as for `Send`.
unsafe impl Sync for Callback {}

impl Drop for Callback {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer {
            f(self.env);
        }
    }
}

impl Callback {
    /// Runs the callback for a call from wasm.
    fn invoke(
        &self,
        mut caller: Caller<'_, StoreData>,
        params: &[Val],
        results: &mut [Val],
    ) -> weft::Result<()> {
        let cell = self
            .store
            .upgrade()
            .ok_or_else(|| weft::Error::host(HostTrap("the store is gone".into())))?;
        // While C runs, the API reaches the store through the caller's
        // reference (see StoreCell::with).
        let lent: *mut Store<StoreData> = caller.as_context_mut();
        let previous = cell.active.replace(lent);
        let r = crate::guard(|| self.call_c(&cell, params, results));
        cell.active.set(previous);
        r.unwrap_or_else(|panic| Err(weft::Error::host(HostTrap(panic))))
    }

    fn call_c(&self, cell: &StoreRef, params: &[Val], results: &mut [Val]) -> weft::Result<()> {
        let host_err = |m: String| weft::Error::host(HostTrap(m));
        let args: Vec<wasm_val_t> = params
            .iter()
            .map(|v| wasm_val_t::from_weft(v, cell))
            .collect::<Result<_, _>>()
            .map_err(host_err)?;
        let mut args = WasmVec::from_vec(args);
        let mut outs = WasmVec::from_vec(
            results
                .iter()
                .map(|v| wasm_val_t::from_weft(v, cell))
                .collect::<Result<Vec<_>, _>>()
                .map_err(host_err)?,
        );
        let trap = match self.call {
            CallbackKind::Plain(f) => f(&args, &mut outs),
            CallbackKind::WithEnv(f) => f(self.env, &args, &mut outs),
        };
        let mut converted = Ok(());
        for (slot, out) in results.iter_mut().zip(outs.as_slice()) {
            let ty = slot.ty();
            match out.read(ty, cell) {
                Ok(v) if converted.is_ok() => *slot = v,
                Ok(_) => {}
                Err(e) => converted = Err(format!("a host function's result: {e}")),
            }
        }
        for mut v in args.take().into_iter().chain(outs.take()) {
            v.release_ref();
        }
        if let Some(t) = trap {
            let message = trap::message(&t);
            return Err(host_err(message));
        }
        converted.map_err(host_err)
    }
}

fn new_func(
    store: &wasm_store_t,
    ty: &wasm_functype_t,
    call: CallbackKind,
    env: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
) -> Option<Box<wasm_func_t>> {
    let cb = Callback {
        store: std::rc::Rc::downgrade(&store.cell),
        call,
        env,
        finalizer,
    };
    let Some(view) = ty.func() else {
        crate::set_error("wasm_func_new: the type is not a function type");
        return None;
    };
    let fty = view.ty.clone();
    let func = store.cell.with(move |s| {
        Func::new(s, fty, move |caller, params, results| {
            cb.invoke(caller, params, results)
        })
    });
    Some(wasm_ref_t::new(&store.cell, Obj::Func(func)))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_new(
    store: Option<&wasm_store_t>,
    ty: Option<&wasm_functype_t>,
    callback: Option<wasm_func_callback_t>,
) -> Option<Box<wasm_func_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_func_new", "store", None);
    };
    let Some(ty) = ty else {
        return crate::null_arg("wasm_func_new", "ty", None);
    };
    let Some(callback) = callback else {
        crate::set_error("wasm_func_new: the callback is null");
        return None;
    };
    new_func(
        store,
        ty,
        CallbackKind::Plain(callback),
        std::ptr::null_mut(),
        None,
    )
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_new_with_env(
    store: Option<&wasm_store_t>,
    ty: Option<&wasm_functype_t>,
    callback: Option<wasm_func_callback_with_env_t>,
    env: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
) -> Option<Box<wasm_func_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_func_new_with_env", "store", None);
    };
    let Some(ty) = ty else {
        return crate::null_arg("wasm_func_new_with_env", "ty", None);
    };
    let Some(callback) = callback else {
        // The environment is still the API's to finalize.
        if let Some(f) = finalizer {
            f(env);
        }
        crate::set_error("wasm_func_new_with_env: the callback is null");
        return None;
    };
    new_func(store, ty, CallbackKind::WithEnv(callback), env, finalizer)
}

ref_kind!(
    |o| matches!(o, Obj::Func(_)),
    [
        wasm_func_delete,
        wasm_func_copy,
        wasm_func_same,
        wasm_func_get_host_info,
        wasm_func_set_host_info,
        wasm_func_set_host_info_with_finalizer
    ],
    wasm_func_as_ref,
    wasm_func_as_ref_const,
    wasm_ref_as_func,
    wasm_ref_as_func_const
);

fn func_of(f: &wasm_func_t) -> Option<Func> {
    match f.obj {
        Obj::Func(func) => Some(func),
        _ => None,
    }
}

fn func_type(f: &wasm_func_t) -> Option<weft::FuncType> {
    let func = func_of(f)?;
    Some(f.cell().with(|s| func.ty(&*s)))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_type(f: Option<&wasm_func_t>) -> Option<Box<wasm_functype_t>> {
    let Some(f) = f else {
        return crate::null_arg("wasm_func_type", "f", None);
    };
    func_type(f).map(|t| Box::new(wasm_externtype_t::Func(FuncTypeView::new(t))))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_param_arity(f: Option<&wasm_func_t>) -> usize {
    let Some(f) = f else {
        return crate::null_arg("wasm_func_param_arity", "f", 0);
    };
    func_type(f).map_or(0, |t| t.params().len())
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_result_arity(f: Option<&wasm_func_t>) -> usize {
    let Some(f) = f else {
        return crate::null_arg("wasm_func_result_arity", "f", 0);
    };
    func_type(f).map_or(0, |t| t.results().len())
}

/// Calls the function with `args`, writing its results to the first
/// elements of `results` (which must have room for them). Returns null, or
/// the trap that ended the call (a wasm trap, a host function's trap, or
/// a wrong argument: count, kind, or a reference of another store).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_func_call(
    f: Option<&wasm_func_t>,
    args: Option<&wasm_val_vec_t>,
    results: Option<&wasm_val_vec_t>,
) -> Option<Box<wasm_ref_t>> {
    let Some(f) = f else {
        return crate::null_arg("wasm_func_call", "f", None);
    };
    let cell = f.cell().clone();
    let fail = |m: String| Some(trap::new_trap(&cell, m, Vec::new()));
    let Some(func) = func_of(f) else {
        return fail("wasm_func_call: not a function".into());
    };
    let outcome = crate::guard(|| -> Result<Option<Box<wasm_ref_t>>, String> {
        let ty = cell.with(|s| func.ty(&*s));
        let args = args.map_or(&[][..], |a| a.as_slice());
        if args.len() != ty.params().len() {
            return Err(format!(
                "wasm_func_call: {} arguments given, the function takes {}",
                args.len(),
                ty.params().len()
            ));
        }
        let params = args
            .iter()
            .zip(ty.params())
            .enumerate()
            .map(|(i, (a, t))| a.read(*t, &cell).map_err(|e| format!("argument {i}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let mut outs: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let results = match results {
            Some(r) if r.size >= outs.len() => r,
            _ => {
                return Err(format!(
                    "wasm_func_call: the results vector has no room for {} results",
                    outs.len()
                ));
            }
        };
        if let Err(e) = cell.with(|s| func.call(s, &params, &mut outs)) {
            return Ok(Some(trap::from_error(&cell, &e)));
        }
        let converted = outs
            .iter()
            .map(|v| wasm_val_t::from_weft(v, &cell))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, v) in converted.into_iter().enumerate() {
            results.write_at(i, v);
        }
        Ok(None)
    });
    match outcome {
        Ok(Ok(trap)) => trap,
        Ok(Err(m)) | Err(m) => fail(m),
    }
}
