//! Writes the module of smoke-test seed N to a file and prints a node.js
//! replay of the differential run (a third opinion when weft and wasmi
//! disagree): `cargo run -p weft-fuzz --example dump -- SEED OUT.wasm`.
use arbitrary::Unstructured;
use weft::{Engine, Instance, Module, Store, Val};

fn js(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => format!("{x}n"),
        Val::F32(b) => format!("new Float32Array(new Uint32Array([{b}]).buffer)[0]"),
        Val::F64(b) => format!("new Float64Array(new BigUint64Array([{b}n]).buffer)[0]"),
        _ => "null".into(),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next().unwrap_or_default();
    let out = args.next().unwrap_or_else(|| "case.wasm".into());
    // A smoke-test seed, or a fuzzer input file (crash/oom artifact).
    let data = match first.parse::<u64>() {
        Ok(seed) => weft_fuzz::seed_bytes(seed, 1024 + (seed as usize % 7) * 1024),
        Err(_) => std::fs::read(&first).expect("read the input file"),
    };
    let seed = &first;
    let Ok(case) = weft_fuzz::test_case(&data) else {
        println!("no module for input {seed}");
        return;
    };
    std::fs::write(&out, &case.wasm).expect("write");
    if std::env::var_os("SKIP_DIFF").is_none() {
        match weft_fuzz::differential(&case) {
            Ok(n) => println!("// no divergence ({n} calls)"),
            Err(d) => println!("// {d}"),
        }
    }
    let engine = Engine::default();
    let module = Module::new(&engine, &case.wasm).expect("valid");
    let mut store = Store::new(&engine, ());
    let Ok(inst) = Instance::new(&mut store, &module, &[]) else {
        println!("// instantiation failed");
        return;
    };
    let mut u = Unstructured::new(&case.arg_seed);
    println!("const fs = require('fs');");
    println!("WebAssembly.instantiate(fs.readFileSync('{out}')).then(({{instance: i}}) => {{");
    println!(
        "  const e = i.exports; const show = () => {{ for (const [k, v] of Object.entries(e)) if (v instanceof WebAssembly.Global) console.log('  global', JSON.stringify(k), String(v.value)); }};"
    );
    for (name, ext) in inst.exports(&mut store) {
        let Some(f) = ext.into_func() else { continue };
        let a = weft_fuzz::arguments(f.ty(&store).params(), &mut u);
        let a: Vec<String> = a.iter().map(js).collect();
        println!(
            "  try {{ console.log({name:?}, String(e[{name:?}]({}))); }} catch (x) {{ console.log({name:?}, 'trap', x.message); }} show();",
            a.join(", ")
        );
    }
    println!("}});");
}
