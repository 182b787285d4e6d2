//! [`Store`]: owns every runtime object; handles index into it.

use super::func::{FuncKind, HostFunc};
use super::global::GlobalData;
use super::instance::InstanceData;
use super::memory::MemoryData;
use super::table::TableData;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::runtime::Instance;
use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// A handle's reference into a store: the store's id and an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Stored {
    pub store: u64,
    pub index: u32,
}

/// The part of a store that does not depend on the host data type.
#[derive(Debug)]
pub(crate) struct StoreInner {
    pub id: u64,
    pub engine: Engine,
    pub funcs: Vec<FuncKind>,
    pub instances: Vec<InstanceData>,
    pub memories: Vec<MemoryData>,
    pub tables: Vec<TableData>,
    pub globals: Vec<GlobalData>,
    pub externs: Vec<Box<dyn Any + Send + Sync>>,
    /// A value stack kept for the next call (avoids reallocating).
    pub stack: Vec<u64>,
    /// Frames active in outer invocations (host functions calling back into wasm).
    pub depth: usize,
}

impl StoreInner {
    pub(crate) fn stored(&self, index: usize) -> Stored {
        Stored {
            store: self.id,
            index: index as u32,
        }
    }

    /// Checks that a handle belongs to this store and returns its index.
    pub(crate) fn check(&self, s: Stored, what: &str) -> Result<usize> {
        if s.store == self.id {
            Ok(s.index as usize)
        } else {
            Err(Error::usage(format!(
                "{what} belongs to a different store than the one it was used with"
            )))
        }
    }

    /// Like [`StoreInner::check`], for infallible getters.
    ///
    /// # Panics
    /// If the handle belongs to another store: that is a bug in the embedder.
    pub(crate) fn expect(&self, s: Stored, what: &str) -> usize {
        match self.check(s, what) {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        }
    }
}

/// All runtime objects of a group of instances, plus host data `T`.
///
/// Functions, memories, tables, globals and instances live here and are
/// named by small `Copy` handles that remember which store they belong to.
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) hosts: Vec<Arc<HostFunc<T>>>,
    data: T,
}

impl<T> Store<T> {
    /// Creates a store holding `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                funcs: Vec::new(),
                instances: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                externs: Vec::new(),
                stack: Vec::new(),
                depth: 0,
            },
            hosts: Vec::new(),
            data,
        }
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Consumes the store, returning the host data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The engine this store belongs to.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner.id).finish()
    }
}

/// Something that gives shared access to a [`Store`].
pub trait AsContext {
    /// The host data type of the store.
    type Data;
    /// The store.
    fn as_context(&self) -> &Store<Self::Data>;
}

/// Something that gives exclusive access to a [`Store`].
pub trait AsContextMut: AsContext {
    /// The store, mutably.
    fn as_context_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self
    }
}

impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> &Store<C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> &mut Store<C::Data> {
        (**self).as_context_mut()
    }
}

/// What a host function sees of its caller: the store (and so the host
/// data) and the calling instance's exports.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<Instance>,
}

impl<'a, T> Caller<'a, T> {
    /// The host data.
    pub fn data(&self) -> &T {
        self.store.data()
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// An export of the calling instance, typically its `"memory"`.
    pub fn get_export(&mut self, name: &str) -> Option<crate::Extern> {
        let inst = self.instance?;
        inst.get_export(&mut *self.store, name)
    }

    /// The engine of the store.
    pub fn engine(&self) -> &Engine {
        self.store.engine()
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self.store
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}
