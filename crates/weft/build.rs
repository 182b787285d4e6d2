//! Chooses how the interpreter's handlers chain (see `src/exec/handlers.rs`).
//!
//! Tail-call dispatch relies on LLVM turning each handler's final call into
//! a jump. That happens only in optimised code: an unoptimised build would
//! grow the host stack with every wasm instruction executed. So it is used
//! only at `opt-level` 2 or 3 without debug assertions, on x86-64 and
//! AArch64, and not in instrumented builds (coverage or sanitizer
//! instrumentation, as `cargo fuzz` adds, inserts calls after a handler's
//! final call, which then is no longer a tail call); every other build
//! chains handlers through a loop. Setting `WEFT_DISPATCH=loop` forces the
//! loop.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(weft_tail_dispatch)");
    println!("cargo::rerun-if-env-changed=WEFT_DISPATCH");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo::rerun-if-changed=build.rs");
    let opt = env::var("OPT_LEVEL").unwrap_or_default();
    let debug_assertions = env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let forced_loop = env::var("WEFT_DISPATCH").is_ok_and(|v| v == "loop");
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let instrumented = env::var_os("CARGO_CFG_FUZZING").is_some()
        || env::var_os("CARGO_CFG_SANITIZE").is_some()
        || ["sanitizer", "instrument-coverage", "debug-assertions"]
            .iter()
            .any(|f| flags.contains(f));
    let tail = matches!(opt.as_str(), "2" | "3")
        && !debug_assertions
        && matches!(arch.as_str(), "x86_64" | "aarch64")
        && !forced_loop
        && !instrumented;
    if tail {
        println!("cargo::rustc-cfg=weft_tail_dispatch");
    }
}
