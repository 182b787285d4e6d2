//! Debugging wasm code as it runs: breakpoints at wasm offsets, single
//! steps, pauses, and a look at every frame's locals, operand stack and
//! globals, and at memory.
//!
//! Code compiled with `Config::debug_info(true)` has a step point before
//! every wasm instruction. A store with a debugger ([`Store::set_debugger`])
//! calls it whenever execution stops at one (a breakpoint, the end of a
//! step, a [`DebugHandle::pause`]) or traps; the debugger looks at the
//! stopped program through a [`Debuggee`] and says how to go on. It runs
//! on the thread that runs the wasm code, so it may block (the GDB stub in
//! `weft run -g` waits for LLDB's commands there). Without `debug_info`
//! there are no step points and a debugger is called only at traps.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use crate::code::debug_map::ValueKind;
use crate::runtime::store::StoreInner;
use crate::{Store, TrapKind};

/// Why execution stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// A [`DebugHandle::pause`] (how a program starts stopped, too).
    Pause,
    /// A single step ended.
    Step,
    /// A breakpoint at the instruction about to run.
    Breakpoint,
    /// A trap at the innermost frame's instruction; the call ends with it
    /// once the debugger returns.
    Trap(TrapKind),
}

/// How to go on after a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Run until a breakpoint, a pause, a trap or the end.
    Continue,
    /// Run one wasm instruction and stop again (in a callee, when the
    /// instruction is a call of a wasm function; in the caller, when it
    /// returns).
    Step,
    /// End the running call with the `interrupted` trap.
    Abort,
}

/// A store's debugger: called at every stop.
pub type Debugger = Box<dyn FnMut(&mut Debuggee<'_>, StopReason) -> Resume + Send>;

/// The store's debugging state.
pub(crate) struct DebugState {
    debugger: Option<Debugger>,
    pub breakpoints: Breakpoints,
    /// Stop at the next step point.
    pub stepping: bool,
    /// A pause requested (possibly from another thread).
    pub pause: Arc<AtomicBool>,
    /// Why the handlers stopped (set by the step point that stopped).
    pub reason: Option<StopReason>,
}

impl std::fmt::Debug for DebugState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DebugState")
            .field("debugger", &self.debugger.is_some())
            .field("breakpoints", &self.breakpoints)
            .field("stepping", &self.stepping)
            .finish()
    }
}

/// Breakpoints: per store instance, one bit per byte offset of its
/// module's binary, so the test at a step point is a load and a shift
/// (a program with a breakpoint set runs about 1.5x slower than under the
/// debugger without one; a hash set cost about 10x).
#[derive(Debug, Default)]
pub(crate) struct Breakpoints {
    bits: Vec<Vec<u64>>,
    count: usize,
}

impl Breakpoints {
    /// Whether one is set at `offset` of instance `instance`.
    #[inline(always)]
    pub(crate) fn contains(&self, instance: u32, offset: u32) -> bool {
        let word = (offset / 64) as usize;
        self.bits
            .get(instance as usize)
            .and_then(|b| b.get(word))
            .is_some_and(|w| w >> (offset % 64) & 1 != 0)
    }

    /// Sets one; `len` is the module's length (offsets stay below it).
    fn insert(&mut self, instance: usize, offset: u32, len: usize) {
        if self.bits.len() <= instance {
            self.bits.resize_with(instance + 1, Vec::new);
        }
        let b = &mut self.bits[instance];
        b.resize(b.len().max(len.div_ceil(64)), 0);
        let w = &mut b[(offset / 64) as usize];
        if *w >> (offset % 64) & 1 == 0 {
            *w |= 1 << (offset % 64);
            self.count += 1;
        }
    }

    fn remove(&mut self, instance: usize, offset: u32) -> bool {
        let Some(w) = self
            .bits
            .get_mut(instance)
            .and_then(|b| b.get_mut((offset / 64) as usize))
        else {
            return false;
        };
        let was = *w >> (offset % 64) & 1 != 0;
        *w &= !(1 << (offset % 64));
        self.count -= usize::from(was);
        was
    }

    fn clear(&mut self) {
        self.bits.clear();
        self.count = 0;
    }

    fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Pauses a store's running code at its next step point. Usable from any
/// thread; a pause asked for before a call stops at the call's first
/// instruction.
#[derive(Debug, Clone)]
pub struct DebugHandle {
    armed: Arc<AtomicBool>,
    pause: Arc<AtomicBool>,
}

impl DebugHandle {
    /// Asks for a stop at the next step point.
    pub fn pause(&self) {
        self.pause.store(true, Ordering::SeqCst);
        self.armed.store(true, Ordering::SeqCst);
    }
}

/// One wasm frame of a stopped program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugFrame {
    /// The frame's instance (an index into [`Debuggee::instances`]).
    pub instance: usize,
    /// The function's index in its module (imports counted).
    pub func_index: u32,
    /// Its name from the name section.
    pub func_name: Option<String>,
    /// Module offset of the instruction the frame is at: the innermost
    /// frame's next (or trapping) instruction, a caller's call.
    pub offset: u64,
    /// Module offset where the frame continues: `offset` for the innermost
    /// frame, the instruction after the call (the return address) for a
    /// caller.
    pub pc: u64,
}

/// One instance of the store, as a debugger sees it.
#[derive(Debug, Clone)]
pub struct DebugModule {
    /// The instance's index (what [`DebugFrame::instance`] names).
    pub instance: usize,
    /// The module's name from its name section.
    pub name: Option<String>,
    /// The module's binary (kept with `Config::debug_info`).
    pub binary: Option<Arc<[u8]>>,
}

/// A wasm value as a debugger reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebugValue {
    /// Its kind.
    pub kind: ValueKind,
    /// Its bits (zero-extended).
    pub bits: u128,
}

impl DebugValue {
    fn new((kind, bits): (ValueKind, u128)) -> DebugValue {
        DebugValue { kind, bits }
    }

    /// Its little-endian bytes, as many as its kind takes.
    pub fn to_le_bytes(&self) -> Vec<u8> {
        self.bits.to_le_bytes()[..self.kind.size()].to_vec()
    }
}

/// The stopped program (or, between calls, the store), for a debugger.
pub struct Debuggee<'a> {
    inner: &'a mut StoreInner,
}

impl Debuggee<'_> {
    /// The wasm frames of every activation, innermost first (none between
    /// calls).
    pub fn frames(&self) -> Vec<DebugFrame> {
        crate::exec::debug::frames(self.inner)
    }

    /// Wasm local `index` of frame `frame` (0 is the innermost); `None` if
    /// there is no such frame or local, or the code was compiled without
    /// `debug_info`.
    pub fn local(&self, frame: usize, index: u32) -> Option<DebugValue> {
        crate::exec::debug::local(self.inner, frame, index).map(DebugValue::new)
    }

    /// The operand stack of frame `frame`, bottom first: before the
    /// instruction the innermost frame is at, or before a caller's call.
    pub fn stack(&self, frame: usize) -> Option<Vec<DebugValue>> {
        let values = crate::exec::debug::stack(self.inner, frame)?;
        Some(values.into_iter().map(DebugValue::new).collect())
    }

    /// Global `index` of frame `frame`'s instance.
    pub fn global(&self, frame: usize, index: u32) -> Option<DebugValue> {
        let instance = crate::exec::debug::frame_instance(self.inner, frame)?;
        self.instance_global(instance, index)
    }

    /// Global `index` of instance `instance`.
    pub fn instance_global(&self, instance: usize, index: u32) -> Option<DebugValue> {
        let g = *self
            .inner
            .instances
            .get(instance)?
            .globals
            .get(index as usize)?;
        let g = &self.inner.globals[g as usize];
        let kind = match g.ty.content() {
            crate::ValType::I32 => ValueKind::I32,
            crate::ValType::I64 => ValueKind::I64,
            crate::ValType::F32 => ValueKind::F32,
            crate::ValType::F64 => ValueKind::F64,
            crate::ValType::V128 => ValueKind::V128,
            crate::ValType::Ref(_) => ValueKind::Ref,
        };
        let bits = g.value & (u128::MAX >> (128 - 8 * kind.size()));
        Some(DebugValue { kind, bits })
    }

    /// The store's instances, in the order they were made.
    pub fn instances(&self) -> Vec<DebugModule> {
        (0..self.inner.instances.len())
            .map(|i| {
                let m = &self.inner.instances[i].module.inner;
                DebugModule {
                    instance: i,
                    name: m.name.clone(),
                    binary: m.binary.clone(),
                }
            })
            .collect()
    }

    fn memory(&self, instance: usize) -> Option<&crate::runtime::memory::MemoryData> {
        let m = *self.inner.instances.get(instance)?.memories.first()?;
        self.inner.memories.get(m as usize)
    }

    /// Up to `len` bytes of instance `instance`'s memory 0 from `addr`
    /// (fewer at its end; `None` past it, without a memory, or for a
    /// shared memory, which weft lends to no one while threads may write
    /// it).
    pub fn read_memory(&self, instance: usize, addr: u64, len: usize) -> Option<Vec<u8>> {
        let bytes = &self.memory(instance)?.bytes;
        let start = usize::try_from(addr).ok().filter(|&a| a < bytes.len())?;
        let end = start.saturating_add(len).min(bytes.len());
        Some(bytes[start..end].to_vec())
    }

    /// Writes `data` at `addr` of instance `instance`'s memory 0; false
    /// (and nothing written) if it does not fit.
    pub fn write_memory(&mut self, instance: usize, addr: u64, data: &[u8]) -> bool {
        let Some(&m) = self
            .inner
            .instances
            .get(instance)
            .and_then(|i| i.memories.first())
        else {
            return false;
        };
        let bytes = &mut self.inner.memories[m as usize].bytes;
        let Some(range) = usize::try_from(addr)
            .ok()
            .and_then(|a| Some(a..a.checked_add(data.len())?))
            .filter(|r| r.end <= bytes.len())
        else {
            return false;
        };
        bytes[range].copy_from_slice(data);
        true
    }

    fn state(&mut self) -> &mut DebugState {
        state(self.inner)
    }

    /// Stops before the instruction at module offset `offset` of instance
    /// `instance` whenever it is about to run. False (and nothing set) if
    /// there is no such instance or the offset is past its module's end
    /// (a module compiled without `debug_info` has no step points to stop
    /// at and no binary to check against).
    pub fn set_breakpoint(&mut self, instance: usize, offset: u64) -> bool {
        let Some(len) = self
            .inner
            .instances
            .get(instance)
            .and_then(|i| i.module.inner.binary.as_ref())
            .map(|b| b.len())
        else {
            return false;
        };
        let Some(o) = u32::try_from(offset).ok().filter(|&o| (o as usize) < len) else {
            return false;
        };
        self.state().breakpoints.insert(instance, o, len);
        rearm(self.inner);
        true
    }

    /// Removes every breakpoint.
    pub fn clear_breakpoints(&mut self) {
        self.state().breakpoints.clear();
        rearm(self.inner);
    }

    /// Removes a breakpoint; false if there was none.
    pub fn remove_breakpoint(&mut self, instance: usize, offset: u64) -> bool {
        let Ok(o) = u32::try_from(offset) else {
            return false;
        };
        let removed = self.state().breakpoints.remove(instance, o);
        rearm(self.inner);
        removed
    }
}

fn state(inner: &mut StoreInner) -> &mut DebugState {
    inner.debug.get_or_insert_with(|| {
        Box::new(DebugState {
            debugger: None,
            breakpoints: Breakpoints::default(),
            stepping: false,
            pause: Arc::new(AtomicBool::new(false)),
            reason: None,
        })
    })
}

/// Whether step points must look closer.
fn rearm(inner: &StoreInner) {
    let Some(d) = inner.debug.as_deref() else {
        return;
    };
    let armed = d.stepping || !d.breakpoints.is_empty() || d.pause.load(Ordering::SeqCst);
    inner.debug_armed.store(armed, Ordering::SeqCst);
    // A pause asked for meanwhile (it sets `pause`, then the flag) must
    // not be lost to the store above.
    if !armed && d.pause.load(Ordering::SeqCst) {
        inner.debug_armed.store(true, Ordering::SeqCst);
    }
}

/// Calls the store's debugger for a stop (the reason a step point left,
/// or `trap`), and arms the step points for how it says to go on.
pub(crate) fn stopped(inner: &mut StoreInner, trap: Option<TrapKind>) -> Resume {
    let d = state(inner);
    let reason = match trap {
        Some(kind) => StopReason::Trap(kind),
        None => d.reason.take().unwrap_or(StopReason::Pause),
    };
    // Any stop answers a pending pause.
    d.pause.store(false, Ordering::SeqCst);
    let Some(mut debugger) = d.debugger.take() else {
        rearm(inner);
        return Resume::Continue;
    };
    let resume = debugger(&mut Debuggee { inner: &mut *inner }, reason);
    let d = state(inner);
    d.debugger.get_or_insert(debugger);
    d.stepping = resume == Resume::Step;
    rearm(inner);
    resume
}

/// Whether the store has a debugger to call at traps.
pub(crate) fn attached(inner: &StoreInner) -> bool {
    inner.debug.as_deref().is_some_and(|d| d.debugger.is_some())
}

impl<T> Store<T> {
    /// Makes `debugger` this store's debugger: it is called whenever code
    /// compiled with `Config::debug_info` stops at a step point (a
    /// breakpoint, a step, a pause), and at every trap before the trap
    /// ends the call. Replaces any earlier one.
    pub fn set_debugger(
        &mut self,
        debugger: impl FnMut(&mut Debuggee<'_>, StopReason) -> Resume + Send + 'static,
    ) {
        state(&mut self.inner).debugger = Some(Box::new(debugger));
    }

    /// A handle that pauses this store's running code.
    pub fn debug_handle(&mut self) -> DebugHandle {
        let pause = state(&mut self.inner).pause.clone();
        DebugHandle {
            armed: self.inner.debug_armed.clone(),
            pause,
        }
    }

    /// The store as a debugger sees it between calls (no frames): its
    /// instances, memories and breakpoints.
    pub fn debuggee(&mut self) -> Debuggee<'_> {
        Debuggee {
            inner: &mut self.inner,
        }
    }
}
