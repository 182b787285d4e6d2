//! Loads and stores on memories other than memory 0 (multi-memory).
//!
//! Memory 0 has the interpreter's fast instructions with a cached base
//! pointer; the others share one out-of-line instruction, `MemN`, whose
//! operands sit at consecutive frame slots. This is safe code over the
//! memory's byte vector and the frame's cells.

use super::simd_ops;
use crate::code::MemOp;
use crate::error::TrapKind;

/// Performs `op` on `mem`: `frame[0]` holds the address, `frame[1..]` the
/// stored value or the lane operand; a loaded value replaces `frame[0..]`.
pub(super) fn access(
    op: MemOp,
    lane: u8,
    mem: &mut [u8],
    frame: &mut [u64],
    offset: u32,
) -> Result<(), TrapKind> {
    let ea = u64::from(frame[0] as u32) + u64::from(offset);
    let n = match op {
        MemOp::I32Load8S | MemOp::I32Load8U | MemOp::I64Load8S | MemOp::I64Load8U => 1,
        MemOp::I32Load16S | MemOp::I32Load16U | MemOp::I64Load16S | MemOp::I64Load16U => 2,
        MemOp::I32Load | MemOp::I64Load32S | MemOp::I64Load32U => 4,
        MemOp::I64Load => 8,
        MemOp::Store8 => 1,
        MemOp::Store16 => 2,
        MemOp::Store32 => 4,
        MemOp::Store64 => 8,
        MemOp::V128Load(kind) => kind.bytes(),
        MemOp::V128Store => 16,
        MemOp::LoadLane(b) | MemOp::StoreLane(b) => usize::from(b),
    };
    let start = usize::try_from(ea).map_err(|_| TrapKind::MemoryOutOfBounds)?;
    let bytes = start
        .checked_add(n)
        .and_then(|end| mem.get_mut(start..end))
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    let mut buf = [0u8; 16];
    buf[..n].copy_from_slice(bytes);
    let lo = u64::from_le_bytes([
        buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7],
    ]);
    let v128 = |frame: &[u64]| u128::from(frame[1]) | (u128::from(frame[2]) << 64);
    let set_v128 = |frame: &mut [u64], v: u128| {
        frame[0] = v as u64;
        frame[1] = (v >> 64) as u64;
    };
    match op {
        MemOp::I32Load
        | MemOp::I32Load8U
        | MemOp::I32Load16U
        | MemOp::I64Load
        | MemOp::I64Load8U
        | MemOp::I64Load16U
        | MemOp::I64Load32U => frame[0] = lo,
        MemOp::I32Load8S => frame[0] = u64::from(lo as u8 as i8 as i32 as u32),
        MemOp::I32Load16S => frame[0] = u64::from(lo as u16 as i16 as i32 as u32),
        MemOp::I64Load8S => frame[0] = lo as u8 as i8 as i64 as u64,
        MemOp::I64Load16S => frame[0] = lo as u16 as i16 as i64 as u64,
        MemOp::I64Load32S => frame[0] = lo as u32 as i32 as i64 as u64,
        MemOp::Store8 | MemOp::Store16 | MemOp::Store32 | MemOp::Store64 => {
            bytes.copy_from_slice(&frame[1].to_le_bytes()[..n]);
        }
        MemOp::V128Load(kind) => set_v128(frame, simd_ops::load(kind, buf)),
        MemOp::V128Store => bytes.copy_from_slice(&v128(frame).to_le_bytes()),
        MemOp::LoadLane(b) => {
            let v = simd_ops::load_lane(v128(frame), b, lane, lo);
            set_v128(frame, v);
        }
        MemOp::StoreLane(b) => {
            let x = simd_ops::lane_bytes(v128(frame), b, lane);
            bytes.copy_from_slice(&x.to_le_bytes()[..n]);
        }
    }
    Ok(())
}
