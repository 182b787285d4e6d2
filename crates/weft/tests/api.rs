//! Embedding-API behaviour, including misuse that must give errors.

use weft::{
    Config, Engine, ErrorKind, Extern, Func, Global, GlobalType, Instance, Linker, Module,
    Mutability, Store, TrapKind, Val, ValType,
};

const ADD: &str = r#"(module (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add))"#;

/// `wat` compiled by a default engine and instantiated, without imports, in
/// a new store.
fn instantiate(wat: &str) -> (Store<()>, Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    (store, inst)
}

#[test]
fn typed_and_untyped_calls() {
    let engine = Engine::default();
    let module = Module::new(&engine, ADD).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let add = inst
        .get_typed_func::<(i32, i32), i32>(&mut store, "add")
        .unwrap();
    assert_eq!(add.call(&mut store, (2, 40)).unwrap(), 42);
    let f = inst.get_func(&mut store, "add").unwrap();
    let mut out = [Val::I32(0)];
    f.call(&mut store, &[Val::I32(-1), Val::I32(1)], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::I32(0));
}

#[test]
fn wrong_argument_types_and_counts_are_errors() {
    let engine = Engine::default();
    let module = Module::new(&engine, ADD).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&mut store, "add").unwrap();
    let mut out = [Val::I32(0)];
    let e = f
        .call(&mut store, &[Val::I64(1), Val::I32(1)], &mut out)
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Usage(_)), "{e}");
    let e = f.call(&mut store, &[Val::I32(1)], &mut out).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Usage(_)), "{e}");
    let e = f
        .call(&mut store, &[Val::I32(1), Val::I32(1)], &mut [])
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Usage(_)), "{e}");
    assert!(
        inst.get_typed_func::<i64, i32>(&mut store, "add").is_err(),
        "typed view with wrong types must fail"
    );
    assert!(inst.get_typed_func::<(), ()>(&mut store, "nope").is_err());
}

#[test]
fn missing_and_mistyped_imports_are_link_errors() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let e = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(e.to_string().contains("unknown import"), "{e}");

    let mut linker = Linker::<()>::new(&engine);
    linker.func_wrap("env", "f", |_: i64| {}).unwrap();
    let e = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(e.to_string().contains("incompatible import type"), "{e}");

    let e = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Link(_)), "{e}");
}

#[test]
fn handles_from_another_store_are_rejected() {
    let engine = Engine::default();
    let module = Module::new(&engine, ADD).unwrap();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let inst = Instance::new(&mut a, &module, &[]).unwrap();
    let f = inst.get_func(&mut a, "add").unwrap();
    let mut out = [Val::I32(0)];
    let e = f
        .call(&mut b, &[Val::I32(1), Val::I32(2)], &mut out)
        .unwrap_err();
    assert!(e.to_string().contains("different store"), "{e}");
    let mut linker = Linker::<()>::new(&engine);
    assert!(linker.define(&b, "m", "f", f).is_err());
}

#[test]
fn modules_from_another_engine_are_rejected() {
    let module = Module::new(&Engine::default(), ADD).unwrap();
    let mut store = Store::new(&Engine::default(), ());
    assert!(Instance::new(&mut store, &module, &[]).is_err());
}

#[test]
fn host_functions_see_store_data_and_caller_memory() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "env" "log" (func $log (param i32 i32)))
             (memory (export "memory") 1)
             (data (i32.const 8) "hello")
             (func (export "run") (call $log (i32.const 8) (i32.const 5))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "log",
            |mut caller: weft::Caller<'_, Vec<String>>, ptr: i32, len: i32| {
                let mem = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .ok_or_else(|| weft::Error::host("no memory"))?;
                let bytes = mem.data(&caller)[ptr as usize..(ptr + len) as usize].to_vec();
                caller
                    .data_mut()
                    .push(String::from_utf8_lossy(&bytes).into_owned());
                Ok(())
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<(), ()>(&mut store, "run").unwrap();
    run.call(&mut store, ()).unwrap();
    assert_eq!(store.data(), &vec!["hello".to_string()]);
}

#[test]
fn deep_recursion_traps_and_store_stays_usable() {
    let engine = Engine::new(Config::new().max_call_depth(1000));
    let module = Module::new(
        &engine,
        r#"(module
             (func $r (export "r") (param i32) (result i32)
               local.get 0 i32.eqz
               if (result i32) i32.const 0
               else local.get 0 i32.const 1 i32.sub call $r i32.const 1 i32.add end))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let r = inst.get_typed_func::<i32, i32>(&mut store, "r").unwrap();
    let e = r.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(e.as_trap().map(|t| t.kind()), Some(TrapKind::StackOverflow));
    assert_eq!(r.call(&mut store, 500).unwrap(), 500);
}

#[test]
fn trap_has_backtrace_with_names() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (func $inner (result i32) i32.const 1 i32.const 0 i32.div_s)
             (func $outer (export "outer") (result i32) call $inner))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_typed_func::<(), i32>(&mut store, "outer").unwrap();
    let e = f.call(&mut store, ()).unwrap_err();
    let t = e.as_trap().expect("a trap");
    assert_eq!(t.kind(), TrapKind::IntegerDivisionByZero);
    let names: Vec<_> = t
        .backtrace()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, vec!["inner", "outer"]);
}

#[test]
fn globals_from_the_host() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let g = Global::new(
        &mut store,
        GlobalType::new(ValType::I32, Mutability::Var),
        Val::I32(5),
    )
    .unwrap();
    assert!(
        Global::new(
            &mut store,
            GlobalType::new(ValType::I32, Mutability::Var),
            Val::I64(5)
        )
        .is_err()
    );
    let module = Module::new(
        &engine,
        r#"(module (global $g (import "env" "g") (mut i32))
             (func (export "bump") global.get $g i32.const 1 i32.add global.set $g))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &module, &[g.into()]).unwrap();
    let bump = inst.get_typed_func::<(), ()>(&mut store, "bump").unwrap();
    bump.call(&mut store, ()).unwrap();
    assert_eq!(g.get(&store), Val::I32(6));
    let f = Func::wrap(&mut store, |x: i32| x + 1);
    assert_eq!(
        f.typed::<i32, i32>(&store)
            .unwrap()
            .call(&mut store, 1)
            .unwrap(),
        2
    );
}

#[test]
fn invalid_modules_report_where() {
    let engine = Engine::default();
    let e = Module::new(
        &engine,
        r#"(module (func) (func (result i32) i64.const 0))"#,
    )
    .unwrap_err();
    match e.kind() {
        ErrorKind::Module(m) => {
            assert_eq!(m.func_index, Some(1));
            assert!(m.offset.is_some());
            assert!(m.message.contains("type mismatch"), "{}", m.message);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(Module::new(&engine, b"\0asm\x01\0\0\0\x01").is_err());
    assert!(Module::new(&engine, "(module").is_err());
}

/// A value just written and read as both operands of a comparison or bit
/// test that becomes a branch (both from the accumulator): found by the
/// differential fuzzer, when compare-and-branch had no handler for it.
#[test]
fn a_branch_on_a_value_compared_with_itself() {
    let (mut store, inst) = instantiate(
        r#"(module
            (func (export "ge") (param i64) (result i32)
              (local i64)
              (local.set 1 (i64.add (local.get 0) (i64.const 1)))
              (block (br_if 0 (i64.ge_u (local.get 1) (local.get 1))) (return (i32.const 0)))
              (i32.const 1))
            (func (export "and") (param i32) (result i32)
              (local i32)
              (local.set 1 (i32.add (local.get 0) (i32.const 1)))
              (if (result i32) (i32.and (local.get 1) (local.get 1))
                (then (i32.const 1)) (else (i32.const 0)))))"#,
    );
    let ge = inst.get_typed_func::<i64, i32>(&mut store, "ge").unwrap();
    let and = inst.get_typed_func::<i32, i32>(&mut store, "and").unwrap();
    assert_eq!(ge.call(&mut store, 5).unwrap(), 1);
    assert_eq!(and.call(&mut store, 5).unwrap(), 1);
    assert_eq!(and.call(&mut store, -1).unwrap(), 0);
}

/// A code section big enough to be compiled on several threads: every
/// thread count gives the same results, and the same error (the first
/// invalid function in order) when two functions are invalid.
#[test]
fn parallel_compilation_keeps_order_and_reports_the_first_invalid_function() {
    let body = "local.get 0 i32.const 3 i32.mul i32.const 1 i32.add local.set 0 ".repeat(40);
    let funcs = |bad: &[usize]| {
        let mut wat = String::from("(module\n");
        for i in 0..600 {
            let tail = if bad.contains(&i) {
                "f32.const 0 i32.add"
            } else {
                "local.get 0"
            };
            wat += &format!(
                "(func (export \"f{i}\") (param i32) (result i32) {body} local.get 0 i32.const {i} i32.add drop {tail})\n"
            );
        }
        wat + ")"
    };
    let good = funcs(&[]);
    let bad = funcs(&[457, 123]);
    for threads in [1, 2, 4] {
        let mut config = Config::default();
        config.compile_threads(threads);
        for lazy in [false, true] {
            config.lazy_compilation(lazy);
            let engine = Engine::new(&config);
            let module = Module::new(&engine, &good).unwrap();
            let mut store = Store::new(&engine, ());
            let inst = Instance::new(&mut store, &module, &[]).unwrap();
            for i in [0, 1, 299, 599] {
                let f = inst
                    .get_typed_func::<i32, i32>(&mut store, &format!("f{i}"))
                    .unwrap();
                // 40 rounds of x = 3x + 1 from 1, wrapping.
                let want = (0..40).fold(1i32, |x, _| x.wrapping_mul(3).wrapping_add(1));
                assert_eq!(f.call(&mut store, 1).unwrap(), want, "threads {threads}");
            }
            match Module::new(&engine, &bad).unwrap_err().kind() {
                ErrorKind::Module(m) => assert_eq!(m.func_index, Some(123), "threads {threads}"),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}

#[test]
fn disabled_features_are_rejected_by_validation() {
    let cases = [
        (
            "sign extension",
            "(module (func (param i32) (result i32) local.get 0 i32.extend8_s))",
        ),
        (
            "saturating conversion",
            "(module (func (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s))",
        ),
        (
            "multi-value",
            "(module (func (result i32 i32) i32.const 1 i32.const 2))",
        ),
        (
            "bulk memory",
            "(module (memory 1) (func i32.const 0 i32.const 0 i32.const 0 memory.fill))",
        ),
        (
            "reference types",
            "(module (func (result externref) ref.null extern))",
        ),
    ];
    let wasm1 = Engine::new(&Config::wasm1());
    let full = Engine::default();
    for (what, wat) in cases {
        assert!(
            Module::new(&full, wat).is_ok(),
            "{what} should be on by default"
        );
        let e = Module::new(&wasm1, wat).expect_err(what);
        assert!(matches!(e.kind(), ErrorKind::Module(_)), "{what}: {e}");
    }
    let mut one_off = Config::default();
    one_off.wasm_bulk_memory(false);
    assert!(Module::new(&Engine::new(&one_off), cases[3].1).is_err());
}

#[test]
fn multi_value_results_through_the_api() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "swap") (param i32 i64) (result i64 i32)
             local.get 1 local.get 0))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst
        .get_typed_func::<(i32, i64), (i64, i32)>(&mut store, "swap")
        .unwrap();
    assert_eq!(f.call(&mut store, (1, 2)).unwrap(), (2, 1));
    let mut out = [Val::I64(0), Val::I32(0)];
    inst.get_func(&mut store, "swap")
        .unwrap()
        .call(&mut store, &[Val::I32(7), Val::I64(8)], &mut out)
        .unwrap();
    assert_eq!(out, [Val::I64(8), Val::I32(7)]);
}

#[test]
fn externref_round_trips_through_wasm_and_tables() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (table $t (export "t") 2 externref)
             (func (export "id") (param externref) (result externref) local.get 0)
             (func (export "store") (param externref) (table.set $t (i32.const 1) (local.get 0)))
             (func (export "is_null") (param externref) (result i32) local.get 0 ref.is_null))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let r = weft::ExternRef::new(&mut store, String::from("host data")).unwrap();
    let mut out = [Val::ExternRef(None)];
    inst.get_func(&mut store, "id")
        .unwrap()
        .call(&mut store, &[Val::ExternRef(Some(r.clone()))], &mut out)
        .unwrap();
    let Val::ExternRef(Some(back)) = &out[0] else {
        panic!("expected a non-null externref, got {:?}", out[0]);
    };
    assert_eq!(
        back.data(&store)
            .and_then(|d| d.downcast_ref::<String>())
            .map(String::as_str),
        Some("host data")
    );
    inst.get_func(&mut store, "store")
        .unwrap()
        .call(&mut store, &[Val::ExternRef(Some(r.clone()))], &mut [])
        .unwrap();
    let t = inst.get_table(&mut store, "t").unwrap();
    assert_eq!(t.get(&store, 1), Some(Val::ExternRef(Some(r))));
    assert_eq!(t.get(&store, 0), Some(Val::ExternRef(None)));
    let mut n = [Val::I32(-1)];
    inst.get_func(&mut store, "is_null")
        .unwrap()
        .call(&mut store, &[Val::ExternRef(None)], &mut n)
        .unwrap();
    assert_eq!(n[0], Val::I32(1));
}

#[test]
fn v128_values_cross_the_api_in_two_cells() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (import "env" "mix" (func $mix (param i32 v128 i64) (result v128 i32)))
             (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
             (func (export "run") (param $a v128) (param $x i32) (result i32 v128 i64)
               (local $t v128)
               (call $mix (local.get $x) (local.get $a) (i64.const -1))
               drop
               local.set $t
               (global.set $g (i32x4.add (global.get $g) (local.get $t)))
               (i32.add (local.get $x) (i32.const 1))
               (global.get $g)
               (i64.const 7)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mix = Func::wrap(&mut store, |x: i32, v: u128, y: i64| {
        (
            v ^ u128::from(x as u32) ^ (u128::from(y as u64) << 64),
            0i32,
        )
    });
    let inst = Instance::new(&mut store, &module, &[mix.into()]).unwrap();
    let a: u128 = 0x0000_0004_0000_0003_0000_0002_0000_0001;
    let run = inst
        .get_typed_func::<(u128, i32), (i32, u128, i64)>(&mut store, "run")
        .unwrap();
    let (x, g, seven) = run.call(&mut store, (a, 10)).unwrap();
    assert_eq!((x, seven), (11, 7));
    // g = [1,2,3,4] + (a ^ 10 ^ (-1 << 64)) lane-wise.
    let t = a ^ 10 ^ (u128::from(u64::MAX) << 64);
    let lane = |v: u128, i: u32| (v >> (32 * i)) as u32;
    for i in 0..4 {
        assert_eq!(lane(g, i), lane(t, i).wrapping_add(i + 1), "lane {i}");
    }
    let global = inst.get_global(&mut store, "g").unwrap();
    assert_eq!(global.get(&store), Val::V128(g));
    global.set(&mut store, Val::V128(u128::MAX)).unwrap();
    assert_eq!(global.get(&store), Val::V128(u128::MAX));
}

#[test]
fn memories_other_than_the_first_are_separate() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (memory $a (export "a") 1)
             (memory $b (export "b") 1 2)
             (data (memory $b) (i32.const 4) "\2a")
             (func (export "run") (result i32 i32 i32)
               (i32.store $a (i32.const 4) (i32.const 99))
               (memory.copy $a $b (i32.const 100) (i32.const 4) (i32.const 1))
               (i32.load8_u $b (i32.const 4))
               (i32.load8_u $a (i32.const 100))
               (memory.grow $b (i32.const 1))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let run = inst
        .get_typed_func::<(), (i32, i32, i32)>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), (42, 42, 1));
    let b = inst.get_memory(&mut store, "b").unwrap();
    assert_eq!(b.data(&store).len(), 2 * 65536);
    assert_eq!(b.data(&store)[4], 42);
    let a = inst.get_memory(&mut store, "a").unwrap();
    assert_eq!(a.data(&store)[4], 99);
    // Out of bounds on the second memory traps like on the first.
    let module = Module::new(
        &engine,
        r#"(module (memory 1) (memory $m 1)
             (func (export "f") (result v128) (v128.load $m (i32.const 65530))))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&mut store, "f").unwrap();
    let err = f.call(&mut store, &[], &mut [Val::V128(0)]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Trap(t) if t.kind() == TrapKind::MemoryOutOfBounds));
}

/// v128 values through control flow, where the compiler must place two-cell
/// values at the right slots: block results with scalars around them,
/// `br_table` to labels of mixed widths, `if` with v128 parameters and a
/// `br_if` back to a loop carrying a v128.
#[test]
fn v128_values_through_control_flow() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
             (type $vv (func (param v128) (result v128)))
             (func (export "table") (param $i i32) (param $v v128) (result i32 v128 i64)
               (i32.const 7)
               (block $b (result v128 i64)
                 (block $a (result v128 i64)
                   (local.get $v) (i64.const 100)
                   (local.get $i)
                   (br_table $a $b))
                 (drop) (drop)
                 (v128.const i32x4 -1 -1 -1 -1) (i64.const 200)))
             (func (export "cond") (param $c i32) (param $v v128) (result v128)
               (local.get $v)
               (local.get $c)
               (if (type $vv) (param v128) (result v128)
                 (then (i32x4.add (v128.const i32x4 1 1 1 1)))
                 (else (drop) (v128.const i64x2 5 6))))
             (func (export "count") (param $n i32) (result v128 i32)
               (local $k i32)
               (v128.const i32x4 0 0 0 0)
               (loop $l (param v128) (result v128)
                 (i32x4.add (v128.const i32x4 1 2 3 4))
                 (local.set $k (i32.add (local.get $k) (i32.const 1)))
                 (br_if $l (i32.lt_u (local.get $k) (local.get $n))))
               (local.get $k)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let table = inst
        .get_typed_func::<(i32, u128), (i32, u128, i64)>(&mut store, "table")
        .unwrap();
    let v: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
    assert_eq!(table.call(&mut store, (0, v)).unwrap(), (7, u128::MAX, 200));
    assert_eq!(table.call(&mut store, (1, v)).unwrap(), (7, v, 100));
    assert_eq!(table.call(&mut store, (9, v)).unwrap(), (7, v, 100));
    let cond = inst
        .get_typed_func::<(i32, u128), u128>(&mut store, "cond")
        .unwrap();
    let lanes = |x: u128| -> [u32; 4] { std::array::from_fn(|i| (x >> (32 * i)) as u32) };
    assert_eq!(lanes(cond.call(&mut store, (1, 0)).unwrap()), [1, 1, 1, 1]);
    assert_eq!(cond.call(&mut store, (0, v)).unwrap(), 5 | (6 << 64));
    let count = inst
        .get_typed_func::<i32, (u128, i32)>(&mut store, "count")
        .unwrap();
    let (acc, k) = count.call(&mut store, 10).unwrap();
    assert_eq!((lanes(acc), k), ([10, 20, 30, 40], 10));
}

/// A folded `base + index` address wraps like the `i32.add` it replaces,
/// and the offset is added without wrapping (so it can trap).
#[test]
fn folded_address_sums_wrap_like_i32_add() {
    let (mut store, inst) = instantiate(
        r#"(module (memory 1)
            (data (i32.const 0) "\2a\00\00\00\07")
            (func (export "load") (param i32 i32) (result i32)
              (i32.load (i32.add (local.get 0) (local.get 1))))
            (func (export "load_off") (param i32 i32) (result i32)
              (i32.load8_u offset=4 (i32.add (local.get 0) (local.get 1))))
            (func (export "store") (param i32 i32 i32)
              (i32.store8 (i32.add (local.get 0) (local.get 1)) (local.get 2))))"#,
    );
    let load = inst
        .get_typed_func::<(i32, i32), i32>(&mut store, "load")
        .unwrap();
    let load_off = inst
        .get_typed_func::<(i32, i32), i32>(&mut store, "load_off")
        .unwrap();
    let st = inst
        .get_typed_func::<(i32, i32, i32), ()>(&mut store, "store")
        .unwrap();
    // 0xffff_ffff + 1 wraps to address 0.
    assert_eq!(load.call(&mut store, (-1, 1)).unwrap(), 42);
    assert_eq!(load_off.call(&mut store, (-1, 1)).unwrap(), 7);
    // 0xffff_fffe + 3 wraps to address 1.
    st.call(&mut store, (-2, 3, 9)).unwrap();
    assert_eq!(load.call(&mut store, (-1, 1)).unwrap(), 0x092a);
    // The sum 0xffff_fffc plus offset 4 is past the memory: a trap, not a wrap.
    let e = load_off.call(&mut store, (-8, 4)).unwrap_err();
    assert_eq!(
        e.as_trap().map(|t| t.kind()),
        Some(TrapKind::MemoryOutOfBounds)
    );
    let e = load.call(&mut store, (65535, 1)).unwrap_err();
    assert_eq!(
        e.as_trap().map(|t| t.kind()),
        Some(TrapKind::MemoryOutOfBounds)
    );
}

/// The same with a constant addend (`x + C`, a static array indexed by a
/// variable): the folded access wraps like the add, adds its offset without
/// wrapping, and works whether the base comes from a slot or straight from
/// the instruction before (the accumulator), for loads, stores of a value
/// (also one just computed) and stores of a constant.
#[test]
fn folded_constant_displacements_wrap_like_i32_add() {
    let (mut store, inst) = instantiate(
        r#"(module (memory 1)
            (data (i32.const 0) "\2a\00\00\00\07")
            (func (export "load") (param i32) (result i32)
              (i32.load (i32.add (local.get 0) (i32.const -1))))
            (func (export "load_off") (param i32) (result i32)
              (i32.load8_u offset=4 (i32.add (local.get 0) (i32.const 0x7fffffff))))
            (func (export "load_acc") (param i32) (result i64)
              (i64.load32_u (i32.add (i32.mul (local.get 0) (i32.const 2)) (i32.const 16))))
            (func (export "store") (param i32 i32)
              (i32.store8 offset=1 (i32.add (local.get 0) (i32.const 3)) (local.get 1)))
            (func (export "store_acc") (param i32 f64)
              (f64.store (i32.add (local.get 0) (i32.const 8))
                         (f64.add (local.get 1) (f64.const 0.5))))
            (func (export "store_imm") (param i32)
              (i32.store16 (i32.add (i32.shl (local.get 0) (i32.const 1)) (i32.const 32))
                           (i32.const 0x1234)))
            (func (export "peek") (param i32) (result i64) (i64.load (local.get 0))))"#,
    );
    let load = inst.get_typed_func::<i32, i32>(&mut store, "load").unwrap();
    let load_off = inst
        .get_typed_func::<i32, i32>(&mut store, "load_off")
        .unwrap();
    let load_acc = inst
        .get_typed_func::<i32, i64>(&mut store, "load_acc")
        .unwrap();
    let st = inst
        .get_typed_func::<(i32, i32), ()>(&mut store, "store")
        .unwrap();
    let st_acc = inst
        .get_typed_func::<(i32, f64), ()>(&mut store, "store_acc")
        .unwrap();
    let st_imm = inst
        .get_typed_func::<i32, ()>(&mut store, "store_imm")
        .unwrap();
    let peek = inst.get_typed_func::<i32, i64>(&mut store, "peek").unwrap();
    let trap = |r: Result<i32, weft::Error>| r.unwrap_err().as_trap().map(|t| t.kind());
    // 1 - 1 = 0; 0 - 1 wraps to 0xffff_ffff, past the memory.
    assert_eq!(load.call(&mut store, 1).unwrap(), 42);
    assert_eq!(
        trap(load.call(&mut store, 0)),
        Some(TrapKind::MemoryOutOfBounds)
    );
    // 0x8000_0001 + 0x7fff_ffff wraps to 0, plus offset 4.
    assert_eq!(load_off.call(&mut store, i32::MIN + 1).unwrap(), 7);
    // 0x8000_0000 + 0x7fff_ffff = 0xffff_ffff, plus 4 is past the memory.
    assert_eq!(
        trap(load_off.call(&mut store, i32::MIN)),
        Some(TrapKind::MemoryOutOfBounds)
    );
    // A base just computed: 2 * 0x7fff_fff8 + 16 wraps to 0.
    assert_eq!(load_acc.call(&mut store, 0x7fff_fff8).unwrap(), 42);
    // Store at (0xffff_fffe + 3) + 1 = 2: byte 2 of the data.
    st.call(&mut store, (-2, 0x55)).unwrap();
    assert_eq!(peek.call(&mut store, 0).unwrap(), 0x07_0055_002a);
    assert!(st.call(&mut store, (65533, 1)).is_err());
    st_acc.call(&mut store, (-8, 1.25)).unwrap();
    assert_eq!(peek.call(&mut store, 0).unwrap(), 1.75f64.to_bits() as i64);
    st_imm.call(&mut store, 8).unwrap();
    assert_eq!(peek.call(&mut store, 48).unwrap(), 0x1234);
    st_imm.call(&mut store, i32::MIN + 4).unwrap(); // (8 << 1 wraps) + 32 = 40
    assert_eq!(peek.call(&mut store, 40).unwrap(), 0x1234);
}

/// A stored constant that does not fit an immediate is materialised after
/// the address sum: the store must not be folded into the sum's place, ahead
/// of it (this once stored the slot's stale value).
#[test]
fn a_wide_constant_stored_at_an_address_sum_is_stored() {
    let (mut store, inst) = instantiate(
        r#"(module (memory 1)
            (func (export "i64") (param i32 i32) (result i64)
              (i64.store (i32.add (local.get 0) (local.get 1)) (i64.const 0x123456789))
              (i64.load (i32.add (local.get 0) (local.get 1))))
            (func (export "f64") (param i32 i32) (result f64)
              (f64.store (i32.add (local.get 0) (local.get 1)) (f64.const 3.25))
              (f64.load (i32.add (local.get 0) (local.get 1)))))"#,
    );
    let i = inst
        .get_typed_func::<(i32, i32), i64>(&mut store, "i64")
        .unwrap();
    let f = inst
        .get_typed_func::<(i32, i32), f64>(&mut store, "f64")
        .unwrap();
    assert_eq!(i.call(&mut store, (8, 8)).unwrap(), 0x1_2345_6789);
    assert_eq!(f.call(&mut store, (24, 8)).unwrap(), 3.25);
}

/// Bit tests fused into branches take the branch exactly when the bits say
/// so: `br_if` on `eqz (and)` and `if` on `and`, with an immediate mask and
/// with a register one.
#[test]
fn fused_bit_test_branches_follow_the_bits() {
    let (mut store, inst) = instantiate(
        r#"(module
            (func (export "f") (param i32 i32) (result i32)
              (local i32)
              (block (br_if 0 (i32.eqz (i32.and (local.get 0) (i32.const 8))))
                (local.set 2 (i32.const 1)))
              (if (i32.and (local.get 0) (local.get 1))
                (then (local.set 2 (i32.add (local.get 2) (i32.const 10)))))
              (block (br_if 0 (i32.and (local.get 0) (i32.const 0x100)))
                (local.set 2 (i32.add (local.get 2) (i32.const 100))))
              local.get 2))"#,
    );
    let f = inst
        .get_typed_func::<(i32, i32), i32>(&mut store, "f")
        .unwrap();
    for x in [0, 8, 0x100, 0x108, -1, 7, 0x0ff] {
        for m in [0, 1, 8, -1] {
            let want = i32::from(x & 8 != 0)
                + 10 * i32::from(x & m != 0)
                + 100 * i32::from(x & 0x100 == 0);
            assert_eq!(
                f.call(&mut store, (x, m)).unwrap(),
                want,
                "x={x:#x} m={m:#x}"
            );
        }
    }
}

/// Float compare-and-branch, fused in every shape the compiler produces
/// (`br_if`, `if`, `br_if` on an `eqz`, a constant on either side, a loop
/// tested at the top), follows IEEE comparisons: with a NaN every ordered
/// comparison is false and `ne` true, so a negated branch is not the
/// opposite comparison.
#[test]
fn fused_float_branches_follow_ieee_comparisons() {
    let ops = ["eq", "ne", "lt", "gt", "le", "ge"];
    let holds = |op: &str, a: f64, b: f64| match op {
        "eq" => a == b,
        "ne" => a != b,
        "lt" => a < b,
        "gt" => a > b,
        "le" => a <= b,
        _ => a >= b,
    };
    for ty in ["f32", "f64"] {
        let mut wat = String::from("(module\n");
        for op in ops {
            // Bit 0: br_if; 1: if; 2: br_if on eqz (negated); 3: against
            // the constant 2 on the right; 4: on the left; 5: a loop tested
            // at the top that runs once when the comparison fails.
            wat += &format!(
                r#"(func (export "{op}") (param {ty} {ty}) (result i32) (local i32)
                  (block (br_if 0 (i32.eqz ({ty}.{op} (local.get 0) (local.get 1))))
                    (local.set 2 (i32.const 1)))
                  (if ({ty}.{op} (local.get 0) (local.get 1))
                    (then (local.set 2 (i32.or (local.get 2) (i32.const 2)))))
                  (block (br_if 0 ({ty}.{op} (local.get 0) (local.get 1)))
                    (local.set 2 (i32.or (local.get 2) (i32.const 4))))
                  (block (br_if 0 (i32.eqz ({ty}.{op} (local.get 0) ({ty}.const 2))))
                    (local.set 2 (i32.or (local.get 2) (i32.const 8))))
                  (block (br_if 0 (i32.eqz ({ty}.{op} ({ty}.const 2) (local.get 0))))
                    (local.set 2 (i32.or (local.get 2) (i32.const 16))))
                  (block $out
                    (loop $top
                      (br_if $out ({ty}.{op} (local.get 0) (local.get 1)))
                      (local.set 2 (i32.or (local.get 2) (i32.const 32)))
                      (local.set 0 (local.get 1))
                      (br $top)))
                  (local.get 2))
                "#
            );
        }
        wat += ")";
        let (mut store, inst) = instantiate(&wat);
        let values = [
            0.0,
            -0.0,
            1.0,
            2.0,
            -3.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for op in ops {
            for a in values {
                for b in values {
                    let bit = |on: bool, n: u32| i32::from(on) << n;
                    let mut want = bit(holds(op, a, b), 0)
                        | bit(holds(op, a, b), 1)
                        | bit(!holds(op, a, b), 2)
                        | bit(holds(op, a, 2.0), 3)
                        | bit(holds(op, 2.0, a), 4);
                    if !holds(op, a, b) && !holds(op, b, b) {
                        // The loop would never end: b compared with itself
                        // fails (a NaN, or `ne`/`lt`/`gt`).
                        continue;
                    }
                    want |= bit(!holds(op, a, b), 5);
                    let got = if ty == "f32" {
                        let f = inst
                            .get_typed_func::<(f32, f32), i32>(&mut store, op)
                            .unwrap();
                        f.call(&mut store, (a as f32, b as f32)).unwrap()
                    } else {
                        let f = inst
                            .get_typed_func::<(f64, f64), i32>(&mut store, op)
                            .unwrap();
                        f.call(&mut store, (a, b)).unwrap()
                    };
                    assert_eq!(got, want, "{ty}.{op} {a} {b}");
                }
            }
        }
    }
}

/// Values handed from one instruction to the next go through the integer or
/// the float accumulator depending on their type; a reinterpretation between
/// the two, a conversion, a comparison, a store and a return each get the
/// right bits.
#[test]
fn values_cross_between_the_integer_and_float_accumulators_intact() {
    let (mut store, inst) = instantiate(
        r#"(module (memory 1)
            (func (export "f") (param i64 f64 i32) (result i64)
              (local f64 i64)
              ;; an f64 from memory, computed on and stored back
              (f64.store (i32.const 8) (f64.mul (f64.load (i32.const 0)) (local.get 1)))
              ;; i64 bits as an f64 and back
              (local.set 4 (i64.reinterpret_f64 (f64.add
                (f64.reinterpret_i64 (i64.add (local.get 0) (i64.const 1)))
                (f64.load (i32.const 8)))))
              ;; conversions both ways, a comparison on an f64 just computed
              (local.set 3 (f64.convert_i32_s (i32.add (local.get 2) (i32.const 3))))
              (if (f64.gt (f64.sub (local.get 3) (local.get 1)) (f64.const 0))
                (then (local.set 4 (i64.add (local.get 4) (i64.const 1000)))))
              (i64.add (local.get 4)
                (i64.add (i64.trunc_f64_s (f64.div (local.get 3) (f64.const 2)))
                         (i64.load (i32.const 8)))))
            (func (export "g") (param f64 f64) (result f64)
              (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 0)))
            (func (export "h") (param i32) (result f64)
              (f64.convert_i32_u (i32.mul (local.get 0) (local.get 0)))))"#,
    );
    let f = inst
        .get_typed_func::<(i64, f64, i32), i64>(&mut store, "f")
        .unwrap();
    let g = inst
        .get_typed_func::<(f64, f64), f64>(&mut store, "g")
        .unwrap();
    let h = inst.get_typed_func::<i32, f64>(&mut store, "h").unwrap();
    let model = |x: i64, y: f64, n: i32| -> i64 {
        let stored = 0.0f64 * y; // memory starts zeroed
        let mut r = (f64::from_bits(x.wrapping_add(1) as u64) + stored).to_bits() as i64;
        let c = f64::from(n.wrapping_add(3));
        if c - y > 0.0 {
            r = r.wrapping_add(1000);
        }
        r.wrapping_add(((c / 2.0) as i64).wrapping_add(stored.to_bits() as i64))
    };
    for (x, y, n) in [
        (0x3ff0_0000_0000_0000i64, 2.5, 7),
        (-1, -0.0, -3),
        (0x4000_0000_0000_0000, f64::INFINITY, 100),
        (12345, 1e300, -100),
    ] {
        assert_eq!(
            f.call(&mut store, (x, y, n)).unwrap(),
            model(x, y, n),
            "{x} {y} {n}"
        );
    }
    for (a, b) in [(1.5, 2.0), (-0.0, 3.0), (f64::MAX, 2.0), (7.25, -1.0)] {
        assert_eq!(
            g.call(&mut store, (a, b)).unwrap().to_bits(),
            (a * b - a).to_bits()
        );
    }
    for x in [0, 3, -1, 65536] {
        let sq = (x as u32).wrapping_mul(x as u32);
        assert_eq!(h.call(&mut store, x).unwrap(), f64::from(sq));
    }
}

/// A loop's step and test fused into one op (`i += k; if (i <cmp> n)`)
/// branches exactly like the add and the comparison apart, for every
/// comparison, with the sum on either side or against a constant, across
/// the signed and unsigned wrap-around points.
#[test]
fn fused_step_and_test_loops_count_like_the_unfused_ones() {
    let ops = [
        "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
    ];
    let steps = [3, -3, 100_000];
    let mut wat = String::from("(module\n");
    for op in ops {
        for (k, step) in steps.iter().enumerate() {
            for (form, test) in [
                ("l", format!("(i32.{op} (local.get 0) (local.get 1))")),
                ("r", format!("(i32.{op} (local.get 1) (local.get 0))")),
                ("i", format!("(i32.{op} (local.get 0) (i32.const -7))")),
            ] {
                wat += &format!(
                    r#"(func (export "{op}_{form}{k}") (param i32 i32) (result i32) (local i32)
                      (block $out (loop $l
                        (br_if $out (i32.ge_u (local.get 2) (i32.const 40)))
                        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                        (local.set 0 (i32.add (local.get 0) (i32.const {step})))
                        (br_if $l {test})))
                      (i32.add (local.get 2) (i32.mul (local.get 0) (i32.const 64))))
                    "#
                );
            }
        }
    }
    wat += ")";
    let (mut store, inst) = instantiate(&wat);
    let holds = |op: &str, a: i32, b: i32| match op {
        "eq" => a == b,
        "ne" => a != b,
        "lt_s" => a < b,
        "lt_u" => (a as u32) < (b as u32),
        "gt_s" => a > b,
        "gt_u" => (a as u32) > (b as u32),
        "le_s" => a <= b,
        "le_u" => (a as u32) <= (b as u32),
        "ge_s" => a >= b,
        _ => (a as u32) >= (b as u32),
    };
    let starts = [0, -5, i32::MAX - 4, i32::MIN + 2, -16, 9];
    let bounds = [10, -10, i32::MAX, i32::MIN, 0, 12];
    for op in ops {
        for (k, step) in steps.iter().enumerate() {
            for form in ["l", "r", "i"] {
                let f = inst
                    .get_typed_func::<(i32, i32), i32>(&mut store, &format!("{op}_{form}{k}"))
                    .unwrap();
                for i0 in starts {
                    for n in bounds {
                        let (mut i, mut c) = (i0, 0i32);
                        loop {
                            if c >= 40 {
                                break;
                            }
                            c += 1;
                            i = i.wrapping_add(*step);
                            let again = match form {
                                "l" => holds(op, i, n),
                                "r" => holds(op, n, i),
                                _ => holds(op, i, -7),
                            };
                            if !again {
                                break;
                            }
                        }
                        let want = c.wrapping_add(i.wrapping_mul(64));
                        assert_eq!(
                            f.call(&mut store, (i0, n)).unwrap(),
                            want,
                            "{op} {form} step {step}: i0={i0} n={n}"
                        );
                    }
                }
            }
        }
    }
}

/// Accesses at constant addresses (global variables) fold the address and
/// the offset into one constant: they read and write the right bytes, trap
/// past the end, and trap (not wrap) when address plus offset passes 2^32.
#[test]
fn constant_address_accesses_hit_the_right_bytes_and_trap_past_the_end() {
    let (mut store, inst) = instantiate(
        r#"(module (memory 1)
            (data (i32.const 16) "\01\02\03\04\05\06\07\08")
            (func (export "rw") (param i32 f64) (result i64)
              (i32.store16 offset=2 (i32.const 30) (local.get 0))
              (i32.store8 (i32.const 40) (i32.const 0x1ff))
              (f64.store (i32.const 48) (f64.mul (local.get 1) (f64.const 3)))
              (i64.store (i32.const 56) (i64.const 0x1122334455667788))
              (i64.add
                (i64.add (i64.load offset=8 (i32.const 8)) (i64.load16_u (i32.const 32)))
                (i64.add (i64.load8_u (i32.const 40))
                  (i64.add (i64.trunc_f64_s (f64.load (i32.const 48))) (i64.load (i32.const 56))))))
            (func (export "last") (result i32) (i32.load (i32.const 65532)))
            (func (export "past") (result i32) (i32.load (i32.const 65533)))
            (func (export "past_store") (i32.store offset=4 (i32.const 65532) (i32.const 1)))
            (func (export "wrap") (result i32) (i32.load offset=8 (i32.const 0xfffffffc))))"#,
    );
    let rw = inst
        .get_typed_func::<(i32, f64), i64>(&mut store, "rw")
        .unwrap();
    let got = rw.call(&mut store, (0xabcd, 2.5)).unwrap();
    let want = 0x0807_0605_0403_0201i64 + 0xabcd + 0xff + 7 + 0x1122_3344_5566_7788;
    assert_eq!(got, want);
    let last = inst.get_typed_func::<(), i32>(&mut store, "last").unwrap();
    assert_eq!(last.call(&mut store, ()).unwrap(), 0);
    let oob = |e: weft::Error| e.as_trap().map(|t| t.kind());
    let past = inst.get_typed_func::<(), i32>(&mut store, "past").unwrap();
    assert_eq!(
        oob(past.call(&mut store, ()).unwrap_err()),
        Some(TrapKind::MemoryOutOfBounds)
    );
    let past_store = inst
        .get_typed_func::<(), ()>(&mut store, "past_store")
        .unwrap();
    assert_eq!(
        oob(past_store.call(&mut store, ()).unwrap_err()),
        Some(TrapKind::MemoryOutOfBounds)
    );
    let wrap = inst.get_typed_func::<(), i32>(&mut store, "wrap").unwrap();
    assert_eq!(
        oob(wrap.call(&mut store, ()).unwrap_err()),
        Some(TrapKind::MemoryOutOfBounds)
    );
}

/// With lazy compilation an invalid body is still rejected when the module
/// is created, a function is compiled by its first call (direct, through a
/// table, from the host), and the results are those of eager compilation.
#[test]
fn lazy_compilation_validates_up_front_and_compiles_on_first_call() {
    let mut config = Config::default();
    config.lazy_compilation(true);
    let engine = Engine::new(&config);
    let err = Module::new(
        &engine,
        r#"(module (func (export "f") (result i32) (i64.const 1)))"#,
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Module(_)), "{err}");
    assert!(err.to_string().contains("type mismatch"), "{err}");

    let module = Module::new(
        &engine,
        r#"(module
            (table 1 funcref) (elem (i32.const 0) $sq)
            (type $t (func (param i32) (result i32)))
            (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
            (func $never (result i32) (unreachable))
            (func $fact (export "fact") (param i32) (result i32)
              (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
                (then (i32.const 1))
                (else (i32.mul (local.get 0)
                  (call $fact (i32.sub (local.get 0) (i32.const 1)))))))
            (func (export "sq_via_table") (param i32) (result i32)
              (call_indirect (type $t) (local.get 0) (i32.const 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let fact = inst.get_typed_func::<i32, i32>(&mut store, "fact").unwrap();
    assert_eq!(fact.call(&mut store, 10).unwrap(), 3_628_800);
    let sq = inst
        .get_typed_func::<i32, i32>(&mut store, "sq_via_table")
        .unwrap();
    assert_eq!(sq.call(&mut store, 12).unwrap(), 144);
    // A second store shares the module's compiled code.
    let mut store2 = Store::new(&engine, ());
    let inst2 = Instance::new(&mut store2, &module, &[]).unwrap();
    let fact2 = inst2
        .get_typed_func::<i32, i32>(&mut store2, "fact")
        .unwrap();
    assert_eq!(fact2.call(&mut store2, 5).unwrap(), 120);
}

#[test]
fn each_instance_reads_and_writes_its_own_global_zero_across_calls() {
    // Global 0 of each module is where C and Rust keep the shadow stack
    // pointer; calls between instances switch which one the code sees.
    let engine = Engine::default();
    let a = Module::new(
        &engine,
        r#"(module (global (mut i32) (i32.const 1))
          (func (export "bump") (result i32)
            (global.set 0 (i32.add (global.get 0) (i32.const 1)))
            (global.get 0)))"#,
    )
    .unwrap();
    let b = Module::new(
        &engine,
        r#"(module (import "a" "bump" (func $bump (result i32)))
          (global (mut i32) (i32.const 100))
          (func (export "run") (result i32)
            (global.set 0 (i32.add (global.get 0) (i32.const 10)))
            (i32.add (call $bump) (i32.mul (global.get 0) (i32.const 1000)))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let ia = Instance::new(&mut store, &a, &[]).unwrap();
    let mut linker = Linker::new(&engine);
    linker.instance(&mut store, "a", ia).unwrap();
    let ib = linker.instantiate(&mut store, &b).unwrap();
    let run = ib.get_typed_func::<(), i32>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 2 + 110 * 1000);
    assert_eq!(run.call(&mut store, ()).unwrap(), 3 + 120 * 1000);
}
