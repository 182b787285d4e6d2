//! GC modules from `wasm-smith` in weft and in wasmtime (the oracle here:
//! wasmi runs no GC): every export called with the same arguments must give
//! the same results (references compared by kind: null, `i31` value,
//! struct, array, function, other) and the same traps (by category).
//! Running out of fuel or stack, or a GC heap limit, is inconclusive: the
//! engines count differently, so the rest of that module is not compared.
//!
//! wasmtime lives only in this crate (`fuzz/`, outside the workspace), so
//! the CI build never compiles it.
#![no_main]

use arbitrary::Unstructured;
use std::sync::atomic::{AtomicU64, Ordering};
use weft::{TrapKind, Val, ValType};

#[derive(Debug, Clone, PartialEq)]
enum Norm {
    Bits(u128),
    Null,
    I31(i32),
    Struct,
    Array,
    Func,
    /// A non-null `externref`, or an `anyref` that is none of the above.
    Other,
    Exn,
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Values(Vec<Norm>),
    Trap(&'static str),
    /// Fuel, stack or heap exhaustion, or an exception: not compared.
    Inconclusive(String),
}

fn weft_trap(k: TrapKind) -> Option<&'static str> {
    Some(match k {
        TrapKind::Unreachable => "unreachable",
        TrapKind::MemoryOutOfBounds => "memory",
        TrapKind::TableOutOfBounds | TrapKind::UndefinedElement => "table",
        TrapKind::UninitializedElement => "null-call",
        TrapKind::BadSignature => "signature",
        TrapKind::IntegerOverflow => "overflow",
        TrapKind::IntegerDivisionByZero => "div-zero",
        TrapKind::BadConversionToInteger => "conversion",
        TrapKind::NullReference
        | TrapKind::NullFunctionReference
        | TrapKind::NullStructReference
        | TrapKind::NullArrayReference
        | TrapKind::NullI31Reference => "null",
        TrapKind::ArrayOutOfBounds => "array",
        TrapKind::CastFailure => "cast",
        _ => return None,
    })
}

fn wasmtime_trap(t: wasmtime::Trap) -> Option<&'static str> {
    use wasmtime::Trap as T;
    Some(match t {
        T::UnreachableCodeReached => "unreachable",
        T::MemoryOutOfBounds => "memory",
        T::TableOutOfBounds => "table",
        T::IndirectCallToNull => "null-call",
        T::BadSignature => "signature",
        T::IntegerOverflow => "overflow",
        T::IntegerDivisionByZero => "div-zero",
        T::BadConversionToInteger => "conversion",
        T::NullReference => "null",
        T::ArrayOutOfBounds => "array",
        T::CastFailure => "cast",
        _ => return None,
    })
}

fn weft_norm(store: &weft::Store<()>, v: &Val) -> Norm {
    match v {
        Val::I32(x) => Norm::Bits(u128::from(*x as u32)),
        Val::I64(x) => Norm::Bits(u128::from(*x as u64)),
        Val::F32(x) => Norm::Bits(u128::from(*x)),
        Val::F64(x) => Norm::Bits(u128::from(*x)),
        Val::V128(x) => Norm::Bits(*x),
        Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => {
            Norm::Null
        }
        Val::FuncRef(Some(_)) => Norm::Func,
        Val::ExternRef(Some(_)) => Norm::Other,
        Val::AnyRef(Some(r)) => match r.i31() {
            Some(i) => Norm::I31(i),
            None if r.is_struct(store) => Norm::Struct,
            None if r.is_array(store) => Norm::Array,
            None => Norm::Other,
        },
        Val::ExnRef(Some(_)) => Norm::Exn,
    }
}

fn wasmtime_norm(store: &mut wasmtime::Store<wasmtime::StoreLimits>, v: &wasmtime::Val) -> Norm {
    use wasmtime::Val as W;
    match v {
        W::I32(x) => Norm::Bits(u128::from(*x as u32)),
        W::I64(x) => Norm::Bits(u128::from(*x as u64)),
        W::F32(x) => Norm::Bits(u128::from(*x)),
        W::F64(x) => Norm::Bits(u128::from(*x)),
        W::V128(x) => Norm::Bits(x.as_u128()),
        W::FuncRef(None) | W::ExternRef(None) | W::AnyRef(None) | W::ExnRef(None) => Norm::Null,
        W::FuncRef(Some(_)) => Norm::Func,
        W::ExternRef(Some(_)) => Norm::Other,
        W::AnyRef(Some(r)) => {
            if let Ok(Some(i)) = r.as_i31(&*store) {
                Norm::I31(i.get_i32())
            } else if r.is_struct(&*store).unwrap_or(false) {
                Norm::Struct
            } else if r.is_array(&*store).unwrap_or(false) {
                Norm::Array
            } else {
                Norm::Other
            }
        }
        W::ExnRef(Some(_)) => Norm::Exn,
        W::ContRef(_) => Norm::Other,
    }
}

/// weft's outcome of every export call, in export order.
fn run_weft(case: &weft_fuzz::TestCase) -> Option<Vec<(String, Outcome)>> {
    use weft::{Engine, Instance, Module, Store};
    let engine = Engine::new(&weft_fuzz::weft_config());
    let module = Module::new(&engine, &case.wasm)
        .unwrap_or_else(|e| panic!("wasm-smith produced a module weft rejects: {e}"));
    let mut store = Store::new(&engine, ());
    store.limiter(weft_fuzz::weft_limits());
    store.set_fuel(weft_fuzz::FUEL_PER_CALL).ok()?;
    let instance = match Instance::new(&mut store, &module, &[]) {
        Ok(i) => i,
        Err(e) => return Some(vec![("instantiate".into(), instantiation(&e))]),
    };
    let mut u = Unstructured::new(&case.arg_seed);
    let mut out = Vec::new();
    for (name, ext) in instance.exports(&mut store) {
        let Some(func) = ext.into_func() else {
            continue;
        };
        let ty = func.ty(&store);
        if !callable(ty.params()) {
            continue;
        }
        let args = weft_fuzz::arguments(ty.params(), &mut u);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        store.set_fuel(weft_fuzz::FUEL_PER_CALL).ok()?;
        let o = match func.call(&mut store, &args, &mut results) {
            Ok(()) => Outcome::Values(results.iter().map(|v| weft_norm(&store, v)).collect()),
            Err(e) => match e.as_trap().and_then(|t| weft_trap(t.kind())) {
                Some(c) => Outcome::Trap(c),
                None => Outcome::Inconclusive(e.to_string()),
            },
        };
        let stop = matches!(o, Outcome::Inconclusive(_));
        out.push((name, o));
        if stop {
            break;
        }
    }
    Some(out)
}

fn instantiation(e: &weft::Error) -> Outcome {
    match e.as_trap().and_then(|t| weft_trap(t.kind())) {
        Some(c) => Outcome::Trap(c),
        None => Outcome::Inconclusive(e.to_string()),
    }
}

/// Whether every parameter has a value `arguments` can make up (a
/// non-nullable reference has none).
fn callable(params: &[ValType]) -> bool {
    !params
        .iter()
        .any(|t| t.as_ref().is_some_and(|r| !r.is_nullable()))
}

/// wasmtime's outcome of the same calls; `None` if wasmtime does not take
/// the module (a feature it lacks).
fn run_wasmtime(case: &weft_fuzz::TestCase) -> Option<Vec<(String, Outcome)>> {
    let mut config = wasmtime::Config::new();
    config
        .wasm_gc(true)
        .wasm_function_references(true)
        .wasm_tail_call(true)
        .wasm_multi_memory(true)
        .wasm_memory64(true)
        .wasm_extended_const(true)
        .wasm_wide_arithmetic(true)
        .wasm_custom_page_sizes(true)
        .consume_fuel(true);
    let engine = wasmtime::Engine::new(&config).ok()?;
    let module = wasmtime::Module::new(&engine, &case.wasm).ok()?;
    // The same limits as weft's: linear memories (wasmtime's GC heap is
    // one too) and tables; without them one GC module took 8 GB of RSS.
    let limits = wasmtime::StoreLimitsBuilder::new()
        .memory_size(weft_fuzz::MAX_MEMORY_BYTES as usize)
        .table_elements(weft_fuzz::MAX_TABLE_ELEMENTS as usize)
        .build();
    let mut store = wasmtime::Store::new(&engine, limits);
    store.limiter(|l| l);
    store
        .set_fuel(weft_fuzz::FUEL_PER_CALL * 4)
        .expect("fuel is enabled");
    let instance = match wasmtime::Instance::new(&mut store, &module, &[]) {
        Ok(i) => i,
        Err(e) => {
            let o = match e.downcast_ref::<wasmtime::Trap>().and_then(|t| wasmtime_trap(*t)) {
                Some(c) => Outcome::Trap(c),
                None => Outcome::Inconclusive(e.to_string()),
            };
            return Some(vec![("instantiate".into(), o)]);
        }
    };
    let mut u = Unstructured::new(&case.arg_seed);
    let exports: Vec<(String, wasmtime::Func)> = instance
        .exports(&mut store)
        .filter_map(|e| {
            let name = e.name().to_string();
            e.into_func().map(|f| (name, f))
        })
        .collect();
    let mut out = Vec::new();
    for (name, func) in exports {
        let ty = func.ty(&store);
        // The same argument draws as weft's, from the weft view of the types.
        let weft_params: Vec<ValType> = ty.params().map(|t| weft_type(&t)).collect();
        if !callable(&weft_params) {
            continue;
        }
        let args: Vec<wasmtime::Val> = weft_fuzz::arguments(&weft_params, &mut u)
            .iter()
            .zip(ty.params())
            .map(|(v, t)| to_wasmtime(v, &t))
            .collect();
        let mut results: Vec<wasmtime::Val> = ty
            .results()
            .map(|t| wasmtime::Val::default_for_ty(&t).unwrap_or(wasmtime::Val::I32(0)))
            .collect();
        store
            .set_fuel(weft_fuzz::FUEL_PER_CALL * 4)
            .expect("fuel is enabled");
        let o = match func.call(&mut store, &args, &mut results) {
            Ok(()) => Outcome::Values(results.iter().map(|v| wasmtime_norm(&mut store, v)).collect()),
            Err(e) => match e.downcast_ref::<wasmtime::Trap>().and_then(|t| wasmtime_trap(*t)) {
                Some(c) => Outcome::Trap(c),
                None => Outcome::Inconclusive(e.to_string()),
            },
        };
        let stop = matches!(o, Outcome::Inconclusive(_));
        out.push((name, o));
        if stop {
            break;
        }
    }
    Some(out)
}

/// A wasmtime value type as weft's, as far as `arguments` needs it
/// (numbers exactly; references only for their nullability).
fn weft_type(t: &wasmtime::ValType) -> ValType {
    use wasmtime::ValType as W;
    match t {
        W::I32 => ValType::I32,
        W::I64 => ValType::I64,
        W::F32 => ValType::F32,
        W::F64 => ValType::F64,
        W::V128 => ValType::V128,
        W::Ref(r) => ValType::Ref(weft::RefType::new(r.is_nullable(), weft::HeapType::Any)),
    }
}

fn to_wasmtime(v: &Val, t: &wasmtime::ValType) -> wasmtime::Val {
    match v {
        Val::I32(x) => wasmtime::Val::I32(*x),
        Val::I64(x) => wasmtime::Val::I64(*x),
        Val::F32(x) => wasmtime::Val::F32(*x),
        Val::F64(x) => wasmtime::Val::F64(*x),
        Val::V128(x) => wasmtime::Val::V128((*x).into()),
        // Only nulls are made up for references.
        _ => wasmtime::Val::default_for_ty(t).unwrap_or(wasmtime::Val::I32(0)),
    }
}

/// Counters, printed now and then: inputs, modules wasmtime took, calls
/// compared, and of those calls the ones that returned a GC reference.
static STATS: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];

fn count(i: usize, n: u64) {
    let v = STATS[i].fetch_add(n, Ordering::Relaxed) + n;
    if i == 0 && v.is_power_of_two() && v >= 1024 {
        let s: Vec<u64> = STATS.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        eprintln!(
            "differential_gc: {} inputs, {} modules compared, {} calls compared, {} returned GC references",
            s[0], s[1], s[2], s[3]
        );
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    count(0, 1);
    let Ok(case) = weft_fuzz::test_case_gc(data) else {
        return;
    };
    let t0 = std::time::Instant::now();
    let Some(theirs) = run_wasmtime(&case) else {
        return;
    };
    let t1 = std::time::Instant::now();
    let Some(ours) = run_weft(&case) else {
        return;
    };
    let t2 = std::time::Instant::now();
    count(1, 1);
    if std::env::var_os("DIFFERENTIAL_GC_VERBOSE").is_some() {
        eprintln!("weft:     {ours:?}\nwasmtime: {theirs:?}");
        eprintln!("times: wasmtime {:?}, weft {:?}", t1 - t0, t2 - t1);
    }
    for ((name, a), (_, b)) in ours.iter().zip(&theirs) {
        if matches!(a, Outcome::Inconclusive(_)) || matches!(b, Outcome::Inconclusive(_)) {
            return;
        }
        assert_eq!(a, b, "export {name}: weft gave {a:?}, wasmtime gave {b:?}");
        count(2, 1);
        if let Outcome::Values(v) = a
            && v.iter().any(|n| matches!(n, Norm::I31(_) | Norm::Struct | Norm::Array))
        {
            count(3, 1);
        }
    }
    assert!(
        ours.len() == theirs.len()
            || ours.iter().chain(&theirs).any(|(_, o)| matches!(o, Outcome::Inconclusive(_))),
        "weft made {} calls, wasmtime {}",
        ours.len(),
        theirs.len()
    );
});
