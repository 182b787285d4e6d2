//! Fuzzing support for weft, shared by the cargo-fuzz targets in `fuzz/` and
//! the deterministic smoke tests in `tests/smoke.rs`.
//!
//! Three checks, from cheapest to strongest:
//! 1. [`decode`]: arbitrary bytes through decode/validate/compile never panic.
//! 2. [`execute`]: a `wasm-smith` module is instantiated and every export is
//!    called with fuel; nothing panics or hangs.
//! 3. [`differential`]: the same module and arguments in weft and in wasmi
//!    (the oracle) give the same results, the same traps (by kind) and the same
//!    exported memory and global state.

mod oracle;

pub use oracle::{Divergence, differential};

use arbitrary::{Arbitrary, Unstructured};
use weft::{Config, Engine, Instance, Module, Store, Val, ValType};

/// Fuel given to each call (weft units; wasmi gets the same number of its own).
pub const FUEL_PER_CALL: u64 = 200_000;

/// Largest linear memory a fuzzed module may grow to (both engines).
pub const MAX_MEMORY_BYTES: u64 = 64 << 20;
/// Largest table a fuzzed module may grow to (both engines).
pub const MAX_TABLE_ELEMENTS: u32 = 100_000;

/// The store limits used for fuzzing, so `memory.grow` cannot exhaust the
/// fuzzer's memory (past them, growth returns -1 in both engines).
pub fn weft_limits() -> weft::StoreLimits {
    weft::StoreLimits {
        max_memory_bytes: Some(MAX_MEMORY_BYTES),
        max_table_elements: Some(MAX_TABLE_ELEMENTS),
        ..weft::StoreLimits::default()
    }
}

/// The `wasm-smith` configuration: the features weft supports, NaNs
/// canonicalised (so float results are deterministic), every item exported.
pub fn smith_config(u: &mut Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config> {
    let mut c = wasm_smith::Config::arbitrary(u)?;
    // SIMD is compared; relaxed SIMD is not (engines may pick different
    // allowed results).
    c.relaxed_simd_enabled = false;
    c.exceptions_enabled = false;
    c.gc_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.custom_descriptors_enabled = false;
    c.compact_imports_enabled = false;
    c.multibyte_array_access_enabled = false;
    c.acquire_release_atomics_enabled = false;
    c.max_memory64_bytes = c.max_memory64_bytes.min(16 << 20);
    c.max_memories = c.max_memories.min(2);
    c.max_memory32_bytes = c.max_memory32_bytes.min(16 << 20);
    c.max_tables = c.max_tables.min(4);
    c.max_table_elements = c.max_table_elements.min(10_000);
    c.max_imports = 0;
    c.min_imports = 0;
    c.max_funcs = c.max_funcs.clamp(4, 40);
    c.min_funcs = c.min_funcs.clamp(2, c.max_funcs);
    c.max_instructions = c.max_instructions.clamp(100, 2_000);
    c.canonicalize_nans = true;
    c.export_everything = true;
    c.allow_invalid_funcs = false;
    Ok(c)
}

/// [`smith_config`] with exception handling on (`try_table`, `throw`,
/// `throw_ref`, `exnref`; `wasm-smith` generates no legacy form). wasmi does not run exceptions, so these modules
/// are only run through weft (the no-panic check), not compared.
pub fn smith_config_exceptions(u: &mut Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config> {
    let mut c = smith_config(u)?;
    c.exceptions_enabled = true;
    Ok(c)
}

/// [`smith_config`] with GC types and instructions on (structs, arrays,
/// `i31`, casts). wasmi does not run GC: the smoke test runs these through
/// weft only, and `fuzz/`'s `differential_gc` target compares them with
/// wasmtime.
pub fn smith_config_gc(u: &mut Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config> {
    let mut c = smith_config(u)?;
    c.gc_enabled = true;
    c.reference_types_enabled = true;
    // Enough types that some are structs and arrays to allocate.
    c.max_types = c.max_types.max(12);
    c.min_types = c.min_types.clamp(4, c.max_types);
    Ok(c)
}

/// [`smith_config`] with threads on: shared memories and every atomic
/// instruction. A `wait` may block for its (random) timeout: run these with
/// interrupt checks, so [`execute_with`]'s watchdog ends such a call.
/// wasmi has no threads: these run through weft only.
pub fn smith_config_threads(u: &mut Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config> {
    let mut c = smith_config(u)?;
    c.threads_enabled = true;
    Ok(c)
}

/// A generated module and the arguments to call its exports with.
pub struct TestCase {
    /// The module's binary.
    pub wasm: Vec<u8>,
    /// Bytes left over for choosing arguments.
    pub arg_seed: Vec<u8>,
}

/// Builds a valid module (and argument bytes) from fuzzer input.
pub fn test_case(data: &[u8]) -> arbitrary::Result<TestCase> {
    test_case_with(data, smith_config)
}

/// Like [`test_case`], with exception handling in the generated modules.
pub fn test_case_exceptions(data: &[u8]) -> arbitrary::Result<TestCase> {
    test_case_with(data, smith_config_exceptions)
}

/// Like [`test_case`], with shared memories and atomics.
pub fn test_case_threads(data: &[u8]) -> arbitrary::Result<TestCase> {
    test_case_with(data, smith_config_threads)
}

/// Like [`test_case`], with GC in the generated modules.
pub fn test_case_gc(data: &[u8]) -> arbitrary::Result<TestCase> {
    test_case_with(data, smith_config_gc)
}

fn test_case_with(
    data: &[u8],
    config: fn(&mut Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config>,
) -> arbitrary::Result<TestCase> {
    let mut u = Unstructured::new(data);
    let config = config(&mut u)?;
    let module = wasm_smith::Module::new(config, &mut u)?;
    let arg_seed = u.take_rest().to_vec();
    Ok(TestCase {
        wasm: module.to_bytes(),
        arg_seed,
    })
}

/// The engine configuration used for fuzzing.
pub fn weft_config() -> Config {
    let mut c = Config::default();
    c.consume_fuel(true)
        .max_call_depth(2_000)
        .wasm_legacy_exceptions(true);
    c
}

/// Check 1: decoding, validating and compiling arbitrary bytes (binary or
/// text) returns a value or an error, never panics.
pub fn decode(data: &[u8]) {
    let engine = Engine::default();
    let _ = Module::new(&engine, data);
    let _ = Module::validate(&engine, data);
}

/// Arguments for a function with parameters `params`, drawn from `u`.
pub fn arguments(params: &[ValType], u: &mut Unstructured<'_>) -> Vec<Val> {
    params
        .iter()
        .map(|t| match t {
            ValType::I32 => Val::I32(u.arbitrary().unwrap_or(0)),
            ValType::I64 => Val::I64(u.arbitrary().unwrap_or(0)),
            ValType::F32 => Val::F32(u.arbitrary().unwrap_or(0)),
            ValType::F64 => Val::F64(u.arbitrary().unwrap_or(0)),
            other => Val::default_for(*other),
        })
        .collect()
}

/// What [`execute`] saw, for statistics.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ExecStats {
    /// Whether instantiation succeeded.
    pub instantiated: bool,
    /// Calls that returned.
    pub returned: usize,
    /// Calls that trapped.
    pub trapped: usize,
    /// Calls that ended in a wasm exception nothing caught.
    pub thrown: usize,
}

/// Check 2: instantiate a generated module and call every exported function
/// with fuel. Any outcome is fine except a panic or an error that is
/// neither a trap nor an uncaught wasm exception.
pub fn execute(case: &TestCase) -> ExecStats {
    execute_with(case, &weft_config())
}

/// [`execute`] with engine configuration `config`.
pub fn execute_with(case: &TestCase, config: &Config) -> ExecStats {
    let mut stats = ExecStats::default();
    let engine = Engine::new(config);
    let module = match Module::new(&engine, &case.wasm) {
        Ok(m) => m,
        Err(e) => panic!("wasm-smith produced a module weft rejects: {e}"),
    };
    let mut store = Store::new(&engine, ());
    store.set_fuel(FUEL_PER_CALL).expect("fuel is enabled");
    store.limiter(weft_limits());
    let watchdog = config
        .interruptible_enabled()
        .then(|| Watchdog::start(store.interrupt_handle()));
    let Ok(instance) = Instance::new(&mut store, &module, &[]) else {
        return stats;
    };
    stats.instantiated = true;
    let mut u = Unstructured::new(&case.arg_seed);
    for (name, ext) in instance.exports(&mut store) {
        let Some(func) = ext.into_func() else {
            continue;
        };
        let ty = func.ty(&store);
        // A non-nullable reference parameter has no value to make up.
        if ty
            .params()
            .iter()
            .any(|t| t.as_ref().is_some_and(|r| !r.is_nullable()))
        {
            continue;
        }
        let args = arguments(ty.params(), &mut u);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        store.set_fuel(FUEL_PER_CALL).expect("fuel is enabled");
        watchdog.as_ref().map(Watchdog::tick);
        let outcome = func.call(&mut store, &args, &mut results);
        watchdog.as_ref().map(Watchdog::tick);
        match outcome {
            Ok(()) => stats.returned += 1,
            Err(e) if e.as_trap().is_some() => stats.trapped += 1,
            Err(e) if e.as_exception().is_some() => stats.thrown += 1,
            Err(e) => panic!("calling export `{name}` failed with a non-trap error: {e}"),
        }
    }
    stats
}

/// Interrupts a call still running after 100-200 ms. Fuel bounds every
/// call's work, so only a call blocked in `memory.atomic.wait` on a shared
/// memory (a random timeout, nobody to notify) runs that long.
struct Watchdog {
    /// Incremented when a call starts and when it ends: odd during a call.
    calls: std::sync::Arc<std::sync::atomic::AtomicU64>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Watchdog {
    fn start(handle: weft::InterruptHandle) -> Watchdog {
        use std::sync::atomic::Ordering::Relaxed;
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (c, s) = (calls.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut seen = u64::MAX;
            while !s.load(Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(100));
                let now = c.load(Relaxed);
                if now % 2 == 1 && now == seen {
                    handle.interrupt();
                }
                seen = now;
            }
        });
        Watchdog { calls, stop }
    }

    fn tick(&self) {
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A small deterministic generator (SplitMix64) for the smoke tests: the
/// same seed always gives the same bytes.
pub fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(len);
    out
}
