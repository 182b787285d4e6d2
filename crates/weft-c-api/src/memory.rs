//! Memories.

use weft::{Memory, WASM_PAGE_SIZE};

use crate::object::{Obj, ref_kind, wasm_memory_t, wasm_ref_t};
use crate::store::wasm_store_t;
use crate::types::{boxed, wasm_memorytype_t};

ref_kind!(
    |o| matches!(o, Obj::Memory(_)),
    [
        wasm_memory_delete,
        wasm_memory_copy,
        wasm_memory_same,
        wasm_memory_get_host_info,
        wasm_memory_set_host_info,
        wasm_memory_set_host_info_with_finalizer
    ],
    wasm_memory_as_ref,
    wasm_memory_as_ref_const,
    wasm_ref_as_memory,
    wasm_ref_as_memory_const
);

fn memory_of(m: &wasm_memory_t) -> Option<Memory> {
    match m.obj {
        Obj::Memory(m) => Some(m),
        _ => None,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_new(
    store: Option<&wasm_store_t>,
    ty: Option<&wasm_memorytype_t>,
) -> Option<Box<wasm_memory_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_memory_new", "store", None);
    };
    let Some(ty) = ty else {
        return crate::null_arg("wasm_memory_new", "ty", None);
    };
    let cell = &store.cell;
    crate::guarded(None, || {
        let Some(weft::ExternType::Memory(mt)) = ty.to_weft() else {
            return Err("wasm_memory_new: not a memory type".into());
        };
        let m = cell
            .with(|s| Memory::new(s, mt))
            .map_err(|e| format!("wasm_memory_new: {e}"))?;
        Ok(Some(wasm_ref_t::new(cell, Obj::Memory(m))))
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_type(m: Option<&wasm_memory_t>) -> Option<Box<wasm_memorytype_t>> {
    let Some(m) = m else {
        return crate::null_arg("wasm_memory_type", "m", None);
    };
    let mem = memory_of(m)?;
    let ty = m.cell().with(|s| mem.ty(&*s));
    Some(boxed(&weft::ExternType::Memory(ty)))
}

/// The memory's bytes; the pointer is valid until the memory grows.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_data(m: Option<&wasm_memory_t>) -> *mut u8 {
    let Some(m) = m else {
        return crate::null_arg("wasm_memory_data", "m", std::ptr::null_mut());
    };
    let cell = m.cell();
    crate::guarded(std::ptr::null_mut(), || {
        let mem = memory_of(m).ok_or("wasm_memory_data: not a memory")?;
        cell.with(|s| {
            if mem.shared(&*s).is_some() {
                // Other threads may write it at any time: weft lends no
                // pointer to a shared memory's bytes.
                return Err("wasm_memory_data: a shared memory has no data pointer".to_string());
            }
            Ok(mem.data_mut(s).as_mut_ptr())
        })
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_data_size(m: Option<&wasm_memory_t>) -> usize {
    let Some(m) = m else {
        return crate::null_arg("wasm_memory_data_size", "m", 0);
    };
    let cell = m.cell();
    crate::guarded(0, || {
        let mem = memory_of(m).ok_or("wasm_memory_data_size: not a memory")?;
        Ok(cell.with(|s| match mem.shared(&*s) {
            Some(shared) => usize::try_from(shared.data_size()).unwrap_or(usize::MAX),
            None => mem.data(&*s).len(),
        }))
    })
}

/// The size in 64 KiB pages.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_size(m: Option<&wasm_memory_t>) -> u32 {
    let Some(m) = m else {
        return crate::null_arg("wasm_memory_size", "m", 0);
    };
    let bytes = wasm_memory_data_size(Some(m)) as u64;
    u32::try_from(bytes / WASM_PAGE_SIZE).unwrap_or(u32::MAX)
}

/// Grows by `delta` pages; false if the maximum (or a store limit) does
/// not allow it.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_memory_grow(m: Option<&wasm_memory_t>, delta: u32) -> bool {
    let Some(m) = m else {
        return crate::null_arg("wasm_memory_grow", "m", false);
    };
    let cell = m.cell().clone();
    crate::guarded(false, || {
        let mem = memory_of(m).ok_or("wasm_memory_grow: not a memory")?;
        cell.with(|s| mem.grow(s, u64::from(delta)))
            .map_err(|e| format!("wasm_memory_grow: {e}"))?;
        Ok(true)
    })
}
