//! The engine-wide type registry: every function, struct and array type of
//! every module compiled by one engine gets a canonical id
//! ([`ConcreteType`]).
//!
//! Types are registered a recursive group (`rec`) at a time. A group's key
//! is its types' structure with references inside the group written as
//! group-relative positions and references outside as canonical ids, so
//! two structurally equal types in different groups stay distinct while the
//! same group written in two modules is registered once (the spec's
//! iso-recursive type equality). Each type records its supertypes from the
//! root down to itself, so `a <: b` is one comparison at `b`'s depth.
//! Types live as long as the engine.

use crate::types::{ConcreteType, FuncType, HeapType, RefType, Top, ValType};
use std::collections::HashMap;

/// A field of a struct, or an array's element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

/// What a field stores: a packed integer or a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StorageType {
    I8,
    I16,
    Val(ValType),
}

impl StorageType {
    /// Cells a struct field of this type takes (a packed field a whole one).
    pub(crate) fn cells(self) -> u32 {
        match self {
            StorageType::Val(v) => v.cells(),
            _ => 1,
        }
    }

    /// Bytes an array element of this type takes.
    pub(crate) fn bytes(self) -> u8 {
        match self {
            StorageType::I8 => 1,
            StorageType::I16 => 2,
            StorageType::Val(ValType::I32 | ValType::F32) => 4,
            StorageType::Val(ValType::V128) => 16,
            StorageType::Val(_) => 8,
        }
    }
}

/// The structure of a defined type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Composite {
    Func(FuncType),
    Struct(Box<[FieldType]>),
    Array(FieldType),
}

impl Composite {
    /// A struct's fields, if this is a struct type.
    pub(crate) fn fields(&self) -> Option<&[FieldType]> {
        match self {
            Composite::Struct(f) => Some(f),
            _ => None,
        }
    }

    /// The cell offset of each field of a struct type and the cells it
    /// takes in all.
    pub(crate) fn field_offsets(&self) -> (Vec<u32>, u32) {
        let mut at = 0;
        let offsets = self
            .fields()
            .unwrap_or_default()
            .iter()
            .map(|f| {
                let o = at;
                at += f.storage.cells();
                o
            })
            .collect();
        (offsets, at)
    }

    fn top(&self) -> Top {
        match self {
            Composite::Func(_) => Top::Func,
            Composite::Struct(_) | Composite::Array(_) => Top::Any,
        }
    }
}

/// One type of a recursive group, as a module declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SubType {
    pub is_final: bool,
    pub supertype: Option<ConcreteType>,
    pub composite: Composite,
}

/// A registered type.
#[derive(Debug)]
pub(crate) struct TypeInfo {
    pub sub: SubType,
    /// The supertype chain from the root down to this type itself; its
    /// length less one is the type's depth.
    pub supers: Box<[ConcreteType]>,
}

/// Marks an id, while a group is being registered, as the position of a
/// type inside that group (engine ids stay below it).
pub(crate) const GROUP_LOCAL: u32 = 1 << 31;

#[derive(Debug, Default)]
pub(crate) struct Registry {
    types: Vec<TypeInfo>,
    groups: HashMap<Vec<u64>, u32>,
}

impl Registry {
    /// Registers a recursive group whose references to its own members are
    /// `GROUP_LOCAL + position`; returns the canonical id of its first type
    /// (the others follow in order). `None` if the group is malformed (a
    /// supertype that is not an earlier type) or the registry is full.
    pub(crate) fn register(&mut self, group: &[SubType]) -> Option<u32> {
        let mut key = Vec::new();
        for t in group {
            encode_sub(t, &mut key);
        }
        if let Some(&first) = self.groups.get(&key) {
            return Some(first);
        }
        let first = u32::try_from(self.types.len()).ok()?;
        if u64::from(first) + group.len() as u64 >= u64::from(GROUP_LOCAL) {
            return None;
        }
        let resolve = |c: ConcreteType| {
            if c.0 >= GROUP_LOCAL {
                ConcreteType(c.0 - GROUP_LOCAL + first)
            } else {
                c
            }
        };
        for (k, t) in group.iter().enumerate() {
            let me = ConcreteType(first + k as u32);
            let sub = SubType {
                is_final: t.is_final,
                supertype: t.supertype.map(resolve),
                composite: map_composite(&t.composite, &resolve),
            };
            let mut supers = match sub.supertype {
                Some(s) if s < me => self.types.get(s.0 as usize)?.supers.to_vec(),
                Some(_) => {
                    self.types.truncate(first as usize);
                    return None;
                }
                None => Vec::new(),
            };
            supers.push(me);
            self.types.push(TypeInfo {
                sub,
                supers: supers.into_boxed_slice(),
            });
        }
        self.groups.insert(key, first);
        Some(first)
    }

    pub(crate) fn get(&self, t: ConcreteType) -> Option<&TypeInfo> {
        self.types.get(t.0 as usize)
    }

    /// `a <: b` for defined types: `b` is in `a`'s supertype chain, at
    /// `b`'s depth.
    pub(crate) fn is_subtype(&self, a: ConcreteType, b: ConcreteType) -> bool {
        if a == b {
            return true;
        }
        let (Some(ta), Some(tb)) = (self.get(a), self.get(b)) else {
            return false;
        };
        ta.supers.get(tb.supers.len() - 1) == Some(&b)
    }

    fn top(&self, t: ConcreteType) -> Option<Top> {
        self.get(t).map(|i| i.sub.composite.top())
    }

    /// The top of a heap type's hierarchy.
    pub(crate) fn heap_top(&self, h: HeapType) -> Option<Top> {
        match h {
            HeapType::Concrete(c) => self.top(c),
            h => h.abstract_top(),
        }
    }

    pub(crate) fn heap_sub(&self, a: HeapType, b: HeapType) -> bool {
        use HeapType as H;
        match (a, b) {
            (H::Concrete(x), H::Concrete(y)) => self.is_subtype(x, y),
            (H::Concrete(x), b) => match self.get(x).map(|i| &i.sub.composite) {
                Some(Composite::Func(_)) => b == H::Func,
                Some(Composite::Struct(_)) => matches!(b, H::Struct | H::Eq | H::Any),
                Some(Composite::Array(_)) => matches!(b, H::Array | H::Eq | H::Any),
                None => false,
            },
            (a, H::Concrete(y)) => match self.top(y) {
                Some(Top::Func) => a == H::NoFunc,
                Some(Top::Any) => a == H::None,
                _ => false,
            },
            (a, b) => a.abstract_sub(b),
        }
    }

    /// Whether values of type `t` are references the collector follows:
    /// of the `any`, `extern` or `exn` hierarchies (a `funcref` names a
    /// store function, not a heap object).
    pub(crate) fn is_gc_ref(&self, t: ValType) -> bool {
        match t {
            ValType::Ref(r) => {
                matches!(
                    self.heap_top(r.heap_type()),
                    Some(Top::Any | Top::Extern | Top::Exn)
                )
            }
            _ => false,
        }
    }

    /// The cell offsets of a struct's fields, or of an array's one element
    /// type (`[0]`), that the collector follows; empty for other types.
    pub(crate) fn gc_ref_fields(&self, t: ConcreteType) -> Vec<u32> {
        let gc = |f: &FieldType| match f.storage {
            StorageType::Val(v) => self.is_gc_ref(v),
            _ => false,
        };
        match self.get(t).map(|i| &i.sub.composite) {
            Some(c @ Composite::Struct(fields)) => {
                let (offsets, _) = c.field_offsets();
                fields
                    .iter()
                    .zip(offsets)
                    .filter(|(f, _)| gc(f))
                    .map(|(_, o)| o)
                    .collect()
            }
            Some(Composite::Array(f)) if gc(f) => vec![0],
            _ => Vec::new(),
        }
    }

    pub(crate) fn ref_sub(&self, a: RefType, b: RefType) -> bool {
        (!a.is_nullable() || b.is_nullable()) && self.heap_sub(a.heap_type(), b.heap_type())
    }

    pub(crate) fn val_sub(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(x), ValType::Ref(y)) => self.ref_sub(x, y),
            (a, b) => a == b,
        }
    }
}

fn map_val(v: ValType, f: &impl Fn(ConcreteType) -> ConcreteType) -> ValType {
    match v {
        ValType::Ref(r) => match r.heap_type() {
            HeapType::Concrete(c) => {
                ValType::Ref(RefType::new(r.is_nullable(), HeapType::Concrete(f(c))))
            }
            _ => v,
        },
        v => v,
    }
}

fn map_field(t: FieldType, f: &impl Fn(ConcreteType) -> ConcreteType) -> FieldType {
    FieldType {
        storage: match t.storage {
            StorageType::Val(v) => StorageType::Val(map_val(v, f)),
            s => s,
        },
        mutable: t.mutable,
    }
}

fn map_composite(c: &Composite, f: &impl Fn(ConcreteType) -> ConcreteType) -> Composite {
    match c {
        Composite::Func(ft) => Composite::Func(FuncType::new(
            ft.params().iter().map(|v| map_val(*v, f)),
            ft.results().iter().map(|v| map_val(*v, f)),
        )),
        Composite::Struct(fields) => {
            Composite::Struct(fields.iter().map(|t| map_field(*t, f)).collect())
        }
        Composite::Array(t) => Composite::Array(map_field(*t, f)),
    }
}

fn encode_val(v: ValType, key: &mut Vec<u64>) {
    let code = match v {
        ValType::I32 => 1,
        ValType::I64 => 2,
        ValType::F32 => 3,
        ValType::F64 => 4,
        ValType::V128 => 5,
        ValType::Ref(r) => {
            let heap = match r.heap_type() {
                // Group-local references keep their GROUP_LOCAL mark, so
                // they never equal a canonical id.
                HeapType::Concrete(c) => 0x1_0000_0000 | u64::from(c.0),
                h => 16 + h.abstract_top().map_or(0, |t| t as u64) * 16 + abstract_code(h),
            };
            key.push(8 | u64::from(r.is_nullable()));
            heap
        }
    };
    key.push(code);
}

fn abstract_code(h: HeapType) -> u64 {
    use HeapType as H;
    match h {
        H::Func | H::Extern | H::Any | H::Exn => 0,
        H::NoFunc | H::NoExtern | H::None | H::NoExn => 1,
        H::Eq => 2,
        H::I31 => 3,
        H::Struct => 4,
        H::Array => 5,
        H::Concrete(_) => 6,
    }
}

fn encode_field(t: FieldType, key: &mut Vec<u64>) {
    key.push(u64::from(t.mutable));
    match t.storage {
        StorageType::I8 => key.push(100),
        StorageType::I16 => key.push(101),
        StorageType::Val(v) => encode_val(v, key),
    }
}

fn encode_sub(t: &SubType, key: &mut Vec<u64>) {
    key.push(u64::from(t.is_final));
    key.push(t.supertype.map_or(u64::MAX, |s| u64::from(s.0)));
    match &t.composite {
        Composite::Func(ft) => {
            key.extend([200, ft.params().len() as u64]);
            for p in ft.params() {
                encode_val(*p, key);
            }
            key.push(ft.results().len() as u64);
            for r in ft.results() {
                encode_val(*r, key);
            }
        }
        Composite::Struct(fields) => {
            key.extend([201, fields.len() as u64]);
            for f in fields.iter() {
                encode_field(*f, key);
            }
        }
        Composite::Array(f) => {
            key.push(202);
            encode_field(*f, key);
        }
    }
}
