fn main() {
    let a: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&a[1]).unwrap();
    let case = weft_fuzz::test_case_gc(&data).unwrap();
    std::fs::write(&a[2], &case.wasm).unwrap();
    println!("{} bytes; arg seed {} bytes", case.wasm.len(), case.arg_seed.len());
}
