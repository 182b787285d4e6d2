//! Inputs the fuzzers found, replayed on every test run.

use weft_fuzz::{differential, execute, test_case};

/// A module whose exports grow memory by GiBs. Both engines allowed it, and
/// the differential target ran out of memory (libFuzzer's 2 GiB RSS limit).
/// Fixed in the harness: both engines now run under the same store limits,
/// past which `memory.grow` returns -1.
#[test]
fn differential_oom_memory_grow() {
    let data = include_bytes!("regressions/differential-oom-memory-grow.bin");
    let case = test_case(data).expect("the input still makes a module");
    execute(&case);
    if let Err(d) = differential(&case) {
        panic!("{d}");
    }
}
