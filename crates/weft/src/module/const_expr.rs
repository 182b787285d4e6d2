//! Constant expressions (global initialisers, segment offsets, element items).

use crate::error::{ModuleError, Result};

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
                O::End => continue,
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

    /// Evaluates to a value's bits (see `GlobalData`). `global` reads a
    /// global of the instance by index; `func` turns a function index into a
    /// funcref cell.
    pub(crate) fn eval(&self, global: impl Fn(u32) -> u128, func: impl Fn(u32) -> u64) -> u128 {
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in &self.ops {
            let v = match *op {
                ConstOp::I32(v) => u128::from(v as u32),
                ConstOp::I64(v) => u128::from(v as u64),
                ConstOp::F32(v) => u128::from(v),
                ConstOp::F64(v) => u128::from(v),
                ConstOp::V128(v) => v,
                ConstOp::RefNull => 0,
                ConstOp::RefFunc(f) => u128::from(func(f)),
                ConstOp::GlobalGet(g) => global(g),
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
            };
            stack.push(v);
        }
        stack.pop().unwrap_or(0)
    }
}
