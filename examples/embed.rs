//! Embedding weft: define a host function, instantiate a module that
//! imports it, and call an export.
//!
//! Run with `cargo run -p weft --example embed`.

use weft::{Caller, Engine, Linker, Module, Store};

fn main() -> Result<(), weft::Error> {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "report" (func $report (param i32)))
             (func (export "sum_to") (param $n i32) (result i32)
               (local $acc i32)
               (block $done
                 (loop $next
                   (br_if $done (i32.eqz (local.get $n)))
                   (local.set $acc (i32.add (local.get $acc) (local.get $n)))
                   (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                   (br $next)))
               (call $report (local.get $acc))
               (local.get $acc)))"#,
    )?;

    // The store's data is a list of every value the guest reported.
    let mut store = Store::new(&engine, Vec::<i32>::new());
    let mut linker = Linker::new(&engine);
    linker.func_wrap(
        "host",
        "report",
        |mut caller: Caller<'_, Vec<i32>>, v: i32| {
            caller.data_mut().push(v);
        },
    )?;

    let instance = linker.instantiate(&mut store, &module)?;
    let sum_to = instance.get_typed_func::<i32, i32>(&mut store, "sum_to")?;
    let result = sum_to.call(&mut store, 100)?;
    println!("sum_to(100) = {result}");
    println!("host saw: {:?}", store.data());
    Ok(())
}
