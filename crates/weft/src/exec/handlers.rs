//! One handler function per instruction, and the two ways of chaining them.
//!
//! Every [`Op`] carries a pointer to its handler. A handler executes its
//! instruction and then *dispatches*: it reads the next op's handler and
//! either calls it in tail position (`weft_tail_dispatch`, chosen by
//! `build.rs` for optimised builds, where LLVM turns that call into a jump),
//! or stores the interpreter state in the [`Ctx`] and returns to the loop in
//! [`execute`] (every other build, so a debug build never grows the host
//! stack per instruction). Either way each handler ends in its own indirect
//! jump, which the branch predictor learns per instruction kind, and the
//! hot state (instruction pointer, frame pointer, memory 0) stays in
//! argument registers.
//!
//! Handlers never recurse on the host stack: a wasm call pushes a [`Frame`]
//! and jumps to the callee's first op; a return pops it and jumps back. The
//! only exits to [`super::run`] are the end of the outermost frame, a trap and
//! a host-function call (which needs the typed `Store<T>`).
//!
//! Work that needs locals in memory (bulk operations, compiling a function
//! lazily) sits in separate functions that hand results back through the
//! `Ctx` or a return value, so the handlers themselves keep no stack slots
//! whose address escapes, which would stop LLVM from emitting the dispatch
//! as a jump.

use super::view::taken_branch;
pub(crate) use super::view::{Ip, Mem, Regs};
use super::{Ctx, Exit, Frame, bulk, mem_parts, ops, simd_ops};
use crate::code::{ACC, ACC_A, ACC_B, ACC_DST, Instr, MemOp, Slot, V128LoadKind};
use crate::engine::SigId;
use crate::error::TrapKind;
use crate::runtime::func::FuncKind;
use crate::simd;
use std::sync::atomic::Ordering;

/// The type of every handler.
pub(crate) type Handler = fn(Ip, Regs, Mem, &mut Ctx<'_>, f64) -> Exit;

/// The outermost frame of an activation returned to its marker.
pub(super) fn activation_end(_: Ip, _: Regs, _: Mem, _: &mut Ctx<'_>, _: f64) -> Exit {
    Exit::Done
}

/// Runs from the innermost frame of `ctx` until the outermost one returns,
/// a trap, or a host call.
pub(super) fn execute(ctx: &mut Ctx<'_>) -> Exit {
    let Some(&top) = ctx.frames.last() else {
        return Exit::Done;
    };
    let mem = switch_instance(ctx, top.instance);
    let regs = Regs::at(ctx.stack, top.fp);
    run_from(top.ip, regs, mem, ctx)
}

/// Continues where [`resume_at`] left the state.
pub(super) fn execute_at(ctx: &mut Ctx<'_>) -> Exit {
    run_from(ctx.ip, ctx.regs, ctx.mem, ctx)
}

fn run_from(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>) -> Exit {
    // Loop dispatch returns to this loop after every op; tail dispatch
    // only after a caught exception (`resume_at`).
    let (mut ip, mut regs, mut mem, mut fa) = (ip, regs, mem, 0.0);
    loop {
        match (ip.op().handler)(ip, regs, mem, ctx, fa) {
            Exit::Continue => (ip, regs, mem, fa) = (ctx.ip, ctx.regs, ctx.mem, ctx.fa),
            exit => return exit,
        }
    }
}

/// Returns to [`execute`]'s loop, which continues at `ip`: how code
/// resumes after a caught exception in both dispatch modes, so that the
/// unwinder's own calls never stay on the host stack.
fn resume_at(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>) -> Exit {
    ctx.ip = ip;
    ctx.regs = regs;
    ctx.mem = mem;
    ctx.fa = 0.0;
    Exit::Continue
}

/// Continues at `ip`: a tail call of its handler, or a return to the loop.
macro_rules! dispatch {
    ($ip:expr, $regs:expr, $mem:expr, $ctx:expr, $fa:expr) => {{
        let (ip, regs, mem, fa): (Ip, Regs, Mem, f64) = ($ip, $regs, $mem, $fa);
        #[cfg(weft_tail_dispatch)]
        {
            return (ip.op().handler)(ip, regs, mem, $ctx, fa);
        }
        #[cfg(not(weft_tail_dispatch))]
        {
            let ctx: &mut Ctx<'_> = $ctx;
            ctx.ip = ip;
            ctx.regs = regs;
            ctx.mem = mem;
            ctx.fa = fa;
            return Exit::Continue;
        }
    }};
}

/// Unwraps a `Result<_, TrapKind>`, exiting with the trap.
macro_rules! tri {
    ($ip:expr, $ctx:expr, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(k) => return trap_at($ip, $ctx, k),
        }
    };
}

/// A trap of `kind` at the op at `ip` (recorded for the backtrace).
#[cold]
#[inline(never)]
fn trap_at(ip: Ip, ctx: &mut Ctx<'_>, kind: TrapKind) -> Exit {
    ctx.trap_ip = ip;
    Exit::Trap(kind)
}

// Result writers: how a computed value becomes a cell.
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

/// Operand `$s` read as `$rd` (a `Cell` reader), or the accumulator when
/// `$from_acc`: for an `f64` operand the float accumulator `$fa`, else the
/// integer one in `$regs`.
macro_rules! arg {
    (f64, $regs:ident, $fa:ident, $s:expr, $from_acc:expr) => {
        if $from_acc {
            debug_assert_eq!({ $s }, ACC);
            $fa
        } else {
            $regs.arg($s, false).f64()
        }
    };
    ($rd:ident, $regs:ident, $fa:ident, $s:expr, $from_acc:expr) => {
        $regs.arg($s, $from_acc).$rd()
    };
}

/// Writes result `$e` with writer `$wr` to slot `$s` (unless `$to_acc`) and
/// to the accumulator: an `f64` (`wf64`) to the float accumulator `$fa`,
/// anything else to the integer one.
macro_rules! put {
    (wf64, $regs:ident, $fa:ident, $s:expr, $e:expr, $to_acc:expr) => {{
        let v: f64 = $e;
        $fa = v;
        if $to_acc {
            debug_assert_eq!({ $s }, ACC);
        } else {
            $regs.set($s, v.to_bits());
        }
    }};
    ($wr:ident, $regs:ident, $fa:ident, $s:expr, $e:expr, $to_acc:expr) => {
        $regs.put($s, $wr!($e), $to_acc)
    };
}

/// Whether a reader (`Cell` method) or writer reads or writes `f64`, that
/// is, goes through the float accumulator.
macro_rules! f64_rd {
    (f64) => {
        true
    };
    ($rd:ident) => {
        false
    };
}
macro_rules! f64_wr {
    (wf64) => {
        true
    };
    ($wr:ident) => {
        false
    };
}

macro_rules! raw {
    ($v:expr) => {
        $v
    };
}

/// Picks the instantiation of the generic handler `$f` for accumulator
/// mode `$m`, one of the modes `$k` it is generated for.
macro_rules! by_mode {
    ($f:ident, $m:expr, [$($k:literal),*]) => {
        match $m {
            $($k => $f::<$k> as Handler,)*
            m => unreachable!("no {} handler for accumulator mode {m}", stringify!($f)),
        }
    };
}

/// Whether mode `M` has bit `bit` (a constant in every instantiation).
macro_rules! acc {
    ($bit:ident) => {
        M & $bit != 0
    };
}

/// In a handler generic over `M`: a checked back-edge's work (see
/// [`CHECK`]) before it branches by `$target`, compiled out of every other
/// instantiation.
///
/// The fast paths are inline and the slow ones tail calls (a trap, or the
/// header's own `check_interrupt` once something is asked for), so the
/// handler saves no registers.
macro_rules! back_edge {
    ($ip:ident, $regs:ident, $mem:ident, $ctx:ident, $fa:ident, $target:expr) => {
        if M & CHECK != 0 {
            let header = $ip.jump($target).back();
            if let Instr::ConsumeFuel { amount } = *header.instr() {
                let fuel = &mut $ctx.inner.fuel;
                if *fuel < u64::from(amount) {
                    return back_edge_slow(header, $regs, $mem, $ctx, $fa);
                }
                *fuel -= u64::from(amount);
            } else if $ctx.attention.any() {
                return back_edge_slow(header, $regs, $mem, $ctx, $fa);
            }
        }
    };
}

/// Defines handlers of one operand family and the function that maps the
/// family's instructions to them. Each handler is generic over its
/// accumulator mode `M` and instantiated for the modes listed in `$modes`. `$body` sees
/// the operands as `x` and evaluates to `()` after writing its result; the
/// dispatch follows.
macro_rules! family {
    ($map:ident $modes:tt: $($v:ident => |$ip:ident, $regs:ident, $mem:ident, $ctx:ident, $x:ident, $fa:ident| $body:expr;)*) => {
        $(
            #[allow(non_snake_case, unused_mut, unused_assignments)]
            fn $v<const M: u8>($ip: Ip, mut $regs: Regs, $mem: Mem, $ctx: &mut Ctx<'_>, mut $fa: f64) -> Exit {
                let $x = operands!($ip, Instr::$v(x) => x);
                $body;
                dispatch!($ip.next(), $regs, $mem, $ctx, $fa)
            }
        )*
        fn $map(i: &Instr) -> Option<Handler> {
            Some(match i {
                $(Instr::$v(_) => by_mode!($v, i.acc_mode(), $modes),)*
                _ => return None,
            })
        }
    };
}

macro_rules! bin_family {
    (|$ipn:ident, $ctxn:ident| $($v:ident($rd:ident, $wr:ident, |$a:ident, $b:ident| $e:expr);)*) => {
        family! { bin_handler [0, 1, 2, 3, 4, 5, 6, 7]: $(
            $v => |$ipn, regs, mem, $ctxn, x, fa| {
                let $a = arg!($rd, regs, fa, x.a, acc!(ACC_A));
                let $b = arg!($rd, regs, fa, x.b, acc!(ACC_B));
                put!($wr, regs, fa, x.dst, $e, acc!(ACC_DST))
            };
        )* }
        fn bin_float_acc(i: &Instr) -> Option<FloatAcc> {
            Some(match i {
                $(Instr::$v(_) => FloatAcc { reads: if f64_rd!($rd) { ACC_A | ACC_B } else { 0 }, writes: f64_wr!($wr) },)*
                _ => return None,
            })
        }
    };
}

/// Binary operations with an inline immediate: `$a` is the slot operand and
/// `$b` the immediate, both as `u32` (32-bit), as `u64` with the immediate
/// sign-extended (64-bit), or as floats (`f32`, `f64`: the immediate's `f32`
/// widened; `*cmp`: a comparison, whose result is an `i32`).
///
/// A row's `Wide` form reads the immediate from the pool word its `imm`
/// names instead (the 64-bit constant's bits; for `f64`, the double).
macro_rules! imm_family {
    ($map:ident / $wide_map:ident / $float_map:ident:
     $($v:ident $(/ $wide:ident)? ($w:tt, |$a:ident, $b:ident| $e:expr);)*) => {
        family! { $map [0, 1, 2, 3]: $(
            $v => |ip, regs, mem, ctx, x, fa| {
                let ($a, $b) = imm_family!(@operands $w, regs, fa, x);
                imm_family!(@put $w, regs, fa, x.dst, $e)
            };
        )* }
        family! { $wide_map [0, 1, 2, 3]: $($(
            $wide => |ip, regs, mem, ctx, x, fa| {
                let ($a, $b) = imm_family!(@wide $w, regs, fa, x, pool_word(ip, x.imm));
                imm_family!(@put $w, regs, fa, x.dst, $e)
            };
        )?)* }
        fn $float_map(i: &Instr) -> Option<FloatAcc> {
            Some(match i {
                $(Instr::$v(_) $(| Instr::$wide(_))? => FloatAcc {
                    reads: if imm_family!(@f64_rd $w) { ACC_A } else { 0 },
                    writes: imm_family!(@f64_wr $w),
                },)*
                _ => return None,
            })
        }
    };
    (@f64_rd f64) => { true };
    (@f64_rd f64cmp) => { true };
    (@f64_rd $w:tt) => { false };
    (@f64_wr f64) => { true };
    (@f64_wr $w:tt) => { false };
    (@put f64, $regs:ident, $fa:ident, $dst:expr, $e:expr) => {
        put!(wf64, $regs, $fa, $dst, $e, acc!(ACC_DST))
    };
    (@put $w:tt, $regs:ident, $fa:ident, $dst:expr, $e:expr) => {
        $regs.put($dst, imm_family!(@write $w, $e), acc!(ACC_DST))
    };
    (@wide 64, $regs:ident, $fa:ident, $x:ident, $word:expr) => {
        ($regs.arg($x.a, acc!(ACC_A)).get(), $word)
    };
    (@wide f64, $regs:ident, $fa:ident, $x:ident, $word:expr) => {
        (arg!(f64, $regs, $fa, $x.a, acc!(ACC_A)), f64::from_bits($word))
    };
    (@wide f64cmp, $regs:ident, $fa:ident, $x:ident, $word:expr) => {
        imm_family!(@wide f64, $regs, $fa, $x, $word)
    };
    (@operands 32, $regs:ident, $fa:ident, $x:ident) => {
        ($regs.arg($x.a, acc!(ACC_A)).u32(), $x.imm as u32)
    };
    (@operands 64, $regs:ident, $fa:ident, $x:ident) => {
        ($regs.arg($x.a, acc!(ACC_A)).get(), i64::from($x.imm) as u64)
    };
    (@operands f32, $regs:ident, $fa:ident, $x:ident) => {
        ($regs.arg($x.a, acc!(ACC_A)).f32(), f32_imm($x.imm))
    };
    (@operands f64, $regs:ident, $fa:ident, $x:ident) => {
        (arg!(f64, $regs, $fa, $x.a, acc!(ACC_A)), f64_imm($x.imm))
    };
    (@operands f32cmp, $regs:ident, $fa:ident, $x:ident) => {
        imm_family!(@operands f32, $regs, $fa, $x)
    };
    (@operands f64cmp, $regs:ident, $fa:ident, $x:ident) => {
        imm_family!(@operands f64, $regs, $fa, $x)
    };
    (@write 32, $e:expr) => {
        w32!($e)
    };
    (@write 64, $e:expr) => {
        u64::from($e)
    };
    (@write f32, $e:expr) => {
        wf32!($e)
    };
    (@write f64, $e:expr) => {
        wf64!($e)
    };
    (@write f32cmp, $e:expr) => {
        w32!($e)
    };
    (@write f64cmp, $e:expr) => {
        w32!($e)
    };
}

macro_rules! un_family {
    (|$ipn:ident, $ctxn:ident| $($v:ident($rd:ident, $wr:ident, |$a:ident| $e:expr);)*) => {
        family! { un_handler [0, 1, 2, 3]: $(
            $v => |$ipn, regs, mem, $ctxn, x, fa| {
                let $a = arg!($rd, regs, fa, x.src, acc!(ACC_A));
                put!($wr, regs, fa, x.dst, $e, acc!(ACC_DST))
            };
        )* }
        fn un_float_acc(i: &Instr) -> Option<FloatAcc> {
            Some(match i {
                $(Instr::$v(_) => FloatAcc { reads: if f64_rd!($rd) { ACC_A | ACC_B } else { 0 }, writes: f64_wr!($wr) },)*
                _ => return None,
            })
        }
    };
}

/// Loads from memory 0: `$n` bytes at `addr + offset` (`$v`) or at
/// `a + b + offset` (`$vi`), decoded by `$e`.
macro_rules! load_family {
    ($($v:ident / $vi:ident / $vd:ident / $va:ident ($n:literal, $wr:ident, |$b:ident| $e:expr);)*) => {
        family! { load_handler [0, 1, 2, 3]: $(
            $v => |ip, regs, mem, ctx, x, fa| {
                let ea = u64::from(regs.arg(x.addr, acc!(ACC_A)).u32()) + u64::from(x.offset);
                let Some($b) = mem.load::<$n>(ea) else {
                    return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
                };
                put!($wr, regs, fa, x.dst, $e, acc!(ACC_DST))
            };
        )* }
        family! { load_idx_handler [0, 1]: $(
            $vi => |ip, regs, mem, ctx, x, fa| {
                let ea = u64::from(regs.u32(x.a).wrapping_add(regs.u32(x.b))) + u64::from(x.offset);
                let Some($b) = mem.load::<$n>(ea) else {
                    return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
                };
                put!($wr, regs, fa, x.dst, $e, acc!(ACC_DST))
            };
        )* }
        family! { load_disp_handler [0, 1, 2, 3]: $(
            $vd => |ip, regs, mem, ctx, x, fa| {
                let a = regs.arg(x.a, acc!(ACC_A)).u32();
                let ea = u64::from(a.wrapping_add(x.disp as u32)) + u64::from(x.offset);
                let Some($b) = mem.load::<$n>(ea) else {
                    return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
                };
                put!($wr, regs, fa, x.dst, $e, acc!(ACC_DST))
            };
        )* }
        family! { load_abs_handler [0, 1]: $(
            $va => |ip, regs, mem, ctx, x, fa| {
                let Some($b) = mem.load::<$n>(u64::from(x.ea)) else {
                    return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
                };
                put!($wr, regs, fa, x.dst, $e, acc!(ACC_DST))
            };
        )* }
        fn load_float_acc(i: &Instr) -> Option<FloatAcc> {
            Some(match i {
                $(Instr::$v(_) | Instr::$vi(_) | Instr::$vd(_) | Instr::$va(_) => FloatAcc { reads: 0, writes: f64_wr!($wr) },)*
                _ => return None,
            })
        }
    };
}

/// Stores to memory 0 at `addr + offset` (`$v`) or `a + b + offset` (`$vi`)
/// of the bytes `$e` makes from the value `$val`: a slot's cell (`slot`,
/// which may come from the accumulator) or the immediate (`imm`).
macro_rules! store_family {
    ($map:ident / $mapi:ident / $mapd:ident / $mapa:ident / $float_map:ident, $src:ident: $($v:ident / $vi:ident / $vd:ident / $va:ident ($rd:ident, |$val:ident| $e:expr);)*) => {
        family! { $map [0, 2, 4]: $(
            $v => |ip, regs, mem, ctx, x, fa| {
                let ea = u64::from(regs.arg(x.addr, acc!(ACC_A)).u32()) + u64::from(x.offset);
                let $val = store_family!(@$src regs, fa, x, $rd, acc!(ACC_B));
                if mem.store(ea, $e).is_none() {
                    return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
                }
            };
        )* }
        family! { $mapi [0]: $(
            $vi => |ip, regs, mem, ctx, x, fa| {
                let ea = u64::from(regs.u32(x.a).wrapping_add(regs.u32(x.b)))
                    + u64::from(x.offset);
                let $val = store_family!(@$src regs, fa, x, $rd, false);
                if mem.store(ea, $e).is_none() {
                    return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
                }
            };
        )* }
        family! { $mapd [0, 2, 4]: $(
            $vd => |ip, regs, mem, ctx, x, fa| {
                let a = regs.arg(x.a, acc!(ACC_A)).u32();
                let ea = u64::from(a.wrapping_add(x.disp as u32)) + u64::from(x.offset);
                let $val = store_family!(@$src regs, fa, x, $rd, acc!(ACC_B));
                if mem.store(ea, $e).is_none() {
                    return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
                }
            };
        )* }
        family! { $mapa [0, 4]: $(
            $va => |ip, regs, mem, ctx, x, fa| {
                let $val = store_family!(@$src regs, fa, x, $rd, acc!(ACC_B));
                if mem.store(u64::from(x.ea), $e).is_none() {
                    return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
                }
            };
        )* }
        fn $float_map(i: &Instr) -> Option<FloatAcc> {
            Some(match i {
                $(Instr::$v(_) | Instr::$vi(_) | Instr::$vd(_) | Instr::$va(_) => FloatAcc {
                    reads: if f64_rd!($rd) { ACC_B } else { 0 },
                    writes: false,
                },)*
                _ => return None,
            })
        }
    };
    (@slot $regs:ident, $fa:ident, $x:ident, $rd:ident, $acc:expr) => {
        arg!($rd, $regs, $fa, $x.val, $acc)
    };
    (@imm $regs:ident, $fa:ident, $x:ident, $rd:ident, $acc:expr) => {
        $x.value
    };
}

/// The `f32` immediate of a float instruction (its bits).
#[inline(always)]
fn f32_imm(imm: i32) -> f32 {
    f32::from_bits(imm as u32)
}

/// The `f64` immediate of a float instruction: an `f32` that widens exactly.
#[inline(always)]
fn f64_imm(imm: i32) -> f64 {
    f64::from(f32_imm(imm))
}

/// Fused compare-and-branch handlers: jump to the target when `$cond`
/// holds of `$a` (slot `a` read as `$rd`) and `$b` (slot `b` read as `$rd`,
/// or the `i32` immediate).
macro_rules! branch_family {
    ($map:ident / $checked:ident / $float_map:ident $modes:tt $checked_modes:tt, $rhs:ident: $($v:ident($rd:ident, |$a:ident, $b:ident| $cond:expr);)*) => {
        $(
            // A negated float comparison is meant: with a NaN it differs
            // from the opposite comparison.
            #[allow(non_snake_case, clippy::neg_cmp_op_on_partial_ord)]
            fn $v<const M: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
                let x = operands!(ip, Instr::$v(x) => x);
                let $a = arg!($rd, regs, fa, x.a, acc!(ACC_A));
                let $b = branch_family!(@$rhs regs, fa, x, $rd);
                if $cond {
                    taken_branch();
                    back_edge!(ip, regs, mem, ctx, fa, x.target);
                    dispatch!(ip.jump(x.target), regs, mem, ctx, fa)
                }
                dispatch!(ip.next(), regs, mem, ctx, fa)
            }
        )*
        fn $map(i: &Instr) -> Option<Handler> {
            Some(match i {
                $(Instr::$v(_) => by_mode!($v, i.acc_mode(), $modes),)*
                _ => return None,
            })
        }
        fn $checked(i: &Instr) -> Option<Handler> {
            Some(match i {
                $(Instr::$v(_) => by_mode!($v, i.acc_mode() | CHECK, $checked_modes),)*
                _ => return None,
            })
        }
        fn $float_map(i: &Instr) -> Option<FloatAcc> {
            Some(match i {
                $(Instr::$v(_) => FloatAcc { reads: if f64_rd!($rd) { ACC_A | ACC_B } else { 0 }, writes: false },)*
                _ => return None,
            })
        }
    };
    (@slot $regs:ident, $fa:ident, $x:ident, $rd:ident) => {
        arg!($rd, $regs, $fa, $x.b, acc!(ACC_B))
    };
    (@imm $regs:ident, $fa:ident, $x:ident, $rd:ident) => {
        $x.imm
    };
}

/// Which accumulator an instruction's handlers use: `reads`, the operands
/// (as accumulator mode bits, `ACC_A`, `ACC_B`) that come from the float
/// accumulator when they come from one (`f64` operands; the others come
/// from the integer one); `writes`, its result goes to the float
/// accumulator (an `f64`), else to the integer one. The
/// compiler hands a value over only between a writer and a reader that
/// agree (`Translator::link_acc`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FloatAcc {
    pub(crate) reads: u8,
    pub(crate) writes: bool,
}

/// The accumulators of `i`'s handlers (read off the same tables that
/// define them).
pub(crate) fn float_acc(i: &Instr) -> FloatAcc {
    bin_float_acc(i)
        .or_else(|| bin_imm_float_acc(i))
        .or_else(|| un_float_acc(i))
        .or_else(|| br_cmp_float_acc(i))
        .or_else(|| br_cmp_imm_float_acc(i))
        .or_else(|| load_float_acc(i))
        .or_else(|| store_float_acc(i))
        .or_else(|| store_imm_float_acc(i))
        .unwrap_or_default()
}

/// Add-and-branch handlers (a loop's step and test): `dst = a + imm`, then
/// jump when `$cond` holds of the sum `$s` and `$b` (slot `b`, read after
/// the sum is written, or the immediate); otherwise skip the op after this
/// one, the branch this was fused from.
macro_rules! add_branch_family {
    ($map:ident / $checked:ident, $rhs:ident: $($v:ident(|$s:ident, $b:ident| $cond:expr);)*) => {
        $(
            #[allow(non_snake_case)]
            fn $v<const M: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
                let x = operands!(ip, Instr::$v(x) => x);
                let $s = regs.u32(Slot::from(x.a)).wrapping_add(x.imm as i32 as u32);
                regs.set(Slot::from(x.dst), u64::from($s));
                let $b = add_branch_family!(@$rhs regs, x);
                if $cond {
                    taken_branch();
                    back_edge!(ip, regs, mem, ctx, fa, x.target);
                    dispatch!(ip.jump(x.target), regs, mem, ctx, fa)
                }
                dispatch!(ip.skip(2), regs, mem, ctx, fa)
            }
        )*
        fn $map(i: &Instr) -> Option<Handler> {
            Some(match i {
                $(Instr::$v(_) => $v::<0> as Handler,)*
                _ => return None,
            })
        }
        fn $checked(i: &Instr) -> Option<Handler> {
            Some(match i {
                $(Instr::$v(_) => $v::<CHECK> as Handler,)*
                _ => return None,
            })
        }
    };
    (@slot $regs:ident, $x:ident) => {
        $regs.u32(Slot::from($x.b))
    };
    (@imm $regs:ident, $x:ident) => {
        i32::from($x.rhs)
    };
}

/// The handlers of the operand families, from the instruction table
/// (`code::table`): one family macro per section.
macro_rules! handlers_from_table {
    (
        names: |$ip:ident, $ctx:ident|,
        bin: { $($bin:tt)* }
        bin_imm: { $($bimm:tt)* }
        un: { $($un:tt)* }
        load: { $($ld:tt)* }
        store: { $($st:tt)* }
        store_imm: { $($sti:tt)* }
        br_cmp: { $($brc:tt)* }
        br_cmp_imm: { $($brci:tt)* }
        add_br: { $($abr:tt)* }
        add_br_imm: { $($abri:tt)* }
    ) => {
        bin_family! { |$ip, $ctx| $($bin)* }
        imm_family! { bin_imm_handler / bin_wide_handler / bin_imm_float_acc: $($bimm)* }
        un_family! { |$ip, $ctx| $($un)* }
        load_family! { $($ld)* }
        store_family! {
            store_handler / store_idx_handler / store_disp_handler / store_abs_handler
                / store_float_acc, slot: $($st)*
        }
        store_family! {
            store_imm_handler / store_imm_idx_handler / store_imm_disp_handler
                / store_imm_abs_handler / store_imm_float_acc, imm: $($sti)*
        }
        branch_family! {
            br_cmp_handler / br_cmp_checked / br_cmp_float_acc [0, 2, 4, 6] [8, 10, 12, 14],
            slot: $($brc)*
        }
        branch_family! {
            br_cmp_imm_handler / br_cmp_imm_checked / br_cmp_imm_float_acc [0, 2] [8, 10],
            imm: $($brci)*
        }
        add_branch_family! { add_br_handler / add_br_checked, slot: $($abr)* }
        add_branch_family! { add_br_imm_handler / add_br_imm_checked, imm: $($abri)* }
    };
}

crate::code::instruction_table!(handlers_from_table);

/// The mode bit of a branch that closes a loop whose header is a
/// `CheckInterrupt` or a `ConsumeFuel`: the branch jumps past the header
/// and does its work on its taken side (`back_edge!`; see
/// `compile::check_back_edges`). Not an accumulator bit: it never reaches
/// `Instr::acc_mode`.
const CHECK: u8 = 8;

/// The handler of `i` as a checked back-edge (see [`CHECK`]), if it is a
/// branch that has one. `br_table` entries have none: `br_table` takes
/// their branches itself.
pub(super) fn checked_handler_of(i: &Instr) -> Option<Handler> {
    use Instr as I;
    match i {
        I::Br { .. } => Some(br::<CHECK>),
        I::BrIfNez { .. } => Some(by_mode!(br_if_nez, i.acc_mode() | CHECK, [8, 10])),
        I::BrIfEqz { .. } => Some(by_mode!(br_if_eqz, i.acc_mode() | CHECK, [8, 10])),
        _ => br_cmp_checked(i)
            .or_else(|| br_cmp_imm_checked(i))
            .or_else(|| add_br_checked(i))
            .or_else(|| add_br_imm_checked(i)),
    }
}

/// The handler of `i`.
pub(super) fn handler_of(i: &Instr) -> Handler {
    use Instr as I;
    match i {
        I::Unreachable => unreachable_,
        I::ConsumeFuel { .. } => consume_fuel,
        I::CheckInterrupt => check_interrupt,
        I::DebugPoint { .. } => debug_point,
        I::Br { .. } => br::<0>,
        I::BrIfNez { .. } => by_mode!(br_if_nez, i.acc_mode(), [0, 2]),
        I::BrIfEqz { .. } => by_mode!(br_if_eqz, i.acc_mode(), [0, 2]),
        I::BrTable { .. } => by_mode!(br_table, i.acc_mode(), [0, 2]),
        I::Return => return_,
        I::ReturnSlot { .. } => by_mode!(return_slot, i.acc_mode(), [0, 2]),
        I::Call { .. } => call,
        I::CallImport { .. } => call_import,
        I::CallIndirect { .. } => by_mode!(call_indirect, i.acc_mode(), [0, 2]),
        I::ReturnCall { .. } => return_call,
        I::ReturnCallImport { .. } => return_call_import,
        I::ReturnCallIndirect { .. } => return_call_indirect,
        I::CallRef { .. } => call_ref,
        I::ReturnCallRef { .. } => return_call_ref,
        I::RefAsNonNull { .. } => ref_as_non_null,
        I::Throw { .. } => throw,
        I::ThrowRef { .. } => throw_ref,
        I::Copy { .. } => by_mode!(copy, i.acc_mode(), [0, 2]),
        I::Copy2 { .. } => copy2,
        I::CopyMany { len: 2, .. } => copy_v128,
        I::CopyMany { .. } => copy_many,
        I::Const32 { .. } => by_mode!(const32, i.acc_mode(), [0, 1]),
        I::Const64 { .. } => by_mode!(const64, i.acc_mode(), [0, 1]),
        I::SelectEqz { .. } => select_eqz,
        I::GlobalGet { global: 0, .. } => global_get::<true>,
        I::GlobalGet { .. } => global_get::<false>,
        I::GlobalSet { global: 0, .. } => global_set::<true>,
        I::GlobalSet { .. } => global_set::<false>,
        I::GlobalGetV128 { .. } | I::GlobalSetV128 { .. } => global_v128,
        I::MemorySize { .. }
        | I::MemoryGrow { .. }
        | I::MemoryCopy { .. }
        | I::MemoryFill { .. }
        | I::MemoryInit { .. }
        | I::DataDrop { .. } => memory_op,
        I::RefFunc { .. }
        | I::TableGet { .. }
        | I::TableSet { .. }
        | I::TableSize { .. }
        | I::TableGrow { .. }
        | I::TableFill { .. }
        | I::TableCopy { .. }
        | I::TableInit { .. }
        | I::ElemDrop { .. } => table_op,
        I::Gc { .. } => gc_op,
        I::Atomic { .. } => atomic,
        I::RefTest { .. } => ref_test,
        I::RefCast { .. } => ref_cast,
        I::I64Wide { .. } => i64_wide,
        I::AddOffset64 { .. } => add_offset64,
        I::ClampIndex64 { .. } => clamp_index64,
        I::V128Bin { op, .. } => v128_bin_handler(*op),
        I::V128Un { op, .. } => v128_un_handler(*op),
        I::V128Shift { op, .. } => v128_shift_handler::<false>(*op),
        I::V128ShiftImm { op, .. } => v128_shift_handler::<true>(*op),
        I::V128Splat { .. } => v128_splat,
        I::V128Extract { .. } => v128_extract,
        I::V128Replace { .. } => v128_replace,
        I::V128Load {
            kind: V128LoadKind::V128,
            ..
        } => v128_load_plain,
        I::V128Load { kind, .. } => v128_load_handler(*kind),
        I::V128Store(_) => v128_store,
        I::V128Shuffle { .. } => v128_shuffle,
        I::Data { .. } => data_word,
        I::V128Tern {
            op: simd::TernOp::V128Bitselect,
            ..
        } => v128_bitselect,
        I::SelectEqzV128 { .. }
        | I::V128Tern { .. }
        | I::V128Test { .. }
        | I::V128LoadLane { .. }
        | I::V128StoreLane { .. }
        | I::MemN { .. } => simd,
        I::MemShared { op, .. } => mem_shared_handler(*op),
        _ => bin_handler(i)
            .or_else(|| bin_imm_handler(i))
            .or_else(|| bin_wide_handler(i))
            .or_else(|| un_handler(i))
            .or_else(|| load_handler(i))
            .or_else(|| store_handler(i))
            .or_else(|| store_imm_handler(i))
            .or_else(|| load_idx_handler(i))
            .or_else(|| store_idx_handler(i))
            .or_else(|| store_imm_idx_handler(i))
            .or_else(|| load_disp_handler(i))
            .or_else(|| store_disp_handler(i))
            .or_else(|| store_imm_disp_handler(i))
            .or_else(|| load_abs_handler(i))
            .or_else(|| store_abs_handler(i))
            .or_else(|| store_imm_abs_handler(i))
            .or_else(|| add_br_handler(i))
            .or_else(|| add_br_imm_handler(i))
            .or_else(|| br_cmp_handler(i))
            .or_else(|| br_cmp_imm_handler(i))
            .unwrap_or_else(|| unreachable!("no handler for {i:?}")),
    }
}

fn unreachable_(ip: Ip, _: Regs, _: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    trap_at(ip, ctx, TrapKind::Unreachable)
}

fn consume_fuel(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let amount = operands!(ip, Instr::ConsumeFuel { amount } => amount);
    let fuel = &mut ctx.inner.fuel;
    if *fuel < u64::from(amount) {
        return trap_at(ip, ctx, TrapKind::OutOfFuel);
    }
    *fuel -= u64::from(amount);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// A checked back-edge's slow path: the loop header's own handler at
/// `header` (the fuel trap, or the interrupt check that found something
/// asked for), entered by a tail call. Out of line, so that the branch
/// handlers calling it keep no stack frame.
#[cold]
#[inline(never)]
fn back_edge_slow(header: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    (header.op().handler)(header, regs, mem, ctx, fa)
}

fn check_interrupt(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    if let Some(exit) = interrupt_check(ip, ctx) {
        return exit;
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// What `CheckInterrupt` does at `ip`: trap if an
/// interrupt is pending, take a sample if one is asked for.
#[inline(always)]
fn interrupt_check(ip: Ip, ctx: &mut Ctx<'_>) -> Option<Exit> {
    // One plain load; the rest only once something is asked for.
    if ctx.attention.any() {
        return requested(ip, ctx);
    }
    None
}

#[cold]
#[inline(never)]
fn requested(ip: Ip, ctx: &mut Ctx<'_>) -> Option<Exit> {
    use crate::runtime::store::Attention;
    if ctx.attention.take(Attention::INTERRUPT) {
        return Some(trap_at(ip, ctx, TrapKind::Interrupted));
    }
    if ctx.attention.take(Attention::SAMPLE) {
        super::take_sample(ctx, ip);
    }
    None
}

fn debug_point(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    // One plain load while no debugger wants anything.
    if ctx.debug_armed.load(Ordering::Relaxed) && super::debug_stop_here(ctx, ip) {
        if let Some(top) = ctx.frames.last_mut() {
            // Resume after the point, as after a host call.
            top.ip = ip.next();
        }
        return Exit::Debug;
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn br<const M: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let target = operands!(ip, Instr::Br { target } => target);
    back_edge!(ip, regs, mem, ctx, fa, target);
    dispatch!(ip.jump(target), regs, mem, ctx, fa)
}

fn br_if_nez<const M: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (cond, target) = operands!(ip, Instr::BrIfNez { cond, target } => (cond, target));
    if regs.arg(cond, acc!(ACC_A)).u32() != 0 {
        taken_branch();
        back_edge!(ip, regs, mem, ctx, fa, target);
        dispatch!(ip.jump(target), regs, mem, ctx, fa)
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn br_if_eqz<const M: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (cond, target) = operands!(ip, Instr::BrIfEqz { cond, target } => (cond, target));
    if regs.arg(cond, acc!(ACC_A)).u32() == 0 {
        taken_branch();
        back_edge!(ip, regs, mem, ctx, fa, target);
        dispatch!(ip.jump(target), regs, mem, ctx, fa)
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// The next `len + 1` ops are the table's `Br`s, the last the default (the
/// compiler emits nothing else there, see `optimize_branches`).
fn br_table<const M: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (index, len) = operands!(ip, Instr::BrTable { index, len } => (index, len));
    let i = regs.arg(index, acc!(ACC_A)).u32().min(len);
    // Take the entry's branch here rather than dispatching to it.
    let entry = ip.skip(1 + i as usize);
    let target = operands!(entry, Instr::Br { target } => target);
    dispatch!(entry.jump(target), regs, mem, ctx, fa)
}

fn return_(_: Ip, _: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    ctx.frames.pop();
    let Some(&caller) = ctx.frames.last() else {
        return Exit::Done;
    };
    let mem = if caller.instance != ctx.instance {
        switch_instance(ctx, caller.instance)
    } else {
        mem
    };
    let regs = Regs::at(ctx.stack, caller.fp);
    dispatch!(caller.ip, regs, mem, ctx, fa)
}

fn return_slot<const M: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let src = operands!(ip, Instr::ReturnSlot { src } => src);
    regs.set(0, regs.arg(src, acc!(ACC_A)).get());
    return_(ip, regs, mem, ctx, fa)
}

fn call(ip: Ip, _: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (func, base) = operands!(ip, Instr::Call { func, base } => (func, base));
    match enter_fast(ctx, func, base, ip.next()) {
        Some((ip, regs)) => dispatch!(ip, regs, mem, ctx, fa),
        None => enter_slow(ctx, func, base, ip.next(), mem),
    }
}

fn call_import(ip: Ip, _: Regs, mem: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    let (func, base) = operands!(ip, Instr::CallImport { func, base } => (func, base));
    let f = ctx.instance_func(func);
    call_store_func(f, base, ip, mem, ctx)
}

fn call_indirect<const M: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (sig, base, index, table) = operands!(ip, Instr::CallIndirect {
        sig, base, index, table
    } => (sig, base, index, table));
    // The same checks as `indirect_callee`, written out: through that
    // function's `Result` this handler ran 1.6% more instructions on the
    // dispatch benchmark (callgrind).
    let t = ctx.instance_table(table);
    let i = regs.arg(index, acc!(ACC_A)).u32();
    let Some(cell) = ctx.table_elem(t, i) else {
        return trap_at(ip, ctx, TrapKind::UndefinedElement);
    };
    let Some(f) = cell.checked_sub(1) else {
        return trap_at(ip, ctx, TrapKind::UninitializedElement);
    };
    if ctx.func(f as u32).sig() != sig {
        return call_indirect_slow::<M>(ip, regs, mem, ctx, fa);
    }
    call_store_func(f as u32, base, ip, mem, ctx)
}

/// `call_indirect` whose callee's type id is not the expected one: the
/// call goes ahead if its type is a declared subtype. Out of line and with
/// a handler's signature, so the mismatch branch of `call_indirect` is a
/// jump with its arguments where they already are; it decodes the op again.
#[cold]
#[inline(never)]
fn call_indirect_slow<const M: u8>(
    ip: Ip,
    regs: Regs,
    mem: Mem,
    ctx: &mut Ctx<'_>,
    _: f64,
) -> Exit {
    let (sig, base, index, table) = operands!(ip, Instr::CallIndirect {
        sig, base, index, table
    } => (sig, base, index, table));
    let i = regs.arg(index, acc!(ACC_A)).u32();
    let f = tri!(ip, ctx, indirect_callee(ctx, table, i, sig));
    call_store_func(f, base, ip, mem, ctx)
}

/// The store function at element `i` of table `table` of the current
/// instance, checked against the expected signature `sig`, subtypes
/// included (for tail calls and `call_indirect`'s slow path; its fast path
/// has the same checks inline).
fn indirect_callee(ctx: &Ctx<'_>, table: u16, i: u32, sig: SigId) -> Result<u32, TrapKind> {
    let t = ctx.instance_table(table);
    let Some(cell) = ctx.table_elem(t, i) else {
        return Err(TrapKind::UndefinedElement);
    };
    let Some(f) = cell.checked_sub(1) else {
        return Err(TrapKind::UninitializedElement);
    };
    let own = ctx.func(f as u32).sig();
    if own != sig && !ctx.sig_sub(own, sig) {
        return Err(TrapKind::BadSignature);
    }
    Ok(f as u32)
}

fn return_call(ip: Ip, _: Regs, mem: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    let (func, base) = operands!(ip, Instr::ReturnCall { func, base } => (func, base));
    tail_enter(ctx, ctx.instance, func, base, mem)
}

fn return_call_import(ip: Ip, _: Regs, mem: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    let (func, base) = operands!(ip, Instr::ReturnCallImport { func, base } => (func, base));
    let f = ctx.instance_func(func);
    tail_call_store_func(f, base, ip, mem, ctx)
}

fn return_call_indirect(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    let (sig, base, index, table) = operands!(ip, Instr::ReturnCallIndirect {
        sig, base, index, table
    } => (sig, base, index, table));
    let f = tri!(ip, ctx, indirect_callee(ctx, table, regs.u32(index), sig));
    tail_call_store_func(f, base, ip, mem, ctx)
}

/// The store function a function reference cell names (0 is null).
#[inline(always)]
fn func_of_ref(cell: u64) -> Result<u32, TrapKind> {
    match cell.checked_sub(1) {
        Some(f) => Ok(f as u32),
        None => Err(TrapKind::NullFunctionReference),
    }
}

fn call_ref(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    let (base, callee) = operands!(ip, Instr::CallRef { base, callee } => (base, callee));
    let f = tri!(ip, ctx, func_of_ref(regs.get(callee)));
    call_store_func(f, base, ip, mem, ctx)
}

fn return_call_ref(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    let (base, callee) = operands!(ip, Instr::ReturnCallRef { base, callee } => (base, callee));
    let f = tri!(ip, ctx, func_of_ref(regs.get(callee)));
    tail_call_store_func(f, base, ip, mem, ctx)
}

fn ref_as_non_null(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let src = operands!(ip, Instr::RefAsNonNull { src } => src);
    if regs.get(src) == 0 {
        return trap_at(ip, ctx, TrapKind::NullReference);
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn throw(ip: Ip, regs: Regs, _: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    let (tag, args, cells) = operands!(ip, Instr::Throw { tag, args, cells } => (tag, args, cells));
    throw_new(ip, regs, ctx, tag, args, cells)
}

/// Makes the exception of a `throw` (a GC allocation, so a safepoint) and
/// unwinds with it. Out of line: it allocates.
#[inline(never)]
fn throw_new(ip: Ip, regs: Regs, ctx: &mut Ctx<'_>, tag: u32, args: Slot, cells: u32) -> Exit {
    let tag = ctx.inner.instances[ctx.instance as usize].tags[tag as usize];
    match super::gc::new_exception(ip, regs, ctx, tag, args, cells) {
        Ok(exn) => unwind(ctx, exn, Some(ip)),
        Err(kind) => trap_at(ip, ctx, kind),
    }
}

fn throw_ref(ip: Ip, regs: Regs, _: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    let exn = regs.get(operands!(ip, Instr::ThrowRef { exn } => exn));
    match ctx.inner.heap.get(exn) {
        Some(crate::runtime::gc::Object::Exn { .. }) => unwind(ctx, exn, Some(ip)),
        _ => trap_at(ip, ctx, TrapKind::NullExceptionReference),
    }
}

/// Unwinds with exception `exn` from the innermost frame (at `at`, or at
/// its call if `None`): continues at the handler, or leaves the activation.
#[inline(never)]
pub(super) fn unwind(ctx: &mut Ctx<'_>, exn: u64, at: Option<Ip>) -> Exit {
    match super::unwind::find_handler(ctx, exn, at) {
        Some(l) => {
            let mem = switch_instance(ctx, l.instance);
            let regs = Regs::at(ctx.stack, l.fp);
            resume_at(l.ip, regs, mem, ctx)
        }
        None => {
            ctx.exception = exn;
            Exit::Exception
        }
    }
}

/// A tail call of store function `f` with its arguments at slot `base`:
/// a wasm callee replaces the current frame; a host callee is called like
/// any other, and the op after `ip` returns its results.
fn tail_call_store_func(f: u32, base: Slot, ip: Ip, mem: Mem, ctx: &mut Ctx<'_>) -> Exit {
    match ctx.func(f) {
        FuncKind::Wasm {
            instance, index, ..
        } => tail_enter(ctx, instance, index, base, mem),
        FuncKind::Host { .. } => call_store_func(f, base, ip, mem, ctx),
    }
}

/// Replaces the current frame with one of defined function `func` of store
/// instance `instance`, whose arguments are at slot `base` of the current
/// frame: they move down to the frame's base, the callee's locals are
/// zeroed, and the frame count stays the same, so tail recursion runs in
/// constant space. Out of line: it may compile the callee or grow the stack.
#[inline(never)]
fn tail_enter(ctx: &mut Ctx<'_>, instance: u32, func: u32, base: Slot, mem: Mem) -> Exit {
    let mem = if instance != ctx.instance {
        switch_instance(ctx, instance)
    } else {
        mem
    };
    let (ip, params, locals, frame_size) = match ctx.module.inner.func_code(func) {
        Ok(cf) => (
            Ip::start(cf),
            cf.params as usize,
            cf.locals as usize,
            cf.frame_size as usize,
        ),
        Err(e) => {
            ctx.error = Some(e);
            return Exit::Error;
        }
    };
    // A trap here has no op of its own to name: the caller's frame is
    // the one being replaced.
    let Some(top) = ctx.frames.last_mut() else {
        return Exit::Trap(TrapKind::StackOverflow);
    };
    let fp = top.fp;
    if let Err(k) = grow_stack(ctx.stack, fp + frame_size, ctx.max_cells) {
        return Exit::Trap(k);
    }
    let from = fp + base as usize;
    ctx.stack.copy_within(from..from + params, fp);
    ctx.stack[fp + params..fp + locals].fill(0);
    *top = Frame {
        instance,
        func,
        ip,
        fp,
    };
    let regs = Regs::at(ctx.stack, fp);
    dispatch!(ip, regs, mem, ctx, 0.0)
}

/// Calls store function `f` with its frame at slot `base` of the current
/// frame; `ip` is the call op.
#[inline(always)]
fn call_store_func(f: u32, base: Slot, ip: Ip, mem: Mem, ctx: &mut Ctx<'_>) -> Exit {
    match ctx.func(f) {
        FuncKind::Wasm {
            instance, index, ..
        } => {
            let mem = if instance != ctx.instance {
                switch_instance(ctx, instance)
            } else {
                mem
            };
            match enter_fast(ctx, index, base, ip.next()) {
                Some((ip, regs)) => dispatch!(ip, regs, mem, ctx, 0.0),
                None => enter_slow(ctx, index, base, ip.next(), mem),
            }
        }
        FuncKind::Host { host, .. } => {
            if let Some(top) = ctx.frames.last_mut() {
                top.ip = ip.next();
            }
            ctx.host = (host, base);
            Exit::Host
        }
    }
}

/// Pushes the frame of defined function `func` of the current instance at
/// slot `base` of the current frame, recording `resume` as where the caller
/// continues, when that needs nothing out of line: the callee is compiled,
/// and its frame fits the value stack and the frame vector as they are.
/// Returns the callee's first op and frame; `None` (with nothing changed)
/// leaves the call to [`enter_slow`]. Inline in every call handler.
#[inline(always)]
fn enter_fast(ctx: &mut Ctx<'_>, func: u32, base: Slot, resume: Ip) -> Option<(Ip, Regs)> {
    let cf = ctx.module.inner.compiled(func)?;
    let frames = &mut *ctx.frames;
    let n = frames.len();
    if n >= ctx.frame_room || n == frames.capacity() {
        return None;
    }
    let caller = frames.last_mut()?;
    let fp = caller.fp + base as usize;
    let stack = &mut **ctx.stack;
    if fp + cf.frame_size as usize > stack.len() {
        return None;
    }
    // Zero the locals. A few take constant-size stores instead of a
    // `memset` call: the cells past them are the callee's temporaries or
    // above the newest frame, dead either way.
    let (start, end) = (fp + cf.params as usize, fp + cf.locals as usize);
    if end - start <= 4 && start + 4 <= stack.len() {
        stack[start..start + 4].fill(0);
    } else if end - start <= 16 && start + 16 <= stack.len() {
        stack[start..start + 16].fill(0);
    } else {
        stack[start..end].fill(0);
    }
    caller.ip = resume;
    let ip = Ip::start(cf);
    frames.push(Frame {
        instance: ctx.instance,
        func,
        ip,
        fp,
    });
    Some((ip, Regs::at(stack, fp)))
}

/// A call that [`enter_fast`] declined: compiles the callee if it is not
/// yet, grows the value stack and the frame vector as needed (or traps at
/// their limits), then enters it the one way.
#[inline(never)]
fn enter_slow(ctx: &mut Ctx<'_>, func: u32, base: Slot, resume: Ip, mem: Mem) -> Exit {
    // Traps here are at the call op.
    let ip = resume.back();
    if ctx.frames.len() >= ctx.frame_room {
        return trap_at(ip, ctx, TrapKind::StackOverflow);
    }
    let frame_size = match ctx.module.inner.func_code(func) {
        Ok(cf) => cf.frame_size as usize,
        Err(e) => {
            ctx.error = Some(e);
            return Exit::Error;
        }
    };
    let Some(caller) = ctx.frames.last() else {
        return trap_at(ip, ctx, TrapKind::StackOverflow);
    };
    let need = caller.fp + base as usize + frame_size;
    tri!(ip, ctx, grow_stack(ctx.stack, need, ctx.max_cells));
    ctx.frames.reserve(1);
    match enter_fast(ctx, func, base, resume) {
        Some((ip, regs)) => dispatch!(ip, regs, mem, ctx, 0.0),
        // Not reached: everything `enter_fast` checks was made to hold.
        None => Exit::Trap(TrapKind::StackOverflow),
    }
}

/// Grows the value stack to at least `need` cells (doubling, up to
/// `max_cells`), or fails with stack exhaustion past `max_cells`.
fn grow_stack(stack: &mut Vec<u64>, need: usize, max_cells: usize) -> Result<(), TrapKind> {
    if need > stack.len() {
        if need > max_cells {
            return Err(TrapKind::StackOverflow);
        }
        let len = need.max(stack.len() * 2).min(max_cells);
        stack.resize(len, 0);
    }
    Ok(())
}

/// Makes `instance` the current one; returns its memory 0.
fn switch_instance(ctx: &mut Ctx<'_>, instance: u32) -> Mem {
    let data = &ctx.inner.instances[instance as usize];
    ctx.instance = instance;
    ctx.module = data.module.clone();
    ctx.mem0 = data.memories.first().copied().unwrap_or(u32::MAX) as usize;
    ctx.table0 = data.tables.first().copied().unwrap_or(u32::MAX);
    ctx.global0 = data.globals.first().copied().unwrap_or(u32::MAX);
    Mem::new(mem_parts(ctx.inner, ctx.mem0))
}

fn copy<const M: u8>(ip: Ip, mut regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, src) = operands!(ip, Instr::Copy { dst, src } => (dst, src));
    let v = regs.arg(src, acc!(ACC_A)).get();
    regs.put(dst, v, false);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn copy2(ip: Ip, mut regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (d0, s0, d1, s1) =
        operands!(ip, Instr::Copy2 { dst0, src0, dst1, src1 } => (dst0, src0, dst1, src1));
    regs.set(Slot::from(d0), regs.get(Slot::from(s0)));
    regs.put(Slot::from(d1), regs.get(Slot::from(s1)), false);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn copy_many(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, src, len) = operands!(ip, Instr::CopyMany { dst, src, len } => (dst, src, len));
    // Ascending, as the compiler requires (`dst <= src`).
    for k in 0..len {
        regs.set(dst + k, regs.get(src + k));
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn const32<const M: u8>(ip: Ip, mut regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, value) = operands!(ip, Instr::Const32 { dst, value } => (dst, value));
    regs.put(dst, u64::from(value), acc!(ACC_DST));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn const64<const M: u8>(ip: Ip, mut regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, value) = operands!(ip, Instr::Const64 { dst, value } => (dst, value));
    regs.put(dst, value, acc!(ACC_DST));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn select_eqz(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, cond, src) = operands!(ip, Instr::SelectEqz { dst, cond, src } => (dst, cond, src));
    // Branch-free: a `select` usually stands for a branch the producer
    // found unpredictable.
    let v = std::hint::select_unpredictable(regs.u32(cond) == 0, regs.get(src), regs.get(dst));
    regs.set(dst, v);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// `global.get`; `ZERO`: of global 0, whose store index the `Ctx` holds
/// (`Ctx::global0`: no walk through the instance; C and Rust code keep
/// the shadow stack pointer there).
fn global_get<const ZERO: bool>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, global) = operands!(ip, Instr::GlobalGet { dst, global } => (dst, global));
    let g = global_index::<ZERO>(ctx, global);
    regs.set(dst, ctx.store_global(g) as u64);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// `global.set`; `ZERO` as for [`global_get`].
fn global_set<const ZERO: bool>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (global, src) = operands!(ip, Instr::GlobalSet { global, src } => (global, src));
    let g = global_index::<ZERO>(ctx, global);
    ctx.set_store_global(g, u128::from(regs.get(src)));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// The store index of global `global` of the current instance (global 0
/// when `ZERO`).
#[inline(always)]
fn global_index<const ZERO: bool>(ctx: &Ctx<'_>, global: u32) -> u32 {
    if ZERO {
        ctx.global0
    } else {
        ctx.instance_global(global)
    }
}

fn global_v128(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    match *ip.instr() {
        Instr::GlobalGetV128 { dst, global } => regs.setv(dst, ctx.global(global)),
        Instr::GlobalSetV128 { global, src } => ctx.set_global(global, regs.getv(src)),
        _ => unreachable!("handler attached to the wrong instruction"),
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn memory_op(ip: Ip, regs: Regs, _: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    tri!(ip, ctx, memory_op_at(ip.instr(), regs, ctx));
    // Every one of these may have grown or written memory 0.
    let mem = Mem::new(mem_parts(ctx.inner, ctx.mem0));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn atomic(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    tri!(
        ip,
        ctx,
        super::atomic::atomic_at(ip.instr(), regs, mem, ctx)
    );
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn gc_op(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    tri!(ip, ctx, super::gc::gc_op_at(ip, regs, ctx));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn ref_test(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (flags, dst, src, ty) =
        operands!(ip, Instr::RefTest { flags, dst, src, ty } => (flags, dst, src, ty));
    let ok = super::gc::test(ctx.inner, regs, src, ty, flags);
    regs.set(
        dst,
        u64::from(ok != (flags & crate::code::CAST_NEGATE != 0)),
    );
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn ref_cast(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (flags, src, ty) = operands!(ip, Instr::RefCast { flags, src, ty } => (flags, src, ty));
    if !super::gc::test(ctx.inner, regs, src, ty, flags) {
        return trap_at(ip, ctx, TrapKind::CastFailure);
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn i64_wide(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (op, args) = operands!(ip, Instr::I64Wide { op, args } => (op, args));
    let mut x = [0u64; 4];
    for (i, v) in x.iter_mut().take(op.arity()).enumerate() {
        *v = regs.get(args + i as Slot);
    }
    let (lo, hi) = op.eval(&x);
    regs.set(args, lo);
    regs.set(args + 1, hi);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn add_offset64(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (addr, offset) = operands!(ip, Instr::AddOffset64 { addr, offset } => (addr, offset));
    let Some(a) = regs.get(addr).checked_add(offset) else {
        return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
    };
    regs.set(addr, a);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn clamp_index64(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, src) = operands!(ip, Instr::ClampIndex64 { dst, src } => (dst, src));
    regs.set(dst, regs.get(src).min(u64::from(u32::MAX)));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// `memory.*` and `data.drop`, out of line.
#[inline(never)]
fn memory_op_at(ins: &Instr, regs: Regs, ctx: &mut Ctx<'_>) -> Result<(), TrapKind> {
    let inner = &mut *ctx.inner;
    let inst = &mut inner.instances[ctx.instance as usize];
    let mems = &mut inner.memories;
    // An address or length operand: an i64 on a 64-bit memory.
    let addr = |s: Slot, wide: bool| {
        if wide {
            regs.get(s)
        } else {
            u64::from(regs.u32(s))
        }
    };
    match *ins {
        Instr::MemorySize { dst, mem } => {
            let m = inst.memories[mem as usize];
            regs.set(dst, mems[m as usize].pages());
        }
        Instr::MemoryGrow { dst, delta, mem } => {
            let m = &mut mems[inst.memories[mem as usize] as usize];
            let wide = m.is_64();
            let r = m.grow(addr(delta, wide)).unwrap_or(u64::MAX);
            regs.set(dst, if wide { r } else { u64::from(r as u32) });
        }
        Instr::MemoryCopy {
            args,
            dst_mem,
            src_mem,
        } => {
            let (dm, sm) = (
                inst.memories[dst_mem as usize] as usize,
                inst.memories[src_mem as usize] as usize,
            );
            let (dw, sw) = (mems[dm].is_64(), mems[sm].is_64());
            let (d, s, n) = (addr(args, dw), addr(args + 1, sw), addr(args + 2, dw && sw));
            bulk::memory_copy(mems, dm, sm, d, s, n)?;
        }
        Instr::MemoryFill { args, mem } => {
            let m = &mut mems[inst.memories[mem as usize] as usize];
            let wide = m.is_64();
            let (d, v, n) = (addr(args, wide), regs.u32(args + 1), addr(args + 2, wide));
            bulk::memory_fill(m, d, v as u8, n)?;
        }
        Instr::MemoryInit { data, args, mem } => {
            let seg: &[u8] = if inst.datas_dropped[data as usize] {
                &[]
            } else {
                &ctx.module.inner.datas[data as usize].bytes
            };
            let m = &mut mems[inst.memories[mem as usize] as usize];
            let d = addr(args, m.is_64());
            let (s, n) = (regs.u32(args + 1), regs.u32(args + 2));
            bulk::memory_init(m, seg, d, s.into(), n.into())?;
        }
        Instr::DataDrop { data } => inst.datas_dropped[data as usize] = true,
        _ => unreachable!("handler attached to the wrong instruction"),
    }
    Ok(())
}

fn table_op(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    tri!(ip, ctx, table_op_at(ip.instr(), regs, ctx));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// `ref.func`, `table.*` and `elem.drop`, out of line.
#[inline(never)]
fn table_op_at(ins: &Instr, regs: Regs, ctx: &mut Ctx<'_>) -> Result<(), TrapKind> {
    let inner = &mut *ctx.inner;
    let inst = &mut inner.instances[ctx.instance as usize];
    let tables = &mut inner.tables;
    // An index or length operand: an i64 on a 64-bit table. Tables stay
    // below 2^32 elements, so a wider value is clamped to `u32::MAX`, which
    // is out of bounds (or too much to grow by) exactly as the value is.
    let idx = |s: Slot, wide: bool| {
        if wide {
            u32::try_from(regs.get(s)).unwrap_or(u32::MAX)
        } else {
            regs.u32(s)
        }
    };
    match *ins {
        Instr::RefFunc { dst, func } => {
            regs.set(dst, u64::from(inst.funcs[func as usize]) + 1);
        }
        Instr::TableGet { dst, index, table } => {
            let t = &tables[inst.tables[table as usize] as usize];
            let v = t
                .elems
                .get(idx(index, t.ty.is_64()) as usize)
                .ok_or(TrapKind::TableOutOfBounds)?;
            regs.set(dst, *v);
        }
        Instr::TableSet { table, index, val } => {
            let t = &mut tables[inst.tables[table as usize] as usize];
            let i = idx(index, t.ty.is_64());
            let e = t
                .elems
                .get_mut(i as usize)
                .ok_or(TrapKind::TableOutOfBounds)?;
            *e = regs.get(val);
        }
        Instr::TableSize { dst, table } => {
            let t = inst.tables[table as usize];
            regs.set(dst, tables[t as usize].elems.len() as u64);
        }
        Instr::TableGrow { dst, table, args } => {
            let t = &mut tables[inst.tables[table as usize] as usize];
            let wide = t.ty.is_64();
            let (init, delta) = (regs.get(args), idx(args + 1, wide));
            let r = match t.grow(delta, init) {
                Some(old) => u64::from(old),
                None if wide => u64::MAX,
                None => u64::from(u32::MAX),
            };
            regs.set(dst, r);
        }
        Instr::TableFill { table, args } => {
            let t = &mut tables[inst.tables[table as usize] as usize];
            let wide = t.ty.is_64();
            let (i, v, n) = (idx(args, wide), regs.get(args + 1), idx(args + 2, wide));
            bulk::table_fill(&mut t.elems, i, v, n)?;
        }
        Instr::TableCopy {
            dst_table,
            src_table,
            args,
        } => {
            let (dt, st) = (
                inst.tables[dst_table as usize] as usize,
                inst.tables[src_table as usize] as usize,
            );
            let (dw, sw) = (tables[dt].ty.is_64(), tables[st].ty.is_64());
            let (d, s, n) = (idx(args, dw), idx(args + 1, sw), idx(args + 2, dw && sw));
            bulk::table_copy(tables, dt, st, d, s, n)?;
        }
        Instr::TableInit { table, elem, args } => {
            let t = &mut tables[inst.tables[table as usize] as usize];
            let d = idx(args, t.ty.is_64());
            let (s, n) = (regs.u32(args + 1), regs.u32(args + 2));
            bulk::table_init(&mut t.elems, &inst.elems[elem as usize], d, s, n)?;
        }
        Instr::ElemDrop { elem } => inst.elems[elem as usize] = Box::new([]),
        _ => unreachable!("handler attached to the wrong instruction"),
    }
    Ok(())
}

fn v128_bin(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (op, dst, a, b) = operands!(ip, Instr::V128Bin { op, dst, a, b } => (op, dst, a, b));
    regs.setv(dst, simd::bin(op, regs.getv(a), regs.getv(b)));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// A lane type of a `v128`, read from and written to its memory-order
/// bytes.
trait Lane: Copy {
    const BYTES: usize;
    fn read(b: &[u8; 16], i: usize) -> Self;
    fn write(self, b: &mut [u8; 16], i: usize);
}

macro_rules! lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            const BYTES: usize = std::mem::size_of::<$t>();
            #[inline(always)]
            fn read(b: &[u8; 16], i: usize) -> Self {
                let mut w = [0u8; std::mem::size_of::<$t>()];
                w.copy_from_slice(&b[i * Self::BYTES..(i + 1) * Self::BYTES]);
                <$t>::from_le_bytes(w)
            }
            #[inline(always)]
            fn write(self, b: &mut [u8; 16], i: usize) {
                b[i * Self::BYTES..(i + 1) * Self::BYTES].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}

lane!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

/// Lane-wise `f` over two vectors of `L` lanes.
#[inline(always)]
fn lanes2<L: Lane>(x: [u8; 16], y: [u8; 16], f: impl Fn(L, L) -> L) -> [u8; 16] {
    let mut out = [0u8; 16];
    for i in 0..16 / L::BYTES {
        f(L::read(&x, i), L::read(&y, i)).write(&mut out, i);
    }
    out
}

/// The lanes of `x` then of `y`, each narrowed to half its width by `f`.
#[inline(always)]
fn narrow<L: Lane, M: Lane>(x: [u8; 16], y: [u8; 16], f: impl Fn(L) -> M) -> [u8; 16] {
    let n = 16 / L::BYTES;
    let mut out = [0u8; 16];
    for i in 0..n {
        f(L::read(&x, i)).write(&mut out, i);
        f(L::read(&y, i)).write(&mut out, n + i);
    }
    out
}

/// The low (`high` false) or high half of the lanes of `x`, each widened to
/// twice its width by `f`.
#[inline(always)]
fn extend<L: Lane, M: Lane>(x: [u8; 16], high: bool, f: impl Fn(L) -> M) -> [u8; 16] {
    let n = 16 / M::BYTES;
    let from = if high { n } else { 0 };
    let mut out = [0u8; 16];
    for i in 0..n {
        f(L::read(&x, from + i)).write(&mut out, i);
    }
    out
}

/// The low (`high` false) or high halves of the lanes of `x` and `y`,
/// combined pairwise by `f` into lanes twice as wide.
#[inline(always)]
fn extmul<L: Lane, M: Lane>(
    x: [u8; 16],
    y: [u8; 16],
    high: bool,
    f: impl Fn(L, L) -> M,
) -> [u8; 16] {
    let n = 16 / M::BYTES;
    let from = if high { n } else { 0 };
    let mut out = [0u8; 16];
    for i in 0..n {
        f(L::read(&x, from + i), L::read(&y, from + i)).write(&mut out, i);
    }
    out
}

/// Lanes twice as wide as `L`, each `f(x[2i], y[2i], x[2i+1], y[2i+1])`.
#[inline(always)]
fn dot<L: Lane, M: Lane>(x: [u8; 16], y: [u8; 16], f: impl Fn(L, L, L, L) -> M) -> [u8; 16] {
    let mut out = [0u8; 16];
    for i in 0..16 / M::BYTES {
        let (a0, b0) = (L::read(&x, 2 * i), L::read(&y, 2 * i));
        let (a1, b1) = (L::read(&x, 2 * i + 1), L::read(&y, 2 * i + 1));
        f(a0, b0, a1, b1).write(&mut out, i);
    }
    out
}

/// A lane-wise comparison of `L` lanes: all ones (an `M` lane of the same
/// width) where `f` holds, zero elsewhere.
#[inline(always)]
fn cmp<L: Lane, M: Lane + Ones>(x: [u8; 16], y: [u8; 16], f: impl Fn(L, L) -> bool) -> [u8; 16] {
    let mut out = [0u8; 16];
    for i in 0..16 / L::BYTES {
        let m = if f(L::read(&x, i), L::read(&y, i)) {
            M::ONES
        } else {
            M::ZERO
        };
        m.write(&mut out, i);
    }
    out
}

/// The all-ones and all-zeros lanes of an unsigned lane type.
trait Ones {
    const ONES: Self;
    const ZERO: Self;
}

macro_rules! ones {
    ($($t:ty),*) => {$(
        impl Ones for $t {
            const ONES: Self = <$t>::MAX;
            const ZERO: Self = 0;
        }
    )*};
}

ones!(u8, u16, u32, u64);

/// Adjacent pairs of lanes of `x` combined by `f` into lanes twice as wide.
#[inline(always)]
fn pairwise<L: Lane, M: Lane>(x: [u8; 16], f: impl Fn(L, L) -> M) -> [u8; 16] {
    let mut out = [0u8; 16];
    for i in 0..16 / M::BYTES {
        f(L::read(&x, 2 * i), L::read(&x, 2 * i + 1)).write(&mut out, i);
    }
    out
}

/// SIMD operators common in hot loops (and the shifts of 16- to 64-bit
/// lanes) get a handler each: the lanes are
/// read straight from the frame and the operation is inlined, which LLVM
/// compiles to the vector instruction itself. The rest share `v128_bin` /
/// `v128_un`, which pick the operator at run time. The spec suites check
/// both paths against each other operator by operator.
macro_rules! v128_fast {
    (
        bin { $($bop:ident => $bf:expr;)* }
        un { $($uop:ident => $uf:expr;)* }
        shift { $($sop:ident => $st:ty, $sf:ident;)* }
    ) => {
        fn v128_bin_fast<const K: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
            use simd::BinOp as B;
            let (dst, a, b) = operands!(ip, Instr::V128Bin { dst, a, b, .. } => (dst, a, b));
            let (x, y) = (regs.bytes16(a), regs.bytes16(b));
            let r: [u8; 16] = $(if K == B::$bop as u8 { ($bf)(x, y) } else)* {
                unreachable!("no fast handler for binary SIMD operator {K}")
            };
            regs.set_bytes16(dst, r);
            dispatch!(ip.next(), regs, mem, ctx, fa)
        }

        fn v128_un_fast<const K: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
            use simd::UnOp as U;
            let (dst, src) = operands!(ip, Instr::V128Un { dst, src, .. } => (dst, src));
            let x = regs.bytes16(src);
            let r: [u8; 16] = $(if K == U::$uop as u8 { ($uf)(x) } else)* {
                unreachable!("no fast handler for unary SIMD operator {K}")
            };
            regs.set_bytes16(dst, r);
            dispatch!(ip.next(), regs, mem, ctx, fa)
        }

        /// Shifts each `$st` lane by the count (modulo the lane width): a
        /// slot's value, or with `IMM` the instruction's own.
        fn v128_shift_fast<const K: u8, const IMM: bool>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
            use simd::ShiftOp as S;
            let (_, dst, a, n) = shift_operands::<IMM>(ip, regs);
            let x = regs.bytes16(a);
            let r: [u8; 16] = $(if K == S::$sop as u8 {
                let n = n % <$st>::BITS;
                lanes2::<$st>(x, x, |v, _| v.$sf(n))
            } else)* {
                unreachable!("no fast handler for SIMD shift {K}")
            };
            regs.set_bytes16(dst, r);
            dispatch!(ip.next(), regs, mem, ctx, fa)
        }

        fn v128_shift_handler<const IMM: bool>(op: simd::ShiftOp) -> Handler {
            use simd::ShiftOp as S;
            match op {
                $(S::$sop => v128_shift_fast::<{ S::$sop as u8 }, IMM>,)*
                _ => v128_shift::<IMM>,
            }
        }

        fn v128_bin_handler(op: simd::BinOp) -> Handler {
            use simd::BinOp as B;
            match op {
                $(B::$bop => v128_bin_fast::<{ B::$bop as u8 }>,)*
                _ => v128_bin,
            }
        }

        fn v128_un_handler(op: simd::UnOp) -> Handler {
            use simd::UnOp as U;
            match op {
                $(U::$uop => v128_un_fast::<{ U::$uop as u8 }>,)*
                _ => v128_un,
            }
        }
    };
}

v128_fast! {
    bin {
    V128And => |x, y| lanes2::<u64>(x, y, |a, b| a & b);
    V128Or => |x, y| lanes2::<u64>(x, y, |a, b| a | b);
    V128Xor => |x, y| lanes2::<u64>(x, y, |a, b| a ^ b);
    V128AndNot => |x, y| lanes2::<u64>(x, y, |a, b| a & !b);
    I8x16Add => |x, y| lanes2::<u8>(x, y, u8::wrapping_add);
    I8x16Sub => |x, y| lanes2::<u8>(x, y, u8::wrapping_sub);
    I8x16AddSatU => |x, y| lanes2::<u8>(x, y, u8::saturating_add);
    I8x16SubSatU => |x, y| lanes2::<u8>(x, y, u8::saturating_sub);
    I8x16MinU => |x, y| lanes2::<u8>(x, y, u8::min);
    I8x16MaxU => |x, y| lanes2::<u8>(x, y, u8::max);
    I16x8Add => |x, y| lanes2::<u16>(x, y, u16::wrapping_add);
    I16x8Sub => |x, y| lanes2::<u16>(x, y, u16::wrapping_sub);
    I16x8Mul => |x, y| lanes2::<u16>(x, y, u16::wrapping_mul);
    I16x8AddSatS => |x, y| lanes2::<i16>(x, y, i16::saturating_add);
    I16x8SubSatS => |x, y| lanes2::<i16>(x, y, i16::saturating_sub);
    I32x4Add => |x, y| lanes2::<u32>(x, y, u32::wrapping_add);
    I32x4Sub => |x, y| lanes2::<u32>(x, y, u32::wrapping_sub);
    I32x4Mul => |x, y| lanes2::<u32>(x, y, u32::wrapping_mul);
    I32x4MinS => |x, y| lanes2::<i32>(x, y, i32::min);
    I32x4MinU => |x, y| lanes2::<u32>(x, y, u32::min);
    I32x4MaxS => |x, y| lanes2::<i32>(x, y, i32::max);
    I32x4MaxU => |x, y| lanes2::<u32>(x, y, u32::max);
    I64x2Add => |x, y| lanes2::<u64>(x, y, u64::wrapping_add);
    I64x2Sub => |x, y| lanes2::<u64>(x, y, u64::wrapping_sub);
    F32x4Add => |x, y| lanes2::<f32>(x, y, |a, b| a + b);
    F32x4Sub => |x, y| lanes2::<f32>(x, y, |a, b| a - b);
    F32x4Mul => |x, y| lanes2::<f32>(x, y, |a, b| a * b);
    F32x4Div => |x, y| lanes2::<f32>(x, y, |a, b| a / b);
    F64x2Add => |x, y| lanes2::<f64>(x, y, |a, b| a + b);
    F64x2Sub => |x, y| lanes2::<f64>(x, y, |a, b| a - b);
    F64x2Mul => |x, y| lanes2::<f64>(x, y, |a, b| a * b);
    F64x2Div => |x, y| lanes2::<f64>(x, y, |a, b| a / b);
    I8x16NarrowI16x8S => |x, y| narrow::<i16, i8>(x, y, |v| v.clamp(-128, 127) as i8);
    I8x16NarrowI16x8U => |x, y| narrow::<i16, u8>(x, y, |v| v.clamp(0, 255) as u8);
    I16x8NarrowI32x4S => |x, y| narrow::<i32, i16>(x, y, |v| v.clamp(-32768, 32767) as i16);
    I16x8NarrowI32x4U => |x, y| narrow::<i32, u16>(x, y, |v| v.clamp(0, 65535) as u16);
    I8x16AddSatS => |x, y| lanes2::<i8>(x, y, i8::saturating_add);
    I8x16SubSatS => |x, y| lanes2::<i8>(x, y, i8::saturating_sub);
    I8x16MinS => |x, y| lanes2::<i8>(x, y, i8::min);
    I8x16MaxS => |x, y| lanes2::<i8>(x, y, i8::max);
    I8x16AvgrU => |x, y| lanes2::<u8>(x, y, |a, b| ((u16::from(a) + u16::from(b) + 1) >> 1) as u8);
    I16x8AddSatU => |x, y| lanes2::<u16>(x, y, u16::saturating_add);
    I16x8SubSatU => |x, y| lanes2::<u16>(x, y, u16::saturating_sub);
    I16x8MinS => |x, y| lanes2::<i16>(x, y, i16::min);
    I16x8MinU => |x, y| lanes2::<u16>(x, y, u16::min);
    I16x8MaxS => |x, y| lanes2::<i16>(x, y, i16::max);
    I16x8MaxU => |x, y| lanes2::<u16>(x, y, u16::max);
    I16x8AvgrU => |x, y| lanes2::<u16>(x, y, |a, b| ((u32::from(a) + u32::from(b) + 1) >> 1) as u16);
    I64x2Mul => |x, y| lanes2::<u64>(x, y, u64::wrapping_mul);
    I16x8ExtMulLowI8x16S => |x, y| extmul::<i8, i16>(x, y, false, |a, b| i16::from(a) * i16::from(b));
    I16x8ExtMulHighI8x16S => |x, y| extmul::<i8, i16>(x, y, true, |a, b| i16::from(a) * i16::from(b));
    I16x8ExtMulLowI8x16U => |x, y| extmul::<u8, u16>(x, y, false, |a, b| u16::from(a) * u16::from(b));
    I16x8ExtMulHighI8x16U => |x, y| extmul::<u8, u16>(x, y, true, |a, b| u16::from(a) * u16::from(b));
    I32x4ExtMulLowI16x8S => |x, y| extmul::<i16, i32>(x, y, false, |a, b| i32::from(a) * i32::from(b));
    I32x4ExtMulHighI16x8S => |x, y| extmul::<i16, i32>(x, y, true, |a, b| i32::from(a) * i32::from(b));
    I32x4ExtMulLowI16x8U => |x, y| extmul::<u16, u32>(x, y, false, |a, b| u32::from(a) * u32::from(b));
    I32x4ExtMulHighI16x8U => |x, y| extmul::<u16, u32>(x, y, true, |a, b| u32::from(a) * u32::from(b));
    I64x2ExtMulLowI32x4S => |x, y| extmul::<i32, i64>(x, y, false, |a, b| i64::from(a) * i64::from(b));
    I64x2ExtMulHighI32x4S => |x, y| extmul::<i32, i64>(x, y, true, |a, b| i64::from(a) * i64::from(b));
    I64x2ExtMulLowI32x4U => |x, y| extmul::<u32, u64>(x, y, false, |a, b| u64::from(a) * u64::from(b));
    I64x2ExtMulHighI32x4U => |x, y| extmul::<u32, u64>(x, y, true, |a, b| u64::from(a) * u64::from(b));
    I32x4DotI16x8S => |x, y| dot::<i16, i32>(x, y, |a0, b0, a1, b1| {
        (i32::from(a0) * i32::from(b0)).wrapping_add(i32::from(a1) * i32::from(b1))
    });
    F32x4PMin => |x, y| lanes2::<f32>(x, y, |a, b| if b < a { b } else { a });
    F32x4PMax => |x, y| lanes2::<f32>(x, y, |a, b| if a < b { b } else { a });
    F64x2PMin => |x, y| lanes2::<f64>(x, y, |a, b| if b < a { b } else { a });
    F64x2PMax => |x, y| lanes2::<f64>(x, y, |a, b| if a < b { b } else { a });
    I8x16Eq => |x, y| cmp::<u8, u8>(x, y, |a, b| a == b);
    I8x16Ne => |x, y| cmp::<u8, u8>(x, y, |a, b| a != b);
    I8x16LtS => |x, y| cmp::<i8, u8>(x, y, |a, b| a < b);
    I8x16LtU => |x, y| cmp::<u8, u8>(x, y, |a, b| a < b);
    I8x16GtS => |x, y| cmp::<i8, u8>(x, y, |a, b| a > b);
    I8x16GtU => |x, y| cmp::<u8, u8>(x, y, |a, b| a > b);
    I8x16LeS => |x, y| cmp::<i8, u8>(x, y, |a, b| a <= b);
    I8x16LeU => |x, y| cmp::<u8, u8>(x, y, |a, b| a <= b);
    I8x16GeS => |x, y| cmp::<i8, u8>(x, y, |a, b| a >= b);
    I8x16GeU => |x, y| cmp::<u8, u8>(x, y, |a, b| a >= b);
    I16x8Eq => |x, y| cmp::<u16, u16>(x, y, |a, b| a == b);
    I16x8Ne => |x, y| cmp::<u16, u16>(x, y, |a, b| a != b);
    I16x8LtS => |x, y| cmp::<i16, u16>(x, y, |a, b| a < b);
    I16x8LtU => |x, y| cmp::<u16, u16>(x, y, |a, b| a < b);
    I16x8GtS => |x, y| cmp::<i16, u16>(x, y, |a, b| a > b);
    I16x8GtU => |x, y| cmp::<u16, u16>(x, y, |a, b| a > b);
    I16x8LeS => |x, y| cmp::<i16, u16>(x, y, |a, b| a <= b);
    I16x8LeU => |x, y| cmp::<u16, u16>(x, y, |a, b| a <= b);
    I16x8GeS => |x, y| cmp::<i16, u16>(x, y, |a, b| a >= b);
    I16x8GeU => |x, y| cmp::<u16, u16>(x, y, |a, b| a >= b);
    I32x4Eq => |x, y| cmp::<u32, u32>(x, y, |a, b| a == b);
    I32x4Ne => |x, y| cmp::<u32, u32>(x, y, |a, b| a != b);
    I32x4LtS => |x, y| cmp::<i32, u32>(x, y, |a, b| a < b);
    I32x4LtU => |x, y| cmp::<u32, u32>(x, y, |a, b| a < b);
    I32x4GtS => |x, y| cmp::<i32, u32>(x, y, |a, b| a > b);
    I32x4GtU => |x, y| cmp::<u32, u32>(x, y, |a, b| a > b);
    I32x4LeS => |x, y| cmp::<i32, u32>(x, y, |a, b| a <= b);
    I32x4LeU => |x, y| cmp::<u32, u32>(x, y, |a, b| a <= b);
    I32x4GeS => |x, y| cmp::<i32, u32>(x, y, |a, b| a >= b);
    I32x4GeU => |x, y| cmp::<u32, u32>(x, y, |a, b| a >= b);
    I64x2Eq => |x, y| cmp::<u64, u64>(x, y, |a, b| a == b);
    I64x2Ne => |x, y| cmp::<u64, u64>(x, y, |a, b| a != b);
    I64x2LtS => |x, y| cmp::<i64, u64>(x, y, |a, b| a < b);
    I64x2GtS => |x, y| cmp::<i64, u64>(x, y, |a, b| a > b);
    I64x2LeS => |x, y| cmp::<i64, u64>(x, y, |a, b| a <= b);
    I64x2GeS => |x, y| cmp::<i64, u64>(x, y, |a, b| a >= b);
    F32x4Eq => |x, y| cmp::<f32, u32>(x, y, |a, b| a == b);
    F32x4Ne => |x, y| cmp::<f32, u32>(x, y, |a, b| a != b);
    F32x4Lt => |x, y| cmp::<f32, u32>(x, y, |a, b| a < b);
    F32x4Gt => |x, y| cmp::<f32, u32>(x, y, |a, b| a > b);
    F32x4Le => |x, y| cmp::<f32, u32>(x, y, |a, b| a <= b);
    F32x4Ge => |x, y| cmp::<f32, u32>(x, y, |a, b| a >= b);
    F64x2Eq => |x, y| cmp::<f64, u64>(x, y, |a, b| a == b);
    F64x2Ne => |x, y| cmp::<f64, u64>(x, y, |a, b| a != b);
    F64x2Lt => |x, y| cmp::<f64, u64>(x, y, |a, b| a < b);
    F64x2Gt => |x, y| cmp::<f64, u64>(x, y, |a, b| a > b);
    F64x2Le => |x, y| cmp::<f64, u64>(x, y, |a, b| a <= b);
    F64x2Ge => |x, y| cmp::<f64, u64>(x, y, |a, b| a >= b);
    }
    un {
    V128Not => |x| lanes2::<u64>(x, x, |a, _| !a);
    I16x8ExtendLowI8x16S => |x| extend::<i8, i16>(x, false, i16::from);
    I16x8ExtendHighI8x16S => |x| extend::<i8, i16>(x, true, i16::from);
    I16x8ExtendLowI8x16U => |x| extend::<u8, u16>(x, false, u16::from);
    I16x8ExtendHighI8x16U => |x| extend::<u8, u16>(x, true, u16::from);
    I32x4ExtendLowI16x8S => |x| extend::<i16, i32>(x, false, i32::from);
    I32x4ExtendHighI16x8S => |x| extend::<i16, i32>(x, true, i32::from);
    I32x4ExtendLowI16x8U => |x| extend::<u16, u32>(x, false, u32::from);
    I32x4ExtendHighI16x8U => |x| extend::<u16, u32>(x, true, u32::from);
    I16x8ExtAddPairwiseI8x16S => |x| pairwise::<i8, i16>(x, |a, b| i16::from(a) + i16::from(b));
    I16x8ExtAddPairwiseI8x16U => |x| pairwise::<u8, u16>(x, |a, b| u16::from(a) + u16::from(b));
    I32x4ExtAddPairwiseI16x8S => |x| pairwise::<i16, i32>(x, |a, b| i32::from(a) + i32::from(b));
    I32x4ExtAddPairwiseI16x8U => |x| pairwise::<u16, u32>(x, |a, b| u32::from(a) + u32::from(b));
    }
    shift {
    I16x8Shl => u16, wrapping_shl;
    I16x8ShrS => i16, wrapping_shr;
    I16x8ShrU => u16, wrapping_shr;
    I32x4Shl => u32, wrapping_shl;
    I32x4ShrS => i32, wrapping_shr;
    I32x4ShrU => u32, wrapping_shr;
    I64x2Shl => u64, wrapping_shl;
    I64x2ShrS => i64, wrapping_shr;
    I64x2ShrU => u64, wrapping_shr;
    }
}

fn v128_un(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (op, dst, src) = operands!(ip, Instr::V128Un { op, dst, src } => (op, dst, src));
    regs.setv(dst, simd::un(op, regs.getv(src)));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn v128_shift<const IMM: bool>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (op, dst, a, n) = shift_operands::<IMM>(ip, regs);
    regs.setv(dst, simd::shift(op, regs.getv(a), n));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// A SIMD shift's operator, result slot, vector and count: `V128ShiftImm`
/// carries the count (`IMM`), `V128Shift` reads it from a slot.
#[inline(always)]
fn shift_operands<const IMM: bool>(ip: Ip, regs: Regs) -> (simd::ShiftOp, Slot, Slot, u32) {
    if IMM {
        operands!(ip, Instr::V128ShiftImm { op, dst, a, count } => (op, dst, a, u32::from(count)))
    } else {
        operands!(ip, Instr::V128Shift { op, dst, a, count } => (op, dst, a, regs.u32(count)))
    }
}

/// A `v128` copy: one 16-byte move.
fn copy_v128(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, src) = operands!(ip, Instr::CopyMany { dst, src, .. } => (dst, src));
    regs.set_bytes16(dst, regs.bytes16(src));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn v128_splat(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (op, dst, src) = operands!(ip, Instr::V128Splat { op, dst, src } => (op, dst, src));
    regs.setv(dst, simd::splat(op, regs.get(src)));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn v128_extract(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (op, lane, dst, src) = operands!(ip, Instr::V128Extract { op, lane, dst, src }
        => (op, lane, dst, src));
    regs.set(dst, simd::extract(op, regs.getv(src), lane));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

fn v128_replace(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (op, lane, dst, a, x) = operands!(ip, Instr::V128Replace { op, lane, dst, a, x }
        => (op, lane, dst, a, x));
    regs.setv(dst, simd::replace(op, regs.getv(a), regs.get(x), lane));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// `v128.load` from memory 0: 16 bytes straight into the frame.
fn v128_load_plain(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, addr, offset) =
        operands!(ip, Instr::V128Load { dst, addr, offset, .. } => (dst, addr, offset));
    let ea = u64::from(regs.u32(addr)) + u64::from(offset);
    let Some(bytes) = mem.load::<16>(ea) else {
        return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
    };
    regs.set_bytes16(dst, bytes);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// The handler of a `v128` load of `kind` from memory 0: one per kind,
/// so that the width read and the widening are constants in each.
fn v128_load_handler(kind: V128LoadKind) -> Handler {
    use V128LoadKind as K;
    match kind {
        K::V128 => v128_load_plain,
        K::S8x8 => v128_load_kind::<{ K::S8x8 as u8 }>,
        K::U8x8 => v128_load_kind::<{ K::U8x8 as u8 }>,
        K::S16x4 => v128_load_kind::<{ K::S16x4 as u8 }>,
        K::U16x4 => v128_load_kind::<{ K::U16x4 as u8 }>,
        K::S32x2 => v128_load_kind::<{ K::S32x2 as u8 }>,
        K::U32x2 => v128_load_kind::<{ K::U32x2 as u8 }>,
        K::Splat8 => v128_load_kind::<{ K::Splat8 as u8 }>,
        K::Splat16 => v128_load_kind::<{ K::Splat16 as u8 }>,
        K::Splat32 => v128_load_kind::<{ K::Splat32 as u8 }>,
        K::Splat64 => v128_load_kind::<{ K::Splat64 as u8 }>,
        K::Zero32 => v128_load_kind::<{ K::Zero32 as u8 }>,
        K::Zero64 => v128_load_kind::<{ K::Zero64 as u8 }>,
    }
}

/// A `v128` load from memory 0 of the kind numbered `K`: its bytes, widened
/// by `simd_ops::load` (inlined here, where the kind is a constant).
fn v128_load_kind<const K: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let kind = V128LoadKind::from_index(K);
    let (dst, addr, offset) =
        operands!(ip, Instr::V128Load { dst, addr, offset, .. } => (dst, addr, offset));
    let ea = u64::from(regs.u32(addr)) + u64::from(offset);
    let mut buf = [0u8; 16];
    let read = match kind.bytes() {
        1 => mem.load::<1>(ea).map(|b| buf[..1].copy_from_slice(&b)),
        2 => mem.load::<2>(ea).map(|b| buf[..2].copy_from_slice(&b)),
        4 => mem.load::<4>(ea).map(|b| buf[..4].copy_from_slice(&b)),
        _ => mem.load::<8>(ea).map(|b| buf[..8].copy_from_slice(&b)),
    };
    if read.is_none() {
        return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
    }
    regs.setv(dst, simd_ops::load(kind, buf));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// `i8x16.shuffle` (`simd::shuffle`, inlined); the mask is the two `Data`
/// words after the op, which the dispatch skips.
fn v128_shuffle(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, a, b) = operands!(ip, Instr::V128Shuffle { dst, a, b } => (dst, a, b));
    let lo = operands!(ip.next(), Instr::Data { bits } => bits);
    let hi = operands!(ip.next().next(), Instr::Data { bits } => bits);
    let mask = (u128::from(lo) | (u128::from(hi) << 64)).to_le_bytes();
    regs.set_bytes16(dst, simd::shuffle(regs.bytes16(a), regs.bytes16(b), mask));
    dispatch!(ip.next().next().next(), regs, mem, ctx, fa)
}

/// `v128.bitselect`: the bits of `a` where `c` is set, of `b` elsewhere.
fn v128_bitselect(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (dst, args) = operands!(ip, Instr::V128Tern { dst, args, .. } => (dst, args));
    let (a, b, c) = (
        regs.bytes16(args),
        regs.bytes16(args + 2),
        regs.bytes16(args + 4),
    );
    let r = lanes2::<u64>(
        lanes2::<u64>(a, c, |x, m| x & m),
        lanes2::<u64>(b, c, |y, m| y & !m),
        |x, y| x | y,
    );
    regs.set_bytes16(dst, r);
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// The pool word `rel` ops from `ip`: the constant of a `*Wide`
/// instruction.
#[inline(always)]
fn pool_word(ip: Ip, rel: i32) -> u64 {
    operands!(ip.jump(rel as u32), Instr::Data { bits } => bits)
}

/// The handler of a `Data` op, which its instruction steps over: reaching
/// it would mean a branch into an instruction's immediates.
fn data_word(ip: Ip, _: Regs, _: Mem, ctx: &mut Ctx<'_>, _: f64) -> Exit {
    trap_at(ip, ctx, TrapKind::Unreachable)
}

fn v128_store(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let x = operands!(ip, Instr::V128Store(x) => x);
    let ea = u64::from(regs.u32(x.addr)) + u64::from(x.offset);
    if mem.store(ea, regs.bytes16(x.val)).is_none() {
        return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// The handler of a `MemShared` doing `op`: one per operation, so that
/// the width and extension are constants in each.
fn mem_shared_handler(op: MemOp) -> Handler {
    use super::memn::shared_code as c;
    match c(op) {
        0 => mem_shared::<0>,
        1 => mem_shared::<1>,
        2 => mem_shared::<2>,
        3 => mem_shared::<3>,
        4 => mem_shared::<4>,
        5 => mem_shared::<5>,
        6 => mem_shared::<6>,
        7 => mem_shared::<7>,
        8 => mem_shared::<8>,
        9 => mem_shared::<9>,
        10 => mem_shared::<10>,
        11 => mem_shared::<11>,
        12 => mem_shared::<12>,
        13 => mem_shared::<13>,
        14 => mem_shared::<14>,
        15 => mem_shared::<15>,
        _ => unreachable!("the compiler gives vector accesses to MemN"),
    }
}

/// A scalar load or store (`shared_code` `K`) on a shared memory 0.
fn mem_shared<const K: u8>(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    let (args, offset) = operands!(ip, Instr::MemShared { args, offset, .. } => (args, offset));
    // The compiler emits this only for a shared memory 0.
    let Some(shared) = ctx
        .inner
        .memories
        .get(ctx.mem0)
        .and_then(|m| m.shared.as_ref())
    else {
        return trap_at(ip, ctx, TrapKind::MemoryOutOfBounds);
    };
    let at = u64::from(regs.u32(args)) + u64::from(offset);
    match super::memn::shared_scalar::<K>(shared, at, || regs.get(args + 1)) {
        Ok(Some(v)) => regs.set(args, v),
        Ok(None) => {}
        Err(k) => return trap_at(ip, ctx, k),
    }
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

/// The other SIMD instructions and every access to a memory other than 0,
/// in safe code out of line (`simd_ops::exec`).
fn simd(ip: Ip, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>, fa: f64) -> Exit {
    tri!(ip, ctx, simd_at(ip.instr(), regs, mem, ctx));
    dispatch!(ip.next(), regs, mem, ctx, fa)
}

#[inline(never)]
fn simd_at(ins: &Instr, regs: Regs, mem: Mem, ctx: &mut Ctx<'_>) -> Result<(), TrapKind> {
    let frame = regs.frame_mut(ctx.stack);
    let m = match *ins {
        Instr::MemN { mem, .. } => {
            ctx.inner.instances[ctx.instance as usize].memories[mem as usize] as usize
        }
        _ => ctx.mem0,
    };
    // SIMD operators that touch no memory run in modules with none
    // (`mem0` is then out of range).
    let addr64 = matches!(ins, Instr::MemN { .. }) && ctx.inner.memories[m].is_64();
    if let Some(sh) = ctx.inner.memories.get(m).and_then(|d| d.shared.as_ref()) {
        return simd_ops::exec(ins, frame, &mut [], Some(sh), addr64);
    }
    let bytes: &mut [u8] = if m == ctx.mem0 {
        mem.bytes()
    } else {
        // Another memory: a separate buffer from memory 0's.
        &mut ctx.inner.memories[m].bytes
    };
    simd_ops::exec(ins, frame, bytes, None, addr64)
}
