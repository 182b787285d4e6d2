//! The instruction table: every instruction of the operand families
//! (binary, binary with an immediate, unary, loads, stores, fused
//! compare-and-branch, add-and-branch), each once, with its semantics.
//!
//! `instruction_table!(cb)` hands the whole table to the macro `cb`. The
//! [`Instr`](super::Instr) enum and its operand metadata are generated from
//! it (`instrs_from_table` in this module's parent), and so are the
//! interpreter's handlers (`handlers_from_table` in `exec::handlers`): adding
//! a row adds the variant, its accumulator modes and its handler together.
//! Hand-written instructions (calls, branches, tables, SIMD shapes, ...)
//! are listed in the enum itself.
//!
//! Row syntax, per section:
//! - `bin`: `Name(read, write, |a, b| value)`: `read` is how both operand
//!   cells are read (`u32`, `i32`, `get` for the raw `u64`, `i64`, `f32`,
//!   `f64`), `write` how the value becomes a cell (`w32`, `raw`, `wf32`,
//!   `wf64`);
//! - `bin_imm`: `Name(width, |a, b| value)`, `b` the inline immediate;
//!   `Name / Wide (width, ...)` also defines `Wide`, the same operation on
//!   a 64-bit constant too wide for the immediate, which the instruction
//!   names instead: a `Data` word in the function's constant pool (after
//!   its code; `compile::place_pool`);
//! - `un`: `Name(read, write, |a| value)`;
//! - `load`: `Plain / Idx / Disp / Abs (bytes, write, |b| value)`, the four
//!   address forms of one access, `b` the bytes read;
//! - `store`, `store_imm`: `Plain / Idx / Disp / Abs (read, |v| bytes)`;
//! - `br_cmp`, `br_cmp_imm`: `Name(read, |a, b| taken)`;
//! - `add_br`, `add_br_imm`: `Name(|sum, b| taken)`.
//!
//! The value expressions are written in the interpreter's terms (`ops::`
//! for the numeric semantics, `tri!(ip, ctx, ...)` for a trap, named by the
//! table's `names`); they are only expanded there.

macro_rules! instruction_table {
    ($cb:ident) => {
        $cb! {
            names: |ip, ctx|,
            bin: {
                I32Add(u32, w32, |a, b| a.wrapping_add(b));
                I32Sub(u32, w32, |a, b| a.wrapping_sub(b));
                I32Mul(u32, w32, |a, b| a.wrapping_mul(b));
                I32DivS(i32, w32, |a, b| tri!(ip, ctx, ops::i32_div_s(a, b)));
                I32DivU(u32, w32, |a, b| tri!(ip, ctx, ops::i32_div_u(a, b)));
                I32RemS(i32, w32, |a, b| tri!(ip, ctx, ops::i32_rem_s(a, b)));
                I32RemU(u32, w32, |a, b| tri!(ip, ctx, ops::i32_rem_u(a, b)));
                I32And(u32, w32, |a, b| a & b);
                I32Or(u32, w32, |a, b| a | b);
                I32Xor(u32, w32, |a, b| a ^ b);
                I32Shl(u32, w32, |a, b| a.wrapping_shl(b));
                I32ShrS(i32, w32, |a, b| a.wrapping_shr(b as u32));
                I32ShrU(u32, w32, |a, b| a.wrapping_shr(b));
                I32Rotl(u32, w32, |a, b| a.rotate_left(b & 31));
                I32Rotr(u32, w32, |a, b| a.rotate_right(b & 31));
                I32Eq(u32, w32, |a, b| a == b);
                I32Ne(u32, w32, |a, b| a != b);
                I32LtS(i32, w32, |a, b| a < b);
                I32LtU(u32, w32, |a, b| a < b);
                I32GtS(i32, w32, |a, b| a > b);
                I32GtU(u32, w32, |a, b| a > b);
                I32LeS(i32, w32, |a, b| a <= b);
                I32LeU(u32, w32, |a, b| a <= b);
                I32GeS(i32, w32, |a, b| a >= b);
                I32GeU(u32, w32, |a, b| a >= b);

                I64Add(get, raw, |a, b| a.wrapping_add(b));
                I64Sub(get, raw, |a, b| a.wrapping_sub(b));
                I64Mul(get, raw, |a, b| a.wrapping_mul(b));
                I64DivS(i64, raw, |a, b| tri!(ip, ctx, ops::i64_div_s(a, b)) as u64);
                I64DivU(get, raw, |a, b| tri!(ip, ctx, ops::i64_div_u(a, b)));
                I64RemS(i64, raw, |a, b| tri!(ip, ctx, ops::i64_rem_s(a, b)) as u64);
                I64RemU(get, raw, |a, b| tri!(ip, ctx, ops::i64_rem_u(a, b)));
                I64And(get, raw, |a, b| a & b);
                I64Or(get, raw, |a, b| a | b);
                I64Xor(get, raw, |a, b| a ^ b);
                I64Shl(get, raw, |a, b| a.wrapping_shl(b as u32));
                I64ShrS(i64, raw, |a, b| a.wrapping_shr(b as u32) as u64);
                I64ShrU(get, raw, |a, b| a.wrapping_shr(b as u32));
                I64Rotl(get, raw, |a, b| a.rotate_left((b & 63) as u32));
                I64Rotr(get, raw, |a, b| a.rotate_right((b & 63) as u32));
                I64Eq(get, w32, |a, b| a == b);
                I64Ne(get, w32, |a, b| a != b);
                I64LtS(i64, w32, |a, b| a < b);
                I64LtU(get, w32, |a, b| a < b);
                I64GtS(i64, w32, |a, b| a > b);
                I64GtU(get, w32, |a, b| a > b);
                I64LeS(i64, w32, |a, b| a <= b);
                I64LeU(get, w32, |a, b| a <= b);
                I64GeS(i64, w32, |a, b| a >= b);
                I64GeU(get, w32, |a, b| a >= b);

                F32Add(f32, wf32, |a, b| a + b);
                F32Sub(f32, wf32, |a, b| a - b);
                F32Mul(f32, wf32, |a, b| a * b);
                F32Div(f32, wf32, |a, b| a / b);
                F32Min(f32, wf32, |a, b| ops::f32_min(a, b));
                F32Max(f32, wf32, |a, b| ops::f32_max(a, b));
                F32Copysign(u32, w32, |a, b| ops::f32_copysign(a, b));
                F32Eq(f32, w32, |a, b| a == b);
                F32Ne(f32, w32, |a, b| a != b);
                F32Lt(f32, w32, |a, b| a < b);
                F32Gt(f32, w32, |a, b| a > b);
                F32Le(f32, w32, |a, b| a <= b);
                F32Ge(f32, w32, |a, b| a >= b);
                F64Add(f64, wf64, |a, b| a + b);
                F64Sub(f64, wf64, |a, b| a - b);
                F64Mul(f64, wf64, |a, b| a * b);
                F64Div(f64, wf64, |a, b| a / b);
                F64Min(f64, wf64, |a, b| ops::f64_min(a, b));
                F64Max(f64, wf64, |a, b| ops::f64_max(a, b));
                F64Copysign(get, raw, |a, b| ops::f64_copysign(a, b));
                F64Eq(f64, w32, |a, b| a == b);
                F64Ne(f64, w32, |a, b| a != b);
                F64Lt(f64, w32, |a, b| a < b);
                F64Gt(f64, w32, |a, b| a > b);
                F64Le(f64, w32, |a, b| a <= b);
                F64Ge(f64, w32, |a, b| a >= b);
            }
            bin_imm: {
                I32AddImm(32, |a, b| a.wrapping_add(b));
                I32SubImm(32, |a, b| a.wrapping_sub(b));
                I32MulImm(32, |a, b| a.wrapping_mul(b));
                I32AndImm(32, |a, b| a & b);
                I32OrImm(32, |a, b| a | b);
                I32XorImm(32, |a, b| a ^ b);
                I32ShlImm(32, |a, b| a.wrapping_shl(b));
                I32ShrSImm(32, |a, b| (a as i32).wrapping_shr(b));
                I32ShrUImm(32, |a, b| a.wrapping_shr(b));
                I32RotlImm(32, |a, b| a.rotate_left(b & 31));
                I32RotrImm(32, |a, b| a.rotate_right(b & 31));
                I32EqImm(32, |a, b| a == b);
                I32NeImm(32, |a, b| a != b);
                I32LtSImm(32, |a, b| (a as i32) < (b as i32));
                I32LtUImm(32, |a, b| a < b);
                I32GtSImm(32, |a, b| (a as i32) > (b as i32));
                I32GtUImm(32, |a, b| a > b);
                I32LeSImm(32, |a, b| (a as i32) <= (b as i32));
                I32LeUImm(32, |a, b| a <= b);
                I32GeSImm(32, |a, b| (a as i32) >= (b as i32));
                I32GeUImm(32, |a, b| a >= b);
                I64AddImm / I64AddWide (64, |a, b| a.wrapping_add(b));
                I64SubImm / I64SubWide (64, |a, b| a.wrapping_sub(b));
                I64MulImm / I64MulWide (64, |a, b| a.wrapping_mul(b));
                I64AndImm / I64AndWide (64, |a, b| a & b);
                I64OrImm / I64OrWide (64, |a, b| a | b);
                I64XorImm / I64XorWide (64, |a, b| a ^ b);
                I64ShlImm(64, |a, b| a.wrapping_shl(b as u32));
                I64ShrSImm(64, |a, b| (a as i64).wrapping_shr(b as u32) as u64);
                I64ShrUImm(64, |a, b| a.wrapping_shr(b as u32));
                I64RotlImm(64, |a, b| a.rotate_left((b & 63) as u32));
                I64RotrImm(64, |a, b| a.rotate_right((b & 63) as u32));
                I64EqImm / I64EqWide (64, |a, b| a == b);
                I64NeImm / I64NeWide (64, |a, b| a != b);
                I64LtSImm / I64LtSWide (64, |a, b| (a as i64) < (b as i64));
                I64LtUImm / I64LtUWide (64, |a, b| a < b);
                I64GtSImm / I64GtSWide (64, |a, b| (a as i64) > (b as i64));
                I64GtUImm / I64GtUWide (64, |a, b| a > b);
                I64LeSImm / I64LeSWide (64, |a, b| (a as i64) <= (b as i64));
                I64LeUImm / I64LeUWide (64, |a, b| a <= b);
                I64GeSImm / I64GeSWide (64, |a, b| (a as i64) >= (b as i64));
                I64GeUImm / I64GeUWide (64, |a, b| a >= b);
                F32AddImm(f32, |a, b| a + b);
                F32SubImm(f32, |a, b| a - b);
                F32MulImm(f32, |a, b| a * b);
                F32DivImm(f32, |a, b| a / b);
                F32EqImm(f32cmp, |a, b| a == b);
                F32NeImm(f32cmp, |a, b| a != b);
                F32LtImm(f32cmp, |a, b| a < b);
                F32GtImm(f32cmp, |a, b| a > b);
                F32LeImm(f32cmp, |a, b| a <= b);
                F32GeImm(f32cmp, |a, b| a >= b);
                F64AddImm / F64AddWide (f64, |a, b| a + b);
                F64SubImm / F64SubWide (f64, |a, b| a - b);
                F64MulImm / F64MulWide (f64, |a, b| a * b);
                F64DivImm / F64DivWide (f64, |a, b| a / b);
                F64EqImm / F64EqWide (f64cmp, |a, b| a == b);
                F64NeImm / F64NeWide (f64cmp, |a, b| a != b);
                F64LtImm / F64LtWide (f64cmp, |a, b| a < b);
                F64GtImm / F64GtWide (f64cmp, |a, b| a > b);
                F64LeImm / F64LeWide (f64cmp, |a, b| a <= b);
                F64GeImm / F64GeWide (f64cmp, |a, b| a >= b);
            }
            un: {
                I32Eqz(u32, w32, |a| a == 0);
                I32Clz(u32, w32, |a| a.leading_zeros());
                I32Ctz(u32, w32, |a| a.trailing_zeros());
                I32Popcnt(u32, w32, |a| a.count_ones());
                I64Eqz(get, w32, |a| a == 0);
                I64Clz(get, raw, |a| u64::from(a.leading_zeros()));
                I64Ctz(get, raw, |a| u64::from(a.trailing_zeros()));
                I64Popcnt(get, raw, |a| u64::from(a.count_ones()));
                F32Abs(u32, w32, |a| a & 0x7fff_ffff);
                F32Neg(u32, w32, |a| a ^ 0x8000_0000);
                F32Ceil(f32, wf32, |a| ops::quiet_f32(a.ceil()));
                F32Floor(f32, wf32, |a| ops::quiet_f32(a.floor()));
                F32Trunc(f32, wf32, |a| ops::quiet_f32(a.trunc()));
                F32Nearest(f32, wf32, |a| ops::quiet_f32(a.round_ties_even()));
                F32Sqrt(f32, wf32, |a| a.sqrt());
                F64Abs(get, raw, |a| a & 0x7fff_ffff_ffff_ffff);
                F64Neg(get, raw, |a| a ^ 0x8000_0000_0000_0000);
                F64Ceil(f64, wf64, |a| ops::quiet_f64(a.ceil()));
                F64Floor(f64, wf64, |a| ops::quiet_f64(a.floor()));
                F64Trunc(f64, wf64, |a| ops::quiet_f64(a.trunc()));
                F64Nearest(f64, wf64, |a| ops::quiet_f64(a.round_ties_even()));
                F64Sqrt(f64, wf64, |a| a.sqrt());
                I32WrapI64(get, w32, |a| a);
                I32TruncF32S(f32, w32, |a| tri!(ip, ctx, ops::i32_trunc_f32_s(a)));
                I32TruncF32U(f32, w32, |a| tri!(ip, ctx, ops::i32_trunc_f32_u(a)));
                I32TruncF64S(f64, w32, |a| tri!(ip, ctx, ops::i32_trunc_f64_s(a)));
                I32TruncF64U(f64, w32, |a| tri!(ip, ctx, ops::i32_trunc_f64_u(a)));
                I64ExtendI32S(i32, raw, |a| i64::from(a) as u64);
                I64ExtendI32U(u32, raw, |a| u64::from(a));
                I64TruncF32S(f32, raw, |a| tri!(ip, ctx, ops::i64_trunc_f32_s(a)) as u64);
                I64TruncF32U(f32, raw, |a| tri!(ip, ctx, ops::i64_trunc_f32_u(a)));
                I64TruncF64S(f64, raw, |a| tri!(ip, ctx, ops::i64_trunc_f64_s(a)) as u64);
                I64TruncF64U(f64, raw, |a| tri!(ip, ctx, ops::i64_trunc_f64_u(a)));
                F32ConvertI32S(i32, wf32, |a| a as f32);
                F32ConvertI32U(u32, wf32, |a| a as f32);
                F32ConvertI64S(i64, wf32, |a| a as f32);
                F32ConvertI64U(get, wf32, |a| a as f32);
                F32DemoteF64(f64, wf32, |a| a as f32);
                F64ConvertI32S(i32, wf64, |a| a as f64);
                F64ConvertI32U(u32, wf64, |a| a as f64);
                F64ConvertI64S(i64, wf64, |a| a as f64);
                F64ConvertI64U(get, wf64, |a| a as f64);
                F64PromoteF32(f32, wf64, |a| f64::from(a));
                I32Extend8S(u32, w32, |a| a as i8 as i32);
                I32Extend16S(u32, w32, |a| a as i16 as i32);
                I64Extend8S(get, raw, |a| a as i8 as i64 as u64);
                I64Extend16S(get, raw, |a| a as i16 as i64 as u64);
                I64Extend32S(get, raw, |a| a as i32 as i64 as u64);
                I32TruncSatF32S(f32, w32, |a| a as i32);
                I32TruncSatF32U(f32, w32, |a| a as u32);
                I32TruncSatF64S(f64, w32, |a| a as i32);
                I32TruncSatF64U(f64, w32, |a| a as u32);
                I64TruncSatF32S(f32, raw, |a| a as i64 as u64);
                I64TruncSatF32U(f32, raw, |a| a as u64);
                I64TruncSatF64S(f64, raw, |a| a as i64 as u64);
                I64TruncSatF64U(f64, raw, |a| a as u64);
            }
            load: {
                I32Load / I32LoadIdx / I32LoadDisp / I32LoadAbs (4, raw, |b| u64::from(u32::from_le_bytes(b)));
                I64Load / I64LoadIdx / I64LoadDisp / I64LoadAbs (8, raw, |b| u64::from_le_bytes(b));
                F64Load / F64LoadIdx / F64LoadDisp / F64LoadAbs (8, wf64, |b| f64::from_le_bytes(b));
                I32Load8S / I32Load8SIdx / I32Load8SDisp / I32Load8SAbs (1, raw, |b| w32!(b[0] as i8 as i32));
                I32Load8U / I32Load8UIdx / I32Load8UDisp / I32Load8UAbs (1, raw, |b| u64::from(b[0]));
                I32Load16S / I32Load16SIdx / I32Load16SDisp / I32Load16SAbs (2, raw, |b| w32!(i16::from_le_bytes(b) as i32));
                I32Load16U / I32Load16UIdx / I32Load16UDisp / I32Load16UAbs (2, raw, |b| u64::from(u16::from_le_bytes(b)));
                I64Load8S / I64Load8SIdx / I64Load8SDisp / I64Load8SAbs (1, raw, |b| b[0] as i8 as i64 as u64);
                I64Load8U / I64Load8UIdx / I64Load8UDisp / I64Load8UAbs (1, raw, |b| u64::from(b[0]));
                I64Load16S / I64Load16SIdx / I64Load16SDisp / I64Load16SAbs (2, raw, |b| i16::from_le_bytes(b) as i64 as u64);
                I64Load16U / I64Load16UIdx / I64Load16UDisp / I64Load16UAbs (2, raw, |b| u64::from(u16::from_le_bytes(b)));
                I64Load32S / I64Load32SIdx / I64Load32SDisp / I64Load32SAbs (4, raw, |b| i32::from_le_bytes(b) as i64 as u64);
                I64Load32U / I64Load32UIdx / I64Load32UDisp / I64Load32UAbs (4, raw, |b| u64::from(u32::from_le_bytes(b)));
            }
            store: {
                I32Store / I32StoreIdx / I32StoreDisp / I32StoreAbs (get, |v| (v as u32).to_le_bytes());
                I64Store / I64StoreIdx / I64StoreDisp / I64StoreAbs (get, |v| v.to_le_bytes());
                F64Store / F64StoreIdx / F64StoreDisp / F64StoreAbs (f64, |v| v.to_le_bytes());
                I32Store8 / I32Store8Idx / I32Store8Disp / I32Store8Abs (get, |v| [v as u8]);
                I32Store16 / I32Store16Idx / I32Store16Disp / I32Store16Abs (get, |v| (v as u16).to_le_bytes());
            }
            store_imm: {
                I32StoreImm / I32StoreImmIdx / I32StoreImmDisp / I32StoreImmAbs (get, |v| v.to_le_bytes());
                I64StoreImm / I64StoreImmIdx / I64StoreImmDisp / I64StoreImmAbs (get, |v| i64::from(v).to_le_bytes());
                I32Store8Imm / I32Store8ImmIdx / I32Store8ImmDisp / I32Store8ImmAbs (get, |v| [v as u8]);
                I32Store16Imm / I32Store16ImmIdx / I32Store16ImmDisp / I32Store16ImmAbs (get, |v| (v as u16).to_le_bytes());
            }
            br_cmp: {
                BrI32Eq(u32, |a, b| a == b);
                BrI32Ne(u32, |a, b| a != b);
                BrI32LtS(i32, |a, b| a < b);
                BrI32LtU(u32, |a, b| a < b);
                BrI32GtS(i32, |a, b| a > b);
                BrI32GtU(u32, |a, b| a > b);
                BrI32LeS(i32, |a, b| a <= b);
                BrI32LeU(u32, |a, b| a <= b);
                BrI32GeS(i32, |a, b| a >= b);
                BrI32GeU(u32, |a, b| a >= b);
                BrI64Eq(get, |a, b| a == b);
                BrI64Ne(get, |a, b| a != b);
                BrI64LtS(i64, |a, b| a < b);
                BrI64LtU(get, |a, b| a < b);
                BrI64GtS(i64, |a, b| a > b);
                BrI64GtU(get, |a, b| a > b);
                BrI64LeS(i64, |a, b| a <= b);
                BrI64LeU(get, |a, b| a <= b);
                BrI64GeS(i64, |a, b| a >= b);
                BrI64GeU(get, |a, b| a >= b);
                BrI32And(u32, |a, b| a & b != 0);
                BrI32AndZ(u32, |a, b| a & b == 0);
                BrF32Eq(f32, |a, b| a == b);
                BrF32Ne(f32, |a, b| a != b);
                BrF32Lt(f32, |a, b| a < b);
                BrF32Gt(f32, |a, b| a > b);
                BrF32Le(f32, |a, b| a <= b);
                BrF32Ge(f32, |a, b| a >= b);
                BrF32NotLt(f32, |a, b| !(a < b));
                BrF32NotGt(f32, |a, b| !(a > b));
                BrF32NotLe(f32, |a, b| !(a <= b));
                BrF32NotGe(f32, |a, b| !(a >= b));
                BrF64Eq(f64, |a, b| a == b);
                BrF64Ne(f64, |a, b| a != b);
                BrF64Lt(f64, |a, b| a < b);
                BrF64Gt(f64, |a, b| a > b);
                BrF64Le(f64, |a, b| a <= b);
                BrF64Ge(f64, |a, b| a >= b);
                BrF64NotLt(f64, |a, b| !(a < b));
                BrF64NotGt(f64, |a, b| !(a > b));
                BrF64NotLe(f64, |a, b| !(a <= b));
                BrF64NotGe(f64, |a, b| !(a >= b));
            }
            br_cmp_imm: {
                BrI32EqImm(u32, |a, b| a == b as u32);
                BrI32NeImm(u32, |a, b| a != b as u32);
                BrI32LtSImm(i32, |a, b| a < b);
                BrI32LtUImm(u32, |a, b| a < b as u32);
                BrI32GtSImm(i32, |a, b| a > b);
                BrI32GtUImm(u32, |a, b| a > b as u32);
                BrI32LeSImm(i32, |a, b| a <= b);
                BrI32LeUImm(u32, |a, b| a <= b as u32);
                BrI32GeSImm(i32, |a, b| a >= b);
                BrI32GeUImm(u32, |a, b| a >= b as u32);
                BrI64EqImm(get, |a, b| a == i64::from(b) as u64);
                BrI64NeImm(get, |a, b| a != i64::from(b) as u64);
                BrI64LtSImm(i64, |a, b| a < i64::from(b));
                BrI64LtUImm(get, |a, b| a < i64::from(b) as u64);
                BrI64GtSImm(i64, |a, b| a > i64::from(b));
                BrI64GtUImm(get, |a, b| a > i64::from(b) as u64);
                BrI64LeSImm(i64, |a, b| a <= i64::from(b));
                BrI64LeUImm(get, |a, b| a <= i64::from(b) as u64);
                BrI64GeSImm(i64, |a, b| a >= i64::from(b));
                BrI64GeUImm(get, |a, b| a >= i64::from(b) as u64);
                BrI32AndImm(u32, |a, b| a & b as u32 != 0);
                BrI32AndZImm(u32, |a, b| a & b as u32 == 0);
                BrF32EqImm(f32, |a, b| a == f32_imm(b));
                BrF32NeImm(f32, |a, b| a != f32_imm(b));
                BrF32LtImm(f32, |a, b| a < f32_imm(b));
                BrF32GtImm(f32, |a, b| a > f32_imm(b));
                BrF32LeImm(f32, |a, b| a <= f32_imm(b));
                BrF32GeImm(f32, |a, b| a >= f32_imm(b));
                BrF32NotLtImm(f32, |a, b| !(a < f32_imm(b)));
                BrF32NotGtImm(f32, |a, b| !(a > f32_imm(b)));
                BrF32NotLeImm(f32, |a, b| !(a <= f32_imm(b)));
                BrF32NotGeImm(f32, |a, b| !(a >= f32_imm(b)));
                BrF64EqImm(f64, |a, b| a == f64_imm(b));
                BrF64NeImm(f64, |a, b| a != f64_imm(b));
                BrF64LtImm(f64, |a, b| a < f64_imm(b));
                BrF64GtImm(f64, |a, b| a > f64_imm(b));
                BrF64LeImm(f64, |a, b| a <= f64_imm(b));
                BrF64GeImm(f64, |a, b| a >= f64_imm(b));
                BrF64NotLtImm(f64, |a, b| !(a < f64_imm(b)));
                BrF64NotGtImm(f64, |a, b| !(a > f64_imm(b)));
                BrF64NotLeImm(f64, |a, b| !(a <= f64_imm(b)));
                BrF64NotGeImm(f64, |a, b| !(a >= f64_imm(b)));
            }
            add_br: {
                AddBrI32Eq(|s, b| s == b);
                AddBrI32Ne(|s, b| s != b);
                AddBrI32LtS(|s, b| (s as i32) < (b as i32));
                AddBrI32LtU(|s, b| s < b);
                AddBrI32GtS(|s, b| (s as i32) > (b as i32));
                AddBrI32GtU(|s, b| s > b);
                AddBrI32LeS(|s, b| (s as i32) <= (b as i32));
                AddBrI32LeU(|s, b| s <= b);
                AddBrI32GeS(|s, b| (s as i32) >= (b as i32));
                AddBrI32GeU(|s, b| s >= b);
            }
            add_br_imm: {
                AddBrI32EqImm(|s, b| s == b as u32);
                AddBrI32NeImm(|s, b| s != b as u32);
                AddBrI32LtSImm(|s, b| (s as i32) < b);
                AddBrI32LtUImm(|s, b| s < b as u32);
                AddBrI32GtSImm(|s, b| (s as i32) > b);
                AddBrI32GtUImm(|s, b| s > b as u32);
                AddBrI32LeSImm(|s, b| (s as i32) <= b);
                AddBrI32LeUImm(|s, b| s <= b as u32);
                AddBrI32GeSImm(|s, b| (s as i32) >= b);
                AddBrI32GeUImm(|s, b| s >= b as u32);
            }
        }
    };
}

pub(crate) use instruction_table;
