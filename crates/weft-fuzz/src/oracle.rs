//! Differential execution against wasmi.

use crate::{
    FUEL_PER_CALL, MAX_MEMORY_BYTES, MAX_TABLE_ELEMENTS, TestCase, arguments, weft_config,
    weft_limits,
};
use arbitrary::Unstructured;
use std::fmt;
use weft::{Engine, Instance, Module, Store, TrapKind, Val};

/// A difference between weft and wasmi on the same module and inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// What was being done (instantiation, a call, a state check).
    pub during: String,
    /// weft's outcome.
    pub weft: String,
    /// wasmi's outcome.
    pub wasmi: String,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "divergence during {}: weft gave {}, wasmi gave {}",
            self.during, self.weft, self.wasmi
        )
    }
}

/// An outcome in engine-neutral terms.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Results as bit patterns (references as 0 = null, 1 = non-null).
    Values(Vec<u128>),
    /// A trap, by category.
    Trap(&'static str),
}

impl Outcome {
    /// Running out of fuel or stack depends on each engine's accounting, so
    /// such outcomes cannot be compared, and the states may differ afterwards.
    fn inconclusive(&self) -> bool {
        matches!(self, Outcome::Trap("fuel" | "stack"))
    }
}

fn weft_trap_category(k: TrapKind) -> &'static str {
    match k {
        TrapKind::Unreachable => "unreachable",
        TrapKind::MemoryOutOfBounds => "memory",
        TrapKind::TableOutOfBounds | TrapKind::UndefinedElement => "table",
        TrapKind::UninitializedElement => "null-call",
        TrapKind::BadSignature => "signature",
        TrapKind::IntegerOverflow => "overflow",
        TrapKind::IntegerDivisionByZero => "div-zero",
        TrapKind::BadConversionToInteger => "conversion",
        TrapKind::StackOverflow => "stack",
        TrapKind::OutOfFuel => "fuel",
        _ => "other",
    }
}

fn wasmi_trap_category(e: &wasmi::Error) -> &'static str {
    use wasmi::TrapCode as T;
    match e.as_trap_code() {
        Some(T::UnreachableCodeReached) => "unreachable",
        Some(T::MemoryOutOfBounds) => "memory",
        Some(T::TableOutOfBounds) => "table",
        Some(T::IndirectCallToNull) => "null-call",
        Some(T::BadSignature) => "signature",
        Some(T::IntegerOverflow) => "overflow",
        Some(T::IntegerDivisionByZero) => "div-zero",
        Some(T::BadConversionToInteger) => "conversion",
        Some(T::StackOverflow) => "stack",
        Some(T::OutOfFuel) => "fuel",
        Some(_) => "other",
        // wasmi reports some bulk table/memory range errors as
        // `Table`/`Memory` errors rather than trap codes.
        None => match e.kind() {
            wasmi::errors::ErrorKind::Table(_) => "table",
            wasmi::errors::ErrorKind::Memory(_) => "memory",
            _ => "other",
        },
    }
}

fn weft_bits(v: &Val) -> u128 {
    match *v {
        Val::I32(x) => u128::from(x as u32),
        Val::I64(x) => u128::from(x as u64),
        Val::F32(x) => u128::from(x),
        Val::F64(x) => u128::from(x),
        Val::V128(x) => x,
        Val::FuncRef(f) => u128::from(f.is_some()),
        Val::ExternRef(ref e) => u128::from(e.is_some()),
        Val::AnyRef(ref r) => u128::from(r.is_some()),
        Val::ExnRef(ref r) => u128::from(r.is_some()),
    }
}

fn wasmi_bits(v: &wasmi::Val) -> u128 {
    match v {
        wasmi::Val::I32(x) => u128::from(*x as u32),
        wasmi::Val::I64(x) => u128::from(*x as u64),
        wasmi::Val::F32(x) => u128::from(x.to_bits()),
        wasmi::Val::F64(x) => u128::from(x.to_bits()),
        wasmi::Val::FuncRef(f) => u128::from(!f.is_null()),
        wasmi::Val::ExternRef(e) => u128::from(!e.is_null()),
        wasmi::Val::V128(v) => v.as_u128(),
    }
}

fn to_wasmi(v: &Val) -> wasmi::Val {
    match *v {
        Val::I32(x) => wasmi::Val::I32(x),
        Val::I64(x) => wasmi::Val::I64(x),
        Val::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
        Val::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
        Val::V128(x) => wasmi::Val::V128(wasmi::V128::from(x)),
        Val::ExternRef(_) => wasmi::Val::default(wasmi::ValType::ExternRef),
        _ => wasmi::Val::default(wasmi::ValType::FuncRef),
    }
}

/// Float results may differ only in NaN payloads (which the spec leaves
/// open); `wasm-smith`'s NaN canonicalisation makes that rare.
fn same_values(a: &[u128], b: &[u128], types: &[weft::ValType]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).zip(types).all(|((x, y), t)| {
            x == y
                || match t {
                    weft::ValType::F32 => {
                        f32::from_bits(*x as u32).is_nan() && f32::from_bits(*y as u32).is_nan()
                    }
                    weft::ValType::F64 => {
                        f64::from_bits(*x as u64).is_nan() && f64::from_bits(*y as u64).is_nan()
                    }
                    _ => false,
                }
        })
}

fn diverge(during: impl Into<String>, weft: impl fmt::Debug, wasmi: impl fmt::Debug) -> Divergence {
    Divergence {
        during: during.into(),
        weft: format!("{weft:?}"),
        wasmi: format!("{wasmi:?}"),
    }
}

/// Check 3: runs `case` in weft and wasmi and compares everything
/// observable. Returns the number of calls compared.
pub fn differential(case: &TestCase) -> Result<usize, Divergence> {
    // weft
    let engine = Engine::new(&weft_config());
    let module = Module::new(&engine, &case.wasm)
        .map_err(|e| diverge("compilation", e.to_string(), "valid"))?;
    let mut store = Store::new(&engine, ());
    store.set_fuel(FUEL_PER_CALL).expect("fuel is enabled");
    store.limiter(weft_limits());
    let w_inst = Instance::new(&mut store, &module, &[]);

    // wasmi
    let mut wconfig = wasmi::Config::default();
    wconfig
        .consume_fuel(true)
        .wasm_wide_arithmetic(true)
        .wasm_custom_page_sizes(true);
    let wengine = wasmi::Engine::new(&wconfig);
    let wmodule = wasmi::Module::new(&wengine, &case.wasm[..])
        .map_err(|e| diverge("wasmi compilation (oracle)", "valid", e.to_string()))?;
    let limits = wasmi::StoreLimitsBuilder::new()
        .memory_size(MAX_MEMORY_BYTES as usize)
        .table_elements(MAX_TABLE_ELEMENTS as usize)
        .build();
    let mut wstore = wasmi::Store::new(&wengine, limits);
    wstore.limiter(|limits| limits);
    wstore.set_fuel(FUEL_PER_CALL).expect("fuel is enabled");
    let linker = wasmi::Linker::<wasmi::StoreLimits>::new(&wengine);
    let i_inst = linker.instantiate_and_start(&mut wstore, &wmodule);

    let (w_inst, i_inst) = match (w_inst, i_inst) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) => {
            let ca = a.as_trap().map(|t| weft_trap_category(t.kind()));
            let cb = b.as_trap_code().map(|_| wasmi_trap_category(&b));
            if ca.is_some()
                && cb.is_some()
                && ca != cb
                && !matches!(ca, Some("fuel" | "stack"))
                && !matches!(cb, Some("fuel" | "stack"))
            {
                return Err(diverge("instantiation", a.to_string(), b.to_string()));
            }
            return Ok(0);
        }
        (Ok(_), Err(b)) => {
            let cb = wasmi_trap_category(&b);
            if cb == "fuel" || cb == "stack" {
                return Ok(0);
            }
            return Err(diverge("instantiation", "success", b.to_string()));
        }
        (Err(a), Ok(_)) => {
            if a.as_trap()
                .is_some_and(|t| matches!(t.kind(), TrapKind::OutOfFuel | TrapKind::StackOverflow))
            {
                return Ok(0);
            }
            return Err(diverge("instantiation", a.to_string(), "success"));
        }
    };

    compare_state(&mut store, w_inst, &wstore, i_inst, "instantiation")?;
    let mut u = Unstructured::new(&case.arg_seed);
    let mut compared = 0;
    for (name, ext) in w_inst.exports(&mut store) {
        let Some(func) = ext.into_func() else {
            continue;
        };
        let Some(wfunc) = i_inst.get_func(&wstore, &name) else {
            return Err(diverge(format!("export `{name}`"), "a function", "missing"));
        };
        let ty = func.ty(&store);
        let args = arguments(ty.params(), &mut u);
        let during = format!("call of `{name}` with {args:?}");

        store.set_fuel(FUEL_PER_CALL).expect("fuel is enabled");
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let a = match func.call(&mut store, &args, &mut results) {
            Ok(()) => Outcome::Values(results.iter().map(weft_bits).collect()),
            Err(e) => match e.as_trap() {
                Some(t) => Outcome::Trap(weft_trap_category(t.kind())),
                None => return Err(diverge(during, e.to_string(), "-")),
            },
        };

        wstore.set_fuel(FUEL_PER_CALL).expect("fuel is enabled");
        let wargs: Vec<wasmi::Val> = args.iter().map(to_wasmi).collect();
        let wty = wfunc.ty(&wstore);
        let mut wresults: Vec<wasmi::Val> = wty
            .results()
            .iter()
            .map(|t| wasmi::Val::default(*t))
            .collect();
        let b = match wfunc.call(&mut wstore, &wargs, &mut wresults) {
            Ok(()) => Outcome::Values(wresults.iter().map(wasmi_bits).collect()),
            Err(e) => Outcome::Trap(wasmi_trap_category(&e)),
        };

        if a.inconclusive() || b.inconclusive() {
            // Fuel and stack limits differ between engines; past this point
            // the states may legitimately differ.
            return Ok(compared);
        }
        let same = match (&a, &b) {
            (Outcome::Values(x), Outcome::Values(y)) => same_values(x, y, ty.results()),
            _ => a == b,
        };
        if !same {
            return Err(diverge(during, a, b));
        }
        compare_state(&mut store, w_inst, &wstore, i_inst, &during)?;
        compared += 1;
    }
    Ok(compared)
}

/// Compares exported memories, globals and table sizes.
fn compare_state(
    store: &mut Store<()>,
    w_inst: Instance,
    wstore: &wasmi::Store<wasmi::StoreLimits>,
    i_inst: wasmi::Instance,
    during: &str,
) -> Result<(), Divergence> {
    for (name, ext) in w_inst.exports(&mut *store) {
        let what = format!("state of `{name}` after {during}");
        match ext {
            weft::Extern::Memory(m) => {
                let Some(wm) = i_inst.get_memory(wstore, &name) else {
                    return Err(diverge(what, "memory", "missing"));
                };
                let (a, b) = (m.data(&*store), wm.data(wstore));
                if a != b {
                    let first = a.iter().zip(b).position(|(x, y)| x != y);
                    return Err(diverge(
                        what,
                        format!("{} bytes, first difference at {first:?}", a.len()),
                        format!("{} bytes", b.len()),
                    ));
                }
            }
            weft::Extern::Global(g) => {
                let Some(wg) = i_inst.get_global(wstore, &name) else {
                    return Err(diverge(what, "global", "missing"));
                };
                let t = g.ty(&*store).content();
                let (a, b) = (weft_bits(&g.get(&*store)), wasmi_bits(&wg.get(wstore)));
                if !same_values(&[a], &[b], &[t]) {
                    return Err(diverge(what, a, b));
                }
            }
            weft::Extern::Table(t) => {
                let Some(wt) = i_inst.get_table(wstore, &name) else {
                    return Err(diverge(what, "table", "missing"));
                };
                let (a, b) = (u64::from(t.size(&*store)), wt.size(wstore));
                if a != b {
                    return Err(diverge(what, a, b));
                }
            }
            weft::Extern::Func(_) | weft::Extern::Tag(_) => {}
        }
    }
    Ok(())
}
