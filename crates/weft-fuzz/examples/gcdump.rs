//! Writes the GC module a fuzz input (`fuzz/artifacts/differential_gc/...`)
//! stands for: `cargo run -p weft-fuzz --example gcdump -- INPUT OUT.wasm`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, out] = &args[..] else {
        eprintln!("usage: gcdump INPUT OUT.wasm");
        std::process::exit(2);
    };
    let data = std::fs::read(input).expect("the input is readable");
    let Ok(case) = weft_fuzz::test_case_gc(&data) else {
        eprintln!("the input makes no module");
        std::process::exit(1);
    };
    std::fs::write(out, &case.wasm).expect("the output is writable");
    println!(
        "{} bytes of module; {} bytes left for arguments",
        case.wasm.len(),
        case.arg_seed.len()
    );
}
