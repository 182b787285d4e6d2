//! Runtime objects owned by a [`Store`]: functions, memories, tables,
//! globals and instances, plus the [`Linker`] that wires them together.

pub(crate) mod debug;
pub(crate) mod exception;
pub(crate) mod func;
pub(crate) mod gc;
pub(crate) mod global;
pub(crate) mod instance;
pub(crate) mod linker;
pub(crate) mod memory;
pub(crate) mod sampling;
pub(crate) mod shared;
pub(crate) mod store;
pub(crate) mod table;
pub(crate) mod tag;

pub use exception::Exception;
pub use func::{Func, IntoFunc, TypedFunc, WasmParams, WasmRet, WasmTy, WithCaller};
pub use gc::GcStats;
pub use global::Global;
pub use instance::Instance;
pub use linker::Linker;
pub use memory::Memory;
pub use sampling::{Sample, SampleHandle};
pub use shared::SharedMemory;
pub use store::{AsContext, AsContextMut, Caller, InterruptHandle, Store, StoreLimits};
pub use table::Table;
pub use tag::Tag;

use crate::error::Result;
use store::StoreInner;

/// Anything that can be imported or exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A global.
    Global(Global),
    /// A table.
    Table(Table),
    /// A memory.
    Memory(Memory),
    /// An exception tag.
    Tag(Tag),
}

impl Extern {
    /// Its type.
    pub fn ty(&self, store: impl AsContext) -> crate::ExternType {
        use crate::ExternType as T;
        match self {
            Extern::Func(f) => T::Func(f.ty(&store)),
            Extern::Global(g) => T::Global(g.ty(&store)),
            Extern::Table(t) => T::Table(t.ty(&store)),
            Extern::Memory(m) => T::Memory(m.ty(&store)),
            Extern::Tag(t) => T::Tag(t.ty(&store)),
        }
    }

    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// The tag, if this is one.
    pub fn into_tag(self) -> Option<Tag> {
        match self {
            Extern::Tag(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn check_store(&self, store: &StoreInner) -> Result<()> {
        match self {
            Extern::Func(f) => store.check(f.0, "function"),
            Extern::Global(g) => store.check(g.0, "global"),
            Extern::Table(t) => store.check(t.0, "table"),
            Extern::Memory(m) => store.check(m.0, "memory"),
            Extern::Tag(t) => store.check(t.0, "tag"),
        }
        .map(|_| ())
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Tag> for Extern {
    fn from(t: Tag) -> Extern {
        Extern::Tag(t)
    }
}
