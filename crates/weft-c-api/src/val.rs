//! `wasm_val_t` and its conversions to and from weft's values.

use std::mem::MaybeUninit;
use std::rc::Rc;

use weft::{Val, ValType};

use crate::object::{Obj, wasm_ref_t};
use crate::store::StoreRef;
use crate::types::{self, WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64};
use crate::vec::{Element, WasmVec, declare_vec};

/// `wasm_val_t`: a kind and the value.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_val_t {
    pub kind: u8,
    pub of: wasm_val_union,
}

/// The value of a `wasm_val_t`, read as its `kind` says.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
    pub ref_: *mut wasm_ref_t,
}

pub type wasm_val_vec_t = WasmVec<wasm_val_t>;

impl wasm_val_t {
    fn blank() -> Self {
        wasm_val_t {
            kind: WASM_I64,
            of: wasm_val_union { i64: 0 },
        }
    }

    /// The reference this value holds (null for a number or a null ref).
    fn ref_ptr(&self) -> *mut wasm_ref_t {
        if self.kind == WASM_EXTERNREF || self.kind == WASM_FUNCREF {
            // SAFETY: for reference kinds the union holds `ref_`.
            unsafe { self.of.ref_ }
        } else {
            std::ptr::null_mut()
        }
    }

    /// The reference this value holds, borrowed.
    pub(crate) fn reference(&self) -> Option<&wasm_ref_t> {
        let p = self.ref_ptr();
        // SAFETY: a non-null `ref_` is a handle made by this library (the
        // header's contract for reference values), alive while the value is.
        (!p.is_null()).then(|| unsafe { &*p })
    }

    /// Converts to a weft value of type `ty` in `store`.
    pub(crate) fn read(&self, ty: ValType, store: &StoreRef) -> Result<Val, String> {
        let kind = types::kind_of(ty);
        if self.kind != kind {
            return Err(format!("{} where {ty} is expected", kind_name(self.kind)));
        }
        // SAFETY (each union read): `kind` was checked to be the field's.
        Ok(match kind {
            WASM_I32 => Val::I32(unsafe { self.of.i32 }),
            WASM_I64 => Val::I64(unsafe { self.of.i64 }),
            WASM_F32 => Val::F32(unsafe { self.of.f32 }.to_bits()),
            WASM_F64 => Val::F64(unsafe { self.of.f64 }.to_bits()),
            WASM_FUNCREF | WASM_EXTERNREF => ref_to_weft(self.reference(), ty, store)?,
            _ => {
                return Err(format!(
                    "values of type {ty} cannot be passed through the C API"
                ));
            }
        })
    }

    /// Converts from a weft value; a reference becomes a new handle.
    pub(crate) fn from_weft(v: &Val, store: &StoreRef) -> Result<wasm_val_t, String> {
        let (kind, of) = match v {
            Val::I32(i) => (WASM_I32, wasm_val_union { i32: *i }),
            Val::I64(i) => (WASM_I64, wasm_val_union { i64: *i }),
            Val::F32(b) => (
                WASM_F32,
                wasm_val_union {
                    f32: f32::from_bits(*b),
                },
            ),
            Val::F64(b) => (
                WASM_F64,
                wasm_val_union {
                    f64: f64::from_bits(*b),
                },
            ),
            Val::FuncRef(f) => (
                WASM_FUNCREF,
                wasm_val_union {
                    ref_: f.map_or(std::ptr::null_mut(), |f| {
                        Box::into_raw(wasm_ref_t::new(store, Obj::Func(f)))
                    }),
                },
            ),
            Val::ExternRef(e) => (
                WASM_EXTERNREF,
                wasm_val_union {
                    ref_: e.as_ref().map_or(std::ptr::null_mut(), |e| {
                        Box::into_raw(wasm_ref_t::new(store, Obj::Foreign(e.clone())))
                    }),
                },
            ),
            other => {
                return Err(format!(
                    "values of type {} cannot be passed through the C API",
                    other.ty()
                ));
            }
        };
        Ok(wasm_val_t { kind, of })
    }

    /// Deletes the reference this value owns.
    pub(crate) fn release_ref(&mut self) {
        let p = self.ref_ptr();
        if !p.is_null() {
            // SAFETY: an owned reference value holds a handle made by
            // `Box::into_raw` here (the header's `own` contract), deleted once.
            drop(unsafe { Box::from_raw(p) });
            self.of.ref_ = std::ptr::null_mut();
        }
    }

    /// A copy that owns a copy of the reference.
    pub(crate) fn duplicate(&self) -> wasm_val_t {
        let mut v = *self;
        if let Some(r) = self.reference() {
            v.of.ref_ = Box::into_raw(Box::new(r.clone()));
        }
        v
    }
}

/// How an error names a value of C kind `kind`.
fn kind_name(kind: u8) -> String {
    match kind {
        WASM_I32 => "an i32".into(),
        WASM_I64 => "an i64".into(),
        WASM_F32 => "an f32".into(),
        WASM_F64 => "an f64".into(),
        WASM_EXTERNREF => "an externref".into(),
        WASM_FUNCREF => "a funcref".into(),
        k => format!("a value of unknown kind {k}"),
    }
}

/// A C reference (or null) as a weft value of reference type `ty`.
pub(crate) fn ref_to_weft(
    r: Option<&wasm_ref_t>,
    ty: ValType,
    store: &StoreRef,
) -> Result<Val, String> {
    let Some(r) = r else {
        return Ok(Val::default_for(ty));
    };
    if !Rc::ptr_eq(&r.store, store) {
        return Err("a reference from another store".into());
    }
    let v = match &r.obj {
        Obj::Func(f) => Val::FuncRef(Some(*f)),
        Obj::Foreign(e) => Val::ExternRef(Some(e.clone())),
        _ => return Err("this reference cannot be a wasm value".into()),
    };
    if !store.with(|s| v.matches(&*s, ty)) {
        return Err(format!("the reference does not have type {ty}"));
    }
    Ok(v)
}

impl Element for wasm_val_t {
    fn duplicate(&self) -> Self {
        wasm_val_t::duplicate(self)
    }
    fn release(mut self) {
        self.release_ref();
    }
    fn blank() -> Self {
        wasm_val_t::blank()
    }
}

declare_vec!(
    wasm_val_t,
    wasm_val_vec_new_empty,
    wasm_val_vec_new_uninitialized,
    wasm_val_vec_new,
    wasm_val_vec_copy,
    wasm_val_vec_delete
);

#[unsafe(no_mangle)]
pub extern "C" fn wasm_val_delete(v: Option<&mut wasm_val_t>) {
    if let Some(v) = v {
        v.release_ref();
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_val_copy(out: Option<&mut MaybeUninit<wasm_val_t>>, v: Option<&wasm_val_t>) {
    let Some(out) = out else {
        return crate::null_arg("wasm_val_copy", "out", ());
    };
    let Some(v) = v else {
        return crate::null_arg("wasm_val_copy", "v", ());
    };
    out.write(v.duplicate());
}
