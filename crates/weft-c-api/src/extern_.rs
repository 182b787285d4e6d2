//! Externals (the importable and exportable objects) and instances.

use std::mem::MaybeUninit;

use weft::{Extern, Instance};

use crate::object::{Obj, ref_kind, wasm_extern_t, wasm_instance_t, wasm_ref_t, wasm_trap_t};
use crate::store::{StoreRef, wasm_store_t};
use crate::types::{
    WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY, WASM_EXTERN_TABLE, WEFT_EXTERN_TAG,
    boxed, wasm_externtype_t,
};
use crate::vec::{WasmVec, declare_vec};

fn is_extern(o: &Obj) -> bool {
    matches!(
        o,
        Obj::Func(_) | Obj::Global(_) | Obj::Table(_) | Obj::Memory(_) | Obj::Tag(_)
    )
}

ref_kind!(
    is_extern,
    [
        wasm_extern_delete,
        wasm_extern_copy,
        wasm_extern_same,
        wasm_extern_get_host_info,
        wasm_extern_set_host_info,
        wasm_extern_set_host_info_with_finalizer
    ],
    wasm_extern_as_ref,
    wasm_extern_as_ref_const,
    wasm_ref_as_extern,
    wasm_ref_as_extern_const
);

declare_vec!(
    Option<Box<wasm_extern_t>>,
    wasm_extern_vec_new_empty,
    wasm_extern_vec_new_uninitialized,
    wasm_extern_vec_new,
    wasm_extern_vec_copy,
    wasm_extern_vec_delete
);

pub(crate) fn to_weft(e: &wasm_extern_t) -> Option<Extern> {
    Some(match e.obj {
        Obj::Func(f) => Extern::Func(f),
        Obj::Global(g) => Extern::Global(g),
        Obj::Table(t) => Extern::Table(t),
        Obj::Memory(m) => Extern::Memory(m),
        Obj::Tag(t) => Extern::Tag(t),
        _ => return None,
    })
}

pub(crate) fn from_weft(store: &StoreRef, e: Extern) -> Box<wasm_extern_t> {
    let obj = match e {
        Extern::Func(f) => Obj::Func(f),
        Extern::Global(g) => Obj::Global(g),
        Extern::Table(t) => Obj::Table(t),
        Extern::Memory(m) => Obj::Memory(m),
        Extern::Tag(t) => Obj::Tag(t),
    };
    wasm_ref_t::new(store, obj)
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_extern_kind(e: Option<&wasm_extern_t>) -> u8 {
    let Some(e) = e else {
        return crate::null_arg("wasm_extern_kind", "e", 0);
    };
    match e.obj {
        Obj::Func(_) => WASM_EXTERN_FUNC,
        Obj::Global(_) => WASM_EXTERN_GLOBAL,
        Obj::Table(_) => WASM_EXTERN_TABLE,
        Obj::Memory(_) => WASM_EXTERN_MEMORY,
        _ => WEFT_EXTERN_TAG,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_extern_type(e: Option<&wasm_extern_t>) -> Option<Box<wasm_externtype_t>> {
    let Some(e) = e else {
        return crate::null_arg("wasm_extern_type", "e", None);
    };
    let ext = to_weft(e)?;
    Some(boxed(&e.cell().with(|s| ext.ty(&*s))))
}

/// Declares one kind's in-place conversions to and from `wasm_extern_t`.
macro_rules! extern_casts {
    ($is:pat, $as_ext:ident, $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ext(r: Option<&mut wasm_ref_t>) -> Option<&mut wasm_ref_t> {
            r
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ext_const(r: Option<&wasm_ref_t>) -> Option<&wasm_ref_t> {
            r
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $from_ext(r: Option<&mut wasm_ref_t>) -> Option<&mut wasm_ref_t> {
            r.filter(|r| matches!(r.obj, $is))
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $from_ext_const(r: Option<&wasm_ref_t>) -> Option<&wasm_ref_t> {
            r.filter(|r| matches!(r.obj, $is))
        }
    };
}

extern_casts!(
    Obj::Func(_),
    wasm_func_as_extern,
    wasm_func_as_extern_const,
    wasm_extern_as_func,
    wasm_extern_as_func_const
);
extern_casts!(
    Obj::Global(_),
    wasm_global_as_extern,
    wasm_global_as_extern_const,
    wasm_extern_as_global,
    wasm_extern_as_global_const
);
extern_casts!(
    Obj::Table(_),
    wasm_table_as_extern,
    wasm_table_as_extern_const,
    wasm_extern_as_table,
    wasm_extern_as_table_const
);
extern_casts!(
    Obj::Memory(_),
    wasm_memory_as_extern,
    wasm_memory_as_extern_const,
    wasm_extern_as_memory,
    wasm_extern_as_memory_const
);

ref_kind!(
    |o| matches!(o, Obj::Instance(_)),
    [
        wasm_instance_delete,
        wasm_instance_copy,
        wasm_instance_same,
        wasm_instance_get_host_info,
        wasm_instance_set_host_info,
        wasm_instance_set_host_info_with_finalizer
    ],
    wasm_instance_as_ref,
    wasm_instance_as_ref_const,
    wasm_ref_as_instance,
    wasm_ref_as_instance_const
);

/// Instantiates with `imports` given per import (WASI ones may be filled in
/// by `fill`); on failure, null and the reason as a trap in `*trap`.
pub(crate) fn instantiate(
    store: &wasm_store_t,
    module: &wasm_ref_t,
    imports: Option<&WasmVec<Option<Box<wasm_extern_t>>>>,
    trap: Option<&mut MaybeUninit<Option<Box<wasm_trap_t>>>>,
    fill: impl Fn(&StoreRef, &weft::ImportType<'_>) -> Option<Extern>,
) -> Option<Box<wasm_instance_t>> {
    let cell = &store.cell;
    let outcome = crate::guard(|| -> Result<Box<wasm_instance_t>, Box<wasm_trap_t>> {
        let fail = |m: String| crate::trap::new_trap(cell, m, Vec::new());
        let data = crate::module::data(module)
            .ok_or_else(|| fail("wasm_instance_new: not a module".into()))?;
        let given = imports.map_or(&[][..], |v| v.as_slice());
        let mut resolved = Vec::with_capacity(data.module.imports().len());
        for (i, imp) in data.module.imports().enumerate() {
            let e = match given.get(i).and_then(|e| e.as_deref()) {
                Some(e) => {
                    if !std::rc::Rc::ptr_eq(&e.store, cell) {
                        return Err(fail(format!(
                            "import {i} (`{}::{}`) belongs to another store",
                            imp.module(),
                            imp.name()
                        )));
                    }
                    to_weft(e)
                }
                None => fill(cell, &imp),
            };
            let e = e.ok_or_else(|| {
                fail(format!(
                    "unknown import: `{}::{}` was not given (import {i})",
                    imp.module(),
                    imp.name()
                ))
            })?;
            resolved.push(e);
        }
        match cell.with(|s| Instance::new(s, &data.module, &resolved)) {
            Ok(inst) => Ok(wasm_ref_t::new(cell, Obj::Instance(inst))),
            Err(e) => Err(crate::trap::from_error(cell, &e)),
        }
    });
    let outcome = outcome.unwrap_or_else(|m| Err(crate::trap::new_trap(cell, m, Vec::new())));
    match outcome {
        Ok(inst) => {
            if let Some(t) = trap {
                t.write(None);
            }
            Some(inst)
        }
        Err(t) => {
            crate::set_error(crate::trap::message(&t));
            if let Some(slot) = trap {
                slot.write(Some(t));
            }
            None
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_instance_new(
    store: Option<&wasm_store_t>,
    module: Option<&wasm_ref_t>,
    imports: Option<&WasmVec<Option<Box<wasm_extern_t>>>>,
    trap: Option<&mut MaybeUninit<Option<Box<wasm_trap_t>>>>,
) -> Option<Box<wasm_instance_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_instance_new", "store", None);
    };
    let Some(module) = module else {
        return crate::null_arg("wasm_instance_new", "module", None);
    };
    instantiate(store, module, imports, trap, |_, _| None)
}

/// The instance's exports, in the module's order.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_instance_exports(
    i: Option<&wasm_instance_t>,
    out: Option<&mut MaybeUninit<WasmVec<Option<Box<wasm_extern_t>>>>>,
) {
    let Some(i) = i else {
        return crate::null_arg("wasm_instance_exports", "i", ());
    };
    let Some(out) = out else {
        return crate::null_arg("wasm_instance_exports", "out", ());
    };
    let v = match i.obj {
        Obj::Instance(inst) => {
            let cell = i.cell();
            cell.with(|s| inst.exports(s))
                .into_iter()
                .map(|(_, e)| Some(from_weft(cell, e)))
                .collect()
        }
        _ => Vec::new(),
    };
    out.write(WasmVec::from_vec(v));
}
