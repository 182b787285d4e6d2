//! Deterministic smoke versions of the fuzz targets: a fixed range of seeds,
//! so CI checks every change against wasmi. (The real fuzzers live in
//! `fuzz/`; see `fuzz/README.md`.)

use weft_fuzz::{
    TestCase, decode, differential, execute, execute_with, seed_bytes, test_case,
    test_case_exceptions, test_case_gc, test_case_threads, weft_config,
};

const MODULES: u64 = 5_000;

/// The first seed of the differential sweep: 0, or `SMOKE_FIRST_SEED` to
/// sweep another range by hand (`SMOKE_FIRST_SEED=100000 cargo test
/// --release -p weft-fuzz --test smoke differential`).
fn first_seed() -> u64 {
    std::env::var("SMOKE_FIRST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn cases() -> impl Iterator<Item = (u64, TestCase)> {
    let first = first_seed();
    (first..first + MODULES).filter_map(|seed| {
        let data = seed_bytes(seed, 1024 + (seed as usize % 7) * 1024);
        test_case(&data).ok().map(|c| (seed, c))
    })
}

#[test]
fn decode_never_panics_on_noise_or_mutations() {
    for seed in 0..MODULES {
        decode(&seed_bytes(seed, 64 + seed as usize % 512));
    }
    // Valid modules with bytes flipped exercise deeper decoder paths.
    for (seed, case) in cases().take(500) {
        let mut wasm = case.wasm.clone();
        let noise = seed_bytes(seed ^ 0xabcdef, 8);
        for (i, b) in noise.iter().enumerate() {
            let at = (u64::from(*b) * 7919 + i as u64 * 104_729) as usize % wasm.len().max(1);
            if let Some(x) = wasm.get_mut(at) {
                *x ^= b | 1;
            }
        }
        decode(&wasm);
    }
}

#[test]
fn generated_modules_execute_without_panics() {
    let (mut n, mut instantiated, mut calls) = (0, 0, 0);
    for (_, case) in cases() {
        let stats = execute(&case);
        n += 1;
        instantiated += usize::from(stats.instantiated);
        calls += stats.returned + stats.trapped;
    }
    println!("{n} modules, {instantiated} instantiated, {calls} calls");
    assert!(n as u64 > MODULES / 2, "too few modules generated: {n}");
    assert!(calls > n, "too few calls made: {calls}");
}

/// Modules with exception handling (which wasmi does not run, so only
/// the no-panic check): throws, catches and rethrows in random code.
#[test]
fn generated_modules_with_exceptions_execute_without_panics() {
    let (mut n, mut calls, mut thrown) = (0, 0, 0);
    for seed in 0..MODULES / 2 {
        let data = seed_bytes(seed ^ 0x5eed_0e4c, 1024 + (seed as usize % 7) * 1024);
        let Ok(case) = test_case_exceptions(&data) else {
            continue;
        };
        let stats = execute(&case);
        n += 1;
        calls += stats.returned + stats.trapped + stats.thrown;
        thrown += stats.thrown;
    }
    println!("{n} modules with exceptions, {calls} calls, {thrown} uncaught exceptions");
    assert!(n as u64 > MODULES / 4, "too few modules generated: {n}");
    assert!(calls > n, "too few calls made: {calls}");
    assert!(thrown > 0, "no generated code threw");
}

/// Modules with shared memories and atomics (wasmi has none, so the
/// no-panic check), with interrupt checks so that a call blocked in a
/// `wait` nobody notifies is ended by the watchdog.
#[test]
fn generated_modules_with_threads_execute_without_panics() {
    let mut config = weft_config();
    config.interruptible(true);
    let (mut n, mut calls) = (0, 0);
    for seed in 0..MODULES / 4 {
        let data = seed_bytes(seed ^ 0x7ead_5eed, 1024 + (seed as usize % 7) * 1024);
        let Ok(case) = test_case_threads(&data) else {
            continue;
        };
        let stats = execute_with(&case, &config);
        n += 1;
        calls += stats.returned + stats.trapped;
    }
    println!("{n} modules with threads, {calls} calls");
    assert!(n as u64 > MODULES / 8, "too few modules generated: {n}");
    assert!(calls > n, "too few calls made: {calls}");
}

/// Modules with GC types and instructions (wasmi has none, so the
/// no-panic check; `fuzz/`'s `differential_gc` compares with wasmtime).
/// Every fourth one collects at every allocation, so a root the
/// collector misses turns into a wrong result or a trap, never a panic.
#[test]
fn generated_modules_with_gc_execute_without_panics() {
    let (mut n, mut calls) = (0, 0);
    let mut zeal = weft_config();
    zeal.gc_zeal(true);
    for seed in 0..MODULES / 2 {
        let data = seed_bytes(seed ^ 0x6c_0ea7, 1024 + (seed as usize % 7) * 1024);
        let Ok(case) = test_case_gc(&data) else {
            continue;
        };
        let stats = if seed % 4 == 0 {
            execute_with(&case, &zeal)
        } else {
            execute(&case)
        };
        n += 1;
        calls += stats.returned + stats.trapped + stats.thrown;
    }
    println!("{n} modules with GC, {calls} calls");
    assert!(n as u64 > MODULES / 4, "too few modules generated: {n}");
    assert!(calls > n, "too few calls made: {calls}");
}

#[test]
fn weft_agrees_with_wasmi() {
    let (mut n, mut compared) = (0, 0);
    let mut divergences = Vec::new();
    for (seed, case) in cases() {
        n += 1;
        match differential(&case) {
            Ok(c) => compared += c,
            Err(d) => divergences.push(format!("seed {seed}: {d}")),
        }
    }
    println!("{n} modules, {compared} calls compared");
    for d in &divergences {
        println!("{d}");
    }
    assert!(compared > n, "too few calls compared: {compared}");
    assert!(divergences.is_empty(), "{} divergences", divergences.len());
}
