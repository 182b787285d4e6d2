//! Atomic instructions (`Instr::Atomic`), out of line and in safe code.
//!
//! On an unshared memory they are plain accesses: only this thread can
//! reach the bytes. On a shared memory they go through
//! [`SharedMemory::atomic`], which serialises them per location (see
//! `runtime/shared.rs`), and `wait`/`notify` through its waiter queues.

use std::sync::atomic::{Ordering, fence};

use super::Ctx;
use super::view::{Mem, Regs};
use crate::code::{AtomicOp, Instr};
use crate::error::TrapKind;
use crate::runtime::SharedMemory;

impl AtomicOp {
    /// The access's width in bytes (the alignment it needs).
    fn bytes(self) -> u64 {
        match self {
            AtomicOp::Fence => 1,
            AtomicOp::Notify => 4,
            AtomicOp::Load(n)
            | AtomicOp::Store(n)
            | AtomicOp::Rmw(_, n)
            | AtomicOp::Cmpxchg(n)
            | AtomicOp::Wait(n) => u64::from(n),
        }
    }
}

/// The low `n` bytes of `v`.
fn wrap(v: u64, n: u64) -> u64 {
    if n >= 8 { v } else { v & ((1 << (8 * n)) - 1) }
}

/// Runs an `Instr::Atomic`.
#[inline(never)]
pub(super) fn atomic_at(
    ins: &Instr,
    regs: Regs,
    mem: Mem,
    ctx: &mut Ctx<'_>,
) -> Result<(), TrapKind> {
    let Instr::Atomic {
        op,
        mem: index,
        args,
        offset,
    } = *ins
    else {
        unreachable!("handler attached to the wrong instruction")
    };
    if op == AtomicOp::Fence {
        fence(Ordering::SeqCst);
        return Ok(());
    }
    let m = ctx.inner.instances[ctx.instance as usize].memories[index as usize] as usize;
    let frame = &mut regs.frame_mut(ctx.stack)[args as usize..];
    let data = &ctx.inner.memories[m];
    let addr = if data.is_64() {
        frame[0]
    } else {
        u64::from(frame[0] as u32)
    };
    let n = op.bytes();
    let ea = addr
        .checked_add(offset.into())
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    if ea % n != 0 {
        return Err(TrapKind::UnalignedAtomic);
    }
    if let Some(shared) = &data.shared {
        frame[0] = shared_op(shared, op, ea, n, frame, &ctx.inner.attention)?;
        return Ok(());
    }
    let bytes: &mut [u8] = if m == ctx.mem0 {
        mem.bytes()
    } else {
        &mut ctx.inner.memories[m].bytes
    };
    let len = n as usize;
    let at = usize::try_from(ea)
        .ok()
        .filter(|a| a.checked_add(len).is_some_and(|e| e <= bytes.len()))
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    let cell = &mut bytes[at..at + len];
    let mut buf = [0u8; 8];
    buf[..len].copy_from_slice(cell);
    let old = u64::from_le_bytes(buf);
    let (result, new) = match op {
        AtomicOp::Load(_) => (old, None),
        AtomicOp::Store(_) => (frame[0], Some(frame[1])),
        AtomicOp::Rmw(f, _) => (old, Some(f.apply(old, frame[1]))),
        AtomicOp::Cmpxchg(_) => (old, (old == wrap(frame[1], n)).then_some(frame[2])),
        // Nothing else can run on an unshared memory to wake a waiter.
        AtomicOp::Wait(_) => return Err(TrapKind::ExpectedSharedMemory),
        AtomicOp::Notify => (0, None),
        AtomicOp::Fence => unreachable!("handled above"),
    };
    if let Some(v) = new {
        cell.copy_from_slice(&v.to_le_bytes()[..len]);
    }
    if !matches!(op, AtomicOp::Store(_)) {
        frame[0] = result;
    }
    Ok(())
}

/// `op` at `ea` on a shared memory; returns the value for the result slot.
fn shared_op(
    shared: &SharedMemory,
    op: AtomicOp,
    ea: u64,
    n: u64,
    frame: &[u64],
    interrupt: &crate::runtime::store::Attention,
) -> Result<u64, TrapKind> {
    let len = n as usize;
    Ok(match op {
        AtomicOp::Load(_) => shared.atomic(ea, len, |_| None)?,
        AtomicOp::Store(_) => {
            shared.atomic(ea, len, |_| Some(frame[1]))?;
            frame[0]
        }
        AtomicOp::Rmw(f, _) => shared.atomic(ea, len, |old| Some(f.apply(old, frame[1])))?,
        AtomicOp::Cmpxchg(_) => {
            let (expected, new) = (wrap(frame[1], n), frame[2]);
            shared.atomic(ea, len, |old| (old == expected).then_some(new))?
        }
        AtomicOp::Wait(_) => {
            shared.range(ea, n).ok_or(TrapKind::MemoryOutOfBounds)?;
            let timeout = frame[2] as i64;
            shared.wait(ea, len, wrap(frame[1], n), timeout, interrupt)? as u64
        }
        AtomicOp::Notify => {
            shared.range(ea, n).ok_or(TrapKind::MemoryOutOfBounds)?;
            u64::from(shared.notify(ea, frame[1] as u32))
        }
        AtomicOp::Fence => unreachable!("handled by the caller"),
    })
}
