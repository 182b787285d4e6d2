//! Functions: wasm functions of an instance and host functions written as
//! Rust closures, with typed (`TypedFunc`) and untyped (`Func::call`) calls.

use super::store::{AsContext, AsContextMut, Caller, Stored};
use crate::engine::SigId;
use crate::error::{Error, Result};
use crate::types::{FuncType, ValType};
use crate::value::Val;
use std::marker::PhantomData;
use std::sync::Arc;

/// What a function in the store is.
///
/// `repr(u32)` with `sig` first in each variant puts the signature at the
/// same offset in both, so reading it (every `call_indirect` does) is one
/// load rather than a choice on the variant.
#[derive(Debug, Clone, Copy)]
#[repr(u32)]
pub(crate) enum FuncKind {
    /// Defined function `index` of the module of instance `instance`.
    Wasm {
        sig: SigId,
        instance: u32,
        index: u32,
    },
    /// Host function `host` of the store's host list.
    Host { sig: SigId, host: u32 },
}

impl FuncKind {
    pub(crate) fn sig(&self) -> SigId {
        match *self {
            FuncKind::Wasm { sig, .. } | FuncKind::Host { sig, .. } => sig,
        }
    }
}

type HostFn<T> = dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync;

/// A host function: its type and the closure. Opaque to embedders.
#[doc(hidden)]
pub struct HostFunc<T> {
    pub(crate) ty: FuncType,
    pub(crate) f: Box<HostFn<T>>,
}

impl<T> HostFunc<T> {
    /// Moves the host function into `store`, returning its handle.
    pub(crate) fn allocate(self: &Arc<Self>, store: &mut super::Store<T>) -> Func {
        let sig = store.inner.engine.intern_sig(&self.ty);
        store.hosts.push(self.clone());
        let host = (store.hosts.len() - 1) as u32;
        store.inner.funcs.push(FuncKind::Host { host, sig });
        Func(store.inner.stored(store.inner.funcs.len() - 1))
    }
}

/// A handle to a function in a [`crate::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Func(pub(crate) Stored);

impl Func {
    /// Creates a host function from a closure over [`Val`]s.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func {
        let hf = Arc::new(HostFunc { ty, f: Box::new(f) });
        hf.allocate(store.as_context_mut())
    }

    /// Creates a host function from a closure with typed parameters and
    /// results (optionally taking a [`Caller`] first).
    pub fn wrap<T: 'static, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let hf = Arc::new(f.into_host_func());
        hf.allocate(store.as_context_mut())
    }

    /// The function's type.
    ///
    /// # Panics
    /// If the function belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let s = store.as_context();
        let i = s.inner.expect(self.0, "function");
        func_type(s, i)
    }

    /// Calls the function with `params`, writing `results`. Argument count
    /// and types are checked; a trap comes back as an error.
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<()> {
        let store = store.as_context_mut();
        let idx = store.inner.check(self.0, "function")?;
        let ty = func_type(store, idx);
        if params.len() != ty.params().len() {
            return Err(Error::usage(format!(
                "function expects {} arguments but {} were given",
                ty.params().len(),
                params.len()
            )));
        }
        for (i, (p, t)) in params.iter().zip(ty.params()).enumerate() {
            // A reference of another store is that error, not a type one.
            p.to_bits(&store.inner)?;
            if !p.matches_in(&store.inner, *t) {
                return Err(Error::usage(format!(
                    "argument {i} ({}) is not of the type the function expects, {t}",
                    p.ty()
                )));
            }
        }
        if results.len() != ty.results().len() {
            return Err(Error::usage(format!(
                "function returns {} values but room for {} was given",
                ty.results().len(),
                results.len()
            )));
        }
        crate::exec::invoke(store, idx, &ty, params, results)
    }

    /// A typed view of this function; fails if the types differ.
    pub fn typed<P: WasmParams, R: WasmParams>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<P, R>> {
        let s = store.as_context();
        let idx = s.inner.check(self.0, "function")?;
        let ty = func_type(s, idx);
        if ty.params() != P::types().as_slice() || ty.results() != R::types().as_slice() {
            return Err(Error::usage(format!(
                "function has type {ty}, not the requested {}",
                FuncType::new(P::types(), R::types())
            )));
        }
        Ok(TypedFunc {
            func: *self,
            _marker: PhantomData,
        })
    }
}

pub(crate) fn func_type<T>(s: &super::Store<T>, idx: usize) -> FuncType {
    match s.inner.funcs[idx] {
        FuncKind::Wasm {
            instance, index, ..
        } => {
            let m = &s.inner.instances[instance as usize].module.inner;
            m.func_type(index + m.num_imported_funcs).clone()
        }
        FuncKind::Host { host, .. } => s.hosts[host as usize].ty.clone(),
    }
}

/// A function with statically known parameter and result types.
pub struct TypedFunc<P, R> {
    func: Func,
    _marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P: WasmParams, R: WasmParams> TypedFunc<P, R> {
    /// Calls the function.
    pub fn call(&self, mut store: impl AsContextMut, params: P) -> Result<R> {
        let mut args = Vec::new();
        params.push_vals(&mut args);
        let mut results: Vec<Val> = R::types().into_iter().map(Val::default_for).collect();
        self.func
            .call(store.as_context_mut(), &args, &mut results)?;
        R::from_vals(&results).ok_or_else(|| Error::usage("result type mismatch"))
    }

    /// The untyped function.
    pub fn func(&self) -> Func {
        self.func
    }
}

/// A Rust type that maps to one wasm value type.
pub trait WasmTy: Copy + Send + Sync + 'static {
    /// The wasm type.
    fn val_type() -> ValType;
    /// Converts to a [`Val`].
    fn into_val(self) -> Val;
    /// Converts from a [`Val`] of the right type.
    fn from_val(v: &Val) -> Option<Self>;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:ident, $to:expr, $from:expr) => {
        impl WasmTy for $t {
            fn val_type() -> ValType {
                ValType::$vt
            }
            fn into_val(self) -> Val {
                #[allow(clippy::redundant_closure_call)]
                ($to)(self)
            }
            fn from_val(v: &Val) -> Option<Self> {
                #[allow(clippy::redundant_closure_call)]
                ($from)(v)
            }
        }
    };
}

wasm_ty!(i32, I32, Val::I32, |v: &Val| v.i32());
wasm_ty!(u32, I32, |x: u32| Val::I32(x as i32), |v: &Val| v
    .i32()
    .map(|x| x as u32));
wasm_ty!(i64, I64, Val::I64, |v: &Val| v.i64());
wasm_ty!(u64, I64, |x: u64| Val::I64(x as i64), |v: &Val| v
    .i64()
    .map(|x| x as u64));
wasm_ty!(f32, F32, |x: f32| Val::F32(x.to_bits()), |v: &Val| v.f32());
wasm_ty!(f64, F64, |x: f64| Val::F64(x.to_bits()), |v: &Val| v.f64());
// A `v128` as a `u128`, lane 0 in the low bits.
wasm_ty!(u128, V128, Val::V128, |v: &Val| v.v128());

/// A list of wasm values with static types: `()`, a single [`WasmTy`], or a
/// tuple of them. Used for typed parameters and results.
pub trait WasmParams: Sized + Send + Sync + 'static {
    /// The wasm types, in order.
    fn types() -> Vec<ValType>;
    /// Appends the values to `out`.
    fn push_vals(self, out: &mut Vec<Val>);
    /// Reads the values from `vals`.
    fn from_vals(vals: &[Val]) -> Option<Self>;
}

impl<A: WasmTy> WasmParams for A {
    fn types() -> Vec<ValType> {
        vec![A::val_type()]
    }
    fn push_vals(self, out: &mut Vec<Val>) {
        out.push(self.into_val());
    }
    fn from_vals(vals: &[Val]) -> Option<Self> {
        match vals {
            [v] => A::from_val(v),
            _ => None,
        }
    }
}

macro_rules! wasm_params_tuple {
    ($($a:ident),*) => {
        #[allow(non_snake_case, unused_mut, unused_variables)]
        impl<$($a: WasmTy,)*> WasmParams for ($($a,)*) {
            fn types() -> Vec<ValType> {
                vec![$($a::val_type()),*]
            }
            fn push_vals(self, out: &mut Vec<Val>) {
                let ($($a,)*) = self;
                $(out.push($a.into_val());)*
            }
            fn from_vals(vals: &[Val]) -> Option<Self> {
                let mut it = vals.iter();
                let r = ($($a::from_val(it.next()?)?,)*);
                if it.next().is_some() {
                    return None;
                }
                Some(r)
            }
        }
    };
}

wasm_params_tuple!();
wasm_params_tuple!(A1);
wasm_params_tuple!(A1, A2);
wasm_params_tuple!(A1, A2, A3);
wasm_params_tuple!(A1, A2, A3, A4);
wasm_params_tuple!(A1, A2, A3, A4, A5);
wasm_params_tuple!(A1, A2, A3, A4, A5, A6);
wasm_params_tuple!(A1, A2, A3, A4, A5, A6, A7);
wasm_params_tuple!(A1, A2, A3, A4, A5, A6, A7, A8);

/// What a host closure may return: results, or `Result` of results.
pub trait WasmRet {
    /// The result values' types.
    type Results: WasmParams;
    /// Converts into a result.
    fn into_result(self) -> Result<Self::Results>;
}

impl<R: WasmParams> WasmRet for R {
    type Results = R;
    fn into_result(self) -> Result<R> {
        Ok(self)
    }
}

impl<R: WasmParams> WasmRet for Result<R> {
    type Results = R;
    fn into_result(self) -> Result<R> {
        self
    }
}

/// Marker for closures whose first parameter is a [`Caller`].
pub struct WithCaller;

/// A Rust closure usable as a host function.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host_func(self) -> HostFunc<T>;
}

fn write_results<R: WasmParams>(r: R, results: &mut [Val]) -> Result<()> {
    let mut v = Vec::with_capacity(results.len());
    r.push_vals(&mut v);
    if v.len() != results.len() {
        return Err(Error::usage(
            "host function returned the wrong number of results",
        ));
    }
    results.clone_from_slice(&v);
    Ok(())
}

fn bad_param() -> Error {
    Error::usage("host function received a parameter of the wrong type")
}

macro_rules! into_func {
    ($($a:ident),*) => {
        #[allow(non_snake_case)]
        impl<T, F, R, $($a,)*> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: WasmRet,
            $($a: WasmTy,)*
        {
            fn into_host_func(self) -> HostFunc<T> {
                HostFunc {
                    ty: FuncType::new(vec![$($a::val_type()),*], R::Results::types()),
                    f: Box::new(move |_caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                        #[allow(unused_mut, unused_variables)]
                        let mut it = params.iter();
                        $(let $a = it.next().and_then(|v| $a::from_val(v)).ok_or_else(bad_param)?;)*
                        let r = (self)($($a),*).into_result()?;
                        write_results(r, results)
                    }),
                }
            }
        }

        #[allow(non_snake_case)]
        impl<T, F, R, $($a,)*> IntoFunc<T, (WithCaller, $($a,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
            R: WasmRet,
            $($a: WasmTy,)*
        {
            fn into_host_func(self) -> HostFunc<T> {
                HostFunc {
                    ty: FuncType::new(vec![$($a::val_type()),*], R::Results::types()),
                    f: Box::new(move |caller: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                        #[allow(unused_mut, unused_variables)]
                        let mut it = params.iter();
                        $(let $a = it.next().and_then(|v| $a::from_val(v)).ok_or_else(bad_param)?;)*
                        let r = (self)(caller, $($a),*).into_result()?;
                        write_results(r, results)
                    }),
                }
            }
        }
    };
}

into_func!();
into_func!(A1);
into_func!(A1, A2);
into_func!(A1, A2, A3);
into_func!(A1, A2, A3, A4);
into_func!(A1, A2, A3, A4, A5);
into_func!(A1, A2, A3, A4, A5, A6);
into_func!(A1, A2, A3, A4, A5, A6, A7);
into_func!(A1, A2, A3, A4, A5, A6, A7, A8);
