//! The GC heap and its collector: what survives a collection, what is
//! freed, limits, and a long allocation loop with a bounded heap.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use weft::{
    AnyRef, AsContextMut, Caller, Config, Engine, ExternRef, Func, Instance, Linker, Module, Store,
    StoreLimits, TrapKind, Val,
};

fn engine(zeal: bool) -> Engine {
    let mut config = Config::default();
    config.gc_zeal(zeal);
    Engine::new(&config)
}

fn instance(engine: &Engine, wat: &str) -> (Store<()>, Instance) {
    let module = Module::new(engine, wat).unwrap();
    let mut store = Store::new(engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    (store, inst)
}

fn call(store: &mut Store<()>, inst: &Instance, name: &str, args: &[Val], n: usize) -> Vec<Val> {
    let mut out = vec![Val::I32(0); n];
    inst.get_func(&mut *store, name)
        .unwrap_or_else(|| panic!("no export {name}"))
        .call(&mut *store, args, &mut out)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    out
}

const LISTS: &str = r#"
(module
  (type $node (struct (field $val i32) (field $next (ref null $node))))
  (type $bytes (array (mut i8)))
  (type $tree (struct (field $l (ref null $tree)) (field $r (ref null $tree))))
  ;; A list of n nodes, n-1 down to 0; returns its head.
  (func $list (export "list") (param $n i32) (result (ref null $node))
    (local $head (ref null $node))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $head (struct.new $node (local.get $n) (local.get $head)))
        (br $l)))
    (local.get $head))
  ;; The sum of a list's values.
  (func $sum (export "sum") (param $p (ref null $node)) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (local.set $s
          (i32.add (local.get $s)
                   (struct.get $node $val (br_on_null $done (local.get $p)))))
        (local.set $p (struct.get $node $next (local.get $p)))
        (br $l)))
    (local.get $s))
  (func $tree (param $d i32) (result (ref null $tree))
    (if (result (ref null $tree)) (i32.eqz (local.get $d))
      (then (ref.null $tree))
      (else (struct.new $tree
              (call $tree (i32.sub (local.get $d) (i32.const 1)))
              (call $tree (i32.sub (local.get $d) (i32.const 1)))))))
  (func $count (param $t (ref null $tree)) (result i32)
    (if (result i32) (ref.is_null (local.get $t))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
              (i32.add (call $count (struct.get $tree $l (local.get $t)))
                       (call $count (struct.get $tree $r (local.get $t))))))))
  ;; `rounds` times: a list of `n` nodes summed, a byte array, a tree of
  ;; depth 6 counted; all garbage right after. Returns the last sum.
  (func (export "churn") (param $rounds i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $rounds)))
        (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
        (local.set $s (call $sum (call $list (local.get $n))))
        (drop (array.new $bytes (i32.const 7) (i32.const 64)))
        (if (i32.ne (call $count (call $tree (i32.const 6))) (i32.const 63))
          (then unreachable))
        (br $l)))
    (local.get $s))
  ;; A struct whose operand is still on the stack while the next one is
  ;; allocated: the first must survive that allocation.
  (func (export "pair") (result i32)
    (struct.get $node $val
      (struct.get $node $next
        (struct.new $node (i32.const 1) (struct.new $node (i32.const 41) (ref.null $node))))))
)
"#;

#[test]
fn values_on_the_stack_survive_a_collection_at_every_allocation() {
    let engine = engine(true);
    let (mut store, inst) = instance(&engine, LISTS);
    assert_eq!(call(&mut store, &inst, "pair", &[], 1)[0], Val::I32(41));
    let out = call(&mut store, &inst, "churn", &[Val::I32(20), Val::I32(30)], 1);
    assert_eq!(out[0], Val::I32(435));
    let stats = store.gc_stats();
    assert!(stats.collections >= stats.allocated, "{stats:?}");
    assert!(stats.freed > 0, "{stats:?}");
}

/// 10 million short-lived objects (lists, trees, arrays) with the heap
/// bounded: the collector runs and the live size stays small.
#[test]
fn ten_million_short_lived_objects_keep_the_heap_small() {
    let engine = engine(false);
    let (mut store, inst) = instance(&engine, LISTS);
    // Per round: 100 list nodes, one array, 63 tree nodes.
    let rounds = 10_000_000 / 164 + 1;
    let out = call(
        &mut store,
        &inst,
        "churn",
        &[Val::I32(rounds), Val::I32(100)],
        1,
    );
    assert_eq!(out[0], Val::I32(4950));
    let stats = store.gc_stats();
    println!("{stats:?}");
    assert!(stats.allocated >= 10_000_000, "{stats:?}");
    assert!(stats.collections > 10, "{stats:?}");
    assert!(
        stats.peak_bytes < 4 << 20,
        "peak heap {} bytes",
        stats.peak_bytes
    );
    assert!(
        stats.freed + stats.live_objects == stats.allocated,
        "{stats:?}"
    );
}

/// Counts the drops of host values behind `externref`s.
struct Tracked(Arc<AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn externref_payloads_are_freed_once_unreachable() {
    let engine = engine(false);
    let (mut store, inst) = instance(
        &engine,
        r#"(module
             (table $t 4 externref)
             (global $g (mut externref) (ref.null extern))
             (func (export "to_table") (param externref) (table.set $t (i32.const 0) (local.get 0)))
             (func (export "to_global") (param externref) (global.set $g (local.get 0)))
             (func (export "clear")
               (table.set $t (i32.const 0) (ref.null extern))
               (global.set $g (ref.null extern))))"#,
    );
    let drops = Arc::new(AtomicUsize::new(0));
    let a = ExternRef::new(&mut store, Tracked(drops.clone())).unwrap();
    let b = ExternRef::new(&mut store, Tracked(drops.clone())).unwrap();
    let c = ExternRef::new(&mut store, Tracked(drops.clone())).unwrap();
    call(
        &mut store,
        &inst,
        "to_table",
        &[Val::ExternRef(Some(a.clone()))],
        0,
    );
    call(
        &mut store,
        &inst,
        "to_global",
        &[Val::ExternRef(Some(b.clone()))],
        0,
    );
    drop((a, b));
    store.gc();
    // `a` is in the table, `b` in the global, `c` held by the host.
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    assert!(c.data(&store).is_some());
    drop(c);
    store.gc();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    call(&mut store, &inst, "clear", &[], 0);
    store.gc();
    assert_eq!(drops.load(Ordering::SeqCst), 3);
    assert_eq!(store.gc_stats().live_objects, 0);
}

#[test]
fn objects_of_a_suspended_activation_survive_a_collection_in_the_host() {
    let engine = engine(false);
    let module = Module::new(
        &engine,
        r#"(module
             (type $box (struct (field i32)))
             (import "host" "collect" (func $collect))
             (import "host" "reenter" (func $reenter (result i32)))
             (func (export "inner") (result i32)
               (local $b (ref null $box))
               (local.set $b (struct.new $box (i32.const 5)))
               (call $collect)
               (struct.get $box 0 (local.get $b)))
             (func (export "outer") (result i32)
               (local $b (ref null $box))
               (local.set $b (struct.new $box (i32.const 37)))
               (i32.add (call $reenter) (struct.get $box 0 (local.get $b)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "collect", |mut caller: Caller<'_, ()>| {
            caller.as_context_mut().gc();
        })
        .unwrap();
    linker
        .func_wrap("host", "reenter", |mut caller: Caller<'_, ()>| -> i32 {
            let Some(weft::Extern::Func(inner)) = caller.get_export("inner") else {
                panic!("no inner");
            };
            let mut out = [Val::I32(0)];
            inner.call(&mut caller, &[], &mut out).unwrap();
            out[0].i32().unwrap()
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let mut out = [Val::I32(0)];
    let outer = inst.get_func(&mut store, "outer").unwrap();
    outer.call(&mut store, &[], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(42));
    assert!(store.gc_stats().collections >= 1);
    store.gc();
    assert_eq!(store.gc_stats().live_objects, 0);
}

#[test]
fn host_handles_keep_objects_alive_and_cross_the_boundary() {
    let engine = engine(false);
    let (mut store, inst) = instance(
        &engine,
        r#"(module
             (type $box (struct (field i32)))
             (func (export "make") (param i32) (result anyref) (struct.new $box (local.get 0)))
             (func (export "get") (param anyref) (result i32)
               (struct.get $box 0 (ref.cast (ref $box) (local.get 0))))
             (func (export "i31") (param i32) (result anyref) (ref.i31 (local.get 0))))"#,
    );
    let out = call(&mut store, &inst, "make", &[Val::I32(9)], 1);
    let Val::AnyRef(Some(r)) = &out[0] else {
        panic!("expected a struct, got {:?}", out[0]);
    };
    assert!(r.is_struct(&store));
    let r = r.clone();
    drop(out);
    store.gc();
    assert_eq!(store.gc_stats().live_objects, 1);
    let got = call(&mut store, &inst, "get", &[Val::AnyRef(Some(r.clone()))], 1);
    assert_eq!(got[0], Val::I32(9));
    drop(r);
    store.gc();
    assert_eq!(store.gc_stats().live_objects, 0);
    let i = call(&mut store, &inst, "i31", &[Val::I32(-3)], 1);
    assert_eq!(
        i[0],
        Val::AnyRef(Some(AnyRef::from_i31(&store, -3))),
        "i31s compare by value"
    );
    // An anyref is never a funcref, whatever its bits.
    let (mut fstore, finst) = instance(
        &engine,
        r#"(module (table $t 1 funcref) (export "t" (table $t))
                   (func (export "f") (param funcref)))"#,
    );
    let any = Val::AnyRef(Some(AnyRef::from_i31(&fstore, 1 << 20)));
    let t = finst.get_table(&mut fstore, "t").unwrap();
    assert!(t.set(&mut fstore, 0, any.clone()).is_err());
    let ff = finst.get_func(&mut fstore, "f").unwrap();
    assert!(ff.call(&mut fstore, &[any], &mut []).is_err());
    // A reference from another store is refused.
    let mut other = Store::new(&engine, ());
    let foreign = ExternRef::new(&mut other, 1u32).unwrap().to_any();
    let f: Func = inst.get_func(&mut store, "get").unwrap();
    let err = f
        .call(
            &mut store,
            &[Val::AnyRef(Some(foreign))],
            &mut [Val::I32(0)],
        )
        .unwrap_err();
    assert!(err.to_string().contains("different store"), "{err}");
}

#[test]
fn an_allocation_over_the_limit_traps_and_the_store_stays_usable() {
    let engine = engine(false);
    let (mut store, inst) = instance(
        &engine,
        r#"(module
             (type $a (array (mut i64)))
             (func (export "alloc") (param i32) (result i32)
               (array.len (array.new_default $a (local.get 0)))))"#,
    );
    store.limiter(StoreLimits {
        max_memory_bytes: Some(1 << 20),
        ..StoreLimits::default()
    });
    let f = inst.get_func(&mut store, "alloc").unwrap();
    let mut out = [Val::I32(0)];
    let err = f
        .call(&mut store, &[Val::I32(1 << 20)], &mut out)
        .unwrap_err();
    assert_eq!(
        err.as_trap().map(|t| t.kind()),
        Some(TrapKind::GcHeapExhausted)
    );
    // Garbage is collected to make room: many small arrays fit in turn.
    for _ in 0..1000 {
        f.call(&mut store, &[Val::I32(1000)], &mut out).unwrap();
        assert_eq!(out[0], Val::I32(1000));
    }
    assert!(store.gc_stats().collections > 0);
    // Without a limit, a huge array is refused, not a host abort.
    let err = f.call(&mut store, &[Val::I32(-1)], &mut out).unwrap_err();
    assert_eq!(
        err.as_trap().map(|t| t.kind()),
        Some(TrapKind::GcHeapExhausted)
    );
}
