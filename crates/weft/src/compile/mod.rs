//! Translation of one validated function body into weft [`Instr`] code.
//!
//! # How operands get slots (no register allocator)
//! The wasm operand stack height is known at every instruction, so the entry
//! at height `h` lives in frame slot `L + h` (`L` = number of locals). The
//! translator keeps a compile-time stack of operand descriptors ([`Opd`])
//! instead of emitting pushes:
//! - `local.get i` pushes `Local(i)` and `*.const` pushes `Const`; nothing is
//!   emitted. Operators read locals and constants directly (constants that
//!   fit become inline immediates of `*Imm` instructions).
//! - An operator pops descriptors, emits one instruction, and pushes `Temp`
//!   (its result lives in its canonical slot `L + h`).
//! - `local.set i` right after an instruction that produced the top value
//!   rewrites that instruction's destination to local `i` (no copy).
//!   Before local `i` is overwritten, any `Local(i)` still on the stack is
//!   copied into its canonical slot first.
//! - At control-flow boundaries values are put in canonical slots, so every
//!   path into a label agrees where each value is: block parameters and
//!   results sit at the slots of the height where the block began, and every
//!   `Local` descriptor is materialised when a block is entered.
//! - Code after an unconditional branch is validated but not translated.

use crate::code::debug_map::ValueKind;
use crate::code::{
    ACC, ACC_A, ACC_B, Address, Bin, BinImm, Instr, Load, MemOp, Slot, Store, StoreImm, Un,
    V128LoadKind, WideOp,
};
use crate::error::{ModuleError, Result};
use crate::exec::CompiledFunc;
use crate::simd::{self, SimdOp};
use crate::types::{FuncType, GlobalType, ValType};
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

/// What the translator needs to know about the module.
pub(crate) struct ModuleEnv<'a> {
    pub types: &'a [FuncType],
    /// The engine's id of each type (`types[i]` is `sig_ids[i]`).
    pub sig_ids: &'a [crate::engine::SigId],
    /// The structure of each type index (struct fields, array elements).
    pub composites: &'a [crate::engine::Composite],
    pub funcs: &'a [u32],
    /// All globals, imported first.
    pub globals: &'a [GlobalType],
    /// All memories, imported first.
    pub memories: &'a [crate::types::MemoryType],
    /// All tables, imported first.
    pub tables: &'a [crate::types::TableType],
    /// All tags, imported first.
    pub tags: &'a [crate::types::TagType],
    pub num_imported_funcs: u32,
    /// Emit fuel accounting per basic block.
    pub fuel: bool,
    /// Emit interrupt checks at function entry and loop headers.
    pub interruptible: bool,
    /// Emit a step point before every operator, and no rewrites across
    /// operators (`Config::debug_info`, see `debug.rs`).
    pub debug: bool,
}

/// A compile-time operand descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opd {
    /// The value is in its canonical slot.
    Temp,
    /// The value is the current value of the local whose (first) slot this is.
    Local(Slot),
    /// The value is this constant (bits, zero-extended). Never a `v128`.
    Const(u64),
}

/// One entry of the compile-time operand stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    opd: Opd,
    /// The entry's canonical slot.
    slot: Slot,
    /// A `v128`: two cells, `slot` and `slot + 1`.
    wide: bool,
}

impl Entry {
    fn cells(self) -> u32 {
        if self.wide { 2 } else { 1 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CtrlKind {
    Block,
    Loop,
    If,
    Else,
    TryTable,
    /// A legacy `try` in its body (before any `catch`).
    LegacyTry,
    /// A legacy `try` in one of its `catch`/`catch_all` bodies: a hidden
    /// entry at the block's height holds the caught `exnref`.
    LegacyCatch,
}

#[derive(Debug)]
struct Ctrl {
    kind: CtrlKind,
    /// The block's type (for the widths of its parameters and results).
    ty: BlockType,
    /// Operand stack height below the block's parameters.
    height: u32,
    nparams: u32,
    nresults: u32,
    /// Branches to patch with the end's pc.
    fixups: Vec<usize>,
    /// Start of a loop (its branch target).
    loop_pc: u32,
    /// The `BrIfEqz` of an `if`, to patch with the else (or end) pc.
    else_fixup: Option<usize>,
    /// Whether anything reaches the end of this block.
    end_reachable: bool,
    /// With fuel on: the `ConsumeFuel` of the basic block this construct
    /// was entered in (`None` if unreachable there), and whether a branch,
    /// return or throw inside it leaves it other than through its end.
    /// Without an escape every path from that block's start that enters
    /// the construct reaches its end, so the end charges into that block
    /// instead of opening one (`Translator::end`).
    entry_fuel: Option<usize>,
    escaped: bool,
    /// A `try_table`: where its body starts, and its clauses.
    try_start: u32,
    clauses: Vec<crate::code::Clause>,
    /// A `try_table` or legacy `try`: its handler entry's id.
    try_id: u32,
    /// A legacy `try` with catches: its entry's index in `handlers`.
    entry: Option<usize>,
    /// In a legacy catch body: the hidden slot of the caught `exnref`.
    exn_slot: Slot,
    /// A `try_table`: per clause, the index of the block its label names
    /// while that block's end is not known yet.
    clause_labels: Vec<Option<usize>>,
    /// Clauses (handler entry, clause) that land at this block's end.
    clause_fixups: Vec<(usize, usize)>,
}

/// Buffers reused across function compilations.
#[derive(Default)]
pub(crate) struct Scratch {
    stack: Vec<Entry>,
    ctrls: Vec<Ctrl>,
    code: Vec<Instr>,
    /// The function's constant pool: the constants of its `*Wide`
    /// instructions, placed after its code (`place_pool`).
    pool: Vec<u64>,
    /// Per local index: its first slot and whether it is a `v128`.
    locals: Vec<(Slot, bool)>,
    /// Per instruction: the wasm offset of the operator it came from.
    offsets: Vec<u32>,
    /// The exception handlers of the function's `try_table`s.
    handlers: Vec<crate::code::HandlerEntry>,
    /// The reference map being built (see `RefMap`).
    ref_locals: Vec<Slot>,
    ref_points: Vec<(u32, u32)>,
    ref_slots: Vec<Slot>,
    /// The debug map being built (see `DebugMap`).
    debug_points: Vec<(u32, u32)>,
    debug_stack: Vec<crate::code::debug_map::StackValue>,
}

struct Translator<'a> {
    env: &'a ModuleEnv<'a>,
    code: &'a mut Vec<Instr>,
    pool: &'a mut Vec<u64>,
    stack: &'a mut Vec<Entry>,
    ctrls: &'a mut Vec<Ctrl>,
    handlers: &'a mut Vec<crate::code::HandlerEntry>,
    locals: &'a [(Slot, bool)],
    /// Cells taken by the locals: the operand stack starts at this slot.
    local_cells: u32,
    nresults: u32,
    /// The most cells the operand stack ever takes.
    max_cells: u32,
    reachable: bool,
    skip_depth: u32,
    /// The last instruction, if it wrote exactly the top stack slot.
    last_result: Option<usize>,
    /// The `ConsumeFuel` of the current basic block, when fuel is on.
    fuel_pc: Option<usize>,
    /// Where the current basic block's instructions start: no branch
    /// lands between `block_start` and the end of the code.
    block_start: usize,
    /// The last accumulator hand-off made: the writer's pc and the slot it
    /// wrote before (the reader is the next instruction).
    acc_link: Option<(usize, Slot)>,
    /// Safepoints so far: pc and start in `ref_slots` (see `RefMap`).
    ref_points: &'a mut Vec<(u32, u32)>,
    ref_slots: &'a mut Vec<Slot>,
    debug_points: &'a mut Vec<(u32, u32)>,
    debug_stack: &'a mut Vec<crate::code::debug_map::StackValue>,
    /// The reference slots of the stack before the current operator, when
    /// it is one that emits a safepoint (`note_refs`).
    pending_refs: Option<Vec<Slot>>,
    /// The id of the next `try_table` or `try` (see `HandlerEntry::id`).
    next_try_id: u32,
    /// Clauses (handler entry, clause) that land at the function's shared
    /// `Return` pad, emitted after the body.
    return_clauses: Vec<(usize, usize)>,
}

fn compile_err(message: String, offset: u64) -> crate::Error {
    ModuleError {
        message,
        offset: Some(offset as usize),
        func_index: None,
        text: false,
    }
    .into()
}

/// A memory operator's static offset, on a 32-bit memory (the validator
/// bounds it to 32 bits there).
fn mem_offset(m: &wasmparser::MemArg, offset: u64) -> Result<u32> {
    u32::try_from(m.offset).map_err(|_| compile_err("memory offset too large".into(), offset))
}

/// The memory a memory operator accesses.
fn mem_index(m: &wasmparser::MemArg, offset: u64) -> Result<u32> {
    match m.target {
        wasmparser::MemArgTarget::Memory(i) => Ok(i),
        wasmparser::MemArgTarget::Array(_) => Err(compile_err(
            "memory operators on GC arrays are not supported by weft yet".into(),
            offset,
        )),
    }
}

fn is_v128(t: wasmparser::ValType) -> bool {
    t == wasmparser::ValType::V128
}

/// Validates and compiles one function body.
pub(crate) fn compile_function(
    env: &ModuleEnv<'_>,
    func_index: u32,
    body: &FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    scratch: &mut Scratch,
) -> Result<CompiledFunc> {
    use super::module::parse_wp_err as wp_err;
    let ty = &env.types[env.funcs[func_index as usize] as usize];
    let too_many = |offset| compile_err("too many locals".into(), offset);
    scratch.locals.clear();
    let mut cells: u32 = 0;
    for p in ty.params() {
        scratch.locals.push((cells, *p == ValType::V128));
        cells += p.cells();
    }
    let param_cells = cells;
    let mut locals = body.get_locals_reader().map_err(wp_err)?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, vt) = locals.read().map_err(wp_err)?;
        validator.define_locals(offset, count, vt).map_err(wp_err)?;
        // The validator bounds the number of locals, so this loop is short.
        let wide = is_v128(vt);
        for _ in 0..count {
            scratch.locals.push((cells, wide));
            cells = cells
                .checked_add(if wide { 2 } else { 1 })
                .ok_or_else(|| too_many(offset))?;
        }
    }
    scratch.stack.clear();
    scratch.ctrls.clear();
    scratch.code.clear();
    scratch.pool.clear();
    scratch.offsets.clear();
    scratch.handlers.clear();
    scratch.ref_locals.clear();
    scratch.ref_points.clear();
    scratch.ref_slots.clear();
    scratch.debug_points.clear();
    scratch.debug_stack.clear();
    for (k, &(slot, _)) in scratch.locals.iter().enumerate() {
        if validator
            .get_local_type(k as u32)
            .is_some_and(|t| is_gc_ref(env, validator.resources(), t))
        {
            scratch.ref_locals.push(slot);
        }
    }
    let mut tr = Translator {
        env,
        code: &mut scratch.code,
        pool: &mut scratch.pool,
        stack: &mut scratch.stack,
        ctrls: &mut scratch.ctrls,
        handlers: &mut scratch.handlers,
        locals: &scratch.locals,
        local_cells: cells,
        nresults: ty.results().len() as u32,
        max_cells: 0,
        reachable: true,
        skip_depth: 0,
        last_result: None,
        fuel_pc: None,
        block_start: 0,
        acc_link: None,
        ref_points: &mut scratch.ref_points,
        ref_slots: &mut scratch.ref_slots,
        debug_points: &mut scratch.debug_points,
        debug_stack: &mut scratch.debug_stack,
        pending_refs: None,
        next_try_id: 0,
        return_clauses: Vec::new(),
    };
    tr.start_block();
    if env.interruptible {
        tr.emit(Instr::CheckInterrupt);
    }
    tr.ctrls.push(Ctrl {
        kind: CtrlKind::Block,
        ty: BlockType::Empty,
        height: 0,
        nparams: 0,
        nresults: tr.nresults,
        fixups: Vec::new(),
        loop_pc: 0,
        else_fixup: None,
        end_reachable: false,
        entry_fuel: None,
        escaped: false,
        try_start: 0,
        clauses: Vec::new(),
        try_id: 0,
        entry: None,
        exn_slot: 0,
        clause_labels: Vec::new(),
        clause_fixups: Vec::new(),
    });
    let mut reader = body.get_operators_reader().map_err(wp_err)?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(wp_err)?;
        if env.debug && tr.reachable {
            tr.debug_point(validator, offset);
        }
        if tr.reachable && is_safepoint_op(&op) {
            tr.note_refs(validator);
        }
        validator.op(offset, &op).map_err(wp_err)?;
        tr.translate(&op, offset)?;
        // What this operator emitted (an instruction it rewrote in place
        // keeps its first operator's offset).
        scratch.offsets.resize(tr.code.len(), offset as u32);
    }
    reader.finish().map_err(wp_err)?;
    tr.return_pad();
    // A trapping guard ends every function: execution can never run past the
    // end of the code, and every branch target (at most the length of the
    // code when it was patched) names an instruction. The interpreter's
    // unchecked instruction fetch relies on this.
    let frame_size = u64::from(cells) + u64::from(tr.max_cells);
    scratch.code.push(Instr::Unreachable);
    place_pool(&mut scratch.code, &scratch.pool)?;
    let end = scratch.offsets.last().copied().unwrap_or(0);
    scratch.offsets.resize(scratch.code.len(), end);
    let mut checked = Vec::new();
    if !env.debug {
        optimize_branches(&mut scratch.code, &mut scratch.offsets);
        fuse_add_branches(&mut scratch.code);
        if env.interruptible || env.fuel {
            checked = check_back_edges(&mut scratch.code);
        }
    }
    let debug = env.debug.then(|| {
        let locals = (0..scratch.locals.len())
            .map(|k| {
                let kind = validator
                    .get_local_type(k as u32)
                    .map_or(ValueKind::I64, ValueKind::of);
                (scratch.locals[k].0, kind)
            })
            .collect();
        Box::new(crate::code::debug_map::DebugMap {
            locals,
            points: scratch.debug_points.as_slice().into(),
            stack: scratch.debug_stack.as_slice().into(),
        })
    });
    let frame_size =
        u32::try_from(frame_size).map_err(|_| compile_err("function frame too large".into(), 0))?;
    Ok(CompiledFunc {
        code: scratch
            .code
            .iter()
            .enumerate()
            .map(|(pc, instr)| match checked.get(pc) {
                Some(true) => crate::exec::Op::new_checked(*instr, pc),
                _ => crate::exec::Op::new(*instr, pc),
            })
            .collect(),
        params: param_cells,
        locals: cells,
        frame_size,
        offsets: crate::code::OffsetTable::new(&scratch.offsets),
        handlers: scratch.handlers.drain(..).collect(),
        refs: crate::code::RefMap {
            locals: scratch.ref_locals.as_slice().into(),
            points: scratch.ref_points.as_slice().into(),
            slots: scratch.ref_slots.as_slice().into(),
        },
        debug,
    })
}

/// Whether values of type `t` are references the collector follows: of
/// the `any`, `extern` or `exn` hierarchies (a `funcref` names a store
/// function, not a heap object).
fn is_gc_ref(env: &ModuleEnv<'_>, res: &ValidatorResources, t: wasmparser::ValType) -> bool {
    use wasmparser::{AbstractHeapType as A, HeapType as H, UnpackedIndex as U};
    let wasmparser::ValType::Ref(r) = t else {
        return false;
    };
    let concrete_func = |c: &wasmparser::SubType| {
        matches!(
            c.composite_type.inner,
            wasmparser::CompositeInnerType::Func(_)
        )
    };
    match r.heap_type() {
        H::Abstract { ty, .. } => !matches!(ty, A::Func | A::NoFunc),
        H::Concrete(U::Module(i)) | H::Exact(U::Module(i)) => !matches!(
            env.composites.get(i as usize),
            Some(crate::engine::Composite::Func(_))
        ),
        H::Concrete(U::Id(id)) | H::Exact(U::Id(id)) => {
            use wasmparser::WasmModuleResources;
            !concrete_func(res.sub_type_at_id(id))
        }
        H::Concrete(U::RecGroup(_)) | H::Exact(U::RecGroup(_)) => true,
    }
}

/// Whether operator `op` emits a safepoint (see `Instr::is_safepoint`).
fn is_safepoint_op(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::Call { .. }
            | O::CallIndirect { .. }
            | O::CallRef { .. }
            | O::ReturnCall { .. }
            | O::ReturnCallIndirect { .. }
            | O::ReturnCallRef { .. }
            | O::Throw { .. }
            | O::StructNew { .. }
            | O::StructNewDefault { .. }
            | O::ArrayNew { .. }
            | O::ArrayNewDefault { .. }
            | O::ArrayNewFixed { .. }
            | O::ArrayNewData { .. }
            | O::ArrayNewElem { .. }
    )
}

/// Branch clean-ups once all targets are known:
/// - a branch to a `Br` goes straight to that `Br`'s target (the entries
///   of a `BrTable` included);
/// - a `Br` back to a loop whose first instruction is a conditional exit to
///   just after that `Br` (a loop tested at the top) becomes the negated
///   test, branching to the loop's second instruction: one instruction
///   fewer per turn.
///
/// Block and loop starts carry a `ConsumeFuel` or `CheckInterrupt` when
/// fuel or interruption is on, so neither rewrite then crosses one; a loop
/// that starts with a `CheckInterrupt` and then its test has the two
/// swapped first, so it still rotates (the check stays once per turn).
///
/// A `BrTable`'s entries stay `Br`s: the interpreter reads their targets.
fn optimize_branches(code: &mut [Instr], offsets: &mut [u32]) {
    let mut table_end = 0;
    for pc in 0..code.len() {
        if let Instr::BrTable { len, .. } = code[pc] {
            table_end = pc + 2 + len as usize;
        }
        let Some(mut t) = code[pc].branch_target() else {
            continue;
        };
        // Bounded: a chain of `Br`s may be a cycle.
        for _ in 0..8 {
            match code.get(t as usize) {
                Some(Instr::Br { target }) if *target != t => t = *target,
                _ => break,
            }
        }
        if let Some(slot) = code[pc].branch_target_mut() {
            *slot = t;
        }
        if let Instr::Br { target } = code[pc]
            && pc >= table_end
            && let Some(&test) = code.get(target as usize)
            && test.branch_target() == Some(pc as u32 + 1)
            && test.acc_mode() == 0
            && let Some(inverted) = crate::code::negate_branch(test, target + 1)
        {
            code[pc] = inverted;
        } else if let Instr::Br { target } = code[pc]
            && pc >= table_end
            && let checks = loop_checks(code, target as usize)
            && checks > 0
            && let Some(&test) = code.get(target as usize + checks)
            && test.branch_target() == Some(pc as u32 + 1)
            && test.acc_mode() == 0
            && let Some(inverted) = crate::code::negate_branch(test, target + 1)
        {
            // An interruptible or fuel-metered loop: its header tests
            // after the checks. Testing first changes nothing but when the
            // fuel is charged (the check only polls, and the charge covers
            // the test either way), so the test moves in front of them and
            // the loop rotates as above, its bottom test branching back to
            // the first check: one or two ops per turn fewer.
            let (l, end) = (target as usize, target as usize + checks + 1);
            code[l..end].rotate_right(1);
            offsets[l..end].rotate_right(1);
            code[pc] = inverted;
        }
    }
}

/// How many check ops open the loop header at `pc`: a `ConsumeFuel`, a
/// `CheckInterrupt`, or the two in that order.
fn loop_checks(code: &[Instr], pc: usize) -> usize {
    match (code.get(pc), code.get(pc + 1)) {
        (Some(Instr::ConsumeFuel { .. }), Some(Instr::CheckInterrupt)) => 2,
        (Some(Instr::ConsumeFuel { .. } | Instr::CheckInterrupt), _) => 1,
        _ => 0,
    }
}

/// Interruptible or fuel-metered code: a branch back to a loop header's
/// `CheckInterrupt` or `ConsumeFuel` jumps past it instead and does its
/// work on its taken side (its checked handler), so a turn of the loop
/// dispatches one op fewer. Entry from above still runs the header. A
/// header with both (the `ConsumeFuel` first) keeps its `CheckInterrupt`,
/// which the branch lands on. `br_table` entries are left alone
/// (`br_table` takes their branches without their handlers). Returns, per
/// pc, whether the op is such a branch.
fn check_back_edges(code: &mut [Instr]) -> Vec<bool> {
    let mut checked = vec![false; code.len()];
    let mut table_entries = vec![false; code.len()];
    for pc in 0..code.len() {
        if let Instr::BrTable { len, .. } = code[pc] {
            let end = (pc + 2 + len as usize).min(code.len());
            table_entries[pc + 1..end].fill(true);
        }
    }
    for pc in 0..code.len() {
        if table_entries[pc] || !crate::exec::Op::has_checked_form(&code[pc]) {
            continue;
        }
        let header = |t: u32| {
            (t as usize) < pc
                && matches!(
                    code.get(t as usize),
                    Some(Instr::CheckInterrupt | Instr::ConsumeFuel { .. })
                )
        };
        let instr = code[pc];
        let mut patched = instr;
        if let Some(target) = patched.branch_target_mut()
            && header(*target)
        {
            *target += 1;
            code[pc] = patched;
            checked[pc] = true;
        }
    }
    checked
}

/// Fuses each `i32.add` of a constant that is followed by a
/// compare-and-branch on the sum into one `AddBr*` op (a loop's step and
/// test; see `code::fuse_add_branch`), after `optimize_branches` has made the
/// tests at the bottoms of loops. The branch stays in place, unreachable
/// (the fused op skips it), so no index changes; a branch that is itself a
/// branch target is left alone, since another path reaches it without the
/// add.
fn fuse_add_branches(code: &mut [Instr]) {
    let mut target = vec![false; code.len() + 1];
    for i in code.iter() {
        if let Some(t) = i.branch_target().and_then(|t| target.get_mut(t as usize)) {
            *t = true;
        }
    }
    for pc in 1..code.len() {
        if target[pc] {
            continue;
        }
        if let Some(fused) = crate::code::fuse_add_branch(code[pc - 1], code[pc]) {
            code[pc - 1] = fused;
        }
    }
}

/// Appends the constant pool `pool` to `code` (which ends in its guard)
/// as `Data` words, and points each `*Wide` instruction's constant
/// reference, an index into `pool` until now, at its word's pc.
fn place_pool(code: &mut Vec<Instr>, pool: &[u64]) -> Result<()> {
    if pool.is_empty() {
        return Ok(());
    }
    let start = i32::try_from(code.len() + pool.len())
        .map_err(|_| compile_err("function too large".into(), 0))?
        - pool.len() as i32;
    for instr in code.iter_mut() {
        if let Some(word) = instr.pool_ref_mut() {
            *word += start;
        }
    }
    code.extend(pool.iter().map(|&bits| Instr::Data { bits }));
    Ok(())
}

type BinCtor = fn(Bin) -> Instr;

/// An `i32` constant as a `BinImm` immediate: always.
fn imm_i32(c: u64) -> Option<i32> {
    Some(c as u32 as i32)
}

/// An `i64` constant as an immediate: when it sign-extends from 32 bits.
fn imm_i64(c: u64) -> Option<i32> {
    i32::try_from(c as i64).ok()
}

/// An `f32` constant as an immediate: its bits, always.
fn imm_f32(c: u64) -> Option<i32> {
    Some(c as u32 as i32)
}

/// An `f64` constant as an immediate: as the `f32` that widens back to
/// exactly it (2.0, 0.5, 1024.0, ...), never for a NaN.
fn imm_f64(c: u64) -> Option<i32> {
    let f = f64::from_bits(c);
    let narrow = f as f32;
    (!f.is_nan() && f64::from(narrow).to_bits() == c).then_some(narrow.to_bits() as i32)
}
type ImmCtor = fn(BinImm) -> Instr;
type StoreImmCtor = fn(StoreImm) -> Instr;

impl Translator<'_> {
    /// Notes which stack slots hold references before an operator that
    /// emits a safepoint: the `Temp` entries of reference type (a `Local`
    /// is covered by the locals' map, a `Const` reference is null).
    fn note_refs(&mut self, v: &FuncValidator<ValidatorResources>) {
        let hidden = self.hidden_entries();
        let n = self.stack.len();
        debug_assert_eq!(
            v.operand_stack_height() as usize + hidden.len(),
            n,
            "the translator's stack follows the validator's"
        );
        let mut refs = Vec::new();
        let mut d = 0;
        for p in (0..n).rev() {
            let e = self.stack[p];
            if hidden.contains(&p) {
                refs.push(e.slot);
                continue;
            }
            if let Some(Some(t)) = v.get_operand_type(d)
                && is_gc_ref(self.env, v.resources(), t)
                && e.opd == Opd::Temp
            {
                refs.push(e.slot);
            }
            d += 1;
        }
        refs.sort_unstable();
        self.pending_refs = Some(refs);
    }

    /// Stack positions of the hidden `exnref` entries of legacy catch
    /// bodies: they have no validator operand, and always hold references.
    fn hidden_entries(&self) -> Vec<usize> {
        self.ctrls
            .iter()
            .filter(|c| c.kind == CtrlKind::LegacyCatch)
            .map(|c| c.height as usize)
            .collect()
    }

    /// The slot where the entry at stack position `pos` starts (or would
    /// start, for `pos == len`).
    fn slot_at(&self, pos: usize) -> Slot {
        match pos.checked_sub(1) {
            None => self.local_cells,
            Some(below) => {
                let e = self.stack[below];
                e.slot + e.cells()
            }
        }
    }

    fn emit(&mut self, mut i: Instr) -> usize {
        self.link_acc(&mut i, false);
        self.charge();
        if i.is_safepoint() {
            let refs = self.pending_refs.take().unwrap_or_default();
            self.ref_points
                .push((self.code.len() as u32, self.ref_slots.len() as u32));
            self.ref_slots.extend(refs);
        }
        self.code.push(i);
        self.last_result = None;
        self.code.len() - 1
    }

    /// Emits `i`, whose result is the entry just pushed.
    fn emit_result(&mut self, mut i: Instr) {
        self.link_acc(&mut i, true);
        self.charge();
        self.code.push(i);
        self.last_result = Some(self.code.len() - 1);
    }

    /// Lets `i` (about to be emitted) read the last instruction's result
    /// from the accumulator, which every writer of the families with
    /// accumulator handlers leaves its result in. That needs `i` to follow
    /// the writer directly, with no label in between (no other path reaches
    /// `i`), and a handler of `i` for it.
    ///
    /// When `i` is also the only instruction that will ever read the value
    /// (a temp that `i` has popped), the writer stops storing it to its slot
    /// at all. Otherwise (a local, or a temp still on the stack) the writer
    /// writes through: the slot and the accumulator. `pushed`: the top entry
    /// is `i`'s own result, which may reuse the slot.
    fn link_acc(&mut self, i: &mut Instr, pushed: bool) {
        let Some(p) = self.code.len().checked_sub(1) else {
            return;
        };
        if p < self.block_start {
            return;
        }
        let Some(t) = self.code[p].acc_slot() else {
            return;
        };
        if t == ACC {
            return;
        }
        let unlinked = *i;
        if !i.read_acc(t) {
            return;
        }
        // The value reaches the reader in the accumulator the writer left
        // it in: the float one for an `f64`, the integer one else. Every
        // operand now reading the accumulator must read that one.
        let read = i.acc_mode() & (ACC_A | ACC_B);
        let float = crate::exec::float_acc(i).reads & read;
        let wanted = if crate::exec::float_acc(&self.code[p]).writes {
            read
        } else {
            0
        };
        if float != wanted {
            *i = unlinked;
            return;
        }
        self.acc_link = Some((p, t));
        if self.last_result != Some(p) || !self.code[p].can_write_acc() {
            return;
        }
        let live = if pushed {
            if self.stack.last().map(|e| e.slot) != i.result_slot() {
                return;
            }
            self.stack.len() - 1
        } else {
            self.stack.len()
        };
        // Every live entry sits below `slot_at(live)`; locals are below
        // `local_cells`.
        if t >= self.local_cells && t >= self.slot_at(live) {
            self.code[p].set_result_slot(ACC);
        }
    }

    /// The slot the instruction at `pc` reads as the accumulator, if it
    /// reads one: its writer's slot before the hand-off.
    fn acc_source(&self, pc: usize) -> Option<Slot> {
        self.acc_link.filter(|&(p, _)| p + 1 == pc).map(|(_, t)| t)
    }

    /// Undoes the accumulator hand-off into the instruction at `pc` (see
    /// [`Self::acc_source`]): its writer writes its slot again.
    fn unlink_acc(&mut self, pc: usize) {
        if let Some(t) = self.acc_source(pc) {
            self.code[pc - 1].set_result_slot(t);
            self.acc_link = None;
        }
    }

    /// Counts one more instruction against the current block's fuel.
    fn charge(&mut self) {
        if let Some(pc) = self.fuel_pc
            && let Instr::ConsumeFuel { amount } = &mut self.code[pc]
        {
            *amount = amount.saturating_add(1);
        }
    }

    /// Starts a basic block at the current pc (a branch target): with fuel
    /// on, its instructions are charged up front by a `ConsumeFuel` here.
    fn start_block(&mut self) {
        if self.env.fuel {
            self.code.push(Instr::ConsumeFuel { amount: 0 });
            self.fuel_pc = Some(self.code.len() - 1);
        }
        self.block_start = self.code.len();
        self.last_result = None;
    }

    /// Makes sure the frame has room for the operand-stack slots below `end`.
    fn reserve(&mut self, end: Slot) {
        self.max_cells = self.max_cells.max(end - self.local_cells);
    }

    fn push(&mut self, opd: Opd, wide: bool) -> Slot {
        let slot = self.slot_at(self.stack.len());
        let e = Entry { opd, slot, wide };
        self.stack.push(e);
        self.reserve(slot + e.cells());
        slot
    }

    /// Pushes a scalar `Temp` and returns its slot.
    fn push_temp(&mut self) -> Slot {
        self.push(Opd::Temp, false)
    }

    /// Pushes a `v128` `Temp` and returns its slot.
    fn push_v128(&mut self) -> Slot {
        self.push(Opd::Temp, true)
    }

    /// Pushes `Temp`s for values of types `tys`.
    fn push_temps(&mut self, tys: &[ValType]) {
        for t in tys {
            self.push(Opd::Temp, *t == ValType::V128);
        }
    }

    /// Pushes `Temp`s for a block type's parameters or results.
    fn push_block_values(&mut self, bt: BlockType, results: bool) {
        let env = self.env;
        match bt {
            BlockType::Empty => {}
            BlockType::Type(t) => {
                if results {
                    self.push(Opd::Temp, is_v128(t));
                }
            }
            BlockType::FuncType(i) => {
                let t = &env.types[i as usize];
                self.push_temps(if results { t.results() } else { t.params() });
            }
        }
    }

    fn pop(&mut self) -> Entry {
        self.stack.pop().unwrap_or(Entry {
            opd: Opd::Temp,
            slot: self.local_cells,
            wide: false,
        })
    }

    /// Pops the top operand and returns a slot holding it (materialising a
    /// constant into the operand's canonical slot).
    fn pop_slot(&mut self) -> Slot {
        let e = self.pop();
        match e.opd {
            Opd::Temp => e.slot,
            Opd::Local(l) => l,
            Opd::Const(c) => {
                self.emit_const(e.slot, c);
                // The caller emits the instruction reading it next: let
                // `link_acc` hand the constant over in the accumulator.
                self.last_result = Some(self.code.len() - 1);
                e.slot
            }
        }
    }

    fn emit_const(&mut self, dst: Slot, c: u64) {
        match u32::try_from(c) {
            Ok(value) => self.emit(Instr::Const32 { dst, value }),
            Err(_) => self.emit(Instr::Const64 { dst, value: c }),
        };
    }

    /// Copies a value of `cells` cells.
    fn emit_copy(&mut self, dst: Slot, src: Slot, cells: u32) {
        if src != dst {
            if cells == 1 {
                if !self.pair_copy(dst, src) {
                    self.emit(Instr::Copy { dst, src });
                }
            } else {
                self.emit(Instr::CopyMany {
                    dst,
                    src,
                    len: cells,
                });
            }
        }
    }

    /// Merges the copy `dst <- src` into the instruction just emitted when
    /// that is a `Copy` in the same basic block (so no branch lands between
    /// them) and all four slots fit a `Copy2`; returns whether it did.
    fn pair_copy(&mut self, dst: Slot, src: Slot) -> bool {
        let Some(pc) = self.code.len().checked_sub(1) else {
            return false;
        };
        if pc < self.block_start {
            return false;
        }
        let Some(&Instr::Copy { dst: d0, src: s0 }) = self.code.get(pc) else {
            return false;
        };
        let narrow = |s: Slot| u16::try_from(s).ok();
        let (Some(dst0), Some(src0), Some(dst1), Some(src1)) =
            (narrow(d0), narrow(s0), narrow(dst), narrow(src))
        else {
            return false;
        };
        self.charge();
        self.code[pc] = Instr::Copy2 {
            dst0,
            src0,
            dst1,
            src1,
        };
        self.last_result = None;
        true
    }

    /// Emits whatever puts the value of entry `e` into `dst`, without
    /// changing the entry.
    fn emit_move(&mut self, dst: Slot, e: Entry) {
        match e.opd {
            Opd::Temp => self.emit_copy(dst, e.slot, e.cells()),
            Opd::Local(l) => self.emit_copy(dst, l, e.cells()),
            Opd::Const(c) => self.emit_const(dst, c),
        }
    }

    fn materialize(&mut self, pos: usize) {
        let e = self.stack[pos];
        if e.opd != Opd::Temp {
            self.emit_move(e.slot, e);
            self.stack[pos].opd = Opd::Temp;
        }
    }

    fn label_target(&mut self, idx: usize, pc: usize) {
        self.escape_to(idx);
        let c = &mut self.ctrls[idx];
        if c.kind == CtrlKind::Loop {
            let t = c.loop_pc;
            self.patch(pc, t);
        } else {
            c.fixups.push(pc);
            c.end_reachable = true;
        }
    }

    fn patch(&mut self, pc: usize, target: u32) {
        if let Some(t) = self.code[pc].branch_target_mut() {
            *t = target;
        }
    }

    /// If the top operand is the result of the last instruction and that
    /// instruction is a comparison, pops the operand and turns the comparison
    /// into a compare-and-branch (to be patched); returns its pc.
    fn fuse_condition(&mut self, negate: bool) -> Option<usize> {
        let top = *self.stack.last()?;
        let pc = self.last_result?;
        if top.opd != Opd::Temp || self.code[pc].result_slot() != Some(top.slot) {
            return None;
        }
        let fused = crate::code::fuse_compare_branch(self.code[pc], negate, 0)?;
        self.code[pc] = fused;
        self.stack.pop();
        self.last_result = None;
        Some(self.fuse_eqz_branch(pc))
    }

    /// A `BrIfEqz`/`BrIfNez` at `pc` (the last instruction) on the
    /// accumulator, whose writer is itself a comparison or bit test, becomes
    /// one branch on that (`br_if (i32.eqz (i32.and x 8))` is one op).
    /// Returns the branch's pc.
    fn fuse_eqz_branch(&mut self, pc: usize) -> usize {
        let negate = match self.code[pc] {
            Instr::BrIfEqz { cond: ACC, .. } => true,
            Instr::BrIfNez { cond: ACC, .. } => false,
            _ => return pc,
        };
        // Only a writer whose value nothing else reads (no slot written).
        let Some(t) = self.acc_source(pc) else {
            return pc;
        };
        if self.code[pc - 1].result_slot() != Some(ACC) {
            return pc;
        }
        let mut writer = self.code[pc - 1];
        writer.set_result_slot(t);
        let Some(fused) = crate::code::fuse_compare_branch(writer, negate, 0) else {
            return pc;
        };
        self.code.pop();
        self.code[pc - 1] = fused;
        self.acc_link = None;
        pc - 1
    }

    fn here(&self) -> u32 {
        self.code.len() as u32
    }

    fn set_unreachable(&mut self) {
        self.reachable = false;
        let h = self.ctrls.last().map_or(0, |c| c.height) as usize;
        self.stack.truncate(h);
        self.last_result = None;
    }

    /// Arity and destination height of the label `depth` levels out.
    fn label(&self, idx: usize) -> (u32, u32) {
        let c = &self.ctrls[idx];
        let arity = if c.kind == CtrlKind::Loop {
            c.nparams
        } else {
            c.nresults
        };
        (arity, c.height)
    }

    /// Cells taken by the stack entries from position `from` to the top.
    fn cells_above(&self, from: usize) -> u32 {
        self.slot_at(self.stack.len()) - self.slot_at(from)
    }

    /// Notes a branch from here to label `idx` (0: out of the function):
    /// it leaves every construct nested inside that label's.
    fn escape_to(&mut self, idx: usize) {
        for c in &mut self.ctrls[idx + 1..] {
            c.escaped = true;
        }
    }

    fn emit_return(&mut self) {
        self.escape_to(0);
        let n = self.nresults as usize;
        let h = self.stack.len();
        match n {
            0 => {
                self.emit(Instr::Return);
            }
            1 if !self.stack[h - 1].wide => {
                let e = self.stack[h - 1];
                match e.opd {
                    Opd::Temp => {
                        // Nothing reads the stack after a return: pop the
                        // value so the return may take it from the
                        // accumulator.
                        self.stack.pop();
                        self.emit(Instr::ReturnSlot { src: e.slot });
                        self.stack.push(e);
                    }
                    Opd::Local(l) => {
                        self.emit(Instr::ReturnSlot { src: l });
                    }
                    Opd::Const(c) => {
                        self.emit_const(0, c);
                        self.emit(Instr::Return);
                    }
                }
            }
            1 => {
                // A single v128: copy it straight from wherever it is.
                let e = self.stack[h - 1];
                self.emit_move(0, e);
                self.emit(Instr::Return);
            }
            _ => {
                for p in h - n..h {
                    let e = self.stack[p];
                    if e.opd != Opd::Temp {
                        self.emit_move(e.slot, e);
                    }
                }
                let src = self.stack[h - n].slot;
                let len = self.cells_above(h - n);
                self.emit(Instr::CopyMany { dst: 0, src, len });
                self.emit(Instr::Return);
            }
        }
    }

    /// Emits the moves that put the top `n` values at height `dest`.
    fn emit_branch_moves(&mut self, n: u32, dest: u32) {
        let h = self.stack.len();
        let n = n as usize;
        let mut dst = self.slot_at(dest as usize);
        for p in h - n..h {
            let e = self.stack[p];
            self.emit_move(dst, e);
            dst += e.cells();
        }
    }

    /// Whether branching with the top `n` of the lowest `h` stack entries to
    /// height `dest` needs copies.
    fn branch_needs_moves(&self, h: usize, n: u32, dest: u32) -> bool {
        let n = n as usize;
        (0..n).any(|k| {
            let p = h - n + k;
            self.stack[p].opd != Opd::Temp || p != dest as usize + k
        })
    }

    /// The unconditional branch to label `idx` from here: its values moved
    /// to the label's slots and a `Br`, or the return for the function's
    /// own label.
    fn branch_to(&mut self, idx: usize) {
        if idx == 0 {
            self.emit_return();
        } else {
            let (n, dest) = self.label(idx);
            self.emit_branch_moves(n, dest);
            let pc = self.emit(Instr::Br { target: 0 });
            self.label_target(idx, pc);
        }
    }

    fn br(&mut self, depth: u32) {
        let idx = self.ctrls.len() - 1 - depth as usize;
        self.branch_to(idx);
        self.set_unreachable();
    }

    fn br_if(&mut self, depth: u32) {
        let idx = self.ctrls.len() - 1 - depth as usize;
        let (n, dest) = if idx == 0 { (0, 0) } else { self.label(idx) };
        // The moves (if any) apply to the stack below the condition.
        let below_cond = self.stack.len() - 1;
        let direct = idx != 0 && !self.branch_needs_moves(below_cond, n, dest);
        if direct && let Some(pc) = self.fuse_condition(false) {
            self.label_target(idx, pc);
            return;
        }
        if !direct && let Some(skip) = self.fuse_condition(true) {
            self.branch_to(idx);
            let here = self.here();
            self.patch(skip, here);
            self.last_result = None;
            return;
        }
        let cond = self.pop_slot();
        if idx == 0 || self.branch_needs_moves(self.stack.len(), n, dest) {
            let skip = self.emit(Instr::BrIfEqz { cond, target: 0 });
            self.branch_to(idx);
            let here = self.here();
            self.patch(skip, here);
        } else {
            let pc = self.emit(Instr::BrIfNez { cond, target: 0 });
            self.label_target(idx, pc);
        }
        self.last_result = None;
    }

    fn br_table(&mut self, targets: &[u32], default: u32) {
        let index = self.pop_slot();
        let h = self.stack.len();
        let top = self.ctrls.len() - 1;
        let (n, _) = self.label(top - default as usize);
        let n = n as usize;
        for p in h - n..h {
            self.materialize(p);
        }
        self.emit(Instr::BrTable {
            index,
            len: targets.len() as u32,
        });
        let mut entries = Vec::with_capacity(targets.len() + 1);
        for &d in targets.iter().chain(std::iter::once(&default)) {
            let pc = self.emit(Instr::Br { target: 0 });
            entries.push((pc, d));
        }
        for (pc, depth) in entries {
            let idx = top - depth as usize;
            if idx == 0 {
                let here = self.here();
                self.patch(pc, here);
                self.emit_return();
                continue;
            }
            let (n, dest) = self.label(idx);
            if n == 0 || dest as usize == h - n as usize {
                self.label_target(idx, pc);
            } else {
                let here = self.here();
                self.patch(pc, here);
                let src = self.slot_at(h - n as usize);
                let dst = self.slot_at(dest as usize);
                let len = self.cells_above(h - n as usize);
                self.emit(Instr::CopyMany { dst, src, len });
                let br = self.emit(Instr::Br { target: 0 });
                self.label_target(idx, br);
            }
        }
        self.set_unreachable();
    }

    fn block_arity(&self, bt: BlockType) -> (u32, u32) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => {
                let t = &self.env.types[i as usize];
                (t.params().len() as u32, t.results().len() as u32)
            }
        }
    }

    /// Whether [`Translator::enter_block`] would emit copies.
    /// Whether entering a block whose parameters start at stack position
    /// `params_from` must put entry `p` in its canonical slot: block
    /// parameters and every `Local` are materialised (see the module docs).
    fn needs_entry_copy(&self, p: usize, params_from: usize) -> bool {
        let o = self.stack[p].opd;
        o != Opd::Temp && (p >= params_from || matches!(o, Opd::Local(_)))
    }

    fn enter_block(&mut self, kind: CtrlKind, bt: BlockType) {
        let entry_fuel = self.fuel_pc.filter(|_| self.reachable);
        let (np, nr) = self.block_arity(bt);
        let h = self.stack.len();
        let params_from = h - np as usize;
        for p in 0..h {
            if self.needs_entry_copy(p, params_from) {
                self.materialize(p);
            }
        }
        let loop_pc = self.code.len() as u32;
        if kind == CtrlKind::Loop {
            self.start_block();
            if self.env.interruptible {
                self.emit(Instr::CheckInterrupt);
            }
        }
        self.ctrls.push(Ctrl {
            kind,
            ty: bt,
            height: params_from as u32,
            nparams: np,
            nresults: nr,
            fixups: Vec::new(),
            loop_pc,
            else_fixup: None,
            end_reachable: false,
            entry_fuel,
            escaped: false,
            try_start: 0,
            clauses: Vec::new(),
            try_id: 0,
            entry: None,
            exn_slot: 0,
            clause_labels: Vec::new(),
            clause_fixups: Vec::new(),
        });
        // Entering a block or an `if` places no label (a loop's start does,
        // in `start_block`), so the last result stays usable: an `if`'s
        // condition, for one, may come from the accumulator.
    }

    fn else_(&mut self) {
        let reachable = self.reachable;
        let (height, nr, bt) = {
            let c = self.ctrls.last().expect("validated");
            (c.height, c.nresults, c.ty)
        };
        if reachable {
            self.place_results(height, nr);
            let pc = self.emit(Instr::Br { target: 0 });
            let last = self.ctrls.len() - 1;
            self.label_target(last, pc);
        }
        let here = self.here();
        let c = self.ctrls.last_mut().expect("validated");
        c.kind = CtrlKind::Else;
        if let Some(pc) = c.else_fixup.take() {
            self.patch(pc, here);
        }
        self.stack.truncate(height as usize);
        self.push_block_values(bt, false);
        self.reachable = true;
        self.start_block();
    }

    fn end(&mut self) {
        if self.ctrls.len() == 1 {
            if self.reachable {
                self.emit_return();
            }
            self.ctrls.pop();
            return;
        }
        let reachable = self.reachable;
        let (height, nr) = {
            let c = self.ctrls.last().expect("validated");
            (c.height, c.nresults)
        };
        if let Some(c) = self.ctrls.last_mut()
            && c.kind == CtrlKind::TryTable
        {
            // The body ends here; the entry goes after those of the
            // `try_table`s nested in it.
            let entry = crate::code::HandlerEntry {
                start: c.try_start,
                end: self.code.len() as u32,
                clauses: std::mem::take(&mut c.clauses),
                id: c.try_id,
                delegate: None,
            };
            let labels = std::mem::take(&mut c.clause_labels);
            self.handlers.push(entry);
            let e = self.handlers.len() - 1;
            // Clauses whose block has not ended yet land at its end.
            for (k, label) in labels.into_iter().enumerate() {
                match label {
                    Some(0) => self.return_clauses.push((e, k)),
                    Some(idx) => self.ctrls[idx].clause_fixups.push((e, k)),
                    None => {}
                }
            }
        }
        if reachable {
            self.place_results(height, nr);
        }
        let here = self.here();
        let mut c = self.ctrls.pop().expect("validated");
        if reachable {
            c.end_reachable = true;
        }
        if let Some(pc) = c.else_fixup.take() {
            self.patch(pc, here);
            c.end_reachable = true;
        }
        for pc in c.fixups.drain(..) {
            self.patch(pc, here);
        }
        for (e, k) in c.clause_fixups.drain(..) {
            self.handlers[e].clauses[k].target = here;
            c.end_reachable = true;
        }
        self.stack.truncate(height as usize);
        self.push_block_values(c.ty, true);
        self.reachable = c.end_reachable;
        let joins = matches!(
            c.kind,
            CtrlKind::Block | CtrlKind::Loop | CtrlKind::If | CtrlKind::Else
        ) && !c.escaped;
        match c.entry_fuel {
            Some(pc) if joins && self.reachable => {
                // Every path into the construct comes out here: what
                // follows is charged with the block it was entered from.
                self.block_start = self.code.len();
                self.fuel_pc = Some(pc);
            }
            _ if self.reachable => self.start_block(),
            _ => {}
        }
        self.last_result = None;
    }

    fn local_set(&mut self, index: u32, tee: bool) {
        let (l, wide) = self.locals[index as usize];
        let top = self.stack.len() - 1;
        for p in 0..top {
            if self.stack[p].opd == Opd::Local(l) {
                self.materialize(p);
            }
        }
        let e = self.stack[top];
        let top_slot = e.slot;
        let retarget = e.opd == Opd::Temp
            && self
                .last_result
                .is_some_and(|pc| self.code[pc].result_slot() == Some(top_slot));
        if retarget {
            let pc = self.last_result.take().unwrap_or(0);
            self.code[pc].set_result_slot(l);
        } else {
            self.emit_move(l, e);
        }
        self.stack.pop();
        if tee {
            self.push(Opd::Local(l), wide);
        }
        self.last_result = None;
    }

    fn unop(&mut self, f: fn(Un) -> Instr) {
        let src = self.pop_slot();
        let dst = self.push_temp();
        self.emit_result(f(Un { dst, src }));
    }

    /// A binary operator; a constant operand becomes the immediate of the
    /// `imm` form (right operand) or the `rev` form (left operand, for
    /// commutative or mirrored operators) when `fits` encodes it.
    fn binop(
        &mut self,
        ss: BinCtor,
        imm: Option<ImmCtor>,
        rev: Option<ImmCtor>,
        fits: fn(u64) -> Option<i32>,
    ) {
        let h = self.stack.len();
        if let (Some(f), Opd::Const(c)) = (imm, self.stack[h - 1].opd)
            && let Some((form, imm)) = self.imm_form(f, fits, c)
        {
            self.stack.pop();
            let a = self.pop_slot();
            let dst = self.push_temp();
            self.emit_result(form(BinImm { dst, a, imm }));
            return;
        }
        if let (Some(f), Opd::Const(c)) = (rev, self.stack[h - 2].opd)
            && let Some((form, imm)) = self.imm_form(f, fits, c)
        {
            let a = self.pop_slot();
            self.stack.pop();
            let dst = self.push_temp();
            self.emit_result(form(BinImm { dst, a, imm }));
            return;
        }
        let b = self.pop_slot();
        let a = self.pop_slot();
        let dst = self.push_temp();
        self.emit_result(ss(Bin { dst, a, b }));
    }

    /// How constant `c` becomes the immediate of `f`'s instruction: `f`
    /// with the immediate, when `fits` encodes it, else `f`'s `*Wide` form
    /// with a new pool constant, if it has one.
    fn imm_form(
        &mut self,
        f: ImmCtor,
        fits: fn(u64) -> Option<i32>,
        c: u64,
    ) -> Option<(ImmCtor, i32)> {
        if let Some(imm) = fits(c) {
            return Some((f, imm));
        }
        let wide = f(BinImm {
            dst: 0,
            a: 0,
            imm: 0,
        })
        .wide_form()?;
        let index = i32::try_from(self.pool.len()).ok()?;
        self.pool.push(c);
        Some((wide, index))
    }

    fn load(
        &mut self,
        f: fn(Load) -> Instr,
        op: MemOp,
        m: &wasmparser::MemArg,
        offset: u64,
    ) -> Result<()> {
        if !self.fast_mem(m, offset)? {
            return self.mem_n(op, 0, m, offset, 1, Some(false));
        }
        let off = mem_offset(m, offset)?;
        if let Some(addr) = self.const_addr(self.stack.len() - 1)
            && let Some(ins) = crate::code::fold_address(
                f(Load {
                    dst: 0,
                    addr: 0,
                    offset: off,
                }),
                Address::Const(addr),
            )
        {
            self.stack.pop();
            let dst = self.push_temp();
            let mut ins = ins;
            ins.set_result_slot(dst);
            self.emit_result(ins);
            return Ok(());
        }
        let sum = self.add_result(self.stack.len() - 1);
        let addr = self.pop_slot();
        let dst = self.push_temp();
        let ins = f(Load {
            dst,
            addr,
            offset: off,
        });
        if let Some(pc) = self.fuse_indexed(sum, ins) {
            self.last_result = Some(pc);
        } else {
            self.emit_result(ins);
        }
        Ok(())
    }

    /// The operand at stack position `pos` if it is an `i32` constant (an
    /// address).
    fn const_addr(&self, pos: usize) -> Option<u32> {
        match self.stack.get(pos)?.opd {
            Opd::Const(c) => u32::try_from(c).ok(),
            _ => None,
        }
    }

    /// If the operand at stack position `pos` is the result of the last
    /// instruction and that is an `i32.add` of two slots or of a slot and a
    /// constant: its pc and the sum as an address.
    fn add_result(&self, pos: usize) -> Option<(usize, Address)> {
        let e = *self.stack.get(pos)?;
        let pc = self.last_result?;
        if e.opd != Opd::Temp || pc + 1 != self.code.len() {
            return None;
        }
        match self.code[pc] {
            Instr::I32Add(Bin { dst, a, b }) if dst == e.slot => Some((pc, Address::Indexed(a, b))),
            Instr::I32AddImm(BinImm { dst, a, imm }) if dst == e.slot => {
                Some((pc, Address::Disp(a, imm)))
            }
            _ => None,
        }
    }

    /// Replaces the `i32.add` found by [`Self::add_result`] with the memory
    /// access `ins` at the sum (when its offset allows); returns its pc.
    fn fuse_indexed(&mut self, sum: Option<(usize, Address)>, ins: Instr) -> Option<usize> {
        let (pc, addr) = sum?;
        // Popping the other operands may have emitted code (a constant
        // stored from a slot) that must still run before the access.
        if pc + 1 != self.code.len() {
            return None;
        }
        // `*Disp` accesses read `a` from the accumulator as the add did; the
        // indexed ones read both addends from slots, so an addend the add
        // took from the accumulator is read from its writer's slot.
        let Address::Indexed(a, b) = addr else {
            self.code[pc] = crate::code::fold_address(ins, addr)?;
            return Some(pc);
        };
        let from_acc = self.acc_source(pc);
        let addend = |s: Slot| match from_acc {
            Some(t) if s == ACC => t,
            _ => s,
        };
        self.code[pc] = crate::code::fold_address(ins, Address::Indexed(addend(a), addend(b)))?;
        self.unlink_acc(pc);
        Some(pc)
    }

    /// A store; `imm` is the immediate form and whether its value must fit
    /// an i32 when sign-extended (64-bit stores) rather than be truncated.
    fn store(
        &mut self,
        f: fn(Store) -> Instr,
        imm: Option<(StoreImmCtor, bool)>,
        op: MemOp,
        m: &wasmparser::MemArg,
        offset: u64,
    ) -> Result<()> {
        if !self.fast_mem(m, offset)? {
            return self.mem_n(op, 0, m, offset, 2, None);
        }
        let off = mem_offset(m, offset)?;
        let at = self
            .stack
            .len()
            .checked_sub(2)
            .and_then(|p| self.const_addr(p));
        let sum = self.add_result(self.stack.len().wrapping_sub(2));
        if let (Some((g, wide)), Some(Opd::Const(c))) = (imm, self.stack.last().map(|e| e.opd)) {
            let value = if wide {
                i32::try_from(c as i64).ok()
            } else {
                Some(c as u32 as i32)
            };
            if let Some(value) = value {
                self.stack.pop();
                let plain = |addr| {
                    g(StoreImm {
                        addr,
                        value,
                        offset: off,
                    })
                };
                if let Some(ins) =
                    at.and_then(|c| crate::code::fold_address(plain(0), Address::Const(c)))
                {
                    self.stack.pop();
                    self.emit(ins);
                    return Ok(());
                }
                let addr = self.pop_slot();
                let ins = plain(addr);
                if self.fuse_indexed(sum, ins).is_some() {
                    self.last_result = None;
                } else {
                    self.emit(ins);
                }
                return Ok(());
            }
        }
        let val = self.pop_slot();
        let plain = |addr| {
            f(Store {
                addr,
                val,
                offset: off,
            })
        };
        if let Some(ins) = at.and_then(|c| crate::code::fold_address(plain(0), Address::Const(c))) {
            self.stack.pop();
            self.emit(ins);
            return Ok(());
        }
        let addr = self.pop_slot();
        let ins = plain(addr);
        if self.fuse_indexed(sum, ins).is_some() {
            self.last_result = None;
        } else {
            self.emit(ins);
        }
        Ok(())
    }

    /// Puts the top `nparams` values in canonical slots, replaces them with
    /// `nresults` temps and returns the callee's frame base.
    fn call_frame(&mut self, ty_index: u32) -> Slot {
        let env = self.env;
        let t = &env.types[ty_index as usize];
        let h = self.stack.len();
        let first = h - t.params().len();
        for p in first..h {
            self.materialize(p);
        }
        self.stack.truncate(first);
        let base = self.slot_at(first);
        self.push_temps(t.results());
        base
    }

    /// `call` of module function `function_index`, or `return_call` when
    /// `tail`.
    fn call(&mut self, function_index: u32, tail: bool) {
        let ty = self.env.funcs[function_index as usize];
        let base = self.call_frame(ty);
        let imports = self.env.num_imported_funcs;
        self.emit(match (function_index < imports, tail) {
            (true, false) => Instr::CallImport {
                func: function_index,
                base,
            },
            (true, true) => Instr::ReturnCallImport {
                func: function_index,
                base,
            },
            (false, false) => Instr::Call {
                func: function_index - imports,
                base,
            },
            (false, true) => Instr::ReturnCall {
                func: function_index - imports,
                base,
            },
        });
        if tail {
            self.tail_call_return();
        }
    }

    /// `call_indirect`, or `return_call_indirect` when `tail`.
    fn call_indirect(
        &mut self,
        type_index: u32,
        table_index: u32,
        offset: u64,
        tail: bool,
    ) -> Result<()> {
        let index = self.pop_table_index(table_index);
        let base = self.call_frame(type_index);
        let table = u16::try_from(table_index)
            .map_err(|_| compile_err("table index too large".into(), offset))?;
        let sig = self.env.sig_ids[type_index as usize];
        if tail {
            self.emit(Instr::ReturnCallIndirect {
                sig,
                base,
                index,
                table,
            });
            self.tail_call_return();
        } else {
            self.emit(Instr::CallIndirect {
                sig,
                base,
                index,
                table,
            });
        }
        Ok(())
    }

    /// `call_ref` of a function of type `type_index`, or `return_call_ref`
    /// when `tail`. The reference is read before the callee's frame, which
    /// covers its slot, is set up.
    fn call_ref(&mut self, type_index: u32, tail: bool) {
        let callee = self.pop_slot();
        let base = self.call_frame(type_index);
        if tail {
            self.emit(Instr::ReturnCallRef { base, callee });
            self.tail_call_return();
        } else {
            self.emit(Instr::CallRef { base, callee });
        }
    }

    /// Pops the top operand, a reference, into a slot that keeps it on
    /// every path from here; returns the slot and the entry to push back
    /// for it.
    fn pop_ref(&mut self) -> (Slot, Entry) {
        let e = self.pop();
        let r = match e.opd {
            Opd::Temp => (e.slot, e),
            Opd::Local(l) => (l, e),
            Opd::Const(c) => {
                self.emit_const(e.slot, c);
                (
                    e.slot,
                    Entry {
                        opd: Opd::Temp,
                        ..e
                    },
                )
            }
        };
        // The reference is read again after the next instruction: no
        // accumulator-only hand-off of it.
        self.last_result = None;
        r
    }

    fn ref_as_non_null(&mut self) {
        let (src, e) = self.pop_ref();
        self.emit(Instr::RefAsNonNull { src });
        self.stack.push(e);
    }

    /// The branch of `br_on_null`/`br_on_non_null` to label `idx`, taken
    /// unless `skip` (a conditional branch emitted just before, to be
    /// patched past it) is.
    fn br_on_branch(&mut self, idx: usize, skip: usize) {
        self.branch_to(idx);
        let here = self.here();
        self.patch(skip, here);
        self.last_result = None;
    }

    /// `br_on_null` (`on_null`: branch if the reference is null, with the
    /// values below it, else keep it) or `br_on_non_null` (branch with the
    /// reference if it is not null, else drop it).
    fn br_on_null(&mut self, depth: u32, on_null: bool) {
        let idx = self.ctrls.len() - 1 - depth as usize;
        let (r, e) = self.pop_ref();
        if !on_null {
            self.stack.push(e);
        }
        let (n, dest) = if idx == 0 { (0, 0) } else { self.label(idx) };
        if idx != 0 && !self.branch_needs_moves(self.stack.len(), n, dest) {
            let pc = if on_null {
                self.emit(Instr::BrIfEqz { cond: r, target: 0 })
            } else {
                self.emit(Instr::BrIfNez { cond: r, target: 0 })
            };
            self.label_target(idx, pc);
        } else if on_null {
            let skip = self.emit(Instr::BrIfNez { cond: r, target: 0 });
            self.br_on_branch(idx, skip);
        } else {
            let skip = self.emit(Instr::BrIfEqz { cond: r, target: 0 });
            self.br_on_branch(idx, skip);
        }
        if on_null {
            self.stack.push(e);
        } else {
            self.pop();
        }
    }

    /// `try_table`: a block whose body's instructions are covered by a
    /// handler entry. Nothing is emitted for it: a clause lands straight
    /// at its label's branch target (a loop's start, a block's end, or the
    /// function's shared `Return` pad), the unwinder having put the values
    /// in that label's slots, so entering the block costs nothing. Targets
    /// not known yet are patched when their block ends. Clause labels are
    /// counted from outside the `try_table`.
    fn try_table(&mut self, t: &wasmparser::TryTable) {
        use crate::code::{CatchKind as K, Clause};
        use wasmparser::Catch as C;
        let outer = self.ctrls.len() - 1;
        self.enter_block(CtrlKind::TryTable, t.ty);
        let mut clauses = Vec::with_capacity(t.catches.len());
        let mut labels = Vec::with_capacity(t.catches.len());
        for c in &t.catches {
            let (kind, tag, label) = match *c {
                C::One { tag, label } => (K::Tag, tag, label),
                C::OneRef { tag, label } => (K::TagRef, tag, label),
                C::All { label } => (K::All, 0, label),
                C::AllRef { label } => (K::AllRef, 0, label),
            };
            let idx = outer - label as usize;
            // A loop's target is known; any other is patched later.
            let (dest, target, pending) = if idx == 0 {
                (0, 0, Some(idx))
            } else {
                let dest = self.slot_at(self.ctrls[idx].height as usize);
                let c = &mut self.ctrls[idx];
                if c.kind == CtrlKind::Loop {
                    (dest, c.loop_pc, None)
                } else {
                    c.end_reachable = true;
                    (dest, 0, Some(idx))
                }
            };
            labels.push(pending);
            clauses.push(Clause {
                kind,
                tag,
                target,
                dest,
            });
        }
        let here = self.here();
        let id = self.next_try_id;
        self.next_try_id += 1;
        if let Some(c) = self.ctrls.last_mut() {
            c.try_start = here;
            c.clauses = clauses;
            c.clause_labels = labels;
            c.try_id = id;
        }
    }

    /// Emits the shared `Return` pad for clauses that catch to the
    /// function's own label, after the body (no fuel: it only returns).
    fn return_pad(&mut self) {
        if self.return_clauses.is_empty() {
            return;
        }
        let pc = self.code.len() as u32;
        self.code.push(Instr::Return);
        for (e, c) in self.return_clauses.drain(..) {
            self.handlers[e].clauses[c].target = pc;
        }
    }

    /// Puts the current block's `nr` results (the top of the stack) in its
    /// canonical slots from height `height`, for a path that leaves the
    /// block at its end: in place, or, in a legacy catch body, moved down
    /// over the hidden `exnref` below them.
    fn place_results(&mut self, height: u32, nr: u32) {
        if self.ctrls.last().map(|c| c.kind) == Some(CtrlKind::LegacyCatch) {
            self.emit_branch_moves(nr, height);
        } else {
            for p in height as usize..(height + nr) as usize {
                self.materialize(p);
            }
        }
    }

    /// Legacy `try`: a block whose body gets a handler entry once its
    /// first `catch` (or its `delegate`) is reached.
    fn legacy_try(&mut self, bt: BlockType) {
        self.enter_block(CtrlKind::LegacyTry, bt);
        let here = self.here();
        let id = self.next_try_id;
        self.next_try_id += 1;
        if let Some(c) = self.ctrls.last_mut() {
            c.try_start = here;
            c.try_id = id;
        }
    }

    /// Ends the current body of a legacy `try` (its `try` body or a catch
    /// body) with its results in the block's slots and a branch to its end.
    fn legacy_body_end(&mut self) {
        let (height, nr) = {
            let c = self.ctrls.last().expect("validated");
            (c.height, c.nresults)
        };
        if !self.reachable {
            return;
        }
        self.place_results(height, nr);
        let pc = self.emit(Instr::Br { target: 0 });
        let last = self.ctrls.len() - 1;
        self.label_target(last, pc);
    }

    /// Legacy `catch` (`tag` = `Some`) or `catch_all`: closes the body
    /// before it; the new catch body starts with the caught `exnref` in a
    /// hidden slot at the block's height and the payload above it. The
    /// first catch closes the `try` body and records its handler entry,
    /// to which each catch adds a clause landing at its body.
    fn legacy_catch(&mut self, tag: Option<u32>) {
        use crate::code::{CatchKind, Clause, HandlerEntry};
        self.legacy_body_end();
        let last = self.ctrls.len() - 1;
        let (kind, height) = (self.ctrls[last].kind, self.ctrls[last].height);
        if kind == CtrlKind::LegacyTry {
            let c = &self.ctrls[last];
            self.handlers.push(HandlerEntry {
                start: c.try_start,
                end: self.code.len() as u32,
                clauses: Vec::new(),
                id: c.try_id,
                delegate: None,
            });
            self.ctrls[last].entry = Some(self.handlers.len() - 1);
        }
        self.stack.truncate(height as usize);
        self.reachable = true;
        self.start_block();
        let here = self.here();
        let dest = self.push_temp();
        if let Some(t) = tag {
            let params = self.env.tags[t as usize].params().to_vec();
            self.push_temps(&params);
        }
        let clause = Clause {
            kind: if tag.is_some() {
                CatchKind::Legacy
            } else {
                CatchKind::LegacyAll
            },
            tag: tag.unwrap_or(0),
            target: here,
            dest,
        };
        let c = &mut self.ctrls[last];
        c.kind = CtrlKind::LegacyCatch;
        c.exn_slot = dest;
        if let Some(e) = c.entry {
            self.handlers[e].clauses.push(clause);
        }
    }

    /// Legacy `delegate L`: ends the `try`; an exception from its body is
    /// handled as if thrown where label `L` is, by the innermost `try` body
    /// enclosing that label (or the caller).
    fn legacy_delegate(&mut self, depth: u32) {
        let last = self.ctrls.len() - 1;
        // `L` counts from the block around the `try`.
        let label = last - 1 - depth as usize;
        let target = self.ctrls[..=label]
            .iter()
            .rev()
            .find(|c| matches!(c.kind, CtrlKind::TryTable | CtrlKind::LegacyTry))
            .map_or(crate::code::DELEGATE_TO_CALLER, |c| c.try_id);
        let c = &self.ctrls[last];
        let entry = crate::code::HandlerEntry {
            start: c.try_start,
            end: self.code.len() as u32,
            clauses: Vec::new(),
            id: c.try_id,
            delegate: Some(target),
        };
        self.handlers.push(entry);
        self.ctrls[last].kind = CtrlKind::Block;
        self.end();
    }

    /// `rethrow N`: throws again the exception caught by the catch body
    /// at label `N`.
    fn legacy_rethrow(&mut self, depth: u32) {
        let idx = self.ctrls.len() - 1 - depth as usize;
        let exn = self.ctrls[idx].exn_slot;
        self.escape_to(0);
        self.emit(Instr::ThrowRef { exn });
        self.set_unreachable();
    }

    /// `throw` of tag `tag`: its payload goes to consecutive slots.
    fn throw(&mut self, tag: u32) {
        let ty = &self.env.tags[tag as usize];
        let n = ty.params().len();
        let cells = ty.params().iter().map(|t| t.cells()).sum();
        // `pop_args` counts entries, and a v128 is one entry.
        let args = self.pop_args(n);
        self.escape_to(0);
        self.emit(Instr::Throw { tag, args, cells });
        self.set_unreachable();
    }

    /// What follows a tail call: a wasm callee never comes back here, a host
    /// callee leaves its results where a call's results go, and they are
    /// returned as this function's.
    fn tail_call_return(&mut self) {
        self.emit_return();
        self.set_unreachable();
    }

    /// Materialises the top `n` operands, pops them and returns the slot of
    /// the first (the operands then sit at consecutive slots).
    fn pop_args(&mut self, n: usize) -> Slot {
        let h = self.stack.len();
        for p in h - n..h {
            self.materialize(p);
        }
        let first = self.slot_at(h - n);
        self.stack.truncate(h - n);
        first
    }

    fn select(&mut self) {
        let cond = self.pop_slot();
        let src = self.pop_slot();
        let a = self.pop();
        self.emit_move(a.slot, a);
        let dst = self.push(Opd::Temp, a.wide);
        if a.wide {
            self.emit(Instr::SelectEqzV128 { dst, cond, src });
        } else {
            self.emit(Instr::SelectEqz { dst, cond, src });
        }
    }

    fn v128_load(&mut self, kind: V128LoadKind, m: &wasmparser::MemArg, offset: u64) -> Result<()> {
        if !self.fast_mem(m, offset)? {
            return self.mem_n(MemOp::V128Load(kind), 0, m, offset, 1, Some(true));
        }
        let off = mem_offset(m, offset)?;
        let addr = self.pop_slot();
        let dst = self.push_v128();
        self.emit_result(Instr::V128Load {
            kind,
            dst,
            addr,
            offset: off,
        });
        Ok(())
    }

    /// `v128.load*_lane` (`load`) or `v128.store*_lane`.
    fn lane_access(
        &mut self,
        bytes: u8,
        lane: u8,
        m: &wasmparser::MemArg,
        offset: u64,
        load: bool,
    ) -> Result<()> {
        if !self.fast_mem(m, offset)? {
            let (op, result) = if load {
                (MemOp::LoadLane(bytes), Some(true))
            } else {
                (MemOp::StoreLane(bytes), None)
            };
            return self.mem_n(op, lane, m, offset, 2, result);
        }
        let off = mem_offset(m, offset)?;
        let args = self.pop_args(2);
        if load {
            let dst = self.push_v128();
            self.emit_result(Instr::V128LoadLane {
                bytes,
                lane,
                dst,
                args,
                offset: off,
            });
        } else {
            self.emit(Instr::V128StoreLane {
                bytes,
                lane,
                args,
                offset: off,
            });
        }
        Ok(())
    }

    /// Pops the element index of a `call_indirect` through table `table`:
    /// on a 64-bit table it is clamped to 32 bits first (`ClampIndex64`).
    fn pop_table_index(&mut self, table: u32) -> Slot {
        if !self
            .env
            .tables
            .get(table as usize)
            .is_some_and(|t| t.is_64())
        {
            return self.pop_slot();
        }
        let e = self.pop();
        let src = match e.opd {
            Opd::Temp => e.slot,
            Opd::Local(l) => l,
            Opd::Const(c) => {
                self.emit_const(e.slot, c);
                e.slot
            }
        };
        self.emit(Instr::ClampIndex64 { dst: e.slot, src });
        e.slot
    }

    /// Whether an access goes to the fast instructions: memory 0, 32-bit,
    /// not shared.
    fn fast_mem(&self, m: &wasmparser::MemArg, offset: u64) -> Result<bool> {
        let i = mem_index(m, offset)?;
        Ok(i == 0
            && self
                .env
                .memories
                .first()
                .is_none_or(|t| !t.is_64() && !t.is_shared()))
    }

    /// An access to a memory other than a 32-bit memory 0: pops `nargs` operands
    /// (address first) and pushes the loaded value (`result`: whether it is
    /// a `v128`) in the address's slot.
    fn mem_n(
        &mut self,
        op: MemOp,
        lane: u8,
        m: &wasmparser::MemArg,
        offset: u64,
        nargs: usize,
        result: Option<bool>,
    ) -> Result<()> {
        let (mem, args, off) = self.mem_args(m, offset, nargs)?;
        if let Some(wide) = result {
            self.push(Opd::Temp, wide);
        }
        let shared0 = self
            .env
            .memories
            .first()
            .is_some_and(|t| t.is_shared() && !t.is_64());
        if mem == 0 && shared0 && op.is_scalar() {
            self.emit(Instr::MemShared {
                op,
                args,
                offset: off,
            });
            return Ok(());
        }
        self.emit(Instr::MemN {
            op,
            lane,
            mem,
            args,
            offset: off,
        });
        Ok(())
    }

    /// Pops the `nargs` operands of an out-of-line memory access (address
    /// first) to consecutive slots; returns the memory index, the first
    /// slot and the offset the instruction carries.
    fn mem_args(
        &mut self,
        m: &wasmparser::MemArg,
        offset: u64,
        nargs: usize,
    ) -> Result<(u16, Slot, u32)> {
        let mem = u16::try_from(mem_index(m, offset)?)
            .map_err(|_| compile_err("memory index too large".into(), offset))?;
        let args = self.pop_args(nargs);
        // On a 64-bit memory an offset may not fit the instruction: it is
        // added to the address first (a sum past 2^64 is out of bounds).
        let off = match u32::try_from(m.offset) {
            Ok(off) => off,
            Err(_) => {
                self.emit(Instr::AddOffset64 {
                    addr: args,
                    offset: m.offset,
                });
                0
            }
        };
        Ok((mem, args, off))
    }

    /// Wide arithmetic: two i64 results in the first operands' slots.
    fn wide(&mut self, op: WideOp) {
        let args = self.pop_args(op.arity());
        self.push_temps(&[ValType::I64, ValType::I64]);
        self.emit(Instr::I64Wide { op, args });
    }

    /// A SIMD operator that does not touch memory.
    fn simd(&mut self, s: SimdOp) {
        use Instr as I;
        match s {
            SimdOp::Bin(op) => {
                let b = self.pop_slot();
                let a = self.pop_slot();
                let dst = self.push_v128();
                self.emit_result(I::V128Bin { op, dst, a, b });
            }
            SimdOp::Un(op) => {
                let src = self.pop_slot();
                let dst = self.push_v128();
                self.emit_result(I::V128Un { op, dst, src });
            }
            SimdOp::Tern(op) => {
                let args = self.pop_args(3);
                let dst = self.push_v128();
                self.emit_result(I::V128Tern { op, dst, args });
            }
            SimdOp::Shift(op) => {
                if let Some(&Entry {
                    opd: Opd::Const(c), ..
                }) = self.stack.last()
                {
                    self.stack.pop();
                    let a = self.pop_slot();
                    let dst = self.push_v128();
                    let count = (c & 127) as u8;
                    self.emit_result(I::V128ShiftImm { op, dst, a, count });
                    return;
                }
                let count = self.pop_slot();
                let a = self.pop_slot();
                let dst = self.push_v128();
                self.emit_result(I::V128Shift { op, dst, a, count });
            }
            SimdOp::Test(op) => {
                let src = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(I::V128Test { op, dst, src });
            }
            SimdOp::Splat(op) => {
                let src = self.pop_slot();
                let dst = self.push_v128();
                self.emit_result(I::V128Splat { op, dst, src });
            }
            SimdOp::Extract(op, lane) => {
                let src = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(I::V128Extract { op, lane, dst, src });
            }
            SimdOp::Replace(op, lane) => {
                let x = self.pop_slot();
                let a = self.pop_slot();
                let dst = self.push_v128();
                self.emit_result(I::V128Replace {
                    op,
                    lane,
                    dst,
                    a,
                    x,
                });
            }
        }
    }

    fn push_const(&mut self, c: u64) {
        self.push(Opd::Const(c), false);
    }

    fn global_is_v128(&self, global: u32) -> bool {
        self.env.globals[global as usize].content() == ValType::V128
    }

    fn translate(&mut self, op: &Operator<'_>, offset: u64) -> Result<()> {
        use Instr as I;
        use Operator as O;
        use V128LoadKind as K;
        if !self.reachable {
            match op {
                O::Block { .. }
                | O::Loop { .. }
                | O::If { .. }
                | O::TryTable { .. }
                | O::Try { .. } => self.skip_depth += 1,
                O::Else if self.skip_depth == 0 => self.else_(),
                O::Catch { tag_index } if self.skip_depth == 0 => {
                    self.legacy_catch(Some(*tag_index))
                }
                O::CatchAll if self.skip_depth == 0 => self.legacy_catch(None),
                O::Delegate { relative_depth } => {
                    if self.skip_depth > 0 {
                        self.skip_depth -= 1;
                    } else {
                        self.legacy_delegate(*relative_depth);
                    }
                }
                O::End => {
                    if self.skip_depth > 0 {
                        self.skip_depth -= 1;
                    } else {
                        self.end();
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        match *op {
            O::Nop => {}
            O::Unreachable => {
                self.emit(I::Unreachable);
                self.set_unreachable();
            }
            O::Block { blockty } => self.enter_block(CtrlKind::Block, blockty),
            O::Loop { blockty } => self.enter_block(CtrlKind::Loop, blockty),
            O::If { blockty } => {
                // `cmp; if` becomes one negated compare-and-branch to the else
                // arm, when entering the block needs no copies (they would
                // have to run on both arms, i.e. before the branch).
                let (np, _) = self.block_arity(blockty);
                let below_cond = self.stack.len() - 1;
                let params_from = below_cond - np as usize;
                let quiet_entry = !(0..below_cond).any(|p| self.needs_entry_copy(p, params_from));
                let fused = if quiet_entry {
                    self.fuse_condition(true)
                } else {
                    None
                };
                let pc = match fused {
                    Some(pc) => {
                        self.enter_block(CtrlKind::If, blockty);
                        pc
                    }
                    None => {
                        let cond = self.pop_slot();
                        self.enter_block(CtrlKind::If, blockty);
                        self.emit(I::BrIfEqz { cond, target: 0 })
                    }
                };
                if let Some(c) = self.ctrls.last_mut() {
                    c.else_fixup = Some(pc);
                }
                self.start_block();
            }
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => self.br(relative_depth),
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { ref targets } => {
                let ts = targets
                    .targets()
                    .collect::<std::result::Result<Vec<u32>, _>>()
                    .map_err(super::module::parse_wp_err)?;
                self.br_table(&ts, targets.default());
            }
            O::Return => {
                self.emit_return();
                self.set_unreachable();
            }
            O::Call { function_index } => self.call(function_index, false),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, offset, false)?,
            O::ReturnCall { function_index } => self.call(function_index, true),
            O::CallRef { type_index } => self.call_ref(type_index, false),
            O::ReturnCallRef { type_index } => self.call_ref(type_index, true),
            O::RefAsNonNull => self.ref_as_non_null(),
            O::TryTable { ref try_table } => self.try_table(try_table),
            O::Try { blockty } => self.legacy_try(blockty),
            O::Catch { tag_index } => self.legacy_catch(Some(tag_index)),
            O::CatchAll => self.legacy_catch(None),
            O::Delegate { relative_depth } => self.legacy_delegate(relative_depth),
            O::Rethrow { relative_depth } => self.legacy_rethrow(relative_depth),
            O::Throw { tag_index } => self.throw(tag_index),
            O::ThrowRef => {
                let exn = self.pop_slot();
                self.escape_to(0);
                self.emit(I::ThrowRef { exn });
                self.set_unreachable();
            }
            O::BrOnNull { relative_depth } => self.br_on_null(relative_depth, true),
            O::BrOnNonNull { relative_depth } => self.br_on_null(relative_depth, false),
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index, offset, true)?,
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => self.select(),
            O::LocalGet { local_index } => {
                let (l, wide) = self.locals[local_index as usize];
                self.push(Opd::Local(l), wide);
            }
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                let global = global_index;
                if self.global_is_v128(global) {
                    let dst = self.push_v128();
                    self.emit_result(I::GlobalGetV128 { dst, global });
                } else {
                    let dst = self.push_temp();
                    self.emit_result(I::GlobalGet { dst, global });
                }
            }
            O::GlobalSet { global_index } => {
                let global = global_index;
                let src = self.pop_slot();
                if self.global_is_v128(global) {
                    self.emit(I::GlobalSetV128 { global, src });
                } else {
                    self.emit(I::GlobalSet { global, src });
                }
            }
            O::I32Load { ref memarg } | O::F32Load { ref memarg } => {
                self.load(I::I32Load, MemOp::I32Load, memarg, offset)?
            }
            O::I64Load { ref memarg } => self.load(I::I64Load, MemOp::I64Load, memarg, offset)?,
            // The same bits as `i64.load`, left in the float accumulator.
            O::F64Load { ref memarg } => self.load(I::F64Load, MemOp::I64Load, memarg, offset)?,
            O::I32Load8S { ref memarg } => {
                self.load(I::I32Load8S, MemOp::I32Load8S, memarg, offset)?
            }
            O::I32Load8U { ref memarg } => {
                self.load(I::I32Load8U, MemOp::I32Load8U, memarg, offset)?
            }
            O::I32Load16S { ref memarg } => {
                self.load(I::I32Load16S, MemOp::I32Load16S, memarg, offset)?
            }
            O::I32Load16U { ref memarg } => {
                self.load(I::I32Load16U, MemOp::I32Load16U, memarg, offset)?
            }
            O::I64Load8S { ref memarg } => {
                self.load(I::I64Load8S, MemOp::I64Load8S, memarg, offset)?
            }
            O::I64Load8U { ref memarg } => {
                self.load(I::I64Load8U, MemOp::I64Load8U, memarg, offset)?
            }
            O::I64Load16S { ref memarg } => {
                self.load(I::I64Load16S, MemOp::I64Load16S, memarg, offset)?
            }
            O::I64Load16U { ref memarg } => {
                self.load(I::I64Load16U, MemOp::I64Load16U, memarg, offset)?
            }
            O::I64Load32S { ref memarg } => {
                self.load(I::I64Load32S, MemOp::I64Load32S, memarg, offset)?
            }
            O::I64Load32U { ref memarg } => {
                self.load(I::I64Load32U, MemOp::I64Load32U, memarg, offset)?
            }
            O::I32Store { ref memarg } | O::F32Store { ref memarg } => self.store(
                I::I32Store,
                Some((I::I32StoreImm, false)),
                MemOp::Store32,
                memarg,
                offset,
            )?,
            O::I64Store { ref memarg } => self.store(
                I::I64Store,
                Some((I::I64StoreImm, true)),
                MemOp::Store64,
                memarg,
                offset,
            )?,
            // The same bits as `i64.store`, the value read from the float
            // accumulator when it comes from one.
            O::F64Store { ref memarg } => self.store(
                I::F64Store,
                Some((I::I64StoreImm, true)),
                MemOp::Store64,
                memarg,
                offset,
            )?,
            O::I32Store8 { ref memarg } | O::I64Store8 { ref memarg } => self.store(
                I::I32Store8,
                Some((I::I32Store8Imm, false)),
                MemOp::Store8,
                memarg,
                offset,
            )?,
            O::I32Store16 { ref memarg } | O::I64Store16 { ref memarg } => self.store(
                I::I32Store16,
                Some((I::I32Store16Imm, false)),
                MemOp::Store16,
                memarg,
                offset,
            )?,
            O::I64Store32 { ref memarg } => self.store(
                I::I32Store,
                Some((I::I32StoreImm, false)),
                MemOp::Store32,
                memarg,
                offset,
            )?,
            O::MemorySize { mem } => {
                let dst = self.push_temp();
                self.emit_result(I::MemorySize { dst, mem });
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(I::MemoryGrow { dst, delta, mem });
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let args = self.pop_args(3);
                self.emit(I::MemoryCopy {
                    args,
                    dst_mem,
                    src_mem,
                });
            }
            O::MemoryFill { mem } => {
                let args = self.pop_args(3);
                self.emit(I::MemoryFill { args, mem });
            }
            O::MemoryInit { data_index, mem } => {
                let args = self.pop_args(3);
                self.emit(I::MemoryInit {
                    data: data_index,
                    args,
                    mem,
                });
            }
            O::DataDrop { data_index } => {
                self.emit(I::DataDrop { data: data_index });
            }
            O::RefNull { .. } => {
                self.push(Opd::Const(0), false);
            }
            // Null is the zero cell, so `ref.is_null` is a 64-bit `eqz`.
            O::RefIsNull => self.unop(I::I64Eqz),
            O::RefFunc { function_index } => {
                let dst = self.push_temp();
                self.emit_result(I::RefFunc {
                    dst,
                    func: function_index,
                });
            }
            O::TableGet { table } => {
                let index = self.pop_slot();
                let dst = self.push_temp();
                self.emit_result(I::TableGet { dst, index, table });
            }
            O::TableSet { table } => {
                let val = self.pop_slot();
                let index = self.pop_slot();
                self.emit(I::TableSet { table, index, val });
            }
            O::TableSize { table } => {
                let dst = self.push_temp();
                self.emit_result(I::TableSize { dst, table });
            }
            O::TableGrow { table } => {
                let args = self.pop_args(2);
                let dst = self.push_temp();
                self.emit_result(I::TableGrow { dst, table, args });
            }
            O::TableFill { table } => {
                let args = self.pop_args(3);
                self.emit(I::TableFill { table, args });
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let args = self.pop_args(3);
                self.emit(I::TableCopy {
                    dst_table,
                    src_table,
                    args,
                });
            }
            O::TableInit { elem_index, table } => {
                let args = self.pop_args(3);
                self.emit(I::TableInit {
                    table,
                    elem: elem_index,
                    args,
                });
            }
            O::ElemDrop { elem_index } => {
                self.emit(I::ElemDrop { elem: elem_index });
            }
            O::I64Add128 => self.wide(WideOp::Add128),
            O::I64Sub128 => self.wide(WideOp::Sub128),
            O::I64MulWideS => self.wide(WideOp::MulWideS),
            O::I64MulWideU => self.wide(WideOp::MulWideU),
            O::I32Const { value } => self.push_const(u64::from(value as u32)),
            O::I64Const { value } => self.push_const(value as u64),
            O::F32Const { value } => self.push_const(u64::from(value.bits())),
            O::F64Const { value } => self.push_const(value.bits()),

            O::I32Eqz => self.unop(I::I32Eqz),
            O::I32Clz => self.unop(I::I32Clz),
            O::I32Ctz => self.unop(I::I32Ctz),
            O::I32Popcnt => self.unop(I::I32Popcnt),
            O::I64Eqz => self.unop(I::I64Eqz),
            O::I64Clz => self.unop(I::I64Clz),
            O::I64Ctz => self.unop(I::I64Ctz),
            O::I64Popcnt => self.unop(I::I64Popcnt),

            O::I32Add => self.binop(I::I32Add, Some(I::I32AddImm), Some(I::I32AddImm), imm_i32),
            O::I32Sub => self.binop(I::I32Sub, Some(I::I32SubImm), None, imm_i32),
            O::I32Mul => self.binop(I::I32Mul, Some(I::I32MulImm), Some(I::I32MulImm), imm_i32),
            O::I32DivS => self.binop(I::I32DivS, None, None, imm_i32),
            O::I32DivU => self.binop(I::I32DivU, None, None, imm_i32),
            O::I32RemS => self.binop(I::I32RemS, None, None, imm_i32),
            O::I32RemU => self.binop(I::I32RemU, None, None, imm_i32),
            O::I32And => self.binop(I::I32And, Some(I::I32AndImm), Some(I::I32AndImm), imm_i32),
            O::I32Or => self.binop(I::I32Or, Some(I::I32OrImm), Some(I::I32OrImm), imm_i32),
            O::I32Xor => self.binop(I::I32Xor, Some(I::I32XorImm), Some(I::I32XorImm), imm_i32),
            O::I32Shl => self.binop(I::I32Shl, Some(I::I32ShlImm), None, imm_i32),
            O::I32ShrS => self.binop(I::I32ShrS, Some(I::I32ShrSImm), None, imm_i32),
            O::I32ShrU => self.binop(I::I32ShrU, Some(I::I32ShrUImm), None, imm_i32),
            O::I32Rotl => self.binop(I::I32Rotl, Some(I::I32RotlImm), None, imm_i32),
            O::I32Rotr => self.binop(I::I32Rotr, Some(I::I32RotrImm), None, imm_i32),
            O::I32Eq => self.binop(I::I32Eq, Some(I::I32EqImm), Some(I::I32EqImm), imm_i32),
            O::I32Ne => self.binop(I::I32Ne, Some(I::I32NeImm), Some(I::I32NeImm), imm_i32),
            O::I32LtS => self.binop(I::I32LtS, Some(I::I32LtSImm), Some(I::I32GtSImm), imm_i32),
            O::I32LtU => self.binop(I::I32LtU, Some(I::I32LtUImm), Some(I::I32GtUImm), imm_i32),
            O::I32GtS => self.binop(I::I32GtS, Some(I::I32GtSImm), Some(I::I32LtSImm), imm_i32),
            O::I32GtU => self.binop(I::I32GtU, Some(I::I32GtUImm), Some(I::I32LtUImm), imm_i32),
            O::I32LeS => self.binop(I::I32LeS, Some(I::I32LeSImm), Some(I::I32GeSImm), imm_i32),
            O::I32LeU => self.binop(I::I32LeU, Some(I::I32LeUImm), Some(I::I32GeUImm), imm_i32),
            O::I32GeS => self.binop(I::I32GeS, Some(I::I32GeSImm), Some(I::I32LeSImm), imm_i32),
            O::I32GeU => self.binop(I::I32GeU, Some(I::I32GeUImm), Some(I::I32LeUImm), imm_i32),

            O::I64Add => self.binop(I::I64Add, Some(I::I64AddImm), Some(I::I64AddImm), imm_i64),
            O::I64Sub => self.binop(I::I64Sub, Some(I::I64SubImm), None, imm_i64),
            O::I64Mul => self.binop(I::I64Mul, Some(I::I64MulImm), Some(I::I64MulImm), imm_i64),
            O::I64DivS => self.binop(I::I64DivS, None, None, imm_i64),
            O::I64DivU => self.binop(I::I64DivU, None, None, imm_i64),
            O::I64RemS => self.binop(I::I64RemS, None, None, imm_i64),
            O::I64RemU => self.binop(I::I64RemU, None, None, imm_i64),
            O::I64And => {
                // `x & 0xFFFFFFFF` (too wide for an immediate) keeps the low
                // half: what `i64.extend_i32_u` does with a cell.
                // (Producers put constants on the right.)
                if self.stack.last().map(|e| e.opd) == Some(Opd::Const(0xFFFF_FFFF)) {
                    self.stack.pop();
                    self.unop(I::I64ExtendI32U);
                } else {
                    self.binop(I::I64And, Some(I::I64AndImm), Some(I::I64AndImm), imm_i64);
                }
            }
            O::I64Or => self.binop(I::I64Or, Some(I::I64OrImm), Some(I::I64OrImm), imm_i64),
            O::I64Xor => self.binop(I::I64Xor, Some(I::I64XorImm), Some(I::I64XorImm), imm_i64),
            O::I64Shl => self.binop(I::I64Shl, Some(I::I64ShlImm), None, imm_i64),
            O::I64ShrS => self.binop(I::I64ShrS, Some(I::I64ShrSImm), None, imm_i64),
            O::I64ShrU => self.binop(I::I64ShrU, Some(I::I64ShrUImm), None, imm_i64),
            O::I64Rotl => self.binop(I::I64Rotl, Some(I::I64RotlImm), None, imm_i64),
            O::I64Rotr => self.binop(I::I64Rotr, Some(I::I64RotrImm), None, imm_i64),
            O::I64Eq => self.binop(I::I64Eq, Some(I::I64EqImm), Some(I::I64EqImm), imm_i64),
            O::I64Ne => self.binop(I::I64Ne, Some(I::I64NeImm), Some(I::I64NeImm), imm_i64),
            O::I64LtS => self.binop(I::I64LtS, Some(I::I64LtSImm), Some(I::I64GtSImm), imm_i64),
            O::I64LtU => self.binop(I::I64LtU, Some(I::I64LtUImm), Some(I::I64GtUImm), imm_i64),
            O::I64GtS => self.binop(I::I64GtS, Some(I::I64GtSImm), Some(I::I64LtSImm), imm_i64),
            O::I64GtU => self.binop(I::I64GtU, Some(I::I64GtUImm), Some(I::I64LtUImm), imm_i64),
            O::I64LeS => self.binop(I::I64LeS, Some(I::I64LeSImm), Some(I::I64GeSImm), imm_i64),
            O::I64LeU => self.binop(I::I64LeU, Some(I::I64LeUImm), Some(I::I64GeUImm), imm_i64),
            O::I64GeS => self.binop(I::I64GeS, Some(I::I64GeSImm), Some(I::I64LeSImm), imm_i64),
            O::I64GeU => self.binop(I::I64GeU, Some(I::I64GeUImm), Some(I::I64LeUImm), imm_i64),

            O::F32Add => self.binop(I::F32Add, Some(I::F32AddImm), Some(I::F32AddImm), imm_f32),
            O::F32Sub => self.binop(I::F32Sub, Some(I::F32SubImm), None, imm_f32),
            O::F32Mul => self.binop(I::F32Mul, Some(I::F32MulImm), Some(I::F32MulImm), imm_f32),
            O::F32Div => self.binop(I::F32Div, Some(I::F32DivImm), None, imm_f32),
            O::F32Min => self.binop(I::F32Min, None, None, imm_f32),
            O::F32Max => self.binop(I::F32Max, None, None, imm_f32),
            O::F32Copysign => self.binop(I::F32Copysign, None, None, imm_f32),
            O::F32Eq => self.binop(I::F32Eq, Some(I::F32EqImm), Some(I::F32EqImm), imm_f32),
            O::F32Ne => self.binop(I::F32Ne, Some(I::F32NeImm), Some(I::F32NeImm), imm_f32),
            O::F32Lt => self.binop(I::F32Lt, Some(I::F32LtImm), Some(I::F32GtImm), imm_f32),
            O::F32Gt => self.binop(I::F32Gt, Some(I::F32GtImm), Some(I::F32LtImm), imm_f32),
            O::F32Le => self.binop(I::F32Le, Some(I::F32LeImm), Some(I::F32GeImm), imm_f32),
            O::F32Ge => self.binop(I::F32Ge, Some(I::F32GeImm), Some(I::F32LeImm), imm_f32),
            O::F64Add => self.binop(I::F64Add, Some(I::F64AddImm), Some(I::F64AddImm), imm_f64),
            O::F64Sub => self.binop(I::F64Sub, Some(I::F64SubImm), None, imm_f64),
            O::F64Mul => self.binop(I::F64Mul, Some(I::F64MulImm), Some(I::F64MulImm), imm_f64),
            O::F64Div => self.binop(I::F64Div, Some(I::F64DivImm), None, imm_f64),
            O::F64Min => self.binop(I::F64Min, None, None, imm_f64),
            O::F64Max => self.binop(I::F64Max, None, None, imm_f64),
            O::F64Copysign => self.binop(I::F64Copysign, None, None, imm_f64),
            O::F64Eq => self.binop(I::F64Eq, Some(I::F64EqImm), Some(I::F64EqImm), imm_f64),
            O::F64Ne => self.binop(I::F64Ne, Some(I::F64NeImm), Some(I::F64NeImm), imm_f64),
            O::F64Lt => self.binop(I::F64Lt, Some(I::F64LtImm), Some(I::F64GtImm), imm_f64),
            O::F64Gt => self.binop(I::F64Gt, Some(I::F64GtImm), Some(I::F64LtImm), imm_f64),
            O::F64Le => self.binop(I::F64Le, Some(I::F64LeImm), Some(I::F64GeImm), imm_f64),
            O::F64Ge => self.binop(I::F64Ge, Some(I::F64GeImm), Some(I::F64LeImm), imm_f64),

            O::F32Abs => self.unop(I::F32Abs),
            O::F32Neg => self.unop(I::F32Neg),
            O::F32Ceil => self.unop(I::F32Ceil),
            O::F32Floor => self.unop(I::F32Floor),
            O::F32Trunc => self.unop(I::F32Trunc),
            O::F32Nearest => self.unop(I::F32Nearest),
            O::F32Sqrt => self.unop(I::F32Sqrt),
            O::F64Abs => self.unop(I::F64Abs),
            O::F64Neg => self.unop(I::F64Neg),
            O::F64Ceil => self.unop(I::F64Ceil),
            O::F64Floor => self.unop(I::F64Floor),
            O::F64Trunc => self.unop(I::F64Trunc),
            O::F64Nearest => self.unop(I::F64Nearest),
            O::F64Sqrt => self.unop(I::F64Sqrt),

            O::I32WrapI64 => self.unop(I::I32WrapI64),
            O::I32TruncF32S => self.unop(I::I32TruncF32S),
            O::I32TruncF32U => self.unop(I::I32TruncF32U),
            O::I32TruncF64S => self.unop(I::I32TruncF64S),
            O::I32TruncF64U => self.unop(I::I32TruncF64U),
            O::I64ExtendI32S => self.unop(I::I64ExtendI32S),
            O::I64ExtendI32U => self.unop(I::I64ExtendI32U),
            O::I64TruncF32S => self.unop(I::I64TruncF32S),
            O::I64TruncF32U => self.unop(I::I64TruncF32U),
            O::I64TruncF64S => self.unop(I::I64TruncF64S),
            O::I64TruncF64U => self.unop(I::I64TruncF64U),
            O::F32ConvertI32S => self.unop(I::F32ConvertI32S),
            O::F32ConvertI32U => self.unop(I::F32ConvertI32U),
            O::F32ConvertI64S => self.unop(I::F32ConvertI64S),
            O::F32ConvertI64U => self.unop(I::F32ConvertI64U),
            O::F32DemoteF64 => self.unop(I::F32DemoteF64),
            O::F64ConvertI32S => self.unop(I::F64ConvertI32S),
            O::F64ConvertI32U => self.unop(I::F64ConvertI32U),
            O::F64ConvertI64S => self.unop(I::F64ConvertI64S),
            O::F64ConvertI64U => self.unop(I::F64ConvertI64U),
            O::F64PromoteF32 => self.unop(I::F64PromoteF32),
            // Cells are untyped bits: reinterpretation changes nothing.
            O::I32ReinterpretF32
            | O::I64ReinterpretF64
            | O::F32ReinterpretI32
            | O::F64ReinterpretI64 => {}
            O::I32Extend8S => self.unop(I::I32Extend8S),
            O::I32Extend16S => self.unop(I::I32Extend16S),
            O::I64Extend8S => self.unop(I::I64Extend8S),
            O::I64Extend16S => self.unop(I::I64Extend16S),
            O::I64Extend32S => self.unop(I::I64Extend32S),
            O::I32TruncSatF32S => self.unop(I::I32TruncSatF32S),
            O::I32TruncSatF32U => self.unop(I::I32TruncSatF32U),
            O::I32TruncSatF64S => self.unop(I::I32TruncSatF64S),
            O::I32TruncSatF64U => self.unop(I::I32TruncSatF64U),
            O::I64TruncSatF32S => self.unop(I::I64TruncSatF32S),
            O::I64TruncSatF32U => self.unop(I::I64TruncSatF32U),
            O::I64TruncSatF64S => self.unop(I::I64TruncSatF64S),
            O::I64TruncSatF64U => self.unop(I::I64TruncSatF64U),
            O::V128Const { value } => {
                let bits = u128::from_le_bytes(*value.bytes());
                let dst = self.push_v128();
                self.emit_const(dst, bits as u64);
                self.emit_const(dst + 1, (bits >> 64) as u64);
            }
            O::I8x16Shuffle { lanes } => {
                let b = self.pop_slot();
                let a = self.pop_slot();
                let dst = self.push_v128();
                self.emit_result(I::V128Shuffle { dst, a, b });
                // The lane indices ride behind it; `last_result` stays on
                // the shuffle, so a `local.set` still folds into it.
                let mask = u128::from_le_bytes(lanes);
                self.code.push(I::Data { bits: mask as u64 });
                self.code.push(I::Data {
                    bits: (mask >> 64) as u64,
                });
            }
            O::V128Load { ref memarg } => self.v128_load(K::V128, memarg, offset)?,
            O::V128Load8x8S { ref memarg } => self.v128_load(K::S8x8, memarg, offset)?,
            O::V128Load8x8U { ref memarg } => self.v128_load(K::U8x8, memarg, offset)?,
            O::V128Load16x4S { ref memarg } => self.v128_load(K::S16x4, memarg, offset)?,
            O::V128Load16x4U { ref memarg } => self.v128_load(K::U16x4, memarg, offset)?,
            O::V128Load32x2S { ref memarg } => self.v128_load(K::S32x2, memarg, offset)?,
            O::V128Load32x2U { ref memarg } => self.v128_load(K::U32x2, memarg, offset)?,
            O::V128Load8Splat { ref memarg } => self.v128_load(K::Splat8, memarg, offset)?,
            O::V128Load16Splat { ref memarg } => self.v128_load(K::Splat16, memarg, offset)?,
            O::V128Load32Splat { ref memarg } => self.v128_load(K::Splat32, memarg, offset)?,
            O::V128Load64Splat { ref memarg } => self.v128_load(K::Splat64, memarg, offset)?,
            O::V128Load32Zero { ref memarg } => self.v128_load(K::Zero32, memarg, offset)?,
            O::V128Load64Zero { ref memarg } => self.v128_load(K::Zero64, memarg, offset)?,
            O::V128Store { ref memarg } if !self.fast_mem(memarg, offset)? => {
                self.mem_n(MemOp::V128Store, 0, memarg, offset, 2, None)?
            }
            O::V128Store { ref memarg } => {
                let off = mem_offset(memarg, offset)?;
                let val = self.pop_slot();
                let addr = self.pop_slot();
                self.emit(I::V128Store(Store {
                    addr,
                    val,
                    offset: off,
                }));
            }
            O::V128Load8Lane { ref memarg, lane } => {
                self.lane_access(1, lane, memarg, offset, true)?
            }
            O::V128Load16Lane { ref memarg, lane } => {
                self.lane_access(2, lane, memarg, offset, true)?
            }
            O::V128Load32Lane { ref memarg, lane } => {
                self.lane_access(4, lane, memarg, offset, true)?
            }
            O::V128Load64Lane { ref memarg, lane } => {
                self.lane_access(8, lane, memarg, offset, true)?
            }
            O::V128Store8Lane { ref memarg, lane } => {
                self.lane_access(1, lane, memarg, offset, false)?
            }
            O::V128Store16Lane { ref memarg, lane } => {
                self.lane_access(2, lane, memarg, offset, false)?
            }
            O::V128Store32Lane { ref memarg, lane } => {
                self.lane_access(4, lane, memarg, offset, false)?
            }
            O::V128Store64Lane { ref memarg, lane } => {
                self.lane_access(8, lane, memarg, offset, false)?
            }
            ref other => match simd::classify(other) {
                Some(s) => self.simd(s),
                None if self.gc(other, offset)? => {}
                None if self.atomic(other, offset)? => {}
                None => {
                    return Err(compile_err(
                        format!("operator {other:?} is not supported by weft yet"),
                        offset,
                    ));
                }
            },
        }
        Ok(())
    }
}

mod atomic;
mod debug;
mod gc;
#[cfg(test)]
mod tests;
