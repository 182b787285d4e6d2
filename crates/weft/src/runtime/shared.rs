//! Shared linear memory (threads proposal): bytes that several stores, on
//! several OS threads, read and write at once.
//!
//! Soundness under Rust's memory model rests on three rules (the full
//! argument is in `docs/ARCHITECTURE.md`):
//! - the bytes are `AtomicU8`s, reserved for the memory's maximum when it is
//!   created and never moved or freed while any handle lives, so growing
//!   only raises the length and no reference into them ever dangles;
//! - every access, plain or atomic, from wasm or from the host, touches them
//!   one byte at a time with atomic operations: racing plain accesses may
//!   tear (the wasm memory model allows that) but are never a data race, and
//!   no two accesses of different sizes ever overlap;
//! - an atomic instruction holds one of a set of striped locks, chosen by
//!   the 8-byte block its (naturally aligned) address lies in, while it reads
//!   and writes its bytes, so atomics on one location are linearisable, and
//!   the lock's acquire/release orders the plain accesses around them.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result, TrapKind};
use crate::types::MemoryType;

/// Number of striped locks serialising atomic instructions.
const STRIPES: usize = 64;

/// How often a waiting thread looks at its store's interrupt flag.
const WAIT_SLICE: Duration = Duration::from_millis(5);

/// The most bytes a shared memory reserves up front (a 64-bit shared
/// memory may declare a maximum far beyond any machine's address space):
/// growing past the reservation fails as `memory.grow` is allowed to.
const MAX_RESERVE: u64 = 1 << 36;

/// A linear memory shared between threads. Cheap to clone (a reference
/// count); `Send + Sync`. Import it into any number of stores with
/// [`crate::Memory::from_shared`]; read and write it from the host with
/// [`SharedMemory::read`] and [`SharedMemory::write`] while guests run.
#[derive(Clone)]
pub struct SharedMemory(Arc<SharedData>);

struct SharedData {
    /// The reserved bytes; only `..len` are the memory's.
    bytes: Box<[AtomicU8]>,
    /// The current size in bytes.
    len: AtomicU64,
    ty: MemoryType,
    /// Serialises `grow`.
    grow: Mutex<()>,
    /// Atomic instructions hold `stripes[(addr / 8) % STRIPES]`.
    stripes: [Mutex<()>; STRIPES],
    /// Threads blocked in `memory.atomic.wait*`, by byte address, oldest first.
    waiters: Mutex<HashMap<u64, VecDeque<Arc<Waiter>>>>,
}

/// One thread blocked in a wait: `notify` sets `woken` and signals.
#[derive(Default)]
struct Waiter {
    woken: Mutex<bool>,
    cv: Condvar,
}

/// What `memory.atomic.wait*` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WaitResult {
    /// Woken by a notify (0).
    Ok = 0,
    /// The value differed from the expected one (1).
    NotEqual = 1,
    /// The timeout passed (2).
    TimedOut = 2,
}

impl std::fmt::Debug for SharedMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedMemory")
            .field("ty", &self.ty())
            .field("reserved", &self.0.bytes.len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding these locks; a poisoned one still
    // guards consistent data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `n` zero bytes as atomics, allocated zeroed so that the operating system
/// commits pages only when they are first touched. The one `unsafe` of
/// shared memory: safe Rust cannot allocate zeroed atomics lazily.
#[allow(unsafe_code)]
fn zeroed_bytes(n: usize) -> Option<Box<[AtomicU8]>> {
    if n == 0 {
        return Some(Box::new([]));
    }
    let layout = std::alloc::Layout::array::<AtomicU8>(n).ok()?;
    // SAFETY: `layout` has a non-zero size (n > 0).
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` is a live allocation from the global allocator with
    // exactly the layout a `Box<[AtomicU8]>` of length `n` is freed with;
    // `AtomicU8` has the size and alignment of `u8`, and all-zero bytes are
    // valid `AtomicU8(0)`s; nothing else refers to the allocation.
    Some(unsafe {
        Box::from_raw(std::ptr::slice_from_raw_parts_mut(
            ptr.cast::<AtomicU8>(),
            n,
        ))
    })
}

impl SharedMemory {
    /// Creates a shared memory of type `ty`, which must be shared and have
    /// a maximum. Its bytes up to the maximum are reserved now (address
    /// space only: pages are committed when first written), so it never
    /// moves when it grows.
    pub fn new(ty: MemoryType) -> Result<SharedMemory> {
        SharedMemory::with_limit(ty, None)
    }

    /// [`SharedMemory::new`] within a limit on the memory's bytes (as
    /// [`crate::StoreLimits::max_memory_bytes`]): it is created only if its
    /// minimum fits, and never grows past the limit.
    pub fn with_limit(ty: MemoryType, limit: Option<u64>) -> Result<SharedMemory> {
        let fail = |m: String| Error::new(ErrorKind::Instantiate(m));
        if !ty.is_shared() {
            return Err(fail("a shared memory needs a shared memory type".into()));
        }
        let Some(max) = ty.maximum() else {
            return Err(fail("a shared memory needs a maximum size".into()));
        };
        if !matches!(ty.page_size_log2(), 0 | 16) {
            return Err(fail(format!(
                "page size {} is not supported (1 or 65536 bytes)",
                ty.page_size()
            )));
        }
        let space = ty.address_space_pages();
        if ty.minimum() > max || max > space {
            return Err(fail("memory larger than its address space".into()));
        }
        let min_bytes = ty
            .minimum()
            .checked_mul(ty.page_size())
            .ok_or_else(|| fail("memory larger than its address space".into()))?;
        if limit.is_some_and(|l| min_bytes > l) {
            return Err(fail(format!(
                "memory of {min_bytes} bytes exceeds the store's limit of {} bytes",
                limit.unwrap_or_default()
            )));
        }
        let max_bytes = max.saturating_mul(ty.page_size());
        let reserve = max_bytes
            .min(limit.unwrap_or(u64::MAX))
            .min(MAX_RESERVE)
            .max(min_bytes);
        // The host may refuse to reserve the whole maximum at once (an
        // overcommit policy, `ulimit -v`): settle for less, down to the
        // minimum; growing past what was reserved then fails as
        // `memory.grow` may.
        let mut want = reserve;
        let bytes = loop {
            if let Some(b) = usize::try_from(want).ok().and_then(zeroed_bytes) {
                break b;
            }
            if want <= min_bytes {
                return Err(fail(format!(
                    "could not reserve {want} bytes of shared memory"
                )));
            }
            want = (want / 2).max(min_bytes);
        };
        Ok(SharedMemory(Arc::new(SharedData {
            bytes,
            len: AtomicU64::new(min_bytes),
            ty,
            grow: Mutex::new(()),
            stripes: std::array::from_fn(|_| Mutex::new(())),
            waiters: Mutex::new(HashMap::new()),
        })))
    }

    /// The memory's type now (minimum = current size).
    pub fn ty(&self) -> MemoryType {
        self.0.ty.with_minimum(self.size())
    }

    /// Current size in pages.
    pub fn size(&self) -> u64 {
        self.data_size() >> self.0.ty.page_size_log2()
    }

    /// Current size in bytes.
    #[inline]
    pub fn data_size(&self) -> u64 {
        self.0.len.load(Ordering::Acquire)
    }

    /// Whether two handles name the same memory.
    pub fn same(&self, other: &SharedMemory) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Grows by `delta` pages, returning the old size in pages; fails past
    /// the maximum or the bytes reserved when the memory was created.
    pub fn grow(&self, delta: u64) -> Result<u64> {
        self.grow_pages(delta)
            .ok_or_else(|| Error::usage("memory cannot grow by that much"))
    }

    /// [`SharedMemory::grow`] as `memory.grow` needs it.
    pub(crate) fn grow_pages(&self, delta: u64) -> Option<u64> {
        let _g = lock(&self.0.grow);
        let log2 = self.0.ty.page_size_log2();
        let old = self.0.len.load(Ordering::Acquire) >> log2;
        let new = old.checked_add(delta)?;
        if new > self.0.ty.maximum().unwrap_or(0) {
            return None;
        }
        let new_bytes = new.checked_mul(self.0.ty.page_size())?;
        if new_bytes > self.0.bytes.len() as u64 {
            return None;
        }
        self.0.len.store(new_bytes, Ordering::Release);
        Some(old)
    }

    /// The bytes `at..at + n` of the current memory, if in bounds.
    #[inline]
    pub(crate) fn range(&self, at: u64, n: u64) -> Option<&[AtomicU8]> {
        let end = at.checked_add(n)?;
        if end > self.data_size() {
            return None;
        }
        self.0.bytes.get(at as usize..end as usize)
    }

    /// Copies bytes from `offset` into `buf`.
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let src = self
            .range(offset, buf.len() as u64)
            .ok_or_else(|| Error::usage("memory read out of bounds"))?;
        load_bytes(src, buf);
        Ok(())
    }

    /// Copies `buf` into memory at `offset`.
    pub fn write(&self, offset: u64, buf: &[u8]) -> Result<()> {
        let dst = self
            .range(offset, buf.len() as u64)
            .ok_or_else(|| Error::usage("memory write out of bounds"))?;
        store_bytes(dst, buf);
        Ok(())
    }

    /// The stripe lock of the naturally aligned atomic access at `at`.
    fn stripe(&self, at: u64) -> MutexGuard<'_, ()> {
        lock(&self.0.stripes[(at / 8) as usize % STRIPES])
    }

    /// An atomic read-modify-write of the `n` bytes at `at` (in bounds,
    /// aligned): stores `f(old)` unless it is `None`; returns the old value.
    pub(crate) fn atomic(
        &self,
        at: u64,
        n: usize,
        f: impl FnOnce(u64) -> Option<u64>,
    ) -> Result<u64, TrapKind> {
        let bytes = self
            .range(at, n as u64)
            .ok_or(TrapKind::MemoryOutOfBounds)?;
        let _g = self.stripe(at);
        let old = load_le(bytes);
        if let Some(new) = f(old) {
            store_bytes(bytes, &new.to_le_bytes()[..n]);
        }
        Ok(old)
    }

    /// `memory.atomic.wait32/64` at `at` (in bounds, aligned): blocks until
    /// notified, unless the `n`-byte value there differs from `expected`,
    /// for at most `timeout_ns` (negative: no limit). A set `interrupt`
    /// ends the wait with [`TrapKind::Interrupted`].
    pub(crate) fn wait(
        &self,
        at: u64,
        n: usize,
        expected: u64,
        timeout_ns: i64,
        interrupt: &super::store::Attention,
    ) -> Result<WaitResult, TrapKind> {
        let deadline = u64::try_from(timeout_ns)
            .ok()
            .map(|ns| Instant::now().checked_add(Duration::from_nanos(ns)));
        let waiter = {
            let mut waiters = lock(&self.0.waiters);
            // Reading under the waiter lock: a notify that follows a store
            // of a new value either finds this thread queued or the value
            // read here is the new one.
            if self.atomic(at, n, |_| None)? != expected {
                return Ok(WaitResult::NotEqual);
            }
            if timeout_ns == 0 {
                return Ok(WaitResult::TimedOut);
            }
            let w = Arc::new(Waiter::default());
            waiters.entry(at).or_default().push_back(w.clone());
            w
        };
        let mut woken = lock(&waiter.woken);
        loop {
            if *woken {
                return Ok(WaitResult::Ok);
            }
            let now = Instant::now();
            let slice = match deadline {
                // A deadline past what `Instant` can hold is no deadline.
                Some(Some(d)) if d <= now => {
                    drop(woken);
                    return Ok(self.leave(at, &waiter).unwrap_or(WaitResult::TimedOut));
                }
                Some(Some(d)) => (d - now).min(WAIT_SLICE),
                _ => WAIT_SLICE,
            };
            if interrupt.take(super::store::Attention::INTERRUPT) {
                drop(woken);
                return match self.leave(at, &waiter) {
                    Some(r) => {
                        // Notified at the same moment: the wait counts as
                        // woken, and the interrupt stays for the next check.
                        interrupt.raise(super::store::Attention::INTERRUPT);
                        Ok(r)
                    }
                    None => Err(TrapKind::Interrupted),
                };
            }
            woken = match waiter.cv.wait_timeout(woken, slice) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }

    /// Takes a timed-out or interrupted waiter off its queue; `Some(Ok)` if
    /// a notify had already taken it (then it counts as woken).
    fn leave(&self, at: u64, waiter: &Arc<Waiter>) -> Option<WaitResult> {
        let mut waiters = lock(&self.0.waiters);
        if *lock(&waiter.woken) {
            return Some(WaitResult::Ok);
        }
        if let Some(q) = waiters.get_mut(&at) {
            q.retain(|w| !Arc::ptr_eq(w, waiter));
            if q.is_empty() {
                waiters.remove(&at);
            }
        }
        None
    }

    /// `memory.atomic.notify` at `at`: wakes up to `count` waiters, oldest
    /// first, and returns how many it woke.
    pub(crate) fn notify(&self, at: u64, count: u32) -> u32 {
        let mut waiters = lock(&self.0.waiters);
        let Some(q) = waiters.get_mut(&at) else {
            return 0;
        };
        let mut woke = 0;
        while woke < count {
            let Some(w) = q.pop_front() else { break };
            *lock(&w.woken) = true;
            w.cv.notify_one();
            woke += 1;
        }
        if q.is_empty() {
            waiters.remove(&at);
        }
        woke
    }
}

/// Reads `src` into `out` (equal lengths), byte by byte.
pub(crate) fn load_bytes(src: &[AtomicU8], out: &mut [u8]) {
    for (o, b) in out.iter_mut().zip(src) {
        *o = b.load(Ordering::Relaxed);
    }
}

/// Writes `src` into `dst` (equal lengths), byte by byte.
pub(crate) fn store_bytes(dst: &[AtomicU8], src: &[u8]) {
    for (b, v) in dst.iter().zip(src) {
        b.store(*v, Ordering::Relaxed);
    }
}

/// The little-endian value of up to 8 bytes.
pub(crate) fn load_le(src: &[AtomicU8]) -> u64 {
    let mut buf = [0u8; 8];
    load_bytes(src, &mut buf[..src.len()]);
    u64::from_le_bytes(buf)
}
