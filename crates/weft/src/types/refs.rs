//! Reference types: [`RefType`] = nullability + [`HeapType`].

use std::fmt;

/// A type defined by a module (a function, struct or array type), named by
/// its engine-wide canonical id: two modules that define the same recursive
/// type group get the same ids, so equal ids mean equal types. Ids are only
/// meaningful within one [`crate::Engine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConcreteType(pub(crate) u32);

impl ConcreteType {
    /// The engine-wide index of this type.
    pub fn index(self) -> u32 {
        self.0
    }
}

/// What a reference points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeapType {
    /// Any function (`func`).
    Func,
    /// No function: the bottom of the function types (`nofunc`).
    NoFunc,
    /// Any host reference (`extern`).
    Extern,
    /// The bottom of the host references (`noextern`).
    NoExtern,
    /// Any GC object or `i31` (`any`).
    Any,
    /// Anything comparable with `ref.eq` (`eq`).
    Eq,
    /// An unboxed 31-bit integer (`i31`).
    I31,
    /// Any struct (`struct`).
    Struct,
    /// Any array (`array`).
    Array,
    /// The bottom of the `any` hierarchy (`none`).
    None,
    /// Any exception (`exn`).
    Exn,
    /// The bottom of the exceptions (`noexn`).
    NoExn,
    /// A function, struct or array type defined by a module.
    Concrete(ConcreteType),
}

/// The abstract top of a heap type's hierarchy (all references of one
/// hierarchy share a representation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Top {
    Func,
    Extern,
    Any,
    Exn,
}

impl HeapType {
    /// The top of an abstract heap type's hierarchy (`None` for a concrete
    /// type: ask the registry).
    pub(crate) fn abstract_top(self) -> Option<Top> {
        Some(match self {
            HeapType::Func | HeapType::NoFunc => Top::Func,
            HeapType::Extern | HeapType::NoExtern => Top::Extern,
            HeapType::Any
            | HeapType::Eq
            | HeapType::I31
            | HeapType::Struct
            | HeapType::Array
            | HeapType::None => Top::Any,
            HeapType::Exn | HeapType::NoExn => Top::Exn,
            HeapType::Concrete(_) => return None,
        })
    }

    /// Whether abstract type `self` is a subtype of abstract type `other`
    /// (both not concrete).
    pub(crate) fn abstract_sub(self, other: HeapType) -> bool {
        use HeapType as H;
        self == other
            || match (self, other) {
                (H::NoFunc, H::Func) | (H::NoExtern, H::Extern) | (H::NoExn, H::Exn) => true,
                (H::None, o) => o.abstract_top() == Some(Top::Any),
                (H::I31 | H::Struct | H::Array, H::Eq | H::Any) => true,
                (H::Eq, H::Any) => true,
                _ => false,
            }
    }

    fn name(self) -> &'static str {
        match self {
            HeapType::Func => "func",
            HeapType::NoFunc => "nofunc",
            HeapType::Extern => "extern",
            HeapType::NoExtern => "noextern",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::Exn => "exn",
            HeapType::NoExn => "noexn",
            HeapType::Concrete(_) => "",
        }
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Engine ids are not the module's type indices, so they are
            // spelled as identifiers rather than bare numbers.
            HeapType::Concrete(t) => write!(f, "$type{}", t.0),
            h => f.write_str(h.name()),
        }
    }
}

/// A reference type: a heap type and whether null is a value of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefType {
    nullable: bool,
    heap: HeapType,
}

impl RefType {
    /// `funcref`: `(ref null func)`.
    pub const FUNCREF: RefType = RefType::new(true, HeapType::Func);
    /// `externref`: `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType::new(true, HeapType::Extern);

    /// A reference type.
    pub const fn new(nullable: bool, heap: HeapType) -> RefType {
        RefType { nullable, heap }
    }
    /// Whether null is a value of this type.
    pub fn is_nullable(self) -> bool {
        self.nullable
    }
    /// The heap type.
    pub fn heap_type(self) -> HeapType {
        self.heap
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = match self.heap {
            HeapType::Func => "funcref",
            HeapType::NoFunc => "nullfuncref",
            HeapType::Extern => "externref",
            HeapType::NoExtern => "nullexternref",
            HeapType::Any => "anyref",
            HeapType::Eq => "eqref",
            HeapType::I31 => "i31ref",
            HeapType::Struct => "structref",
            HeapType::Array => "arrayref",
            HeapType::None => "nullref",
            HeapType::Exn => "exnref",
            HeapType::NoExn => "nullexnref",
            HeapType::Concrete(_) => "",
        };
        match (self.nullable, short) {
            (true, s) if !s.is_empty() => f.write_str(s),
            (true, _) => write!(f, "(ref null {})", self.heap),
            (false, _) => write!(f, "(ref {})", self.heap),
        }
    }
}
