//! [`Store`]: owns every runtime object; handles index into it.

use super::func::{FuncKind, HostFunc};
use super::global::GlobalData;
use super::instance::InstanceData;
use super::memory::MemoryData;
use super::table::TableData;
use super::tag::TagData;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::runtime::Instance;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// A handle's reference into a store: the store's id and an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Stored {
    pub store: u64,
    pub index: u32,
}

/// The part of a store that does not depend on the host data type.
#[derive(Debug)]
pub(crate) struct StoreInner {
    pub id: u64,
    pub engine: Engine,
    pub funcs: Vec<FuncKind>,
    pub instances: Vec<InstanceData>,
    pub memories: Vec<MemoryData>,
    pub tables: Vec<TableData>,
    pub globals: Vec<GlobalData>,
    pub tags: Vec<TagData>,
    pub heap: super::gc::Heap,
    /// The wasm call stack of every activation in progress (see
    /// [`crate::exec::CallStack`]).
    pub call_stack: crate::exec::CallStack,
    /// Fuel left (used only by code compiled with `Config::consume_fuel`).
    pub fuel: u64,
    /// Interrupt and sample requests (see [`Attention`]).
    pub attention: Arc<Attention>,
    /// Samples taken (see `runtime/sampling.rs`).
    pub samples: Vec<super::Sample>,
    /// Whether step points must ask the debugger state (see
    /// `runtime/debug.rs`): set while a step, a pause or a breakpoint is
    /// pending.
    pub debug_armed: Arc<AtomicBool>,
    /// The debugger and its breakpoints, once a debugger is used.
    pub debug: Option<Box<super::debug::DebugState>>,
    /// Resource limits.
    pub limits: StoreLimits,
}

/// Bounds on what the instances in a store may allocate. `None` means
/// unbounded (up to the spec's own limits). Past a limit, `memory.grow` and
/// `table.grow` return -1, and instantiation fails with an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreLimits {
    /// Maximum size of any one linear memory, in bytes.
    pub max_memory_bytes: Option<u64>,
    /// Maximum number of elements of any one table.
    pub max_table_elements: Option<u32>,
    /// Maximum number of instances in the store.
    pub max_instances: Option<usize>,
    /// Maximum number of memories in the store.
    pub max_memories: Option<usize>,
    /// Maximum number of tables in the store.
    pub max_tables: Option<usize>,
}

/// Makes code running in a store trap with `TrapKind::Interrupted` at its
/// next function entry or turn of a loop. Usable from any thread. Requires an
/// engine built with `Config::interruptible(true)`.
#[derive(Debug, Clone)]
pub struct InterruptHandle {
    flag: Arc<Attention>,
}

/// What running code must look at, at its check points (function entries
/// and loop back-edges of interruptible code): an interrupt request
/// ([`InterruptHandle`]) and a sample request (`SampleHandle`), as bits of
/// one byte, so that a check with nothing pending is one load.
#[derive(Debug, Default)]
pub(crate) struct Attention(AtomicU8);

impl Attention {
    pub(crate) const INTERRUPT: u8 = 1;
    pub(crate) const SAMPLE: u8 = 2;

    /// Sets request `bit`.
    pub(crate) fn raise(&self, bit: u8) {
        self.0.fetch_or(bit, Ordering::Relaxed);
    }

    /// Whether any request is pending.
    #[inline(always)]
    pub(crate) fn any(&self) -> bool {
        self.0.load(Ordering::Relaxed) != 0
    }

    /// Consumes request `bit`: whether it was pending.
    pub(crate) fn take(&self, bit: u8) -> bool {
        self.0.load(Ordering::Relaxed) & bit != 0
            && self.0.fetch_and(!bit, Ordering::Relaxed) & bit != 0
    }
}

impl InterruptHandle {
    /// Requests an interrupt. The next check in running code (or, if none is
    /// running, in the next call) consumes the request and traps.
    pub fn interrupt(&self) {
        self.flag.raise(Attention::INTERRUPT);
    }

    /// For host functions that block (a sleep, a wait for input): consumes
    /// a pending request and returns the `interrupted` trap, which the
    /// host function returns to end the wasm call; `Ok` if none is
    /// pending. The trap's backtrace is the wasm frames under the call.
    pub fn check(&self) -> Result<()> {
        if self.flag.take(Attention::INTERRUPT) {
            Err(crate::error::Trap::new(crate::error::TrapKind::Interrupted, Vec::new()).into())
        } else {
            Ok(())
        }
    }
}

impl StoreInner {
    pub(crate) fn stored(&self, index: usize) -> Stored {
        Stored {
            store: self.id,
            index: index as u32,
        }
    }

    /// Checks that a handle belongs to this store and returns its index.
    pub(crate) fn check(&self, s: Stored, what: &str) -> Result<usize> {
        if s.store == self.id {
            Ok(s.index as usize)
        } else {
            Err(Error::usage(format!(
                "{what} belongs to a different store than the one it was used with"
            )))
        }
    }

    /// Like [`StoreInner::check`], for infallible getters.
    ///
    /// # Panics
    /// If the handle belongs to another store: that is a bug in the embedder.
    pub(crate) fn expect(&self, s: Stored, what: &str) -> usize {
        match self.check(s, what) {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        }
    }
}

/// All runtime objects of a group of instances, plus host data `T`.
///
/// Functions, memories, tables, globals and instances live here and are
/// named by small `Copy` handles that remember which store they belong to.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) hosts: Vec<Arc<HostFunc<T>>>,
    data: T,
}

impl<T> Store<T> {
    /// Creates a store holding `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                funcs: Vec::new(),
                instances: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                tags: Vec::new(),
                heap: {
                    let mut h = super::gc::Heap::new(None);
                    h.zeal = engine.config().gc_zeal;
                    h
                },
                call_stack: Default::default(),
                fuel: 0,
                attention: Arc::new(Attention::default()),
                debug_armed: Arc::new(AtomicBool::new(false)),
                debug: None,
                samples: Vec::new(),
                limits: StoreLimits::default(),
            },
            hosts: Vec::new(),
            data,
        }
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Consumes the store, returning the host data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The engine this store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Sets the fuel available to wasm code. Fails unless the engine was
    /// built with `Config::consume_fuel(true)`.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        if !self.inner.engine.config().consume_fuel {
            return Err(Error::usage("fuel is not enabled in this engine's Config"));
        }
        self.inner.fuel = fuel;
        Ok(())
    }

    /// The fuel left. Fails unless fuel is enabled.
    pub fn get_fuel(&self) -> Result<u64> {
        if !self.inner.engine.config().consume_fuel {
            return Err(Error::usage("fuel is not enabled in this engine's Config"));
        }
        Ok(self.inner.fuel)
    }

    /// A handle that interrupts code running in this store.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle {
            flag: self.inner.attention.clone(),
        }
    }

    /// Runs the garbage collector now: frees every GC object (struct,
    /// array, host value behind an `externref`) that neither wasm nor a
    /// reference the host holds can reach. Allocation collects by itself;
    /// this is for hosts that want memory back at a time of their choosing.
    pub fn gc(&mut self) {
        crate::exec::collect_garbage(&mut self.inner);
    }

    /// What the collector has done so far, and the heap's size now.
    pub fn gc_stats(&self) -> super::gc::GcStats {
        self.inner.heap.stats()
    }

    /// Sets resource limits for memories, tables and instances created from
    /// now on (and for growing those that exist); `max_memory_bytes` also
    /// bounds the GC heap.
    pub fn limiter(&mut self, limits: StoreLimits) {
        self.inner.heap.set_limit(limits.max_memory_bytes);
        self.inner.limits = limits;
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner.id).finish()
    }
}

/// Something that gives shared access to a [`Store`].
pub trait AsContext {
    /// The host data type of the store.
    type Data;
    /// The store.
    fn as_context(&self) -> &Store<Self::Data>;
}

/// Something that gives exclusive access to a [`Store`].
pub trait AsContextMut: AsContext {
    /// The store, mutably.
    fn as_context_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self
    }
}

impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> &mut Store<C::Data> {
        (**self).as_context_mut()
    }
}

/// What a host function sees of its caller: the store (and so the host
/// data) and the calling instance's exports.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<Instance>,
}

impl<'a, T> Caller<'a, T> {
    /// The host data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// An export of the calling instance, typically its `"memory"`.
    pub fn get_export(&mut self, name: &str) -> Option<crate::Extern> {
        let inst = self.instance?;
        inst.get_export(&mut *self.store, name)
    }

    /// The engine of the store.
    pub fn engine(&self) -> &Engine {
        self.store.engine()
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self.store
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}
