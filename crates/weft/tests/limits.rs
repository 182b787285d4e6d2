//! Resource limits, fuel, interruption, and that a store stays usable after
//! each of them stops a call.

use std::time::{Duration, Instant};
use weft::{Config, Engine, ErrorKind, Instance, Module, Store, StoreLimits, TrapKind};

const PROGRAM: &str = r#"(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 7))
  (func $rec (export "rec") (param i32) (result i32)
    local.get 0 i32.eqz
    if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $rec i32.const 1 i32.add end)
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32)
    (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    local.get 1)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))"#;

fn setup(config: &Config) -> (Store<()>, Instance) {
    instantiate(config, PROGRAM)
}

fn instantiate(config: &Config, wat: &str) -> (Store<()>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    (store, inst)
}

fn trap_kind(e: &weft::Error) -> Option<TrapKind> {
    e.as_trap().map(|t| t.kind())
}

/// The store still answers calls and kept its state.
fn assert_usable(store: &mut Store<()>, inst: Instance) {
    let poke = inst
        .get_typed_func::<(i32, i32), ()>(&mut *store, "poke")
        .unwrap();
    let peek = inst
        .get_typed_func::<i32, i32>(&mut *store, "peek")
        .unwrap();
    poke.call(&mut *store, (16, 99)).unwrap();
    assert_eq!(peek.call(&mut *store, 16).unwrap(), 99);
    let g = inst.get_global(&mut *store, "g").unwrap();
    assert_eq!(g.get(&*store), weft::Val::I32(7));
}

#[test]
fn million_deep_recursion_traps_call_stack_exhausted() {
    let (mut store, inst) = setup(&Config::default());
    let rec = inst.get_typed_func::<i32, i32>(&mut store, "rec").unwrap();
    let e = rec.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(trap_kind(&e), Some(TrapKind::StackOverflow));
    assert!(e.to_string().contains("call stack exhausted"), "{e}");
    assert_eq!(rec.call(&mut store, 1000).unwrap(), 1000);
    assert_usable(&mut store, inst);
}

#[test]
fn fuel_stops_an_infinite_loop() {
    let mut config = Config::default();
    config.consume_fuel(true);
    let (mut store, inst) = setup(&config);
    store.set_fuel(10_000).unwrap();
    let spin = inst.get_typed_func::<(), ()>(&mut store, "spin").unwrap();
    let e = spin.call(&mut store, ()).unwrap_err();
    assert_eq!(trap_kind(&e), Some(TrapKind::OutOfFuel));
    assert!(store.get_fuel().unwrap() < 10);
    store.set_fuel(1_000_000).unwrap();
    assert_usable(&mut store, inst);
}

#[test]
fn fuel_is_charged_in_proportion_to_work() {
    let mut config = Config::default();
    config.consume_fuel(true);
    let (mut store, inst) = setup(&config);
    let count = inst
        .get_typed_func::<i32, i32>(&mut store, "count")
        .unwrap();
    store.set_fuel(u64::MAX / 2).unwrap();
    let before = store.get_fuel().unwrap();
    assert_eq!(count.call(&mut store, 100).unwrap(), 100);
    let used_100 = before - store.get_fuel().unwrap();
    let before = store.get_fuel().unwrap();
    assert_eq!(count.call(&mut store, 1000).unwrap(), 1000);
    let used_1000 = before - store.get_fuel().unwrap();
    assert!(used_100 >= 100, "each iteration costs fuel: {used_100}");
    assert!(
        used_1000 > 9 * used_100 && used_1000 < 11 * used_100,
        "{used_100} vs {used_1000}"
    );
    // Exactly the fuel a call needs is enough; one unit less is not.
    store.set_fuel(used_1000).unwrap();
    assert_eq!(count.call(&mut store, 1000).unwrap(), 1000);
    store.set_fuel(used_1000 - 1).unwrap();
    let e = count.call(&mut store, 1000).unwrap_err();
    assert_eq!(trap_kind(&e), Some(TrapKind::OutOfFuel));
}

/// The fuel one call of `name` with `arg` uses.
fn fuel_used(store: &mut Store<()>, inst: Instance, name: &str, arg: i32) -> u64 {
    let f = inst.get_typed_func::<i32, i32>(&mut *store, name).unwrap();
    store.set_fuel(1_000_000).unwrap();
    f.call(&mut *store, arg).unwrap();
    1_000_000 - store.get_fuel().unwrap()
}

#[test]
fn fuel_charges_the_code_after_a_construct_once_on_every_path_through_it() {
    // `arms`: an `if` whose arms differ by ten operators, then code after
    // it that every path runs. `exit`: code after an inner block that the
    // `br_if` out of both blocks skips.
    let wat = r#"(module
      (func (export "arms") (param i32) (result i32)
        (local i32)
        (if (local.get 0)
          (then
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))))
        (i32.mul (i32.add (local.get 1) (i32.const 3)) (i32.const 5)))
      (func (export "exit") (param i32) (result i32)
        (local i32)
        (block $out
          (block $in
            (br_if $out (local.get 0))
            (local.set 1 (i32.const 1)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1))))
        (local.get 1)))"#;
    let mut config = Config::default();
    config.consume_fuel(true);
    let (mut store, inst) = instantiate(&config, wat);
    let skipped = fuel_used(&mut store, inst, "arms", 0);
    let taken = fuel_used(&mut store, inst, "arms", 1);
    assert_eq!(taken - skipped, 10, "{skipped} vs {taken}");
    assert_eq!(fuel_used(&mut store, inst, "arms", 0), skipped);
    let through = fuel_used(&mut store, inst, "exit", 0);
    let out = fuel_used(&mut store, inst, "exit", 1);
    assert!(out + 5 <= through, "{out} vs {through}");
}

#[test]
fn fuel_requires_the_config_switch() {
    let (mut store, _) = setup(&Config::default());
    assert!(store.set_fuel(5).is_err());
    assert!(store.get_fuel().is_err());
}

#[test]
fn interrupt_from_another_thread_stops_an_infinite_loop() {
    let mut config = Config::default();
    config.interruptible(true);
    let (mut store, inst) = setup(&config);
    let handle = store.interrupt_handle();
    let spin = inst.get_typed_func::<(), ()>(&mut store, "spin").unwrap();
    let start = Instant::now();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        handle.interrupt();
    });
    let e = spin.call(&mut store, ()).unwrap_err();
    t.join().unwrap();
    assert_eq!(trap_kind(&e), Some(TrapKind::Interrupted));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_usable(&mut store, inst);
}

#[test]
fn memory_grow_past_the_limit_returns_minus_one() {
    let engine = Engine::default();
    let module = Module::new(&engine, PROGRAM).unwrap();
    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimits {
        max_memory_bytes: Some(4 * 65536),
        ..StoreLimits::default()
    });
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = inst.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 0).unwrap(), 4);
    assert_usable(&mut store, inst);
}

#[test]
fn huge_memory_over_the_limit_fails_instantiation_cleanly() {
    let engine = Engine::default();
    let big = Module::new(&engine, "(module (memory 65536))").unwrap();
    let module = Module::new(&engine, PROGRAM).unwrap();
    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimits {
        max_memory_bytes: Some(64 << 20),
        ..StoreLimits::default()
    });
    let e = Instance::new(&mut store, &big, &[]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Instantiate(_)), "{e}");
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    assert_usable(&mut store, inst);
}

#[test]
fn instance_memory_and_table_counts_are_limited() {
    let engine = Engine::default();
    let module = Module::new(&engine, "(module (memory 1) (table 1 funcref))").unwrap();
    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimits {
        max_instances: Some(2),
        ..StoreLimits::default()
    });
    Instance::new(&mut store, &module, &[]).unwrap();
    Instance::new(&mut store, &module, &[]).unwrap();
    assert!(Instance::new(&mut store, &module, &[]).is_err());

    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimits {
        max_memories: Some(1),
        ..StoreLimits::default()
    });
    Instance::new(&mut store, &module, &[]).unwrap();
    assert!(Instance::new(&mut store, &module, &[]).is_err());

    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimits {
        max_table_elements: Some(0),
        ..StoreLimits::default()
    });
    assert!(Instance::new(&mut store, &module, &[]).is_err());
}

#[test]
fn a_trap_in_one_instance_leaves_others_intact() {
    let engine = Engine::default();
    let module = Module::new(&engine, PROGRAM).unwrap();
    let mut store = Store::new(&engine, ());
    let a = Instance::new(&mut store, &module, &[]).unwrap();
    let b = Instance::new(&mut store, &module, &[]).unwrap();
    let peek_a = a.get_typed_func::<i32, i32>(&mut store, "peek").unwrap();
    let e = peek_a.call(&mut store, 1 << 20).unwrap_err();
    assert_eq!(trap_kind(&e), Some(TrapKind::MemoryOutOfBounds));
    assert_usable(&mut store, a);
    assert_usable(&mut store, b);
}

/// Every kind of handler chains to the next without growing the host stack:
/// a million loop turns through calls, returns, indirect calls, a call into
/// another instance, a host call, `br_table`, globals, memory, SIMD and a
/// second memory run on a thread with a 256 KiB stack. (Tail-call dispatch,
/// used in optimised builds, would overflow it within a few thousand
/// instructions if any handler's dispatch were a real call; CI runs this
/// test in a release build too.)
#[test]
fn dispatch_does_not_grow_the_host_stack() {
    // Plain code, and interruptible code (checked back-edges) with samples
    // asked for all the time.
    for interruptible in [false, true] {
        let mut config = Config::default();
        config.interruptible(interruptible);
        dispatch_on_a_small_stack(Engine::new(&config));
    }
}

fn dispatch_on_a_small_stack(engine: Engine) {
    let lib = Module::new(
        &engine,
        r#"(module (func (export "inc") (param i32) (result i32)
             local.get 0 i32.const 1 i32.add))"#,
    )
    .unwrap();
    let main = Module::new(
        &engine,
        r#"(module
          (import "lib" "inc" (func $inc (param i32) (result i32)))
          (import "host" "id" (func $id (param i32) (result i32)))
          (memory 1) (memory $m2 1)
          (global $g (mut i64) (i64.const 0))
          (table 2 funcref) (elem (i32.const 0) $sq $twice)
          (type $t (func (param i32) (result i32)))
          (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
          (func $twice (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
          (func (export "run") (param $n i32) (result i32)
            (local $i i32) (local $acc i32) (local $v v128)
            (loop $l
              (local.set $acc (i32.add (local.get $acc)
                (call_indirect (type $t) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
              (local.set $acc (call $inc (local.get $acc)))
              (if (i32.eqz (i32.and (local.get $i) (i32.const 1023)))
                (then (local.set $acc (call $id (local.get $acc)))))
              (block $b2 (block $b1 (block $b0
                (br_table $b0 $b1 $b2 (i32.rem_u (local.get $i) (i32.const 3))))
                (global.set $g (i64.add (global.get $g) (i64.const 1))))
                (i32.store (i32.const 8) (local.get $i)))
              (i32.store $m2 (i32.const 16) (i32.load (i32.const 8)))
              (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $i))))
              (v128.store (i32.const 32) (local.get $v))
              (local.set $v (i32x4.replace_lane 0
                (i32x4.neg (i32x4.neg (i32x4.shl (v128.load (i32.const 32)) (i32.const 0))))
                (i32x4.extract_lane 0 (local.get $v))))
              (local.set $acc (select (local.get $acc) (i32.const 0) (local.get $n)))
              (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                  (local.get $n))))
            (i32.add (local.get $acc)
              (i32.add (i32x4.extract_lane 3 (local.get $v)) (i32.wrap_i64 (global.get $g))))))"#,
    )
    .unwrap();
    let result = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let mut store = Store::new(&engine, ());
            let lib = Instance::new(&mut store, &lib, &[]).unwrap();
            let inc = lib.get_func(&mut store, "inc").unwrap();
            let id = weft::Func::wrap(&mut store, |x: i32| x);
            let inst = Instance::new(&mut store, &main, &[inc.into(), id.into()]).unwrap();
            let run = inst.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
            let sampler = store.sample_handle();
            let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let stop = done.clone();
            let asker = std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    sampler.request();
                    std::thread::sleep(Duration::from_micros(200));
                }
            });
            let r = run.call(&mut store, 1_000_000).unwrap();
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            asker.join().unwrap();
            r
        })
        .unwrap()
        .join()
        .expect("the interpreter overflowed a 256 KiB host stack");
    // Same loop in Rust, as the oracle.
    let (mut acc, mut v3, mut g) = (0u32, 0u32, 0u64);
    for i in 0..1_000_000u32 {
        acc = acc.wrapping_add(if i & 1 == 0 {
            i.wrapping_mul(i)
        } else {
            i << 1
        });
        acc = acc.wrapping_add(1);
        if i % 3 == 0 {
            g += 1;
        }
        v3 = v3.wrapping_add(i);
    }
    assert_eq!(result as u32, acc.wrapping_add(v3).wrapping_add(g as u32));
}

/// Infinite loops, each closed by another kind of branch (run with 1).
const LOOPS: &str = r#"(module
      (func (export "br") (param i32) (loop $l (br $l)))
      (func (export "br_if") (param i32) (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (local.get 0))))
      (func (export "eqz") (param i32)
        (loop $l (br_if $l (i32.eqz (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "cmp") (param i32) (local i32)
        (loop $l
          (local.set 1 (i32.xor (local.get 1) (i32.const 1)))
          (br_if $l (i32.le_u (local.get 1) (local.get 0)))))
      (func (export "cmp_imm") (param i32) (local i32)
        (loop $l
          (local.set 1 (i32.xor (local.get 1) (local.get 0)))
          (br_if $l (i32.ne (local.get 1) (i32.const 7)))))
      (func (export "add_br") (param i32) (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 1) (i32.const -1)))))
      (func (export "f64") (param i32) (local f64)
        (loop $l
          (local.set 1 (f64.add (local.get 1) (f64.const 0)))
          (br_if $l (f64.lt (local.get 1) (f64.const 1)))))
      (func (export "while") (param i32) (local i32)
        (block $done
          (loop $l
            (br_if $done (i32.eq (local.get 0) (i32.const 7)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br $l))))
      (func (export "table") (param i32)
        (loop $l (block $b (br_table $l $b (i32.const 0))))))"#;
const LOOP_NAMES: [&str; 9] = [
    "br", "br_if", "eqz", "cmp", "cmp_imm", "add_br", "f64", "while", "table",
];

/// Every kind of branch that closes a loop checks for an interrupt (the
/// back-edge jumps past the header's check and does it itself).
#[test]
fn interrupt_stops_loops_closed_by_every_kind_of_branch() {
    let mut config = Config::default();
    config.interruptible(true);
    let (mut store, inst) = instantiate(&config, LOOPS);
    for name in LOOP_NAMES {
        let f = inst.get_typed_func::<i32, ()>(&mut store, name).unwrap();
        let handle = store.interrupt_handle();
        let start = Instant::now();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            handle.interrupt();
        });
        let e = f.call(&mut store, 1).unwrap_err();
        t.join().unwrap();
        assert_eq!(trap_kind(&e), Some(TrapKind::Interrupted), "{name}");
        assert!(start.elapsed() < Duration::from_secs(5), "{name}");
    }
}

/// Every kind of branch that closes a loop charges the loop's fuel (the
/// back-edge jumps past the header's `ConsumeFuel` and charges it itself),
/// with interruption off and on: each loop runs out, and the fuel left is
/// less than one turn's.
#[test]
fn fuel_runs_out_in_loops_closed_by_every_kind_of_branch() {
    for interruptible in [false, true] {
        let mut config = Config::default();
        config.consume_fuel(true).interruptible(interruptible);
        let (mut store, inst) = instantiate(&config, LOOPS);
        for name in LOOP_NAMES {
            let f = inst.get_typed_func::<i32, ()>(&mut store, name).unwrap();
            store.set_fuel(100_000).unwrap();
            let e = f.call(&mut store, 1).unwrap_err();
            assert_eq!(trap_kind(&e), Some(TrapKind::OutOfFuel), "{name}");
            let left = store.get_fuel().unwrap();
            assert!(
                left < 10,
                "{name} (interruptible: {interruptible}): {left} left"
            );
        }
    }
}
