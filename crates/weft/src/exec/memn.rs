//! Loads and stores on memories other than memory 0 (multi-memory), on
//! 64-bit memories (memory64) and on shared memories (threads).
//!
//! A 32-bit unshared memory 0 has the interpreter's fast instructions with a
//! cached base pointer; the others share one out-of-line instruction,
//! `MemN`, whose operands sit at consecutive frame slots. This is safe code
//! over the memory's bytes ([`Bytes`]) and the frame's cells.

use super::simd_ops::{getv, lane_bytes, load, load_lane, mem_range, setv};
use crate::code::MemOp;
use crate::error::TrapKind;
use crate::runtime::SharedMemory;
use crate::runtime::shared;
use std::sync::atomic::Ordering::Relaxed;

/// The bytes an access reaches: a store's own memory, or a shared one
/// (read and written a byte at a time, see `runtime::shared`).
pub(super) enum Bytes<'a> {
    Own(&'a mut [u8]),
    Shared(&'a SharedMemory),
}

/// The `n` bytes at `addr + offset` of shared memory `m`, if in bounds.
fn shared_range(
    m: &SharedMemory,
    addr: u64,
    offset: u64,
    n: usize,
) -> Result<&[std::sync::atomic::AtomicU8], TrapKind> {
    addr.checked_add(offset)
        .and_then(|at| m.range(at, n as u64))
        .ok_or(TrapKind::MemoryOutOfBounds)
}

impl Bytes<'_> {
    /// Reads `out.len()` bytes at `addr + offset`.
    pub(super) fn read(&mut self, addr: u64, offset: u64, out: &mut [u8]) -> Result<(), TrapKind> {
        match self {
            Bytes::Own(m) => out.copy_from_slice(mem_range(m, addr, offset, out.len())?),
            Bytes::Shared(m) => shared::load_bytes(shared_range(m, addr, offset, out.len())?, out),
        }
        Ok(())
    }

    /// Writes `src` at `addr + offset`.
    pub(super) fn write(&mut self, addr: u64, offset: u64, src: &[u8]) -> Result<(), TrapKind> {
        match self {
            Bytes::Own(m) => mem_range(m, addr, offset, src.len())?.copy_from_slice(src),
            Bytes::Shared(m) => shared::store_bytes(shared_range(m, addr, offset, src.len())?, src),
        }
        Ok(())
    }
}

impl MemOp {
    /// Whether it loads or stores a scalar (not a `v128` or a lane).
    pub(crate) fn is_scalar(self) -> bool {
        !matches!(
            self,
            MemOp::V128Load(_) | MemOp::V128Store | MemOp::LoadLane(_) | MemOp::StoreLane(_)
        )
    }
}

/// The little-endian value of the `N` bytes at `at` of `mem`.
#[inline(always)]
fn load_n<const N: usize>(mem: &SharedMemory, at: u64) -> Result<u64, TrapKind> {
    let bytes = mem.range(at, N as u64).ok_or(TrapKind::MemoryOutOfBounds)?;
    let mut v = 0u64;
    for (i, b) in bytes.iter().take(N).enumerate() {
        v |= u64::from(b.load(Relaxed)) << (8 * i);
    }
    Ok(v)
}

/// Stores the low `N` bytes of `v` at `at` of `mem`.
#[inline(always)]
fn store_n<const N: usize>(mem: &SharedMemory, at: u64, v: u64) -> Result<(), TrapKind> {
    let bytes = mem.range(at, N as u64).ok_or(TrapKind::MemoryOutOfBounds)?;
    for (i, b) in bytes.iter().take(N).enumerate() {
        b.store((v >> (8 * i)) as u8, Relaxed);
    }
    Ok(())
}

/// The code of a scalar `MemShared` operation (the const parameter of its
/// handler): loads 0-11 in `MemOp` order, stores 12-15; 16 for the rest.
pub(super) fn shared_code(op: MemOp) -> u8 {
    match op {
        MemOp::I32Load => 0,
        MemOp::I64Load => 1,
        MemOp::I32Load8S => 2,
        MemOp::I32Load8U => 3,
        MemOp::I32Load16S => 4,
        MemOp::I32Load16U => 5,
        MemOp::I64Load8S => 6,
        MemOp::I64Load8U => 7,
        MemOp::I64Load16S => 8,
        MemOp::I64Load16U => 9,
        MemOp::I64Load32S => 10,
        MemOp::I64Load32U => 11,
        MemOp::Store8 => 12,
        MemOp::Store16 => 13,
        MemOp::Store32 => 14,
        MemOp::Store64 => 15,
        MemOp::V128Load(_) | MemOp::V128Store | MemOp::LoadLane(_) | MemOp::StoreLane(_) => 16,
    }
}

/// The scalar access of code `K` (see [`shared_code`]) at `at` of the
/// shared memory `mem`; returns the loaded value, if it loads.
#[inline(always)]
pub(super) fn shared_scalar<const K: u8>(
    mem: &SharedMemory,
    at: u64,
    value: impl FnOnce() -> u64,
) -> Result<Option<u64>, TrapKind> {
    let v = match K {
        0 | 11 => load_n::<4>(mem, at)?,
        1 => load_n::<8>(mem, at)?,
        3 | 7 => load_n::<1>(mem, at)?,
        5 | 9 => load_n::<2>(mem, at)?,
        2 => u64::from(load_n::<1>(mem, at)? as u8 as i8 as i32 as u32),
        4 => u64::from(load_n::<2>(mem, at)? as u16 as i16 as i32 as u32),
        6 => load_n::<1>(mem, at)? as u8 as i8 as i64 as u64,
        8 => load_n::<2>(mem, at)? as u16 as i16 as i64 as u64,
        10 => load_n::<4>(mem, at)? as u32 as i32 as i64 as u64,
        12 => return store_n::<1>(mem, at, value()).map(|()| None),
        13 => return store_n::<2>(mem, at, value()).map(|()| None),
        14 => return store_n::<4>(mem, at, value()).map(|()| None),
        _ => return store_n::<8>(mem, at, value()).map(|()| None),
    };
    Ok(Some(v))
}

/// Performs `op` on `mem`: `frame[0]` holds the address, `frame[1..]` the
/// stored value or the lane operand; a loaded value replaces `frame[0..]`.
/// The address is an i64 when `addr64` (memory64), else an i32.
pub(super) fn access(
    op: MemOp,
    lane: u8,
    mut mem: Bytes<'_>,
    frame: &mut [u64],
    offset: u32,
    addr64: bool,
) -> Result<(), TrapKind> {
    let n = match op {
        MemOp::I32Load8S | MemOp::I32Load8U | MemOp::I64Load8S | MemOp::I64Load8U => 1,
        MemOp::I32Load16S | MemOp::I32Load16U | MemOp::I64Load16S | MemOp::I64Load16U => 2,
        MemOp::I32Load | MemOp::I64Load32S | MemOp::I64Load32U => 4,
        MemOp::I64Load => 8,
        MemOp::Store8 => 1,
        MemOp::Store16 => 2,
        MemOp::Store32 => 4,
        MemOp::Store64 => 8,
        MemOp::V128Load(kind) => kind.bytes(),
        MemOp::V128Store => 16,
        MemOp::LoadLane(b) | MemOp::StoreLane(b) => usize::from(b),
    };
    let addr = if addr64 {
        frame[0]
    } else {
        u64::from(frame[0] as u32)
    };
    let offset = u64::from(offset);
    let mut buf = [0u8; 16];
    let stores = matches!(
        op,
        MemOp::Store8
            | MemOp::Store16
            | MemOp::Store32
            | MemOp::Store64
            | MemOp::V128Store
            | MemOp::StoreLane(_)
    );
    if !stores {
        mem.read(addr, offset, &mut buf[..n])?;
    }
    let lo = u64::from_le_bytes([
        buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7],
    ]);
    match op {
        MemOp::I32Load
        | MemOp::I32Load8U
        | MemOp::I32Load16U
        | MemOp::I64Load
        | MemOp::I64Load8U
        | MemOp::I64Load16U
        | MemOp::I64Load32U => frame[0] = lo,
        MemOp::I32Load8S => frame[0] = u64::from(lo as u8 as i8 as i32 as u32),
        MemOp::I32Load16S => frame[0] = u64::from(lo as u16 as i16 as i32 as u32),
        MemOp::I64Load8S => frame[0] = lo as u8 as i8 as i64 as u64,
        MemOp::I64Load16S => frame[0] = lo as u16 as i16 as i64 as u64,
        MemOp::I64Load32S => frame[0] = lo as u32 as i32 as i64 as u64,
        MemOp::Store8 | MemOp::Store16 | MemOp::Store32 | MemOp::Store64 => {
            mem.write(addr, offset, &frame[1].to_le_bytes()[..n])?;
        }
        MemOp::V128Load(kind) => setv(frame, 0, load(kind, buf)),
        MemOp::V128Store => mem.write(addr, offset, &getv(frame, 1).to_le_bytes())?,
        MemOp::LoadLane(b) => {
            let v = load_lane(getv(frame, 1), b, lane, lo);
            setv(frame, 0, v);
        }
        MemOp::StoreLane(b) => {
            let x = lane_bytes(getv(frame, 1), b, lane);
            mem.write(addr, offset, &x.to_le_bytes()[..n])?;
        }
    }
    Ok(())
}
