//! Arbitrary bytes through decode, validate and compile: never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    weft_fuzz::decode(data);
});
