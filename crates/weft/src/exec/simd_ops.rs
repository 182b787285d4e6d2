//! The interpreter's SIMD instructions, executed out of line.
//!
//! The common shapes have handlers of their own in `handlers.rs`; the rest
//! (and every access to a memory other than 0) share one handler that calls
//! [`exec`]. The lane semantics live in [`crate::simd`]; the memory-shape
//! helpers (widening loads, lane loads and stores) are here.

use crate::code::{Instr, Slot, V128LoadKind};
use crate::error::TrapKind;
use crate::simd;

fn get(frame: &[u64], s: Slot) -> u64 {
    frame[s as usize]
}

/// The `v128` at slots `s`, `s + 1` (low half first).
pub(super) fn getv(frame: &[u64], s: Slot) -> u128 {
    let s = s as usize;
    u128::from(frame[s]) | (u128::from(frame[s + 1]) << 64)
}

/// Writes a `v128` to slots `s`, `s + 1`.
pub(super) fn setv(frame: &mut [u64], s: Slot, v: u128) {
    let s = s as usize;
    frame[s] = v as u64;
    frame[s + 1] = (v >> 64) as u64;
}

/// The bytes `addr + offset .. + n` of `mem` (`addr` an i32 cell), or an
/// out-of-bounds trap.
pub(super) fn mem_range(
    mem: &mut [u8],
    addr: u64,
    offset: u64,
    n: usize,
) -> Result<&mut [u8], TrapKind> {
    let start = addr
        .checked_add(offset)
        .and_then(|a| usize::try_from(a).ok())
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    start
        .checked_add(n)
        .and_then(|end| mem.get_mut(start..end))
        .ok_or(TrapKind::MemoryOutOfBounds)
}

/// The i32 address in slot `s`.
fn addr32(frame: &[u64], s: u32) -> u64 {
    u64::from(get(frame, s) as u32)
}

/// Executes one SIMD instruction without a handler of its own (the common
/// shapes have theirs in `handlers.rs`: binary, unary, shifts, splats, lane
/// extraction and replacement, loads and stores), on memory 0's bytes, or one
/// `MemN` access (on its memory's bytes), on the current frame's cells
/// (`frame` starts at the frame base). Safe code, out of line: these shapes
/// are rare in real programs.
#[inline(never)]
pub(super) fn exec(
    ins: &Instr,
    frame: &mut [u64],
    mem: &mut [u8],
    shared: Option<&crate::runtime::SharedMemory>,
    addr64: bool,
) -> Result<(), TrapKind> {
    use Instr as I;
    match *ins {
        I::SelectEqzV128 { dst, cond, src } => {
            if get(frame, cond) as u32 == 0 {
                let v = getv(frame, src);
                setv(frame, dst, v);
            }
        }
        I::V128Tern { op, dst, args } => {
            let r = simd::tern(
                op,
                getv(frame, args),
                getv(frame, args + 2),
                getv(frame, args + 4),
            );
            setv(frame, dst, r);
        }
        I::V128Test { op, dst, src } => {
            frame[dst as usize] = u64::from(simd::test(op, getv(frame, src)));
        }
        I::V128LoadLane {
            bytes,
            lane,
            dst,
            args,
            offset,
        } => {
            let n = usize::from(bytes);
            let mut buf = [0u8; 8];
            buf[..n].copy_from_slice(mem_range(mem, addr32(frame, args), offset.into(), n)?);
            let v = load_lane(getv(frame, args + 1), bytes, lane, u64::from_le_bytes(buf));
            setv(frame, dst, v);
        }
        I::V128StoreLane {
            bytes,
            lane,
            args,
            offset,
        } => {
            let n = usize::from(bytes);
            let x = lane_bytes(getv(frame, args + 1), bytes, lane).to_le_bytes();
            mem_range(mem, addr32(frame, args), offset.into(), n)?.copy_from_slice(&x[..n]);
        }
        I::MemN {
            op,
            lane,
            args,
            offset,
            ..
        } => super::memn::access(
            op,
            lane,
            shared.map_or(super::memn::Bytes::Own(mem), super::memn::Bytes::Shared),
            &mut frame[args as usize..],
            offset,
            addr64,
        )?,
        _ => unreachable!("not a SIMD or MemN instruction: {ins:?}"),
    }
    Ok(())
}

/// Widens the `kind.bytes()` bytes read from memory (at the start of
/// `bytes`, the rest zero) into a `v128`.
#[inline(always)]
pub(super) fn load(kind: V128LoadKind, bytes: [u8; 16]) -> u128 {
    use V128LoadKind as K;
    let lo = u64::from_le_bytes([
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
    ]);
    // Splats a lane of `width` bits (the low bits of `lo`) across 128 bits.
    let splat = |width: u32| {
        let lane = u128::from(lo) & ((1u128 << width) - 1);
        (0..128 / width).fold(0u128, |acc, i| acc | (lane << (i * width)))
    };
    // Extends each of the `128 / to` lanes of `from` bits in `lo`.
    let widen = |from: u32, signed: bool| {
        let to = from * 2;
        (0..128 / to).fold(0u128, |acc, i| {
            let raw = (lo >> (i * from)) & ((1u64 << from) - 1);
            let v = if signed {
                // Sign-extend from `from` bits to 64, then keep `to` bits.
                let shift = 64 - from;
                (((raw << shift) as i64) >> shift) as u64
            } else {
                raw
            };
            let lane = u128::from(v) & ((1u128 << to) - 1);
            acc | (lane << (i * to))
        })
    };
    match kind {
        K::V128 => u128::from_le_bytes(bytes),
        K::S8x8 => widen(8, true),
        K::U8x8 => widen(8, false),
        K::S16x4 => widen(16, true),
        K::U16x4 => widen(16, false),
        K::S32x2 => widen(32, true),
        K::U32x2 => widen(32, false),
        K::Splat8 => splat(8),
        K::Splat16 => splat(16),
        K::Splat32 => splat(32),
        K::Splat64 => splat(64),
        // The bytes past the loaded ones are zero.
        K::Zero32 | K::Zero64 => u128::from(lo),
    }
}

/// Replaces lane `lane` (of `bytes` bytes) of `v` with the low bytes of `x`.
pub(super) fn load_lane(v: u128, bytes: u8, lane: u8, x: u64) -> u128 {
    let width = u32::from(bytes) * 8;
    let shift = u32::from(lane) * width;
    let mask = if width == 64 {
        u128::from(u64::MAX)
    } else {
        (1u128 << width) - 1
    };
    (v & !(mask << shift)) | ((u128::from(x) & mask) << shift)
}

/// Lane `lane` (of `bytes` bytes) of `v`, in the low bytes of the result.
pub(super) fn lane_bytes(v: u128, bytes: u8, lane: u8) -> u64 {
    (v >> (u32::from(lane) * u32::from(bytes) * 8)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_kinds_round_trip_through_their_index() {
        for k in 0..13 {
            assert_eq!(V128LoadKind::from_index(k) as u8, k);
        }
    }

    #[test]
    fn widening_loads_extend_each_lane() {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&[0x80, 0x7f, 0xff, 0x01, 0, 0, 0, 0]);
        let s = load(V128LoadKind::S8x8, b);
        assert_eq!(s & 0xffff, 0xff80);
        assert_eq!((s >> 16) & 0xffff, 0x007f);
        assert_eq!((s >> 32) & 0xffff, 0xffff);
        let u = load(V128LoadKind::U8x8, b);
        assert_eq!(u & 0xffff, 0x0080);
        assert_eq!((u >> 32) & 0xffff, 0x00ff);
        let mut c = [0u8; 16];
        c[..8].copy_from_slice(&0xffff_fffe_0000_0005u64.to_le_bytes());
        let s32 = load(V128LoadKind::S32x2, c);
        assert_eq!(s32 as u64, 5);
        assert_eq!((s32 >> 64) as u64, 0xffff_ffff_ffff_fffe);
    }

    #[test]
    fn splat_and_zero_loads() {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        assert_eq!(
            load(V128LoadKind::Splat8, b),
            0x8888_8888_8888_8888_8888_8888_8888_8888
        );
        assert_eq!(
            load(V128LoadKind::Splat16, b),
            0x7788_7788_7788_7788_7788_7788_7788_7788
        );
        assert_eq!(
            load(V128LoadKind::Splat64, b),
            0x1122_3344_5566_7788_1122_3344_5566_7788
        );
        let mut z = [0u8; 16];
        z[..4].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(load(V128LoadKind::Zero32, z), 0x0403_0201);
    }

    #[test]
    fn lane_access_touches_one_lane() {
        let v = u128::MAX;
        assert_eq!(
            load_lane(v, 2, 3, 0x1234),
            !(0xffffu128 << 48) | (0x1234u128 << 48)
        );
        assert_eq!(load_lane(0, 8, 1, u64::MAX), u128::from(u64::MAX) << 64);
        assert_eq!(lane_bytes(0xaabb_u128 << 16, 2, 1) as u16, 0xaabb);
    }
}
