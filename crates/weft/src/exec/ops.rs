//! The numeric semantics of wasm instructions, as small pure functions the
//! interpreter calls. Traps are returned as `Err(TrapKind)`.

use crate::error::TrapKind;

type R<T> = Result<T, TrapKind>;

pub(crate) fn i32_div_s(a: i32, b: i32) -> R<i32> {
    if b == 0 {
        Err(TrapKind::IntegerDivisionByZero)
    } else if a == i32::MIN && b == -1 {
        Err(TrapKind::IntegerOverflow)
    } else {
        Ok(a / b)
    }
}

pub(crate) fn i32_div_u(a: u32, b: u32) -> R<u32> {
    a.checked_div(b).ok_or(TrapKind::IntegerDivisionByZero)
}

pub(crate) fn i32_rem_s(a: i32, b: i32) -> R<i32> {
    if b == 0 {
        Err(TrapKind::IntegerDivisionByZero)
    } else {
        Ok(a.wrapping_rem(b))
    }
}

pub(crate) fn i32_rem_u(a: u32, b: u32) -> R<u32> {
    a.checked_rem(b).ok_or(TrapKind::IntegerDivisionByZero)
}

pub(crate) fn i64_div_s(a: i64, b: i64) -> R<i64> {
    if b == 0 {
        Err(TrapKind::IntegerDivisionByZero)
    } else if a == i64::MIN && b == -1 {
        Err(TrapKind::IntegerOverflow)
    } else {
        Ok(a / b)
    }
}

pub(crate) fn i64_div_u(a: u64, b: u64) -> R<u64> {
    a.checked_div(b).ok_or(TrapKind::IntegerDivisionByZero)
}

pub(crate) fn i64_rem_s(a: i64, b: i64) -> R<i64> {
    if b == 0 {
        Err(TrapKind::IntegerDivisionByZero)
    } else {
        Ok(a.wrapping_rem(b))
    }
}

pub(crate) fn i64_rem_u(a: u64, b: u64) -> R<u64> {
    a.checked_rem(b).ok_or(TrapKind::IntegerDivisionByZero)
}

/// The canonical NaN wasm's `min`/`max` return when an operand is NaN.
const F32_CANON_NAN: u32 = 0x7fc0_0000;
const F64_CANON_NAN: u64 = 0x7ff8_0000_0000_0000;

pub(crate) fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::from_bits(F32_CANON_NAN)
    } else if a == b {
        // Only differ for +0/-0: -0 is the minimum.
        f32::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}

pub(crate) fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        f32::from_bits(F32_CANON_NAN)
    } else if a == b {
        f32::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}

pub(crate) fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::from_bits(F64_CANON_NAN)
    } else if a == b {
        f64::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}

pub(crate) fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::from_bits(F64_CANON_NAN)
    } else if a == b {
        f64::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}

/// Sets the quiet bit of a NaN result, as wasm requires of arithmetic
/// (the host's rounding functions pass signalling NaNs through unchanged).
#[inline(always)]
pub(crate) fn quiet_f32(x: f32) -> f32 {
    if x.is_nan() {
        f32::from_bits(x.to_bits() | 0x0040_0000)
    } else {
        x
    }
}

/// [`quiet_f32`] for `f64`.
#[inline(always)]
pub(crate) fn quiet_f64(x: f64) -> f64 {
    if x.is_nan() {
        f64::from_bits(x.to_bits() | 0x0008_0000_0000_0000)
    } else {
        x
    }
}

pub(crate) fn f32_copysign(a: u32, b: u32) -> u32 {
    (a & 0x7fff_ffff) | (b & 0x8000_0000)
}

pub(crate) fn f64_copysign(a: u64, b: u64) -> u64 {
    (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000)
}

/// Checks a float-to-int truncation: NaN is an invalid conversion; values
/// outside the open interval `(lo, hi)` overflow.
fn trunc_check(x: f64, nan: bool, lo: f64, hi: f64) -> R<()> {
    if nan {
        Err(TrapKind::BadConversionToInteger)
    } else if x > lo && x < hi {
        Ok(())
    } else {
        Err(TrapKind::IntegerOverflow)
    }
}

// Bounds: the largest float strictly below the representable range and the
// smallest strictly above, so the check is exact in both f32 and f64.
pub(crate) fn i32_trunc_f32_s(x: f32) -> R<i32> {
    trunc_check(f64::from(x), x.is_nan(), -2147483904.0, 2147483648.0)?;
    Ok(x as i32)
}
pub(crate) fn i32_trunc_f32_u(x: f32) -> R<u32> {
    trunc_check(f64::from(x), x.is_nan(), -1.0, 4294967296.0)?;
    Ok(x as u32)
}
pub(crate) fn i32_trunc_f64_s(x: f64) -> R<i32> {
    trunc_check(x, x.is_nan(), -2147483649.0, 2147483648.0)?;
    Ok(x as i32)
}
pub(crate) fn i32_trunc_f64_u(x: f64) -> R<u32> {
    trunc_check(x, x.is_nan(), -1.0, 4294967296.0)?;
    Ok(x as u32)
}
pub(crate) fn i64_trunc_f32_s(x: f32) -> R<i64> {
    trunc_check(
        f64::from(x),
        x.is_nan(),
        -9223373136366403584.0,
        9223372036854775808.0,
    )?;
    Ok(x as i64)
}
pub(crate) fn i64_trunc_f32_u(x: f32) -> R<u64> {
    trunc_check(f64::from(x), x.is_nan(), -1.0, 18446744073709551616.0)?;
    Ok(x as u64)
}
pub(crate) fn i64_trunc_f64_s(x: f64) -> R<i64> {
    trunc_check(x, x.is_nan(), -9223372036854777856.0, 9223372036854775808.0)?;
    Ok(x as i64)
}
pub(crate) fn i64_trunc_f64_u(x: f64) -> R<u64> {
    trunc_check(x, x.is_nan(), -1.0, 18446744073709551616.0)?;
    Ok(x as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunc_bounds() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_f32_s(2147483648.0),
            Err(TrapKind::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_f64_s(-2147483649.0),
            Err(TrapKind::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i64_trunc_f64_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(
            i64_trunc_f32_u(f32::NAN),
            Err(TrapKind::BadConversionToInteger)
        );
    }

    #[test]
    fn min_max_zero_and_nan() {
        assert!(f32_min(0.0, -0.0).is_sign_negative());
        assert!(f64_max(-0.0, 0.0).is_sign_positive());
        assert_eq!(f32_min(f32::NAN, 1.0).to_bits(), F32_CANON_NAN);
    }
}
