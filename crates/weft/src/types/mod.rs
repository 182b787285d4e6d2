//! Types visible through the API: value, function, global, table, memory types.

use std::fmt;

mod refs;

pub(crate) use refs::Top;
pub use refs::{ConcreteType, HeapType, RefType};

/// The type of a wasm value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE-754 float.
    F32,
    /// 64-bit IEEE-754 float.
    F64,
    /// 128-bit vector.
    V128,
    /// A reference.
    Ref(RefType),
}

/// Maps a module's type index (as `wasmparser` gives it) to the engine's
/// canonical type.
pub(crate) type TypeMap<'a> = &'a dyn Fn(wasmparser::UnpackedIndex) -> Option<ConcreteType>;

impl ValType {
    /// `funcref`: a nullable reference to any function.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`: a nullable reference to any host value.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// The reference type, if this is one.
    pub fn as_ref(self) -> Option<RefType> {
        match self {
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// How many 64-bit value-stack cells a value of this type takes.
    pub(crate) fn cells(self) -> u32 {
        if self == ValType::V128 { 2 } else { 1 }
    }

    /// Converts a `wasmparser` value type; `None` for what weft does not
    /// support (shared references).
    pub(crate) fn from_wasmparser(ty: wasmparser::ValType, map: TypeMap<'_>) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) => ValType::Ref(RefType::from_wasmparser(r, map)?),
        })
    }
}

impl RefType {
    pub(crate) fn from_wasmparser(r: wasmparser::RefType, map: TypeMap<'_>) -> Option<RefType> {
        use wasmparser::AbstractHeapType as A;
        let heap = match r.heap_type() {
            wasmparser::HeapType::Abstract { shared: true, .. } => return None,
            wasmparser::HeapType::Abstract { ty, .. } => match ty {
                A::Func => HeapType::Func,
                A::Extern => HeapType::Extern,
                A::Any => HeapType::Any,
                A::None => HeapType::None,
                A::NoExtern => HeapType::NoExtern,
                A::NoFunc => HeapType::NoFunc,
                A::Eq => HeapType::Eq,
                A::Struct => HeapType::Struct,
                A::Array => HeapType::Array,
                A::I31 => HeapType::I31,
                A::Exn => HeapType::Exn,
                A::NoExn => HeapType::NoExn,
                _ => return None,
            },
            wasmparser::HeapType::Concrete(i) => HeapType::Concrete(map(i)?),
            wasmparser::HeapType::Exact(_) => return None,
        };
        Some(RefType::new(r.is_nullable(), heap))
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::Ref(r) => return write!(f, "{r}"),
        })
    }
}

/// A function signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    params_results: Box<[ValType]>,
    len_params: usize,
}

impl FuncType {
    /// Creates a function type from its parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let mut v: Vec<ValType> = params.into_iter().collect();
        let len_params = v.len();
        v.extend(results);
        FuncType {
            params_results: v.into_boxed_slice(),
            len_params,
        }
    }

    /// Parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params_results[..self.len_params]
    }

    /// Result types.
    pub fn results(&self) -> &[ValType] {
        &self.params_results[self.len_params..]
    }
}

/// ` (KEYWORD t1 t2 ...)`, or nothing for no types.
fn write_types(f: &mut fmt::Formatter<'_>, keyword: &str, tys: &[ValType]) -> fmt::Result {
    if tys.is_empty() {
        return Ok(());
    }
    write!(f, " ({keyword}")?;
    for t in tys {
        write!(f, " {t}")?;
    }
    write!(f, ")")
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(func")?;
        write_types(f, "param", self.params())?;
        write_types(f, "result", self.results())?;
        write!(f, ")")
    }
}

/// Whether a global can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// The type of a global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    content: ValType,
    mutability: Mutability,
}

impl GlobalType {
    /// Creates a global type.
    pub fn new(content: ValType, mutability: Mutability) -> Self {
        GlobalType {
            content,
            mutability,
        }
    }
    /// The type of the value held.
    pub fn content(&self) -> ValType {
        self.content
    }
    /// Whether the global is mutable.
    pub fn mutability(&self) -> Mutability {
        self.mutability
    }
}

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mutability {
            Mutability::Const => write!(f, "{}", self.content),
            Mutability::Var => write!(f, "(mut {})", self.content),
        }
    }
}

/// The type of a table: element type, limits (in elements), and whether
/// its indices are 64-bit (table64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    element: ValType,
    min: u64,
    max: Option<u64>,
    table64: bool,
}

impl TableType {
    /// Creates a table type with 32-bit indices. `element` must be a
    /// reference type.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> Self {
        TableType {
            element,
            min: u64::from(min),
            max: max.map(u64::from),
            table64: false,
        }
    }
    /// Creates a table type with 64-bit indices (table64).
    pub fn new64(element: ValType, min: u64, max: Option<u64>) -> Self {
        TableType {
            element,
            min,
            max,
            table64: true,
        }
    }
    /// Element type.
    pub fn element(&self) -> ValType {
        self.element
    }
    /// Minimum size in elements.
    pub fn minimum(&self) -> u64 {
        self.min
    }
    /// Maximum size in elements, if bounded.
    pub fn maximum(&self) -> Option<u64> {
        self.max
    }
    /// Whether indices are 64-bit (table64).
    pub fn is_64(&self) -> bool {
        self.table64
    }
    /// The same type with minimum `min`.
    pub(crate) fn with_minimum(mut self, min: u64) -> Self {
        self.min = min;
        self
    }
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.table64 {
            write!(f, "i64 ")?;
        }
        write!(f, "{}", self.min)?;
        if let Some(m) = self.max {
            write!(f, " {m}")?;
        }
        write!(f, " {}", self.element)
    }
}

/// The type of a linear memory: limits in pages (64 KiB unless the memory
/// declares a custom page size), whether addresses are 64-bit, and whether
/// it is shared between threads (threads proposal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    min: u64,
    max: Option<u64>,
    memory64: bool,
    shared: bool,
    page_size_log2: u8,
}

/// Size of a wasm page in bytes.
pub const WASM_PAGE_SIZE: u64 = 65536;

impl MemoryType {
    /// A 32-bit memory with limits in 64 KiB pages.
    pub fn new(min: u32, max: Option<u32>) -> Self {
        MemoryType {
            min: u64::from(min),
            max: max.map(u64::from),
            memory64: false,
            shared: false,
            page_size_log2: 16,
        }
    }

    /// A 64-bit memory (memory64: `i64` addresses) with limits in 64 KiB
    /// pages.
    pub fn new64(min: u64, max: Option<u64>) -> Self {
        MemoryType {
            min,
            max,
            memory64: true,
            shared: false,
            page_size_log2: 16,
        }
    }

    /// The same limits, shared between threads or not. A shared memory
    /// needs a maximum (checked when it is created).
    pub fn with_shared(mut self, shared: bool) -> Self {
        self.shared = shared;
        self
    }

    /// Whether the memory is shared between threads.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// The same limits counted in pages of `2^log2` bytes (custom page
    /// sizes: the standard allows 1 and 65,536; others are refused when
    /// the memory is created).
    pub fn with_page_size_log2(mut self, log2: u8) -> Self {
        self.page_size_log2 = log2;
        self
    }

    /// Minimum size in pages.
    pub fn minimum(&self) -> u64 {
        self.min
    }
    /// Maximum size in pages, if bounded.
    pub fn maximum(&self) -> Option<u64> {
        self.max
    }
    /// Whether addresses are 64-bit (memory64).
    pub fn is_64(&self) -> bool {
        self.memory64
    }
    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1u64.checked_shl(u32::from(self.page_size_log2))
            .unwrap_or(0)
    }
    /// The same type with minimum `min` (pages).
    pub(crate) fn with_minimum(mut self, min: u64) -> Self {
        self.min = min;
        self
    }
    /// The page size as a power of two.
    pub fn page_size_log2(&self) -> u8 {
        self.page_size_log2
    }
    /// The most pages the address space allows: 2^32 or 2^64 bytes over
    /// the page size.
    pub(crate) fn address_space_pages(&self) -> u64 {
        let bits = if self.memory64 { 64 } else { 32 };
        1u64.checked_shl(bits - u32::from(self.page_size_log2).min(bits))
            .unwrap_or(u64::MAX)
    }
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.memory64 {
            write!(f, "i64 ")?;
        }
        write!(f, "{}", self.min)?;
        if let Some(m) = self.max {
            write!(f, " {m}")?;
        }
        if self.shared {
            write!(f, " shared")?;
        }
        if self.page_size_log2 != 16 {
            write!(f, " (pagesize {})", self.page_size())?;
        }
        Ok(())
    }
}

/// The type of an exception tag: the values an exception with this tag
/// carries. Tags match by identity, and their types must be equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagType {
    ty: FuncType,
    id: ConcreteType,
}

impl TagType {
    pub(crate) fn new(ty: FuncType, id: ConcreteType) -> TagType {
        TagType { ty, id }
    }
    /// The types of the values an exception with this tag carries.
    pub fn params(&self) -> &[ValType] {
        self.ty.params()
    }
    /// The tag's function type (its results are empty).
    pub fn func_type(&self) -> &FuncType {
        &self.ty
    }
    /// The engine's id of the tag's function type.
    pub(crate) fn id(&self) -> ConcreteType {
        self.id
    }
}

impl fmt::Display for TagType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(tag")?;
        write_types(f, "param", self.params())?;
        write!(f, ")")
    }
}

/// The type of anything that can be imported or exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A global.
    Global(GlobalType),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// An exception tag.
    Tag(TagType),
}

impl ExternType {
    /// A short word for the kind: "func", "global", "table", "memory".
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "func",
            ExternType::Global(_) => "global",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Tag(_) => "tag",
        }
    }
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => write!(f, "{t}"),
            ExternType::Global(t) => write!(f, "(global {t})"),
            ExternType::Table(t) => write!(f, "(table {t})"),
            ExternType::Memory(t) => write!(f, "(memory {t})"),
            ExternType::Tag(t) => write!(f, "{t}"),
        }
    }
}
