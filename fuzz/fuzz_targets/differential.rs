//! The same `wasm-smith` module and arguments in weft and in wasmi must give
//! the same results, traps (by kind) and exported state.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(case) = weft_fuzz::test_case(data) {
        if let Err(d) = weft_fuzz::differential(&case) {
            panic!("{d}");
        }
    }
});
