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
//! All of the interpreter's `unsafe` is in [`view`] (the crate denies it
//! everywhere else but `simd::xmm`): unchecked op fetch, frame-slot access
//! through a raw frame pointer, and linear-memory access through a cached
//! base pointer. Each block states the invariant it relies on; all of them
//! rest on facts the compiler guarantees (slot operands below
//! `frame_size`, branch offsets inside the code, a trapping guard op at
//! the end of every function) and on the handlers re-deriving their cached
//! views after anything that can move the value stack or linear memory.
//! Debug builds (and so the test suite and the fuzz smoke tests) check
//! every slot access as well.

mod atomic;
pub(crate) mod bulk;
pub(crate) mod debug;
mod gc;
#[macro_use]
pub(crate) mod view;
mod handlers;
mod memn;
pub(crate) mod ops;
mod simd_ops;
mod unwind;

use crate::Module;
use crate::code::Instr;
use crate::error::{Error, FrameInfo, Result, Trap, TrapKind};
use crate::runtime::func::FuncKind;
use crate::runtime::store::Caller;
use crate::runtime::store::StoreInner;
use crate::runtime::{Instance, Store};
use crate::types::FuncType;
use crate::value::{Val, read_cells, write_cells};
pub(crate) use gc::{cell_matches, collect_garbage};
pub(crate) use handlers::float_acc;
use handlers::{Handler, Ip, Mem, Regs};

/// One active wasm call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
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

/// The store's call stack: the frames and value cells of every wasm
/// activation in progress. A host function called from wasm that calls
/// into wasm again starts a new activation above the suspended one's
/// frames and cells, so one walk over `frames` sees every wasm frame of
/// every activation, innermost last. Each activation begins with a marker
/// frame whose resume point is [`Ip::activation_end`]: the entry
/// function's return lands there and ends the activation, so returns need
/// no test of their own, and a walk can tell where host code sits between
/// two activations. The vectors are moved out of the store while an
/// activation runs and put back before each host call.
#[derive(Debug, Default)]
pub(crate) struct CallStack {
    pub(crate) frames: Vec<Frame>,
    pub(crate) cells: Vec<u64>,
}

/// Where the next activation's cells may start: above the live cells of
/// the innermost frame of the suspended activations, if any.
fn stack_top(inner: &StoreInner) -> usize {
    inner.call_stack.frames.last().map_or(0, |f| {
        let m = &inner.instances[f.instance as usize].module.inner;
        f.fp + m.compiled(f.func).map_or(0, |cf| cf.frame_size as usize)
    })
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
            let config = store.inner.engine.config();
            let (max_depth, max_cells) = (config.max_call_depth, config.max_stack_cells);
            let module = store.inner.instances[instance as usize].module.clone();
            let cf = module.inner.func_code(index)?;
            let cells = |tys: &[crate::ValType]| tys.iter().map(|t| t.cells() as usize).sum();
            let fp = stack_top(&store.inner);
            let need = fp
                + (cf.frame_size as usize)
                    .max(cells(ty.params()))
                    .max(cells(ty.results()));
            let entry = store.inner.call_stack.frames.len();
            if need > max_cells || entry + 1 >= max_depth {
                return Err(Trap::from(TrapKind::StackOverflow).into());
            }
            let stack = &mut store.inner.call_stack.cells;
            if stack.len() < need {
                stack.resize(need.max(1024), 0);
            }
            let mut args = std::mem::take(stack);
            let written = write_cells(params, &mut args[fp..], &store.inner);
            store.inner.call_stack.cells = args;
            written?;
            store.inner.call_stack.cells[fp + cf.params as usize..fp + cf.locals as usize].fill(0);
            let frames = &mut store.inner.call_stack.frames;
            frames.push(Frame {
                instance,
                func: index,
                ip: Ip::activation_end(),
                fp,
            });
            frames.push(Frame {
                instance,
                func: index,
                ip: Ip::start(cf),
                fp,
            });
            run(store, entry)?;
            let cells = &store.inner.call_stack.cells[fp..];
            for (r, v) in results
                .iter_mut()
                .zip(read_cells(ty.results(), cells, &store.inner))
            {
                *r = v;
            }
            Ok(())
        }
    }
}

fn backtrace<T>(store: &Store<T>, frames: &[Frame]) -> Vec<FrameInfo> {
    backtrace_in(&store.inner, frames)
}

/// Whether the step point at `ip` stops for the debugger.
#[inline(always)]
fn debug_stop_here(ctx: &mut Ctx<'_>, ip: Ip) -> bool {
    debug::stop_here(ctx, ip)
}

/// Records a sample of the wasm stack for a `SampleHandle`'s request; `ip`
/// is the current op of the innermost frame.
#[cold]
#[inline(never)]
fn take_sample(ctx: &mut Ctx<'_>, ip: Ip) {
    let mut frames = ctx.frames.clone();
    if let Some(top) = frames.last_mut() {
        // As for a trap: a frame's `ip` names the op after the one it is at.
        top.ip = ip.next();
    }
    let frames = backtrace_in(ctx.inner, &frames);
    ctx.inner.samples.push(crate::runtime::Sample {
        time: std::time::Instant::now(),
        frames,
    });
}

/// The wasm frames of every activation in `frames`, innermost first,
/// without the activations' marker frames.
fn wasm_frames(frames: &[Frame]) -> impl Iterator<Item = &Frame> {
    frames.iter().rev().filter(|f| !f.ip.is_activation_end())
}

/// The pc of the op frame `f` is at (its `ip` names the op after it: the
/// innermost frame's trapping or stopped op, a caller's call), with its
/// function's code.
fn frame_pc<'s>(inner: &'s StoreInner, f: &Frame) -> Option<(usize, &'s CompiledFunc)> {
    let m = &inner.instances[f.instance as usize].module.inner;
    let cf = m.compiled(f.func)?;
    Some((f.ip.pc_in(cf)?.checked_sub(1)?, cf))
}

fn backtrace_in(inner: &StoreInner, frames: &[Frame]) -> Vec<FrameInfo> {
    wasm_frames(frames)
        .map(|f| {
            let m = &inner.instances[f.instance as usize].module.inner;
            let func_index = m.num_imported_funcs + f.func;
            let offset = frame_pc(inner, f).and_then(|(pc, cf)| cf.offsets.get(pc));
            let start = m.body_starts.get(f.func as usize).copied();
            FrameInfo {
                module_name: m.name.clone(),
                func_index,
                func_name: m.func_names.get(&func_index).cloned(),
                offset: offset.map(|o| o as usize),
                func_offset: offset
                    .zip(start)
                    .and_then(|(o, s)| o.checked_sub(s))
                    .map(|o| o as usize),
                instance: Some(crate::Instance(inner.stored(f.instance as usize))),
            }
        })
        .collect()
}

/// Calls a host function with arguments at cell `args` of the store's
/// value stack, writing its results to the same place.
fn call_host<T>(store: &mut Store<T>, host: u32, instance: u32, args: usize) -> Result<()> {
    let h = store.hosts[host as usize].clone();
    let cells = &store.inner.call_stack.cells[args..];
    let params: Vec<Val> = read_cells(h.ty.params(), cells, &store.inner).collect();
    let mut results: Vec<Val> =
        h.ty.results()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
    (h.f)(
        Caller {
            instance: Some(Instance(store.inner.stored(instance as usize))),
            store: &mut *store,
        },
        &params,
        &mut results,
    )?;
    if results
        .iter()
        .zip(h.ty.results())
        .any(|(v, t)| !v.matches_in(&store.inner, *t))
    {
        return Err(Error::usage(
            "host function returned a value of the wrong type",
        ));
    }
    let mut cells = std::mem::take(&mut store.inner.call_stack.cells);
    let r = write_cells(&results, &mut cells[args..], &store.inner);
    store.inner.call_stack.cells = cells;
    r
}

/// Builds the error for a trap of `kind` in the innermost frame.
#[cold]
#[inline(never)]
fn make_trap<T>(store: &Store<T>, frames: &[Frame], kind: TrapKind) -> Error {
    Trap::new(kind, backtrace(store, frames)).into()
}

/// Memory `mem`'s base pointer and length (null and 0 if there is none).
fn mem_parts(inner: &mut StoreInner, mem: usize) -> (*mut u8, usize) {
    // A shared memory is reached only through `MemN` and `Atomic`: the
    // compiler gives no fast instructions to a shared memory 0.
    match inner.memories.get_mut(mem) {
        Some(m) if m.shared.is_none() => (m.bytes.as_mut_ptr(), m.bytes.len()),
        _ => (std::ptr::null_mut(), 0),
    }
}

/// A compiled function body.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    /// The instructions, each with its handler.
    pub code: Box<[Op]>,
    /// Number of parameters (slots `0..params`).
    pub params: u32,
    /// Number of locals including parameters (slots `params..locals` are zeroed on entry).
    pub locals: u32,
    /// Slots the frame needs: locals plus the maximum operand stack height.
    pub frame_size: u32,
    /// The wasm byte offset each instruction came from.
    pub offsets: crate::code::OffsetTable,
    /// The exception handlers of its `try_table`s (empty for most).
    pub handlers: Box<[crate::code::HandlerEntry]>,
    /// Where its frames hold references, for the collector.
    pub refs: crate::code::RefMap,
    /// Where its locals and stack values are, for a debugger (compiled
    /// with `Config::debug_info` only).
    pub debug: Option<Box<crate::code::debug_map::DebugMap>>,
}

/// One compiled instruction with its handler.
#[derive(Clone, Copy)]
pub(crate) struct Op {
    handler: Handler,
    /// The instruction, with branch targets made relative to its own index.
    pub(crate) instr: Instr,
}

impl Op {
    /// An op with a given handler (for ops outside any function's code).
    const fn with_handler(handler: Handler, instr: Instr) -> Op {
        Op { handler, instr }
    }

    /// The op for `instr` at index `pc` of its function's code.
    pub(crate) fn new(mut instr: Instr, pc: usize) -> Op {
        if let Some(target) = instr.branch_target_mut() {
            *target = target.wrapping_sub(pc as u32);
        }
        if let Some(word) = instr.pool_ref_mut() {
            *word = word.wrapping_sub(pc as i32);
        }
        Op {
            handler: handlers::handler_of(&instr),
            instr,
        }
    }

    /// The op for branch `instr` at `pc` as the back-edge of an
    /// interruptible loop: its taken side does the loop header's interrupt
    /// check, which its target is past (see `handlers::checked_handler_of`).
    pub(crate) fn new_checked(instr: Instr, pc: usize) -> Op {
        let mut op = Op::new(instr, pc);
        if let Some(h) = handlers::checked_handler_of(&instr) {
            op.handler = h;
        }
        op
    }

    /// Whether `instr` is a branch with a checked form (`new_checked`).
    pub(crate) fn has_checked_form(instr: &Instr) -> bool {
        handlers::checked_handler_of(instr).is_some()
    }

    /// The instruction as the compiler emitted it at index `pc` (absolute
    /// branch targets).
    pub(crate) fn instr_at(&self, pc: usize) -> Instr {
        let mut instr = self.instr;
        if let Some(target) = instr.branch_target_mut() {
            *target = target.wrapping_add(pc as u32);
        }
        if let Some(word) = instr.pool_ref_mut() {
            *word = word.wrapping_add(pc as i32);
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
    /// An exception (`Ctx::exception`) that no frame of the activation
    /// catches.
    Exception,
    /// Continue at `Ctx::ip` (after every op with loop dispatch; after a
    /// caught exception with either).
    Continue,
    /// A step point stopped for the store's debugger; the innermost
    /// frame's `ip` is where to continue.
    Debug,
}

/// What the handlers share besides their register arguments.
struct Ctx<'a> {
    inner: &'a mut StoreInner,
    stack: &'a mut Vec<u64>,
    /// The store's frames, this activation's innermost last.
    frames: &'a mut Vec<Frame>,
    /// The frames the unwinder popped for the exception in flight,
    /// innermost first (its backtrace if nothing catches it).
    unwound: &'a mut Vec<Frame>,
    /// The store's interrupt and sample requests, at hand for the check
    /// points.
    attention: &'a crate::runtime::store::Attention,
    /// The store's `debug_armed`, at hand for the step points.
    debug_armed: &'a std::sync::atomic::AtomicBool,
    /// The current instance, its module and its memory 0 (store index).
    instance: u32,
    module: Module,
    mem0: usize,
    /// The current instance's table 0 (store index; `u32::MAX` if none).
    table0: u32,
    /// The current instance's global 0 (store index; `u32::MAX` if none):
    /// compilers keep the shadow stack pointer there, which most C and
    /// Rust functions read and write.
    global0: u32,
    /// How many frames `frames` may hold (`Config::max_call_depth`).
    frame_room: usize,
    max_cells: usize,
    /// The host function and argument slot of an [`Exit::Host`].
    host: (u32, u32),
    /// The error of an [`Exit::Error`].
    error: Option<Error>,
    /// The op an [`Exit::Trap`] trapped at (dangling if it has none).
    trap_ip: Ip,
    /// The exception (its cell) of an [`Exit::Exception`].
    exception: u64,
    /// The state to continue with after an [`Exit::Continue`].
    ip: Ip,
    regs: Regs,
    mem: Mem,
    /// The float accumulator to continue with.
    fa: f64,
}

/// The store as the handlers see it: every read or write of a store
/// object from the interpreter goes through these (bulk operations aside,
/// which borrow several objects at once in `memory_op_at`/`table_op_at`),
/// so the handlers do not depend on how the runtime lays its objects out.
impl Ctx<'_> {
    /// The store index of function `func` of the current instance.
    #[inline(always)]
    fn instance_func(&self, func: u32) -> u32 {
        self.inner.instances[self.instance as usize].funcs[func as usize]
    }

    /// What store function `f` is.
    #[inline(always)]
    fn func(&self, f: u32) -> FuncKind {
        self.inner.funcs[f as usize]
    }

    /// The store index of table `table` of the current instance.
    #[inline(always)]
    fn instance_table(&self, table: u16) -> u32 {
        if table == 0 {
            self.table0
        } else {
            self.inner.instances[self.instance as usize].tables[table as usize]
        }
    }

    /// Element `i` of store table `t` (a reference cell), if in bounds.
    #[inline(always)]
    fn table_elem(&self, t: u32, i: u32) -> Option<u64> {
        self.inner.tables[t as usize].elems.get(i as usize).copied()
    }

    /// The value bits of global `global` of the current instance.
    #[inline(always)]
    fn global(&self, global: u32) -> u128 {
        self.store_global(self.instance_global(global))
    }

    /// Sets global `global` of the current instance.
    #[inline(always)]
    fn set_global(&mut self, global: u32, value: u128) {
        self.set_store_global(self.instance_global(global), value);
    }

    /// The value bits of store global `g`.
    #[inline(always)]
    fn store_global(&self, g: u32) -> u128 {
        self.inner.globals[g as usize].value
    }

    /// Sets store global `g`.
    #[inline(always)]
    fn set_store_global(&mut self, g: u32, value: u128) {
        self.inner.globals[g as usize].value = value;
    }

    /// The store index of global `global` of the current instance.
    #[inline(always)]
    fn instance_global(&self, global: u32) -> u32 {
        self.inner.instances[self.instance as usize].globals[global as usize]
    }

    /// Whether function type `own` is a declared subtype of `want`.
    fn sig_sub(&self, own: crate::engine::SigId, want: crate::engine::SigId) -> bool {
        use crate::types::ConcreteType;
        let reg = self.inner.engine.types();
        reg.is_subtype(ConcreteType(own), ConcreteType(want))
    }
}

/// Runs the activation whose marker frame is `frames[entry]` of the
/// store's call stack until its entry function returns, then drops the
/// activation's frames from the stack (also on an error).
fn run<T>(store: &mut Store<T>, entry: usize) -> Result<()> {
    let r = run_frames(store);
    store.inner.call_stack.frames.truncate(entry);
    r
}

fn run_frames<T>(store: &mut Store<T>) -> Result<()> {
    let max_depth = store.inner.engine.config().max_call_depth;
    let max_cells = store.inner.engine.config().max_stack_cells;
    // An exception a host function let through, to unwind from its call.
    let mut pending: Option<u64> = None;
    // The backtrace an exception brought along from an inner activation.
    let mut prior: Vec<FrameInfo> = Vec::new();
    let mut unwound: Vec<Frame> = Vec::new();
    // The flags the check points read, held by the context (the store
    // itself is lent to it mutably).
    let attention = store.inner.attention.clone();
    let debug_armed = store.inner.debug_armed.clone();
    loop {
        let Some(&top) = store.inner.call_stack.frames.last() else {
            return Ok(());
        };
        let mut stack = std::mem::take(&mut store.inner.call_stack.cells);
        let mut frames = std::mem::take(&mut store.inner.call_stack.frames);
        let module = store.inner.instances[top.instance as usize].module.clone();
        let mut ctx = Ctx {
            attention: &attention,
            debug_armed: &debug_armed,
            inner: &mut store.inner,
            stack: &mut stack,
            frames: &mut frames,
            unwound: &mut unwound,
            instance: top.instance,
            module,
            mem0: usize::MAX,
            table0: u32::MAX,
            global0: u32::MAX,
            frame_room: max_depth,
            max_cells,
            host: (0, 0),
            error: None,
            trap_ip: Ip::dangling(),
            exception: 0,
            ip: Ip::dangling(),
            regs: Regs::dangling(),
            mem: Mem::new((std::ptr::null_mut(), 0)),
            fa: 0.0,
        };
        let exit = match pending.take() {
            Some(exn) => match handlers::unwind(&mut ctx, exn, None) {
                Exit::Continue => handlers::execute_at(&mut ctx),
                exit => exit,
            },
            None => handlers::execute(&mut ctx),
        };
        let (host, base) = ctx.host;
        let exception = ctx.exception;
        let error = ctx.error.take();
        let trap_ip = ctx.trap_ip;
        if let Exit::Trap(_) = exit
            && let Some(top) = frames.last_mut()
        {
            // Every frame's `ip` then names the op after the one it is at,
            // as the outer frames' resume points do.
            top.ip = trap_ip.next();
        }
        let trap = match exit {
            Exit::Trap(kind) => Some(make_trap(store, &frames, kind)),
            _ => None,
        };
        let top = frames.last().copied();
        store.inner.call_stack = CallStack {
            frames,
            cells: stack,
        };
        match exit {
            Exit::Done => return Ok(()),
            Exit::Trap(kind) => {
                if crate::runtime::debug::attached(&store.inner) {
                    crate::runtime::debug::stopped(&mut store.inner, Some(kind));
                }
                return Err(trap.unwrap_or_else(|| Error::usage("execution trapped")));
            }
            Exit::Debug => {
                let resume = crate::runtime::debug::stopped(&mut store.inner, None);
                if resume == crate::runtime::debug::Resume::Abort {
                    let frames = &store.inner.call_stack.frames;
                    return Err(make_trap(store, frames, TrapKind::Interrupted));
                }
            }
            Exit::Error => {
                return Err(error.unwrap_or_else(|| Error::usage("execution failed")));
            }
            Exit::Exception => {
                let inner = &mut store.inner;
                let tag = match inner.heap.get(exception) {
                    Some(crate::runtime::gc::Object::Exn { tag, .. }) => *tag,
                    _ => 0,
                };
                let rev: Vec<Frame> = unwound.drain(..).rev().collect();
                let mut trail = std::mem::take(&mut prior);
                trail.extend(backtrace(store, &rev));
                let inner = &mut store.inner;
                let x = crate::runtime::Exception::in_flight(inner, exception, tag, trail);
                return Err(Error::new(crate::ErrorKind::Exception(x)));
            }
            Exit::Host => {
                let Some(top) = top else {
                    return Ok(());
                };
                if let Err(e) = call_host(store, host, top.instance, top.fp + base as usize) {
                    // A wasm exception of this store that the host let
                    // through goes on unwinding from the call.
                    match e.as_exception() {
                        Some(x) if x.store == store.inner.id => {
                            pending = Some(x.exn.bits());
                            prior = x.backtrace.clone();
                        }
                        // A trap the host raised (`InterruptHandle::check`)
                        // gets the wasm frames under the call.
                        _ => match e.as_trap() {
                            Some(t) if t.backtrace().is_empty() => {
                                let frames = &store.inner.call_stack.frames;
                                return Err(make_trap(store, frames, t.kind()));
                            }
                            _ => return Err(e),
                        },
                    }
                }
            }
            Exit::Continue => unreachable!("execute returns only final exits"),
        }
    }
}
