//! Constant expressions (global initialisers, segment offsets, element items).

use crate::engine::Composite;
use crate::error::{ModuleError, Result, TrapKind};
use crate::runtime::gc::{self, Object, i31_cell};
use crate::runtime::store::StoreInner;
use crate::types::ConcreteType;

/// One operator of a constant expression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    RefI31,
    /// `struct.new`, `struct.new_default`, `array.new`, `array.new_default`
    /// and `array.new_fixed` of a module type index.
    StructNew(u32),
    StructNewDefault(u32),
    ArrayNew(u32),
    ArrayNewDefault(u32),
    ArrayNewFixed(u32, u32),
}

/// What evaluating a constant expression reads and allocates in: the
/// store, and the instance's globals and functions (store indices).
pub(crate) struct ConstCtx<'a> {
    pub store: &'a mut StoreInner,
    pub module: &'a super::ModuleInner,
    pub globals: &'a [u32],
    pub funcs: &'a [u32],
}

/// A validated constant expression, evaluated at instantiation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConstExpr {
    pub ops: Vec<ConstOp>,
}

impl ConstExpr {
    pub(crate) fn from_wasmparser(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
        use wasmparser::Operator as O;
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset().map_err(super::parse::wp_err)?;
            let c = match op {
                O::I32Const { value } => ConstOp::I32(value),
                O::I64Const { value } => ConstOp::I64(value),
                O::F32Const { value } => ConstOp::F32(value.bits()),
                O::F64Const { value } => ConstOp::F64(value.bits()),
                O::V128Const { value } => ConstOp::V128(u128::from_le_bytes(*value.bytes())),
                O::RefNull { .. } => ConstOp::RefNull,
                O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                O::I32Add => ConstOp::I32Add,
                O::I32Sub => ConstOp::I32Sub,
                O::I32Mul => ConstOp::I32Mul,
                O::I64Add => ConstOp::I64Add,
                O::I64Sub => ConstOp::I64Sub,
                O::I64Mul => ConstOp::I64Mul,
                O::RefI31 => ConstOp::RefI31,
                O::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index),
                O::StructNewDefault { struct_type_index } => {
                    ConstOp::StructNewDefault(struct_type_index)
                }
                O::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index),
                O::ArrayNewDefault { array_type_index } => {
                    ConstOp::ArrayNewDefault(array_type_index)
                }
                O::ArrayNewFixed {
                    array_type_index,
                    array_size,
                } => ConstOp::ArrayNewFixed(array_type_index, array_size),
                // References of both hierarchies are encoded alike.
                O::AnyConvertExtern | O::ExternConvertAny | O::End => continue,
                other => {
                    return Err(ModuleError {
                        message: format!("unsupported constant expression operator {other:?}"),
                        offset: Some(offset as usize),
                        func_index: None,
                        text: false,
                    }
                    .into());
                }
            };
            ops.push(c);
        }
        Ok(ConstExpr { ops })
    }

    /// Evaluates to a value's bits (see `GlobalData`); traps only when a
    /// GC allocation fails.
    pub(crate) fn eval(&self, cx: &mut ConstCtx<'_>) -> Result<u128, TrapKind> {
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in &self.ops {
            let v = match *op {
                ConstOp::I32(v) => u128::from(v as u32),
                ConstOp::I64(v) => u128::from(v as u64),
                ConstOp::F32(v) => u128::from(v),
                ConstOp::F64(v) => u128::from(v),
                ConstOp::V128(v) => v,
                ConstOp::RefNull => 0,
                ConstOp::RefFunc(f) => u128::from(cx.funcs[f as usize]) + 1,
                ConstOp::GlobalGet(g) => cx.store.globals[cx.globals[g as usize] as usize].value,
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                    let b = stack.pop().unwrap_or(0) as u32;
                    let a = stack.pop().unwrap_or(0) as u32;
                    u128::from(match op {
                        ConstOp::I32Add => a.wrapping_add(b),
                        ConstOp::I32Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
                ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                    let b = stack.pop().unwrap_or(0) as u64;
                    let a = stack.pop().unwrap_or(0) as u64;
                    u128::from(match op {
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
                ConstOp::RefI31 => u128::from(i31_cell(stack.pop().unwrap_or(0) as u32)),
                ConstOp::StructNew(t) | ConstOp::StructNewDefault(t) => {
                    let c = &cx.module.composites[t as usize];
                    let fields = c.fields().unwrap_or_default();
                    let mut cells = Vec::new();
                    if let ConstOp::StructNew(_) = op {
                        let at = stack.len().saturating_sub(fields.len());
                        for (f, v) in fields.iter().zip(stack.drain(at..)) {
                            cells.push(v as u64);
                            if f.storage.cells() == 2 {
                                cells.push((v >> 64) as u64);
                            }
                        }
                    } else {
                        cells.resize(c.field_offsets().1 as usize, 0);
                    }
                    let ty = ConcreteType(cx.module.sig_ids[t as usize]);
                    let obj = Object::Struct {
                        ty,
                        fields: cells.into(),
                    };
                    u128::from(gc::alloc(cx.store, obj)?)
                }
                ConstOp::ArrayNew(t)
                | ConstOp::ArrayNewDefault(t)
                | ConstOp::ArrayNewFixed(t, _) => {
                    let Composite::Array(f) = &cx.module.composites[t as usize] else {
                        return Err(TrapKind::Unreachable);
                    };
                    let elem = f.storage.bytes();
                    let values: Vec<u128> = match *op {
                        ConstOp::ArrayNewFixed(_, n) => {
                            let at = stack.len().saturating_sub(n as usize);
                            stack.drain(at..).collect()
                        }
                        _ => {
                            let n = stack.pop().unwrap_or(0) as u32 as u64;
                            let v = if let ConstOp::ArrayNew(_) = op {
                                stack.pop().unwrap_or(0)
                            } else {
                                0
                            };
                            let mut data = cx.store.heap.zeroed(n * u64::from(elem))?;
                            for chunk in data.chunks_exact_mut(usize::from(elem)) {
                                chunk.copy_from_slice(&v.to_le_bytes()[..usize::from(elem)]);
                            }
                            stack.push(u128::from(new_array(cx, t, elem, data)?));
                            continue;
                        }
                    };
                    let mut data = cx
                        .store
                        .heap
                        .zeroed(values.len() as u64 * u64::from(elem))?;
                    for (chunk, v) in data.chunks_exact_mut(usize::from(elem)).zip(values) {
                        chunk.copy_from_slice(&v.to_le_bytes()[..usize::from(elem)]);
                    }
                    u128::from(new_array(cx, t, elem, data)?)
                }
            };
            stack.push(v);
        }
        Ok(stack.pop().unwrap_or(0))
    }
}

/// Allocates an array of module type `t` holding `data`.
fn new_array(cx: &mut ConstCtx<'_>, t: u32, elem: u8, data: Vec<u8>) -> Result<u64, TrapKind> {
    let obj = Object::Array {
        ty: ConcreteType(cx.module.sig_ids[t as usize]),
        elem,
        data: data.into_boxed_slice(),
    };
    gc::alloc(cx.store, obj)
}
