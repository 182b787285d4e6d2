//! The interpreter's entry points for SIMD instructions.
//!
//! Each is kept out of line (`#[inline(never)]`) so the several hundred
//! operators behind them add one call per instruction to the dispatch loop
//! instead of growing it: scalar code pays nothing for SIMD support. The
//! lane semantics live in [`crate::simd`]; the memory-shape helpers
//! (widening loads, lane loads and stores) are here.

use crate::code::V128LoadKind;
use crate::simd::{self, BinOp, ExtractOp, ReplaceOp, ShiftOp, SplatOp, TernOp, TestOp, UnOp};

#[inline(never)]
pub(super) fn bin(op: BinOp, a: u128, b: u128) -> u128 {
    simd::bin(op, a, b)
}

#[inline(never)]
pub(super) fn un(op: UnOp, a: u128) -> u128 {
    simd::un(op, a)
}

#[inline(never)]
pub(super) fn tern(op: TernOp, a: u128, b: u128, c: u128) -> u128 {
    simd::tern(op, a, b, c)
}

#[inline(never)]
pub(super) fn shift(op: ShiftOp, a: u128, count: u32) -> u128 {
    simd::shift(op, a, count)
}

#[inline(never)]
pub(super) fn test(op: TestOp, a: u128) -> u32 {
    simd::test(op, a)
}

#[inline(never)]
pub(super) fn splat(op: SplatOp, x: u64) -> u128 {
    simd::splat(op, x)
}

#[inline(never)]
pub(super) fn extract(op: ExtractOp, a: u128, lane: u8) -> u64 {
    simd::extract(op, a, lane)
}

#[inline(never)]
pub(super) fn replace(op: ReplaceOp, a: u128, x: u64, lane: u8) -> u128 {
    simd::replace(op, a, x, lane)
}

/// `i8x16.shuffle` with its lane indices packed in `mask` (one per byte).
#[inline(never)]
pub(super) fn shuffle(a: u128, b: u128, mask: u128) -> u128 {
    simd::shuffle(a, b, mask.to_le_bytes())
}

/// Widens the `kind.bytes()` bytes read from memory (at the start of
/// `bytes`, the rest zero) into a `v128`.
#[inline(never)]
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
#[inline(never)]
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
#[inline(never)]
pub(super) fn lane_bytes(v: u128, bytes: u8, lane: u8) -> u64 {
    (v >> (u32::from(lane) * u32::from(bytes) * 8)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

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
