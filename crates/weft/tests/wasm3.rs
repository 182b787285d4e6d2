//! WebAssembly 3.0 features through the embedding API: tail calls,
//! extended constant expressions, wide arithmetic and their switches.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use weft::{Config, Engine, ErrorKind, Linker, Module, Store, TrapKind};

/// A host function in tail position is called once per wasm call and its
/// results are the caller's; the wasm frame is gone while it runs (a
/// million alternations of wasm -> host tail call -> wasm stay within the
/// frame limit because each wasm call returns before the next starts).
#[test]
fn a_tail_call_into_a_host_function_returns_its_results() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "step" (func $step (param i64) (result i64 i32)))
             (table funcref (elem $step))
             (func (export "direct") (param i64) (result i64 i32)
               (return_call $step (i64.add (local.get 0) (i64.const 1))))
             (func (export "indirect") (param i64) (result i64 i32)
               (return_call_indirect (param i64) (result i64 i32)
                 (local.get 0) (i32.const 0)))
             (func $loop (export "loop") (param i64) (result i64)
               (if (result i64) (i64.eqz (local.get 0))
                 (then (i64.const 7))
                 (else (return_call $loop
                   (call $step (local.get 0)) (drop))))))"#,
    )
    .unwrap();
    let calls = Arc::new(AtomicU64::new(0));
    let seen = calls.clone();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "step", move |x: i64| {
            seen.fetch_add(1, Ordering::Relaxed);
            (x - 1, (x % 2) as i32)
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let direct = inst
        .get_typed_func::<i64, (i64, i32)>(&mut store, "direct")
        .unwrap();
    assert_eq!(direct.call(&mut store, 10).unwrap(), (10, 1));
    let indirect = inst
        .get_typed_func::<i64, (i64, i32)>(&mut store, "indirect")
        .unwrap();
    assert_eq!(indirect.call(&mut store, 4).unwrap(), (3, 0));
    let looped = inst.get_typed_func::<i64, i64>(&mut store, "loop").unwrap();
    assert_eq!(looped.call(&mut store, 1_000_000).unwrap(), 7);
    assert_eq!(calls.load(Ordering::Relaxed), 2 + 1_000_000);
}

/// Tail recursion runs in constant stack even with a small frame limit.
#[test]
fn tail_recursion_runs_in_constant_stack() {
    let mut config = Config::default();
    config.max_call_depth(8);
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        r#"(module
             (func $f (export "f") (param i64 i64) (result i64)
               (if (result i64) (i64.eqz (local.get 0))
                 (then (local.get 1))
                 (else (return_call $f (i64.sub (local.get 0) (i64.const 1))
                   (i64.add (local.get 1) (local.get 0))))))
             (func $g (export "g") (param i64) (result i64)
               (if (result i64) (i64.eqz (local.get 0))
                 (then (i64.const 0))
                 (else (call $g (i64.sub (local.get 0) (i64.const 1)))))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = weft::Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst
        .get_typed_func::<(i64, i64), i64>(&mut store, "f")
        .unwrap();
    assert_eq!(f.call(&mut store, (1_000_000, 0)).unwrap(), 500_000_500_000);
    let g = inst.get_typed_func::<i64, i64>(&mut store, "g").unwrap();
    let e = g.call(&mut store, 100).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Trap(t) if t.kind() == TrapKind::StackOverflow),
        "{e}"
    );
}

#[test]
fn extended_constants_initialise_globals_and_offsets() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (global $g (export "g") i64
               (i64.sub (i64.mul (i64.const 6) (i64.const 7)) (i64.const 2)))
             (memory 1)
             (data (i32.add (i32.mul (i32.const 4) (i32.const 4)) (i32.const 4)) "\2a")
             (func (export "at") (param i32) (result i32)
               (i32.load8_u (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = weft::Instance::new(&mut store, &module, &[]).unwrap();
    let g = inst.get_global(&mut store, "g").unwrap();
    assert_eq!(g.get(&store).i64(), Some(40));
    let at = inst.get_typed_func::<i32, i32>(&mut store, "at").unwrap();
    assert_eq!(at.call(&mut store, 20).unwrap(), 42);
    assert_eq!(at.call(&mut store, 16).unwrap(), 0);
}

#[test]
fn wide_arithmetic_carries_between_halves() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (func (export "add") (param i64 i64 i64 i64) (result i64 i64)
               (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
             (func (export "mul_s") (param i64 i64) (result i64 i64)
               (i64.mul_wide_s (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = weft::Instance::new(&mut store, &module, &[]).unwrap();
    let add = inst
        .get_typed_func::<(i64, i64, i64, i64), (i64, i64)>(&mut store, "add")
        .unwrap();
    assert_eq!(add.call(&mut store, (-1, 0, 1, 0)).unwrap(), (0, 1));
    let mul = inst
        .get_typed_func::<(i64, i64), (i64, i64)>(&mut store, "mul_s")
        .unwrap();
    assert_eq!(mul.call(&mut store, (-2, 3)).unwrap(), (-6, -1));
}

/// Each 3.0 feature has its switch; off, a module using it is invalid.
#[test]
fn each_new_feature_can_be_switched_off() {
    let cases = [
        ("tail-call", "(module (func $f (return_call $f)))"),
        (
            "extended-const",
            "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
        ),
        ("memory64", "(module (memory i64 1))"),
        ("custom-page-sizes", "(module (memory 1 (pagesize 1)))"),
        (
            "wide-arithmetic",
            "(module (func (param i64 i64) (result i64 i64)
               (i64.mul_wide_u (local.get 0) (local.get 1))))",
        ),
        (
            "function-references",
            "(module (type $t (func)) (func (param (ref $t)) (call_ref $t (local.get 0))))",
        ),
        ("gc", "(module (rec (type (func)) (type (struct))))"),
        ("exceptions", "(module (tag (export \"e\")))"),
    ];
    for (name, wat) in cases {
        assert!(
            Module::new(&Engine::default(), wat).is_ok(),
            "{name} is on by default"
        );
        let mut config = Config::default();
        assert!(config.set_feature(name, false), "{name} is a feature name");
        let e = Module::new(&Engine::new(&config), wat).expect_err(name);
        assert!(matches!(e.kind(), ErrorKind::Module(_)), "{name}: {e}");
        assert!(
            Module::new(&Engine::new(&Config::wasm2()), wat).is_err(),
            "{name} is not 2.0"
        );
    }
}

/// A 64-bit memory made by the host: imported by wasm, grown and written
/// from both sides, and bounded by the store's memory limit.
#[test]
fn a_64_bit_memory_from_the_host() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "host" "mem" (memory i64 1))
             (func (export "get") (param i64) (result i32) (i32.load8_u (local.get 0)))
             (func (export "put") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
             (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    store.limiter(weft::StoreLimits {
        max_memory_bytes: Some(4 << 16),
        ..weft::StoreLimits::default()
    });
    let ty = weft::MemoryType::new64(1, None);
    assert!(ty.is_64());
    let mem = weft::Memory::new(&mut store, ty).unwrap();
    // A 32-bit import does not match it.
    let narrow = Module::new(&engine, r#"(module (import "host" "mem" (memory 1)))"#).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "host", "mem", mem).unwrap();
    assert!(linker.instantiate(&mut store, &narrow).is_err());
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let get = inst.get_typed_func::<i64, i32>(&mut store, "get").unwrap();
    let put = inst
        .get_typed_func::<(i64, i32), ()>(&mut store, "put")
        .unwrap();
    let grow = inst.get_typed_func::<i64, i64>(&mut store, "grow").unwrap();

    assert_eq!(mem.grow(&mut store, 1).unwrap(), 1);
    mem.write(&mut store, 0x1_0005, &[42]).unwrap();
    assert_eq!(get.call(&mut store, 0x1_0005).unwrap(), 42);
    put.call(&mut store, (0x1_fffe, 7)).unwrap();
    let mut b = [0u8];
    mem.read(&store, 0x1_fffe, &mut b).unwrap();
    assert_eq!(b, [7]);
    assert_eq!(mem.ty(&store), weft::MemoryType::new64(2, None));
    // The store's limit (4 pages) applies to 64-bit memories too.
    assert_eq!(grow.call(&mut store, 2).unwrap(), 2);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert!(mem.grow(&mut store, 1).is_err());
    let e = get.call(&mut store, 4 << 16).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Trap(t) if t.kind() == TrapKind::MemoryOutOfBounds),
        "{e}"
    );
    // A memory64 larger than the limit is refused at creation.
    assert!(weft::Memory::new(&mut store, weft::MemoryType::new64(1 << 40, None)).is_err());
}

/// The store's call stack spans activations: a trap in wasm called by a
/// host function called by wasm has a backtrace with the frames of both
/// activations, each with the byte offset of its instruction; and the
/// inner activation's frames sit above the outer one's, leaving its locals
/// intact.
#[test]
fn backtraces_span_host_calls_and_name_offsets() {
    let engine = Engine::default();
    let wat = r#"(module $m
          (import "host" "reenter" (func $reenter (param i32) (result i32)))
          (func $inner (export "inner") (param i32) (result i32)
            (local i64 i64 i64 i64)
            (if (i32.eqz (local.get 0)) (then unreachable))
            (i32.sub (local.get 0) (i32.const 1)))
          (func $outer (export "outer") (param i32) (result i32)
            (local $a i32) (local $b i32)
            (local.set $a (i32.const 1000))
            (local.set $b (i32.const 234))
            (i32.add
              (call $reenter (local.get 0))
              (i32.add (local.get $a) (local.get $b)))))"#;
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "reenter",
            |mut caller: weft::Caller<'_, ()>, x: i32| -> weft::Result<i32> {
                let inner = caller
                    .get_export("inner")
                    .and_then(weft::Extern::into_func)
                    .expect("inner is exported");
                let f = inner.typed::<i32, i32>(&caller)?;
                f.call(&mut caller, x)
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let outer = inst
        .get_typed_func::<i32, i32>(&mut store, "outer")
        .unwrap();
    assert_eq!(outer.call(&mut store, 5).unwrap(), 4 + 1234);

    let e = outer.call(&mut store, 0).unwrap_err();
    let trap = e.as_trap().expect("a trap");
    assert_eq!(trap.kind(), TrapKind::Unreachable);
    let names: Vec<_> = trap
        .backtrace()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["inner", "outer"], "{e}");
    let offsets: Vec<_> = trap.backtrace().iter().map(|f| f.offset).collect();
    let binary = wat::parse_str(wat).unwrap();
    // The trap is at `unreachable` (0x00), the outer frame at its `call`
    // (0x10) of the host function.
    let at = |o: Option<usize>| binary[o.expect("an offset")];
    assert_eq!(at(offsets[0]), 0x00, "{e}");
    assert_eq!(at(offsets[1]), 0x10, "{e}");
    assert!(e.to_string().contains("m!inner @ 0x"), "{e}");
    // The stack is usable again after the trap.
    assert_eq!(outer.call(&mut store, 3).unwrap(), 2 + 1234);
}
