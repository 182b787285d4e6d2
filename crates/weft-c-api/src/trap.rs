//! Traps (with their message and wasm frames) and frames.

use std::cell::RefCell;
use std::mem::MaybeUninit;
use std::rc::Rc;

use weft::{ErrorKind, FrameInfo};

use crate::object::{InfoSlot, Obj, ref_kind, wasm_instance_t, wasm_ref_t, wasm_trap_t};
use crate::store::{StoreRef, wasm_store_t};
use crate::vec::{WasmVec, declare_vec, wasm_message_t};

/// What a trap says.
pub(crate) struct TrapData {
    pub(crate) message: String,
    /// Innermost first.
    pub(crate) frames: Vec<FrameInfo>,
    /// The status of a WASI `proc_exit`.
    pub(crate) exit_status: Option<i32>,
    pub(crate) host_info: InfoSlot,
}

/// The error a host function's trap becomes inside weft: its message goes
/// back to C unchanged.
#[derive(Debug)]
pub(crate) struct HostTrap(pub(crate) String);

impl std::fmt::Display for HostTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HostTrap {}

pub(crate) fn new_trap(
    store: &StoreRef,
    message: String,
    frames: Vec<FrameInfo>,
) -> Box<wasm_trap_t> {
    trap_handle(store, message, frames, None)
}

fn trap_handle(
    store: &StoreRef,
    message: String,
    frames: Vec<FrameInfo>,
    exit_status: Option<i32>,
) -> Box<wasm_trap_t> {
    Box::new(wasm_ref_t {
        store: store.clone(),
        obj: Obj::Trap(Rc::new(TrapData {
            message,
            frames,
            exit_status,
            host_info: RefCell::new(None),
        })),
    })
}

/// A weft error as a trap for C.
pub(crate) fn from_error(store: &StoreRef, err: &weft::Error) -> Box<wasm_trap_t> {
    let message = match err.kind() {
        ErrorKind::Trap(t) => format!("wasm trap: {}", t.message()),
        ErrorKind::Host(e) => match e.downcast_ref::<HostTrap>() {
            Some(h) => h.0.clone(),
            None => err.to_string(),
        },
        _ => err.to_string(),
    };
    let frames = err
        .as_trap()
        .map(|t| t.backtrace().to_vec())
        .unwrap_or_default();
    trap_handle(store, message, frames, weft_wasi::exit_code(err))
}

/// The trap's message (empty for a handle that is not a trap).
pub(crate) fn message(t: &wasm_trap_t) -> String {
    data(t).map_or_else(String::new, |d| d.message.clone())
}

pub(crate) fn data(t: &wasm_trap_t) -> Option<&TrapData> {
    match &t.obj {
        Obj::Trap(d) => Some(d),
        _ => None,
    }
}

ref_kind!(
    |o| matches!(o, Obj::Trap(_)),
    [
        wasm_trap_delete,
        wasm_trap_copy,
        wasm_trap_same,
        wasm_trap_get_host_info,
        wasm_trap_set_host_info,
        wasm_trap_set_host_info_with_finalizer
    ],
    wasm_trap_as_ref,
    wasm_trap_as_ref_const,
    wasm_ref_as_trap,
    wasm_ref_as_trap_const
);

/// A trap with `message` (a NUL at its end is not part of the text).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_new(
    store: Option<&wasm_store_t>,
    message: Option<&wasm_message_t>,
) -> Option<Box<wasm_trap_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_trap_new", "store", None);
    };
    let text = message.map(|m| m.to_text()).unwrap_or_default();
    Some(new_trap(&store.cell, text, Vec::new()))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_message(
    t: Option<&wasm_trap_t>,
    out: Option<&mut MaybeUninit<wasm_message_t>>,
) {
    let Some(t) = t else {
        return crate::null_arg("wasm_trap_message", "t", ());
    };
    let Some(out) = out else {
        return crate::null_arg("wasm_trap_message", "out", ());
    };
    let text = data(t).map_or("", |d| d.message.as_str());
    out.write(WasmVec::message(text));
}

/// `wasm_frame_t`: one wasm frame of a trap.
#[derive(Clone)]
pub struct wasm_frame_t {
    info: FrameInfo,
    /// The frame's instance, for `wasm_frame_instance` to lend.
    instance: Option<Box<wasm_instance_t>>,
}

fn frame(store: &StoreRef, info: &FrameInfo) -> Box<wasm_frame_t> {
    let instance = info
        .instance
        .map(|i| wasm_ref_t::new(store, Obj::Instance(i)));
    Box::new(wasm_frame_t {
        info: info.clone(),
        instance,
    })
}

/// The innermost frame, or null for a trap without frames.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_origin(t: Option<&wasm_trap_t>) -> Option<Box<wasm_frame_t>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_trap_origin", "t", None);
    };
    let d = data(t)?;
    d.frames.first().map(|f| frame(&t.store, f))
}

/// Every frame, innermost first.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_trap_trace(
    t: Option<&wasm_trap_t>,
    out: Option<&mut MaybeUninit<WasmVec<Option<Box<wasm_frame_t>>>>>,
) {
    let Some(t) = t else {
        return crate::null_arg("wasm_trap_trace", "t", ());
    };
    let Some(out) = out else {
        return crate::null_arg("wasm_trap_trace", "out", ());
    };
    let frames = data(t).map_or_else(Vec::new, |d| {
        d.frames.iter().map(|f| Some(frame(&t.store, f))).collect()
    });
    out.write(WasmVec::from_vec(frames));
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_delete(_: Option<Box<wasm_frame_t>>) {}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_copy(f: Option<&wasm_frame_t>) -> Option<Box<wasm_frame_t>> {
    let Some(f) = f else {
        return crate::null_arg("wasm_frame_copy", "f", None);
    };
    Some(Box::new(f.clone()))
}

declare_vec!(
    Option<Box<wasm_frame_t>>,
    wasm_frame_vec_new_empty,
    wasm_frame_vec_new_uninitialized,
    wasm_frame_vec_new,
    wasm_frame_vec_copy,
    wasm_frame_vec_delete
);

/// The frame's instance, owned by the frame.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_instance(f: Option<&wasm_frame_t>) -> Option<&wasm_instance_t> {
    let Some(f) = f else {
        return crate::null_arg("wasm_frame_instance", "f", None);
    };
    f.instance.as_deref()
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_func_index(f: Option<&wasm_frame_t>) -> u32 {
    let Some(f) = f else {
        return crate::null_arg("wasm_frame_func_index", "f", 0);
    };
    f.info.func_index
}

/// The instruction's offset in its function's body (`SIZE_MAX` when
/// unknown).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_func_offset(f: Option<&wasm_frame_t>) -> usize {
    let Some(f) = f else {
        return crate::null_arg("wasm_frame_func_offset", "f", 0);
    };
    f.info.func_offset.unwrap_or(usize::MAX)
}

/// The instruction's offset in the module binary (`SIZE_MAX` when
/// unknown).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_frame_module_offset(f: Option<&wasm_frame_t>) -> usize {
    let Some(f) = f else {
        return crate::null_arg("wasm_frame_module_offset", "f", 0);
    };
    f.info.offset.unwrap_or(usize::MAX)
}
