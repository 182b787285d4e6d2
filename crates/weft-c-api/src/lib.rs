//! The standard WebAssembly C API (`include/wasm.h`) and weft's additions
//! (`include/weft.h`), built as `libweft.so` and `libweft.a`.
//!
//! Every function here is called from C. Their signatures use Rust types
//! that have the C types' ABI: `Option<&T>` and `Option<&mut T>` for
//! borrowed pointers (null is `None`), `Option<Box<T>>` for owned ones
//! (`own` in the header), `&mut MaybeUninit<T>` for out-parameters the
//! caller has not initialised. What C promises (pointers that are valid,
//! vectors whose `size` matches `data`, handles used by one thread at a
//! time) is the header's contract; what can be checked is: null pointers,
//! kinds, types, and objects of another store are refused with null,
//! `false` or a trap, and the reason is kept for [`weft_last_error`].
//!
//! Runtime objects (functions, globals, tables, memories, instances,
//! foreign objects, references, traps, modules) are all one Rust type,
//! [`object::wasm_ref_t`], so the standard's in-place conversions
//! (`wasm_func_as_extern`, `wasm_ref_as_func`, ...) return the same pointer.
//! Each store handle shares its store ([`store::StoreCell`]) with every
//! object made in it: the store lives until the last of them is deleted.
//!
//! No panic crosses into C: entry points that run weft's code catch it and
//! report it as a trap or an error ([`guard`]).

#![allow(non_camel_case_types)]
// Every exported function dereferences what C passed, under the header's
// contract; the pointer types in their signatures carry it.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod extern_;
pub mod func;
pub mod memory;
pub mod module;
pub mod object;
pub mod store;
pub mod table_global;
pub mod trap;
pub mod types;
pub mod val;
pub mod vec;
pub mod wasi;
pub mod weft_ext;

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    /// The reason the last failing call on this thread failed.
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records why a call failed, for `weft_last_error`.
pub(crate) fn set_error(msg: impl Into<String>) {
    let msg = msg.into();
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(msg));
}

/// The message recorded last on this thread, if any.
pub(crate) fn last_error() -> Option<String> {
    LAST_ERROR.with(|e| e.borrow().clone())
}

/// For an entry point given a null pointer it cannot work with: records
/// which and returns `r` (null, false, 0 or nothing).
pub(crate) fn null_arg<R>(func: &str, param: &str, r: R) -> R {
    set_error(format!("{func}: `{param}` is null"));
    r
}

/// Runs `f`, turning a panic into `Err` with the panic's message, so that
/// it never unwinds into C.
pub(crate) fn guard<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".to_string());
        format!("internal error in weft (a panic): {what}")
    })
}

/// Like [`guard`] for calls whose failure C sees only as `on_failure`
/// (null, false, nothing): a panic or an `Err` records its message.
pub(crate) fn guarded<R>(on_failure: R, f: impl FnOnce() -> Result<R, String>) -> R {
    match guard(f) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) | Err(e) => {
            set_error(e);
            on_failure
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_is_recorded() {
        let r = guard(|| -> i32 { panic!("boom") });
        assert_eq!(
            r.unwrap_err(),
            "internal error in weft (a panic): boom".to_string()
        );
        let v = guarded(7, || -> Result<i32, String> { panic!("again {}", 1) });
        assert_eq!(v, 7);
        assert_eq!(
            last_error().as_deref(),
            Some("internal error in weft (a panic): again 1")
        );
    }
}
