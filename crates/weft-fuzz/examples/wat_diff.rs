//! Runs export `f` of a text module in weft and wasmi with i64 arguments and
//! prints both outcomes: `cargo run -p weft-fuzz --example wat_diff -- FILE.wat A B`.
fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("FILE.wat");
    let params: Vec<i64> = args.filter_map(|a| a.parse().ok()).collect();
    let wasm = wat::parse_file(&file).expect("valid wat");
    let case = weft_fuzz::TestCase {
        wasm,
        arg_seed: Vec::new(),
    };
    let engine = weft::Engine::default();
    let module = weft::Module::new(&engine, &case.wasm).expect("weft compiles");
    let mut store = weft::Store::new(&engine, ());
    let inst = weft::Instance::new(&mut store, &module, &[]).expect("weft instantiates");
    let f = inst.get_func(&mut store, "f").expect("export f");
    let a: Vec<weft::Val> = params.iter().map(|x| weft::Val::I64(*x)).collect();
    let mut r = [weft::Val::I64(0)];
    println!(
        "weft:  {:?}",
        f.call(&mut store, &a, &mut r).map(|_| r[0].clone())
    );
    let we = wasmi::Engine::default();
    let wm = wasmi::Module::new(&we, &case.wasm[..]).expect("wasmi compiles");
    let mut ws = wasmi::Store::new(&we, ());
    let wi = wasmi::Linker::<()>::new(&we)
        .instantiate_and_start(&mut ws, &wm)
        .expect("wasmi instantiates");
    let wf = wi.get_func(&ws, "f").expect("export f");
    let wa: Vec<wasmi::Val> = params.iter().map(|x| wasmi::Val::I64(*x)).collect();
    let mut wr = [wasmi::Val::I64(0)];
    println!(
        "wasmi: {:?}",
        wf.call(&mut ws, &wa, &mut wr).map(|_| wr[0].clone())
    );
}
