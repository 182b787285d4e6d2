//! The pure semantics of WebAssembly's fixed-width SIMD (`v128`) and
//! relaxed-SIMD instructions, apart from memory accesses (loads, stores, lane
//! loads/stores) and `v128.const`, which the compiler handles itself.
//!
//! Every operator is a small pure function of its operands: [`bin`], [`un`],
//! [`tern`], [`shift`], [`test`], [`splat`], [`extract`], [`replace`] and
//! [`shuffle`], each taking an operator enum naming the exact instruction.
//! [`classify`] maps a `wasmparser` operator to its enum (all but
//! `i8x16.shuffle`, whose lane immediates the compiler keeps itself).
//!
//! # Representation
//!
//! A `v128` is a `u128` with little-endian lanes: lane `i` of an `i8x16` is
//! bits `[8i, 8i + 8)`, lane `i` of an `i32x4` / `f32x4` is bits
//! `[32i, 32i + 32)`, and so on. This is memory's byte order, so
//! `u128::from_le_bytes(bytes)` is the value of a `v128` loaded from `bytes`.
//! Float lanes are kept as raw bits.
//!
//! Scalars cross the API as `u64` cells: `i32`/`f32` values are the low 32 bits
//! (zero-extended on output, upper bits ignored on input), `i64`/`f64` values
//! are the full 64 bits; floats are raw bits.
//!
//! Internally each operator reinterprets its operands as lane arrays
//! (`[i8; 16]`, `[u16; 8]`, `[f32; 4]`, ...), works lane by lane with plain
//! loops the compiler can vectorise, and packs the result back into a `u128`
//! (see "Lane views" below for how that stays cheap).
//!
//! # Floats and NaNs
//!
//! Lane-wise float operators follow the scalar semantics of the interpreter
//! (`exec::ops`): `min`/`max` return the canonical NaN if either operand is a
//! NaN and order `-0 < +0`; `nearest` rounds half to even; `ceil`, `floor`,
//! `trunc` and `nearest` quiet a signalling NaN; `trunc_sat` saturates and maps
//! NaN to 0. `pmin`/`pmax` are exactly `b < a ? b : a` and `a < b ? b : a`.
//! `f32x4.demote_f64x2_zero` and `f64x2.promote_low_f32x4` turn a NaN into the
//! quiet NaN with the same sign and the top bits of the payload (as the
//! hardware does), so a canonical NaN stays canonical and a signalling NaN is
//! always quietened.
//!
//! # Relaxed SIMD
//!
//! Each relaxed operator has one fixed result, the same on every host and on
//! every execution, chosen among those the relaxed-SIMD specification allows
//! (and checked against the proposal's spec tests):
//!
//! - `i8x16.relaxed_swizzle`: `i8x16.swizzle` (an index >= 16 selects 0).
//! - `i32x4.relaxed_trunc_f32x4_s/u`, `i32x4.relaxed_trunc_f64x2_s/u_zero`:
//!   the corresponding `trunc_sat` operator (saturating, NaN -> 0).
//! - `f32x4/f64x2.relaxed_madd`: `a * b + c` fused, with a single rounding
//!   (`mul_add`).
//! - `f32x4/f64x2.relaxed_nmadd`: `-(a * b) + c` fused, with a single rounding.
//! - `i8x16/i16x8/i32x4/i64x2.relaxed_laneselect`: `v128.bitselect` (each bit
//!   from `a` where the mask `c` has a 1, from `b` elsewhere).
//! - `f32x4/f64x2.relaxed_min/max`: the non-relaxed `min`/`max`.
//! - `i16x8.relaxed_q15mulr_s`: `i16x8.q15mulr_sat_s` (saturating, so
//!   `-32768 * -32768` gives `32767`).
//! - `i16x8.relaxed_dot_i8x16_i7x16_s`: both operands signed; the two
//!   products of each pair are added with wrapping in 16 bits.
//! - `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the 16-bit results of
//!   `i16x8.relaxed_dot_i8x16_i7x16_s` are sign-extended and added pairwise
//!   into 32 bits, then added to `c` with wrapping.

use wasmparser::Operator;

// ---------------------------------------------------------------------------
// Operator kinds
// ---------------------------------------------------------------------------

/// Defines an operator-kind enum whose variants are named exactly like the
/// `wasmparser::Operator` variants they stand for, together with the mapping
/// from the operator (so a misspelt name is a compile error).
macro_rules! op_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($v:ident),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        #[allow(clippy::enum_variant_names)]
        pub(crate) enum $name {
            $(
                #[doc = concat!("`Operator::", stringify!($v), "`.")]
                $v,
            )*
        }

        impl $name {
            /// Every variant, in declaration order.
            #[cfg(test)]
            pub(crate) const ALL: &'static [$name] = &[$($name::$v),*];

            /// The variant for `op`, if `op` is one of this enum's operators.
            fn from_operator(op: &Operator<'_>) -> Option<Self> {
                match op {
                    $(Operator::$v => Some($name::$v),)*
                    _ => None,
                }
            }
        }
    };
}

op_enum! {
    /// A SIMD operator of type `v128 x v128 -> v128`.
    BinOp {
        // Swizzle.
        I8x16Swizzle, I8x16RelaxedSwizzle,
        // Comparisons.
        I8x16Eq, I8x16Ne, I8x16LtS, I8x16LtU, I8x16GtS, I8x16GtU,
        I8x16LeS, I8x16LeU, I8x16GeS, I8x16GeU,
        I16x8Eq, I16x8Ne, I16x8LtS, I16x8LtU, I16x8GtS, I16x8GtU,
        I16x8LeS, I16x8LeU, I16x8GeS, I16x8GeU,
        I32x4Eq, I32x4Ne, I32x4LtS, I32x4LtU, I32x4GtS, I32x4GtU,
        I32x4LeS, I32x4LeU, I32x4GeS, I32x4GeU,
        I64x2Eq, I64x2Ne, I64x2LtS, I64x2GtS, I64x2LeS, I64x2GeS,
        F32x4Eq, F32x4Ne, F32x4Lt, F32x4Gt, F32x4Le, F32x4Ge,
        F64x2Eq, F64x2Ne, F64x2Lt, F64x2Gt, F64x2Le, F64x2Ge,
        // Bitwise.
        V128And, V128AndNot, V128Or, V128Xor,
        // i8x16 arithmetic.
        I8x16NarrowI16x8S, I8x16NarrowI16x8U,
        I8x16Add, I8x16AddSatS, I8x16AddSatU,
        I8x16Sub, I8x16SubSatS, I8x16SubSatU,
        I8x16MinS, I8x16MinU, I8x16MaxS, I8x16MaxU, I8x16AvgrU,
        // i16x8 arithmetic.
        I16x8Q15MulrSatS, I16x8NarrowI32x4S, I16x8NarrowI32x4U,
        I16x8Add, I16x8AddSatS, I16x8AddSatU,
        I16x8Sub, I16x8SubSatS, I16x8SubSatU, I16x8Mul,
        I16x8MinS, I16x8MinU, I16x8MaxS, I16x8MaxU, I16x8AvgrU,
        I16x8ExtMulLowI8x16S, I16x8ExtMulHighI8x16S,
        I16x8ExtMulLowI8x16U, I16x8ExtMulHighI8x16U,
        // i32x4 arithmetic.
        I32x4Add, I32x4Sub, I32x4Mul,
        I32x4MinS, I32x4MinU, I32x4MaxS, I32x4MaxU, I32x4DotI16x8S,
        I32x4ExtMulLowI16x8S, I32x4ExtMulHighI16x8S,
        I32x4ExtMulLowI16x8U, I32x4ExtMulHighI16x8U,
        // i64x2 arithmetic.
        I64x2Add, I64x2Sub, I64x2Mul,
        I64x2ExtMulLowI32x4S, I64x2ExtMulHighI32x4S,
        I64x2ExtMulLowI32x4U, I64x2ExtMulHighI32x4U,
        // Float arithmetic.
        F32x4Add, F32x4Sub, F32x4Mul, F32x4Div,
        F32x4Min, F32x4Max, F32x4PMin, F32x4PMax,
        F64x2Add, F64x2Sub, F64x2Mul, F64x2Div,
        F64x2Min, F64x2Max, F64x2PMin, F64x2PMax,
        // Relaxed SIMD.
        F32x4RelaxedMin, F32x4RelaxedMax, F64x2RelaxedMin, F64x2RelaxedMax,
        I16x8RelaxedQ15mulrS, I16x8RelaxedDotI8x16I7x16S,
    }
}

op_enum! {
    /// A SIMD operator of type `v128 -> v128`.
    UnOp {
        V128Not,
        // Integer.
        I8x16Abs, I8x16Neg, I8x16Popcnt,
        I16x8ExtAddPairwiseI8x16S, I16x8ExtAddPairwiseI8x16U,
        I16x8Abs, I16x8Neg,
        I16x8ExtendLowI8x16S, I16x8ExtendHighI8x16S,
        I16x8ExtendLowI8x16U, I16x8ExtendHighI8x16U,
        I32x4ExtAddPairwiseI16x8S, I32x4ExtAddPairwiseI16x8U,
        I32x4Abs, I32x4Neg,
        I32x4ExtendLowI16x8S, I32x4ExtendHighI16x8S,
        I32x4ExtendLowI16x8U, I32x4ExtendHighI16x8U,
        I64x2Abs, I64x2Neg,
        I64x2ExtendLowI32x4S, I64x2ExtendHighI32x4S,
        I64x2ExtendLowI32x4U, I64x2ExtendHighI32x4U,
        // Float.
        F32x4Ceil, F32x4Floor, F32x4Trunc, F32x4Nearest,
        F32x4Abs, F32x4Neg, F32x4Sqrt,
        F64x2Ceil, F64x2Floor, F64x2Trunc, F64x2Nearest,
        F64x2Abs, F64x2Neg, F64x2Sqrt,
        // Conversions.
        I32x4TruncSatF32x4S, I32x4TruncSatF32x4U,
        F32x4ConvertI32x4S, F32x4ConvertI32x4U,
        I32x4TruncSatF64x2SZero, I32x4TruncSatF64x2UZero,
        F64x2ConvertLowI32x4S, F64x2ConvertLowI32x4U,
        F32x4DemoteF64x2Zero, F64x2PromoteLowF32x4,
        // Relaxed SIMD.
        I32x4RelaxedTruncF32x4S, I32x4RelaxedTruncF32x4U,
        I32x4RelaxedTruncF64x2SZero, I32x4RelaxedTruncF64x2UZero,
    }
}

op_enum! {
    /// A SIMD operator of type `v128 x v128 x v128 -> v128`; the operands
    /// `a`, `b`, `c` are in wasm stack order (`c` was pushed last).
    TernOp {
        V128Bitselect,
        // Relaxed SIMD.
        F32x4RelaxedMadd, F32x4RelaxedNmadd, F64x2RelaxedMadd, F64x2RelaxedNmadd,
        I8x16RelaxedLaneselect, I16x8RelaxedLaneselect,
        I32x4RelaxedLaneselect, I64x2RelaxedLaneselect,
        I32x4RelaxedDotI8x16I7x16AddS,
    }
}

op_enum! {
    /// A SIMD shift, of type `v128 x i32 -> v128`.
    ShiftOp {
        I8x16Shl, I8x16ShrS, I8x16ShrU,
        I16x8Shl, I16x8ShrS, I16x8ShrU,
        I32x4Shl, I32x4ShrS, I32x4ShrU,
        I64x2Shl, I64x2ShrS, I64x2ShrU,
    }
}

op_enum! {
    /// A SIMD test, of type `v128 -> i32`.
    TestOp {
        V128AnyTrue,
        I8x16AllTrue, I8x16Bitmask,
        I16x8AllTrue, I16x8Bitmask,
        I32x4AllTrue, I32x4Bitmask,
        I64x2AllTrue, I64x2Bitmask,
    }
}

/// `*.splat`: a scalar to every lane, `scalar -> v128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum SplatOp {
    /// `i8x16.splat` (from the low 8 bits of an `i32`).
    I8x16,
    /// `i16x8.splat` (from the low 16 bits of an `i32`).
    I16x8,
    /// `i32x4.splat`.
    I32x4,
    /// `i64x2.splat`.
    I64x2,
    /// `f32x4.splat`.
    F32x4,
    /// `f64x2.splat`.
    F64x2,
}

/// `*.extract_lane`: one lane as a scalar, `(v128, lane) -> scalar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum ExtractOp {
    /// `i8x16.extract_lane_s`.
    I8x16S,
    /// `i8x16.extract_lane_u`.
    I8x16U,
    /// `i16x8.extract_lane_s`.
    I16x8S,
    /// `i16x8.extract_lane_u`.
    I16x8U,
    /// `i32x4.extract_lane`.
    I32x4,
    /// `i64x2.extract_lane`.
    I64x2,
    /// `f32x4.extract_lane`.
    F32x4,
    /// `f64x2.extract_lane`.
    F64x2,
}

/// `*.replace_lane`: one lane replaced by a scalar,
/// `(v128, scalar, lane) -> v128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum ReplaceOp {
    /// `i8x16.replace_lane` (with the low 8 bits of an `i32`).
    I8x16,
    /// `i16x8.replace_lane` (with the low 16 bits of an `i32`).
    I16x8,
    /// `i32x4.replace_lane`.
    I32x4,
    /// `i64x2.replace_lane`.
    I64x2,
    /// `f32x4.replace_lane`.
    F32x4,
    /// `f64x2.replace_lane`.
    F64x2,
}

/// What a `wasmparser` operator is, for the SIMD operators of this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SimdOp {
    /// See [`bin`].
    Bin(BinOp),
    /// See [`un`].
    Un(UnOp),
    /// See [`tern`].
    Tern(TernOp),
    /// See [`shift`].
    Shift(ShiftOp),
    /// See [`test`].
    Test(TestOp),
    /// See [`splat`].
    Splat(SplatOp),
    /// See [`extract`]; the lane index immediate.
    Extract(ExtractOp, u8),
    /// See [`replace`]; the lane index immediate.
    Replace(ReplaceOp, u8),
}

/// Maps every non-memory SIMD / relaxed-SIMD operator to its [`SimdOp`];
/// `None` for anything else, including `v128.const`, `i8x16.shuffle` and all
/// `v128` loads and stores (which the compiler handles itself).
pub(crate) fn classify(op: &Operator<'_>) -> Option<SimdOp> {
    use Operator as O;
    let simd = match *op {
        O::I8x16Splat => SimdOp::Splat(SplatOp::I8x16),
        O::I16x8Splat => SimdOp::Splat(SplatOp::I16x8),
        O::I32x4Splat => SimdOp::Splat(SplatOp::I32x4),
        O::I64x2Splat => SimdOp::Splat(SplatOp::I64x2),
        O::F32x4Splat => SimdOp::Splat(SplatOp::F32x4),
        O::F64x2Splat => SimdOp::Splat(SplatOp::F64x2),

        O::I8x16ExtractLaneS { lane } => SimdOp::Extract(ExtractOp::I8x16S, lane),
        O::I8x16ExtractLaneU { lane } => SimdOp::Extract(ExtractOp::I8x16U, lane),
        O::I16x8ExtractLaneS { lane } => SimdOp::Extract(ExtractOp::I16x8S, lane),
        O::I16x8ExtractLaneU { lane } => SimdOp::Extract(ExtractOp::I16x8U, lane),
        O::I32x4ExtractLane { lane } => SimdOp::Extract(ExtractOp::I32x4, lane),
        O::I64x2ExtractLane { lane } => SimdOp::Extract(ExtractOp::I64x2, lane),
        O::F32x4ExtractLane { lane } => SimdOp::Extract(ExtractOp::F32x4, lane),
        O::F64x2ExtractLane { lane } => SimdOp::Extract(ExtractOp::F64x2, lane),

        O::I8x16ReplaceLane { lane } => SimdOp::Replace(ReplaceOp::I8x16, lane),
        O::I16x8ReplaceLane { lane } => SimdOp::Replace(ReplaceOp::I16x8, lane),
        O::I32x4ReplaceLane { lane } => SimdOp::Replace(ReplaceOp::I32x4, lane),
        O::I64x2ReplaceLane { lane } => SimdOp::Replace(ReplaceOp::I64x2, lane),
        O::F32x4ReplaceLane { lane } => SimdOp::Replace(ReplaceOp::F32x4, lane),
        O::F64x2ReplaceLane { lane } => SimdOp::Replace(ReplaceOp::F64x2, lane),

        _ => {
            return BinOp::from_operator(op)
                .map(SimdOp::Bin)
                .or_else(|| UnOp::from_operator(op).map(SimdOp::Un))
                .or_else(|| TernOp::from_operator(op).map(SimdOp::Tern))
                .or_else(|| ShiftOp::from_operator(op).map(SimdOp::Shift))
                .or_else(|| TestOp::from_operator(op).map(SimdOp::Test));
        }
    };
    Some(simd)
}

// The operator entry points (`bin`, `un`, ...) are `#[inline(never)]`: their
// lane arrays live on the stack with their address passed to `black_box`, and
// inlined into an interpreter handler such a stack slot stops LLVM from making
// the handler's dispatch a tail call (see `exec/handlers.rs`).

// ---------------------------------------------------------------------------
// Lane views
// ---------------------------------------------------------------------------

// A lane view splits a `v128` into a lane array, and packs one back.
//
// Left to itself, the optimiser keeps a `u128` in a pair of general-purpose
// registers and gathers 8-, 16- and 32-bit lanes out of it with dozens of
// shifts and inserts. Passing the bytes through memory instead (`black_box`
// stops the optimiser from seeing through the round trip; it has no other
// effect) turns a lane loop into a vector load, the operation and a store.
// 64-bit lanes are simply the two halves of the `u128`.

/// The bytes of `v`, in memory order, in memory.
#[inline(always)]
fn to_bytes(v: u128) -> [u8; 16] {
    let mut bytes = xmm::to_bytes(v);
    std::hint::black_box(&mut bytes);
    bytes
}

/// The `v128` whose bytes, in memory order, are `bytes` (stored to memory
/// first).
#[inline(always)]
fn from_bytes(mut bytes: [u8; 16]) -> u128 {
    std::hint::black_box(&mut bytes);
    xmm::from_bytes(bytes)
}

/// Moving a `u128` between its two general-purpose registers and a 16-byte
/// memory image.
///
/// Written plainly, the conversion stores the two 8-byte halves and the lane
/// code then loads all 16 bytes at once (or the reverse), which the CPU cannot
/// forward from the store buffer: every SIMD operator stalled on it (the
/// profile put over half of a SIMD program's time on those loads). On x86-64
/// the halves go through an XMM register instead (SSE2 is part of the
/// baseline), so memory sees one 16-byte store or load.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod xmm {
    use std::arch::asm;
    use std::arch::x86_64::__m128i;

    // The moves are in `asm!` because the optimiser otherwise sees that the
    // vector is built from two 64-bit halves and stores the halves separately
    // again.

    #[inline(always)]
    pub(super) fn to_bytes(v: u128) -> [u8; 16] {
        let x: __m128i;
        // SAFETY: SSE2 instructions, which every x86-64 CPU has; they only
        // move register values (no memory, no stack, no flags).
        unsafe {
            asm!(
                "movq {x}, {lo}",
                "movq {t}, {hi}",
                "punpcklqdq {x}, {t}",
                lo = in(reg) v as u64,
                hi = in(reg) (v >> 64) as u64,
                x = out(xmm_reg) x,
                t = out(xmm_reg) _,
                options(pure, nomem, nostack, preserves_flags),
            );
        }
        // SAFETY: `__m128i` and `[u8; 16]` are both 16 plain bytes; x86 is
        // little-endian, so the low half comes first, as `to_le_bytes`.
        unsafe { std::mem::transmute::<__m128i, [u8; 16]>(x) }
    }

    #[inline(always)]
    pub(super) fn from_bytes(bytes: [u8; 16]) -> u128 {
        // SAFETY: as in `to_bytes`.
        let x = unsafe { std::mem::transmute::<[u8; 16], __m128i>(bytes) };
        let (lo, hi): (u64, u64);
        // SAFETY: as in `to_bytes`; `x` is a copy the block may clobber.
        unsafe {
            asm!(
                "movq {lo}, {x}",
                "punpckhqdq {x}, {x}",
                "movq {hi}, {x}",
                x = inout(xmm_reg) x => _,
                lo = out(reg) lo,
                hi = out(reg) hi,
                options(pure, nomem, nostack, preserves_flags),
            );
        }
        u128::from(lo) | (u128::from(hi) << 64)
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod xmm {
    #[inline(always)]
    pub(super) fn to_bytes(v: u128) -> [u8; 16] {
        v.to_le_bytes()
    }

    #[inline(always)]
    pub(super) fn from_bytes(bytes: [u8; 16]) -> u128 {
        u128::from_le_bytes(bytes)
    }
}

/// Defines, for lane types of 8 to 32 bits, a function splitting a `v128`
/// into its lanes and one packing lanes back into a `v128`.
macro_rules! lane_views {
    ($($get:ident, $put:ident: [$t:ty; $n:literal];)*) => {$(
        #[doc = concat!("The lanes of `v` as `", stringify!($t), "`s.")]
        #[inline(always)]
        fn $get(v: u128) -> [$t; $n] {
            const W: usize = 16 / $n;
            let bytes = to_bytes(v);
            build(|i| {
                let mut lane = [0u8; W];
                lane.copy_from_slice(&bytes[i * W..i * W + W]);
                <$t>::from_le_bytes(lane)
            })
        }

        #[doc = concat!("The `v128` whose lanes are the `", stringify!($t), "`s `lanes`.")]
        #[inline(always)]
        fn $put(lanes: [$t; $n]) -> u128 {
            const W: usize = 16 / $n;
            let mut bytes = [0u8; 16];
            for (chunk, lane) in bytes.chunks_exact_mut(W).zip(lanes) {
                chunk.copy_from_slice(&lane.to_le_bytes());
            }
            from_bytes(bytes)
        }
    )*};
}

lane_views! {
    i8s, from_i8s: [i8; 16];
    u8s, from_u8s: [u8; 16];
    i16s, from_i16s: [i16; 8];
    u16s, from_u16s: [u16; 8];
    i32s, from_i32s: [i32; 4];
    u32s, from_u32s: [u32; 4];
    f32s, from_f32s: [f32; 4];
}

/// The lanes of `v` as `u64`s.
#[inline(always)]
fn u64s(v: u128) -> [u64; 2] {
    [v as u64, (v >> 64) as u64]
}

/// The `v128` whose lanes are the `u64`s `lanes`.
#[inline(always)]
fn from_u64s([lo, hi]: [u64; 2]) -> u128 {
    u128::from(lo) | (u128::from(hi) << 64)
}

/// The lanes of `v` as `i64`s.
#[inline(always)]
fn i64s(v: u128) -> [i64; 2] {
    let [lo, hi] = u64s(v);
    [lo as i64, hi as i64]
}

/// The `v128` whose lanes are the `i64`s `lanes`.
#[inline(always)]
fn from_i64s([lo, hi]: [i64; 2]) -> u128 {
    from_u64s([lo as u64, hi as u64])
}

/// The lanes of `v` as `f64`s.
#[inline(always)]
fn f64s(v: u128) -> [f64; 2] {
    let [lo, hi] = u64s(v);
    [f64::from_bits(lo), f64::from_bits(hi)]
}

/// The `v128` whose lanes are the `f64`s `lanes`.
#[inline(always)]
fn from_f64s([lo, hi]: [f64; 2]) -> u128 {
    from_u64s([lo.to_bits(), hi.to_bits()])
}

// The lane loops below are plain `for` loops over arrays rather than
// `std::array::from_fn` / `<[T; N]>::map`, which the optimiser tends to leave
// out of line in a function as large as `bin`; plain loops are inlined and
// vectorised.

/// The lane array whose lane `i` is `f(i)`.
#[inline(always)]
fn build<U: Copy + Default, const N: usize>(f: impl Fn(usize) -> U) -> [U; N] {
    let mut out = [U::default(); N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = f(i);
    }
    out
}

/// Applies `f` to every lane.
#[inline(always)]
fn map<T: Copy, U: Copy + Default, const N: usize>(a: [T; N], f: impl Fn(T) -> U) -> [U; N] {
    build(|i| f(a[i]))
}

/// Combines two lane arrays lane by lane.
#[inline(always)]
fn zip<T: Copy, U: Copy + Default, const N: usize>(
    a: [T; N],
    b: [T; N],
    f: impl Fn(T, T) -> U,
) -> [U; N] {
    build(|i| f(a[i], b[i]))
}

/// Combines three lane arrays lane by lane.
#[inline(always)]
fn zip3<T: Copy, U: Copy + Default, const N: usize>(
    a: [T; N],
    b: [T; N],
    c: [T; N],
    f: impl Fn(T, T, T) -> U,
) -> [U; N] {
    build(|i| f(a[i], b[i], c[i]))
}

// ---------------------------------------------------------------------------
// Integer helpers
// ---------------------------------------------------------------------------

/// Defines the widening operators for one (narrow, wide) pair of lane types:
/// `extend_low/high` and `extmul_low/high` (`off` is the first source lane:
/// 0 for `low`, half the narrow lane count for `high`).
macro_rules! widening {
    ($($extend:ident, $extmul:ident: $get:ident -> $put:ident as $wide:ty;)*) => {$(
        #[inline(always)]
        fn $extend(a: u128, off: usize) -> u128 {
            let x = $get(a);
            $put(build(|i| <$wide>::from(x[off + i])))
        }

        #[inline(always)]
        fn $extmul(a: u128, b: u128, off: usize) -> u128 {
            let (x, y) = ($get(a), $get(b));
            // The product of two narrow values always fits the wide type.
            $put(build(|i| {
                <$wide>::from(x[off + i]) * <$wide>::from(y[off + i])
            }))
        }
    )*};
}

widening! {
    extend_i8s, extmul_i8s: i8s -> from_i16s as i16;
    extend_u8s, extmul_u8s: u8s -> from_u16s as u16;
    extend_i16s, extmul_i16s: i16s -> from_i32s as i32;
    extend_u16s, extmul_u16s: u16s -> from_u32s as u32;
    extend_i32s, extmul_i32s: i32s -> from_i64s as i64;
    extend_u32s, extmul_u32s: u32s -> from_u64s as u64;
}

/// Defines `extadd_pairwise` for one (narrow, wide) pair of lane types: each
/// wide lane is the sum of two adjacent narrow lanes (which cannot overflow).
macro_rules! extadd_pairwise {
    ($($name:ident: $get:ident -> $put:ident as $wide:ty;)*) => {$(
        #[inline(always)]
        fn $name(a: u128) -> u128 {
            let x = $get(a);
            $put(build(|i| {
                <$wide>::from(x[2 * i]) + <$wide>::from(x[2 * i + 1])
            }))
        }
    )*};
}

extadd_pairwise! {
    extadd_i8s: i8s -> from_i16s as i16;
    extadd_u8s: u8s -> from_u16s as u16;
    extadd_i16s: i16s -> from_i32s as i32;
    extadd_u16s: u16s -> from_u32s as u32;
}

/// Defines `narrow`: the signed lanes of `a` then those of `b`, each
/// saturated to the half-width type `$narrow`.
macro_rules! narrowing {
    ($($name:ident: $get:ident -> $put:ident as $narrow:ty;)*) => {$(
        #[inline(always)]
        fn $name(a: u128, b: u128) -> u128 {
            let (x, y) = ($get(a), $get(b));
            let half = x.len();
            $put(build(|i| {
                let v = if i < half { x[i] } else { y[i - half] };
                v.clamp(<$narrow>::MIN.into(), <$narrow>::MAX.into()) as $narrow
            }))
        }
    )*};
}

narrowing! {
    narrow_i16s_s: i16s -> from_i8s as i8;
    narrow_i16s_u: i16s -> from_u8s as u8;
    narrow_i32s_s: i32s -> from_i16s as i16;
    narrow_i32s_u: i32s -> from_u16s as u16;
}

/// `i8x16.swizzle`: lane `i` is `a[b[i]]`, or 0 if `b[i] >= 16`.
#[inline(always)]
fn swizzle(a: u128, b: u128) -> u128 {
    let (x, idx) = (u8s(a), u8s(b));
    from_u8s(map(idx, |i| x.get(usize::from(i)).copied().unwrap_or(0)))
}

/// `i16x8.q15mulr_sat_s` on one lane: the rounded Q15 product, saturated
/// (only `-32768 * -32768` overflows).
#[inline(always)]
fn q15mulr_sat(x: i16, y: i16) -> i16 {
    let p = (i32::from(x) * i32::from(y) + 0x4000) >> 15;
    p.clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

/// `i32x4.dot_i16x8_s`: the sums of the products of adjacent signed lanes;
/// the sum wraps (only when all four inputs are `-32768`).
#[inline(always)]
fn dot_i16x8_s(a: u128, b: u128) -> u128 {
    let (x, y) = (i16s(a), i16s(b));
    from_i32s(build(|i| {
        let lo = i32::from(x[2 * i]) * i32::from(y[2 * i]);
        let hi = i32::from(x[2 * i + 1]) * i32::from(y[2 * i + 1]);
        lo.wrapping_add(hi)
    }))
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`, as signed x signed with a wrapping
/// 16-bit sum (only wraps when all four inputs are `-128`).
#[inline(always)]
fn relaxed_dot_i8x16_s(a: u128, b: u128) -> u128 {
    let (x, y) = (i8s(a), i8s(b));
    from_i16s(build(|i| {
        let lo = i16::from(x[2 * i]) * i16::from(y[2 * i]);
        let hi = i16::from(x[2 * i + 1]) * i16::from(y[2 * i + 1]);
        lo.wrapping_add(hi)
    }))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the 16-bit dot products, added
/// pairwise into 32 bits, plus `c` (wrapping).
#[inline(always)]
fn relaxed_dot_i8x16_add_s(a: u128, b: u128, c: u128) -> u128 {
    let sums = i32s(extadd_i16s(relaxed_dot_i8x16_s(a, b)));
    from_i32s(zip(sums, i32s(c), i32::wrapping_add))
}

/// `v128.bitselect`: the bits of `a` where `mask` is 1, of `b` elsewhere.
#[inline(always)]
fn bitselect(a: u128, b: u128, mask: u128) -> u128 {
    (a & mask) | (b & !mask)
}

/// Collects the top (sign) bit of every lane into the low bits of an `i32`.
#[inline(always)]
fn bitmask<T: Copy + Default + PartialOrd, const N: usize>(lanes: [T; N]) -> u32 {
    lanes
        .iter()
        .enumerate()
        .fold(0, |m, (i, &x)| m | (u32::from(x < T::default()) << i))
}

/// 1 if no lane is zero, else 0.
#[inline(always)]
fn all_true<T: Copy + Default + PartialEq, const N: usize>(lanes: [T; N]) -> u32 {
    u32::from(lanes.iter().all(|&x| x != T::default()))
}

// ---------------------------------------------------------------------------
// Float helpers
// ---------------------------------------------------------------------------

/// The canonical NaN `min`/`max` return when an operand is NaN.
const F32_CANON_NAN: u32 = 0x7fc0_0000;
/// The canonical NaN `min`/`max` return when an operand is NaN.
const F64_CANON_NAN: u64 = 0x7ff8_0000_0000_0000;
/// The sign bit.
const F32_SIGN: u32 = 0x8000_0000;
/// The sign bit.
const F64_SIGN: u64 = 0x8000_0000_0000_0000;
/// The quiet bit of a NaN (the top bit of the payload).
const F32_QUIET: u32 = 0x0040_0000;

// `min`/`max` and NaN quieting are the scalar functions of `exec::ops`, so
// lanes and scalars cannot disagree.
use crate::exec::ops::{f32_max, f32_min, f64_max, f64_min, quiet_f32, quiet_f64};

/// `f32.demote_f64` as bits; a NaN keeps its sign and the top of its payload
/// and is quietened.
#[inline(always)]
fn demote(x: f64) -> u32 {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = (bits >> 63) as u32;
        let payload = (bits >> 29) as u32 & (F32_QUIET - 1);
        (sign << 31) | F32_CANON_NAN | payload
    } else {
        (x as f32).to_bits()
    }
}

/// `f64.promote_f32` as bits; a NaN keeps its sign and payload and is
/// quietened.
#[inline(always)]
fn promote(x: f32) -> u64 {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = u64::from(bits >> 31);
        let payload = u64::from(bits & (F32_QUIET - 1)) << 29;
        (sign << 63) | F64_CANON_NAN | payload
    } else {
        f64::from(x).to_bits()
    }
}

// ---------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------

/// Evaluates a `v128 x v128 -> v128` operator.
#[inline(never)]
pub(crate) fn bin(op: BinOp, a: u128, b: u128) -> u128 {
    use BinOp::*;

    /// A lane-wise comparison: all ones where `x $op y`, zero elsewhere.
    macro_rules! cmp {
        ($get:ident => $put:ident, $op:tt) => {
            $put(zip($get(a), $get(b), |x, y| if x $op y { !0 } else { 0 }))
        };
    }
    /// A lane-wise operation with lanes of one type.
    macro_rules! lanes {
        ($get:ident => $put:ident, $f:expr) => {
            $put(zip($get(a), $get(b), $f))
        };
    }

    match op {
        I8x16Swizzle | I8x16RelaxedSwizzle => swizzle(a, b),

        I8x16Eq => cmp!(u8s => from_u8s, ==),
        I8x16Ne => cmp!(u8s => from_u8s, !=),
        I8x16LtS => cmp!(i8s => from_u8s, <),
        I8x16LtU => cmp!(u8s => from_u8s, <),
        I8x16GtS => cmp!(i8s => from_u8s, >),
        I8x16GtU => cmp!(u8s => from_u8s, >),
        I8x16LeS => cmp!(i8s => from_u8s, <=),
        I8x16LeU => cmp!(u8s => from_u8s, <=),
        I8x16GeS => cmp!(i8s => from_u8s, >=),
        I8x16GeU => cmp!(u8s => from_u8s, >=),
        I16x8Eq => cmp!(u16s => from_u16s, ==),
        I16x8Ne => cmp!(u16s => from_u16s, !=),
        I16x8LtS => cmp!(i16s => from_u16s, <),
        I16x8LtU => cmp!(u16s => from_u16s, <),
        I16x8GtS => cmp!(i16s => from_u16s, >),
        I16x8GtU => cmp!(u16s => from_u16s, >),
        I16x8LeS => cmp!(i16s => from_u16s, <=),
        I16x8LeU => cmp!(u16s => from_u16s, <=),
        I16x8GeS => cmp!(i16s => from_u16s, >=),
        I16x8GeU => cmp!(u16s => from_u16s, >=),
        I32x4Eq => cmp!(u32s => from_u32s, ==),
        I32x4Ne => cmp!(u32s => from_u32s, !=),
        I32x4LtS => cmp!(i32s => from_u32s, <),
        I32x4LtU => cmp!(u32s => from_u32s, <),
        I32x4GtS => cmp!(i32s => from_u32s, >),
        I32x4GtU => cmp!(u32s => from_u32s, >),
        I32x4LeS => cmp!(i32s => from_u32s, <=),
        I32x4LeU => cmp!(u32s => from_u32s, <=),
        I32x4GeS => cmp!(i32s => from_u32s, >=),
        I32x4GeU => cmp!(u32s => from_u32s, >=),
        I64x2Eq => cmp!(u64s => from_u64s, ==),
        I64x2Ne => cmp!(u64s => from_u64s, !=),
        I64x2LtS => cmp!(i64s => from_u64s, <),
        I64x2GtS => cmp!(i64s => from_u64s, >),
        I64x2LeS => cmp!(i64s => from_u64s, <=),
        I64x2GeS => cmp!(i64s => from_u64s, >=),
        F32x4Eq => cmp!(f32s => from_u32s, ==),
        F32x4Ne => cmp!(f32s => from_u32s, !=),
        F32x4Lt => cmp!(f32s => from_u32s, <),
        F32x4Gt => cmp!(f32s => from_u32s, >),
        F32x4Le => cmp!(f32s => from_u32s, <=),
        F32x4Ge => cmp!(f32s => from_u32s, >=),
        F64x2Eq => cmp!(f64s => from_u64s, ==),
        F64x2Ne => cmp!(f64s => from_u64s, !=),
        F64x2Lt => cmp!(f64s => from_u64s, <),
        F64x2Gt => cmp!(f64s => from_u64s, >),
        F64x2Le => cmp!(f64s => from_u64s, <=),
        F64x2Ge => cmp!(f64s => from_u64s, >=),

        V128And => a & b,
        V128AndNot => a & !b,
        V128Or => a | b,
        V128Xor => a ^ b,

        I8x16NarrowI16x8S => narrow_i16s_s(a, b),
        I8x16NarrowI16x8U => narrow_i16s_u(a, b),
        I8x16Add => lanes!(u8s => from_u8s, u8::wrapping_add),
        I8x16AddSatS => lanes!(i8s => from_i8s, i8::saturating_add),
        I8x16AddSatU => lanes!(u8s => from_u8s, u8::saturating_add),
        I8x16Sub => lanes!(u8s => from_u8s, u8::wrapping_sub),
        I8x16SubSatS => lanes!(i8s => from_i8s, i8::saturating_sub),
        I8x16SubSatU => lanes!(u8s => from_u8s, u8::saturating_sub),
        I8x16MinS => lanes!(i8s => from_i8s, i8::min),
        I8x16MinU => lanes!(u8s => from_u8s, u8::min),
        I8x16MaxS => lanes!(i8s => from_i8s, i8::max),
        I8x16MaxU => lanes!(u8s => from_u8s, u8::max),
        I8x16AvgrU => lanes!(u8s => from_u8s, |x, y| {
            ((u16::from(x) + u16::from(y) + 1) >> 1) as u8
        }),

        I16x8Q15MulrSatS | I16x8RelaxedQ15mulrS => lanes!(i16s => from_i16s, q15mulr_sat),
        I16x8NarrowI32x4S => narrow_i32s_s(a, b),
        I16x8NarrowI32x4U => narrow_i32s_u(a, b),
        I16x8Add => lanes!(u16s => from_u16s, u16::wrapping_add),
        I16x8AddSatS => lanes!(i16s => from_i16s, i16::saturating_add),
        I16x8AddSatU => lanes!(u16s => from_u16s, u16::saturating_add),
        I16x8Sub => lanes!(u16s => from_u16s, u16::wrapping_sub),
        I16x8SubSatS => lanes!(i16s => from_i16s, i16::saturating_sub),
        I16x8SubSatU => lanes!(u16s => from_u16s, u16::saturating_sub),
        I16x8Mul => lanes!(u16s => from_u16s, u16::wrapping_mul),
        I16x8MinS => lanes!(i16s => from_i16s, i16::min),
        I16x8MinU => lanes!(u16s => from_u16s, u16::min),
        I16x8MaxS => lanes!(i16s => from_i16s, i16::max),
        I16x8MaxU => lanes!(u16s => from_u16s, u16::max),
        I16x8AvgrU => lanes!(u16s => from_u16s, |x, y| {
            ((u32::from(x) + u32::from(y) + 1) >> 1) as u16
        }),
        I16x8ExtMulLowI8x16S => extmul_i8s(a, b, 0),
        I16x8ExtMulHighI8x16S => extmul_i8s(a, b, 8),
        I16x8ExtMulLowI8x16U => extmul_u8s(a, b, 0),
        I16x8ExtMulHighI8x16U => extmul_u8s(a, b, 8),
        I16x8RelaxedDotI8x16I7x16S => relaxed_dot_i8x16_s(a, b),

        I32x4Add => lanes!(u32s => from_u32s, u32::wrapping_add),
        I32x4Sub => lanes!(u32s => from_u32s, u32::wrapping_sub),
        I32x4Mul => lanes!(u32s => from_u32s, u32::wrapping_mul),
        I32x4MinS => lanes!(i32s => from_i32s, i32::min),
        I32x4MinU => lanes!(u32s => from_u32s, u32::min),
        I32x4MaxS => lanes!(i32s => from_i32s, i32::max),
        I32x4MaxU => lanes!(u32s => from_u32s, u32::max),
        I32x4DotI16x8S => dot_i16x8_s(a, b),
        I32x4ExtMulLowI16x8S => extmul_i16s(a, b, 0),
        I32x4ExtMulHighI16x8S => extmul_i16s(a, b, 4),
        I32x4ExtMulLowI16x8U => extmul_u16s(a, b, 0),
        I32x4ExtMulHighI16x8U => extmul_u16s(a, b, 4),

        I64x2Add => lanes!(u64s => from_u64s, u64::wrapping_add),
        I64x2Sub => lanes!(u64s => from_u64s, u64::wrapping_sub),
        I64x2Mul => lanes!(u64s => from_u64s, u64::wrapping_mul),
        I64x2ExtMulLowI32x4S => extmul_i32s(a, b, 0),
        I64x2ExtMulHighI32x4S => extmul_i32s(a, b, 2),
        I64x2ExtMulLowI32x4U => extmul_u32s(a, b, 0),
        I64x2ExtMulHighI32x4U => extmul_u32s(a, b, 2),

        F32x4Add => lanes!(f32s => from_f32s, |x, y| x + y),
        F32x4Sub => lanes!(f32s => from_f32s, |x, y| x - y),
        F32x4Mul => lanes!(f32s => from_f32s, |x, y| x * y),
        F32x4Div => lanes!(f32s => from_f32s, |x, y| x / y),
        F32x4Min | F32x4RelaxedMin => lanes!(f32s => from_f32s, f32_min),
        F32x4Max | F32x4RelaxedMax => lanes!(f32s => from_f32s, f32_max),
        F32x4PMin => lanes!(f32s => from_f32s, |x, y| if y < x { y } else { x }),
        F32x4PMax => lanes!(f32s => from_f32s, |x, y| if x < y { y } else { x }),
        F64x2Add => lanes!(f64s => from_f64s, |x, y| x + y),
        F64x2Sub => lanes!(f64s => from_f64s, |x, y| x - y),
        F64x2Mul => lanes!(f64s => from_f64s, |x, y| x * y),
        F64x2Div => lanes!(f64s => from_f64s, |x, y| x / y),
        F64x2Min | F64x2RelaxedMin => lanes!(f64s => from_f64s, f64_min),
        F64x2Max | F64x2RelaxedMax => lanes!(f64s => from_f64s, f64_max),
        F64x2PMin => lanes!(f64s => from_f64s, |x, y| if y < x { y } else { x }),
        F64x2PMax => lanes!(f64s => from_f64s, |x, y| if x < y { y } else { x }),
    }
}

/// Evaluates a `v128 -> v128` operator.
#[inline(never)]
pub(crate) fn un(op: UnOp, a: u128) -> u128 {
    use UnOp::*;
    match op {
        V128Not => !a,

        I8x16Abs => from_i8s(map(i8s(a), i8::wrapping_abs)),
        I8x16Neg => from_i8s(map(i8s(a), i8::wrapping_neg)),
        I8x16Popcnt => from_u8s(map(u8s(a), |x| x.count_ones() as u8)),
        I16x8ExtAddPairwiseI8x16S => extadd_i8s(a),
        I16x8ExtAddPairwiseI8x16U => extadd_u8s(a),
        I16x8Abs => from_i16s(map(i16s(a), i16::wrapping_abs)),
        I16x8Neg => from_i16s(map(i16s(a), i16::wrapping_neg)),
        I16x8ExtendLowI8x16S => extend_i8s(a, 0),
        I16x8ExtendHighI8x16S => extend_i8s(a, 8),
        I16x8ExtendLowI8x16U => extend_u8s(a, 0),
        I16x8ExtendHighI8x16U => extend_u8s(a, 8),
        I32x4ExtAddPairwiseI16x8S => extadd_i16s(a),
        I32x4ExtAddPairwiseI16x8U => extadd_u16s(a),
        I32x4Abs => from_i32s(map(i32s(a), i32::wrapping_abs)),
        I32x4Neg => from_i32s(map(i32s(a), i32::wrapping_neg)),
        I32x4ExtendLowI16x8S => extend_i16s(a, 0),
        I32x4ExtendHighI16x8S => extend_i16s(a, 4),
        I32x4ExtendLowI16x8U => extend_u16s(a, 0),
        I32x4ExtendHighI16x8U => extend_u16s(a, 4),
        I64x2Abs => from_i64s(map(i64s(a), i64::wrapping_abs)),
        I64x2Neg => from_i64s(map(i64s(a), i64::wrapping_neg)),
        I64x2ExtendLowI32x4S => extend_i32s(a, 0),
        I64x2ExtendHighI32x4S => extend_i32s(a, 2),
        I64x2ExtendLowI32x4U => extend_u32s(a, 0),
        I64x2ExtendHighI32x4U => extend_u32s(a, 2),

        F32x4Ceil => from_f32s(map(f32s(a), |x| quiet_f32(x.ceil()))),
        F32x4Floor => from_f32s(map(f32s(a), |x| quiet_f32(x.floor()))),
        F32x4Trunc => from_f32s(map(f32s(a), |x| quiet_f32(x.trunc()))),
        F32x4Nearest => from_f32s(map(f32s(a), |x| quiet_f32(x.round_ties_even()))),
        F32x4Abs => from_u32s(map(u32s(a), |x| x & !F32_SIGN)),
        F32x4Neg => from_u32s(map(u32s(a), |x| x ^ F32_SIGN)),
        F32x4Sqrt => from_f32s(map(f32s(a), f32::sqrt)),
        F64x2Ceil => from_f64s(map(f64s(a), |x| quiet_f64(x.ceil()))),
        F64x2Floor => from_f64s(map(f64s(a), |x| quiet_f64(x.floor()))),
        F64x2Trunc => from_f64s(map(f64s(a), |x| quiet_f64(x.trunc()))),
        F64x2Nearest => from_f64s(map(f64s(a), |x| quiet_f64(x.round_ties_even()))),
        F64x2Abs => from_u64s(map(u64s(a), |x| x & !F64_SIGN)),
        F64x2Neg => from_u64s(map(u64s(a), |x| x ^ F64_SIGN)),
        F64x2Sqrt => from_f64s(map(f64s(a), f64::sqrt)),

        // Rust's float-to-int `as` saturates and maps NaN to 0: `trunc_sat`.
        I32x4TruncSatF32x4S | I32x4RelaxedTruncF32x4S => from_i32s(map(f32s(a), |x| x as i32)),
        I32x4TruncSatF32x4U | I32x4RelaxedTruncF32x4U => from_u32s(map(f32s(a), |x| x as u32)),
        F32x4ConvertI32x4S => from_f32s(map(i32s(a), |x| x as f32)),
        F32x4ConvertI32x4U => from_f32s(map(u32s(a), |x| x as f32)),
        I32x4TruncSatF64x2SZero | I32x4RelaxedTruncF64x2SZero => {
            let [x0, x1] = f64s(a);
            from_i32s([x0 as i32, x1 as i32, 0, 0])
        }
        I32x4TruncSatF64x2UZero | I32x4RelaxedTruncF64x2UZero => {
            let [x0, x1] = f64s(a);
            from_u32s([x0 as u32, x1 as u32, 0, 0])
        }
        F64x2ConvertLowI32x4S => {
            let [x0, x1, _, _] = i32s(a);
            from_f64s([x0.into(), x1.into()])
        }
        F64x2ConvertLowI32x4U => {
            let [x0, x1, _, _] = u32s(a);
            from_f64s([x0.into(), x1.into()])
        }
        F32x4DemoteF64x2Zero => {
            let [x0, x1] = f64s(a);
            from_u32s([demote(x0), demote(x1), 0, 0])
        }
        F64x2PromoteLowF32x4 => {
            let [x0, x1, _, _] = f32s(a);
            from_u64s([promote(x0), promote(x1)])
        }
    }
}

/// Evaluates a `v128 x v128 x v128 -> v128` operator (`c` is the operand
/// pushed last: the mask of `bitselect`/`laneselect`, the addend of `madd`).
#[inline(never)]
pub(crate) fn tern(op: TernOp, a: u128, b: u128, c: u128) -> u128 {
    use TernOp::*;
    match op {
        V128Bitselect
        | I8x16RelaxedLaneselect
        | I16x8RelaxedLaneselect
        | I32x4RelaxedLaneselect
        | I64x2RelaxedLaneselect => bitselect(a, b, c),
        F32x4RelaxedMadd => from_f32s(zip3(f32s(a), f32s(b), f32s(c), |x, y, z| x.mul_add(y, z))),
        F32x4RelaxedNmadd => from_f32s(zip3(f32s(a), f32s(b), f32s(c), |x, y, z| {
            (-x).mul_add(y, z)
        })),
        F64x2RelaxedMadd => from_f64s(zip3(f64s(a), f64s(b), f64s(c), |x, y, z| x.mul_add(y, z))),
        F64x2RelaxedNmadd => from_f64s(zip3(f64s(a), f64s(b), f64s(c), |x, y, z| {
            (-x).mul_add(y, z)
        })),
        I32x4RelaxedDotI8x16I7x16AddS => relaxed_dot_i8x16_add_s(a, b, c),
    }
}

/// Evaluates a shift; `count` is the `i32` operand, taken modulo the lane
/// width as the spec requires.
#[inline(never)]
pub(crate) fn shift(op: ShiftOp, a: u128, count: u32) -> u128 {
    use ShiftOp::*;
    let (c8, c16, c32, c64) = (count & 7, count & 15, count & 31, count & 63);
    match op {
        I8x16Shl => from_u8s(map(u8s(a), |x| x << c8)),
        I8x16ShrS => from_i8s(map(i8s(a), |x| x >> c8)),
        I8x16ShrU => from_u8s(map(u8s(a), |x| x >> c8)),
        I16x8Shl => from_u16s(map(u16s(a), |x| x << c16)),
        I16x8ShrS => from_i16s(map(i16s(a), |x| x >> c16)),
        I16x8ShrU => from_u16s(map(u16s(a), |x| x >> c16)),
        I32x4Shl => from_u32s(map(u32s(a), |x| x << c32)),
        I32x4ShrS => from_i32s(map(i32s(a), |x| x >> c32)),
        I32x4ShrU => from_u32s(map(u32s(a), |x| x >> c32)),
        I64x2Shl => from_u64s(map(u64s(a), |x| x << c64)),
        I64x2ShrS => from_i64s(map(i64s(a), |x| x >> c64)),
        I64x2ShrU => from_u64s(map(u64s(a), |x| x >> c64)),
    }
}

/// Evaluates a `v128 -> i32` test.
#[inline(never)]
pub(crate) fn test(op: TestOp, a: u128) -> u32 {
    use TestOp::*;
    match op {
        V128AnyTrue => u32::from(a != 0),
        I8x16AllTrue => all_true(u8s(a)),
        I8x16Bitmask => bitmask(i8s(a)),
        I16x8AllTrue => all_true(u16s(a)),
        I16x8Bitmask => bitmask(i16s(a)),
        I32x4AllTrue => all_true(u32s(a)),
        I32x4Bitmask => bitmask(i32s(a)),
        I64x2AllTrue => all_true(u64s(a)),
        I64x2Bitmask => bitmask(i64s(a)),
    }
}

/// Evaluates a `splat`: `x` (a scalar cell) copied to every lane.
#[inline(never)]
pub(crate) fn splat(op: SplatOp, x: u64) -> u128 {
    // Multiplying a lane value by `0x...0101` (for its width) copies it
    // to every lane.
    match op {
        SplatOp::I8x16 => u128::from(x as u8) * (u128::MAX / 0xff),
        SplatOp::I16x8 => u128::from(x as u16) * (u128::MAX / 0xffff),
        SplatOp::I32x4 | SplatOp::F32x4 => {
            u128::from(x as u32) * (u128::MAX / u128::from(u32::MAX))
        }
        SplatOp::I64x2 | SplatOp::F64x2 => u128::from(x) * (u128::MAX / u128::from(u64::MAX)),
    }
}

/// The position (in bits) of lane `lane` of lanes `width` bits wide.
#[inline(always)]
fn lane_shift(width: u32, lane: u8) -> u32 {
    // Validation guarantees `lane < 128 / width`; masking keeps an invalid
    // index from shifting out of range.
    width * (u32::from(lane) & (128 / width - 1))
}

/// Evaluates an `extract_lane`: lane `lane` of `a` as a scalar cell. The
/// `_s` forms sign-extend to `i32`; `i32`-typed results are zero-extended to
/// the cell.
#[inline(never)]
pub(crate) fn extract(op: ExtractOp, a: u128, lane: u8) -> u64 {
    match op {
        ExtractOp::I8x16S => u64::from((a >> lane_shift(8, lane)) as i8 as i32 as u32),
        ExtractOp::I8x16U => u64::from((a >> lane_shift(8, lane)) as u8),
        ExtractOp::I16x8S => u64::from((a >> lane_shift(16, lane)) as i16 as i32 as u32),
        ExtractOp::I16x8U => u64::from((a >> lane_shift(16, lane)) as u16),
        ExtractOp::I32x4 | ExtractOp::F32x4 => u64::from((a >> lane_shift(32, lane)) as u32),
        ExtractOp::I64x2 | ExtractOp::F64x2 => (a >> lane_shift(64, lane)) as u64,
    }
}

/// Evaluates a `replace_lane`: `a` with lane `lane` replaced by the low bits
/// of the scalar cell `x`.
#[inline(never)]
pub(crate) fn replace(op: ReplaceOp, a: u128, x: u64, lane: u8) -> u128 {
    let width = match op {
        ReplaceOp::I8x16 => 8,
        ReplaceOp::I16x8 => 16,
        ReplaceOp::I32x4 | ReplaceOp::F32x4 => 32,
        ReplaceOp::I64x2 | ReplaceOp::F64x2 => 64,
    };
    let shift = lane_shift(width, lane);
    let mask = ((1u128 << width) - 1) << shift;
    (a & !mask) | ((u128::from(x) << shift) & mask)
}

/// `i8x16.shuffle`: lane `i` is byte `lanes[i]` of the 32-byte concatenation
/// of `a` (bytes 0..16) and `b` (bytes 16..32). Validation guarantees
/// `lanes[i] < 32`; an index is taken modulo 32 regardless.
/// On little-endian bytes: the interpreter's handler reads its operands
/// straight from the frame as bytes and inlines this.
#[inline(always)]
pub(crate) fn shuffle(a: [u8; 16], b: [u8; 16], lanes: [u8; 16]) -> [u8; 16] {
    let mut both = [0u8; 32];
    both[..16].copy_from_slice(&a);
    both[16..].copy_from_slice(&b);
    map(lanes, |l| both[usize::from(l & 31)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{MemArg, MemArgTarget, V128};

    fn f32x4(l: [f32; 4]) -> u128 {
        from_f32s(l)
    }

    fn f64x2(l: [f64; 2]) -> u128 {
        from_f64s(l)
    }

    /// A spread of awkward vectors: zero, all ones, sign bits, lane extremes,
    /// float specials (NaNs, infinities, ±0, subnormals), mixed patterns.
    fn samples() -> Vec<u128> {
        let mut v = vec![
            0,
            u128::MAX,
            0x8080_8080_8080_8080_8080_8080_8080_8080,
            0x7f7f_7f7f_7f7f_7f7f_7f7f_7f7f_7f7f_7f7f,
            0x8000_8000_8000_8000_8000_8000_8000_8000,
            0x8000_0000_8000_0000_8000_0000_8000_0000,
            0x8000_0000_0000_0000_8000_0000_0000_0000,
            0x0123_4567_89ab_cdef_fedc_ba98_7654_3210,
            f32x4([f32::NAN, -f32::NAN, f32::INFINITY, -f32::INFINITY]),
            f32x4([0.0, -0.0, f32::MIN_POSITIVE / 2.0, -1.5]),
            from_u32s([0x7f80_0001, 0xffa0_0000, 0x4f00_0000, 0xcf00_0001]),
            f64x2([f64::NAN, f64::INFINITY]),
            f64x2([-0.0, 4294967295.5]),
            from_u64s([0x7ff0_0000_0000_0001, 0xfff4_0000_0000_0000]),
        ];
        // A few pseudo-random ones.
        let mut s = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834_u128;
        for _ in 0..8 {
            s = s.wrapping_mul(0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645) ^ (s >> 61);
            v.push(s);
        }
        v
    }

    #[test]
    fn lane_views_are_little_endian() {
        let v = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100_u128;
        assert_eq!(u8s(v), std::array::from_fn(|i| i as u8));
        assert_eq!(u16s(v)[1], 0x0302);
        assert_eq!(u32s(v)[3], 0x0f0e_0d0c);
        assert_eq!(u64s(v), [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]);
        for x in samples() {
            assert_eq!(from_i8s(i8s(x)), x);
            assert_eq!(from_i16s(i16s(x)), x);
            assert_eq!(from_u16s(u16s(x)), x);
            assert_eq!(from_i32s(i32s(x)), x);
            assert_eq!(from_i64s(i64s(x)), x);
            assert_eq!(from_u64s(u64s(x)), x);
        }
    }

    #[test]
    fn every_op_is_total_and_deterministic() {
        // Each operator on every combination of samples: no panic (overflow
        // checks are on in tests), and the same bits twice.
        let s = samples();
        for &a in &s {
            for &op in UnOp::ALL {
                assert_eq!(un(op, a), un(op, a), "{op:?}");
            }
            for &op in TestOp::ALL {
                assert!(test(op, a) <= 0xffff, "{op:?}");
            }
            for &op in ShiftOp::ALL {
                for count in [0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 65, u32::MAX] {
                    assert_eq!(shift(op, a, count), shift(op, a, count), "{op:?}");
                }
            }
            for lane in 0..16 {
                let x = a as u64;
                for op in [ExtractOp::I8x16S, ExtractOp::I8x16U] {
                    let _ = extract(op, a, lane);
                }
                assert_eq!(
                    replace(
                        ReplaceOp::I8x16,
                        a,
                        extract(ExtractOp::I8x16U, a, lane),
                        lane
                    ),
                    a
                );
                let _ = replace(ReplaceOp::F64x2, a, x, lane);
            }
            for &b in &s {
                for &op in BinOp::ALL {
                    assert_eq!(bin(op, a, b), bin(op, a, b), "{op:?}");
                }
                for &op in TernOp::ALL {
                    let c = a ^ b.rotate_left(17);
                    assert_eq!(tern(op, a, b, c), tern(op, a, b, c), "{op:?}");
                }
            }
        }
    }

    #[test]
    fn i8x16_add_wraps() {
        let a = from_i8s([127, -128, 1, -1, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]);
        let b = from_i8s([1, -1, 1, 1, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -6]);
        let r = i8s(bin(BinOp::I8x16Add, a, b));
        assert_eq!(&r[..5], &[-128, 127, 2, 0, -56]);
        assert_eq!(r[15], -1);
        assert_eq!(i8s(bin(BinOp::I8x16Sub, b, a))[0], -126);
        let m = from_u16s([0x8000, 3, 0xffff, 0, 0, 0, 0, 7]);
        assert_eq!(u16s(bin(BinOp::I16x8Mul, m, m))[..3], [0, 9, 1]);
        let w = from_u64s([u64::MAX, 1 << 63]);
        assert_eq!(u64s(bin(BinOp::I64x2Add, w, w)), [u64::MAX - 1, 0]);
    }

    #[test]
    fn saturating_add_sub_clamp() {
        let a = from_i8s([100, -100, 127, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_i8s([100, -100, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            i8s(bin(BinOp::I8x16AddSatS, a, b))[..4],
            [127, -128, 126, -127]
        );
        assert_eq!(i8s(bin(BinOp::I8x16SubSatS, a, b))[..4], [0, 0, 127, -128]);
        let a = from_u8s([200, 5, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_u8s([100, 10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(u8s(bin(BinOp::I8x16AddSatU, a, b))[..3], [255, 15, 255]);
        assert_eq!(u8s(bin(BinOp::I8x16SubSatU, a, b))[..3], [100, 0, 254]);
        let a = from_i16s([32000, -32000, 0, 0, 0, 0, 0, 0]);
        let b = from_i16s([1000, 1000, 0, 0, 0, 0, 0, 0]);
        assert_eq!(i16s(bin(BinOp::I16x8AddSatS, a, b))[..2], [32767, -31000]);
        assert_eq!(i16s(bin(BinOp::I16x8SubSatS, b, a))[..2], [-31000, 32767]);
        let a = from_u16s([65000, 3, 0, 0, 0, 0, 0, 0]);
        let b = from_u16s([1000, 4, 0, 0, 0, 0, 0, 0]);
        assert_eq!(u16s(bin(BinOp::I16x8AddSatU, a, b))[..2], [65535, 7]);
        assert_eq!(u16s(bin(BinOp::I16x8SubSatU, b, a))[..2], [0, 1]);
    }

    #[test]
    fn min_max_avgr_abs_popcnt() {
        let a = from_i8s([-128, 127, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_i8s([1, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(i8s(bin(BinOp::I8x16MinS, a, b))[..3], [-128, -1, -1]);
        assert_eq!(u8s(bin(BinOp::I8x16MinU, a, b))[..3], [1, 127, 1]);
        assert_eq!(i8s(bin(BinOp::I8x16MaxS, a, b))[..3], [1, 127, 1]);
        assert_eq!(u8s(bin(BinOp::I8x16MaxU, a, b))[..3], [128, 255, 255]);
        assert_eq!(u8s(bin(BinOp::I8x16AvgrU, a, b))[..3], [65, 191, 128]);
        let m = u128::MAX;
        assert_eq!(bin(BinOp::I8x16AvgrU, m, m), m);
        assert_eq!(bin(BinOp::I16x8AvgrU, m, m), m);
        assert_eq!(i8s(un(UnOp::I8x16Abs, a))[..3], [-128, 127, 1]);
        assert_eq!(i8s(un(UnOp::I8x16Neg, a))[..3], [-128, -127, 1]);
        assert_eq!(u8s(un(UnOp::I8x16Popcnt, a))[..4], [1, 7, 8, 0]);
        let w = from_i64s([i64::MIN, -5]);
        assert_eq!(i64s(un(UnOp::I64x2Abs, w)), [i64::MIN, 5]);
        assert_eq!(i64s(un(UnOp::I64x2Neg, w)), [i64::MIN, 5]);
        let a = from_i32s([i32::MIN, 3, -3, 0]);
        let b = from_i32s([0, -3, 3, 0]);
        assert_eq!(i32s(bin(BinOp::I32x4MinS, a, b)), [i32::MIN, -3, -3, 0]);
        assert_eq!(i32s(bin(BinOp::I32x4MaxU, a, b)), [i32::MIN, -3, -3, 0]);
    }

    #[test]
    fn integer_comparisons_signedness() {
        let a = from_u8s([0x80, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_u8s([0x01, 1, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(u8s(bin(BinOp::I8x16LtS, a, b))[..3], [0xff, 0, 0xff]);
        assert_eq!(u8s(bin(BinOp::I8x16LtU, a, b))[..3], [0, 0, 0xff]);
        assert_eq!(u8s(bin(BinOp::I8x16GeU, a, b))[..3], [0xff, 0xff, 0]);
        assert_eq!(u8s(bin(BinOp::I8x16Eq, a, b))[..4], [0, 0xff, 0, 0xff]);
        let a = from_i64s([-1, 2]);
        let b = from_i64s([1, 2]);
        assert_eq!(u64s(bin(BinOp::I64x2LtS, a, b)), [u64::MAX, 0]);
        assert_eq!(u64s(bin(BinOp::I64x2GeS, a, b)), [0, u64::MAX]);
        assert_eq!(u64s(bin(BinOp::I64x2Ne, a, b)), [u64::MAX, 0]);
        let a = from_u32s([0x8000_0000, 0, 0, 0]);
        assert_eq!(u32s(bin(BinOp::I32x4GtU, a, 0))[0], u32::MAX);
        assert_eq!(u32s(bin(BinOp::I32x4GtS, a, 0))[0], 0);
    }

    #[test]
    fn float_comparisons_with_nan() {
        let a = f32x4([f32::NAN, 1.0, -0.0, 2.0]);
        let b = f32x4([f32::NAN, 1.0, 0.0, 1.0]);
        assert_eq!(u32s(bin(BinOp::F32x4Eq, a, b)), [0, !0, !0, 0]);
        assert_eq!(u32s(bin(BinOp::F32x4Ne, a, b)), [!0, 0, 0, !0]);
        assert_eq!(u32s(bin(BinOp::F32x4Lt, a, b)), [0, 0, 0, 0]);
        assert_eq!(u32s(bin(BinOp::F32x4Ge, a, b)), [0, !0, !0, !0]);
        let a = f64x2([f64::NAN, -1.0]);
        let b = f64x2([0.0, 1.0]);
        assert_eq!(u64s(bin(BinOp::F64x2Le, a, b)), [0, !0]);
        assert_eq!(u64s(bin(BinOp::F64x2Ne, a, b)), [!0, !0]);
    }

    #[test]
    fn narrow_saturates() {
        let a = from_i16s([300, -300, 127, -128, 0, 1, -1, 200]);
        let b = from_i16s([128, -129, 255, 256, 32767, -32768, 5, -5]);
        assert_eq!(
            i8s(bin(BinOp::I8x16NarrowI16x8S, a, b)),
            [
                127, -128, 127, -128, 0, 1, -1, 127, 127, -128, 127, 127, 127, -128, 5, -5
            ]
        );
        assert_eq!(
            u8s(bin(BinOp::I8x16NarrowI16x8U, a, b)),
            [255, 0, 127, 0, 0, 1, 0, 200, 128, 0, 255, 255, 255, 0, 5, 0]
        );
        let a = from_i32s([70000, -70000, 65535, -1]);
        let b = from_i32s([32768, -32769, 1, i32::MIN]);
        assert_eq!(
            i16s(bin(BinOp::I16x8NarrowI32x4S, a, b)),
            [32767, -32768, 32767, -1, 32767, -32768, 1, -32768]
        );
        assert_eq!(
            u16s(bin(BinOp::I16x8NarrowI32x4U, a, b)),
            [65535, 0, 65535, 0, 32768, 0, 1, 0]
        );
    }

    #[test]
    fn extend_extadd_extmul() {
        let a = from_i8s([-128, 127, -1, 2, 0, 0, 0, 0, -5, 6, 0, 0, 0, 0, 0, 100]);
        assert_eq!(
            i16s(un(UnOp::I16x8ExtendLowI8x16S, a))[..4],
            [-128, 127, -1, 2]
        );
        assert_eq!(
            u16s(un(UnOp::I16x8ExtendLowI8x16U, a))[..4],
            [128, 127, 255, 2]
        );
        assert_eq!(i16s(un(UnOp::I16x8ExtendHighI8x16S, a))[0], -5);
        assert_eq!(u16s(un(UnOp::I16x8ExtendHighI8x16U, a))[0], 251);
        assert_eq!(i16s(un(UnOp::I16x8ExtAddPairwiseI8x16S, a))[..2], [-1, 1]);
        assert_eq!(
            u16s(un(UnOp::I16x8ExtAddPairwiseI8x16U, a))[..2],
            [255, 257]
        );
        assert_eq!(
            i32s(un(UnOp::I32x4ExtAddPairwiseI16x8U, u128::MAX)),
            [131070; 4]
        );
        let w = from_i32s([-1, 0, i32::MIN, 7]);
        assert_eq!(
            i64s(un(UnOp::I64x2ExtendHighI32x4S, w)),
            [i64::from(i32::MIN), 7]
        );
        assert_eq!(
            u64s(un(UnOp::I64x2ExtendLowI32x4U, w)),
            [u64::from(u32::MAX), 0]
        );

        // extmul: -128 * -128, 127 * 127, -1 * 255 (s) / 255 * 255 (u).
        let b = from_i8s([-128, 127, -1, 3, 0, 0, 0, 0, -5, 6, 0, 0, 0, 0, 0, 100]);
        assert_eq!(
            i16s(bin(BinOp::I16x8ExtMulLowI8x16S, a, b))[..4],
            [16384, 16129, 1, 6]
        );
        assert_eq!(
            u16s(bin(BinOp::I16x8ExtMulLowI8x16U, a, b))[..4],
            [16384, 16129, 65025, 6]
        );
        assert_eq!(i16s(bin(BinOp::I16x8ExtMulHighI8x16S, a, b))[..2], [25, 36]);
        assert_eq!(i16s(bin(BinOp::I16x8ExtMulHighI8x16S, a, b))[7], 10000);
        let m = u128::MAX;
        assert_eq!(
            u64s(bin(BinOp::I64x2ExtMulHighI32x4U, m, m)),
            [0xffff_fffe_0000_0001; 2]
        );
        assert_eq!(i64s(bin(BinOp::I64x2ExtMulLowI32x4S, m, m)), [1, 1]);
        let h = from_i16s([-32768, 0, 0, 0, 2, 3, 4, 5]);
        assert_eq!(i32s(bin(BinOp::I32x4ExtMulLowI16x8S, h, h))[0], 1 << 30);
        assert_eq!(
            i32s(bin(BinOp::I32x4ExtMulHighI16x8U, h, h)),
            [4, 9, 16, 25]
        );
    }

    #[test]
    fn dot_i16x8() {
        let a = from_i16s([1, 2, 3, 4, -32768, -32768, 32767, 32767]);
        let b = from_i16s([5, 6, 7, 8, -32768, -32768, -32768, 32767]);
        assert_eq!(
            i32s(bin(BinOp::I32x4DotI16x8S, a, b)),
            // 2^31 wraps to i32::MIN.
            [17, 53, i32::MIN, -32768 * 32767 + 32767 * 32767]
        );
    }

    #[test]
    fn q15mulr_sat() {
        let a = from_u16s([0x8000, 0x4000, 0xffff, 0x7fff, 0x8000, 3, 0, 0]);
        let b = from_u16s([0x8000, 0x4000, 0x0001, 0x7fff, 0x7fff, 0x4000, 0, 0]);
        let expect = [32767, 0x2000, 0, 32766, -32767, 2, 0, 0];
        assert_eq!(i16s(bin(BinOp::I16x8Q15MulrSatS, a, b)), expect);
        assert_eq!(i16s(bin(BinOp::I16x8RelaxedQ15mulrS, a, b)), expect);
    }

    #[test]
    fn shuffle_and_swizzle() {
        let a = from_u8s(std::array::from_fn(|i| i as u8));
        let b = from_u8s(std::array::from_fn(|i| 0x10 + i as u8));
        let idx = from_u8s([0, 15, 16, 255, 0x80, 3, 31, 17, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            u8s(bin(BinOp::I8x16Swizzle, a, idx)),
            [0, 15, 0, 0, 0, 3, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]
        );
        let lanes = [31, 0, 16, 15, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22];
        assert_eq!(
            u8s(u128::from_le_bytes(shuffle(
                a.to_le_bytes(),
                b.to_le_bytes(),
                lanes
            ))),
            [
                0x1f, 0, 0x10, 15, 1, 0x11, 2, 0x12, 3, 0x13, 4, 0x14, 5, 0x15, 6, 0x16
            ]
        );
        let sh = |l| u128::from_le_bytes(shuffle(a.to_le_bytes(), b.to_le_bytes(), l));
        assert_eq!(sh(std::array::from_fn(|i| i as u8)), a);
        assert_eq!(sh(std::array::from_fn(|i| 16 + i as u8)), b);
    }

    #[test]
    fn tests_bitmask_all_any() {
        let a = from_i8s([-1, 1, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2]);
        assert_eq!(test(TestOp::I8x16Bitmask, a), 0b1000_0000_0000_0101);
        assert_eq!(test(TestOp::I8x16AllTrue, a), 0);
        assert_eq!(test(TestOp::I8x16AllTrue, u128::MAX), 1);
        assert_eq!(
            test(
                TestOp::I8x16AllTrue,
                0x0101_0101_0101_0101_0101_0101_0101_0101
            ),
            1
        );
        assert_eq!(test(TestOp::V128AnyTrue, a), 1);
        assert_eq!(test(TestOp::V128AnyTrue, 0), 0);
        assert_eq!(test(TestOp::V128AnyTrue, 1 << 127), 1);
        let h = from_i16s([-1, 0, 0, 0, 0, 0, 0, i16::MIN]);
        assert_eq!(test(TestOp::I16x8Bitmask, h), 0b1000_0001);
        assert_eq!(test(TestOp::I16x8AllTrue, h), 0);
        // An i16x8 lane of 0x0100 is non-zero though its low byte is zero.
        assert_eq!(test(TestOp::I16x8AllTrue, splat(SplatOp::I16x8, 0x100)), 1);
        assert_eq!(test(TestOp::I8x16AllTrue, splat(SplatOp::I16x8, 0x100)), 0);
        let w = from_i32s([0, -1, 1, i32::MIN]);
        assert_eq!(test(TestOp::I32x4Bitmask, w), 0b1010);
        assert_eq!(test(TestOp::I32x4AllTrue, w), 0);
        let d = from_i64s([1 << 32, -1]);
        assert_eq!(test(TestOp::I64x2Bitmask, d), 0b10);
        assert_eq!(test(TestOp::I64x2AllTrue, d), 1);
        assert_eq!(test(TestOp::I64x2AllTrue, from_i64s([1, 0])), 0);
    }

    #[test]
    fn shifts_mask_the_count() {
        let a = from_i8s([-128, 1, 0x40, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        // 9 & 7 == 1.
        assert_eq!(i8s(shift(ShiftOp::I8x16Shl, a, 9))[..4], [0, 2, -128, -2]);
        assert_eq!(
            i8s(shift(ShiftOp::I8x16ShrS, a, 9))[..4],
            [-64, 0, 0x20, -1]
        );
        assert_eq!(
            u8s(shift(ShiftOp::I8x16ShrU, a, 9))[..4],
            [64, 0, 0x20, 127]
        );
        assert_eq!(shift(ShiftOp::I8x16Shl, a, 8), a);
        let h = from_i16s([i16::MIN, 2, 0, 0, 0, 0, 0, -1]);
        assert_eq!(i16s(shift(ShiftOp::I16x8ShrS, h, 17))[..2], [-16384, 1]);
        assert_eq!(u16s(shift(ShiftOp::I16x8ShrU, h, 31))[7], 1);
        let w = from_u32s([1, 0x8000_0000, 3, u32::MAX]);
        assert_eq!(shift(ShiftOp::I32x4ShrU, w, 32), w);
        assert_eq!(
            u32s(shift(ShiftOp::I32x4Shl, w, 33)),
            [2, 0, 6, u32::MAX - 1]
        );
        assert_eq!(i32s(shift(ShiftOp::I32x4ShrS, w, 31)), [0, -1, 0, -1]);
        let d = from_u64s([1, 1 << 63]);
        assert_eq!(shift(ShiftOp::I64x2Shl, d, 64), d);
        assert_eq!(u64s(shift(ShiftOp::I64x2Shl, d, 65)), [2, 0]);
        assert_eq!(u64s(shift(ShiftOp::I64x2ShrS, d, 127)), [0, u64::MAX]);
        assert_eq!(u64s(shift(ShiftOp::I64x2ShrU, d, u32::MAX)), [0, 1]);
    }

    #[test]
    fn float_min_max_nan_and_zero() {
        let canon = F32_CANON_NAN;
        let a = f32x4([f32::NAN, 1.0, 0.0, -0.0]);
        let b = f32x4([1.0, f32::from_bits(0x7fa0_0000), -0.0, 0.0]);
        let min = u32s(bin(BinOp::F32x4Min, a, b));
        assert_eq!(min, [canon, canon, 0x8000_0000, 0x8000_0000]);
        let max = u32s(bin(BinOp::F32x4Max, a, b));
        assert_eq!(max, [canon, canon, 0, 0]);
        assert_eq!(u32s(bin(BinOp::F32x4RelaxedMin, a, b)), min);
        assert_eq!(u32s(bin(BinOp::F32x4RelaxedMax, a, b)), max);
        let c = f32x4([2.0, -3.0, f32::INFINITY, -f32::INFINITY]);
        let d = f32x4([1.0, 4.0, 5.0, 6.0]);
        assert_eq!(
            f32s(bin(BinOp::F32x4Min, c, d)),
            [1.0, -3.0, 5.0, -f32::INFINITY]
        );
        assert_eq!(
            f32s(bin(BinOp::F32x4Max, c, d)),
            [2.0, 4.0, f32::INFINITY, 6.0]
        );

        let a = f64x2([-0.0, f64::NAN]);
        let b = f64x2([0.0, -1.0]);
        assert_eq!(u64s(bin(BinOp::F64x2Min, a, b)), [F64_SIGN, F64_CANON_NAN]);
        assert_eq!(u64s(bin(BinOp::F64x2Max, a, b)), [0, F64_CANON_NAN]);
        assert_eq!(u64s(bin(BinOp::F64x2RelaxedMax, a, b)), [0, F64_CANON_NAN]);
    }

    #[test]
    fn pmin_pmax_follow_the_formula() {
        let nan = 0x7fc0_1234;
        let a = from_u32s([nan, 0x3f80_0000, 0, 0x8000_0000]); // NaN, 1, +0, -0
        let b = from_u32s([0x3f80_0000, nan, 0x8000_0000, 0]); // 1, NaN, -0, +0
        // pmin = b < a ? b : a; pmax = a < b ? b : a: comparisons with NaN
        // or between zeros are false, so `a` is returned.
        assert_eq!(bin(BinOp::F32x4PMin, a, b), a);
        assert_eq!(bin(BinOp::F32x4PMax, a, b), a);
        let c = f32x4([1.0, 2.0, -1.0, 0.0]);
        let d = f32x4([2.0, 1.0, -2.0, 0.0]);
        assert_eq!(f32s(bin(BinOp::F32x4PMin, c, d)), [1.0, 1.0, -2.0, 0.0]);
        assert_eq!(f32s(bin(BinOp::F32x4PMax, c, d)), [2.0, 2.0, -1.0, 0.0]);
        let a = from_u64s([F64_CANON_NAN, 0]);
        let b = f64x2([1.0, -0.0]);
        assert_eq!(bin(BinOp::F64x2PMin, a, b), a);
        assert_eq!(bin(BinOp::F64x2PMax, b, a), b);
    }

    #[test]
    fn float_rounding() {
        let a = f32x4([0.5, 1.5, 2.5, -0.5]);
        let r = f32s(un(UnOp::F32x4Nearest, a));
        assert_eq!(r, [0.0, 2.0, 2.0, -0.0]);
        assert!(r[3].is_sign_negative());
        assert_eq!(
            f32s(un(UnOp::F32x4Nearest, f32x4([-2.5, 3.5, -3.5, 8388609.0]))),
            [-2.0, 4.0, -4.0, 8388609.0]
        );
        assert_eq!(
            f64s(un(UnOp::F64x2Nearest, f64x2([2.5, -1.5]))),
            [2.0, -2.0]
        );
        assert_eq!(f32s(un(UnOp::F32x4Ceil, a)), [1.0, 2.0, 3.0, -0.0]);
        assert_eq!(f32s(un(UnOp::F32x4Floor, a)), [0.0, 1.0, 2.0, -1.0]);
        assert_eq!(f64s(un(UnOp::F64x2Trunc, f64x2([-1.7, 1.7]))), [-1.0, 1.0]);
        // A signalling NaN comes out quiet.
        let snan = from_u32s([0x7f80_0001, 0xff80_0001, 0, 0]);
        for op in [
            UnOp::F32x4Ceil,
            UnOp::F32x4Floor,
            UnOp::F32x4Trunc,
            UnOp::F32x4Nearest,
        ] {
            let r = u32s(un(op, snan));
            assert_eq!(r[0], 0x7fc0_0001, "{op:?}");
            assert_eq!(r[1], 0xffc0_0001, "{op:?}");
        }
        let snan = from_u64s([0x7ff0_0000_0000_0001, 0]);
        assert_eq!(u64s(un(UnOp::F64x2Floor, snan))[0], 0x7ff8_0000_0000_0001);
    }

    #[test]
    fn float_arith_abs_neg_sqrt() {
        let a = f32x4([1.5, -2.0, 0.0, 9.0]);
        let b = f32x4([0.5, 4.0, -0.0, 3.0]);
        assert_eq!(f32s(bin(BinOp::F32x4Add, a, b)), [2.0, 2.0, 0.0, 12.0]);
        assert_eq!(f32s(bin(BinOp::F32x4Sub, a, b)), [1.0, -6.0, 0.0, 6.0]);
        assert_eq!(f32s(bin(BinOp::F32x4Mul, a, b)), [0.75, -8.0, -0.0, 27.0]);
        assert_eq!(f32s(bin(BinOp::F32x4Div, a, b))[..2], [3.0, -0.5]);
        assert_eq!(f32s(un(UnOp::F32x4Sqrt, a))[3], 3.0);
        assert!(f32s(un(UnOp::F32x4Sqrt, a))[1].is_nan());
        // abs/neg only touch the sign bit, even of a NaN.
        let n = from_u32s([0xffa0_0001, 0x7fa0_0001, 0x8000_0000, 0x3f80_0000]);
        assert_eq!(
            u32s(un(UnOp::F32x4Abs, n)),
            [0x7fa0_0001, 0x7fa0_0001, 0, 0x3f80_0000]
        );
        assert_eq!(
            u32s(un(UnOp::F32x4Neg, n)),
            [0x7fa0_0001, 0xffa0_0001, 0, 0xbf80_0000]
        );
        let d = from_u64s([0xfff4_0000_0000_0000, 0]);
        assert_eq!(u64s(un(UnOp::F64x2Abs, d)), [0x7ff4_0000_0000_0000, 0]);
        assert_eq!(
            u64s(un(UnOp::F64x2Neg, d)),
            [0x7ff4_0000_0000_0000, F64_SIGN]
        );
        assert_eq!(
            f64s(bin(BinOp::F64x2Div, f64x2([1.0, 1.0]), f64x2([0.0, -0.0]))),
            [f64::INFINITY, f64::NEG_INFINITY]
        );
    }

    #[test]
    fn trunc_sat_saturates() {
        let a = f32x4([f32::NAN, f32::INFINITY, -f32::INFINITY, -1.9]);
        assert_eq!(
            i32s(un(UnOp::I32x4TruncSatF32x4S, a)),
            [0, i32::MAX, i32::MIN, -1]
        );
        assert_eq!(u32s(un(UnOp::I32x4TruncSatF32x4U, a)), [0, u32::MAX, 0, 0]);
        let b = f32x4([4e9, 2147483520.0, -2147483904.0, 0.99]);
        assert_eq!(
            u32s(un(UnOp::I32x4TruncSatF32x4U, b)),
            [4_000_000_000, 2_147_483_520, 0, 0]
        );
        assert_eq!(
            i32s(un(UnOp::I32x4TruncSatF32x4S, b)),
            [i32::MAX, 2_147_483_520, i32::MIN, 0]
        );
        let d = f64x2([f64::NAN, -2147483648.9]);
        assert_eq!(
            i32s(un(UnOp::I32x4TruncSatF64x2SZero, d)),
            [0, i32::MIN, 0, 0]
        );
        let d = f64x2([4294967295.9, f64::NEG_INFINITY]);
        assert_eq!(
            u32s(un(UnOp::I32x4TruncSatF64x2UZero, d)),
            [u32::MAX, 0, 0, 0]
        );
        // The upper lanes are zero whatever the input.
        let d = f64x2([1e10, -1e10]);
        assert_eq!(
            i32s(un(UnOp::I32x4TruncSatF64x2SZero, d)),
            [i32::MAX, i32::MIN, 0, 0]
        );
    }

    #[test]
    fn int_to_float_conversions() {
        let a = from_i32s([-1, i32::MIN, 16777217, 3]);
        assert_eq!(
            f32s(un(UnOp::F32x4ConvertI32x4S, a)),
            [-1.0, -2147483648.0, 16777216.0, 3.0]
        );
        assert_eq!(
            f32s(un(UnOp::F32x4ConvertI32x4U, a)),
            [4294967296.0, 2147483648.0, 16777216.0, 3.0]
        );
        assert_eq!(
            f64s(un(UnOp::F64x2ConvertLowI32x4S, a)),
            [-1.0, -2147483648.0]
        );
        assert_eq!(
            f64s(un(UnOp::F64x2ConvertLowI32x4U, a)),
            [4294967295.0, 2147483648.0]
        );
    }

    #[test]
    fn demote_and_promote() {
        let a = f64x2([1.5, f64::MAX]);
        assert_eq!(
            u32s(un(UnOp::F32x4DemoteF64x2Zero, a)),
            [1.5f32.to_bits(), f32::INFINITY.to_bits(), 0, 0]
        );
        let a = f64x2([1e-50, -1e-50]);
        assert_eq!(
            u32s(un(UnOp::F32x4DemoteF64x2Zero, a)),
            [0, 0x8000_0000, 0, 0]
        );
        // NaNs: canonical stays canonical, signalling is quietened, sign kept.
        let n = from_u64s([F64_CANON_NAN | F64_SIGN, 0x7ff0_0000_0000_0001]);
        let r = u32s(un(UnOp::F32x4DemoteF64x2Zero, n));
        assert_eq!(r[0], 0xffc0_0000);
        assert!(f32::from_bits(r[1]).is_nan() && r[1] & F32_QUIET != 0);
        let n = from_u64s([0x7ff4_0000_2000_0000, 0]);
        assert_eq!(u32s(un(UnOp::F32x4DemoteF64x2Zero, n))[0], 0x7fe0_0001);

        let a = f32x4([1.5, -0.0, 7.0, 8.0]);
        assert_eq!(f64s(un(UnOp::F64x2PromoteLowF32x4, a)), [1.5, -0.0]);
        assert!(f64s(un(UnOp::F64x2PromoteLowF32x4, a))[1].is_sign_negative());
        let n = from_u32s([0x7fc0_0000, 0xff80_0001, 0, 0]);
        assert_eq!(
            u64s(un(UnOp::F64x2PromoteLowF32x4, n)),
            [F64_CANON_NAN, 0xfff8_0000_2000_0000]
        );
    }

    #[test]
    fn splat_extract_replace() {
        assert_eq!(
            splat(SplatOp::I8x16, 0x1234_5681),
            0x8181_8181_8181_8181_8181_8181_8181_8181
        );
        assert_eq!(
            splat(SplatOp::I16x8, 0xffff_8001),
            0x8001_8001_8001_8001_8001_8001_8001_8001
        );
        assert_eq!(
            splat(SplatOp::I32x4, 0xdead_beef_1234_5678),
            from_u32s([0x1234_5678; 4])
        );
        assert_eq!(splat(SplatOp::F32x4, 0x3f80_0000), f32x4([1.0; 4]));
        assert_eq!(
            splat(SplatOp::I64x2, u64::MAX - 1),
            from_u64s([u64::MAX - 1; 2])
        );
        assert_eq!(splat(SplatOp::F64x2, 2.5f64.to_bits()), f64x2([2.5; 2]));

        let v = from_u8s([0, 0x80, 0x7f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe]);
        assert_eq!(extract(ExtractOp::I8x16S, v, 1), 0xffff_ff80);
        assert_eq!(extract(ExtractOp::I8x16U, v, 1), 0x80);
        assert_eq!(extract(ExtractOp::I8x16S, v, 2), 0x7f);
        assert_eq!(extract(ExtractOp::I8x16S, v, 15), 0xffff_fffe);
        let h = from_u16s([0x8000, 0x7fff, 0, 0, 0, 0, 0, 0xffff]);
        assert_eq!(extract(ExtractOp::I16x8S, h, 0), 0xffff_8000);
        assert_eq!(extract(ExtractOp::I16x8U, h, 0), 0x8000);
        assert_eq!(extract(ExtractOp::I16x8S, h, 7), 0xffff_ffff);
        assert_eq!(extract(ExtractOp::I16x8U, h, 7), 0xffff);
        let w = from_u32s([1, 2, 3, 0xffff_ffff]);
        assert_eq!(extract(ExtractOp::I32x4, w, 3), 0xffff_ffff);
        assert_eq!(extract(ExtractOp::F32x4, w, 2), 3);
        let d = from_u64s([5, u64::MAX]);
        assert_eq!(extract(ExtractOp::I64x2, d, 1), u64::MAX);
        assert_eq!(extract(ExtractOp::F64x2, d, 0), 5);

        // The upper bits of an i32 cell are ignored.
        let r = replace(ReplaceOp::I8x16, 0, 0xffff_ff01, 3);
        assert_eq!(u8s(r), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let r = replace(ReplaceOp::I16x8, u128::MAX, 0x1_0000_1234, 7);
        assert_eq!(
            u16s(r),
            [
                0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0x1234
            ]
        );
        let r = replace(ReplaceOp::I32x4, w, 0xdead_0000_0000_0009, 0);
        assert_eq!(u32s(r), [9, 2, 3, 0xffff_ffff]);
        let r = replace(ReplaceOp::F32x4, w, 1.0f32.to_bits().into(), 3);
        assert_eq!(u32s(r), [1, 2, 3, 0x3f80_0000]);
        let r = replace(ReplaceOp::I64x2, d, 7, 1);
        assert_eq!(u64s(r), [5, 7]);
        let r = replace(ReplaceOp::F64x2, d, 0, 0);
        assert_eq!(u64s(r), [0, u64::MAX]);
    }

    #[test]
    fn bitwise() {
        let a = 0xff00_ff00_0000_0000_0000_0000_1234_5678_u128;
        let b = 0x0ff0_0ff0_0000_0000_0000_0000_ffff_0000_u128;
        assert_eq!(
            bin(BinOp::V128And, a, b),
            0x0f00_0f00_0000_0000_0000_0000_1234_0000
        );
        assert_eq!(
            bin(BinOp::V128AndNot, a, b),
            0xf000_f000_0000_0000_0000_0000_0000_5678
        );
        assert_eq!(
            bin(BinOp::V128Or, a, b),
            0xfff0_fff0_0000_0000_0000_0000_ffff_5678
        );
        assert_eq!(
            bin(BinOp::V128Xor, a, b),
            0xf0f0_f0f0_0000_0000_0000_0000_edcb_5678
        );
        assert_eq!(un(UnOp::V128Not, a), !a);
        assert_eq!(
            tern(TernOp::V128Bitselect, a, b, 0xffff),
            0x5678 | (b & !0xffff)
        );
        assert_eq!(tern(TernOp::V128Bitselect, a, b, !0xffff), a & !0xffff);
        assert_eq!(tern(TernOp::V128Bitselect, a, b, 0), b);
    }

    #[test]
    fn relaxed_choices() {
        // relaxed_swizzle = swizzle: out-of-range indices (< 128 or not) give 0.
        let a = from_u8s(std::array::from_fn(|i| i as u8));
        for idx in [
            from_u8s(std::array::from_fn(|i| 16 + i as u8)),
            from_u8s(std::array::from_fn(|i| 128 + i as u8)),
        ] {
            assert_eq!(bin(BinOp::I8x16RelaxedSwizzle, a, idx), 0);
            assert_eq!(bin(BinOp::I8x16Swizzle, a, idx), 0);
        }
        assert_eq!(bin(BinOp::I8x16RelaxedSwizzle, a, a), a);

        // relaxed_trunc = trunc_sat.
        let f = f32x4([f32::NAN, 3e9, -3e9, -1.5]);
        assert_eq!(
            i32s(un(UnOp::I32x4RelaxedTruncF32x4S, f)),
            [0, i32::MAX, i32::MIN, -1]
        );
        assert_eq!(
            u32s(un(UnOp::I32x4RelaxedTruncF32x4U, f)),
            [0, 3_000_000_000, 0, 0]
        );
        let d = f64x2([f64::NAN, -5e9]);
        assert_eq!(
            i32s(un(UnOp::I32x4RelaxedTruncF64x2SZero, d)),
            [0, i32::MIN, 0, 0]
        );
        let d = f64x2([5e9, 7.9]);
        assert_eq!(
            u32s(un(UnOp::I32x4RelaxedTruncF64x2UZero, d)),
            [u32::MAX, 7, 0, 0]
        );

        // madd is fused: FLT_MAX * 2 - FLT_MAX = FLT_MAX (not inf).
        let r = tern(
            TernOp::F32x4RelaxedMadd,
            f32x4([f32::MAX; 4]),
            f32x4([2.0; 4]),
            f32x4([-f32::MAX; 4]),
        );
        assert_eq!(f32s(r), [f32::MAX; 4]);
        let r = tern(
            TernOp::F64x2RelaxedMadd,
            f64x2([f64::MAX; 2]),
            f64x2([2.0; 2]),
            f64x2([-f64::MAX; 2]),
        );
        assert_eq!(f64s(r), [f64::MAX; 2]);
        // x * y + z with one rounding: 2^-37, not 0.
        let (x, y, z) = (
            1.0 + 2f32.powi(-22),
            1.0 + 2f32.powi(-15),
            -(1.0 + 2f32.powi(-15) + 2f32.powi(-22)),
        );
        let r = tern(
            TernOp::F32x4RelaxedMadd,
            f32x4([x; 4]),
            f32x4([y; 4]),
            f32x4([z; 4]),
        );
        assert_eq!(f32s(r), [2f32.powi(-37); 4]);
        let r = tern(
            TernOp::F32x4RelaxedNmadd,
            f32x4([-x; 4]),
            f32x4([y; 4]),
            f32x4([z; 4]),
        );
        assert_eq!(f32s(r), [2f32.powi(-37); 4]);
        let r = tern(
            TernOp::F32x4RelaxedNmadd,
            f32x4([x; 4]),
            f32x4([-y; 4]),
            f32x4([z; 4]),
        );
        assert_eq!(f32s(r), [2f32.powi(-37); 4]);
        let (x, y, z) = (
            1.0 + 2f64.powi(-30),
            1.0 + 2f64.powi(-23),
            -(1.0 + 2f64.powi(-23) + 2f64.powi(-30)),
        );
        let r = tern(
            TernOp::F64x2RelaxedMadd,
            f64x2([x; 2]),
            f64x2([y; 2]),
            f64x2([z; 2]),
        );
        assert_eq!(f64s(r), [2f64.powi(-53); 2]);
        let r = tern(
            TernOp::F64x2RelaxedNmadd,
            f64x2([-x; 2]),
            f64x2([y; 2]),
            f64x2([z; 2]),
        );
        assert_eq!(f64s(r), [2f64.powi(-53); 2]);
        // The spec test's rounding check.
        let r = tern(
            TernOp::F32x4RelaxedMadd,
            from_u32s([0x3ff4_0a3e; 4]),
            from_u32s([0x3fe1_58e1; 4]),
            from_u32s([0xafa0_fbff; 4]),
        );
        assert_eq!(u32s(r), [0x4056_d1bb; 4]);

        // laneselect = bitselect, whatever the lane width (including the
        // i16x8 0x0080 mask the spec singles out).
        let a = from_u16s([0, 1, 0x1234, 0x1234, 4, 5, 6, 7]);
        let b = from_u16s([8, 9, 0x5678, 0x5678, 12, 13, 14, 15]);
        let c = from_u16s([0xffff, 0, 0xff00, 0x0080, 0, 0, 0, 0]);
        let r = from_u16s([0, 9, 0x1278, 0x5678, 12, 13, 14, 15]);
        for op in [
            TernOp::I8x16RelaxedLaneselect,
            TernOp::I16x8RelaxedLaneselect,
            TernOp::I32x4RelaxedLaneselect,
            TernOp::I64x2RelaxedLaneselect,
            TernOp::V128Bitselect,
        ] {
            assert_eq!(tern(op, a, b, c), r, "{op:?}");
        }

        // relaxed q15mulr saturates like q15mulr_sat.
        let a = from_i16s([-32768, -32767, 32767, 0, 0, 0, 0, 0]);
        let b = from_i16s([-32768, -32768, 32767, 0, 0, 0, 0, 0]);
        assert_eq!(
            i16s(bin(BinOp::I16x8RelaxedQ15mulrS, a, b)),
            [32767, 32767, 32766, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn relaxed_dot_products() {
        let dot = |a, b| i16s(bin(BinOp::I16x8RelaxedDotI8x16I7x16S, a, b));
        let iota = from_i8s(std::array::from_fn(|i| i as i8));
        assert_eq!(dot(iota, iota), [1, 13, 41, 85, 145, 221, 313, 421]);
        let a = from_i8s([-128, -128, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_i8s([127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(dot(a, b), [-32512, 32258, 0, 0, 0, 0, 0, 0]);
        // Signed x signed with a wrapping sum (the spec test's first choice).
        let a = from_i8s([
            -128, -128, -128, -128, 127, 127, 127, 127, -128, -128, -128, -128, 127, 127, 127, 127,
        ]);
        let b = from_i8s([
            -128, -128, -127, -127, -128, -128, -1, -1, -128, -128, -127, -127, -128, -128, -1, -1,
        ]);
        assert_eq!(
            dot(a, b),
            [-32768, 32512, -32512, -254, -32768, 32512, -32512, -254]
        );

        let dot_add = |a, b, c| i32s(tern(TernOp::I32x4RelaxedDotI8x16I7x16AddS, a, b, c));
        assert_eq!(
            dot_add(iota, iota, from_i32s([0, 1, 2, 3])),
            [14, 127, 368, 737]
        );
        let a = from_i8s([
            -128, -128, -128, -128, 127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        let b = from_i8s([127; 16]);
        assert_eq!(
            dot_add(a, b, from_i32s([1, 2, 3, 4])),
            [-65023, 64518, 3, 4]
        );
        let a = from_i8s([-128, -128, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_i8s([-127, -127, -127, -127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(dot_add(a, b, from_i32s([1, 2, 3, 4])), [65025, 2, 3, 4]);
        // The final addition wraps.
        assert_eq!(
            dot_add(
                from_i8s([1; 16]),
                from_i8s([1; 16]),
                from_i32s([i32::MAX; 4])
            ),
            [i32::MIN + 3; 4]
        );
    }

    fn memarg() -> MemArg {
        MemArg {
            align: 4,
            max_align: 4,
            offset: 0,
            target: MemArgTarget::Memory(0),
            ordering: None,
        }
    }

    #[test]
    fn classify_samples() {
        use Operator as O;
        let cases = [
            (O::I8x16Add, SimdOp::Bin(BinOp::I8x16Add)),
            (O::I8x16Swizzle, SimdOp::Bin(BinOp::I8x16Swizzle)),
            (O::F64x2Ge, SimdOp::Bin(BinOp::F64x2Ge)),
            (O::V128AndNot, SimdOp::Bin(BinOp::V128AndNot)),
            (O::I32x4DotI16x8S, SimdOp::Bin(BinOp::I32x4DotI16x8S)),
            (O::F32x4PMin, SimdOp::Bin(BinOp::F32x4PMin)),
            (
                O::I16x8RelaxedQ15mulrS,
                SimdOp::Bin(BinOp::I16x8RelaxedQ15mulrS),
            ),
            (O::F32x4Sqrt, SimdOp::Un(UnOp::F32x4Sqrt)),
            (O::V128Not, SimdOp::Un(UnOp::V128Not)),
            (
                O::F32x4DemoteF64x2Zero,
                SimdOp::Un(UnOp::F32x4DemoteF64x2Zero),
            ),
            (
                O::I16x8ExtAddPairwiseI8x16S,
                SimdOp::Un(UnOp::I16x8ExtAddPairwiseI8x16S),
            ),
            (
                O::I32x4RelaxedTruncF64x2UZero,
                SimdOp::Un(UnOp::I32x4RelaxedTruncF64x2UZero),
            ),
            (O::V128Bitselect, SimdOp::Tern(TernOp::V128Bitselect)),
            (
                O::F64x2RelaxedNmadd,
                SimdOp::Tern(TernOp::F64x2RelaxedNmadd),
            ),
            (
                O::I32x4RelaxedDotI8x16I7x16AddS,
                SimdOp::Tern(TernOp::I32x4RelaxedDotI8x16I7x16AddS),
            ),
            (O::I16x8ShrS, SimdOp::Shift(ShiftOp::I16x8ShrS)),
            (O::I64x2Shl, SimdOp::Shift(ShiftOp::I64x2Shl)),
            (O::I8x16Bitmask, SimdOp::Test(TestOp::I8x16Bitmask)),
            (O::V128AnyTrue, SimdOp::Test(TestOp::V128AnyTrue)),
            (O::I64x2AllTrue, SimdOp::Test(TestOp::I64x2AllTrue)),
            (O::I8x16Splat, SimdOp::Splat(SplatOp::I8x16)),
            (O::F64x2Splat, SimdOp::Splat(SplatOp::F64x2)),
            (
                O::I8x16ExtractLaneS { lane: 15 },
                SimdOp::Extract(ExtractOp::I8x16S, 15),
            ),
            (
                O::F32x4ExtractLane { lane: 2 },
                SimdOp::Extract(ExtractOp::F32x4, 2),
            ),
            (
                O::I16x8ReplaceLane { lane: 7 },
                SimdOp::Replace(ReplaceOp::I16x8, 7),
            ),
            (
                O::F64x2ReplaceLane { lane: 1 },
                SimdOp::Replace(ReplaceOp::F64x2, 1),
            ),
        ];
        for (op, want) in cases {
            assert_eq!(classify(&op), Some(want), "{op:?}");
        }

        let none = [
            O::V128Const {
                value: V128::from(0u128),
            },
            O::I8x16Shuffle { lanes: [0; 16] },
            O::V128Load { memarg: memarg() },
            O::V128Store { memarg: memarg() },
            O::V128Load32Zero { memarg: memarg() },
            O::V128Load8Lane {
                memarg: memarg(),
                lane: 0,
            },
            O::I32Add,
            O::F32Sqrt,
            O::Nop,
        ];
        for op in none {
            assert_eq!(classify(&op), None, "{op:?}");
        }
    }

    /// Builds, from wasmparser's own operator list, one instance of every
    /// SIMD operator whose immediates are none or a lane index, with its
    /// name and arity annotation; `None` for the others (memory, const,
    /// shuffle).
    macro_rules! all_simd_operators {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
            vec![$(
                (
                    stringify!($op),
                    stringify!($($ann)*),
                    simd_operator_instance!($op $({ $($arg: $argty),* })?),
                )
            ),*]
        };
    }

    macro_rules! simd_operator_instance {
        ($op:ident) => {
            Some(Operator::$op)
        };
        ($op:ident { lane: $t:ty }) => {
            Some(Operator::$op { lane: 1 })
        };
        ($op:ident { $($rest:tt)* }) => {
            None::<Operator<'static>>
        };
    }

    #[test]
    fn classify_covers_every_simd_operator() {
        let all = wasmparser::for_each_visit_simd_operator!(all_simd_operators);
        let mut covered = 0;
        for (name, arity, op) in all {
            let Some(op) = op else {
                continue;
            };
            let simd = classify(&op).unwrap_or_else(|| panic!("{name} is not classified"));
            // The operand count must match the kind's signature.
            let inputs = match simd {
                SimdOp::Un(_) | SimdOp::Test(_) | SimdOp::Splat(_) | SimdOp::Extract(..) => 1,
                SimdOp::Bin(_) | SimdOp::Shift(_) | SimdOp::Replace(..) => 2,
                SimdOp::Tern(_) => 3,
            };
            assert_eq!(
                arity.replace(' ', ""),
                format!("arity{inputs}->1"),
                "{name} classified as {simd:?}"
            );
            // The variant is named like the operator (or, for splat,
            // extract_lane and replace_lane, like its shape).
            let named = match simd {
                SimdOp::Bin(op) => format!("{op:?}") == name,
                SimdOp::Un(op) => format!("{op:?}") == name,
                SimdOp::Tern(op) => format!("{op:?}") == name,
                SimdOp::Shift(op) => format!("{op:?}") == name,
                SimdOp::Test(op) => format!("{op:?}") == name,
                SimdOp::Splat(op) => format!("{op:?}Splat") == name,
                SimdOp::Extract(op, lane) => {
                    let op = format!("{op:?}");
                    let (shape, sign) = op.split_at(5);
                    lane == 1 && format!("{shape}ExtractLane{sign}") == name
                }
                SimdOp::Replace(op, lane) => lane == 1 && format!("{op:?}ReplaceLane") == name,
            };
            assert!(named, "{name} classified as {simd:?}");
            covered += 1;
        }
        let expected = BinOp::ALL.len()
            + UnOp::ALL.len()
            + TernOp::ALL.len()
            + ShiftOp::ALL.len()
            + TestOp::ALL.len()
            + 6 // splat
            + 8 // extract_lane
            + 6; // replace_lane
        assert_eq!(covered, expected);
    }
}
