//! weft.h's additions that are not WASI: errors, configuration, text
//! modules, fuel, limits, interruption.

use std::ffi::{CStr, c_char};
use std::mem::MaybeUninit;

use weft::{InterruptHandle, StoreLimits};

use crate::store::{wasm_config_t, wasm_store_t};
use crate::vec::{WasmVec, wasm_byte_vec_t, wasm_message_t};

#[unsafe(no_mangle)]
pub extern "C" fn weft_last_error(out: Option<&mut MaybeUninit<wasm_message_t>>) -> bool {
    let Some(out) = out else {
        return crate::null_arg("weft_last_error", "out", false);
    };
    match crate::last_error() {
        Some(m) => {
            out.write(WasmVec::message(&m));
            true
        }
        None => false,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_config_wasm_feature(
    c: Option<&mut wasm_config_t>,
    name: *const c_char,
    enable: bool,
) -> bool {
    let Some(c) = c else {
        return crate::null_arg("weft_config_wasm_feature", "c", false);
    };
    if name.is_null() {
        return false;
    }
    // SAFETY: the header's contract: a NUL-terminated string.
    let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
    let known = c.config.set_feature(&name, enable);
    if !known {
        crate::set_error(format!(
            "weft_config_wasm_feature: unknown feature `{name}`"
        ));
    }
    known
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_config_consume_fuel(c: Option<&mut wasm_config_t>, enable: bool) {
    let Some(c) = c else {
        return crate::null_arg("weft_config_consume_fuel", "c", ());
    };
    c.config.consume_fuel(enable);
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_config_interruptible(c: Option<&mut wasm_config_t>, enable: bool) {
    let Some(c) = c else {
        return crate::null_arg("weft_config_interruptible", "c", ());
    };
    c.config.interruptible(enable);
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_config_max_call_depth(c: Option<&mut wasm_config_t>, depth: usize) {
    let Some(c) = c else {
        return crate::null_arg("weft_config_max_call_depth", "c", ());
    };
    c.config.max_call_depth(depth);
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wat2wasm(
    text: *const c_char,
    len: usize,
    out: Option<&mut MaybeUninit<wasm_byte_vec_t>>,
) -> bool {
    let Some(out) = out else {
        return crate::null_arg("weft_wat2wasm", "out", false);
    };
    let src: &[u8] = if text.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: the header's contract: `text` points at `len` bytes.
        unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len) }
    };
    let result = std::str::from_utf8(src)
        .map_err(|e| format!("the text is not UTF-8: {e}"))
        .and_then(|s| wat::parse_str(s).map_err(|e| e.to_string()));
    match result {
        Ok(bin) => {
            out.write(WasmVec::from_vec(bin));
            true
        }
        Err(e) => {
            out.write(WasmVec::message(&e));
            false
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_store_set_fuel(store: Option<&wasm_store_t>, fuel: u64) -> bool {
    let Some(store) = store else {
        return crate::null_arg("weft_store_set_fuel", "store", false);
    };
    match store.cell.with(|s| s.set_fuel(fuel)) {
        Ok(()) => true,
        Err(e) => {
            crate::set_error(format!("weft_store_set_fuel: {e}"));
            false
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_store_get_fuel(
    store: Option<&wasm_store_t>,
    fuel: Option<&mut u64>,
) -> bool {
    let Some(store) = store else {
        return crate::null_arg("weft_store_get_fuel", "store", false);
    };
    match store.cell.with(|s| s.get_fuel()) {
        Ok(f) => {
            if let Some(out) = fuel {
                *out = f;
            }
            true
        }
        Err(e) => {
            crate::set_error(format!("weft_store_get_fuel: {e}"));
            false
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_store_limit(
    store: Option<&wasm_store_t>,
    max_memory_bytes: i64,
    max_table_elements: i64,
    max_instances: i64,
    max_tables: i64,
    max_memories: i64,
) {
    let Some(store) = store else {
        return crate::null_arg("weft_store_limit", "store", ());
    };
    let limits = StoreLimits {
        max_memory_bytes: u64::try_from(max_memory_bytes).ok(),
        max_table_elements: u32::try_from(max_table_elements).ok(),
        max_instances: usize::try_from(max_instances).ok(),
        max_tables: usize::try_from(max_tables).ok(),
        max_memories: usize::try_from(max_memories).ok(),
    };
    store.cell.with(|s| s.limiter(limits));
}

/// `weft_interrupt_handle_t`.
pub struct weft_interrupt_handle_t {
    handle: InterruptHandle,
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_interrupt_handle_new(
    store: Option<&wasm_store_t>,
) -> Option<Box<weft_interrupt_handle_t>> {
    let Some(store) = store else {
        return crate::null_arg("weft_interrupt_handle_new", "store", None);
    };
    Some(Box::new(weft_interrupt_handle_t {
        handle: store.cell.with(|s| s.interrupt_handle()),
    }))
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_interrupt_handle_interrupt(h: Option<&weft_interrupt_handle_t>) {
    let Some(h) = h else {
        return crate::null_arg("weft_interrupt_handle_interrupt", "h", ());
    };
    h.handle.interrupt();
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_interrupt_handle_delete(_: Option<Box<weft_interrupt_handle_t>>) {}
