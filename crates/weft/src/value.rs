//! [`Val`]: a wasm value as the embedder sees it, and [`ExternRef`].

use crate::error::Result;
use crate::runtime::Func;
use crate::runtime::gc::{Object, Root};
use crate::runtime::store::{AsContext, AsContextMut, StoreInner};
use crate::types::{ConcreteType, HeapType, RefType, Top, ValType};
use std::any::Any;
use std::sync::Arc;

/// A wasm value. Floats are carried as their bit patterns so NaN payloads
/// survive.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as bits.
    F32(u32),
    /// An `f64`, as bits.
    F64(u64),
    /// A `v128`.
    V128(u128),
    /// A `funcref`; `None` is null.
    FuncRef(Option<Func>),
    /// An `externref`; `None` is null.
    ExternRef(Option<ExternRef>),
    /// A reference of the `any` hierarchy (`anyref`, `eqref`, `i31ref`,
    /// structs, arrays); `None` is null.
    AnyRef(Option<AnyRef>),
    /// An `exnref`; `None` is null.
    ExnRef(Option<ExnRef>),
}

impl Val {
    /// The value's type; for a reference, the nullable top type of its
    /// hierarchy (`funcref`, `externref`, `anyref`, `exnref`): whether it
    /// also has a more precise type is [`Val::matches`]'s question.
    pub fn ty(&self) -> ValType {
        let top = |h| ValType::Ref(RefType::new(true, h));
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => top(HeapType::Func),
            Val::ExternRef(_) => top(HeapType::Extern),
            Val::AnyRef(_) => top(HeapType::Any),
            Val::ExnRef(_) => top(HeapType::Exn),
        }
    }

    /// The zero value of a type, or null for a reference type. The type
    /// alone does not tell a concrete type's hierarchy, so a concrete type
    /// gives a null function reference, which weft accepts as the null of
    /// any nullable concrete type (every null is the same cell).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) => Val::null(r.heap_type().abstract_top().unwrap_or(Top::Func)),
        }
    }

    /// The null reference of a hierarchy.
    pub(crate) fn null(top: Top) -> Val {
        match top {
            Top::Func => Val::FuncRef(None),
            Top::Extern => Val::ExternRef(None),
            Top::Any => Val::AnyRef(None),
            Top::Exn => Val::ExnRef(None),
        }
    }

    /// Whether this value (of `store`) has type `ty`: numbers by equality,
    /// references by subtyping (a null one only if `ty` is nullable, a
    /// function by its defined type).
    pub fn matches(&self, store: impl AsContext, ty: ValType) -> bool {
        self.matches_in(&store.as_context().inner, ty)
    }

    pub(crate) fn matches_in(&self, store: &StoreInner, ty: ValType) -> bool {
        let ValType::Ref(r) = ty else {
            return self.ty() == ty;
        };
        let reg = store.engine.types();
        let heap = r.heap_type();
        let top = reg.heap_top(heap);
        match self {
            Val::FuncRef(None) if matches!(heap, HeapType::Concrete(_)) => r.is_nullable(),
            Val::FuncRef(None) => r.is_nullable() && top == Some(Top::Func),
            Val::ExternRef(None) => r.is_nullable() && top == Some(Top::Extern),
            Val::AnyRef(None) => r.is_nullable() && top == Some(Top::Any),
            Val::ExnRef(None) => r.is_nullable() && top == Some(Top::Exn),
            Val::FuncRef(Some(f)) => match store.check(f.0, "function") {
                Ok(i) => {
                    let own = ConcreteType(store.funcs[i].sig());
                    reg.heap_sub(HeapType::Concrete(own), heap)
                }
                Err(_) => false,
            },
            // Each hierarchy's values only match its own types: an
            // `anyref` is never a funcref, whatever its bits.
            Val::ExternRef(Some(e)) => match e.0.bits_in(store, "externref") {
                Ok(bits) if top == Some(Top::Extern) => {
                    crate::exec::cell_matches(store, &reg, bits, heap, false)
                }
                _ => false,
            },
            Val::AnyRef(Some(a)) => match a.0.bits_in(store, "anyref") {
                Ok(bits) if top == Some(Top::Any) => {
                    crate::exec::cell_matches(store, &reg, bits, heap, false)
                }
                _ => false,
            },
            Val::ExnRef(Some(x)) => {
                x.0.bits_in(store, "exnref").is_ok()
                    && top == Some(Top::Exn)
                    && heap == HeapType::Exn
            }
            _ => false,
        }
    }

    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(v) => Some(f32::from_bits(*v)),
            _ => None,
        }
    }

    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(v) => Some(f64::from_bits(*v)),
            _ => None,
        }
    }

    /// The `v128`, if this is one (lane 0 in the low bits).
    pub fn v128(&self) -> Option<u128> {
        match self {
            Val::V128(v) => Some(*v),
            _ => None,
        }
    }

    /// Encodes as bits (a cell, or two for a `v128`), checking that
    /// references belong to `store`.
    pub(crate) fn to_bits(&self, store: &StoreInner) -> Result<u128> {
        Ok(match self {
            Val::I32(v) => u128::from(*v as u32),
            Val::I64(v) => u128::from(*v as u64),
            Val::F32(v) => u128::from(*v),
            Val::F64(v) => u128::from(*v),
            Val::V128(v) => *v,
            Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => 0,
            Val::FuncRef(Some(f)) => store.check(f.0, "function")? as u128 + 1,
            Val::ExternRef(Some(e)) => u128::from(e.0.bits_in(store, "externref")?),
            Val::AnyRef(Some(r)) => u128::from(r.0.bits_in(store, "anyref")?),
            Val::ExnRef(Some(r)) => u128::from(r.0.bits_in(store, "exnref")?),
        })
    }

    pub(crate) fn from_bits(bits: u128, ty: ValType, store: &StoreInner) -> Val {
        let cell = bits as u64;
        match ty {
            ValType::I32 => Val::I32(cell as u32 as i32),
            ValType::I64 => Val::I64(cell as i64),
            ValType::F32 => Val::F32(cell as u32),
            ValType::F64 => Val::F64(cell),
            ValType::V128 => Val::V128(bits),
            ValType::Ref(r) => {
                let heap = r.heap_type();
                let top = match heap.abstract_top() {
                    Some(t) => t,
                    None => store.engine.types().heap_top(heap).unwrap_or(Top::Func),
                };
                let nonnull = std::num::NonZeroU64::new(cell);
                match top {
                    Top::Func => {
                        Val::FuncRef(nonnull.map(|c| Func(store.stored(c.get() as usize - 1))))
                    }
                    Top::Extern => {
                        Val::ExternRef(nonnull.map(|c| ExternRef(GcRef::new(store, c.get()))))
                    }
                    Top::Any => Val::AnyRef(nonnull.map(|c| AnyRef(GcRef::new(store, c.get())))),
                    Top::Exn => Val::ExnRef(nonnull.map(|c| ExnRef(GcRef::new(store, c.get())))),
                }
            }
        }
    }

    pub(crate) fn to_cell(&self, store: &StoreInner) -> Result<u64> {
        if let Val::V128(_) = self {
            return Err(crate::Error::usage("a v128 value does not fit one cell"));
        }
        Ok(self.to_bits(store)? as u64)
    }

    /// Decodes a one-cell value of type `ty`.
    pub(crate) fn from_cell(cell: u64, ty: ValType, store: &StoreInner) -> Val {
        Val::from_bits(u128::from(cell), ty, store)
    }
}

/// Writes `vals` to consecutive value-stack cells from `cells[0]` (a `v128`
/// takes two, low half first).
pub(crate) fn write_cells(vals: &[Val], cells: &mut [u64], store: &StoreInner) -> Result<()> {
    let mut at = 0;
    for v in vals {
        let bits = v.to_bits(store)?;
        cells[at] = bits as u64;
        at += 1;
        if let Val::V128(_) = v {
            cells[at] = (bits >> 64) as u64;
            at += 1;
        }
    }
    Ok(())
}

/// Reads values of types `tys` from consecutive cells (see [`write_cells`]).
pub(crate) fn read_cells<'a>(
    tys: &'a [ValType],
    cells: &'a [u64],
    store: &'a StoreInner,
) -> impl Iterator<Item = Val> + 'a {
    let mut at = 0;
    tys.iter().map(move |&t| {
        let mut bits = u128::from(cells[at]);
        if t == ValType::V128 {
            bits |= u128::from(cells[at + 1]) << 64;
        }
        at += t.cells() as usize;
        Val::from_bits(bits, t, store)
    })
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

/// A reference held by the host to a value of the `any` or `extern`
/// hierarchies (an `i31`, a struct, an array or a host value). While any
/// clone of it exists, the collector keeps what it references alive.
#[derive(Clone)]
pub(crate) struct GcRef {
    store: u64,
    root: Arc<Root>,
}

impl GcRef {
    /// A rooted handle on `bits` (a non-null reference cell of `store`).
    pub(crate) fn new(store: &StoreInner, bits: u64) -> GcRef {
        GcRef {
            store: store.id,
            root: store.heap.root(bits),
        }
    }

    /// The reference's cell (of whatever store it belongs to).
    pub(crate) fn bits(&self) -> u64 {
        self.root.bits
    }

    /// The reference's cell, checked to belong to `store`.
    pub(crate) fn bits_in(&self, store: &StoreInner, what: &str) -> Result<u64> {
        if self.store == store.id {
            Ok(self.root.bits)
        } else {
            Err(crate::Error::usage(format!(
                "{what} belongs to a different store than the one it was used with"
            )))
        }
    }

    fn object<'a>(&self, store: &'a StoreInner) -> Option<&'a Object> {
        store.heap.get(self.bits_in(store, "reference").ok()?)
    }
}

impl PartialEq for GcRef {
    fn eq(&self, other: &GcRef) -> bool {
        self.store == other.store && self.root.bits == other.root.bits
    }
}

impl Eq for GcRef {}

impl std::fmt::Debug for GcRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#x}", self.root.bits)
    }
}

/// A non-null `externref`: a host value moved into the store's heap
/// ([`ExternRef::new`]), or any reference of the `any` hierarchy that wasm
/// turned into one with `extern.convert_any`. Holding it keeps what it
/// references alive; once every clone is dropped and wasm no longer
/// reaches it, the collector frees it (and drops a host value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternRef(pub(crate) GcRef);

impl ExternRef {
    /// Moves `value` into the store's heap and returns a reference to it.
    /// Fails when the heap is at its limit even after a collection.
    pub fn new(mut store: impl AsContextMut, value: impl Any + Send + Sync) -> Result<ExternRef> {
        let inner = &mut store.as_context_mut().inner;
        let bits = crate::runtime::gc::alloc_from_host(inner, Object::Host(Box::new(value)))
            .map_err(crate::Error::from)?;
        Ok(ExternRef(GcRef::new(inner, bits)))
    }

    /// The host value behind this reference: `None` if it is not one (wasm
    /// externalised an `anyref`) or belongs to another store.
    pub fn data<'a, S: AsContext>(&self, store: &'a S) -> Option<&'a (dyn Any + Send + Sync)> {
        match self.0.object(&store.as_context().inner)? {
            Object::Host(v) => Some(&**v),
            _ => None,
        }
    }

    /// The `anyref` wasm's `any.convert_extern` makes of this reference.
    pub fn to_any(&self) -> AnyRef {
        AnyRef(self.0.clone())
    }
}

/// A non-null reference of the `any` hierarchy: an `i31`, a struct, an
/// array, or an internalised host value. Rooted like [`ExternRef`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnyRef(pub(crate) GcRef);

impl AnyRef {
    /// The `i31` of the low 31 bits of `value` (`ref.i31`).
    pub fn from_i31(store: impl AsContext, value: i32) -> AnyRef {
        let cell = crate::runtime::gc::i31_cell(value as u32);
        AnyRef(GcRef::new(&store.as_context().inner, cell))
    }

    /// The value of an `i31`, sign-extended (`i31.get_s`); `None` for any
    /// other reference.
    pub fn i31(&self) -> Option<i32> {
        let bits = self.0.root.bits;
        (bits & 1 == 1).then_some((bits as u32 as i32) >> 1)
    }

    /// Whether this is a struct.
    pub fn is_struct(&self, store: impl AsContext) -> bool {
        matches!(
            self.0.object(&store.as_context().inner),
            Some(Object::Struct { .. })
        )
    }

    /// Whether this is an array.
    pub fn is_array(&self, store: impl AsContext) -> bool {
        matches!(
            self.0.object(&store.as_context().inner),
            Some(Object::Array { .. })
        )
    }

    /// The `externref` wasm's `extern.convert_any` makes of this reference.
    pub fn to_extern(&self) -> ExternRef {
        ExternRef(self.0.clone())
    }
}

/// A non-null exception reference, rooted like [`ExternRef`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExnRef(pub(crate) GcRef);
