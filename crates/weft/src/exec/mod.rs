//! The interpreter: compiled code is a sequence of [`Op`]s, each an
//! [`Instr`] with a pointer to its handler (see [`handlers`]).
//!
//! A wasm-to-wasm call pushes a [`Frame`] and jumps to the callee's first op;
//! it never recurses on the host stack. Frames are windows on one value
//! stack of 64-bit cells: a callee's frame starts at its first argument's
//! slot in the caller's frame. [`run`] only drives: it enters the handlers,
//! and takes over when they stop for a host call, a trap or the end.
//!
//! # Unsafe code
//! This module and [`handlers`] are the places with `unsafe`: unchecked op
//! fetch, frame-slot access through a raw frame pointer, and linear-memory
//! access through a cached base pointer. Each block states the invariant it
//! relies on; all of them rest on facts the compiler guarantees (slot
//! operands below `frame_size`, branch offsets inside the code, a trapping
//! guard op at the end of every function) and on the handlers re-deriving
//! their cached pointers after anything that can move the value stack or
//! linear memory. Debug builds (and so the test suite and the fuzz smoke
//! tests) check every slot access as well.
#![allow(unsafe_code)]

mod bulk;
mod handlers;
mod memn;
pub(crate) mod ops;
mod simd_ops;

use crate::Module;
use crate::code::Instr;
use crate::error::{Error, FrameInfo, Result, Trap, TrapKind};
use crate::runtime::func::FuncKind;
use crate::runtime::store::Caller;
use crate::runtime::store::StoreInner;
use crate::runtime::{Instance, Store};
use crate::types::FuncType;
use crate::value::{Val, read_cells, write_cells};
pub(crate) use handlers::float_acc;
use handlers::{Handler, Ip, Mem, Regs};

/// One active wasm call.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// Store index of the instance.
    instance: u32,
    /// Defined-function index within the instance's module.
    func: u32,
    /// Where to resume (valid for frames that are not the innermost, and
    /// for the innermost one when execution stopped for a host call).
    ip: Ip,
    /// Frame base on the value stack.
    fp: usize,
}

/// Calls store function `idx` (of type `ty`) with checked `params`.
pub(crate) fn invoke<T>(
    store: &mut Store<T>,
    idx: usize,
    ty: &FuncType,
    params: &[Val],
    results: &mut [Val],
) -> Result<()> {
    match store.inner.funcs[idx] {
        FuncKind::Host { host, .. } => {
            let h = store.hosts[host as usize].clone();
            (h.f)(
                Caller {
                    store,
                    instance: None,
                },
                params,
                results,
            )
        }
        FuncKind::Wasm {
            instance, index, ..
        } => {
            let mut stack = std::mem::take(&mut store.inner.stack);
            let module = store.inner.instances[instance as usize].module.clone();
            let cf = match module.inner.func_code(index) {
                Ok(cf) => cf,
                Err(e) => {
                    store.inner.stack = stack;
                    return Err(e);
                }
            };
            let cells = |tys: &[crate::ValType]| tys.iter().map(|t| t.cells() as usize).sum();
            let need = (cf.frame_size as usize)
                .max(cells(ty.params()))
                .max(cells(ty.results()));
            if need > store.inner.engine.config().max_stack_cells {
                store.inner.stack = stack;
                return Err(Trap::from(TrapKind::StackOverflow).into());
            }
            if stack.len() < need {
                stack.resize(need.max(1024), 0);
            }
            write_cells(params, &mut stack, &store.inner)?;
            stack[cf.params as usize..cf.locals as usize].fill(0);
            let mut frames = vec![Frame {
                instance,
                func: index,
                ip: Ip::start(cf),
                fp: 0,
            }];
            let r = if store.inner.depth >= store.inner.engine.config().max_call_depth {
                Err(Trap::from(TrapKind::StackOverflow).into())
            } else {
                run(store, &mut stack, &mut frames)
            };
            if r.is_ok() {
                for (r, v) in results
                    .iter_mut()
                    .zip(read_cells(ty.results(), &stack, &store.inner))
                {
                    *r = v;
                }
            }
            if stack.len() > store.inner.stack.len() {
                store.inner.stack = stack;
            }
            r
        }
    }
}

fn backtrace<T>(store: &Store<T>, frames: &[Frame]) -> Vec<FrameInfo> {
    frames
        .iter()
        .rev()
        .map(|f| {
            let m = &store.inner.instances[f.instance as usize].module.inner;
            let func_index = m.num_imported_funcs + f.func;
            FrameInfo {
                module_name: m.name.clone(),
                func_index,
                func_name: m.func_names.get(&func_index).cloned(),
            }
        })
        .collect()
}

/// Calls a host function with arguments at `stack[args..]`, writing its
/// results to the same place.
fn call_host<T>(
    store: &mut Store<T>,
    host: u32,
    instance: u32,
    stack: &mut [u64],
    args: usize,
    depth: usize,
) -> Result<()> {
    let h = store.hosts[host as usize].clone();
    let params: Vec<Val> = read_cells(h.ty.params(), &stack[args..], &store.inner).collect();
    let mut results: Vec<Val> =
        h.ty.results()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
    let saved = store.inner.depth;
    store.inner.depth = depth;
    let r = (h.f)(
        Caller {
            instance: Some(Instance(store.inner.stored(instance as usize))),
            store: &mut *store,
        },
        &params,
        &mut results,
    );
    store.inner.depth = saved;
    r?;
    if results
        .iter()
        .zip(h.ty.results())
        .any(|(v, t)| !v.matches_in(&store.inner, *t))
    {
        return Err(Error::usage(
            "host function returned a value of the wrong type",
        ));
    }
    write_cells(&results, &mut stack[args..], &store.inner)
}

/// Marks the taken side of a conditional wasm branch. An empty `asm!` has
/// no effect at run time, but LLVM cannot if-convert around it, so the
/// branch stays a predicted jump instead of a `cmov` on `pc` (which would
/// make every following instruction fetch wait for the comparison).
#[inline(always)]
fn taken_branch() {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    // SAFETY: an empty assembly block with no operands reads and writes
    // nothing.
    unsafe {
        std::arch::asm!("", options(nomem, nostack, preserves_flags));
    }
}

/// Builds the error for a trap of `kind` in the innermost frame.
#[cold]
#[inline(never)]
fn make_trap<T>(store: &Store<T>, frames: &[Frame], kind: TrapKind) -> Error {
    Trap::new(kind, backtrace(store, frames)).into()
}

/// Memory `mem`'s base pointer and length (null and 0 if there is none).
fn mem_parts(inner: &mut StoreInner, mem: usize) -> (*mut u8, usize) {
    match inner.memories.get_mut(mem) {
        Some(m) => (m.bytes.as_mut_ptr(), m.bytes.len()),
        None => (std::ptr::null_mut(), 0),
    }
}

/// One compiled instruction with its handler.
#[derive(Clone, Copy)]
pub(crate) struct Op {
    handler: Handler,
    /// The instruction, with branch targets made relative to its own index.
    pub(crate) instr: Instr,
}

impl Op {
    /// The op for `instr` at index `pc` of its function's code.
    pub(crate) fn new(mut instr: Instr, pc: usize) -> Op {
        if let Some(target) = instr.branch_target_mut() {
            *target = target.wrapping_sub(pc as u32);
        }
        Op {
            handler: handlers::handler_of(&instr),
            instr,
        }
    }

    /// The instruction as the compiler emitted it at index `pc` (absolute
    /// branch targets).
    pub(crate) fn instr_at(&self, pc: usize) -> Instr {
        let mut instr = self.instr;
        if let Some(target) = instr.branch_target_mut() {
            *target = target.wrapping_add(pc as u32);
        }
        instr
    }
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.instr.fmt(f)
    }
}

/// Why the handlers stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// The outermost frame returned.
    Done,
    /// A call of host function `Ctx::host`; the innermost frame's `ip` is
    /// where to continue after it.
    Host,
    /// A trap in the innermost frame.
    Trap(TrapKind),
    /// An error that is not a trap (`Ctx::error`): a function compiled on
    /// its first call failed to compile.
    Error,
    /// Loop dispatch only: continue at `Ctx::ip`.
    #[cfg_attr(weft_tail_dispatch, allow(dead_code))]
    Continue,
}

/// What the handlers share besides their register arguments.
struct Ctx<'a> {
    inner: &'a mut StoreInner,
    stack: &'a mut Vec<u64>,
    frames: &'a mut Vec<Frame>,
    /// The current instance, its module and its memory 0 (store index).
    instance: u32,
    module: Module,
    mem0: usize,
    /// The current instance's table 0 (store index; `u32::MAX` if none).
    table0: u32,
    depth_base: usize,
    max_depth: usize,
    /// How many frames `frames` may hold: `max_depth - depth_base`.
    frame_room: usize,
    max_cells: usize,
    /// The host function and argument slot of an [`Exit::Host`].
    host: (u32, u32),
    /// The error of an [`Exit::Error`].
    error: Option<Error>,
    /// Loop dispatch only: the state to continue with.
    #[cfg_attr(weft_tail_dispatch, allow(dead_code))]
    ip: Ip,
    #[cfg_attr(weft_tail_dispatch, allow(dead_code))]
    regs: Regs,
    #[cfg_attr(weft_tail_dispatch, allow(dead_code))]
    mem: Mem,
    /// Loop dispatch only: the float accumulator to continue with.
    #[cfg_attr(weft_tail_dispatch, allow(dead_code))]
    fa: f64,
}

/// Runs until the first frame in `frames` returns.
fn run<T>(store: &mut Store<T>, stack: &mut Vec<u64>, frames: &mut Vec<Frame>) -> Result<()> {
    let max_depth = store.inner.engine.config().max_call_depth;
    let max_cells = store.inner.engine.config().max_stack_cells;
    let depth_base = store.inner.depth;
    loop {
        let Some(&top) = frames.last() else {
            return Ok(());
        };
        let module = store.inner.instances[top.instance as usize].module.clone();
        let mut ctx = Ctx {
            inner: &mut store.inner,
            stack,
            frames,
            instance: top.instance,
            module,
            mem0: usize::MAX,
            table0: u32::MAX,
            depth_base,
            max_depth,
            frame_room: max_depth.saturating_sub(depth_base),
            max_cells,
            host: (0, 0),
            error: None,
            ip: Ip::dangling(),
            regs: Regs::dangling(),
            mem: Mem::new((std::ptr::null_mut(), 0)),
            fa: 0.0,
        };
        let exit = handlers::execute(&mut ctx);
        let (host, base) = ctx.host;
        let error = ctx.error.take();
        match exit {
            Exit::Done => return Ok(()),
            Exit::Trap(kind) => return Err(make_trap(store, frames, kind)),
            Exit::Error => {
                return Err(error.unwrap_or_else(|| Error::usage("execution failed")));
            }
            Exit::Host => {
                let Some(&top) = frames.last() else {
                    return Ok(());
                };
                let depth = depth_base + frames.len();
                call_host(
                    store,
                    host,
                    top.instance,
                    stack,
                    top.fp + base as usize,
                    depth,
                )?;
            }
            Exit::Continue => unreachable!("execute returns only final exits"),
        }
    }
}
