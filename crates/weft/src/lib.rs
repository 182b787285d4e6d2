//! # weft
//!
//! A WebAssembly runtime built around a fast, safe interpreter.
//!
//! The pipeline, one module per stage:
//! - [`module`](crate::Module): decode and validate (with `wasmparser`, one pass);
//! - `compile`: each function body, as it is validated, becomes weft's own
//!   register-style code (`code`): operands are frame slots, branch targets are
//!   resolved, constants are inline;
//! - `exec`: the interpreter loop, with its own call stack;
//! - `runtime`: the [`Store`] and the objects it owns, and the [`Linker`].
//!
//! ```
//! use weft::{Engine, Linker, Module, Store};
//!
//! let engine = Engine::default();
//! let module = Module::new(
//!     &engine,
//!     r#"(module
//!          (import "host" "double" (func $double (param i32) (result i32)))
//!          (func (export "run") (param i32) (result i32)
//!            local.get 0
//!            call $double
//!            i32.const 1
//!            i32.add))"#,
//! )?;
//! let mut store = Store::new(&engine, ());
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap("host", "double", |x: i32| x * 2)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let run = instance.get_typed_func::<i32, i32>(&mut store, "run")?;
//! assert_eq!(run.call(&mut store, 20)?, 41);
//! # Ok::<(), weft::Error>(())
//! ```

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod code;
mod compile;
mod engine;
mod error;
mod exec;
mod module;
mod runtime;
mod simd;
mod types;
mod value;

pub use engine::{Config, Engine};
pub use error::{Error, ErrorKind, FrameInfo, LinkError, ModuleError, Result, Trap, TrapKind};
pub use module::{ExportType, ImportType, Module};
pub use runtime::{
    AsContext, AsContextMut, Caller, Exception, Extern, Func, GcStats, Global, Instance,
    InterruptHandle, IntoFunc, Linker, Memory, Sample, SampleHandle, SharedMemory, Store,
    StoreLimits, Table, Tag, TypedFunc, WasmParams, WasmRet, WasmTy, WithCaller,
};
pub use types::{
    ConcreteType, ExternType, FuncType, GlobalType, HeapType, MemoryType, Mutability, RefType,
    TableType, TagType, ValType, WASM_PAGE_SIZE,
};
pub use value::{AnyRef, ExnRef, ExternRef, Val};

/// Debugging running code (see `Config::debug_info` and
/// [`Store::set_debugger`]).
pub mod debug {
    pub use crate::runtime::debug::{
        DebugFrame, DebugHandle, DebugModule, DebugValue, Debuggee, Debugger, Resume, StopReason,
        ValueKind,
    };
}
