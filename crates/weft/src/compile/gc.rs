//! Translation of the GC proposal's operators: structs, arrays, `i31`,
//! casts and the `any`/`extern` conversions.
//!
//! Allocation and field or element access are one `Instr::Gc` each, run
//! out of line (`exec/gc.rs`): operands at consecutive slots, the result in
//! the first operand's slot. The type's layout is read here, so the
//! interpreter gets a field's cell offset and an element's size as
//! immediates. `ref.eq` compares cells (`i64.eq`), and the two conversions
//! emit nothing: both hierarchies encode references the same way.

use super::{Opd, Result, Translator, compile_err, imm_i64};
use crate::code::{CAST_NEGATE, CAST_NULLABLE, GcOp, Instr as I, cast_target};
use crate::engine::{Composite, StorageType};
use crate::types::{RefType, ValType};
use wasmparser::Operator;

impl Translator<'_> {
    /// Translates `op` if it is a GC operator; `false` if it is not one.
    pub(super) fn gc(&mut self, op: &Operator<'_>, offset: u64) -> Result<bool> {
        use Operator as O;
        match *op {
            O::RefEq => self.binop(I::I64Eq, Some(I::I64EqImm), Some(I::I64EqImm), imm_i64),
            O::AnyConvertExtern | O::ExternConvertAny => {}
            O::RefI31 => self.gc_op(GcOp::RefI31, 1, 0, 0, false),
            O::I31GetS => self.gc_op(GcOp::I31GetS, 1, 0, 0, false),
            O::I31GetU => self.gc_op(GcOp::I31GetU, 1, 0, 0, false),
            O::StructNew { struct_type_index } => {
                let (ty, n, cells) = self.struct_shape(struct_type_index, offset)?;
                self.gc_op(GcOp::StructNew, n, ty, cells, false);
            }
            O::StructNewDefault { struct_type_index } => {
                let (ty, _, cells) = self.struct_shape(struct_type_index, offset)?;
                self.gc_op(GcOp::StructNewDefault, 0, ty, cells, false);
            }
            O::StructGet {
                struct_type_index,
                field_index,
            }
            | O::StructGetS {
                struct_type_index,
                field_index,
            }
            | O::StructGetU {
                struct_type_index,
                field_index,
            } => {
                let (storage, at) = self.field(struct_type_index, field_index, offset)?;
                let signed = matches!(op, O::StructGetS { .. });
                let g = match storage {
                    StorageType::I8 if signed => GcOp::StructGetS8,
                    StorageType::I8 => GcOp::StructGetU8,
                    StorageType::I16 if signed => GcOp::StructGetS16,
                    StorageType::I16 => GcOp::StructGetU16,
                    StorageType::Val(ValType::V128) => GcOp::StructGetV128,
                    StorageType::Val(_) => GcOp::StructGet,
                };
                let wide = storage == StorageType::Val(ValType::V128);
                self.gc_op(g, 1, 0, at, wide);
            }
            O::StructSet {
                struct_type_index,
                field_index,
            } => {
                let (storage, at) = self.field(struct_type_index, field_index, offset)?;
                let g = if storage == StorageType::Val(ValType::V128) {
                    GcOp::StructSetV128
                } else {
                    GcOp::StructSet
                };
                self.gc_void(g, 2, 0, at);
            }
            O::ArrayNew { array_type_index } => {
                let (ty, elem) = self.array_shape(array_type_index, offset)?;
                self.gc_op(GcOp::ArrayNew, 2, ty, elem, false);
            }
            O::ArrayNewDefault { array_type_index } => {
                let (ty, elem) = self.array_shape(array_type_index, offset)?;
                self.gc_op(GcOp::ArrayNewDefault, 1, ty, elem, false);
            }
            O::ArrayNewFixed {
                array_type_index,
                array_size,
            } => {
                let (ty, elem) = self.array_shape(array_type_index, offset)?;
                let x = packed(array_size, elem, offset)?;
                self.gc_op(GcOp::ArrayNewFixed, array_size as usize, ty, x, false);
            }
            O::ArrayNewData {
                array_type_index,
                array_data_index,
            } => {
                let (ty, elem) = self.array_shape(array_type_index, offset)?;
                let x = packed(array_data_index, elem, offset)?;
                self.gc_op(GcOp::ArrayNewData, 2, ty, x, false);
            }
            O::ArrayNewElem {
                array_type_index,
                array_elem_index,
            } => {
                let (ty, elem) = self.array_shape(array_type_index, offset)?;
                let x = packed(array_elem_index, elem, offset)?;
                self.gc_op(GcOp::ArrayNewElem, 2, ty, x, false);
            }
            O::ArrayGet { array_type_index }
            | O::ArrayGetS { array_type_index }
            | O::ArrayGetU { array_type_index } => {
                let (_, elem) = self.array_shape(array_type_index, offset)?;
                let g = match op {
                    O::ArrayGetS { .. } => GcOp::ArrayGetS,
                    O::ArrayGetU { .. } => GcOp::ArrayGetU,
                    _ => GcOp::ArrayGet,
                };
                self.gc_op(g, 2, 0, elem, elem == 16);
            }
            O::ArraySet { array_type_index } => {
                let (_, elem) = self.array_shape(array_type_index, offset)?;
                self.gc_void(GcOp::ArraySet, 3, 0, elem);
            }
            O::ArrayLen => self.gc_op(GcOp::ArrayLen, 1, 0, 0, false),
            O::ArrayFill { array_type_index } => {
                let (_, elem) = self.array_shape(array_type_index, offset)?;
                self.gc_void(GcOp::ArrayFill, 4, 0, elem);
            }
            O::ArrayCopy {
                array_type_index_dst,
                ..
            } => {
                let (_, elem) = self.array_shape(array_type_index_dst, offset)?;
                self.gc_void(GcOp::ArrayCopy, 5, 0, elem);
            }
            O::ArrayInitData {
                array_type_index,
                array_data_index,
            } => {
                let (_, elem) = self.array_shape(array_type_index, offset)?;
                let x = packed(array_data_index, elem, offset)?;
                self.gc_void(GcOp::ArrayInitData, 4, 0, x);
            }
            O::ArrayInitElem {
                array_type_index,
                array_elem_index,
            } => {
                let (_, elem) = self.array_shape(array_type_index, offset)?;
                let x = packed(array_elem_index, elem, offset)?;
                self.gc_void(GcOp::ArrayInitElem, 4, 0, x);
            }
            O::RefTestNonNull { hty } | O::RefTestNullable { hty } => {
                let nullable = matches!(op, O::RefTestNullable { .. });
                let ty = self.cast_type(hty, nullable, offset)?;
                let src = self.pop_slot();
                let dst = self.push_temp();
                let flags = if nullable { CAST_NULLABLE } else { 0 };
                self.emit_result(I::RefTest {
                    flags,
                    dst,
                    src,
                    ty,
                });
            }
            O::RefCastNonNull { hty } | O::RefCastNullable { hty } => {
                let nullable = matches!(op, O::RefCastNullable { .. });
                let ty = self.cast_type(hty, nullable, offset)?;
                let (src, e) = self.pop_ref();
                let flags = if nullable { CAST_NULLABLE } else { 0 };
                self.emit(I::RefCast { flags, src, ty });
                self.stack.push(e);
            }
            O::BrOnCast {
                relative_depth,
                to_ref_type,
                ..
            }
            | O::BrOnCastFail {
                relative_depth,
                to_ref_type,
                ..
            } => {
                let nullable = to_ref_type.is_nullable();
                let ty = self.cast_type(to_ref_type.heap_type(), nullable, offset)?;
                let mut flags = if nullable { CAST_NULLABLE } else { 0 };
                if matches!(op, O::BrOnCastFail { .. }) {
                    flags |= CAST_NEGATE;
                }
                // The reference stays on the stack on both paths; the test's
                // result is a condition above it for `br_if`.
                let (src, e) = self.pop_ref();
                self.stack.push(e);
                let dst = self.push_temp();
                self.emit(I::RefTest {
                    flags,
                    dst,
                    src,
                    ty,
                });
                self.last_result = None;
                self.br_if(relative_depth);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// A GC operation with a result: pops `nargs` operands and pushes the
    /// result (`wide`: a `v128`) in the first one's slot.
    fn gc_op(&mut self, op: GcOp, nargs: usize, ty: u32, x: u32, wide: bool) {
        let args = self.pop_args(nargs);
        self.push(Opd::Temp, wide);
        self.emit(I::Gc { op, args, ty, x });
    }

    /// A GC operation without a result.
    fn gc_void(&mut self, op: GcOp, nargs: usize, ty: u32, x: u32) {
        let args = self.pop_args(nargs);
        self.emit(I::Gc { op, args, ty, x });
    }

    fn composite(&self, index: u32, offset: u64) -> Result<&Composite> {
        self.env
            .composites
            .get(index as usize)
            .ok_or_else(|| compile_err(format!("unknown type {index}"), offset))
    }

    /// A struct type's engine id, field count and cells.
    fn struct_shape(&self, index: u32, offset: u64) -> Result<(u32, usize, u32)> {
        let c = self.composite(index, offset)?;
        let n = c.fields().map_or(0, |f| f.len());
        let (_, cells) = c.field_offsets();
        Ok((self.env.sig_ids[index as usize], n, cells))
    }

    /// A struct field's storage type and cell offset.
    fn field(&self, index: u32, field: u32, offset: u64) -> Result<(StorageType, u32)> {
        let c = self.composite(index, offset)?;
        let (offsets, _) = c.field_offsets();
        match (
            c.fields().and_then(|f| f.get(field as usize)),
            offsets.get(field as usize),
        ) {
            (Some(f), Some(&at)) => Ok((f.storage, at)),
            _ => Err(compile_err(format!("unknown field {field}"), offset)),
        }
    }

    /// An array type's engine id and element size in bytes.
    fn array_shape(&self, index: u32, offset: u64) -> Result<(u32, u32)> {
        match self.composite(index, offset)? {
            Composite::Array(f) => Ok((
                self.env.sig_ids[index as usize],
                u32::from(f.storage.bytes()),
            )),
            _ => Err(compile_err(format!("type {index} is not an array"), offset)),
        }
    }

    /// A cast's target, encoded for `RefTest`/`RefCast`.
    fn cast_type(&self, hty: wasmparser::HeapType, nullable: bool, offset: u64) -> Result<u32> {
        let map = |i: wasmparser::UnpackedIndex| match i {
            wasmparser::UnpackedIndex::Module(i) => self
                .env
                .sig_ids
                .get(i as usize)
                .map(|&s| crate::types::ConcreteType(s)),
            _ => None,
        };
        let r = wasmparser::RefType::new(nullable, hty)
            .and_then(|r| RefType::from_wasmparser(r, &map))
            .ok_or_else(|| compile_err("unsupported cast target".into(), offset))?;
        Ok(cast_target(r.heap_type()))
    }
}

/// A segment index or count with an element size in the low byte.
fn packed(index: u32, elem: u32, offset: u64) -> Result<u32> {
    index
        .checked_mul(256)
        .map(|x| x | elem)
        .ok_or_else(|| compile_err("index too large".into(), offset))
}
