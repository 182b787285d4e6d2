//! Translation of the threads proposal's operators: atomic loads, stores,
//! read-modify-writes, `cmpxchg`, `wait`, `notify` and `atomic.fence`.
//!
//! Each is one out-of-line `Instr::Atomic` (run by `exec/atomic.rs`), like
//! `MemN`: operands at consecutive slots, the result in the address's slot.
//! Plain loads and stores on a shared memory take `MemN` (see `fast_mem`),
//! so code on unshared memories is compiled exactly as before.

use super::{Result, Translator};
use crate::code::{AtomicOp, Instr, RmwOp};
use wasmparser::{MemArg, Operator};

/// An atomic operator's operation, memory argument and whether it leaves a
/// result; `None` if `op` is not an atomic operator.
fn decode(op: &Operator<'_>) -> Option<(AtomicOp, Option<MemArg>, bool)> {
    use AtomicOp as A;
    use Operator as O;
    use RmwOp::*;
    let (a, m, result) = match *op {
        O::AtomicFence { .. } => return Some((A::Fence, None, false)),
        O::MemoryAtomicNotify { memarg } => (A::Notify, memarg, true),
        O::MemoryAtomicWait32 { memarg } => (A::Wait(4), memarg, true),
        O::MemoryAtomicWait64 { memarg } => (A::Wait(8), memarg, true),
        O::I32AtomicLoad { memarg } => (A::Load(4), memarg, true),
        O::I64AtomicLoad { memarg } => (A::Load(8), memarg, true),
        O::I32AtomicLoad8U { memarg } | O::I64AtomicLoad8U { memarg } => (A::Load(1), memarg, true),
        O::I32AtomicLoad16U { memarg } | O::I64AtomicLoad16U { memarg } => {
            (A::Load(2), memarg, true)
        }
        O::I64AtomicLoad32U { memarg } => (A::Load(4), memarg, true),
        O::I32AtomicStore { memarg } | O::I64AtomicStore32 { memarg } => {
            (A::Store(4), memarg, false)
        }
        O::I64AtomicStore { memarg } => (A::Store(8), memarg, false),
        O::I32AtomicStore8 { memarg } | O::I64AtomicStore8 { memarg } => {
            (A::Store(1), memarg, false)
        }
        O::I32AtomicStore16 { memarg } | O::I64AtomicStore16 { memarg } => {
            (A::Store(2), memarg, false)
        }
        O::I32AtomicRmwAdd { memarg } => (A::Rmw(Add, 4), memarg, true),
        O::I64AtomicRmwAdd { memarg } => (A::Rmw(Add, 8), memarg, true),
        O::I32AtomicRmw8AddU { memarg } | O::I64AtomicRmw8AddU { memarg } => {
            (A::Rmw(Add, 1), memarg, true)
        }
        O::I32AtomicRmw16AddU { memarg } | O::I64AtomicRmw16AddU { memarg } => {
            (A::Rmw(Add, 2), memarg, true)
        }
        O::I64AtomicRmw32AddU { memarg } => (A::Rmw(Add, 4), memarg, true),
        O::I32AtomicRmwSub { memarg } => (A::Rmw(Sub, 4), memarg, true),
        O::I64AtomicRmwSub { memarg } => (A::Rmw(Sub, 8), memarg, true),
        O::I32AtomicRmw8SubU { memarg } | O::I64AtomicRmw8SubU { memarg } => {
            (A::Rmw(Sub, 1), memarg, true)
        }
        O::I32AtomicRmw16SubU { memarg } | O::I64AtomicRmw16SubU { memarg } => {
            (A::Rmw(Sub, 2), memarg, true)
        }
        O::I64AtomicRmw32SubU { memarg } => (A::Rmw(Sub, 4), memarg, true),
        O::I32AtomicRmwAnd { memarg } => (A::Rmw(And, 4), memarg, true),
        O::I64AtomicRmwAnd { memarg } => (A::Rmw(And, 8), memarg, true),
        O::I32AtomicRmw8AndU { memarg } | O::I64AtomicRmw8AndU { memarg } => {
            (A::Rmw(And, 1), memarg, true)
        }
        O::I32AtomicRmw16AndU { memarg } | O::I64AtomicRmw16AndU { memarg } => {
            (A::Rmw(And, 2), memarg, true)
        }
        O::I64AtomicRmw32AndU { memarg } => (A::Rmw(And, 4), memarg, true),
        O::I32AtomicRmwOr { memarg } => (A::Rmw(Or, 4), memarg, true),
        O::I64AtomicRmwOr { memarg } => (A::Rmw(Or, 8), memarg, true),
        O::I32AtomicRmw8OrU { memarg } | O::I64AtomicRmw8OrU { memarg } => {
            (A::Rmw(Or, 1), memarg, true)
        }
        O::I32AtomicRmw16OrU { memarg } | O::I64AtomicRmw16OrU { memarg } => {
            (A::Rmw(Or, 2), memarg, true)
        }
        O::I64AtomicRmw32OrU { memarg } => (A::Rmw(Or, 4), memarg, true),
        O::I32AtomicRmwXor { memarg } => (A::Rmw(Xor, 4), memarg, true),
        O::I64AtomicRmwXor { memarg } => (A::Rmw(Xor, 8), memarg, true),
        O::I32AtomicRmw8XorU { memarg } | O::I64AtomicRmw8XorU { memarg } => {
            (A::Rmw(Xor, 1), memarg, true)
        }
        O::I32AtomicRmw16XorU { memarg } | O::I64AtomicRmw16XorU { memarg } => {
            (A::Rmw(Xor, 2), memarg, true)
        }
        O::I64AtomicRmw32XorU { memarg } => (A::Rmw(Xor, 4), memarg, true),
        O::I32AtomicRmwXchg { memarg } => (A::Rmw(Xchg, 4), memarg, true),
        O::I64AtomicRmwXchg { memarg } => (A::Rmw(Xchg, 8), memarg, true),
        O::I32AtomicRmw8XchgU { memarg } | O::I64AtomicRmw8XchgU { memarg } => {
            (A::Rmw(Xchg, 1), memarg, true)
        }
        O::I32AtomicRmw16XchgU { memarg } | O::I64AtomicRmw16XchgU { memarg } => {
            (A::Rmw(Xchg, 2), memarg, true)
        }
        O::I64AtomicRmw32XchgU { memarg } => (A::Rmw(Xchg, 4), memarg, true),
        O::I32AtomicRmwCmpxchg { memarg } => (A::Cmpxchg(4), memarg, true),
        O::I64AtomicRmwCmpxchg { memarg } => (A::Cmpxchg(8), memarg, true),
        O::I32AtomicRmw8CmpxchgU { memarg } | O::I64AtomicRmw8CmpxchgU { memarg } => {
            (A::Cmpxchg(1), memarg, true)
        }
        O::I32AtomicRmw16CmpxchgU { memarg } | O::I64AtomicRmw16CmpxchgU { memarg } => {
            (A::Cmpxchg(2), memarg, true)
        }
        O::I64AtomicRmw32CmpxchgU { memarg } => (A::Cmpxchg(4), memarg, true),
        _ => return None,
    };
    Some((a, Some(m), result))
}

impl AtomicOp {
    /// How many operands it pops (the address included).
    pub(crate) fn arity(self) -> usize {
        match self {
            AtomicOp::Fence => 0,
            AtomicOp::Load(_) => 1,
            AtomicOp::Store(_) | AtomicOp::Rmw(..) | AtomicOp::Notify => 2,
            AtomicOp::Cmpxchg(_) | AtomicOp::Wait(_) => 3,
        }
    }
}

impl Translator<'_> {
    /// Translates `op` if it is an atomic operator; `false` if it is not one.
    pub(super) fn atomic(&mut self, op: &Operator<'_>, offset: u64) -> Result<bool> {
        let Some((a, memarg, result)) = decode(op) else {
            return Ok(false);
        };
        let Some(m) = memarg else {
            self.emit(Instr::Atomic {
                op: a,
                mem: 0,
                args: 0,
                offset: 0,
            });
            return Ok(true);
        };
        let (mem, args, off) = self.mem_args(&m, offset, a.arity())?;
        if result {
            self.push_temp();
        }
        self.emit(Instr::Atomic {
            op: a,
            mem,
            args,
            offset: off,
        });
        Ok(true)
    }
}
