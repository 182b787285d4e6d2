//! # weft-wasi
//!
//! The host side of WASI preview1 (`wasi_snapshot_preview1`) for the weft
//! engine: every preview1 function, with errors reported to the guest as
//! WASI [`Errno`] values, never as host panics.
//!
//! The guest sees only what the embedder gives it: arguments, environment
//! variables, the standard streams (the host's, or in-memory
//! [`ReadPipe`]/[`WritePipe`]s) and preopened directories. Paths are
//! resolved with `cap-std` under the preopened directory handle, so no
//! `..`, absolute path or symlink reaches outside it (such attempts fail
//! with `ENOTCAPABLE`, errno 76).
//!
//! ```no_run
//! use weft::{Engine, Linker, Module, Store};
//! use weft_wasi::{WasiCtx, WasiCtxBuilder, WritePipe};
//!
//! let engine = Engine::default();
//! let module = Module::from_binary(&engine, &std::fs::read("hello.wasm")?)?;
//! let stdout = WritePipe::new();
//! let ctx = WasiCtxBuilder::new().arg("hello").stdout(stdout.clone()).build();
//! let mut store = Store::new(&engine, ctx);
//! let mut linker = Linker::new(&engine);
//! weft_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
//! let status = match start.call(&mut store, ()) {
//!     Ok(()) => 0,
//!     Err(err) => weft_wasi::exit_code(&err).ok_or(err)?,
//! };
//! println!("status {status}: {}", stdout.contents_string());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Function families, one module each (each documents its errnos):
//! `args` (arguments and environment), `proc` (clocks, randomness,
//! `proc_exit`, `proc_raise`, `sched_yield`), `fd` and `fd_meta` (the
//! `fd_*` functions), `path` (the `path_*` functions), `poll`
//! (`poll_oneoff`) and `sock` (the `sock_*` functions).
//!
//! Errnos every function may return: `EFAULT` when a pointer or length the
//! guest passed does not lie inside its memory, `EBADF` for a descriptor
//! that is not open. Host I/O errors map to the errno of the same meaning.
//!
//! Unix hosts only (paths are byte strings, file metadata comes from the
//! Unix `stat` fields).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod abi;
mod args;
mod ctx;
mod errno;
mod fd;
mod fd_meta;
mod linker;
mod mem;
mod path;
mod pipe;
mod poll;
mod proc;
mod sock;
mod table;
mod threads;

pub use ctx::{I32Exit, SharedWasiCtx, WasiCtx, WasiCtxBuilder};
pub use errno::Errno;
pub use linker::{MODULE, add_to_linker, add_to_linker_shared};
pub use pipe::{ReadPipe, WritePipe};
pub use threads::{
    SPAWN_NAMES, StoreSetup, THREADS_MODULE, ThreadState, WasiThreads, imports_threads,
};

/// The exit status of a guest that called `proc_exit`, if `err` is that.
pub fn exit_code(err: &weft::Error) -> Option<i32> {
    match err.kind() {
        weft::ErrorKind::Host(e) => e.downcast_ref::<I32Exit>().map(|e| e.0),
        _ => None,
    }
}

/// Whether `module` is meant to run under WASI: it imports from
/// `wasi_snapshot_preview1`.
pub fn imports_wasi(module: &weft::Module) -> bool {
    module.imports().any(|i| i.module() == MODULE)
}
