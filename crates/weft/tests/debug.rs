//! The debugging API driven from Rust: breakpoints, steps, pauses, traps,
//! and what a stopped program shows (frames, locals, stack, globals,
//! memory).

use std::sync::{Arc, Mutex};
use weft::debug::{DebugFrame, Resume, StopReason, ValueKind};
use weft::{Config, Engine, Linker, Module, Store, TrapKind};

const WAT: &str = r#"(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i64) (i64.const -5))
  (func $square (param $x i32) (result i32) (local $v v128)
    local.get $x
    local.get $x
    i32.mul)
  (func (export "run") (param i32) (result i32)
    (i32.store (i32.const 8) (local.get 0))
    (call $square (local.get 0))
    i32.const 1
    i32.add))"#;

fn setup(debug_info: bool) -> (Store<()>, weft::Instance, Vec<u8>) {
    let binary = wat::parse_str(WAT).unwrap();
    let (store, instance) = instantiate(&binary, debug_info);
    (store, instance, binary)
}

/// A store with module `wasm` (text or binary) instantiated in it.
fn instantiate(wasm: impl AsRef<[u8]>, debug_info: bool) -> (Store<()>, weft::Instance) {
    let mut config = Config::default();
    config.debug_info(debug_info);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (store, instance)
}

/// Module offsets of the operators of defined function `func`.
fn ops(binary: &[u8], func: usize) -> Vec<u64> {
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(binary) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            bodies.push(body);
        }
    }
    let mut reader = bodies[func].get_operators_reader().unwrap();
    let mut offsets = Vec::new();
    while !reader.eof() {
        offsets.push(reader.original_position());
        reader.read().unwrap();
    }
    offsets
}

/// What the debugger saw at one stop.
#[derive(Debug, Clone)]
struct Seen {
    why: StopReason,
    frames: Vec<DebugFrame>,
    x: Option<u128>,
    stack: Vec<u128>,
    global: Option<u128>,
    memory: Option<Vec<u8>>,
}

#[test]
fn breakpoint_then_steps_show_frames_locals_and_stack() {
    let (mut store, instance, binary) = setup(true);
    let square = ops(&binary, 0);
    let run_ops = ops(&binary, 1);
    let mul = square[2];
    assert!(store.debuggee().set_breakpoint(0, mul));
    assert!(!store.debuggee().set_breakpoint(0, 1 << 40));
    assert!(!store.debuggee().set_breakpoint(1, mul));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut steps = 0;
    store.set_debugger(move |d, why| {
        let frames = d.frames();
        log.lock().unwrap().push(Seen {
            why,
            x: d.local(0, 0).map(|v| v.bits),
            stack: d
                .stack(0)
                .unwrap_or_default()
                .iter()
                .map(|v| v.bits)
                .collect(),
            global: d.global(0, 0).map(|v| v.bits),
            memory: d.read_memory(frames[0].instance, 8, 4),
            frames,
        });
        steps += 1;
        // Two steps after the breakpoint, then run to the end.
        if steps < 3 {
            Resume::Step
        } else {
            Resume::Continue
        }
    });
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, 6).unwrap(), 37);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:#?}");
    // At the breakpoint: two frames, the caller at its return address.
    let at = &seen[0];
    assert_eq!(at.why, StopReason::Breakpoint);
    assert_eq!(at.frames.len(), 2);
    assert_eq!(at.frames[0].pc, mul);
    assert_eq!(at.frames[0].offset, mul);
    assert_eq!(at.frames[0].func_index, 0);
    assert_eq!(at.frames[0].func_name.as_deref(), Some("square"));
    let call = run_ops
        .iter()
        .position(|&o| o == at.frames[1].offset)
        .unwrap();
    assert_eq!(at.frames[1].pc, run_ops[call + 1]);
    assert_eq!(at.x, Some(6));
    assert_eq!(at.stack, [6, 6]);
    // i64 -5, as its 8 bytes.
    assert_eq!(at.global, Some(u128::from(-5i64 as u64)));
    assert_eq!(at.memory.as_deref(), Some(&[6, 0, 0, 0][..]));
    // One step: the product is on the stack, before `end`.
    assert_eq!(seen[1].why, StopReason::Step);
    assert_eq!(seen[1].frames[0].pc, square[3]);
    assert_eq!(seen[1].stack, [36]);
    // The next: back in the caller, after the call, the result there.
    assert_eq!(seen[2].why, StopReason::Step);
    assert_eq!(seen[2].frames.len(), 1);
    assert_eq!(seen[2].frames[0].pc, run_ops[call + 1]);
    assert_eq!(seen[2].stack, [36]);
}

#[test]
fn locals_of_every_kind_and_of_callers() {
    let (mut store, instance, binary) = setup(true);
    let mul = ops(&binary, 0)[2];
    store.debuggee().set_breakpoint(0, mul);
    let seen = Arc::new(Mutex::new(None));
    let log = seen.clone();
    store.set_debugger(move |d, _| {
        let v = d.local(0, 1).unwrap();
        let caller = d.local(1, 0).unwrap();
        *log.lock().unwrap() = Some((
            v.kind,
            v.to_le_bytes(),
            caller.kind,
            caller.to_le_bytes(),
            d.local(0, 2),
            d.local(2, 0),
            d.stack(5),
        ));
        Resume::Continue
    });
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    run.call(&mut store, 3).unwrap();
    let (vk, vb, ck, cb, none, no_frame, no_stack) = seen.lock().unwrap().clone().unwrap();
    assert_eq!((vk, vb.len()), (ValueKind::V128, 16));
    assert_eq!((ck, cb), (ValueKind::I32, vec![3, 0, 0, 0]));
    assert_eq!((none, no_frame, no_stack), (None, None, None));
}

#[test]
fn a_pause_from_another_thread_stops_a_loop_and_abort_ends_it() {
    let wat = r#"(module (func (export "spin") (loop $l (br $l))))"#;
    let (mut store, instance) = instantiate(wat, true);
    let reasons = Arc::new(Mutex::new(Vec::new()));
    let log = reasons.clone();
    store.set_debugger(move |_, why| {
        log.lock().unwrap().push(why);
        Resume::Abort
    });
    let handle = store.debug_handle();
    let pauser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        handle.pause();
    });
    let spin = instance
        .get_typed_func::<(), ()>(&mut store, "spin")
        .unwrap();
    let err = spin.call(&mut store, ()).unwrap_err();
    pauser.join().unwrap();
    assert_eq!(err.as_trap().map(|t| t.kind()), Some(TrapKind::Interrupted));
    assert_eq!(*reasons.lock().unwrap(), [StopReason::Pause]);
}

#[test]
fn a_trap_stops_with_its_frames_even_without_debug_info() {
    let wat = r#"(module
      (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func (export "f") (result i32) (call $inner (i32.const 0))))"#;
    for debug_info in [true, false] {
        let (mut store, instance) = instantiate(wat, debug_info);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        store.set_debugger(move |d, why| {
            let names: Vec<_> = d.frames().into_iter().map(|f| f.func_name).collect();
            log.lock().unwrap().push((why, names, d.local(0, 0)));
            Resume::Continue
        });
        let f = instance.get_typed_func::<(), i32>(&mut store, "f").unwrap();
        let err = f.call(&mut store, ()).unwrap_err();
        assert_eq!(
            err.as_trap().map(|t| t.kind()),
            Some(TrapKind::IntegerDivisionByZero)
        );
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let (why, names, local) = &seen[0];
        assert_eq!(*why, StopReason::Trap(TrapKind::IntegerDivisionByZero));
        assert_eq!(names, &[Some("inner".to_string()), None]);
        // Locals need the debug map.
        assert_eq!(local.map(|v| v.bits), debug_info.then_some(0));
    }
}

#[test]
fn without_debug_info_there_are_no_stops_and_between_calls_no_frames() {
    let (mut store, instance, binary) = setup(false);
    assert!(!store.debuggee().set_breakpoint(0, ops(&binary, 0)[2]));
    store.set_debugger(|_, _| panic!("no step points without debug_info"));
    store.debug_handle().pause();
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, 2).unwrap(), 5);
    let mut d = store.debuggee();
    assert!(d.frames().is_empty());
    assert_eq!(d.local(0, 0), None);
    assert_eq!(
        d.instance_global(0, 0).map(|v| v.kind),
        Some(ValueKind::I64)
    );
    assert!(d.write_memory(0, 100, &[1, 2]));
    assert!(!d.write_memory(0, 65535, &[1, 2]));
    assert_eq!(d.read_memory(0, 99, 4).as_deref(), Some(&[0, 1, 2, 0][..]));
    assert_eq!(d.read_memory(0, 65534, 4).map(|m| m.len()), Some(2));
    assert_eq!(d.read_memory(0, 65536, 4), None);
    assert_eq!(d.read_memory(3, 0, 4), None);
    let modules = d.instances();
    assert_eq!(modules.len(), 1);
    assert!(modules[0].binary.is_none());
}
