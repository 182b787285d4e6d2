//! The interpreter: a dispatch loop over compiled [`Instr`] code with its
//! own call stack.
//!
//! A wasm-to-wasm call pushes a [`Frame`] and continues the same loop; it
//! never recurses on the host stack. Frames are windows on one value stack
//! of 64-bit cells: a callee's frame starts at its first argument's slot in
//! the caller's frame. The loop keeps the hot state (code, pc, frame base) in
//! locals; it leaves the inner loop only to switch to another instance's code.
//!
//! # Unsafe code
//! This module is the one place with `unsafe`: unchecked instruction fetch,
//! frame-slot access through a raw frame pointer, and linear-memory access
//! through a cached base pointer. Each block states the invariant it relies
//! on; all of them rest on facts the compiler guarantees (slot operands below
//! `frame_size`, branch targets inside the code, a trapping guard instruction
//! at the end of every function) and on the interpreter refreshing its cached
//! pointers after anything that can move the value stack or linear memory.
//! Debug builds (and so the test suite and the fuzz smoke tests) assert the
//! bounds as well.
#![allow(unsafe_code)]

mod bulk;
mod memn;
pub(crate) mod ops;
mod simd_ops;

use crate::code::Instr;
use crate::error::{Error, FrameInfo, Result, Trap, TrapKind};
use crate::runtime::func::FuncKind;
use crate::runtime::store::Caller;
use crate::runtime::{Instance, Store};
use crate::types::FuncType;
use crate::value::{Val, read_cells, write_cells};
use std::sync::atomic::Ordering;

/// One active wasm call.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// Store index of the instance.
    instance: u32,
    /// Defined-function index within the instance's module.
    func: u32,
    /// Where to resume (valid for frames that are not the innermost).
    pc: u32,
    /// Frame base on the value stack.
    fp: usize,
}

/// Calls store function `idx` (of type `ty`) with checked `params`.
pub(crate) fn invoke<T>(
    store: &mut Store<T>,
    idx: usize,
    ty: &FuncType,
    params: &[Val],
    results: &mut [Val],
) -> Result<()> {
    match store.inner.funcs[idx] {
        FuncKind::Host { host, .. } => {
            let h = store.hosts[host as usize].clone();
            (h.f)(
                Caller {
                    store,
                    instance: None,
                },
                params,
                results,
            )
        }
        FuncKind::Wasm {
            instance, index, ..
        } => {
            let mut stack = std::mem::take(&mut store.inner.stack);
            let module = store.inner.instances[instance as usize].module.clone();
            let cf = &module.inner.code[index as usize];
            let cells = |tys: &[crate::ValType]| tys.iter().map(|t| t.cells() as usize).sum();
            let need = (cf.frame_size as usize)
                .max(cells(ty.params()))
                .max(cells(ty.results()));
            if need > store.inner.engine.config().max_stack_cells {
                store.inner.stack = stack;
                return Err(Trap::from(TrapKind::StackOverflow).into());
            }
            if stack.len() < need {
                stack.resize(need.max(1024), 0);
            }
            write_cells(params, &mut stack, &store.inner)?;
            stack[cf.params as usize..cf.locals as usize].fill(0);
            let mut frames = vec![Frame {
                instance,
                func: index,
                pc: 0,
                fp: 0,
            }];
            let r = if store.inner.depth >= store.inner.engine.config().max_call_depth {
                Err(Trap::from(TrapKind::StackOverflow).into())
            } else {
                run(store, &mut stack, &mut frames)
            };
            if r.is_ok() {
                for (r, v) in results
                    .iter_mut()
                    .zip(read_cells(ty.results(), &stack, &store.inner))
                {
                    *r = v;
                }
            }
            if stack.len() > store.inner.stack.len() {
                store.inner.stack = stack;
            }
            r
        }
    }
}

fn backtrace<T>(store: &Store<T>, frames: &[Frame]) -> Vec<FrameInfo> {
    frames
        .iter()
        .rev()
        .map(|f| {
            let m = &store.inner.instances[f.instance as usize].module.inner;
            let func_index = m.num_imported_funcs + f.func;
            FrameInfo {
                module_name: m.name.clone(),
                func_index,
                func_name: m.func_names.get(&func_index).cloned(),
            }
        })
        .collect()
}

/// Calls a host function with arguments at `stack[args..]`, writing its
/// results to the same place.
fn call_host<T>(
    store: &mut Store<T>,
    host: u32,
    instance: u32,
    stack: &mut [u64],
    args: usize,
    depth: usize,
) -> Result<()> {
    let h = store.hosts[host as usize].clone();
    let params: Vec<Val> = read_cells(h.ty.params(), &stack[args..], &store.inner).collect();
    let mut results: Vec<Val> =
        h.ty.results()
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
    let saved = store.inner.depth;
    store.inner.depth = depth;
    let r = (h.f)(
        Caller {
            instance: Some(Instance(store.inner.stored(instance as usize))),
            store: &mut *store,
        },
        &params,
        &mut results,
    );
    store.inner.depth = saved;
    r?;
    if results
        .iter()
        .zip(h.ty.results())
        .any(|(v, t)| v.ty() != *t)
    {
        return Err(Error::usage(
            "host function returned a value of the wrong type",
        ));
    }
    write_cells(&results, &mut stack[args..], &store.inner)
}

/// Marks the taken side of a conditional wasm branch. An empty `asm!` has
/// no effect at run time, but LLVM cannot if-convert around it, so the
/// branch stays a predicted jump instead of a `cmov` on `pc` (which would
/// make every following instruction fetch wait for the comparison).
#[inline(always)]
fn taken_branch() {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    // SAFETY: an empty assembly block with no operands reads and writes
    // nothing.
    unsafe {
        std::arch::asm!("", options(nomem, nostack, preserves_flags));
    }
}

/// Builds the error for a trap of `kind` at `pc` in the innermost frame.
/// Out of line and cold: this keeps the ~50 trap sites of the dispatch loop
/// small (measured: sieve 3.2 -> 1.85 s, nbody 2.3 -> 1.3 s).
#[cold]
#[inline(never)]
fn make_trap<T>(store: &Store<T>, frames: &mut [Frame], pc: usize, kind: TrapKind) -> Error {
    if let Some(f) = frames.last_mut() {
        f.pc = pc as u32;
    }
    Trap::new(kind, backtrace(store, frames)).into()
}

/// Memory `mem`'s base pointer and length (null and 0 if there is none).
fn mem_parts(inner: &mut crate::runtime::store::StoreInner, mem: usize) -> (*mut u8, usize) {
    match inner.memories.get_mut(mem) {
        Some(m) => (m.bytes.as_mut_ptr(), m.bytes.len()),
        None => (std::ptr::null_mut(), 0),
    }
}

/// Runs until the first frame in `frames` returns.
fn run<T>(store: &mut Store<T>, stack: &mut Vec<u64>, frames: &mut Vec<Frame>) -> Result<()> {
    let max_depth = store.inner.engine.config().max_call_depth;
    let max_cells = store.inner.engine.config().max_stack_cells;
    let depth_base = store.inner.depth;
    'outer: loop {
        let Some(&Frame {
            instance,
            func,
            pc: resume,
            fp: frame_fp,
        }) = frames.last()
        else {
            return Ok(());
        };
        let module = store.inner.instances[instance as usize].module.clone();
        let mem0 = store.inner.instances[instance as usize]
            .memories
            .first()
            .copied()
            .unwrap_or(u32::MAX) as usize;
        let mut code: &[Instr] = &module.inner.code[func as usize].code;
        let mut pc = resume as usize;
        let mut fp = frame_fp;
        // The current frame's slots: `regs` points at `stack[fp]`.
        let mut regs: *mut u64 = stack.as_mut_ptr().wrapping_add(fp);
        // Memory 0 of the current instance, cached.
        let (mut mem_ptr, mut mem_len) = mem_parts(&mut store.inner, mem0);

        macro_rules! trap {
            ($kind:expr) => {{
                return Err(make_trap(store, frames, pc, $kind));
            }};
        }
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(k) => trap!(k),
                }
            };
        }
        // Re-derives `regs` after the stack may have moved or `fp` changed.
        macro_rules! refresh {
            () => {
                regs = stack.as_mut_ptr().wrapping_add(fp);
            };
        }
        // Re-reads memory 0's buffer after it may have grown or been borrowed.
        macro_rules! refresh_mem {
            () => {
                (mem_ptr, mem_len) = mem_parts(&mut store.inner, mem0);
            };
        }
        macro_rules! get {
            ($s:expr) => {{
                let s = $s as usize;
                debug_assert!(fp + s < stack.len(), "slot {s} outside the stack");
                // SAFETY: every slot operand the compiler emits is below the
                // function's `frame_size`; entering a frame grows the stack to
                // at least `fp + frame_size`; `regs == stack.as_ptr() + fp` is
                // re-derived after every operation that can move the stack.
                unsafe { *regs.add(s) }
            }};
        }
        macro_rules! set {
            ($s:expr, $v:expr) => {{
                let v = $v;
                let s = $s as usize;
                debug_assert!(fp + s < stack.len(), "slot {s} outside the stack");
                // SAFETY: as for `get!`.
                unsafe { *regs.add(s) = v };
            }};
        }
        // A `v128` operand: two cells, low half first.
        macro_rules! getv {
            ($s:expr) => {{
                let s = $s;
                u128::from(get!(s)) | (u128::from(get!(s + 1)) << 64)
            }};
        }
        macro_rules! setv {
            ($s:expr, $v:expr) => {{
                let v: u128 = $v;
                let s = $s;
                set!(s, v as u64);
                set!(s + 1, (v >> 64) as u64);
            }};
        }
        // Typed readers of a slot.
        macro_rules! u32_ {
            ($s:expr) => {
                get!($s) as u32
            };
        }
        macro_rules! i32_ {
            ($s:expr) => {
                get!($s) as u32 as i32
            };
        }
        macro_rules! i64_ {
            ($s:expr) => {
                get!($s) as i64
            };
        }
        macro_rules! f32_ {
            ($s:expr) => {
                f32::from_bits(get!($s) as u32)
            };
        }
        macro_rules! f64_ {
            ($s:expr) => {
                f64::from_bits(get!($s))
            };
        }
        macro_rules! w32 {
            ($v:expr) => {
                u64::from($v as u32)
            };
        }
        macro_rules! wf32 {
            ($v:expr) => {
                u64::from(($v as f32).to_bits())
            };
        }
        macro_rules! wf64 {
            ($v:expr) => {
                ($v as f64).to_bits()
            };
        }
        // Binary families: `$rd` reads an operand, `$f` computes, `$wr` writes.
        macro_rules! bin {
            ($x:expr, $rd:ident, $wr:ident, |$a:ident, $b:ident| $e:expr) => {{
                let $a = $rd!($x.a);
                let $b = $rd!($x.b);
                set!($x.dst, $wr!($e));
            }};
        }
        macro_rules! bin_imm32 {
            ($x:expr, |$a:ident, $b:ident| $e:expr) => {{
                let $a = u32_!($x.a);
                let $b = $x.imm as u32;
                set!($x.dst, w32!($e));
            }};
        }
        macro_rules! bin_imm64 {
            ($x:expr, |$a:ident, $b:ident| $e:expr) => {{
                let $a = get!($x.a);
                let $b = i64::from($x.imm) as u64;
                set!($x.dst, $e);
            }};
        }
        // Fused compare-and-branch on two slots.
        macro_rules! br_if {
            ($x:expr, $rd:ident, $op:tt) => {{
                if $rd!($x.a) $op $rd!($x.b) {
                    taken_branch();
                    pc = $x.target as usize;
                }
            }};
        }
        // Fused compare-and-branch on a slot and an immediate; `$t` is the
        // comparison type (the immediate is sign-extended for 64 bits).
        macro_rules! br_if_imm {
            ($x:expr, $rd:ident, $t:ty, $op:tt) => {{
                if $rd!($x.a) $op (i64::from($x.imm) as $t) {
                    taken_branch();
                    pc = $x.target as usize;
                }
            }};
        }
        macro_rules! un {
            ($x:expr, $rd:ident, $wr:ident, |$a:ident| $e:expr) => {{
                let $a = $rd!($x.src);
                set!($x.dst, $wr!($e));
            }};
        }
        macro_rules! raw {
            ($v:expr) => {
                $v
            };
        }
        macro_rules! ld {
            ($x:expr, $n:literal, |$b:ident| $e:expr) => {{
                let ea = u64::from(u32_!($x.addr)) + u64::from($x.offset);
                if ea + $n > mem_len as u64 {
                    trap!(TrapKind::MemoryOutOfBounds);
                }
                // SAFETY: `ea + N <= mem_len`, and `mem_ptr`/`mem_len` describe
                // memory 0's current buffer: they are re-read after
                // `memory.grow`, host calls and bulk operations, the only
                // things that can resize or re-borrow it while this loop runs.
                let $b: [u8; $n] =
                    unsafe { std::ptr::read_unaligned(mem_ptr.add(ea as usize).cast::<[u8; $n]>()) };
                set!($x.dst, $e);
            }};
        }
        macro_rules! st {
            ($x:expr, $bytes:expr) => {{
                let ea = u64::from(u32_!($x.addr)) + u64::from($x.offset);
                let bytes = $bytes;
                if ea + bytes.len() as u64 > mem_len as u64 {
                    trap!(TrapKind::MemoryOutOfBounds);
                }
                // SAFETY: as for `ld!`.
                unsafe { std::ptr::write_unaligned(mem_ptr.add(ea as usize).cast(), bytes) };
            }};
        }
        // Performs a call of store function `$f` whose frame starts at `$base`.
        macro_rules! call_store_func {
            ($f:expr, $base:expr) => {{
                let f = $f as usize;
                match store.inner.funcs[f] {
                    FuncKind::Wasm {
                        instance: callee_inst,
                        index,
                        ..
                    } => {
                        if callee_inst == instance {
                            enter!(index, $base);
                        } else {
                            // Another instance's code: push its frame and let
                            // the outer loop switch to its module.
                            let callee_module =
                                &store.inner.instances[callee_inst as usize].module.inner;
                            let cf = &callee_module.code[index as usize];
                            push_frame!(callee_inst, index, cf, $base);
                            continue 'outer;
                        }
                    }
                    FuncKind::Host { host, .. } => {
                        if let Some(top) = frames.last_mut() {
                            top.pc = pc as u32;
                        }
                        let depth = depth_base + frames.len();
                        call_host(store, host, instance, stack, fp + $base as usize, depth)?;
                        refresh!();
                        refresh_mem!();
                    }
                }
            }};
        }
        // Pushes the frame of compiled function `$cf` (defined function
        // `$func` of instance `$inst`) at `fp + $base`: checks the depth and
        // stack limits, grows the value stack, zeroes the non-parameter
        // locals and records the caller's resume pc. Evaluates to the new
        // frame base.
        macro_rules! push_frame {
            ($inst:expr, $func:expr, $cf:expr, $base:expr) => {{
                if depth_base + frames.len() >= max_depth {
                    trap!(TrapKind::StackOverflow);
                }
                let cf = $cf;
                let new_fp = fp + $base as usize;
                let need = new_fp + cf.frame_size as usize;
                if need > stack.len() {
                    if need > max_cells {
                        trap!(TrapKind::StackOverflow);
                    }
                    stack.resize(need.max(stack.len() * 2).min(max_cells), 0);
                }
                stack[new_fp + cf.params as usize..new_fp + cf.locals as usize].fill(0);
                if let Some(top) = frames.last_mut() {
                    top.pc = pc as u32;
                }
                frames.push(Frame {
                    instance: $inst,
                    func: $func,
                    pc: 0,
                    fp: new_fp,
                });
                new_fp
            }};
        }
        // Enters defined function `$func` of the current module.
        macro_rules! enter {
            ($func:expr, $base:expr) => {{
                let cf = &module.inner.code[$func as usize];
                fp = push_frame!(instance, $func, cf, $base);
                code = &cf.code;
                pc = 0;
                refresh!();
            }};
        }

        // The fetch-and-dispatch step, written out twice per loop turn so
        // there are two indirect jumps instead of one shared one.
        macro_rules! step {
            () => {{
            debug_assert!(pc < code.len(), "pc {pc} past the end of the code");
            // SAFETY: the compiler ends every function with a trapping guard
            // instruction and only emits branch targets inside the code, so
            // `pc` stays below `code.len()`.
            let ins = unsafe { *code.get_unchecked(pc) };
            pc += 1;
            use Instr as I;
            match ins {
                I::Unreachable => trap!(TrapKind::Unreachable),
                I::ConsumeFuel { amount } => {
                    let fuel = &mut store.inner.fuel;
                    if *fuel < u64::from(amount) {
                        trap!(TrapKind::OutOfFuel);
                    }
                    *fuel -= u64::from(amount);
                }
                I::CheckInterrupt => {
                    if store.inner.interrupt.swap(false, Ordering::Relaxed) {
                        trap!(TrapKind::Interrupted);
                    }
                }
                I::Br { target } => pc = target as usize,
                I::BrIfNez { cond, target } => {
                    if u32_!(cond) != 0 {
                        taken_branch();
                        pc = target as usize;
                    }
                }
                I::BrIfEqz { cond, target } => {
                    if u32_!(cond) == 0 {
                        taken_branch();
                        pc = target as usize;
                    }
                }
                I::BrI32Eq(x) => br_if!(x, u32_, ==),
                I::BrI32Ne(x) => br_if!(x, u32_, !=),
                I::BrI32LtS(x) => br_if!(x, i32_, <),
                I::BrI32LtU(x) => br_if!(x, u32_, <),
                I::BrI32GtS(x) => br_if!(x, i32_, >),
                I::BrI32GtU(x) => br_if!(x, u32_, >),
                I::BrI32LeS(x) => br_if!(x, i32_, <=),
                I::BrI32LeU(x) => br_if!(x, u32_, <=),
                I::BrI32GeS(x) => br_if!(x, i32_, >=),
                I::BrI32GeU(x) => br_if!(x, u32_, >=),
                I::BrI64Eq(x) => br_if!(x, get, ==),
                I::BrI64Ne(x) => br_if!(x, get, !=),
                I::BrI64LtS(x) => br_if!(x, i64_, <),
                I::BrI64LtU(x) => br_if!(x, get, <),
                I::BrI64GtS(x) => br_if!(x, i64_, >),
                I::BrI64GtU(x) => br_if!(x, get, >),
                I::BrI64LeS(x) => br_if!(x, i64_, <=),
                I::BrI64LeU(x) => br_if!(x, get, <=),
                I::BrI64GeS(x) => br_if!(x, i64_, >=),
                I::BrI64GeU(x) => br_if!(x, get, >=),
                I::BrI32EqImm(x) => br_if_imm!(x, u32_, u32, ==),
                I::BrI32NeImm(x) => br_if_imm!(x, u32_, u32, !=),
                I::BrI32LtSImm(x) => br_if_imm!(x, i32_, i32, <),
                I::BrI32LtUImm(x) => br_if_imm!(x, u32_, u32, <),
                I::BrI32GtSImm(x) => br_if_imm!(x, i32_, i32, >),
                I::BrI32GtUImm(x) => br_if_imm!(x, u32_, u32, >),
                I::BrI32LeSImm(x) => br_if_imm!(x, i32_, i32, <=),
                I::BrI32LeUImm(x) => br_if_imm!(x, u32_, u32, <=),
                I::BrI32GeSImm(x) => br_if_imm!(x, i32_, i32, >=),
                I::BrI32GeUImm(x) => br_if_imm!(x, u32_, u32, >=),
                I::BrI64EqImm(x) => br_if_imm!(x, get, u64, ==),
                I::BrI64NeImm(x) => br_if_imm!(x, get, u64, !=),
                I::BrI64LtSImm(x) => br_if_imm!(x, i64_, i64, <),
                I::BrI64LtUImm(x) => br_if_imm!(x, get, u64, <),
                I::BrI64GtSImm(x) => br_if_imm!(x, i64_, i64, >),
                I::BrI64GtUImm(x) => br_if_imm!(x, get, u64, >),
                I::BrI64LeSImm(x) => br_if_imm!(x, i64_, i64, <=),
                I::BrI64LeUImm(x) => br_if_imm!(x, get, u64, <=),
                I::BrI64GeSImm(x) => br_if_imm!(x, i64_, i64, >=),
                I::BrI64GeUImm(x) => br_if_imm!(x, get, u64, >=),
                I::BrTable { index, len } => {
                    let i = u32_!(index).min(len);
                    pc += i as usize;
                }
                I::Return | I::ReturnSlot { .. } => {
                    if let I::ReturnSlot { src } = ins {
                        set!(0, get!(src));
                    }
                    frames.pop();
                    let Some(&caller) = frames.last() else {
                        return Ok(());
                    };
                    if caller.instance != instance {
                        continue 'outer;
                    }
                    code = &module.inner.code[caller.func as usize].code;
                    pc = caller.pc as usize;
                    fp = caller.fp;
                    refresh!();
                }
                I::Call { func, base } => enter!(func, base),
                I::CallImport { func, base } => {
                    let f = store.inner.instances[instance as usize].funcs[func as usize];
                    call_store_func!(f, base);
                }
                I::CallIndirect {
                    type_index,
                    base,
                    index,
                    table,
                } => {
                    let t = store.inner.instances[instance as usize].tables[table as usize];
                    let elem = u32_!(index);
                    let cell = match store.inner.tables[t as usize].elems.get(elem as usize) {
                        Some(c) => *c,
                        None => trap!(TrapKind::UndefinedElement),
                    };
                    let Some(f) = cell.checked_sub(1) else {
                        trap!(TrapKind::UninitializedElement)
                    };
                    if store.inner.funcs[f as usize].sig()
                        != module.inner.sig_ids[type_index as usize]
                    {
                        trap!(TrapKind::BadSignature);
                    }
                    call_store_func!(f, base);
                }
                I::Copy { dst, src } => set!(dst, get!(src)),
                I::CopyMany { dst, src, len } => {
                    let (d, s, n) = (dst as usize, src as usize, len as usize);
                    debug_assert!(fp + d.max(s) + n <= stack.len());
                    // SAFETY: both ranges are slots of the current frame (see
                    // `get!`); `ptr::copy` allows them to overlap.
                    unsafe { std::ptr::copy(regs.add(s), regs.add(d), n) };
                }
                I::Const32 { dst, value } => set!(dst, u64::from(value)),
                I::Const64 { dst, value } => set!(dst, value),
                I::SelectEqz { dst, cond, src } => {
                    if u32_!(cond) == 0 {
                        set!(dst, get!(src));
                    }
                }
                I::GlobalGet { dst, global } => {
                    let g = store.inner.instances[instance as usize].globals[global as usize];
                    set!(dst, store.inner.globals[g as usize].value as u64);
                }
                I::GlobalSet { global, src } => {
                    let g = store.inner.instances[instance as usize].globals[global as usize];
                    store.inner.globals[g as usize].value = u128::from(get!(src));
                }
                I::MemorySize { dst, mem } => {
                    let m = store.inner.instances[instance as usize].memories[mem as usize];
                    set!(dst, store.inner.memories[m as usize].pages());
                }
                I::MemoryGrow { dst, delta, mem } => {
                    let d = u32_!(delta);
                    let m = store.inner.instances[instance as usize].memories[mem as usize];
                    let r = match store.inner.memories[m as usize].grow(u64::from(d)) {
                        Some(old) => old as u32,
                        None => u32::MAX,
                    };
                    refresh_mem!();
                    set!(dst, u64::from(r));
                }
                I::MemoryCopy {
                    args,
                    dst_mem,
                    src_mem,
                } => {
                    let (d, s, n) = (u32_!(args), u32_!(args + 1), u32_!(args + 2));
                    let inst = &store.inner.instances[instance as usize];
                    let (dm, sm) = (
                        inst.memories[dst_mem as usize] as usize,
                        inst.memories[src_mem as usize] as usize,
                    );
                    tri!(bulk::memory_copy(
                        &mut store.inner.memories,
                        dm,
                        sm,
                        d,
                        s,
                        n
                    ));
                    refresh_mem!();
                }
                I::MemoryFill { args, mem } => {
                    let (d, v, n) = (u32_!(args), u32_!(args + 1), u32_!(args + 2));
                    let m = store.inner.instances[instance as usize].memories[mem as usize];
                    tri!(bulk::memory_fill(
                        &mut store.inner.memories[m as usize].bytes,
                        d,
                        v as u8,
                        n
                    ));
                    refresh_mem!();
                }
                I::MemoryInit { data, args, mem } => {
                    let (d, s, n) = (u32_!(args), u32_!(args + 1), u32_!(args + 2));
                    let inner = &mut store.inner;
                    let seg: &[u8] =
                        if inner.instances[instance as usize].datas_dropped[data as usize] {
                            &[]
                        } else {
                            &module.inner.datas[data as usize].bytes
                        };
                    let m = inner.instances[instance as usize].memories[mem as usize];
                    tri!(bulk::memory_init(
                        &mut inner.memories[m as usize].bytes,
                        seg,
                        d,
                        s,
                        n
                    ));
                    refresh_mem!();
                }
                I::DataDrop { data } => {
                    store.inner.instances[instance as usize].datas_dropped[data as usize] = true;
                }
                I::RefFunc { dst, func } => {
                    let f = store.inner.instances[instance as usize].funcs[func as usize];
                    set!(dst, u64::from(f) + 1);
                }
                I::TableGet { dst, index, table } => {
                    let t = store.inner.instances[instance as usize].tables[table as usize];
                    let v = match store.inner.tables[t as usize]
                        .elems
                        .get(u32_!(index) as usize)
                    {
                        Some(v) => *v,
                        None => trap!(TrapKind::TableOutOfBounds),
                    };
                    set!(dst, v);
                }
                I::TableSet { table, index, val } => {
                    let t = store.inner.instances[instance as usize].tables[table as usize];
                    let v = get!(val);
                    match store.inner.tables[t as usize]
                        .elems
                        .get_mut(u32_!(index) as usize)
                    {
                        Some(e) => *e = v,
                        None => trap!(TrapKind::TableOutOfBounds),
                    }
                }
                I::TableSize { dst, table } => {
                    let t = store.inner.instances[instance as usize].tables[table as usize];
                    set!(dst, store.inner.tables[t as usize].elems.len() as u64);
                }
                I::TableGrow { dst, table, args } => {
                    let t = store.inner.instances[instance as usize].tables[table as usize];
                    let (init, delta) = (get!(args), u32_!(args + 1));
                    let r = store.inner.tables[t as usize]
                        .grow(delta, init)
                        .unwrap_or(u32::MAX);
                    set!(dst, u64::from(r));
                }
                I::TableFill { table, args } => {
                    let t = store.inner.instances[instance as usize].tables[table as usize];
                    let (i, v, n) = (u32_!(args), get!(args + 1), u32_!(args + 2));
                    tri!(bulk::table_fill(
                        &mut store.inner.tables[t as usize].elems,
                        i,
                        v,
                        n
                    ));
                }
                I::TableCopy {
                    dst_table,
                    src_table,
                    args,
                } => {
                    let inst = &store.inner.instances[instance as usize];
                    let (dt, st) = (
                        inst.tables[dst_table as usize],
                        inst.tables[src_table as usize],
                    );
                    let (d, s, n) = (u32_!(args), u32_!(args + 1), u32_!(args + 2));
                    tri!(bulk::table_copy(
                        &mut store.inner.tables,
                        dt as usize,
                        st as usize,
                        d,
                        s,
                        n
                    ));
                }
                I::TableInit { table, elem, args } => {
                    let inner = &mut store.inner;
                    let inst = &inner.instances[instance as usize];
                    let t = inst.tables[table as usize];
                    let (d, s, n) = (u32_!(args), u32_!(args + 1), u32_!(args + 2));
                    tri!(bulk::table_init(
                        &mut inner.tables[t as usize].elems,
                        &inst.elems[elem as usize],
                        d,
                        s,
                        n
                    ));
                }
                I::ElemDrop { elem } => {
                    store.inner.instances[instance as usize].elems[elem as usize] = Box::new([]);
                }
                I::GlobalGetV128 { dst, global } => {
                    let g = store.inner.instances[instance as usize].globals[global as usize];
                    setv!(dst, store.inner.globals[g as usize].value);
                }
                I::GlobalSetV128 { global, src } => {
                    let g = store.inner.instances[instance as usize].globals[global as usize];
                    store.inner.globals[g as usize].value = getv!(src);
                }
                I::SelectEqzV128 { .. }
                | I::V128Bin { .. }
                | I::V128Un { .. }
                | I::V128Tern { .. }
                | I::V128Shift { .. }
                | I::V128Test { .. }
                | I::V128Splat { .. }
                | I::V128Extract { .. }
                | I::V128Replace { .. }
                | I::V128Shuffle { .. }
                | I::V128Load { .. }
                | I::V128Store(_)
                | I::V128LoadLane { .. }
                | I::V128StoreLane { .. }
                | I::MemN { .. } => {
                    // One out-of-line call for every SIMD instruction and every
                    // access to a memory other than 0 keeps the loop's register
                    // allocation as it is for scalar code.
                    // The frame and memory are handed over as slices made from
                    // the pointers the loop already holds, so nothing has to be
                    // re-derived afterwards.
                    debug_assert!(fp <= stack.len());
                    // SAFETY: `regs` points at `stack[fp]` (see `get!`), and
                    // `stack.len() - fp` cells follow it; no other reference to
                    // the value stack is live during the call.
                    let frame = unsafe { std::slice::from_raw_parts_mut(regs, stack.len() - fp) };
                    let m = match ins {
                        I::MemN { mem, .. } => {
                            store.inner.instances[instance as usize].memories[mem as usize] as usize
                        }
                        _ => mem0,
                    };
                    let mem: &mut [u8] = if m == mem0 {
                        if mem_ptr.is_null() {
                            &mut []
                        } else {
                            // SAFETY: `mem_ptr`/`mem_len` describe memory 0's
                            // current buffer (see `ld!`), and no other reference
                            // to it is live during the call.
                            unsafe { std::slice::from_raw_parts_mut(mem_ptr, mem_len) }
                        }
                    } else {
                        // Another memory: a separate buffer from memory 0's.
                        &mut store.inner.memories[m].bytes
                    };
                    // Passed by reference into the code, not as the `ins`
                    // copy: taking `ins` by value makes LLVM keep every fetched
                    // instruction on the stack (measured: sieve 1.8 -> 3.1 s).
                    // SAFETY: `pc - 1` is the instruction just fetched.
                    let this = unsafe { code.get_unchecked(pc - 1) };
                    tri!(simd_ops::exec(this, frame, mem));
                }
                I::I32Add(x) => bin!(x, u32_, w32, |a, b| a.wrapping_add(b)),
                I::I32Sub(x) => bin!(x, u32_, w32, |a, b| a.wrapping_sub(b)),
                I::I32Mul(x) => bin!(x, u32_, w32, |a, b| a.wrapping_mul(b)),
                I::I32DivS(x) => bin!(x, i32_, w32, |a, b| tri!(ops::i32_div_s(a, b))),
                I::I32DivU(x) => bin!(x, u32_, w32, |a, b| tri!(ops::i32_div_u(a, b))),
                I::I32RemS(x) => bin!(x, i32_, w32, |a, b| tri!(ops::i32_rem_s(a, b))),
                I::I32RemU(x) => bin!(x, u32_, w32, |a, b| tri!(ops::i32_rem_u(a, b))),
                I::I32And(x) => bin!(x, u32_, w32, |a, b| a & b),
                I::I32Or(x) => bin!(x, u32_, w32, |a, b| a | b),
                I::I32Xor(x) => bin!(x, u32_, w32, |a, b| a ^ b),
                I::I32Shl(x) => bin!(x, u32_, w32, |a, b| a.wrapping_shl(b)),
                I::I32ShrS(x) => bin!(x, i32_, w32, |a, b| a.wrapping_shr(b as u32)),
                I::I32ShrU(x) => bin!(x, u32_, w32, |a, b| a.wrapping_shr(b)),
                I::I32Rotl(x) => bin!(x, u32_, w32, |a, b| a.rotate_left(b & 31)),
                I::I32Rotr(x) => bin!(x, u32_, w32, |a, b| a.rotate_right(b & 31)),
                I::I32Eq(x) => bin!(x, u32_, w32, |a, b| a == b),
                I::I32Ne(x) => bin!(x, u32_, w32, |a, b| a != b),
                I::I32LtS(x) => bin!(x, i32_, w32, |a, b| a < b),
                I::I32LtU(x) => bin!(x, u32_, w32, |a, b| a < b),
                I::I32GtS(x) => bin!(x, i32_, w32, |a, b| a > b),
                I::I32GtU(x) => bin!(x, u32_, w32, |a, b| a > b),
                I::I32LeS(x) => bin!(x, i32_, w32, |a, b| a <= b),
                I::I32LeU(x) => bin!(x, u32_, w32, |a, b| a <= b),
                I::I32GeS(x) => bin!(x, i32_, w32, |a, b| a >= b),
                I::I32GeU(x) => bin!(x, u32_, w32, |a, b| a >= b),

                I::I64Add(x) => bin!(x, get, raw, |a, b| a.wrapping_add(b)),
                I::I64Sub(x) => bin!(x, get, raw, |a, b| a.wrapping_sub(b)),
                I::I64Mul(x) => bin!(x, get, raw, |a, b| a.wrapping_mul(b)),
                I::I64DivS(x) => bin!(x, i64_, raw, |a, b| tri!(ops::i64_div_s(a, b)) as u64),
                I::I64DivU(x) => bin!(x, get, raw, |a, b| tri!(ops::i64_div_u(a, b))),
                I::I64RemS(x) => bin!(x, i64_, raw, |a, b| tri!(ops::i64_rem_s(a, b)) as u64),
                I::I64RemU(x) => bin!(x, get, raw, |a, b| tri!(ops::i64_rem_u(a, b))),
                I::I64And(x) => bin!(x, get, raw, |a, b| a & b),
                I::I64Or(x) => bin!(x, get, raw, |a, b| a | b),
                I::I64Xor(x) => bin!(x, get, raw, |a, b| a ^ b),
                I::I64Shl(x) => bin!(x, get, raw, |a, b| a.wrapping_shl(b as u32)),
                I::I64ShrS(x) => bin!(x, i64_, raw, |a, b| a.wrapping_shr(b as u32) as u64),
                I::I64ShrU(x) => bin!(x, get, raw, |a, b| a.wrapping_shr(b as u32)),
                I::I64Rotl(x) => bin!(x, get, raw, |a, b| a.rotate_left((b & 63) as u32)),
                I::I64Rotr(x) => bin!(x, get, raw, |a, b| a.rotate_right((b & 63) as u32)),
                I::I64Eq(x) => bin!(x, get, w32, |a, b| a == b),
                I::I64Ne(x) => bin!(x, get, w32, |a, b| a != b),
                I::I64LtS(x) => bin!(x, i64_, w32, |a, b| a < b),
                I::I64LtU(x) => bin!(x, get, w32, |a, b| a < b),
                I::I64GtS(x) => bin!(x, i64_, w32, |a, b| a > b),
                I::I64GtU(x) => bin!(x, get, w32, |a, b| a > b),
                I::I64LeS(x) => bin!(x, i64_, w32, |a, b| a <= b),
                I::I64LeU(x) => bin!(x, get, w32, |a, b| a <= b),
                I::I64GeS(x) => bin!(x, i64_, w32, |a, b| a >= b),
                I::I64GeU(x) => bin!(x, get, w32, |a, b| a >= b),

                I::F32Add(x) => bin!(x, f32_, wf32, |a, b| a + b),
                I::F32Sub(x) => bin!(x, f32_, wf32, |a, b| a - b),
                I::F32Mul(x) => bin!(x, f32_, wf32, |a, b| a * b),
                I::F32Div(x) => bin!(x, f32_, wf32, |a, b| a / b),
                I::F32Min(x) => bin!(x, f32_, wf32, |a, b| ops::f32_min(a, b)),
                I::F32Max(x) => bin!(x, f32_, wf32, |a, b| ops::f32_max(a, b)),
                I::F32Copysign(x) => bin!(x, u32_, w32, |a, b| ops::f32_copysign(a, b)),
                I::F32Eq(x) => bin!(x, f32_, w32, |a, b| a == b),
                I::F32Ne(x) => bin!(x, f32_, w32, |a, b| a != b),
                I::F32Lt(x) => bin!(x, f32_, w32, |a, b| a < b),
                I::F32Gt(x) => bin!(x, f32_, w32, |a, b| a > b),
                I::F32Le(x) => bin!(x, f32_, w32, |a, b| a <= b),
                I::F32Ge(x) => bin!(x, f32_, w32, |a, b| a >= b),
                I::F64Add(x) => bin!(x, f64_, wf64, |a, b| a + b),
                I::F64Sub(x) => bin!(x, f64_, wf64, |a, b| a - b),
                I::F64Mul(x) => bin!(x, f64_, wf64, |a, b| a * b),
                I::F64Div(x) => bin!(x, f64_, wf64, |a, b| a / b),
                I::F64Min(x) => bin!(x, f64_, wf64, |a, b| ops::f64_min(a, b)),
                I::F64Max(x) => bin!(x, f64_, wf64, |a, b| ops::f64_max(a, b)),
                I::F64Copysign(x) => bin!(x, get, raw, |a, b| ops::f64_copysign(a, b)),
                I::F64Eq(x) => bin!(x, f64_, w32, |a, b| a == b),
                I::F64Ne(x) => bin!(x, f64_, w32, |a, b| a != b),
                I::F64Lt(x) => bin!(x, f64_, w32, |a, b| a < b),
                I::F64Gt(x) => bin!(x, f64_, w32, |a, b| a > b),
                I::F64Le(x) => bin!(x, f64_, w32, |a, b| a <= b),
                I::F64Ge(x) => bin!(x, f64_, w32, |a, b| a >= b),

                I::I32AddImm(x) => bin_imm32!(x, |a, b| a.wrapping_add(b)),
                I::I32SubImm(x) => bin_imm32!(x, |a, b| a.wrapping_sub(b)),
                I::I32MulImm(x) => bin_imm32!(x, |a, b| a.wrapping_mul(b)),
                I::I32AndImm(x) => bin_imm32!(x, |a, b| a & b),
                I::I32OrImm(x) => bin_imm32!(x, |a, b| a | b),
                I::I32XorImm(x) => bin_imm32!(x, |a, b| a ^ b),
                I::I32ShlImm(x) => bin_imm32!(x, |a, b| a.wrapping_shl(b)),
                I::I32ShrSImm(x) => bin_imm32!(x, |a, b| (a as i32).wrapping_shr(b)),
                I::I32ShrUImm(x) => bin_imm32!(x, |a, b| a.wrapping_shr(b)),
                I::I32RotlImm(x) => bin_imm32!(x, |a, b| a.rotate_left(b & 31)),
                I::I32RotrImm(x) => bin_imm32!(x, |a, b| a.rotate_right(b & 31)),
                I::I32EqImm(x) => bin_imm32!(x, |a, b| a == b),
                I::I32NeImm(x) => bin_imm32!(x, |a, b| a != b),
                I::I32LtSImm(x) => bin_imm32!(x, |a, b| (a as i32) < (b as i32)),
                I::I32LtUImm(x) => bin_imm32!(x, |a, b| a < b),
                I::I32GtSImm(x) => bin_imm32!(x, |a, b| (a as i32) > (b as i32)),
                I::I32GtUImm(x) => bin_imm32!(x, |a, b| a > b),
                I::I32LeSImm(x) => bin_imm32!(x, |a, b| (a as i32) <= (b as i32)),
                I::I32LeUImm(x) => bin_imm32!(x, |a, b| a <= b),
                I::I32GeSImm(x) => bin_imm32!(x, |a, b| (a as i32) >= (b as i32)),
                I::I32GeUImm(x) => bin_imm32!(x, |a, b| a >= b),
                I::I64AddImm(x) => bin_imm64!(x, |a, b| a.wrapping_add(b)),
                I::I64SubImm(x) => bin_imm64!(x, |a, b| a.wrapping_sub(b)),
                I::I64MulImm(x) => bin_imm64!(x, |a, b| a.wrapping_mul(b)),
                I::I64AndImm(x) => bin_imm64!(x, |a, b| a & b),
                I::I64OrImm(x) => bin_imm64!(x, |a, b| a | b),
                I::I64XorImm(x) => bin_imm64!(x, |a, b| a ^ b),
                I::I64ShlImm(x) => bin_imm64!(x, |a, b| a.wrapping_shl(b as u32)),
                I::I64ShrSImm(x) => bin_imm64!(x, |a, b| (a as i64).wrapping_shr(b as u32) as u64),
                I::I64ShrUImm(x) => bin_imm64!(x, |a, b| a.wrapping_shr(b as u32)),
                I::I64RotlImm(x) => bin_imm64!(x, |a, b| a.rotate_left((b & 63) as u32)),
                I::I64RotrImm(x) => bin_imm64!(x, |a, b| a.rotate_right((b & 63) as u32)),
                I::I64EqImm(x) => bin_imm64!(x, |a, b| u64::from(a == b)),
                I::I64NeImm(x) => bin_imm64!(x, |a, b| u64::from(a != b)),
                I::I64LtSImm(x) => bin_imm64!(x, |a, b| u64::from((a as i64) < (b as i64))),
                I::I64LtUImm(x) => bin_imm64!(x, |a, b| u64::from(a < b)),
                I::I64GtSImm(x) => bin_imm64!(x, |a, b| u64::from((a as i64) > (b as i64))),
                I::I64GtUImm(x) => bin_imm64!(x, |a, b| u64::from(a > b)),
                I::I64LeSImm(x) => bin_imm64!(x, |a, b| u64::from((a as i64) <= (b as i64))),
                I::I64LeUImm(x) => bin_imm64!(x, |a, b| u64::from(a <= b)),
                I::I64GeSImm(x) => bin_imm64!(x, |a, b| u64::from((a as i64) >= (b as i64))),
                I::I64GeUImm(x) => bin_imm64!(x, |a, b| u64::from(a >= b)),

                I::I32Eqz(x) => un!(x, u32_, w32, |a| a == 0),
                I::I32Clz(x) => un!(x, u32_, w32, |a| a.leading_zeros()),
                I::I32Ctz(x) => un!(x, u32_, w32, |a| a.trailing_zeros()),
                I::I32Popcnt(x) => un!(x, u32_, w32, |a| a.count_ones()),
                I::I64Eqz(x) => un!(x, get, w32, |a| a == 0),
                I::I64Clz(x) => un!(x, get, raw, |a| u64::from(a.leading_zeros())),
                I::I64Ctz(x) => un!(x, get, raw, |a| u64::from(a.trailing_zeros())),
                I::I64Popcnt(x) => un!(x, get, raw, |a| u64::from(a.count_ones())),
                I::F32Abs(x) => un!(x, u32_, w32, |a| a & 0x7fff_ffff),
                I::F32Neg(x) => un!(x, u32_, w32, |a| a ^ 0x8000_0000),
                I::F32Ceil(x) => un!(x, f32_, wf32, |a| ops::quiet_f32(a.ceil())),
                I::F32Floor(x) => un!(x, f32_, wf32, |a| ops::quiet_f32(a.floor())),
                I::F32Trunc(x) => un!(x, f32_, wf32, |a| ops::quiet_f32(a.trunc())),
                I::F32Nearest(x) => un!(x, f32_, wf32, |a| ops::quiet_f32(a.round_ties_even())),
                I::F32Sqrt(x) => un!(x, f32_, wf32, |a| a.sqrt()),
                I::F64Abs(x) => un!(x, get, raw, |a| a & 0x7fff_ffff_ffff_ffff),
                I::F64Neg(x) => un!(x, get, raw, |a| a ^ 0x8000_0000_0000_0000),
                I::F64Ceil(x) => un!(x, f64_, wf64, |a| ops::quiet_f64(a.ceil())),
                I::F64Floor(x) => un!(x, f64_, wf64, |a| ops::quiet_f64(a.floor())),
                I::F64Trunc(x) => un!(x, f64_, wf64, |a| ops::quiet_f64(a.trunc())),
                I::F64Nearest(x) => un!(x, f64_, wf64, |a| ops::quiet_f64(a.round_ties_even())),
                I::F64Sqrt(x) => un!(x, f64_, wf64, |a| a.sqrt()),
                I::I32WrapI64(x) => un!(x, get, w32, |a| a),
                I::I32TruncF32S(x) => un!(x, f32_, w32, |a| tri!(ops::i32_trunc_f32_s(a))),
                I::I32TruncF32U(x) => un!(x, f32_, w32, |a| tri!(ops::i32_trunc_f32_u(a))),
                I::I32TruncF64S(x) => un!(x, f64_, w32, |a| tri!(ops::i32_trunc_f64_s(a))),
                I::I32TruncF64U(x) => un!(x, f64_, w32, |a| tri!(ops::i32_trunc_f64_u(a))),
                I::I64ExtendI32S(x) => un!(x, i32_, raw, |a| i64::from(a) as u64),
                I::I64ExtendI32U(x) => un!(x, u32_, raw, |a| u64::from(a)),
                I::I64TruncF32S(x) => un!(x, f32_, raw, |a| tri!(ops::i64_trunc_f32_s(a)) as u64),
                I::I64TruncF32U(x) => un!(x, f32_, raw, |a| tri!(ops::i64_trunc_f32_u(a))),
                I::I64TruncF64S(x) => un!(x, f64_, raw, |a| tri!(ops::i64_trunc_f64_s(a)) as u64),
                I::I64TruncF64U(x) => un!(x, f64_, raw, |a| tri!(ops::i64_trunc_f64_u(a))),
                I::F32ConvertI32S(x) => un!(x, i32_, wf32, |a| a as f32),
                I::F32ConvertI32U(x) => un!(x, u32_, wf32, |a| a as f32),
                I::F32ConvertI64S(x) => un!(x, i64_, wf32, |a| a as f32),
                I::F32ConvertI64U(x) => un!(x, get, wf32, |a| a as f32),
                I::F32DemoteF64(x) => un!(x, f64_, wf32, |a| a as f32),
                I::F64ConvertI32S(x) => un!(x, i32_, wf64, |a| a as f64),
                I::F64ConvertI32U(x) => un!(x, u32_, wf64, |a| a as f64),
                I::F64ConvertI64S(x) => un!(x, i64_, wf64, |a| a as f64),
                I::F64ConvertI64U(x) => un!(x, get, wf64, |a| a as f64),
                I::F64PromoteF32(x) => un!(x, f32_, wf64, |a| f64::from(a)),
                I::I32Extend8S(x) => un!(x, u32_, w32, |a| a as i8 as i32),
                I::I32Extend16S(x) => un!(x, u32_, w32, |a| a as i16 as i32),
                I::I64Extend8S(x) => un!(x, get, raw, |a| a as i8 as i64 as u64),
                I::I64Extend16S(x) => un!(x, get, raw, |a| a as i16 as i64 as u64),
                I::I64Extend32S(x) => un!(x, get, raw, |a| a as i32 as i64 as u64),
                I::I32TruncSatF32S(x) => un!(x, f32_, w32, |a| a as i32),
                I::I32TruncSatF32U(x) => un!(x, f32_, w32, |a| a as u32),
                I::I32TruncSatF64S(x) => un!(x, f64_, w32, |a| a as i32),
                I::I32TruncSatF64U(x) => un!(x, f64_, w32, |a| a as u32),
                I::I64TruncSatF32S(x) => un!(x, f32_, raw, |a| a as i64 as u64),
                I::I64TruncSatF32U(x) => un!(x, f32_, raw, |a| a as u64),
                I::I64TruncSatF64S(x) => un!(x, f64_, raw, |a| a as i64 as u64),
                I::I64TruncSatF64U(x) => un!(x, f64_, raw, |a| a as u64),

                I::I32Load(x) => ld!(x, 4, |b| u64::from(u32::from_le_bytes(b))),
                I::I64Load(x) => ld!(x, 8, |b| u64::from_le_bytes(b)),
                I::I32Load8S(x) => ld!(x, 1, |b| w32!(b[0] as i8 as i32)),
                I::I32Load8U(x) => ld!(x, 1, |b| u64::from(b[0])),
                I::I32Load16S(x) => ld!(x, 2, |b| w32!(i16::from_le_bytes(b) as i32)),
                I::I32Load16U(x) => ld!(x, 2, |b| u64::from(u16::from_le_bytes(b))),
                I::I64Load8S(x) => ld!(x, 1, |b| b[0] as i8 as i64 as u64),
                I::I64Load8U(x) => ld!(x, 1, |b| u64::from(b[0])),
                I::I64Load16S(x) => ld!(x, 2, |b| i16::from_le_bytes(b) as i64 as u64),
                I::I64Load16U(x) => ld!(x, 2, |b| u64::from(u16::from_le_bytes(b))),
                I::I64Load32S(x) => ld!(x, 4, |b| i32::from_le_bytes(b) as i64 as u64),
                I::I64Load32U(x) => ld!(x, 4, |b| u64::from(u32::from_le_bytes(b))),
                I::I32Store(x) => st!(x, (get!(x.val) as u32).to_le_bytes()),
                I::I64Store(x) => st!(x, get!(x.val).to_le_bytes()),
                I::I32Store8(x) => st!(x, [get!(x.val) as u8]),
                I::I32Store16(x) => st!(x, (get!(x.val) as u16).to_le_bytes()),
                I::I32StoreImm(x) => st!(x, x.value.to_le_bytes()),
                I::I64StoreImm(x) => st!(x, i64::from(x.value).to_le_bytes()),
                I::I32Store8Imm(x) => st!(x, [x.value as u8]),
                I::I32Store16Imm(x) => st!(x, (x.value as u16).to_le_bytes()),
            }
            }};
        }
        loop {
            step!();
            step!();
        }
    }
}
