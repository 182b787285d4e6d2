//! weft's internal instruction set: what the compiler emits and the
//! interpreter executes.
//!
//! # Naming grammar
//! `<Type><Op>[Imm]`: the wasm value type the instruction works on, the
//! operation, and `Imm` when the right operand is an inline 32-bit immediate
//! (sign-extended for `i64`; for `f64`, an `f32` that widens exactly to the
//! constant) instead of a slot. Operand structs are shared per
//! family: [`Bin`] (`dst = a op b`), [`BinImm`] (`dst = a op imm`), [`Un`]
//! (`dst = op src`), [`Load`] and [`Store`] (address slot plus a static
//! offset folded in). Memory accesses also come with the address computation
//! folded in: `Idx` (`a + b`, two slots), `Disp` (`a + disp`, a slot and a
//! constant) and `Abs` (a constant address). Fused branches are named
//! `Br<Type><Cmp>[Imm]` (`BrF64NotLt`: the negation of a float comparison),
//! and `AddBr<Type><Cmp>[Imm]` adds a constant and branches on the sum.
//!
//! # Operands
//! Every operand is a [`Slot`]: an index into the current frame, a window on
//! the value stack of 64-bit cells. Slots `0..L` are the function's locals
//! (parameters first), slots from `L` on hold the wasm operand stack at fixed
//! heights. A callee's frame starts at the slot of its first argument in the
//! caller's frame (the `base` operand of call instructions), so arguments are
//! never copied and results come back at `base`.
//!
//! Branch targets are instruction indices within the function's code.
//!
//! The enum below is the one table of the instruction set. Each variant gets
//! its handler in `exec::handlers::handler_of` when a function is compiled;
//! a variant without one panics there, which the spec suites would show at
//! once (the operand families are generated together with their handlers, so
//! only the hand-written variants can be missed).

use crate::simd;

pub(crate) mod debug_map;
mod table;
pub(crate) use table::instruction_table;

/// A frame slot index.
pub(crate) type Slot = u32;

/// The accumulator, written in place of a slot: a value handed from one
/// instruction to the very next one in a machine register instead of a frame
/// cell, which saves a store, a load and the store-to-load latency between
/// them. The compiler uses it only for a value that the next instruction is
/// the sole reader of, with no branch target between the two (see
/// `Translator::link_acc`), so the accumulator is dead everywhere else. No
/// frame has this many slots (`frame_size` is a `u32`), so it never names a
/// real slot.
pub(crate) const ACC: Slot = Slot::MAX;

/// Bits of an instruction's accumulator mode ([`Instr::acc_mode`]): the
/// result goes to the accumulator, the first operand (`a`, `src`, `addr`,
/// `cond`, `index`) comes from it, the second (`b`, `val`) comes from it.
/// The interpreter has one handler per instruction and supported mode.
pub(crate) const ACC_DST: u8 = 1;
pub(crate) const ACC_A: u8 = 2;
pub(crate) const ACC_B: u8 = 4;

/// Replaces the one operand among `slots` that is `t` with [`ACC`]; false
/// (and nothing changed) unless exactly one is.
fn read_acc(slots: &mut [&mut Slot], t: Slot) -> bool {
    if slots.iter().filter(|s| ***s == t).count() != 1 {
        return false;
    }
    for s in slots.iter_mut() {
        if **s == t {
            **s = ACC;
        }
    }
    true
}

/// Like [`read_acc`], for an instruction with handlers that read any of
/// `slots` from the accumulator: every operand reading `t` reads it.
fn read_acc_each(slots: &mut [&mut Slot], t: Slot) -> bool {
    let mut any = false;
    for s in slots.iter_mut() {
        if **s == t {
            **s = ACC;
            any = true;
        }
    }
    any
}

/// The mode bit `bit` if `s` is the accumulator.
fn acc_bit(s: Slot, bit: u8) -> u8 {
    if s == ACC { bit } else { 0 }
}

/// Binary operation on two slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bin {
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
}

/// Binary operation on a slot and an inline immediate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BinImm {
    pub dst: Slot,
    pub a: Slot,
    pub imm: i32,
}

/// Unary operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Un {
    pub dst: Slot,
    pub src: Slot,
}

/// Load from memory 0 at `addr + offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Load {
    pub dst: Slot,
    pub addr: Slot,
    pub offset: u32,
}

/// Store `val` to memory 0 at `addr + offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Store {
    pub addr: Slot,
    pub val: Slot,
    pub offset: u32,
}

/// Load from memory 0 at `a + b` (an `i32.add`, wrapping) `+ offset`.
// Packed to 2-byte alignment: 14 bytes, so the instruction stays 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(2))]
pub(crate) struct LoadIdx {
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
    pub offset: u16,
}

/// Store `val` to memory 0 at `a + b` (wrapping) `+ offset`.
// Packed to 2-byte alignment: 14 bytes, so the instruction stays 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(2))]
pub(crate) struct StoreIdx {
    pub a: Slot,
    pub b: Slot,
    pub val: Slot,
    pub offset: u16,
}

/// Store the inline constant `value` to memory 0 at `a + b` (wrapping)
/// `+ offset`.
// Packed to 2-byte alignment: 14 bytes, so the instruction stays 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(2))]
pub(crate) struct StoreImmIdx {
    pub a: Slot,
    pub b: Slot,
    pub value: i32,
    pub offset: u16,
}

/// Load from memory 0 at `a + disp` (an `i32.add` of a constant, wrapping)
/// `+ offset`.
// Packed to 2-byte alignment: 14 bytes, so the instruction stays 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(2))]
pub(crate) struct LoadDisp {
    pub dst: Slot,
    pub a: Slot,
    pub disp: i32,
    pub offset: u16,
}

/// Store `val` to memory 0 at `a + disp` (wrapping) `+ offset`.
// Packed to 2-byte alignment: 14 bytes, so the instruction stays 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(2))]
pub(crate) struct StoreDisp {
    pub a: Slot,
    pub disp: i32,
    pub val: Slot,
    pub offset: u16,
}

/// Store the inline constant `value` to memory 0 at `a + disp` (wrapping)
/// `+ offset`.
// Packed to 2-byte alignment: 14 bytes, so the instruction stays 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, packed(2))]
pub(crate) struct StoreImmDisp {
    pub a: Slot,
    pub disp: i32,
    pub value: i32,
    pub offset: u16,
}

/// Compare two slots and branch to `target` if the comparison holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BrCmp {
    pub a: Slot,
    pub b: Slot,
    pub target: u32,
}

/// Compare a slot with an immediate and branch to `target` if it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BrCmpImm {
    pub a: Slot,
    pub imm: i32,
    pub target: u32,
}

/// Load from memory 0 at the constant address `ea` (a constant address plus
/// the static offset, folded when it fits 32 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LoadAbs {
    pub dst: Slot,
    pub ea: u32,
}

/// Store `val` to memory 0 at the constant address `ea`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreAbs {
    pub val: Slot,
    pub ea: u32,
}

/// Store the inline constant `value` to memory 0 at the constant address
/// `ea`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreImmAbs {
    pub value: i32,
    pub ea: u32,
}

/// `dst = a + imm` (`i32`, wrapping), then compare the sum with slot `b` and
/// branch to `target` if the comparison holds; otherwise continue two ops
/// on (the op after this one is the branch it was fused from, which nothing
/// else reaches). Narrow slots keep the instruction at 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AddBr {
    pub dst: u16,
    pub a: u16,
    pub imm: i16,
    pub b: u16,
    pub target: u32,
}

/// Like [`AddBr`], comparing the sum with the immediate `rhs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AddBrImm {
    pub dst: u16,
    pub a: u16,
    pub imm: i16,
    pub rhs: i16,
    pub target: u32,
}

/// Store the inline constant `value` (sign-extended for 64-bit stores) to
/// memory 0 at `addr + offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreImm {
    pub addr: Slot,
    pub value: i32,
    pub offset: u32,
}

/// What a `v128` load reads and how it widens it to 128 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum V128LoadKind {
    /// `v128.load`: 16 bytes.
    V128,
    /// `v128.load8x8_s`/`_u`: 8 bytes, each lane sign/zero-extended to 16 bits.
    S8x8,
    U8x8,
    /// `v128.load16x4_s`/`_u`.
    S16x4,
    U16x4,
    /// `v128.load32x2_s`/`_u`.
    S32x2,
    U32x2,
    /// `v128.load8_splat` .. `v128.load64_splat`.
    Splat8,
    Splat16,
    Splat32,
    Splat64,
    /// `v128.load32_zero`/`load64_zero`.
    Zero32,
    Zero64,
}

impl V128LoadKind {
    /// The kind numbered `k` (its discriminant), for handlers that carry
    /// the kind as a constant.
    pub(crate) const fn from_index(k: u8) -> V128LoadKind {
        use V128LoadKind as K;
        const ALL: [V128LoadKind; 13] = [
            K::V128,
            K::S8x8,
            K::U8x8,
            K::S16x4,
            K::U16x4,
            K::S32x2,
            K::U32x2,
            K::Splat8,
            K::Splat16,
            K::Splat32,
            K::Splat64,
            K::Zero32,
            K::Zero64,
        ];
        ALL[k as usize]
    }

    /// Bytes read from memory.
    pub(crate) fn bytes(self) -> usize {
        use V128LoadKind as K;
        match self {
            K::V128 => 16,
            K::S8x8 | K::U8x8 | K::S16x4 | K::U16x4 | K::S32x2 | K::U32x2 => 8,
            K::Splat8 => 1,
            K::Splat16 => 2,
            K::Splat32 | K::Zero32 => 4,
            K::Splat64 | K::Zero64 => 8,
        }
    }
}

/// The operation of an [`Instr::I64Wide`] (wide arithmetic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WideOp {
    /// `i64.add128`: operands `lo1, hi1, lo2, hi2`.
    Add128,
    /// `i64.sub128`: operands `lo1, hi1, lo2, hi2`.
    Sub128,
    /// `i64.mul_wide_s`: operands `a, b`, signed.
    MulWideS,
    /// `i64.mul_wide_u`: operands `a, b`, unsigned.
    MulWideU,
}

impl WideOp {
    /// How many i64 operands it pops.
    pub(crate) fn arity(self) -> usize {
        match self {
            WideOp::Add128 | WideOp::Sub128 => 4,
            WideOp::MulWideS | WideOp::MulWideU => 2,
        }
    }

    /// The 128-bit result (low half, high half) of the operands.
    pub(crate) fn eval(self, x: &[u64]) -> (u64, u64) {
        let wide = |lo: u64, hi: u64| u128::from(lo) | (u128::from(hi) << 64);
        let r = match self {
            WideOp::Add128 => wide(x[0], x[1]).wrapping_add(wide(x[2], x[3])),
            WideOp::Sub128 => wide(x[0], x[1]).wrapping_sub(wide(x[2], x[3])),
            WideOp::MulWideS => (i128::from(x[0] as i64) * i128::from(x[1] as i64)) as u128,
            WideOp::MulWideU => u128::from(x[0]) * u128::from(x[1]),
        };
        (r as u64, (r >> 64) as u64)
    }
}

/// The access a [`Instr::MemN`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemOp {
    I32Load,
    I64Load,
    I32Load8S,
    I32Load8U,
    I32Load16S,
    I32Load16U,
    I64Load8S,
    I64Load8U,
    I64Load16S,
    I64Load16U,
    I64Load32S,
    I64Load32U,
    /// Stores of the low 1, 2, 4 or 8 bytes of a cell.
    Store8,
    Store16,
    Store32,
    Store64,
    V128Load(V128LoadKind),
    V128Store,
    /// `v128.loadN_lane` of this many bytes.
    LoadLane(u8),
    /// `v128.storeN_lane` of this many bytes.
    StoreLane(u8),
}

/// What an [`Instr::Atomic`] does, on `bytes` (1, 2, 4 or 8) bytes at a
/// naturally aligned address. Operands sit at consecutive slots from
/// `args`, the address first; a result replaces the address, zero-extended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AtomicOp {
    /// `atomic.fence` (no operands, no memory).
    Fence,
    /// `[addr] -> value`.
    Load(u8),
    /// `[addr, value]`.
    Store(u8),
    /// `[addr, value] -> old`, storing `op(old, value)`.
    Rmw(RmwOp, u8),
    /// `[addr, expected, replacement] -> old`.
    Cmpxchg(u8),
    /// `memory.atomic.wait32/64`: `[addr, expected, timeout] -> 0|1|2`.
    Wait(u8),
    /// `memory.atomic.notify`: `[addr, count] -> woken`.
    Notify,
}

/// The arithmetic of an atomic read-modify-write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RmwOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Xchg,
}

impl RmwOp {
    /// The value stored over `old`.
    pub(crate) fn apply(self, old: u64, x: u64) -> u64 {
        match self {
            RmwOp::Add => old.wrapping_add(x),
            RmwOp::Sub => old.wrapping_sub(x),
            RmwOp::And => old & x,
            RmwOp::Or => old | x,
            RmwOp::Xor => old ^ x,
            RmwOp::Xchg => x,
        }
    }
}

/// The operation of an [`Instr::Gc`]. Operands sit at consecutive slots
/// from `args` (a `v128` taking two); a result replaces them at `args`.
/// `x` packs what the operation needs besides the type: a field's cell
/// offset, an element's size in bytes (`elem`), a segment index
/// (`x >> 8`, with the element size in the low byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GcOp {
    /// `struct.new`: `x` field cells at `args..`.
    StructNew,
    /// `struct.new_default` of `x` cells.
    StructNewDefault,
    /// `struct.get` of the cell at offset `x` (`_s`/`_u` forms for packed
    /// fields, a two-cell form for `v128`).
    StructGet,
    StructGetS8,
    StructGetU8,
    StructGetS16,
    StructGetU16,
    StructGetV128,
    /// `struct.set`: the reference at `args`, the value after it.
    StructSet,
    StructSetV128,
    /// `array.new`: the value, then the length; `x` = element size.
    ArrayNew,
    /// `array.new_default`: the length.
    ArrayNewDefault,
    /// `array.new_fixed`: `x >> 8` values.
    ArrayNewFixed,
    /// `array.new_data`: offset and length in data segment `x >> 8`.
    ArrayNewData,
    /// `array.new_elem`: offset and length in element segment `x >> 8`.
    ArrayNewElem,
    /// `array.get` (`_s`/`_u` for packed elements): reference, index.
    ArrayGet,
    ArrayGetS,
    ArrayGetU,
    /// `array.set`: reference, index, value.
    ArraySet,
    /// `array.len`.
    ArrayLen,
    /// `array.fill`: reference, offset, value, length.
    ArrayFill,
    /// `array.copy`: destination, its offset, source, its offset, length.
    ArrayCopy,
    /// `array.init_data` from data segment `x >> 8`: reference, offset,
    /// segment offset, length.
    ArrayInitData,
    /// `array.init_elem` from element segment `x >> 8`.
    ArrayInitElem,
    /// `ref.i31`.
    RefI31,
    /// `i31.get_s`, `i31.get_u`.
    I31GetS,
    I31GetU,
}

impl GcOp {
    /// Whether the operation allocates (a safepoint: it may collect).
    pub(crate) fn allocates(self) -> bool {
        matches!(
            self,
            GcOp::StructNew
                | GcOp::StructNewDefault
                | GcOp::ArrayNew
                | GcOp::ArrayNewDefault
                | GcOp::ArrayNewFixed
                | GcOp::ArrayNewData
                | GcOp::ArrayNewElem
        )
    }
}

impl Instr {
    /// Whether a collection can run while a frame is at this instruction:
    /// an allocation (a `throw` allocates its exception), or a call (the
    /// callee may allocate or call the host).
    pub(crate) fn is_safepoint(&self) -> bool {
        match self {
            Instr::Gc { op, .. } => op.allocates(),
            Instr::Call { .. }
            | Instr::CallImport { .. }
            | Instr::CallIndirect { .. }
            | Instr::CallRef { .. }
            | Instr::ReturnCall { .. }
            | Instr::ReturnCallImport { .. }
            | Instr::ReturnCallIndirect { .. }
            | Instr::ReturnCallRef { .. }
            | Instr::Throw { .. } => true,
            _ => false,
        }
    }
}

/// `ref.test`/`ref.cast` flags: null passes the test.
pub(crate) const CAST_NULLABLE: u8 = 1;
/// `ref.test` flag: the result is negated (`br_on_cast_fail`).
pub(crate) const CAST_NEGATE: u8 = 2;

/// A cast's target heap type in an instruction: an engine type id, or an
/// abstract heap type at `CAST_ABSTRACT + code`.
pub(crate) const CAST_ABSTRACT: u32 = 0xffff_ff00;

/// The instruction encoding of heap type `h` (see [`CAST_ABSTRACT`]).
pub(crate) fn cast_target(h: crate::types::HeapType) -> u32 {
    use crate::types::HeapType as H;
    let code = match h {
        H::Concrete(c) => return c.0,
        H::Func => 0,
        H::NoFunc => 1,
        H::Extern => 2,
        H::NoExtern => 3,
        H::Any => 4,
        H::Eq => 5,
        H::I31 => 6,
        H::Struct => 7,
        H::Array => 8,
        H::None => 9,
        H::Exn => 10,
        H::NoExn => 11,
    };
    CAST_ABSTRACT + code
}

/// The heap type an instruction's cast target encodes.
pub(crate) fn cast_heap_type(t: u32) -> crate::types::HeapType {
    use crate::types::HeapType as H;
    if t < CAST_ABSTRACT {
        return H::Concrete(crate::types::ConcreteType(t));
    }
    match t - CAST_ABSTRACT {
        0 => H::Func,
        1 => H::NoFunc,
        2 => H::Extern,
        3 => H::NoExtern,
        4 => H::Any,
        5 => H::Eq,
        6 => H::I31,
        7 => H::Struct,
        8 => H::Array,
        9 => H::None,
        10 => H::Exn,
        _ => H::NoExn,
    }
}

/// The hand-written instructions with a single unconditional result `dst`,
/// as a pattern binding it to `$d` (by value or by reference, as the match
/// does): the one list behind `Instr::result_slot` and `result_slot_mut`.
macro_rules! dst_of_hand_written {
    ($d:ident) => {
        Instr::Copy { dst: $d, .. }
            | Instr::Const32 { dst: $d, .. }
            | Instr::Const64 { dst: $d, .. }
            | Instr::GlobalGet { dst: $d, .. }
            | Instr::MemorySize { dst: $d, .. }
            | Instr::MemoryGrow { dst: $d, .. }
            | Instr::RefFunc { dst: $d, .. }
            | Instr::RefTest { dst: $d, .. }
            | Instr::TableGet { dst: $d, .. }
            | Instr::TableSize { dst: $d, .. }
            | Instr::TableGrow { dst: $d, .. }
            | Instr::GlobalGetV128 { dst: $d, .. }
            | Instr::V128Bin { dst: $d, .. }
            | Instr::V128Un { dst: $d, .. }
            | Instr::V128Tern { dst: $d, .. }
            | Instr::V128Shift { dst: $d, .. }
            | Instr::V128ShiftImm { dst: $d, .. }
            | Instr::V128Test { dst: $d, .. }
            | Instr::V128Splat { dst: $d, .. }
            | Instr::V128Extract { dst: $d, .. }
            | Instr::V128Replace { dst: $d, .. }
            | Instr::V128Shuffle { dst: $d, .. }
            | Instr::V128Load { dst: $d, .. }
            | Instr::V128LoadLane { dst: $d, .. }
    };
}

macro_rules! define_instrs {
    (
        br_cmp: [$($brc:ident),* $(,)?],
        br_cmp_imm: [$($brci:ident),* $(,)?],
        bin: [$($bin:ident),* $(,)?],
        bin_imm: [$($bimm:ident),* $(,)?],
        bin_wide: [$($bwn:ident => $bww:ident),* $(,)?],
        un: [$($un:ident),* $(,)?],
        load: [$($ld:ident),* $(,)?],
        store: [$($st:ident),* $(,)?],
        store_imm: [$($sti:ident),* $(,)?],
        load_idx: [$($ldi:ident),* $(,)?],
        store_idx: [$($sti2:ident),* $(,)?],
        store_imm_idx: [$($stii:ident),* $(,)?],
        load_disp: [$($ldd:ident),* $(,)?],
        store_disp: [$($std:ident),* $(,)?],
        store_imm_disp: [$($stid:ident),* $(,)?],
        load_abs: [$($lda:ident),* $(,)?],
        store_abs: [$($sta:ident),* $(,)?],
        store_imm_abs: [$($stia:ident),* $(,)?],
        add_br: [$($abr:ident),* $(,)?],
        add_br_imm: [$($abri:ident),* $(,)?],
    ) => {
        /// One instruction of weft's internal code.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub(crate) enum Instr {
            /// Trap with `unreachable`.
            Unreachable,
            /// Charge `amount` units of fuel (the instructions of the basic
            /// block this starts); trap if not enough is left. Emitted only
            /// when fuel is enabled.
            ConsumeFuel { amount: u32 },
            /// Trap if the store's interrupt flag is set. Emitted at function
            /// entry and loop headers only when interruption is enabled.
            CheckInterrupt,
            /// A debugger's step point before the wasm operator at module
            /// byte `offset`: stop here if the store's debugger asks to
            /// (a breakpoint, a step, a pause). Emitted before every
            /// operator only when `Config::debug_info` is on.
            DebugPoint { offset: u32 },
            /// Jump to `target`.
            Br { target: u32 },
            /// Jump to `target` if `cond` (i32) is not zero.
            BrIfNez { cond: Slot, target: u32 },
            /// Jump to `target` if `cond` (i32) is zero.
            BrIfEqz { cond: Slot, target: u32 },
            /// Jump to the target of the `Br` at `pc + 1 + min(index, len)`:
            /// the next `len + 1` instructions are the table's entries, all
            /// `Br`s, the last the default.
            BrTable { index: Slot, len: u32 },
            /// Return from the function; results are already in slots `0..n`.
            Return,
            /// Copy `src` to slot 0 and return (single-result fast path).
            ReturnSlot { src: Slot },
            /// Call a function defined in this module (defined-function index).
            Call { func: u32, base: Slot },
            /// Call the function at a module function index (used for imports).
            CallImport { func: u32, base: Slot },
            /// Call through table `table`: the element index is in slot `index`,
            /// the expected signature is `sig` (the engine's id of the type).
            CallIndirect { sig: crate::engine::SigId, base: Slot, index: Slot, table: u16 },
            /// Tail calls: like `Call`, `CallImport` and `CallIndirect`,
            /// but the callee replaces the current frame (its arguments,
            /// at `base`, move down to slot 0). A host callee is called
            /// with its arguments at `base` and execution continues with
            /// the next instruction, the caller's return of those results.
            ReturnCall { func: u32, base: Slot },
            #[allow(missing_docs)]
            ReturnCallImport { func: u32, base: Slot },
            #[allow(missing_docs)]
            ReturnCallIndirect { sig: crate::engine::SigId, base: Slot, index: Slot, table: u16 },
            /// `call_ref`: call the function referenced by slot `callee`
            /// (its type is the one the validator checked), trapping if it
            /// is null.
            CallRef { base: Slot, callee: Slot },
            /// `return_call_ref`: `CallRef` as a tail call.
            ReturnCallRef { base: Slot, callee: Slot },
            /// `ref.as_non_null`: trap if `src` is null.
            RefAsNonNull { src: Slot },
            /// `throw` of module tag `tag`, its payload of `cells` cells at
            /// `args..`.
            Throw { tag: u32, args: Slot, cells: u32 },
            /// `throw_ref` of the exception referenced by slot `exn`.
            ThrowRef { exn: Slot },
            /// `dst = src`.
            Copy { dst: Slot, src: Slot },
            /// `Copy { dst: dst0, src: src0 }`, then `Copy { dst: dst1, src:
            /// src1 }` (two copies in a row, of narrow slots).
            Copy2 { dst0: u16, src0: u16, dst1: u16, src1: u16 },
            /// Copy `len` slots from `src..` to `dst..`, ascending (`dst <= src`).
            CopyMany { dst: Slot, src: Slot, len: u32 },
            /// `dst = value` (zero-extended to a cell).
            Const32 { dst: Slot, value: u32 },
            /// `dst = value`.
            Const64 { dst: Slot, value: u64 },
            /// `if cond == 0 { dst = src }`: the tail of wasm's `select`.
            SelectEqz { dst: Slot, cond: Slot, src: Slot },
            /// `dst = global[global]` (instance global index).
            GlobalGet { dst: Slot, global: u32 },
            /// `global[global] = src`.
            GlobalSet { global: u32, src: Slot },
            /// `dst = memory.size` of memory 0, in pages.
            MemorySize { dst: Slot, mem: u32 },
            /// `dst = memory.grow(delta)` on memory 0.
            MemoryGrow { dst: Slot, delta: Slot, mem: u32 },
            /// `memory.copy` on memory 0; operands `d, s, n` at `args..args+3`.
            MemoryCopy { args: Slot, dst_mem: u32, src_mem: u32 },
            /// `memory.fill` on memory 0; operands `d, val, n` at `args..args+3`.
            MemoryFill { args: Slot, mem: u32 },
            /// `memory.init` of data segment `data`; operands `d, s, n` at `args..`.
            MemoryInit { data: u32, args: Slot, mem: u32 },
            /// `data.drop`.
            DataDrop { data: u32 },
            /// `dst = ref.func func` (module function index).
            RefFunc { dst: Slot, func: u32 },
            /// `dst = table[index]`.
            TableGet { dst: Slot, index: Slot, table: u32 },
            /// `table[index] = val`.
            TableSet { table: u32, index: Slot, val: Slot },
            /// `dst = table.size`.
            TableSize { dst: Slot, table: u32 },
            /// `dst = table.grow`; operands `init, delta` at `args..args+2`.
            TableGrow { dst: Slot, table: u32, args: Slot },
            /// `table.fill`; operands `i, val, n` at `args..args+3`.
            TableFill { table: u32, args: Slot },
            /// `table.copy`; operands `d, s, n` at `args..args+3`.
            TableCopy { dst_table: u32, src_table: u32, args: Slot },
            /// `table.init` from element segment `elem`; operands `d, s, n` at `args..`.
            TableInit { table: u32, elem: u32, args: Slot },
            /// `elem.drop`.
            ElemDrop { elem: u32 },
            /// `dst = global[global]` for a `v128` global.
            GlobalGetV128 { dst: Slot, global: u32 },
            /// `global[global] = src` for a `v128` global.
            GlobalSetV128 { global: u32, src: Slot },
            /// `if cond == 0 { dst = src }` on `v128` values.
            SelectEqzV128 { dst: Slot, cond: Slot, src: Slot },
            // SIMD: `v128` operands take two slots (`s`, `s + 1`, low half
            // first). The operation is a sub-opcode from `crate::simd`, so the
            // interpreter has one handler per shape, not one per operator.
            /// `dst = op(a, b)`.
            V128Bin { op: simd::BinOp, dst: Slot, a: Slot, b: Slot },
            /// `dst = op(src)`.
            V128Un { op: simd::UnOp, dst: Slot, src: Slot },
            /// `dst = op(a, b, c)` with `a, b, c` at `args`, `args + 2`, `args + 4`.
            V128Tern { op: simd::TernOp, dst: Slot, args: Slot },
            /// `dst = op(a, count)` (`count` an i32 slot).
            V128Shift { op: simd::ShiftOp, dst: Slot, a: Slot, count: Slot },
            /// A SIMD shift by a constant `count` (taken modulo 128, which
            /// keeps it modulo every lane width).
            V128ShiftImm { op: simd::ShiftOp, dst: Slot, a: Slot, count: u8 },
            /// `dst = op(src)`, an i32 result.
            V128Test { op: simd::TestOp, dst: Slot, src: Slot },
            /// `dst = splat(src)` of a scalar.
            V128Splat { op: simd::SplatOp, dst: Slot, src: Slot },
            /// `dst = src[lane]`, a scalar result.
            V128Extract { op: simd::ExtractOp, lane: u8, dst: Slot, src: Slot },
            /// `dst = a` with `a[lane] = x` (scalar slot `x`).
            V128Replace { op: simd::ReplaceOp, lane: u8, dst: Slot, a: Slot, x: Slot },
            /// `i8x16.shuffle` of `a` and `b`; the 16 lane indices are the
            /// two [`Instr::Data`] words that follow it (low half first).
            V128Shuffle { dst: Slot, a: Slot, b: Slot },
            /// An immediate of the instruction before it, which reads it and
            /// continues past it, or a constant of the function's pool,
            /// which a `*Wide` instruction names: never executed itself.
            Data { bits: u64 },
            /// A `v128` load from memory 0 at `addr + offset`.
            V128Load { kind: V128LoadKind, dst: Slot, addr: Slot, offset: u32 },
            /// `v128.store` to memory 0.
            V128Store(Store),
            /// `v128.loadN_lane`: address at `args`, vector at `args + 1`;
            /// replaces lane `lane` of `bytes` bytes with the value loaded.
            V128LoadLane { bytes: u8, lane: u8, dst: Slot, args: Slot, offset: u32 },
            /// `v128.storeN_lane`: address at `args`, vector at `args + 1`.
            V128StoreLane { bytes: u8, lane: u8, args: Slot, offset: u32 },
            /// A load or store on a memory other than memory 0, or on a
            /// 64-bit memory (instance memory index `mem`; the address is
            /// an i64 there): the address at `args`, a stored value or
            /// lane operand at `args + 1`; a loaded value replaces the address
            /// at `args`. Memory 0 keeps its own fast instructions.
            MemN { op: MemOp, lane: u8, mem: u16, args: Slot, offset: u32 },
            /// A scalar load or store (not `v128`) on a shared 32-bit
            /// memory 0, operands as `MemN`'s: its own handler, reading
            /// and writing the memory's atomic bytes.
            MemShared { op: MemOp, args: Slot, offset: u32 },
            /// An atomic access or `atomic.fence` (see [`AtomicOp`]) on
            /// instance memory `mem`, shared or not.
            Atomic { op: AtomicOp, mem: u16, args: Slot, offset: u32 },
            /// `addr += offset` on a 64-bit address, trapping out of bounds
            /// past 2^64: a memory64 offset too wide for `MemN`.
            AddOffset64 { addr: Slot, offset: u64 },
            /// `dst = min(src, u32::MAX)`: the index of a 64-bit table
            /// (table64) for `call_indirect`, which reads 32 bits; tables
            /// stay below 2^32 elements, so the clamped index is out of
            /// bounds exactly when the original one is.
            ClampIndex64 { dst: Slot, src: Slot },
            /// A GC operation (see [`GcOp`]); `ty` is the engine's id of
            /// the struct or array type.
            Gc { op: GcOp, args: Slot, ty: u32, x: u32 },
            /// `ref.test`: `dst = (src is a reference to heap type ty)`
            /// (see [`cast_target`]; `CAST_*` flags).
            RefTest { flags: u8, dst: Slot, src: Slot, ty: u32 },
            /// `ref.cast`: trap unless `src` is of heap type `ty`.
            RefCast { flags: u8, src: Slot, ty: u32 },
            /// Wide arithmetic: the operands at `args..args + op.arity()`,
            /// the result's low and high halves to `args` and `args + 1`.
            I64Wide { op: WideOp, args: Slot },
            $(
                #[allow(missing_docs)]
                $brc(BrCmp),
            )*
            $(
                #[allow(missing_docs)]
                $brci(BrCmpImm),
            )*
            $(
                #[allow(missing_docs)]
                $bin(Bin),
            )*
            $(
                #[allow(missing_docs)]
                $bimm(BinImm),
            )*
            $(
                #[allow(missing_docs)]
                $un(Un),
            )*
            $(
                #[allow(missing_docs)]
                $ld(Load),
            )*
            $(
                #[allow(missing_docs)]
                $st(Store),
            )*
            $(
                #[allow(missing_docs)]
                $sti(StoreImm),
            )*
            $(
                #[allow(missing_docs)]
                $ldi(LoadIdx),
            )*
            $(
                #[allow(missing_docs)]
                $sti2(StoreIdx),
            )*
            $(
                #[allow(missing_docs)]
                $stii(StoreImmIdx),
            )*
            $(
                #[allow(missing_docs)]
                $ldd(LoadDisp),
            )*
            $(
                #[allow(missing_docs)]
                $std(StoreDisp),
            )*
            $(
                #[allow(missing_docs)]
                $stid(StoreImmDisp),
            )*
            $(
                #[allow(missing_docs)]
                $lda(LoadAbs),
            )*
            $(
                #[allow(missing_docs)]
                $sta(StoreAbs),
            )*
            $(
                #[allow(missing_docs)]
                $stia(StoreImmAbs),
            )*
            $(
                #[allow(missing_docs)]
                $abr(AddBr),
            )*
            $(
                #[allow(missing_docs)]
                $abri(AddBrImm),
            )*
        }

        impl Instr {
            /// The `*Wide` form of a `*Imm` instruction that has one: the
            /// same operation, with `imm` naming a pool constant (see
            /// [`Instr::pool_ref_mut`]).
            pub(crate) fn wide_form(&self) -> Option<fn(BinImm) -> Instr> {
                match self {
                    $(Instr::$bwn(_) => Some(Instr::$bww),)*
                    _ => None,
                }
            }

            /// The constant a `*Wide` instruction names: while compiling,
            /// an index into the function's constant pool, then the pool
            /// word's pc (`compile::place_pool`), and in an [`Op`] its
            /// offset from the instruction, like a branch target.
            ///
            /// [`Op`]: crate::exec::Op
            pub(crate) fn pool_ref_mut(&mut self) -> Option<&mut i32> {
                match self {
                    $(Instr::$bww(x))|* => Some(&mut x.imm),
                    _ => None,
                }
            }

            /// The branch target of a branch instruction, to patch.
            #[inline]
            pub(crate) fn branch_target_mut(&mut self) -> Option<&mut u32> {
                match self {
                    Instr::Br { target }
                    | Instr::BrIfNez { target, .. }
                    | Instr::BrIfEqz { target, .. } => Some(target),
                    $(Instr::$brc(x))|* => Some(&mut x.target),
                    $(Instr::$brci(x))|* => Some(&mut x.target),
                    $(Instr::$abr(x))|* => Some(&mut x.target),
                    $(Instr::$abri(x))|* => Some(&mut x.target),
                    _ => None,
                }
            }

            /// Which operands and result of this instruction are the
            /// accumulator (`ACC_*` bits).
            pub(crate) fn acc_mode(&self) -> u8 {
                let (d, a, b) = (ACC_DST, ACC_A, ACC_B);
                match *self {
                    $(Instr::$bin(x))|* => acc_bit(x.dst, d) | acc_bit(x.a, a) | acc_bit(x.b, b),
                    $(Instr::$bimm(x))|* => acc_bit(x.dst, d) | acc_bit(x.a, a),
                    $(Instr::$un(x))|* => acc_bit(x.dst, d) | acc_bit(x.src, a),
                    $(Instr::$ld(x))|* => acc_bit(x.dst, d) | acc_bit(x.addr, a),
                    $(Instr::$st(x))|* => acc_bit(x.addr, a) | acc_bit(x.val, b),
                    $(Instr::$sti(x))|* => acc_bit(x.addr, a),
                    $(Instr::$ldi(x))|* => acc_bit(x.dst, d) | acc_bit(x.a, a) | acc_bit(x.b, b),
                    $(Instr::$sti2(x))|* => acc_bit(x.a, a) | acc_bit(x.b, b) | acc_bit(x.val, b),
                    $(Instr::$stii(x))|* => acc_bit(x.a, a) | acc_bit(x.b, b),
                    $(Instr::$ldd(x))|* => acc_bit(x.dst, d) | acc_bit(x.a, a),
                    $(Instr::$std(x))|* => acc_bit(x.a, a) | acc_bit(x.val, b),
                    $(Instr::$stid(x))|* => acc_bit(x.a, a),
                    $(Instr::$lda(x))|* => acc_bit(x.dst, d),
                    $(Instr::$sta(x))|* => acc_bit(x.val, b),
                    $(Instr::$brc(x))|* => acc_bit(x.a, a) | acc_bit(x.b, b),
                    $(Instr::$brci(x))|* => acc_bit(x.a, a),
                    Instr::BrIfNez { cond, .. } | Instr::BrIfEqz { cond, .. } => acc_bit(cond, a),
                    Instr::BrTable { index, .. } | Instr::CallIndirect { index, .. } => {
                        acc_bit(index, a)
                    }
                    Instr::ReturnSlot { src } | Instr::Copy { src, .. } => acc_bit(src, a),
                    Instr::Const32 { dst, .. } | Instr::Const64 { dst, .. } => acc_bit(dst, d),
                    _ => 0,
                }
            }

            /// Whether this instruction can write its result to the
            /// accumulator (it has a handler for that).
            pub(crate) fn can_write_acc(&self) -> bool {
                matches!(
                    self,
                    $(Instr::$bin(_))|* | $(Instr::$bimm(_))|* | $(Instr::$un(_))|*
                        | $(Instr::$ld(_))|* | $(Instr::$ldi(_))|* | $(Instr::$ldd(_))|*
                        | $(Instr::$lda(_))|*
                        | Instr::Const32 { .. } | Instr::Const64 { .. }
                )
            }

            /// The slot whose value this instruction's handler leaves in the
            /// accumulator as well (see `can_write_acc`; copies too).
            pub(crate) fn acc_slot(&self) -> Option<Slot> {
                match *self {
                    Instr::Copy2 { dst1, .. } => Some(Slot::from(dst1)),
                    Instr::Copy { dst, .. } => Some(dst),
                    _ if self.can_write_acc() => self.result_slot(),
                    _ => None,
                }
            }

            /// Makes the one operand of this instruction that reads slot `t`
            /// read the accumulator instead, if the instruction has a handler
            /// for that; false (and nothing changed) otherwise.
            pub(crate) fn read_acc(&mut self, t: Slot) -> bool {
                match self {
                    // Both operands may be the value (`x * x`): binary
                    // handlers exist for every mode.
                    $(Instr::$bin(x))|* => read_acc_each(&mut [&mut x.a, &mut x.b], t),
                    $(Instr::$bimm(x))|* => read_acc(&mut [&mut x.a], t),
                    $(Instr::$un(x))|* => read_acc(&mut [&mut x.src], t),
                    $(Instr::$ld(x))|* => read_acc(&mut [&mut x.addr], t),
                    $(Instr::$st(x))|* => read_acc(&mut [&mut x.addr, &mut x.val], t),
                    $(Instr::$sti(x))|* => read_acc(&mut [&mut x.addr], t),
                    $(Instr::$sta(x))|* => read_acc(&mut [&mut x.val], t),
                    $(Instr::$brc(x))|* => read_acc(&mut [&mut x.a, &mut x.b], t),
                    $(Instr::$brci(x))|* => read_acc(&mut [&mut x.a], t),
                    Instr::BrIfNez { cond, .. } | Instr::BrIfEqz { cond, .. } => {
                        read_acc(&mut [cond], t)
                    }
                    Instr::BrTable { index, .. } | Instr::CallIndirect { index, .. } => {
                        read_acc(&mut [index], t)
                    }
                    Instr::ReturnSlot { src } | Instr::Copy { src, .. } => {
                        read_acc(&mut [src], t)
                    }
                    _ => false,
                }
            }

            /// The branch target of a branch instruction.
            #[inline]
            pub(crate) fn branch_target(&self) -> Option<u32> {
                match self {
                    Instr::Br { target }
                    | Instr::BrIfNez { target, .. }
                    | Instr::BrIfEqz { target, .. } => Some(*target),
                    $(Instr::$brc(x))|* => Some(x.target),
                    $(Instr::$brci(x))|* => Some(x.target),
                    $(Instr::$abr(x))|* => Some(x.target),
                    $(Instr::$abri(x))|* => Some(x.target),
                    _ => None,
                }
            }

            /// The single result slot this instruction writes unconditionally,
            /// if it has exactly one.
            #[inline]
            pub(crate) fn result_slot(&self) -> Option<Slot> {
                match *self {
                    $(Instr::$ldi(x))|* => Some(x.dst),
                    $(Instr::$ldd(x))|* => Some(x.dst),
                    $(Instr::$lda(x))|* => Some(x.dst),
                    $(Instr::$bin(x))|* => Some(x.dst),
                    $(Instr::$bimm(x))|* => Some(x.dst),
                    $(Instr::$un(x))|* => Some(x.dst),
                    $(Instr::$ld(x))|* => Some(x.dst),
                    dst_of_hand_written!(dst) => Some(dst),
                    _ => None,
                }
            }

            /// Retargets the [`Instr::result_slot`] to `slot` (the compiler
            /// does this to fold a following `local.set`); false if there is
            /// none.
            pub(crate) fn set_result_slot(&mut self, slot: Slot) -> bool {
                match self {
                    $(Instr::$ldi(x))|* => {
                        x.dst = slot;
                        true
                    }
                    $(Instr::$ldd(x))|* => {
                        x.dst = slot;
                        true
                    }
                    _ => match self.result_slot_mut() {
                        Some(s) => {
                            *s = slot;
                            true
                        }
                        None => false,
                    },
                }
            }

            /// The result slot of the instructions whose operands are aligned
            /// (all but the packed `*Idx` loads, see `result_slot`).
            fn result_slot_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(Instr::$bin(x))|* => Some(&mut x.dst),
                    $(Instr::$bimm(x))|* => Some(&mut x.dst),
                    $(Instr::$un(x))|* => Some(&mut x.dst),
                    $(Instr::$ld(x))|* => Some(&mut x.dst),
                    $(Instr::$lda(x))|* => Some(&mut x.dst),
                    dst_of_hand_written!(dst) => Some(dst),
                    _ => None,
                }
            }
        }
    };
}

/// The operand families' variants, from the instruction table
/// ([`table`]); the address forms of each access (`*Idx`, `*Disp`, `*Abs`)
/// come from its row.
macro_rules! instrs_from_table {
    (
        names: |$ip:ident, $ctx:ident|,
        bin: { $($bin:ident $bs:tt;)* }
        bin_imm: { $($bimm:ident $(/ $bw:ident)? ($($bis:tt)*);)* }
        un: { $($un:ident $us:tt;)* }
        load: { $($ld:ident / $ldi:ident / $ldd:ident / $lda:ident $ls:tt;)* }
        store: { $($st:ident / $sti:ident / $std:ident / $sta:ident $ss:tt;)* }
        store_imm: { $($si:ident / $sii:ident / $sid:ident / $sia:ident $sis:tt;)* }
        br_cmp: { $($brc:ident $bcs:tt;)* }
        br_cmp_imm: { $($brci:ident $bcis:tt;)* }
        add_br: { $($abr:ident $abs:tt;)* }
        add_br_imm: { $($abri:ident $abis:tt;)* }
    ) => {
        define_instrs! {
            br_cmp: [$($brc),*],
            br_cmp_imm: [$($brci),*],
            bin: [$($bin),*],
            bin_imm: [$($bimm,)* $($($bw,)?)*],
            bin_wide: [$($($bimm => $bw,)?)*],
            un: [$($un),*],
            load: [$($ld),*],
            store: [$($st),*],
            store_imm: [$($si),*],
            load_idx: [$($ldi),*],
            store_idx: [$($sti),*],
            store_imm_idx: [$($sii),*],
            load_disp: [$($ldd),*],
            store_disp: [$($std),*],
            store_imm_disp: [$($sid),*],
            load_abs: [$($lda),*],
            store_abs: [$($sta),*],
            store_imm_abs: [$($sia),*],
            add_br: [$($abr),*],
            add_br_imm: [$($abri),*],
        }
    };
}

instruction_table!(instrs_from_table);

/// An address computation folded into a memory-0 access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Address {
    /// `a + b` of an `i32.add` of two slots (`*Idx`).
    Indexed(Slot, Slot),
    /// `a + disp` of an `i32.add` of a slot and a constant (`*Disp`).
    Disp(Slot, i32),
    /// A constant address (`*Abs`).
    Const(u32),
}

/// Turns a memory-0 access (as the compiler built it; its address slot is
/// ignored) into the access at `addr` with the address computation folded
/// in: `*Idx` and `*Disp` if the static offset fits 16 bits, `*Abs` if the
/// constant address plus the offset fits 32 bits.
pub(crate) fn fold_address(access: Instr, addr: Address) -> Option<Instr> {
    use Address as A;
    use Instr as I;
    macro_rules! forms {
        ($($plain:ident => $idx:ident / $disp:ident / $abs:ident),* ;
         $($st:ident => $sti:ident / $std:ident / $sta:ident),* ;
         $($imm:ident => $immi:ident / $immd:ident / $imma:ident),*) => {
            match (access, addr) {
                $((I::$plain(x), A::Indexed(a, b)) => Some(I::$idx(LoadIdx {
                    dst: x.dst,
                    a,
                    b,
                    offset: u16::try_from(x.offset).ok()?,
                })),)*
                $((I::$plain(x), A::Disp(a, disp)) => Some(I::$disp(LoadDisp {
                    dst: x.dst,
                    a,
                    disp,
                    offset: u16::try_from(x.offset).ok()?,
                })),)*
                $((I::$plain(x), A::Const(c)) => Some(I::$abs(LoadAbs {
                    dst: x.dst,
                    ea: c.checked_add(x.offset)?,
                })),)*
                $((I::$st(x), A::Indexed(a, b)) => Some(I::$sti(StoreIdx {
                    a,
                    b,
                    val: x.val,
                    offset: u16::try_from(x.offset).ok()?,
                })),)*
                $((I::$st(x), A::Disp(a, disp)) => Some(I::$std(StoreDisp {
                    a,
                    disp,
                    val: x.val,
                    offset: u16::try_from(x.offset).ok()?,
                })),)*
                $((I::$st(x), A::Const(c)) => Some(I::$sta(StoreAbs {
                    val: x.val,
                    ea: c.checked_add(x.offset)?,
                })),)*
                $((I::$imm(x), A::Indexed(a, b)) => Some(I::$immi(StoreImmIdx {
                    a,
                    b,
                    value: x.value,
                    offset: u16::try_from(x.offset).ok()?,
                })),)*
                $((I::$imm(x), A::Disp(a, disp)) => Some(I::$immd(StoreImmDisp {
                    a,
                    disp,
                    value: x.value,
                    offset: u16::try_from(x.offset).ok()?,
                })),)*
                $((I::$imm(x), A::Const(c)) => Some(I::$imma(StoreImmAbs {
                    value: x.value,
                    ea: c.checked_add(x.offset)?,
                })),)*
                _ => None,
            }
        };
    }
    // The rows of the instruction table's loads and stores.
    macro_rules! rows {
        (
            names: |$ip:ident, $ctx:ident|,
            bin: $bin:tt
            bin_imm: $bimm:tt
            un: $un:tt
            load: { $($ld:ident / $ldi:ident / $ldd:ident / $lda:ident $ls:tt;)* }
            store: { $($st:ident / $sti:ident / $std:ident / $sta:ident $ss:tt;)* }
            store_imm: { $($si:ident / $sii:ident / $sid:ident / $sia:ident $sis:tt;)* }
            $($rest:tt)*
        ) => {
            forms!(
                $($ld => $ldi / $ldd / $lda),* ;
                $($st => $sti / $std / $sta),* ;
                $($si => $sii / $sid / $sia),*
            )
        };
    }
    instruction_table!(rows)
}

/// What a `try_table` clause catches, and whether it also gives the
/// `exnref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CatchKind {
    Tag,
    TagRef,
    All,
    AllRef,
    /// A legacy `catch` (`Legacy`, by tag) or `catch_all`: the `exnref`
    /// lands at `dest` (a hidden slot that `rethrow` reads), the payload
    /// after it.
    Legacy,
    LegacyAll,
}

/// A [`HandlerEntry::delegate`] target meaning the caller: the exception
/// leaves the frame.
pub(crate) const DELEGATE_TO_CALLER: u32 = u32::MAX;

/// One clause of a handler: where a matching exception lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clause {
    pub kind: CatchKind,
    /// The module's tag index (`Tag` and `TagRef` only).
    pub tag: u32,
    /// The instruction to continue at: the clause label's branch target
    /// (or the function's `Return` pad), or a legacy catch body.
    pub target: u32,
    /// The slot where the label's values start: the payload, then the
    /// `exnref` for the `_ref` kinds.
    pub dest: Slot,
}

/// A side table entry: the clauses of one `try_table`, for the
/// instructions `start..end` of its body. A function's entries are in the
/// order their `try_table`s end, so inner ones come before the ones that
/// enclose them and the first entry that covers an instruction and has a
/// matching clause is the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HandlerEntry {
    pub start: u32,
    pub end: u32,
    pub clauses: Vec<Clause>,
    /// The id of the `try_table` or `try` this entry is for.
    pub id: u32,
    /// A legacy `try ... delegate L`: no clauses; the search skips the
    /// entries that follow until the one with this id (the innermost `try`
    /// body enclosing label `L`), or leaves the frame at
    /// [`DELEGATE_TO_CALLER`].
    pub delegate: Option<u32>,
}

/// Which frame slots hold references the collector follows (of the `any`
/// and `extern` hierarchies), at each safepoint of a function: its
/// allocating GC instructions and its calls, where a frame can be when a
/// collection runs (the innermost frame at an allocation, every other one at
/// a call). The reference-typed locals are live throughout (parameters
/// hold references or null, the rest start null); stack values are listed
/// per safepoint from the validator's operand types.
#[derive(Debug, Default)]
pub(crate) struct RefMap {
    /// Slots of the reference-typed locals.
    pub locals: Box<[Slot]>,
    /// Per safepoint, in pc order: its pc and where its slots start in
    /// `slots` (they end where the next safepoint's start).
    pub points: Box<[(u32, u32)]>,
    pub slots: Box<[Slot]>,
}

impl RefMap {
    /// The operand-stack slots holding references at safepoint `pc`, or
    /// `None` if `pc` is not one.
    pub(crate) fn at(&self, pc: u32) -> Option<&[Slot]> {
        let k = self.points.binary_search_by_key(&pc, |p| p.0).ok()?;
        let start = self.points[k].1 as usize;
        let end = self
            .points
            .get(k + 1)
            .map_or(self.slots.len(), |p| p.1 as usize);
        self.slots.get(start..end)
    }

    /// Whether the function has nothing for the collector to scan.
    pub(crate) fn is_empty(&self) -> bool {
        self.locals.is_empty() && self.slots.is_empty()
    }
}

/// A side table beside a function's code: for each instruction, the byte
/// offset (in the module binary) of the wasm operator it was translated
/// from, for trap locations and backtraces. Consecutive instructions from
/// one operator form a run, and runs are stored as LEB128 pairs (run
/// length, offset change from the previous run, zigzag-signed), so a
/// function costs about two bytes per operator that emitted code. Lookups
/// scan the runs: they happen when a trap or backtrace is reported, not
/// while code runs.
#[derive(Debug, Clone, Default)]
pub(crate) struct OffsetTable(Box<[u8]>);

impl OffsetTable {
    /// Encodes the per-instruction offsets `of`.
    pub(crate) fn new(of: &[u32]) -> OffsetTable {
        let mut out = Vec::new();
        let mut prev = 0u32;
        let mut i = 0;
        while i < of.len() {
            let run = of[i..].iter().take_while(|&&o| o == of[i]).count();
            let delta = i64::from(of[i]) - i64::from(prev);
            leb(&mut out, run as u64);
            leb(&mut out, ((delta << 1) ^ (delta >> 63)) as u64);
            prev = of[i];
            i += run;
        }
        OffsetTable(out.into_boxed_slice())
    }

    /// The wasm offset of instruction `pc`, if it has one.
    pub(crate) fn get(&self, pc: usize) -> Option<u32> {
        let mut bytes = self.0.iter().copied();
        let (mut at, mut offset) = (0u64, 0i64);
        loop {
            let run = read_leb(&mut bytes)?;
            let z = read_leb(&mut bytes)?;
            offset += ((z >> 1) as i64) ^ -((z & 1) as i64);
            at += run;
            if (pc as u64) < at {
                return u32::try_from(offset).ok();
            }
        }
    }
}

fn leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_leb(bytes: &mut impl Iterator<Item = u8>) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = bytes.next()?;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The conditional branch that jumps (to `target`) exactly when `br` does
/// not. A float comparison's negation is its `Not` form (with a NaN both
/// `a < b` and `a >= b` are false), except `eq`/`ne`, which negate each
/// other.
pub(crate) fn negate_branch(br: Instr, target: u32) -> Option<Instr> {
    use Instr as I;
    macro_rules! pairs {
        ($($x:ident <=> $y:ident),* $(,)?) => {
            match br {
                $(
                    I::$x(mut c) => { c.target = target; Some(I::$y(c)) }
                    I::$y(mut c) => { c.target = target; Some(I::$x(c)) }
                )*
                I::BrIfNez { cond, .. } => Some(I::BrIfEqz { cond, target }),
                I::BrIfEqz { cond, .. } => Some(I::BrIfNez { cond, target }),
                _ => None,
            }
        };
    }
    pairs!(
        BrI32Eq <=> BrI32Ne, BrI32LtS <=> BrI32GeS, BrI32LtU <=> BrI32GeU,
        BrI32GtS <=> BrI32LeS, BrI32GtU <=> BrI32LeU,
        BrI64Eq <=> BrI64Ne, BrI64LtS <=> BrI64GeS, BrI64LtU <=> BrI64GeU,
        BrI64GtS <=> BrI64LeS, BrI64GtU <=> BrI64LeU,
        BrI32EqImm <=> BrI32NeImm, BrI32LtSImm <=> BrI32GeSImm, BrI32LtUImm <=> BrI32GeUImm,
        BrI32GtSImm <=> BrI32LeSImm, BrI32GtUImm <=> BrI32LeUImm,
        BrI64EqImm <=> BrI64NeImm, BrI64LtSImm <=> BrI64GeSImm, BrI64LtUImm <=> BrI64GeUImm,
        BrI64GtSImm <=> BrI64LeSImm, BrI64GtUImm <=> BrI64LeUImm,
        BrI32And <=> BrI32AndZ, BrI32AndImm <=> BrI32AndZImm,
        BrF32Eq <=> BrF32Ne, BrF32Lt <=> BrF32NotLt, BrF32Gt <=> BrF32NotGt,
        BrF32Le <=> BrF32NotLe, BrF32Ge <=> BrF32NotGe,
        BrF64Eq <=> BrF64Ne, BrF64Lt <=> BrF64NotLt, BrF64Gt <=> BrF64NotGt,
        BrF64Le <=> BrF64NotLe, BrF64Ge <=> BrF64NotGe,
        BrF32EqImm <=> BrF32NeImm, BrF32LtImm <=> BrF32NotLtImm,
        BrF32GtImm <=> BrF32NotGtImm, BrF32LeImm <=> BrF32NotLeImm,
        BrF32GeImm <=> BrF32NotGeImm,
        BrF64EqImm <=> BrF64NeImm, BrF64LtImm <=> BrF64NotLtImm,
        BrF64GtImm <=> BrF64NotGtImm, BrF64LeImm <=> BrF64NotLeImm,
        BrF64GeImm <=> BrF64NotGeImm,
    )
}

/// Fuses `add` (an `i32.add` of a slot and a constant into a slot) with the
/// compare-and-branch `br` right after it, when `br` compares the sum (read
/// from the accumulator or from the add's destination) with a slot or an
/// immediate and everything fits the narrow fields. The caller makes sure
/// nothing else branches to `br`.
pub(crate) fn fuse_add_branch(add: Instr, br: Instr) -> Option<Instr> {
    use Instr as I;
    let Instr::I32AddImm(BinImm { dst, a, imm }) = add else {
        return None;
    };
    if dst == ACC || a == ACC {
        return None;
    }
    let (dst16, a16) = (u16::try_from(dst).ok()?, u16::try_from(a).ok()?);
    let imm = i16::try_from(imm).ok()?;
    let is_sum = |s: Slot| s == ACC || s == dst;
    // The handler writes `dst` before reading `b`, so `b == dst` reads the sum.
    let other = |s: Slot| u16::try_from(if s == ACC { dst } else { s }).ok();
    macro_rules! slot_form {
        ($($v:ident => $f:ident / $fs:ident),*) => {
            match br {
                $(I::$v(x) if is_sum(x.a) => Some(I::$f(AddBr {
                    dst: dst16,
                    a: a16,
                    imm,
                    b: other(x.b)?,
                    target: x.target,
                })),)*
                $(I::$v(x) if is_sum(x.b) => Some(I::$fs(AddBr {
                    dst: dst16,
                    a: a16,
                    imm,
                    b: other(x.a)?,
                    target: x.target,
                })),)*
                _ => None,
            }
        };
    }
    macro_rules! imm_form {
        ($($v:ident => $f:ident),*) => {
            match br {
                $(I::$v(x) if is_sum(x.a) => Some(I::$f(AddBrImm {
                    dst: dst16,
                    a: a16,
                    imm,
                    rhs: i16::try_from(x.imm).ok()?,
                    target: x.target,
                })),)*
                _ => None,
            }
        };
    }
    // `b < sum` is `sum > b`: a comparison with the sum on the right is
    // swapped.
    slot_form!(
        BrI32Eq => AddBrI32Eq / AddBrI32Eq,
        BrI32Ne => AddBrI32Ne / AddBrI32Ne,
        BrI32LtS => AddBrI32LtS / AddBrI32GtS,
        BrI32LtU => AddBrI32LtU / AddBrI32GtU,
        BrI32GtS => AddBrI32GtS / AddBrI32LtS,
        BrI32GtU => AddBrI32GtU / AddBrI32LtU,
        BrI32LeS => AddBrI32LeS / AddBrI32GeS,
        BrI32LeU => AddBrI32LeU / AddBrI32GeU,
        BrI32GeS => AddBrI32GeS / AddBrI32LeS,
        BrI32GeU => AddBrI32GeU / AddBrI32LeU
    )
    .or_else(|| {
        imm_form!(
            BrI32EqImm => AddBrI32EqImm, BrI32NeImm => AddBrI32NeImm,
            BrI32LtSImm => AddBrI32LtSImm, BrI32LtUImm => AddBrI32LtUImm,
            BrI32GtSImm => AddBrI32GtSImm, BrI32GtUImm => AddBrI32GtUImm,
            BrI32LeSImm => AddBrI32LeSImm, BrI32LeUImm => AddBrI32LeUImm,
            BrI32GeSImm => AddBrI32GeSImm, BrI32GeUImm => AddBrI32GeUImm
        )
    })
}

/// Turns a comparison (or `eqz`) that produced a branch condition into the
/// fused branch on that comparison (`negate`: branch when it does not hold).
pub(crate) fn fuse_compare_branch(cmp: Instr, negate: bool, target: u32) -> Option<Instr> {
    use Instr as I;
    macro_rules! pick {
        ($x:expr, $kind:ident, $yes:ident, $no:ident) => {{
            let f = if negate { I::$no } else { I::$yes };
            Some(f($kind {
                a: $x.a,
                b: $x.b,
                target,
            }))
        }};
    }
    macro_rules! pick_imm {
        ($x:expr, $yes:ident, $no:ident) => {{
            let f = if negate { I::$no } else { I::$yes };
            Some(f(BrCmpImm {
                a: $x.a,
                imm: $x.imm,
                target,
            }))
        }};
    }
    match cmp {
        I::I32Eq(x) => pick!(x, BrCmp, BrI32Eq, BrI32Ne),
        I::I32Ne(x) => pick!(x, BrCmp, BrI32Ne, BrI32Eq),
        I::I32LtS(x) => pick!(x, BrCmp, BrI32LtS, BrI32GeS),
        I::I32LtU(x) => pick!(x, BrCmp, BrI32LtU, BrI32GeU),
        I::I32GtS(x) => pick!(x, BrCmp, BrI32GtS, BrI32LeS),
        I::I32GtU(x) => pick!(x, BrCmp, BrI32GtU, BrI32LeU),
        I::I32LeS(x) => pick!(x, BrCmp, BrI32LeS, BrI32GtS),
        I::I32LeU(x) => pick!(x, BrCmp, BrI32LeU, BrI32GtU),
        I::I32GeS(x) => pick!(x, BrCmp, BrI32GeS, BrI32LtS),
        I::I32GeU(x) => pick!(x, BrCmp, BrI32GeU, BrI32LtU),
        I::I64Eq(x) => pick!(x, BrCmp, BrI64Eq, BrI64Ne),
        I::I64Ne(x) => pick!(x, BrCmp, BrI64Ne, BrI64Eq),
        I::I64LtS(x) => pick!(x, BrCmp, BrI64LtS, BrI64GeS),
        I::I64LtU(x) => pick!(x, BrCmp, BrI64LtU, BrI64GeU),
        I::I64GtS(x) => pick!(x, BrCmp, BrI64GtS, BrI64LeS),
        I::I64GtU(x) => pick!(x, BrCmp, BrI64GtU, BrI64LeU),
        I::I64LeS(x) => pick!(x, BrCmp, BrI64LeS, BrI64GtS),
        I::I64LeU(x) => pick!(x, BrCmp, BrI64LeU, BrI64GtU),
        I::I64GeS(x) => pick!(x, BrCmp, BrI64GeS, BrI64LtS),
        I::I64GeU(x) => pick!(x, BrCmp, BrI64GeU, BrI64LtU),
        I::I32EqImm(x) => pick_imm!(x, BrI32EqImm, BrI32NeImm),
        I::I32NeImm(x) => pick_imm!(x, BrI32NeImm, BrI32EqImm),
        I::I32LtSImm(x) => pick_imm!(x, BrI32LtSImm, BrI32GeSImm),
        I::I32LtUImm(x) => pick_imm!(x, BrI32LtUImm, BrI32GeUImm),
        I::I32GtSImm(x) => pick_imm!(x, BrI32GtSImm, BrI32LeSImm),
        I::I32GtUImm(x) => pick_imm!(x, BrI32GtUImm, BrI32LeUImm),
        I::I32LeSImm(x) => pick_imm!(x, BrI32LeSImm, BrI32GtSImm),
        I::I32LeUImm(x) => pick_imm!(x, BrI32LeUImm, BrI32GtUImm),
        I::I32GeSImm(x) => pick_imm!(x, BrI32GeSImm, BrI32LtSImm),
        I::I32GeUImm(x) => pick_imm!(x, BrI32GeUImm, BrI32LtUImm),
        I::I64EqImm(x) => pick_imm!(x, BrI64EqImm, BrI64NeImm),
        I::I64NeImm(x) => pick_imm!(x, BrI64NeImm, BrI64EqImm),
        I::I64LtSImm(x) => pick_imm!(x, BrI64LtSImm, BrI64GeSImm),
        I::I64LtUImm(x) => pick_imm!(x, BrI64LtUImm, BrI64GeUImm),
        I::I64GtSImm(x) => pick_imm!(x, BrI64GtSImm, BrI64LeSImm),
        I::I64GtUImm(x) => pick_imm!(x, BrI64GtUImm, BrI64LeUImm),
        I::I64LeSImm(x) => pick_imm!(x, BrI64LeSImm, BrI64GtSImm),
        I::I64LeUImm(x) => pick_imm!(x, BrI64LeUImm, BrI64GtUImm),
        I::I64GeSImm(x) => pick_imm!(x, BrI64GeSImm, BrI64LtSImm),
        I::I64GeUImm(x) => pick_imm!(x, BrI64GeUImm, BrI64LtUImm),
        I::F32Eq(x) => pick!(x, BrCmp, BrF32Eq, BrF32Ne),
        I::F32Ne(x) => pick!(x, BrCmp, BrF32Ne, BrF32Eq),
        I::F32Lt(x) => pick!(x, BrCmp, BrF32Lt, BrF32NotLt),
        I::F32Gt(x) => pick!(x, BrCmp, BrF32Gt, BrF32NotGt),
        I::F32Le(x) => pick!(x, BrCmp, BrF32Le, BrF32NotLe),
        I::F32Ge(x) => pick!(x, BrCmp, BrF32Ge, BrF32NotGe),
        I::F32EqImm(x) => pick_imm!(x, BrF32EqImm, BrF32NeImm),
        I::F32NeImm(x) => pick_imm!(x, BrF32NeImm, BrF32EqImm),
        I::F32LtImm(x) => pick_imm!(x, BrF32LtImm, BrF32NotLtImm),
        I::F32GtImm(x) => pick_imm!(x, BrF32GtImm, BrF32NotGtImm),
        I::F32LeImm(x) => pick_imm!(x, BrF32LeImm, BrF32NotLeImm),
        I::F32GeImm(x) => pick_imm!(x, BrF32GeImm, BrF32NotGeImm),
        I::F64Eq(x) => pick!(x, BrCmp, BrF64Eq, BrF64Ne),
        I::F64Ne(x) => pick!(x, BrCmp, BrF64Ne, BrF64Eq),
        I::F64Lt(x) => pick!(x, BrCmp, BrF64Lt, BrF64NotLt),
        I::F64Gt(x) => pick!(x, BrCmp, BrF64Gt, BrF64NotGt),
        I::F64Le(x) => pick!(x, BrCmp, BrF64Le, BrF64NotLe),
        I::F64Ge(x) => pick!(x, BrCmp, BrF64Ge, BrF64NotGe),
        I::F64EqImm(x) => pick_imm!(x, BrF64EqImm, BrF64NeImm),
        I::F64NeImm(x) => pick_imm!(x, BrF64NeImm, BrF64EqImm),
        I::F64LtImm(x) => pick_imm!(x, BrF64LtImm, BrF64NotLtImm),
        I::F64GtImm(x) => pick_imm!(x, BrF64GtImm, BrF64NotGtImm),
        I::F64LeImm(x) => pick_imm!(x, BrF64LeImm, BrF64NotLeImm),
        I::F64GeImm(x) => pick_imm!(x, BrF64GeImm, BrF64NotGeImm),
        // A bit test: the `and` is the condition itself, nonzero to branch.
        I::I32And(x) => pick!(x, BrCmp, BrI32And, BrI32AndZ),
        I::I32AndImm(x) => pick_imm!(x, BrI32AndImm, BrI32AndZImm),
        I::I32Eqz(x) => Some(if negate {
            I::BrIfNez {
                cond: x.src,
                target,
            }
        } else {
            I::BrIfEqz {
                cond: x.src,
                target,
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instr_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 16);
    }
}
