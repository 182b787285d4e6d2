//! Conversion of script arguments to engine values, and matching of engine
//! results against the script's expected results.

use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{WastArg, WastRet};
use weft::{ExternRef, Store, Val};

/// Which reference hierarchy a `ref.null` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefKind {
    Func,
    Extern,
    Any,
    Exn,
}

fn ref_kind(heap: &HeapType<'_>) -> Result<RefKind, String> {
    match heap {
        HeapType::Abstract { shared: false, ty } => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => Ok(RefKind::Func),
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => Ok(RefKind::Extern),
            AbstractHeapType::Any
            | AbstractHeapType::Eq
            | AbstractHeapType::I31
            | AbstractHeapType::Struct
            | AbstractHeapType::Array
            | AbstractHeapType::None => Ok(RefKind::Any),
            AbstractHeapType::Exn | AbstractHeapType::NoExn => Ok(RefKind::Exn),
            other => Err(format!("unsupported reference type {other:?}")),
        },
        other => Err(format!("unsupported reference type {other:?}")),
    }
}

/// Converts an `invoke` argument to an engine value.
///
/// `ref.extern N` becomes a fresh external reference holding the `u32` N.
pub(crate) fn arg(store: &mut Store<()>, arg: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(core) = arg else {
        return Err("component-model arguments are not supported".to_string());
    };
    Ok(match core {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(f) => Val::F32(f.bits),
        WastArgCore::F64(f) => Val::F64(f.bits),
        WastArgCore::RefNull(heap) => match ref_kind(heap)? {
            RefKind::Func => Val::FuncRef(None),
            RefKind::Extern => Val::ExternRef(None),
            RefKind::Any => Val::AnyRef(None),
            RefKind::Exn => Val::ExnRef(None),
        },
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(host_ref(store, *n)?)),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefHost(n) => Val::AnyRef(Some(host_ref(store, *n)?.to_any())),
    })
}

/// The host value `n` of `ref.extern N` and `ref.host N`: one host object
/// seen from the `extern` or the `any` hierarchy.
fn host_ref(store: &mut Store<()>, n: u32) -> Result<ExternRef, String> {
    ExternRef::new(&mut *store, n).map_err(|e| e.to_string())
}

/// Whether `r` is the host value `n`.
fn is_host(store: &Store<()>, r: &ExternRef, n: u32) -> bool {
    r.data(store).and_then(|d| d.downcast_ref::<u32>()) == Some(&n)
}

/// Checks `actual` against the script's `expected` results.
pub(crate) fn check_results(
    store: &Store<()>,
    actual: &[Val],
    expected: &[WastRet<'_>],
) -> Result<(), String> {
    let expected = expected
        .iter()
        .map(|ret| match ret {
            WastRet::Core(core) => Ok(core),
            _ => Err("component-model results are not supported".to_string()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if actual.len() != expected.len() {
        return Err(format!(
            "expected {} result(s) [{}], got {} [{}]",
            expected.len(),
            list(expected.iter().map(|e| describe_expected(e))),
            actual.len(),
            list(actual.iter().map(describe))
        ));
    }
    for (index, (val, pattern)) in actual.iter().zip(&expected).enumerate() {
        if !matches(store, val, pattern)? {
            return Err(format!(
                "result {index}: expected {}, got {}",
                describe_expected(pattern),
                describe(val)
            ));
        }
    }
    Ok(())
}

fn matches(store: &Store<()>, val: &Val, expected: &WastRetCore<'_>) -> Result<bool, String> {
    Ok(match (expected, val) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(pattern), Val::F32(bits)) => f32_matches(pattern, *bits),
        (WastRetCore::F64(pattern), Val::F64(bits)) => f64_matches(pattern, *bits),
        (WastRetCore::V128(pattern), Val::V128(bits)) => v128_matches(pattern, *bits),
        (WastRetCore::RefNull(None), val) => is_null(val),
        // A concrete type's null: the value's hierarchy was checked when it
        // crossed to the host.
        (WastRetCore::RefNull(Some(HeapType::Concrete(_))), val) => is_null(val),
        (WastRetCore::RefNull(Some(heap)), val) => match (ref_kind(heap)?, val) {
            (RefKind::Func, Val::FuncRef(_))
            | (RefKind::Extern, Val::ExternRef(_))
            | (RefKind::Any, Val::AnyRef(_))
            | (RefKind::Exn, Val::ExnRef(_)) => is_null(val),
            _ => false,
        },
        (WastRetCore::RefExtern(None), Val::ExternRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => is_host(store, r, *n),
        (WastRetCore::RefHost(n), Val::AnyRef(Some(r))) => is_host(store, &r.to_extern(), *n),
        (WastRetCore::RefAny, Val::AnyRef(r)) => r.is_some(),
        (WastRetCore::RefEq, Val::AnyRef(Some(r))) => {
            r.i31().is_some() || r.is_struct(store) || r.is_array(store)
        }
        (WastRetCore::RefI31, Val::AnyRef(Some(r))) => r.i31().is_some(),
        (WastRetCore::RefStruct, Val::AnyRef(Some(r))) => r.is_struct(store),
        (WastRetCore::RefArray, Val::AnyRef(Some(r))) => r.is_array(store),
        (WastRetCore::RefFunc(_), Val::FuncRef(r)) => r.is_some(),
        (WastRetCore::Either(options), val) => {
            for option in options {
                if matches(store, val, option)? {
                    return Ok(true);
                }
            }
            false
        }
        (WastRetCore::RefI31Shared, _) => {
            return Err(format!(
                "unsupported expected result {}",
                describe_expected(expected)
            ));
        }
        _ => false,
    })
}

fn is_null(val: &Val) -> bool {
    matches!(
        val,
        Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None)
    )
}

fn f32_matches(pattern: &NanPattern<F32>, bits: u32) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(f) => f.bits == bits,
    }
}

fn f64_matches(pattern: &NanPattern<F64>, bits: u64) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(f) => f.bits == bits,
    }
}

/// Lane `index` of `bits`, for lanes `width` bits wide (little-endian).
fn lane(bits: u128, index: usize, width: usize) -> u128 {
    (bits >> (index * width)) & (u128::MAX >> (128 - width))
}

fn v128_matches(pattern: &V128Pattern, bits: u128) -> bool {
    // Integer lanes compare as unsigned bit patterns of the expected value.
    match pattern {
        V128Pattern::I8x16(e) => (0..16).all(|i| lane(bits, i, 8) == u128::from(e[i] as u8)),
        V128Pattern::I16x8(e) => (0..8).all(|i| lane(bits, i, 16) == u128::from(e[i] as u16)),
        V128Pattern::I32x4(e) => (0..4).all(|i| lane(bits, i, 32) == u128::from(e[i] as u32)),
        V128Pattern::I64x2(e) => (0..2).all(|i| lane(bits, i, 64) == u128::from(e[i] as u64)),
        V128Pattern::F32x4(e) => (0..4).all(|i| f32_matches(&e[i], lane(bits, i, 32) as u32)),
        V128Pattern::F64x2(e) => (0..2).all(|i| f64_matches(&e[i], lane(bits, i, 64) as u64)),
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// Formats an engine value in script syntax, with raw bits for floats.
pub(crate) fn describe(val: &Val) -> String {
    match val {
        Val::I32(v) => format!("i32.const {v}"),
        Val::I64(v) => format!("i64.const {v}"),
        Val::F32(bits) => format!("f32.const {} ({bits:#010x})", f32::from_bits(*bits)),
        Val::F64(bits) => format!("f64.const {} ({bits:#018x})", f64::from_bits(*bits)),
        Val::V128(bits) => format!("v128.const i64x2 {:#x} {:#x}", *bits as u64, bits >> 64),
        Val::FuncRef(None) => "ref.null func".to_string(),
        Val::FuncRef(Some(_)) => "ref.func".to_string(),
        Val::ExternRef(None) => "ref.null extern".to_string(),
        Val::ExternRef(Some(_)) => "ref.extern".to_string(),
        Val::AnyRef(None) => "ref.null any".to_string(),
        Val::AnyRef(Some(r)) => match r.i31() {
            Some(v) => format!("ref.i31 {v}"),
            None => "ref.any".to_string(),
        },
        Val::ExnRef(None) => "ref.null exn".to_string(),
        Val::ExnRef(Some(_)) => "ref.exn".to_string(),
    }
}

/// Formats a list of engine values with [`describe`].
pub(crate) fn describe_all(vals: &[Val]) -> String {
    format!("[{}]", list(vals.iter().map(describe)))
}

fn describe_nan<T>(pattern: &NanPattern<T>, ty: &str, value: impl Fn(&T) -> String) -> String {
    match pattern {
        NanPattern::CanonicalNan => format!("{ty}.const nan:canonical"),
        NanPattern::ArithmeticNan => format!("{ty}.const nan:arithmetic"),
        NanPattern::Value(v) => format!("{ty}.const {}", value(v)),
    }
}

fn describe_expected(expected: &WastRetCore<'_>) -> String {
    match expected {
        WastRetCore::I32(v) => format!("i32.const {v}"),
        WastRetCore::I64(v) => format!("i64.const {v}"),
        WastRetCore::F32(p) => describe_nan(p, "f32", |f| {
            format!("{} ({:#010x})", f32::from_bits(f.bits), f.bits)
        }),
        WastRetCore::F64(p) => describe_nan(p, "f64", |f| {
            format!("{} ({:#018x})", f64::from_bits(f.bits), f.bits)
        }),
        WastRetCore::RefNull(None) => "ref.null".to_string(),
        WastRetCore::RefNull(Some(heap)) => match ref_kind(heap) {
            Ok(RefKind::Func) => "ref.null func".to_string(),
            Ok(RefKind::Extern) => "ref.null extern".to_string(),
            Ok(RefKind::Any) => "ref.null any".to_string(),
            Ok(RefKind::Exn) => "ref.null exn".to_string(),
            Err(_) => format!("ref.null {heap:?}"),
        },
        WastRetCore::RefExtern(None) => "ref.extern".to_string(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefFunc(_) => "ref.func".to_string(),
        WastRetCore::Either(options) => format!(
            "either({})",
            list(options.iter().map(|o| describe_expected(o)))
        ),
        other => format!("{other:?}"),
    }
}
