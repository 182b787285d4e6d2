//! Shared memory, atomics and wait/notify across real OS threads: each
//! thread has its own store and instance, all importing one
//! [`SharedMemory`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use weft::{
    Config, Engine, Instance, Memory, MemoryType, Module, SharedMemory, Store, TrapKind, Val,
};

const GUEST: &str = r#"
(module
  (memory (import "env" "memory") 1 2 shared)
  (func (export "add") (param $n i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; Thread $me (0 or 1) waits for its turn at address 8, hands the turn
  ;; over and wakes the other, $n times.
  (func (export "pingpong") (param $me i32) (param $n i32)
    (loop $round
      (block $mine
        (loop $wait
          (br_if $mine (i32.eq (i32.atomic.load (i32.const 8)) (local.get $me)))
          (drop (memory.atomic.wait32 (i32.const 8)
            (i32.sub (i32.const 1) (local.get $me)) (i64.const -1)))
          (br $wait)))
      (i32.atomic.store (i32.const 8) (i32.sub (i32.const 1) (local.get $me)))
      (drop (memory.atomic.notify (i32.const 8) (i32.const 1)))
      (br_if $round (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; A futex-style mutex at 16 (0 free, 1 locked, 2 locked with waiters)
  ;; guarding a plain counter at 24.
  (func $lock (local $c i32)
    (local.set $c (i32.atomic.rmw.cmpxchg (i32.const 16) (i32.const 0) (i32.const 1)))
    (if (local.get $c)
      (then
        (if (i32.ne (local.get $c) (i32.const 2))
          (then (local.set $c (i32.atomic.rmw.xchg (i32.const 16) (i32.const 2)))))
        (block $done
          (loop $again
            (br_if $done (i32.eqz (local.get $c)))
            (drop (memory.atomic.wait32 (i32.const 16) (i32.const 2) (i64.const -1)))
            (local.set $c (i32.atomic.rmw.xchg (i32.const 16) (i32.const 2)))
            (br $again))))))
  (func $unlock
    (if (i32.ne (i32.atomic.rmw.sub (i32.const 16) (i32.const 1)) (i32.const 1))
      (then
        (i32.atomic.store (i32.const 16) (i32.const 0))
        (drop (memory.atomic.notify (i32.const 16) (i32.const 1))))))
  (func (export "locked_add") (param $n i32)
    (loop $l
      (call $lock)
      (i32.store (i32.const 24) (i32.add (i32.load (i32.const 24)) (i32.const 1)))
      (call $unlock)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; Writes byte pattern $v over [64, 64 + 4096) with plain stores, $n times.
  (func (export "scribble") (param $v i32) (param $n i32) (local $i i32)
    (loop $outer
      (local.set $i (i32.const 0))
      (loop $inner
        (i32.store8 offset=64 (local.get $i) (local.get $v))
        (br_if $inner (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
          (i32.const 4096))))
      (br_if $outer (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  (func (export "wait_forever") (result i32)
    (memory.atomic.wait32 (i32.const 4000) (i32.const 0) (i64.const -1))))
"#;

fn shared(pages: u64) -> SharedMemory {
    SharedMemory::new(MemoryType::new(1, Some(pages as u32)).with_shared(true)).unwrap()
}

/// A store of its own on the calling thread with the guest instantiated
/// over `memory`.
fn guest(engine: &Engine, module: &Module, memory: &SharedMemory) -> (Store<()>, Instance) {
    let mut store = Store::new(engine, ());
    let m = Memory::from_shared(&mut store, memory).unwrap();
    let inst = Instance::new(&mut store, module, &[m.into()]).unwrap();
    (store, inst)
}

fn call(store: &mut Store<()>, inst: &Instance, name: &str, args: &[Val]) -> weft::Result<()> {
    let f = inst.get_func(&mut *store, name).unwrap();
    let n = f.ty(&*store).results().len();
    let mut out = vec![Val::I32(0); n];
    f.call(&mut *store, args, &mut out)
}

/// Runs `f(thread index, store, instance)` on `n` threads at once.
fn on_threads(
    n: usize,
    memory: &SharedMemory,
    f: impl Fn(usize, &mut Store<()>, &Instance) + Sync,
) {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    std::thread::scope(|s| {
        for i in 0..n {
            let (engine, module, memory, f) = (&engine, &module, memory, &f);
            s.spawn(move || {
                let (mut store, inst) = guest(engine, module, memory);
                f(i, &mut store, &inst);
            });
        }
    });
}

fn read_u32(memory: &SharedMemory, at: u64) -> u32 {
    let mut b = [0u8; 4];
    memory.read(at, &mut b).unwrap();
    u32::from_le_bytes(b)
}

#[test]
fn shared_memory_handles_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<SharedMemory>();
    check::<Module>();
    check::<Engine>();
}

#[test]
fn eight_threads_adding_a_million_each_lose_nothing() {
    let memory = shared(1);
    let start = std::time::Instant::now();
    on_threads(8, &memory, |_, store, inst| {
        call(store, inst, "add", &[Val::I32(1_000_000)]).unwrap();
    });
    println!("8 x 1,000,000 i32.atomic.rmw.add: {:?}", start.elapsed());
    assert_eq!(read_u32(&memory, 0), 8_000_000);
}

#[test]
fn wait_notify_ping_pong_completes_a_hundred_thousand_round_trips() {
    let memory = shared(1);
    let start = std::time::Instant::now();
    on_threads(2, &memory, |i, store, inst| {
        call(
            store,
            inst,
            "pingpong",
            &[Val::I32(i as i32), Val::I32(100_000)],
        )
        .unwrap();
    });
    println!("100,000 ping-pong round trips: {:?}", start.elapsed());
    // Each thread handed the turn over 100,000 times; it is back with 0.
    assert_eq!(read_u32(&memory, 8), 0);
}

#[test]
fn a_mutex_from_cmpxchg_and_wait_protects_a_plain_counter() {
    let memory = shared(1);
    on_threads(4, &memory, |_, store, inst| {
        call(store, inst, "locked_add", &[Val::I32(50_000)]).unwrap();
    });
    assert_eq!(read_u32(&memory, 24), 200_000);
    assert_eq!(read_u32(&memory, 16), 0, "the mutex is left unlocked");
}

#[test]
fn the_host_reads_and_writes_while_guests_write() {
    let memory = shared(2);
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            // Every byte seen is one some thread wrote: 0 (initial), 1 or 2.
            let mut buf = vec![0u8; 4096];
            let mut reads = 0u64;
            while !done.load(Ordering::Relaxed) || reads == 0 {
                memory.read(64, &mut buf).unwrap();
                assert!(buf.iter().all(|b| *b <= 2), "a byte no one wrote");
                memory.write(8192, &[7; 16]).unwrap();
                reads += 1;
            }
            reads
        });
        on_threads(2, &memory, |i, store, inst| {
            call(
                store,
                inst,
                "scribble",
                &[Val::I32(i as i32 + 1), Val::I32(200)],
            )
            .unwrap();
        });
        done.store(true, Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
    });
    let mut tail = [0u8; 16];
    memory.read(8192, &mut tail).unwrap();
    assert_eq!(tail, [7; 16]);
    // Out of bounds is an error, not a panic; growing keeps old bytes.
    assert!(memory.read(65536 - 2, &mut [0; 4]).is_err());
    assert_eq!(memory.grow(1).unwrap(), 1);
    memory.read(65536 - 2, &mut [0; 4]).unwrap();
    assert!(memory.grow(1).is_err(), "past the maximum");
    assert_eq!(memory.size(), 2);
}

#[test]
fn an_interrupt_wakes_a_thread_blocked_in_wait() {
    let memory = shared(1);
    let mut config = Config::default();
    config.interruptible(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, inst) = guest(&engine, &module, &memory);
    let handle = store.interrupt_handle();
    let interrupter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    let err = call(&mut store, &inst, "wait_forever", &[]).unwrap_err();
    interrupter.join().unwrap();
    assert_eq!(err.as_trap().map(|t| t.kind()), Some(TrapKind::Interrupted));
    // The store stays usable, and the waiter left its queue.
    call(&mut store, &inst, "add", &[Val::I32(1)]).unwrap();
    assert_eq!(read_u32(&memory, 0), 1);
}

#[test]
fn shared_memory_needs_a_shared_type_with_a_maximum() {
    let plain = MemoryType::new(1, Some(2));
    assert!(SharedMemory::new(plain).is_err());
    assert!(SharedMemory::new(MemoryType::new(1, None).with_shared(true)).is_err());
    assert!(SharedMemory::new(MemoryType::new(3, Some(2)).with_shared(true)).is_err());
    // A minimum past 2^64 bytes is refused, not wrapped.
    let huge = MemoryType::new64(1 << 48, Some(1 << 48)).with_shared(true);
    assert!(SharedMemory::new(huge).is_err());
    // A limit bounds growth.
    let limited = SharedMemory::with_limit(
        MemoryType::new(1, Some(10)).with_shared(true),
        Some(2 << 16),
    )
    .unwrap();
    assert_eq!(limited.grow(1).unwrap(), 1);
    assert!(limited.grow(1).is_err());
    // A maximum of 4 GiB reserves address space, not memory.
    let big = SharedMemory::new(MemoryType::new(1, Some(65536)).with_shared(true)).unwrap();
    assert_eq!(big.grow(100).unwrap(), 1);
    assert_eq!(big.size(), 101);
}

#[test]
fn a_shared_memory_has_no_slice_view() {
    let memory = shared(1);
    let mut store = Store::new(&Engine::default(), ());
    let m = Memory::from_shared(&mut store, &memory).unwrap();
    assert!(m.shared(&store).is_some_and(|s| s.same(&memory)));
    assert!(m.ty(&store).is_shared());
    m.write(&mut store, 100, &[1, 2, 3]).unwrap();
    let mut buf = [0u8; 3];
    memory.read(100, &mut buf).unwrap();
    assert_eq!(buf, [1, 2, 3]);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| m.data(&store).len()));
    assert!(
        r.is_err(),
        "Memory::data on a shared memory is a documented panic"
    );
}

#[test]
fn sharedness_must_match_on_import() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let mut store = Store::new(&engine, ());
    let plain = Memory::new(&mut store, MemoryType::new(1, Some(2))).unwrap();
    let err = Instance::new(&mut store, &module, &[plain.into()]).unwrap_err();
    assert!(
        err.to_string().contains("incompatible import type"),
        "{err}"
    );
}
