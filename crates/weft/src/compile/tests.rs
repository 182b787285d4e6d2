//! Slot-assignment tests: they pin the properties the design promises
//! (locals read in place, `local.set` folded, constants inline, values at
//! canonical slots across control flow), not every instruction emitted.

use crate::code::{
    ACC, AddBr, AddBrImm, Bin, BinImm, Instr, LoadDisp, LoadIdx, StoreImmDisp, StoreImmIdx, Un,
};
use crate::{Engine, Module};

/// All of the compiled code of `wat`'s first function under `engine`, as
/// the compiler emitted it (absolute targets), guard and pool included.
fn code_with(engine: &Engine, wat: &str) -> Vec<Instr> {
    let m = Module::new(engine, wat).expect("valid module");
    let code = &m.inner.func_code(0).unwrap().code;
    code.iter()
        .enumerate()
        .map(|(pc, op)| op.instr_at(pc))
        .collect()
}

/// The instructions of `wat`'s first function, without its guard and
/// constant pool.
fn compile(wat: &str) -> Vec<Instr> {
    let mut code = code_with(&Engine::default(), wat);
    // The constant pool, if any, follows the guard.
    while let Some(Instr::Data { .. }) = code.last() {
        code.pop();
    }
    assert_eq!(code.pop(), Some(Instr::Unreachable), "missing end guard");
    code
}

/// The constant pool of `wat`'s first function: the `Data` words after
/// its guard, by pc.
fn pool(wat: &str) -> Vec<(usize, u64)> {
    let code = code_with(&Engine::default(), wat);
    let guard = code
        .iter()
        .rposition(|i| *i == Instr::Unreachable)
        .expect("end guard");
    (guard + 1..code.len())
        .map(|pc| match code[pc] {
            Instr::Data { bits } => (pc, bits),
            other => panic!("{other:?} after the guard"),
        })
        .collect()
}

#[test]
fn locals_are_read_in_place_and_set_is_folded() {
    let code = compile(
        r#"(module (func (param i32 i32) (local i32)
            local.get 0 local.get 1 i32.add local.set 2))"#,
    );
    assert_eq!(
        code,
        vec![Instr::I32Add(Bin { dst: 2, a: 0, b: 1 }), Instr::Return]
    );
}

#[test]
fn constants_become_immediates() {
    let code = compile(
        r#"(module (func (param i32) (result i32)
            local.get 0 i32.const 7 i32.sub))"#,
    );
    // The result is handed to the return in the accumulator.
    assert_eq!(
        code,
        vec![
            Instr::I32SubImm(BinImm {
                dst: ACC,
                a: 0,
                imm: 7
            }),
            Instr::ReturnSlot { src: ACC }
        ]
    );
}

#[test]
fn constant_on_the_left_of_a_comparison_is_swapped() {
    let code = compile(
        r#"(module (func (param i32) (result i32)
            i32.const 5 local.get 0 i32.lt_s))"#,
    );
    assert_eq!(
        code[0],
        Instr::I32GtSImm(BinImm {
            dst: ACC,
            a: 0,
            imm: 5
        })
    );
}

#[test]
fn stale_local_on_stack_is_saved_before_overwrite() {
    // The old value of local 0 is still on the stack when local 0 is set:
    // it must be copied to its canonical slot (1) first.
    let code = compile(
        r#"(module (func (param i32) (result i32)
            local.get 0
            i32.const 9 local.set 0
            local.get 0 i32.add))"#,
    );
    assert_eq!(code[0], Instr::Copy { dst: 1, src: 0 });
    assert_eq!(code[1], Instr::Const32 { dst: 0, value: 9 });
    // The new value of local 0 is also in the accumulator (written through).
    assert_eq!(
        code[2],
        Instr::I32Add(Bin {
            dst: ACC,
            a: 1,
            b: ACC
        })
    );
}

#[test]
fn block_results_land_in_the_blocks_slot() {
    // Both arms of the if must leave their result in slot 1 (1 local + 0).
    let code = compile(
        r#"(module (func (param i32) (result i32)
            (if (result i32) (local.get 0)
              (then (i32.const 1))
              (else (i32.const 2)))))"#,
    );
    let writes_slot1 = |i: &Instr| matches!(i, Instr::Const32 { dst: 1, .. });
    assert_eq!(code.iter().filter(|i| writes_slot1(i)).count(), 2);
    assert_eq!(code.last(), Some(&Instr::ReturnSlot { src: 1 }));
}

#[test]
fn call_arguments_sit_at_the_callee_frame_base() {
    let code = compile(
        r#"(module
            (func (param i32 i32) (result i32)
              local.get 1 local.get 0 call 1)
            (func (param i32 i32) (result i32) local.get 0))"#,
    );
    assert_eq!(
        code[0],
        Instr::Copy2 {
            dst0: 2,
            src0: 1,
            dst1: 3,
            src1: 0
        }
    );
    assert_eq!(code[1], Instr::Call { func: 1, base: 2 });
}

#[test]
fn an_address_sum_is_folded_into_the_access() {
    let code = compile(
        r#"(module (memory 1) (func (param i32 i32) (result i32)
            (i32.store8 offset=3 (i32.add (local.get 0) (local.get 1)) (i32.const 0))
            (i32.load offset=8 (i32.add (local.get 0) (local.get 1)))))"#,
    );
    assert_eq!(
        code[0],
        Instr::I32Store8ImmIdx(StoreImmIdx {
            a: 0,
            b: 1,
            value: 0,
            offset: 3
        })
    );
    assert_eq!(
        code[1],
        Instr::I32LoadIdx(LoadIdx {
            dst: ACC,
            a: 0,
            b: 1,
            offset: 8
        })
    );
}

#[test]
fn a_value_only_the_next_instruction_reads_goes_through_the_accumulator() {
    let code = compile(
        r#"(module (func (param i32 i32) (result i32)
            (i32.mul (i32.add (local.get 0) (local.get 1)) (local.get 0))))"#,
    );
    assert_eq!(
        code,
        vec![
            Instr::I32Add(Bin {
                dst: ACC,
                a: 0,
                b: 1
            }),
            Instr::I32Mul(Bin {
                dst: ACC,
                a: ACC,
                b: 0
            }),
            Instr::ReturnSlot { src: ACC },
        ]
    );
}

#[test]
fn no_accumulator_across_a_label() {
    // The block's end is a label: its result stays in its slot (2 locals +
    // height 0).
    let code = compile(
        r#"(module (func (param i32 i32) (result i32)
            (i32.eqz (block (result i32) (i32.add (local.get 0) (local.get 1))))))"#,
    );
    assert_eq!(code[0], Instr::I32Add(Bin { dst: 2, a: 0, b: 1 }));
    assert_eq!(code[1], Instr::I32Eqz(Un { dst: ACC, src: 2 }));
}

#[test]
fn a_folded_address_reads_its_addends_from_slots() {
    // The `i32.mul` first hands its result to the `i32.add`; folding the
    // add into the load takes that back.
    let code = compile(
        r#"(module (memory 1) (func (param i32 i32) (result i32)
            (i32.load (i32.add (i32.mul (local.get 0) (i32.const 4)) (local.get 1)))))"#,
    );
    assert_eq!(
        code[0],
        Instr::I32MulImm(BinImm {
            dst: 2,
            a: 0,
            imm: 4
        })
    );
    assert_eq!(
        code[1],
        Instr::I32LoadIdx(LoadIdx {
            dst: ACC,
            a: 2,
            b: 1,
            offset: 0
        })
    );
}

#[test]
fn an_address_sum_stays_apart_when_the_offset_is_large_or_a_value_follows_it() {
    // The offset does not fit 16 bits.
    let code = compile(
        r#"(module (memory 1) (func (param i32 i32) (result i32)
            (i32.load offset=70000 (i32.add (local.get 0) (local.get 1)))))"#,
    );
    assert!(matches!(code[0], Instr::I32Add(_)), "{code:?}");
    // The stored value is computed after the sum.
    let code = compile(
        r#"(module (memory 1) (func (param i32 i32)
            (i32.store (i32.add (local.get 0) (local.get 1))
                       (i32.mul (local.get 0) (local.get 1)))))"#,
    );
    assert!(matches!(code[0], Instr::I32Add(_)), "{code:?}");
    assert!(matches!(code[2], Instr::I32Store(_)), "{code:?}");
}

#[test]
fn a_loop_tested_at_the_top_is_tested_again_at_the_bottom() {
    let code = compile(
        r#"(module (func (param i32) (local i32)
            (block (loop
              (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
              (local.set 1 (i32.add (local.get 1) (i32.const 1)))
              (br 0)))))"#,
    );
    use crate::code::BrCmp;
    assert_eq!(
        code,
        vec![
            Instr::BrI32GeU(BrCmp {
                a: 1,
                b: 0,
                target: 3
            }),
            // The `br 0` became the negated exit test, back to the body,
            // and the step and the test became one op that skips the test.
            Instr::AddBrI32LtU(AddBr {
                dst: 1,
                a: 1,
                imm: 1,
                b: 0,
                target: 1
            }),
            Instr::BrI32LtU(BrCmp {
                a: 1,
                b: 0,
                target: 1
            }),
            Instr::Return,
        ]
    );
}

#[test]
fn a_metered_loop_is_tested_before_its_checks_and_rotated() {
    use crate::code::BrCmp;
    const LOOP: &str = r#"(module (func (param i32) (local i32)
        (block (loop
          (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br 0)))))"#;
    for (fuel, interruptible) in [(true, false), (false, true), (true, true)] {
        let mut config = crate::Config::default();
        config.consume_fuel(fuel).interruptible(interruptible);
        let code = code_with(&Engine::new(&config), LOOP);
        // The exit test comes first, then the loop's checks, which the
        // bottom test (fused with the step) branches past: it does their
        // work itself. With both, it lands on the interrupt check.
        let test = code
            .iter()
            .position(|i| matches!(i, Instr::BrI32GeU(_)))
            .expect("exit test");
        let checks = usize::from(fuel) + usize::from(interruptible);
        let body = test + 1 + checks;
        let back = test + 2;
        assert!(
            code[test + 1..body]
                .iter()
                .all(|i| matches!(i, Instr::ConsumeFuel { .. } | Instr::CheckInterrupt)),
            "{code:?}"
        );
        assert!(
            matches!(code[body], Instr::AddBrI32LtU(AddBr { target, .. }) if target as usize == back),
            "{code:?}"
        );
        assert!(
            matches!(code[body + 1], Instr::BrI32LtU(BrCmp { target, .. }) if target as usize == back),
            "{code:?}"
        );
    }
}

#[test]
fn no_branch_lands_on_a_br() {
    // Each arm of the inner `if` ends in a branch to the outer arm's end,
    // which is itself a branch: both go straight to the final target.
    let code = compile(
        r#"(module (func (param i32) (result i32) (local i32)
            (if (local.get 0)
              (then (if (i32.and (local.get 0) (i32.const 2))
                (then (local.set 1 (i32.const 1)))
                (else (local.set 1 (i32.const 2)))))
              (else (local.set 1 (i32.const 3))))
            (local.get 1)))"#,
    );
    for (pc, i) in code.iter().enumerate() {
        if let Some(t) = i.branch_target() {
            assert!(
                !matches!(code[t as usize], Instr::Br { .. }),
                "{pc}: {i:?} lands on a Br: {code:?}"
            );
        }
    }
}

#[test]
fn a_bit_test_and_its_negation_branch_in_one_op() {
    // `if (x & 8)`, as clang writes it: skip the body when the bits are zero.
    let code = compile(
        r#"(module (func (param i32) (result i32)
            (block (br_if 0 (i32.eqz (i32.and (local.get 0) (i32.const 8))))
              (return (i32.const 1)))
            (if (i32.and (local.get 0) (local.get 0)) (then (return (i32.const 2))))
            i32.const 0))"#,
    );
    assert!(matches!(
        code[0],
        Instr::BrI32AndZImm(crate::code::BrCmpImm { a: 0, imm: 8, .. })
    ));
    assert!(
        code.iter()
            .any(|i| matches!(i, Instr::BrI32AndZ(crate::code::BrCmp { a: 0, b: 0, .. })))
    );
    assert!(!code.iter().any(|i| matches!(
        i,
        Instr::BrIfEqz { .. } | Instr::BrIfNez { .. } | Instr::I32Eqz(_)
    )));
}

#[test]
fn two_copies_in_a_row_pair_up_but_not_across_a_label() {
    // Rotating three locals: the first two copies pair; the loop's label
    // sits before the third copy, which stays alone.
    let code = compile(
        r#"(module (func (param i32 i32 i32)
            local.get 0 local.set 1 local.get 1 local.set 2
            (loop local.get 2 local.set 0 (br_if 0 (local.get 0)))))"#,
    );
    assert_eq!(
        code[0],
        Instr::Copy2 {
            dst0: 1,
            src0: 0,
            dst1: 2,
            src1: 1
        }
    );
    assert_eq!(code[1], Instr::Copy { dst: 0, src: 2 });
}

#[test]
fn f64_values_travel_in_the_float_accumulator_and_only_to_f64_readers() {
    use crate::code::{Load, Store};
    // f64.load -> f64.mul -> f64.store: both hand-offs through the float
    // accumulator (the store's value operand reads it).
    let code = compile(
        r#"(module (memory 1) (func (param i32 f64)
            local.get 0 local.get 0 f64.load local.get 1 f64.mul f64.store))"#,
    );
    assert_eq!(
        code,
        vec![
            Instr::F64Load(Load {
                dst: ACC,
                addr: 0,
                offset: 0
            }),
            Instr::F64Mul(Bin {
                dst: ACC,
                a: ACC,
                b: 1
            }),
            Instr::F64Store(Store {
                addr: 0,
                val: ACC,
                offset: 0
            }),
            Instr::Return
        ]
    );
    // i64 bits reinterpreted as f64: the writer fills the integer
    // accumulator, which an f64 reader does not read, so the value goes
    // through its slot (and the other way round).
    let code = compile(
        r#"(module (func (param i64 f64) (result i64)
            local.get 0 i64.const 1 i64.add f64.reinterpret_i64 local.get 1 f64.add
            i64.reinterpret_f64 i64.const 3 i64.mul))"#,
    );
    assert_eq!(
        code,
        vec![
            Instr::I64AddImm(BinImm {
                dst: 2,
                a: 0,
                imm: 1
            }),
            Instr::F64Add(Bin { dst: 2, a: 2, b: 1 }),
            Instr::I64MulImm(BinImm {
                dst: ACC,
                a: 2,
                imm: 3
            }),
            Instr::ReturnSlot { src: ACC }
        ]
    );
}

#[test]
fn an_address_plus_a_constant_is_folded_into_the_access() {
    let code = compile(
        r#"(module (memory 1) (func (param i32) (result i32)
            (i32.store8 offset=3 (i32.add (local.get 0) (i32.const 100)) (i32.const 0))
            (i32.load offset=8 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const -4)))))"#,
    );
    assert_eq!(
        code,
        vec![
            Instr::I32Store8ImmDisp(StoreImmDisp {
                a: 0,
                disp: 100,
                value: 0,
                offset: 3
            }),
            Instr::I32ShlImm(BinImm {
                dst: ACC,
                a: 0,
                imm: 2
            }),
            Instr::I32LoadDisp(LoadDisp {
                dst: ACC,
                a: ACC,
                disp: -4,
                offset: 8
            }),
            Instr::ReturnSlot { src: ACC }
        ]
    );
}

#[test]
fn a_step_and_the_test_on_it_become_one_op_unless_a_branch_lands_between() {
    // `i += 4; if (n != i) loop`: the sum on the right of `ne`; and
    // `j -= 1; if (j > 8) loop`: against an immediate.
    let code = compile(
        r#"(module (func (param i32 i32) (local i32)
            (loop
              (local.set 1 (i32.add (local.get 1) (i32.const 4)))
              (br_if 0 (i32.ne (local.get 0) (local.get 1))))
            (loop
              (local.set 2 (i32.add (local.get 2) (i32.const -1)))
              (br_if 0 (i32.gt_s (local.get 2) (i32.const 8))))))"#,
    );
    assert_eq!(
        code[0],
        Instr::AddBrI32Ne(AddBr {
            dst: 1,
            a: 1,
            imm: 4,
            b: 0,
            target: 0
        })
    );
    assert_eq!(
        code[2],
        Instr::AddBrI32GtSImm(AddBrImm {
            dst: 2,
            a: 2,
            imm: -1,
            rhs: 8,
            target: 2
        })
    );
    // A branch lands on the test: it stays apart from the add.
    let code = compile(
        r#"(module (func (param i32 i32)
            (loop $l
              (block $b
                (br_if $b (local.get 0))
                (local.set 1 (i32.add (local.get 1) (i32.const 1))))
              (br_if $l (i32.lt_u (local.get 1) (i32.const 100))))))"#,
    );
    assert!(
        !code.iter().any(|i| matches!(i, Instr::AddBrI32LtUImm(_))),
        "{code:?}"
    );
    assert!(
        code.iter()
            .any(|i| matches!(i, Instr::BrI32LtUImm(_) | Instr::BrI32GeUImm(_)))
    );
}

#[test]
fn a_low_half_mask_is_a_zero_extension() {
    let code = compile(
        r#"(module (func (param i64) (local i64)
            local.get 0 i64.const 0xffffffff i64.and local.set 1))"#,
    );
    assert_eq!(
        code,
        vec![Instr::I64ExtendI32U(Un { dst: 1, src: 0 }), Instr::Return]
    );
}

#[test]
fn a_shuffle_carries_its_lanes_in_data_words_and_takes_a_local_set() {
    let code = compile(
        r#"(module (func (param v128 v128) (local v128)
            local.get 0 local.get 1
            i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
            local.set 2))"#,
    );
    let lanes: [u8; 16] = [0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31];
    let mask = u128::from_le_bytes(lanes);
    assert_eq!(
        code,
        vec![
            Instr::V128Shuffle { dst: 4, a: 0, b: 2 },
            Instr::Data { bits: mask as u64 },
            Instr::Data {
                bits: (mask >> 64) as u64
            },
            Instr::Return
        ]
    );
}

#[test]
fn a_simd_shift_by_a_constant_carries_the_count() {
    let code = compile(
        r#"(module (func (param v128) (result v128)
            local.get 0 i32.const 131 i32x4.shl))"#,
    );
    assert!(
        matches!(code[0], Instr::V128ShiftImm { a: 0, count: 3, .. }),
        "{code:?}"
    );
}

#[test]
fn a_wide_constant_is_read_from_the_pool_after_the_code() {
    let wat = r#"(module (func (param i64 f64) (result i64)
        local.get 0 i64.const 0x100000001b3 i64.mul
        local.get 1 f64.const 0.1 f64.mul
        i64.trunc_f64_s
        i64.xor))"#;
    let code = compile(wat);
    let pool = pool(wat);
    let (mul, fmul) = (pool[0], pool[1]);
    assert_eq!(
        pool.iter().map(|p| p.1).collect::<Vec<_>>(),
        [0x100000001b3, 0.1f64.to_bits()]
    );
    assert!(
        matches!(code[0], Instr::I64MulWide(BinImm { a: 0, imm, .. }) if imm as usize == mul.0),
        "{code:?}"
    );
    assert!(
        matches!(code[1], Instr::F64MulWide(BinImm { a: 1, imm, .. }) if imm as usize == fmul.0),
        "{code:?}"
    );
}

#[test]
fn wide_constants_compute_what_the_operators_do() {
    const K: i64 = 0x0123_4567_89ab_cdef;
    let wat = format!(
        r#"(module
        (func (export "int") (param $x i64) (result i64)
          (i64.add (local.get $x) (i64.const {K}))
          (i64.sub (local.get $x) (i64.const {K})) i64.xor
          (i64.mul (i64.const {K}) (local.get $x)) i64.xor
          (i64.and (local.get $x) (i64.const {K})) i64.xor
          (i64.or (local.get $x) (i64.const {K})) i64.xor
          (i64.xor (local.get $x) (i64.const {K})) i64.xor)
        (func (export "cmp") (param $x i64) (result i32)
          (i64.lt_s (local.get $x) (i64.const {K}))
          (i32.shl (i64.gt_u (i64.const {K}) (local.get $x)) (i32.const 1)) i32.or
          (i32.shl (i64.eq (local.get $x) (i64.const {K})) (i32.const 2)) i32.or
          (i32.shl (i64.ge_s (local.get $x) (i64.const {K})) (i32.const 3)) i32.or)
        (func (export "float") (param $y f64) (result f64)
          (f64.div (f64.add (local.get $y) (f64.const 0.1)) (f64.const 0.3))
          (f64.mul (f64.sub (local.get $y) (f64.const 1e-9)) (f64.const 3.3)) f64.add))"#
    );
    let module = Module::new(&Engine::default(), &wat).unwrap();
    let mut store = crate::Store::new(module.engine(), ());
    let inst = crate::Instance::new(&mut store, &module, &[]).unwrap();
    let int = inst.get_typed_func::<i64, i64>(&mut store, "int").unwrap();
    let cmp = inst.get_typed_func::<i64, i32>(&mut store, "cmp").unwrap();
    let float = inst
        .get_typed_func::<f64, f64>(&mut store, "float")
        .unwrap();
    for x in [
        0,
        1,
        -1,
        K,
        K - 1,
        K + 1,
        i64::MIN,
        i64::MAX,
        0x5555_aaaa_1234,
    ] {
        let want =
            x.wrapping_add(K) ^ x.wrapping_sub(K) ^ K.wrapping_mul(x) ^ (x & K) ^ (x | K) ^ (x ^ K);
        assert_eq!(int.call(&mut store, x).unwrap(), want, "int({x})");
        let want = i32::from(x < K)
            | i32::from((K as u64) > x as u64) << 1
            | i32::from(x == K) << 2
            | i32::from(x >= K) << 3;
        assert_eq!(cmp.call(&mut store, x).unwrap(), want, "cmp({x})");
    }
    for y in [0.0, -2.5, 1e300, f64::INFINITY] {
        let want = (y + 0.1) / 0.3 + (y - 1e-9) * 3.3;
        assert_eq!(float.call(&mut store, y).unwrap().to_bits(), want.to_bits());
    }
    assert!(float.call(&mut store, f64::NAN).unwrap().is_nan());
}

#[test]
fn fuel_blocks_open_at_arms_and_escaped_ends_only() {
    let mut config = crate::Config::default();
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    let charges = |wat: &str| {
        code_with(&engine, wat)
            .iter()
            .filter(|i| matches!(i, Instr::ConsumeFuel { .. }))
            .count()
    };
    // Entry and the `then` arm; the code after the `if` joins the entry's.
    assert_eq!(
        charges(
            r#"(module (func (param i32) (result i32) (local i32)
            (if (local.get 0) (then (local.set 1 (i32.const 9))))
            (i32.add (local.get 1) (i32.const 3))))"#
        ),
        2
    );
    // The `br_if` leaves `$in` past its end, so that end opens a block;
    // nothing leaves `$out` but through its end.
    assert_eq!(
        charges(
            r#"(module (func (param i32) (result i32) (local i32)
            (block $out
              (block $in (br_if $out (local.get 0)) (local.set 1 (i32.const 1)))
              (local.set 1 (i32.add (local.get 1) (i32.const 1))))
            (local.get 1)))"#
        ),
        2
    );
}
