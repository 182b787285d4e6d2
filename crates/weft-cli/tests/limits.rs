//! `weft run` resource options: --fuel, --timeout, --max-memory,
//! --max-stack-depth.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn weft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .output()
        .expect("run weft")
}

const WAT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/limits.wat");

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn timeout_stops_an_infinite_loop() {
    let start = Instant::now();
    let o = weft(&["run", "--timeout", "1s", WAT, "--invoke", "spin"]);
    let took = start.elapsed();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    assert!(
        took >= Duration::from_millis(900),
        "stopped too early: {took:?}"
    );
    assert!(took < Duration::from_millis(1500), "took {took:?}");
}

#[test]
fn fuel_stops_an_infinite_loop() {
    let o = weft(&["run", "--fuel", "100000", WAT, "--invoke", "spin"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("all fuel consumed"), "{}", stderr(&o));
}

#[test]
fn enough_fuel_lets_the_call_finish() {
    let o = weft(&["run", "--fuel", "1000000", WAT, "--invoke", "rec", "100"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "100\n");
}

#[test]
fn memory_grow_past_max_memory_returns_minus_one() {
    let o = weft(&["run", "--max-memory", "2MiB", WAT, "--invoke", "grow", "31"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "1\n", "{}", stderr(&o));
    let o = weft(&["run", "--max-memory", "2MiB", WAT, "--invoke", "grow", "32"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "-1\n", "{}", stderr(&o));
}

#[test]
fn a_4gib_memory_over_the_limit_fails_cleanly() {
    let dir = std::env::temp_dir().join(format!("weft-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.wat");
    std::fs::write(&big, "(module (memory 65536) (func (export \"f\")))").unwrap();
    let o = weft(&[
        "run",
        "--max-memory",
        "64MiB",
        big.to_str().unwrap(),
        "--invoke",
        "f",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.starts_with("error:") && err.contains("limit"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn deep_recursion_traps_call_stack_exhausted() {
    let o = weft(&["run", WAT, "--invoke", "rec", "1000000"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("call stack exhausted"),
        "{}",
        stderr(&o)
    );
    let o = weft(&[
        "run",
        "--max-stack-depth",
        "50",
        WAT,
        "--invoke",
        "rec",
        "100",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = weft(&[
        "run",
        "--max-stack-depth",
        "500",
        WAT,
        "--invoke",
        "rec",
        "100",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "100\n",
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_limit_values_are_usage_errors() {
    let o = weft(&["run", "--timeout", "soon", WAT, "--invoke", "spin"]);
    assert_eq!(o.status.code(), Some(1));
    let o = weft(&["run", "--max-memory", "lots", WAT, "--invoke", "spin"]);
    assert_eq!(o.status.code(), Some(1));
}
