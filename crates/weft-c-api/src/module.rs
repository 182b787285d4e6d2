//! Modules: compile, validate, reflect, share between threads, serialize.
//!
//! A serialized module is a short header (`SERIAL_MAGIC`, a format version)
//! followed by the validated binary; deserializing checks the header and
//! compiles the binary again (weft has no machine-code format to store).

use std::cell::RefCell;
use std::mem::MaybeUninit;
use std::rc::Rc;
use std::sync::Arc;

use weft::Module;

use crate::object::{InfoSlot, Obj, ref_kind, wasm_module_t, wasm_ref_t};
use crate::store::wasm_store_t;
use crate::types::{boxed, wasm_exporttype_t, wasm_importtype_t};
use crate::vec::{WasmVec, wasm_byte_vec_t};

/// A compiled module and the binary it came from.
pub(crate) struct ModuleData {
    pub(crate) module: Module,
    pub(crate) binary: Arc<[u8]>,
    pub(crate) host_info: InfoSlot,
}

/// `wasm_shared_module_t`: what another thread needs to obtain the module.
pub struct wasm_shared_module_t {
    module: Module,
    binary: Arc<[u8]>,
}

const SERIAL_MAGIC: &[u8; 8] = b"\0weftmod";
const SERIAL_VERSION: u32 = 1;

fn handle(store: &wasm_store_t, module: Module, binary: Arc<[u8]>) -> Box<wasm_module_t> {
    Box::new(wasm_ref_t {
        store: store.cell.clone(),
        obj: Obj::Module(Rc::new(ModuleData {
            module,
            binary,
            host_info: RefCell::new(None),
        })),
    })
}

pub(crate) fn data(m: &wasm_module_t) -> Option<&ModuleData> {
    match &m.obj {
        Obj::Module(d) => Some(d),
        _ => None,
    }
}

/// The C API takes binaries only (text goes through `weft_wat2wasm`).
fn binary_only(bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"\0asm") {
        Ok(())
    } else {
        Err("not a WebAssembly binary: it does not start with \"\\0asm\"".into())
    }
}

fn compile(store: &wasm_store_t, bytes: &[u8]) -> Result<Option<Box<wasm_module_t>>, String> {
    binary_only(bytes)?;
    let engine = store.cell.engine();
    let module = Module::from_binary(&engine, bytes).map_err(|e| e.to_string())?;
    Ok(Some(handle(store, module, bytes.into())))
}

ref_kind!(
    |o| matches!(o, Obj::Module(_)),
    [
        wasm_module_delete,
        wasm_module_copy,
        wasm_module_same,
        wasm_module_get_host_info,
        wasm_module_set_host_info,
        wasm_module_set_host_info_with_finalizer
    ],
    wasm_module_as_ref,
    wasm_module_as_ref_const,
    wasm_ref_as_module,
    wasm_ref_as_module_const
);

/// Decodes, validates and compiles a binary; null (and weft_last_error)
/// if it is malformed or invalid.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_new(
    store: Option<&wasm_store_t>,
    binary: Option<&wasm_byte_vec_t>,
) -> Option<Box<wasm_module_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_module_new", "store", None);
    };
    crate::guarded(None, || {
        let binary = binary.ok_or("wasm_module_new: the binary is null")?;
        compile(store, binary.as_slice())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_validate(
    store: Option<&wasm_store_t>,
    binary: Option<&wasm_byte_vec_t>,
) -> bool {
    let Some(store) = store else {
        return crate::null_arg("wasm_module_validate", "store", false);
    };
    crate::guarded(false, || {
        let binary = binary.ok_or("wasm_module_validate: the binary is null")?;
        binary_only(binary.as_slice())?;
        let engine = store.cell.engine();
        Module::validate(&engine, binary.as_slice()).map_err(|e| e.to_string())?;
        Ok(true)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_imports(
    m: Option<&wasm_module_t>,
    out: Option<&mut MaybeUninit<WasmVec<Option<Box<wasm_importtype_t>>>>>,
) {
    let Some(m) = m else {
        return crate::null_arg("wasm_module_imports", "m", ());
    };
    let Some(out) = out else {
        return crate::null_arg("wasm_module_imports", "out", ());
    };
    let v = data(m).map_or_else(Vec::new, |d| {
        d.module
            .imports()
            .map(|i| {
                Some(Box::new(wasm_importtype_t {
                    module: WasmVec::from_str(i.module()),
                    name: WasmVec::from_str(i.name()),
                    ty: boxed(&i.ty()),
                }))
            })
            .collect()
    });
    out.write(WasmVec::from_vec(v));
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_exports(
    m: Option<&wasm_module_t>,
    out: Option<&mut MaybeUninit<WasmVec<Option<Box<wasm_exporttype_t>>>>>,
) {
    let Some(m) = m else {
        return crate::null_arg("wasm_module_exports", "m", ());
    };
    let Some(out) = out else {
        return crate::null_arg("wasm_module_exports", "out", ());
    };
    let v = data(m).map_or_else(Vec::new, |d| {
        d.module
            .exports()
            .map(|e| {
                Some(Box::new(wasm_exporttype_t {
                    name: WasmVec::from_str(e.name()),
                    ty: boxed(&e.ty()),
                }))
            })
            .collect()
    });
    out.write(WasmVec::from_vec(v));
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_serialize(
    m: Option<&wasm_module_t>,
    out: Option<&mut MaybeUninit<wasm_byte_vec_t>>,
) {
    let Some(m) = m else {
        return crate::null_arg("wasm_module_serialize", "m", ());
    };
    let Some(out) = out else {
        return crate::null_arg("wasm_module_serialize", "out", ());
    };
    let mut bytes = Vec::new();
    if let Some(d) = data(m) {
        bytes.extend_from_slice(SERIAL_MAGIC);
        bytes.extend_from_slice(&SERIAL_VERSION.to_le_bytes());
        bytes.extend_from_slice(&d.binary);
    }
    out.write(WasmVec::from_vec(bytes));
}

/// A module from `wasm_module_serialize`'s bytes; null (and
/// weft_last_error) for anything else.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_deserialize(
    store: Option<&wasm_store_t>,
    bytes: Option<&wasm_byte_vec_t>,
) -> Option<Box<wasm_module_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_module_deserialize", "store", None);
    };
    crate::guarded(None, || {
        let bytes = bytes.ok_or("wasm_module_deserialize: the bytes are null")?;
        let b = bytes.as_slice();
        let binary = b
            .strip_prefix(SERIAL_MAGIC.as_slice())
            .and_then(|rest| rest.split_first_chunk::<4>())
            .filter(|(v, _)| u32::from_le_bytes(**v) == SERIAL_VERSION)
            .map(|(_, rest)| rest)
            .ok_or("wasm_module_deserialize: not a module serialized by this version of weft")?;
        compile(store, binary)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_share(
    m: Option<&wasm_module_t>,
) -> Option<Box<wasm_shared_module_t>> {
    let Some(m) = m else {
        return crate::null_arg("wasm_module_share", "m", None);
    };
    let d = data(m)?;
    Some(Box::new(wasm_shared_module_t {
        module: d.module.clone(),
        binary: d.binary.clone(),
    }))
}

/// The shared module in `store`'s thread; null if the store's engine is
/// not the module's.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_module_obtain(
    store: Option<&wasm_store_t>,
    shared: Option<&wasm_shared_module_t>,
) -> Option<Box<wasm_module_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_module_obtain", "store", None);
    };
    let Some(shared) = shared else {
        return crate::null_arg("wasm_module_obtain", "shared", None);
    };
    if !store.cell.engine().same(shared.module.engine()) {
        crate::set_error("wasm_module_obtain: the store's engine is not the module's");
        return None;
    }
    Some(handle(store, shared.module.clone(), shared.binary.clone()))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_shared_module_delete(_: Option<Box<wasm_shared_module_t>>) {}
