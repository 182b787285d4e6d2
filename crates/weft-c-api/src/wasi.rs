//! WASI preview1 for C hosts (weft.h): a configuration, set on a store,
//! whose functions satisfy a module's WASI imports.

use std::ffi::{CStr, c_char};
use std::mem::MaybeUninit;

use weft::{Extern, Linker};
use weft_wasi::{ReadPipe, WasiCtx, WasiCtxBuilder, WritePipe};

use crate::object::{Obj, wasm_extern_t, wasm_instance_t, wasm_ref_t, wasm_trap_t};
use crate::store::{StoreData, StoreRef, wasm_store_t};
use crate::types::wasm_importtype_t;
use crate::vec::WasmVec;

/// `weft_wasi_config_t`: what a guest will see.
#[derive(Default)]
pub struct weft_wasi_config_t {
    builder: WasiCtxBuilder,
    inherit_stdin: bool,
    inherit_stdout: bool,
    inherit_stderr: bool,
}

/// A context with no arguments, environment or directories; stdin is
/// empty and stdout/stderr are discarded.
pub(crate) fn empty_ctx() -> WasiCtx {
    build(weft_wasi_config_t::default())
}

fn build(mut c: weft_wasi_config_t) -> WasiCtx {
    if !c.inherit_stdin {
        c.builder.stdin(ReadPipe::new(Vec::new()));
    }
    if !c.inherit_stdout {
        c.builder.stdout(WritePipe::discard());
    }
    if !c.inherit_stderr {
        c.builder.stderr(WritePipe::discard());
    }
    c.builder.build()
}

fn text<'a>(s: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: the header's contract: a non-null string is NUL-terminated
    // and lives for the call (the bytes are copied before it returns).
    (!s.is_null()).then(|| unsafe { CStr::from_ptr(s) }.to_bytes())
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_config_new() -> Box<weft_wasi_config_t> {
    Box::default()
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_config_delete(_: Option<Box<weft_wasi_config_t>>) {}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_config_arg(c: Option<&mut weft_wasi_config_t>, arg: *const c_char) {
    let Some(c) = c else {
        return crate::null_arg("weft_wasi_config_arg", "c", ());
    };
    if let Some(a) = text(arg) {
        c.builder.arg(a);
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_config_env(
    c: Option<&mut weft_wasi_config_t>,
    key: *const c_char,
    value: *const c_char,
) {
    let Some(c) = c else {
        return crate::null_arg("weft_wasi_config_env", "c", ());
    };
    if let (Some(k), Some(v)) = (text(key), text(value)) {
        c.builder.env(k, v);
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_config_preopen_dir(
    c: Option<&mut weft_wasi_config_t>,
    host: *const c_char,
    guest: *const c_char,
) -> bool {
    let Some(c) = c else {
        return crate::null_arg("weft_wasi_config_preopen_dir", "c", false);
    };
    let (Some(host), Some(guest)) = (text(host), text(guest)) else {
        crate::set_error("weft_wasi_config_preopen_dir: a path is null");
        return false;
    };
    let host = String::from_utf8_lossy(host).into_owned();
    let guest = String::from_utf8_lossy(guest).into_owned();
    match c.builder.preopened_dir(&host, &guest) {
        Ok(_) => true,
        Err(e) => {
            crate::set_error(format!("weft_wasi_config_preopen_dir: {host}: {e}"));
            false
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_config_inherit_stdin(c: Option<&mut weft_wasi_config_t>) {
    let Some(c) = c else {
        return crate::null_arg("weft_wasi_config_inherit_stdin", "c", ());
    };
    c.inherit_stdin = true;
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_config_inherit_stdout(c: Option<&mut weft_wasi_config_t>) {
    let Some(c) = c else {
        return crate::null_arg("weft_wasi_config_inherit_stdout", "c", ());
    };
    c.inherit_stdout = true;
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_config_inherit_stderr(c: Option<&mut weft_wasi_config_t>) {
    let Some(c) = c else {
        return crate::null_arg("weft_wasi_config_inherit_stderr", "c", ());
    };
    c.inherit_stderr = true;
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_store_set_wasi(
    store: Option<&wasm_store_t>,
    config: Option<Box<weft_wasi_config_t>>,
) {
    let Some(store) = store else {
        return crate::null_arg("weft_store_set_wasi", "store", ());
    };
    let ctx = build(config.map(|c| *c).unwrap_or_default());
    let old = store
        .cell
        .with(|s| std::mem::replace(&mut s.data_mut().wasi, ctx));
    drop(old);
}

/// The WASI function named `module::name` in `store`, if there is one.
fn wasi_extern(cell: &StoreRef, module: &str, name: &str) -> Option<Extern> {
    let linker = cell.wasi_linker.get_or_init(|| {
        let mut l = Linker::new(&cell.engine());
        weft_wasi::add_to_linker(&mut l, |d: &mut StoreData| &mut d.wasi)
            .expect("WASI functions have distinct names");
        l
    });
    cell.with(|s| linker.get(s, module, name))
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_import(
    store: Option<&wasm_store_t>,
    import: Option<&wasm_importtype_t>,
) -> Option<Box<wasm_extern_t>> {
    let Some(store) = store else {
        return crate::null_arg("weft_wasi_import", "store", None);
    };
    let Some(import) = import else {
        return crate::null_arg("weft_wasi_import", "import", None);
    };
    let (module, name) = (import.module.to_text(), import.name.to_text());
    let e = wasi_extern(&store.cell, &module, &name)?;
    Some(crate::extern_::from_weft(&store.cell, e))
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_wasi_instance_new(
    store: Option<&wasm_store_t>,
    module: Option<&wasm_ref_t>,
    imports: Option<&WasmVec<Option<Box<wasm_extern_t>>>>,
    trap: Option<&mut MaybeUninit<Option<Box<wasm_trap_t>>>>,
) -> Option<Box<wasm_instance_t>> {
    let Some(store) = store else {
        return crate::null_arg("weft_wasi_instance_new", "store", None);
    };
    let Some(module) = module else {
        return crate::null_arg("weft_wasi_instance_new", "module", None);
    };
    crate::extern_::instantiate(store, module, imports, trap, |cell, imp| {
        wasi_extern(cell, imp.module(), imp.name())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn weft_trap_exit_status(t: Option<&wasm_trap_t>, status: Option<&mut i32>) -> bool {
    let Some(t) = t else {
        return crate::null_arg("weft_trap_exit_status", "t", false);
    };
    let code = match &t.obj {
        Obj::Trap(d) => d.exit_status,
        _ => None,
    };
    match (code, status) {
        (Some(c), Some(out)) => {
            *out = c;
            true
        }
        (Some(_), None) => true,
        _ => false,
    }
}
