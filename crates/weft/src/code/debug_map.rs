//! The side table a function compiled for a debugger carries
//! (`Config::debug_info`): where each wasm local lives and, at every step
//! point, where each operand-stack value is.

use super::Slot;

/// The kind of a wasm value as a debugger shows it: its size and how to
/// read its bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// A 32-bit integer (4 bytes).
    I32,
    /// A 64-bit integer (8 bytes).
    I64,
    /// A 32-bit float (4 bytes).
    F32,
    /// A 64-bit float (8 bytes).
    F64,
    /// A 128-bit vector (16 bytes).
    V128,
    /// A reference: weft's cell for it (8 bytes).
    Ref,
}

impl ValueKind {
    /// The kind of a validator value type.
    pub(crate) fn of(t: wasmparser::ValType) -> ValueKind {
        match t {
            wasmparser::ValType::I32 => ValueKind::I32,
            wasmparser::ValType::I64 => ValueKind::I64,
            wasmparser::ValType::F32 => ValueKind::F32,
            wasmparser::ValType::F64 => ValueKind::F64,
            wasmparser::ValType::V128 => ValueKind::V128,
            wasmparser::ValType::Ref(_) => ValueKind::Ref,
        }
    }

    /// Bytes the value takes in a debugger's view (little-endian).
    pub fn size(self) -> usize {
        match self {
            ValueKind::I32 | ValueKind::F32 => 4,
            ValueKind::I64 | ValueKind::F64 | ValueKind::Ref => 8,
            ValueKind::V128 => 16,
        }
    }
}

/// Where a value is at a step point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// In the frame, from this slot on.
    Slot(Slot),
    /// Not stored anywhere: this constant (bits, zero-extended).
    Const(u64),
}

/// One operand-stack value at a step point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StackValue {
    pub place: Place,
    pub kind: ValueKind,
}

/// Locals and operand-stack layout of a function compiled for debugging.
#[derive(Debug, Default)]
pub(crate) struct DebugMap {
    /// Per wasm local (parameters first): its first slot and kind.
    pub locals: Box<[(Slot, ValueKind)]>,
    /// Per step point (`Instr::DebugPoint`), in pc order: its pc and where
    /// its stack values start in `stack` (they end where the next point's
    /// start). The values are bottom first.
    pub points: Box<[(u32, u32)]>,
    pub stack: Box<[StackValue]>,
}

impl DebugMap {
    /// The step point at or before `pc` (an op of a frame that stopped
    /// there or is at a call): its pc and its stack values, bottom first.
    pub(crate) fn point_before(&self, pc: u32) -> Option<(u32, &[StackValue])> {
        let k = match self.points.binary_search_by_key(&pc, |p| p.0) {
            Ok(k) => k,
            Err(0) => return None,
            Err(k) => k - 1,
        };
        let start = self.points[k].1 as usize;
        let end = self
            .points
            .get(k + 1)
            .map_or(self.stack.len(), |p| p.1 as usize);
        Some((self.points[k].0, &self.stack[start..end]))
    }

    /// The first step point at or after `pc`.
    pub(crate) fn point_from(&self, pc: u32) -> Option<u32> {
        let k = self.points.partition_point(|p| p.0 < pc);
        self.points.get(k).map(|p| p.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_found_before_and_after() {
        let v = |s| StackValue {
            place: Place::Slot(s),
            kind: ValueKind::I32,
        };
        let map = DebugMap {
            locals: Box::new([]),
            points: Box::new([(0, 0), (3, 0), (7, 2)]),
            stack: Box::new([v(1), v(2), v(5)]),
        };
        assert_eq!(map.point_before(0).map(|p| p.0), Some(0));
        assert!(map.point_before(0).unwrap().1.is_empty());
        assert_eq!(map.point_before(5).map(|p| p.1.len()), Some(2));
        assert_eq!(map.point_before(9), Some((7, &[v(5)][..])));
        assert_eq!(map.point_from(4), Some(7));
        assert_eq!(map.point_from(8), None);
    }
}
