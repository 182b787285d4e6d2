//! Compiling for a debugger (`Config::debug_info`): a step point before
//! every wasm operator, and the map of where locals and stack values are.
//!
//! A `DebugPoint` sits between every two operators, so no rewrite that
//! looks back at "the previous instruction" (folding `local.set` into the
//! producer, compare-and-branch, address folding, accumulator hand-offs,
//! `Copy2`) ever crosses an operator boundary: each of them needs the
//! instruction it rewrites to be the last one emitted. The passes over the
//! finished code (`optimize_branches`, `fuse_add_branches`) are skipped.

use super::{Opd, Translator};
use crate::code::Instr;
use crate::code::debug_map::{Place, StackValue, ValueKind};
use wasmparser::{FuncValidator, ValidatorResources};

impl Translator<'_> {
    /// Emits the step point of the operator at `offset` (validated next)
    /// and records the operand stack as it is before it.
    pub(super) fn debug_point(&mut self, v: &FuncValidator<ValidatorResources>, offset: u64) {
        let hidden = self.hidden_entries();
        let start = self.debug_stack.len() as u32;
        let mut d = self.stack.len() - hidden.len();
        for (p, e) in self.stack.iter().enumerate() {
            // The hidden `exnref` of a legacy catch body is no operand.
            if hidden.contains(&p) {
                continue;
            }
            d -= 1;
            let kind = match v.get_operand_type(d) {
                Some(Some(t)) => ValueKind::of(t),
                // Unknown types exist only in unreachable code, which gets
                // no step points.
                _ => ValueKind::I64,
            };
            let place = match e.opd {
                Opd::Temp => Place::Slot(e.slot),
                Opd::Local(s) => Place::Slot(s),
                Opd::Const(c) => Place::Const(c),
            };
            self.debug_stack.push(StackValue { place, kind });
        }
        let pc = self.emit(Instr::DebugPoint {
            offset: offset as u32,
        });
        self.debug_points.push((pc as u32, start));
    }
}
