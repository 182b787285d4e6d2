//! Valid `wasm-smith` modules, instantiated and every export called with
//! fuel: never a panic, never a non-trap error.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(case) = weft_fuzz::test_case(data) {
        weft_fuzz::execute(&case);
    }
});
