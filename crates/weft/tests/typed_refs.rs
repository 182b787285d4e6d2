//! Typed function references and the type registry through the embedding
//! API: typed references crossing the host boundary, subtype-compatible
//! imports, canonical types shared between modules, and tags.

use weft::{
    Engine, ErrorKind, Extern, FuncType, Global, GlobalType, HeapType, Instance, Linker, Module,
    Mutability, RefType, Store, Tag, TrapKind, Val, ValType,
};

const CALLER: &str = r#"(module
  (type $bin (func (param i32 i32) (result i32)))
  (func $add (export "add") (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $sub (export "sub") (param i64) (result i64) (local.get 0))
  (elem declare func $add)
  (func (export "apply") (param $f (ref $bin)) (param i32 i32) (result i32)
    (call_ref $bin (local.get 1) (local.get 2) (local.get $f)))
  (func (export "apply_null") (param $f (ref null $bin)) (result i32)
    (call_ref $bin (i32.const 1) (i32.const 2) (local.get $f)))
  (func (export "get") (result (ref $bin)) (ref.func $add)))"#;

fn ref_param(module: &Module, export: &str) -> RefType {
    let ty = module
        .exports()
        .find(|e| e.name() == export)
        .and_then(|e| match e.ty() {
            weft::ExternType::Func(f) => Some(f),
            _ => None,
        })
        .expect("function export");
    ty.params()[0].as_ref().expect("a reference parameter")
}

#[test]
fn a_typed_function_reference_crosses_the_host_boundary() {
    let engine = Engine::default();
    let module = Module::new(&engine, CALLER).unwrap();
    let param = ref_param(&module, "apply");
    assert!(!param.is_nullable());
    assert!(matches!(param.heap_type(), HeapType::Concrete(_)));
    assert!(ref_param(&module, "apply_null").is_nullable());

    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let apply = inst.get_func(&mut store, "apply").unwrap();
    let add = inst.get_func(&mut store, "add").unwrap();
    let sub = inst.get_func(&mut store, "sub").unwrap();

    // A reference returned by wasm, passed back in.
    let mut out = [Val::I32(0)];
    inst.get_func(&mut store, "get")
        .unwrap()
        .call(&mut store, &[], &mut out)
        .unwrap();
    let Val::FuncRef(Some(got)) = out[0] else {
        panic!("expected a function reference, got {:?}", out[0]);
    };
    assert_eq!(got, add);
    assert!(out[0].matches(&store, ValType::Ref(param)));
    apply
        .call(
            &mut store,
            &[out[0].clone(), Val::I32(40), Val::I32(2)],
            &mut out,
        )
        .unwrap();
    assert_eq!(out[0], Val::I32(42));

    // A function of another type, or null, is refused before running.
    let e = apply
        .call(
            &mut store,
            &[Val::FuncRef(Some(sub)), Val::I32(1), Val::I32(2)],
            &mut out,
        )
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Usage(_)), "{e}");
    let e = apply
        .call(
            &mut store,
            &[Val::FuncRef(None), Val::I32(1), Val::I32(2)],
            &mut out,
        )
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Usage(_)), "{e}");

    // A host function whose type is the same signature is the same type.
    let host = weft::Func::wrap(&mut store, |a: i32, b: i32| a * b);
    apply
        .call(
            &mut store,
            &[Val::FuncRef(Some(host)), Val::I32(6), Val::I32(7)],
            &mut out,
        )
        .unwrap();
    assert_eq!(out[0], Val::I32(42));

    // Null where null is allowed reaches `call_ref`, which traps.
    let e = inst
        .get_func(&mut store, "apply_null")
        .unwrap()
        .call(&mut store, &[Val::FuncRef(None)], &mut out)
        .unwrap_err();
    assert_eq!(
        e.as_trap().map(|t| t.kind()),
        Some(TrapKind::NullFunctionReference),
        "{e}"
    );
    assert!(e.to_string().contains("null function reference"), "{e}");
}

#[test]
fn imports_match_by_subtyping() {
    let engine = Engine::default();
    let provider = Module::new(
        &engine,
        r#"(module
          (type $super (sub (func (param i32) (result funcref))))
          (type $sub (sub $super (func (param i32) (result (ref func)))))
          (func $f (export "f") (type $sub) (ref.func $f))
          (global (export "g") (ref $sub) (ref.func $f))
          (global (export "gm") (mut (ref null $sub)) (ref.null $sub)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &provider, &[]).unwrap();
    let mut linker = Linker::new(&engine);
    linker.instance(&mut store, "p", inst).unwrap();

    let accepted = [
        // The declared supertype, in another module (the same rec group
        // written again is the same type).
        r#"(module (type $super (sub (func (param i32) (result funcref))))
             (import "p" "f" (func (type $super))))"#,
        // The exact type.
        r#"(module (type $super (sub (func (param i32) (result funcref))))
             (type $sub (sub $super (func (param i32) (result (ref func)))))
             (import "p" "f" (func (type $sub))))"#,
        // An immutable global may be imported at a supertype.
        r#"(module (import "p" "g" (global funcref)))"#,
        r#"(module (import "p" "g" (global (ref null func))))"#,
    ];
    for wat in accepted {
        let m = Module::new(&engine, wat).unwrap();
        linker
            .instantiate(&mut store, &m)
            .unwrap_or_else(|e| panic!("{wat}: {e}"));
    }
    let refused = [
        // Structurally the same signature as $super, but final and without
        // the supertype relation: a different type.
        r#"(module (import "p" "f" (func (param i32) (result funcref))))"#,
        r#"(module (import "p" "f" (func (param i64) (result funcref))))"#,
        // A mutable global must match exactly.
        r#"(module (import "p" "gm" (global (mut funcref))))"#,
        // A function is not a global.
        r#"(module (import "p" "f" (global funcref)))"#,
    ];
    for wat in refused {
        let m = Module::new(&engine, wat).unwrap();
        let e = linker.instantiate(&mut store, &m).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Link(_)), "{wat}: {e}");
    }
}

#[test]
fn call_indirect_accepts_a_subtype_and_traps_on_an_unrelated_type() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (type $super (sub (func (result i32))))
          (type $sub (sub $super (func (result i32))))
          (type $other (func (result i32)))
          (func $a (type $sub) (i32.const 7))
          (func $b (type $other) (i32.const 8))
          (table funcref (elem $a $b))
          (func (export "call") (param i32) (result i32)
            (call_indirect (type $super) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let call = inst.get_typed_func::<i32, i32>(&mut store, "call").unwrap();
    assert_eq!(call.call(&mut store, 0).unwrap(), 7);
    let e = call.call(&mut store, 1).unwrap_err();
    assert_eq!(
        e.as_trap().map(|t| t.kind()),
        Some(TrapKind::BadSignature),
        "{e}"
    );
}

#[test]
fn host_values_are_checked_against_reference_types() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let non_null_func = ValType::Ref(RefType::new(false, HeapType::Func));
    let f = weft::Func::wrap(&mut store, || {});
    let ok = Global::new(
        &mut store,
        GlobalType::new(non_null_func, Mutability::Var),
        Val::FuncRef(Some(f)),
    )
    .unwrap();
    assert!(ok.set(&mut store, Val::FuncRef(None)).is_err());
    assert!(
        Global::new(
            &mut store,
            GlobalType::new(non_null_func, Mutability::Const),
            Val::FuncRef(None),
        )
        .is_err()
    );
    assert!(
        Global::new(
            &mut store,
            GlobalType::new(ValType::EXTERNREF, Mutability::Const),
            Val::FuncRef(None),
        )
        .is_err()
    );
    assert_eq!(non_null_func.to_string(), "(ref func)");
    assert_eq!(ValType::FUNCREF.to_string(), "funcref");
    assert_eq!(
        ValType::Ref(RefType::new(true, HeapType::Exn)).to_string(),
        "exnref"
    );
}

#[test]
fn tags_match_by_identity_and_type() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new([ValType::I32], []);
    let tag = Tag::new(&mut store, &ty).unwrap();
    assert_eq!(tag.ty(&store).params(), &[ValType::I32]);
    let importer = Module::new(
        &engine,
        r#"(module (import "h" "t" (tag (param i32))) (export "again" (tag 0)))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &importer, &[Extern::Tag(tag)]).unwrap();
    assert_eq!(
        inst.get_export(&mut store, "again"),
        Some(Extern::Tag(tag)),
        "re-exporting an imported tag gives the same tag"
    );
    let wrong = Module::new(&engine, r#"(module (import "h" "t" (tag (param i64))))"#).unwrap();
    let e = Instance::new(&mut store, &wrong, &[Extern::Tag(tag)]).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Link(_)), "{e}");
    // Each instantiation defines new tags.
    let definer = Module::new(&engine, r#"(module (tag (export "t")))"#).unwrap();
    let a = Instance::new(&mut store, &definer, &[]).unwrap();
    let b = Instance::new(&mut store, &definer, &[]).unwrap();
    assert_ne!(a.get_export(&mut store, "t"), b.get_export(&mut store, "t"));
    assert!(Tag::new(&mut store, &FuncType::new([], [ValType::I32])).is_err());
}
