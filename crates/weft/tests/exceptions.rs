//! Exception handling through the embedding API: exceptions that leave
//! wasm, cross host frames in both directions, and never catch traps.

use weft::{Caller, Engine, ErrorKind, Extern, Linker, Module, Store, TrapKind, Val};

const WAT: &str = r#"(module
  (import "host" "call_back" (func $call_back (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (tag $other (param f64))
  (func $thrower (export "thrower") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 42))))
    (local.get 0))
  ;; wasm -> host -> wasm (throws): the exception crosses the host frame
  ;; and is caught here.
  (func (export "through_host") (param i32) (result i32)
    (block $caught (result i32)
      (try_table (result i32) (catch $e $caught)
        (call $call_back (local.get 0)))))
  (func (export "uncaught") (result i32)
    (call $thrower (i32.const 0)))
  (func (export "trap_is_not_caught") (result i32)
    (block $caught
      (try_table (catch_all $caught) (unreachable)))
    (i32.const 1))
  (func (export "loop") (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (throw $e (local.get $n)))
        (unreachable))
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))
  (func $deep (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $other (f64.const 1.5))))
    (call $deep (i32.sub (local.get 0) (i32.const 1))))
  (func (export "deep") (param i32) (result f64)
    (block $h (result f64)
      (try_table (catch $other $h) (call $deep (local.get 0)))
      (f64.const 0))))"#;

fn setup(host_passes: bool) -> (Store<()>, weft::Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, WAT).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "host",
            "call_back",
            move |mut caller: Caller<'_, ()>, x: i32| -> weft::Result<i32> {
                let f = caller
                    .get_export("thrower")
                    .and_then(Extern::into_func)
                    .expect("exported");
                let r = f.typed::<i32, i32>(&caller)?.call(&mut caller, x);
                match r {
                    Err(e) if !host_passes && e.as_exception().is_some() => Ok(-1),
                    r => r,
                }
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    (store, inst)
}

#[test]
fn an_exception_crosses_host_frames_when_the_host_lets_it() {
    let (mut store, inst) = setup(true);
    let f = inst
        .get_typed_func::<i32, i32>(&mut store, "through_host")
        .unwrap();
    assert_eq!(f.call(&mut store, 5).unwrap(), 5);
    assert_eq!(f.call(&mut store, 0).unwrap(), 42, "caught below the host");
    // The store's stack is usable afterwards.
    assert_eq!(f.call(&mut store, 7).unwrap(), 7);
}

#[test]
fn a_host_function_can_catch_an_exception() {
    let (mut store, inst) = setup(false);
    let f = inst
        .get_typed_func::<i32, i32>(&mut store, "through_host")
        .unwrap();
    assert_eq!(f.call(&mut store, 0).unwrap(), -1);
}

#[test]
fn an_uncaught_exception_reaches_the_host_with_its_tag_and_payload() {
    let (mut store, inst) = setup(true);
    let f = inst.get_func(&mut store, "uncaught").unwrap();
    let e = f.call(&mut store, &[], &mut [Val::I32(0)]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Exception(_)), "{e}");
    let x = e.as_exception().unwrap();
    let tag = inst.get_export(&mut store, "e").and_then(Extern::into_tag);
    assert_eq!(Some(x.tag()), tag);
    assert_eq!(x.payload(&store), [Val::I32(42)]);
    assert!(e.to_string().contains("uncaught wasm exception"), "{e}");
}

#[test]
fn traps_are_never_caught() {
    let (mut store, inst) = setup(true);
    let f = inst
        .get_typed_func::<(), i32>(&mut store, "trap_is_not_caught")
        .unwrap();
    let e = f.call(&mut store, ()).unwrap_err();
    assert_eq!(e.as_trap().map(|t| t.kind()), Some(TrapKind::Unreachable));
}

#[test]
fn throwing_in_a_loop_and_through_deep_recursion() {
    let (mut store, inst) = setup(true);
    let f = inst.get_typed_func::<i32, i32>(&mut store, "loop").unwrap();
    let n = 200_000;
    let want = (1..=n).fold(0i32, |a, b| a.wrapping_add(b));
    assert_eq!(f.call(&mut store, n).unwrap(), want);
    let deep = inst.get_typed_func::<i32, f64>(&mut store, "deep").unwrap();
    assert_eq!(deep.call(&mut store, 5_000).unwrap(), 1.5);
}

/// Exceptions are GC objects: an `exnref` kept in a table keeps its
/// exception (and the struct in its payload) alive, and the ones it no
/// longer holds are collected, so two million throws keep the heap small.
#[test]
fn exceptions_are_collected_once_unreachable() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (type $box (struct (field i32)))
          (tag $e (param (ref null $box)))
          (table $keep 1 exnref)
          (func (export "keep") (param $n i32)
            (local $x exnref)
            (loop $l
              (block $h (result exnref)
                (try_table (catch_all_ref $h)
                  (throw $e (struct.new $box (local.get $n))))
                (unreachable))
              (local.set $x)
              (table.set $keep (i32.const 0) (local.get $x))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
          (func (export "kept") (result i32)
            (block $h (result (ref null $box))
              (try_table (catch $e $h) (throw_ref (table.get $keep (i32.const 0))))
              (unreachable))
            (struct.get $box 0)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = weft::Instance::new(&mut store, &module, &[]).unwrap();
    let keep = inst.get_typed_func::<i32, ()>(&mut store, "keep").unwrap();
    let kept = inst.get_typed_func::<(), i32>(&mut store, "kept").unwrap();
    keep.call(&mut store, 1 << 21).unwrap();
    store.gc();
    assert_eq!(kept.call(&mut store, ()).unwrap(), 1);
    let stats = store.gc_stats();
    assert!(stats.allocated >= 2 << 21, "{stats:?}");
    assert_eq!(stats.live_objects, 2, "{stats:?}");
    assert!(stats.peak_bytes < 4 << 20, "{stats:?}");
}

/// A host function throws a wasm exception; the wasm code that called it
/// catches it by tag and reads its payload.
#[test]
fn a_host_function_can_throw_a_wasm_exception() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let tag = weft::Tag::new(&mut store, &weft::FuncType::new([weft::ValType::I32], [])).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "h", "t", tag).unwrap();
    linker
        .func_wrap(
            "h",
            "fail",
            move |mut caller: Caller<'_, ()>, x: i32| -> weft::Result<()> {
                if x < 0 {
                    return Err(weft::Exception::new(&mut caller, tag, &[Val::I32(x * 10)])?.into());
                }
                Ok(())
            },
        )
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module
          (import "h" "t" (tag $t (param i32)))
          (import "h" "fail" (func $fail (param i32)))
          (func (export "run") (param i32) (result i32)
            (block $caught (result i32)
              (try_table (catch $t $caught) (call $fail (local.get 0)))
              (i32.const 0))))"#,
    )
    .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, 1).unwrap(), 0);
    assert_eq!(run.call(&mut store, -4).unwrap(), -40);
    // A payload of the wrong type is refused.
    assert!(weft::Exception::new(&mut store, tag, &[Val::I64(1)]).is_err());
}

/// A tail call leaves the caller's `try_table`: an exception thrown by a
/// host function called in tail position is caught by the frame below,
/// not by the handler around the `return_call`.
#[test]
fn a_tail_called_host_function_throws_past_its_callers_handlers() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let tag = weft::Tag::new(&mut store, &weft::FuncType::new([], [])).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define(&store, "h", "t", tag).unwrap();
    linker
        .func_wrap(
            "h",
            "fail",
            move |mut caller: Caller<'_, ()>| -> weft::Result<i32> {
                Err(weft::Exception::new(&mut caller, tag, &[])?.into())
            },
        )
        .unwrap();
    let module = Module::new(
        &engine,
        r#"(module
          (import "h" "t" (tag $t))
          (import "h" "fail" (func $fail (result i32)))
          (func $tail (result i32)
            (block $inner
              (try_table (catch $t $inner) (return_call $fail)))
            (i32.const 1))
          (func (export "run") (result i32)
            (block $outer
              (try_table (catch $t $outer) (return (call $tail))))
            (i32.const 2)))"#,
    )
    .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<(), i32>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 2);
}

/// The legacy form is off by default (it is not part of WebAssembly 3.0)
/// and runs once enabled.
#[test]
fn legacy_exception_handling_is_a_config_switch() {
    let wat = r#"(module
      (tag $e)
      (func (export "f") (result i32)
        try (result i32)
          throw $e
        catch_all
          i32.const 7
        end))"#;
    let err = Module::new(&Engine::default(), wat).unwrap_err();
    assert!(err.to_string().contains("legacy_exceptions"), "{err}");
    let mut config = weft::Config::default();
    config.wasm_legacy_exceptions(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = weft::Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_typed_func::<(), i32>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 7);
}

/// A payload with a `v128`, a struct reference and an `externref`: caught
/// in wasm it is intact, and uncaught the host reads every value.
#[test]
fn payloads_carry_v128_and_references() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (type $box (struct (field i32)))
          (tag $t (export "t") (param v128 (ref null $box) externref))
          (func $throw (param externref)
            (throw $t (v128.const i64x2 7 9) (struct.new $box (i32.const 5)) (local.get 0)))
          (func (export "lanes") (param externref) (result i64 i32 externref)
            (local $v v128) (local $i i32) (local $x externref)
            (block $h (result v128 (ref null $box) externref)
              (try_table (catch $t $h) (call $throw (local.get 0)))
              (unreachable))
            (local.set $x)
            (local.set $i (struct.get $box 0))
            (local.set $v)
            (i64x2.extract_lane 1 (local.get $v))
            (local.get $i)
            (local.get $x))
          (func (export "uncaught") (param externref) (call $throw (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = weft::Instance::new(&mut store, &module, &[]).unwrap();
    let host = weft::ExternRef::new(&mut store, 77u32).unwrap();
    let mut out = [Val::I64(0), Val::I32(0), Val::ExternRef(None)];
    inst.get_func(&mut store, "lanes")
        .unwrap()
        .call(&mut store, &[Val::ExternRef(Some(host.clone()))], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::I64(9));
    assert_eq!(out[1], Val::I32(5));
    assert_eq!(out[2], Val::ExternRef(Some(host.clone())));
    let e = inst
        .get_func(&mut store, "uncaught")
        .unwrap()
        .call(&mut store, &[Val::ExternRef(Some(host.clone()))], &mut [])
        .unwrap_err();
    let x = e.as_exception().expect("an exception");
    store.gc();
    let payload = x.payload(&store);
    assert_eq!(payload[0], Val::V128(7 | (9 << 64)));
    let Val::AnyRef(Some(b)) = &payload[1] else {
        panic!("expected a struct, got {:?}", payload[1]);
    };
    assert!(b.is_struct(&store));
    let Val::ExternRef(Some(h)) = &payload[2] else {
        panic!("expected an externref, got {:?}", payload[2]);
    };
    assert_eq!(
        h.data(&store).and_then(|d| d.downcast_ref::<u32>()),
        Some(&77)
    );
}

/// wasm -> host -> wasm -> host -> wasm: thrown in the innermost
/// activation, the exception crosses both host frames (which let it pass)
/// and is caught in the outermost wasm frame.
#[test]
fn an_exception_crosses_two_nested_activations() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (tag $e (export "e") (param i32))
          (import "h" "down" (func $down (param i32) (result i32)))
          (func (export "level") (param $n i32) (result i32)
            (if (result i32) (i32.eqz (local.get $n))
              (then (throw $e (i32.const 99)))
              (else (i32.add (i32.const 1)
                      (call $down (i32.sub (local.get $n) (i32.const 1)))))))
          (func (export "top") (result i32)
            (block $h (result i32)
              (try_table (catch $e $h) (drop (call $down (i32.const 2))))
              (i32.const -1))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "h",
            "down",
            |mut caller: Caller<'_, ()>, n: i32| -> weft::Result<i32> {
                let Some(Extern::Func(level)) = caller.get_export("level") else {
                    panic!("no level export");
                };
                let mut out = [Val::I32(0)];
                level.call(&mut caller, &[Val::I32(n)], &mut out)?;
                Ok(out[0].i32().unwrap())
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let top = inst.get_typed_func::<(), i32>(&mut store, "top").unwrap();
    assert_eq!(top.call(&mut store, ()).unwrap(), 99);
    // And the store's stack is whole afterwards.
    assert_eq!(top.call(&mut store, ()).unwrap(), 99);
}
