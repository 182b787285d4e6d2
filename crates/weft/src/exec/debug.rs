//! The interpreter's side of debugging: deciding at a step point whether
//! to stop, and reading the stopped frames off the store-owned call stack.

use super::{Ctx, Frame, Ip, frame_pc};
use crate::code::Instr;
use crate::code::debug_map::{Place, ValueKind};
use crate::runtime::debug::{DebugFrame, StopReason};
use crate::runtime::store::StoreInner;
use std::sync::atomic::Ordering;

/// Whether the step point at `ip` stops: a pause was asked for, a step is
/// in progress, or a breakpoint is set at its offset in the current
/// instance. Runs only while the store's debugger is armed.
#[inline]
pub(super) fn stop_here(ctx: &mut Ctx<'_>, ip: Ip) -> bool {
    let Instr::DebugPoint { offset } = *ip.instr() else {
        return false;
    };
    let instance = ctx.instance;
    let Some(d) = ctx.inner.debug.as_deref_mut() else {
        return false;
    };
    let reason = if d.stepping {
        StopReason::Step
    } else if d.pause.load(Ordering::Relaxed) && d.pause.swap(false, Ordering::Relaxed) {
        StopReason::Pause
    } else if d.breakpoints.contains(instance, offset) {
        StopReason::Breakpoint
    } else {
        return false;
    };
    d.reason = Some(reason);
    true
}

/// The stopped program's wasm frames, innermost first.
fn wasm_frames(inner: &StoreInner) -> impl Iterator<Item = &Frame> {
    super::wasm_frames(&inner.call_stack.frames)
}

/// The stopped frames, innermost first.
pub(crate) fn frames(inner: &StoreInner) -> Vec<DebugFrame> {
    wasm_frames(inner)
        .enumerate()
        .map(|(depth, f)| {
            let m = &inner.instances[f.instance as usize].module.inner;
            let func_index = m.num_imported_funcs + f.func;
            let at = frame_pc(inner, f);
            let offset = at.and_then(|(pc, cf)| cf.offsets.get(pc)).unwrap_or(0);
            // A caller continues at the step point after its call: that
            // is its return address.
            let resume = at
                .filter(|_| depth > 0)
                .and_then(|(pc, cf)| {
                    let next = cf.debug.as_ref()?.point_from(pc as u32 + 1)?;
                    cf.offsets.get(next as usize)
                })
                .unwrap_or(offset);
            DebugFrame {
                instance: f.instance as usize,
                func_index,
                func_name: m.func_names.get(&func_index).cloned(),
                offset: u64::from(offset),
                pc: u64::from(resume),
            }
        })
        .collect()
}

fn cell_bits(cells: &[u64], at: usize, kind: ValueKind) -> Option<u128> {
    let lo = u128::from(*cells.get(at)?);
    Some(match kind {
        ValueKind::V128 => lo | (u128::from(*cells.get(at + 1)?) << 64),
        ValueKind::I32 | ValueKind::F32 => lo & 0xffff_ffff,
        _ => lo,
    })
}

/// Wasm local `index` of frame `depth` (0 is the innermost).
pub(crate) fn local(inner: &StoreInner, depth: usize, index: u32) -> Option<(ValueKind, u128)> {
    let f = wasm_frames(inner).nth(depth)?;
    let (_, cf) = frame_pc(inner, f)?;
    let &(slot, kind) = cf.debug.as_ref()?.locals.get(index as usize)?;
    let bits = cell_bits(&inner.call_stack.cells, f.fp + slot as usize, kind)?;
    Some((kind, bits))
}

/// The operand-stack values of frame `depth`, bottom first, as they are
/// at its step point (for a caller: at the step point of its call).
pub(crate) fn stack(inner: &StoreInner, depth: usize) -> Option<Vec<(ValueKind, u128)>> {
    let f = wasm_frames(inner).nth(depth)?;
    let (pc, cf) = frame_pc(inner, f)?;
    let (_, values) = cf.debug.as_ref()?.point_before(pc as u32)?;
    values
        .iter()
        .map(|v| match v.place {
            Place::Const(c) => Some((v.kind, u128::from(c))),
            Place::Slot(s) => {
                let bits = cell_bits(&inner.call_stack.cells, f.fp + s as usize, v.kind)?;
                Some((v.kind, bits))
            }
        })
        .collect()
}

/// The store index of the instance of frame `depth`.
pub(crate) fn frame_instance(inner: &StoreInner, depth: usize) -> Option<usize> {
    wasm_frames(inner).nth(depth).map(|f| f.instance as usize)
}
