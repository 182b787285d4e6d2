//! Linear memory.

use super::shared::SharedMemory;
use super::store::{AsContext, AsContextMut, StoreLimits, Stored};
use crate::error::{Error, ErrorKind, Result};
use crate::types::MemoryType;

/// Fails if a store already holding `count` memories may hold no more.
fn check_count(limits: &StoreLimits, count: usize) -> Result<()> {
    if limits.max_memories.is_some_and(|max| count >= max) {
        return Err(Error::new(ErrorKind::Instantiate(format!(
            "the store's limit of {count} memories is reached"
        ))));
    }
    Ok(())
}

/// A linear memory's bytes and limits.
#[derive(Debug)]
pub(crate) struct MemoryData {
    /// The bytes of a memory owned by this store; empty for a shared one.
    pub bytes: Vec<u8>,
    /// The memory's bytes if it is shared between threads.
    pub shared: Option<SharedMemory>,
    /// The type it was created with (limits in pages, address width, page
    /// size); its minimum is not updated as the memory grows.
    ty: MemoryType,
    /// The store's limit on this memory's size in bytes, if any.
    pub limit_bytes: Option<u64>,
}

impl MemoryData {
    /// A store's entry for shared memory `shared`.
    pub(crate) fn from_shared(
        shared: SharedMemory,
        limits: &StoreLimits,
        count: usize,
    ) -> Result<MemoryData> {
        check_count(limits, count)?;
        Ok(MemoryData {
            bytes: Vec::new(),
            ty: shared.ty(),
            shared: Some(shared),
            limit_bytes: None,
        })
    }

    /// Allocates a memory of type `ty` in a store that already has `count`
    /// memories, within `limits`.
    pub(crate) fn new(ty: &MemoryType, limits: &StoreLimits, count: usize) -> Result<MemoryData> {
        let fail = |m: String| Error::new(ErrorKind::Instantiate(m));
        check_count(limits, count)?;
        if ty.is_shared() {
            let shared = SharedMemory::with_limit(*ty, limits.max_memory_bytes)?;
            return MemoryData::from_shared(shared, limits, count);
        }
        if !matches!(ty.page_size_log2(), 0 | 16) {
            return Err(fail(format!(
                "page size {} is not supported (1 or 65536 bytes)",
                ty.page_size()
            )));
        }
        if ty.minimum() > ty.address_space_pages() {
            return Err(fail("memory larger than its address space".into()));
        }
        let bytes = ty.minimum().saturating_mul(ty.page_size());
        if let Some(limit) = limits.max_memory_bytes
            && bytes > limit
        {
            return Err(fail(format!(
                "memory of {bytes} bytes exceeds the store's limit of {limit} bytes"
            )));
        }
        let len = usize::try_from(bytes)
            .map_err(|_| Error::new(ErrorKind::Instantiate("memory too large".into())))?;
        let mut v = Vec::new();
        v.try_reserve_exact(len).map_err(|_| {
            Error::new(ErrorKind::Instantiate(format!(
                "could not allocate {len} bytes of linear memory"
            )))
        })?;
        v.resize(len, 0);
        Ok(MemoryData {
            bytes: v,
            shared: None,
            ty: *ty,
            limit_bytes: limits.max_memory_bytes,
        })
    }

    /// Current size in pages.
    pub(crate) fn pages(&self) -> u64 {
        match &self.shared {
            Some(s) => s.size(),
            None => self.bytes.len() as u64 >> self.ty.page_size_log2(),
        }
    }

    /// Current size in bytes.
    pub(crate) fn byte_len(&self) -> u64 {
        match &self.shared {
            Some(s) => s.data_size(),
            None => self.bytes.len() as u64,
        }
    }

    /// Whether addresses are 64-bit.
    pub(crate) fn is_64(&self) -> bool {
        self.ty.is_64()
    }

    /// The memory's type now: the minimum is the current size.
    pub(crate) fn ty(&self) -> MemoryType {
        self.ty.with_minimum(self.pages())
    }

    /// Grows by `delta` pages; returns the old size, or `None` if the limit
    /// or the host's allocator refuses.
    pub(crate) fn grow(&mut self, delta: u64) -> Option<u64> {
        if let Some(s) = &self.shared {
            return s.grow_pages(delta);
        }
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let space = self.ty.address_space_pages();
        if new > self.ty.maximum().unwrap_or(space).min(space) {
            return None;
        }
        let new_bytes = new.checked_mul(self.ty.page_size())?;
        if self.limit_bytes.is_some_and(|limit| new_bytes > limit) {
            return None;
        }
        let new_len = usize::try_from(new_bytes).ok()?;
        let extra = new_len - self.bytes.len();
        self.bytes.try_reserve_exact(extra).ok()?;
        self.bytes.resize(new_len, 0);
        Some(old)
    }
}

const NO_SLICE: &str =
    "a shared memory has no slice view: use Memory::read/write or Memory::shared";

/// A handle to a linear memory in a [`crate::Store`] (owned by it, or a
/// [`SharedMemory`] it imported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory(pub(crate) Stored);

impl Memory {
    /// Creates a memory owned by the host.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let store = store.as_context_mut();
        if ty.maximum().is_some_and(|max| max < ty.minimum()) {
            return Err(Error::usage(
                "memory type's minimum is larger than its maximum",
            ));
        }
        let data = MemoryData::new(&ty, &store.inner.limits, store.inner.memories.len())?;
        store.inner.memories.push(data);
        Ok(Memory(store.inner.stored(store.inner.memories.len() - 1)))
    }

    /// The memory's current type (minimum = current size).
    ///
    /// # Panics
    /// If the memory belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        let s = store.as_context();
        s.inner.memories[s.inner.expect(self.0, "memory")].ty()
    }

    /// Makes shared memory `shared` a memory of this store (to import
    /// into its instances). Every store that does so sees the same bytes.
    pub fn from_shared(mut store: impl AsContextMut, shared: &SharedMemory) -> Result<Memory> {
        let store = store.as_context_mut();
        let data = MemoryData::from_shared(
            shared.clone(),
            &store.inner.limits,
            store.inner.memories.len(),
        )?;
        store.inner.memories.push(data);
        Ok(Memory(store.inner.stored(store.inner.memories.len() - 1)))
    }

    /// The shared memory behind this memory, if it is shared.
    ///
    /// # Panics
    /// If the memory belongs to another store.
    pub fn shared(&self, store: impl AsContext) -> Option<SharedMemory> {
        let s = store.as_context();
        s.inner.memories[s.inner.expect(self.0, "memory")]
            .shared
            .clone()
    }

    /// The memory's bytes.
    ///
    /// # Panics
    /// If the memory belongs to another store, or is shared (other threads
    /// may write a shared memory at any time, so it has no slice view: use
    /// [`Memory::read`], [`Memory::write`] or [`Memory::shared`]).
    pub fn data<'a, S: AsContext>(&self, store: &'a S) -> &'a [u8] {
        let s = store.as_context();
        let m = &s.inner.memories[s.inner.expect(self.0, "memory")];
        assert!(m.shared.is_none(), "{NO_SLICE}");
        &m.bytes
    }

    /// The memory's bytes, mutably.
    ///
    /// # Panics
    /// As [`Memory::data`].
    pub fn data_mut<'a, S: AsContextMut>(&self, store: &'a mut S) -> &'a mut [u8] {
        let s = store.as_context_mut();
        let i = s.inner.expect(self.0, "memory");
        let m = &mut s.inner.memories[i];
        assert!(m.shared.is_none(), "{NO_SLICE}");
        &mut m.bytes
    }

    /// Current size in pages.
    ///
    /// # Panics
    /// If the memory belongs to another store.
    pub fn size(&self, store: impl AsContext) -> u64 {
        let s = store.as_context();
        s.inner.memories[s.inner.expect(self.0, "memory")].pages()
    }

    /// Grows the memory by `delta` pages, returning the old size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64> {
        let s = store.as_context_mut();
        let i = s.inner.check(self.0, "memory")?;
        s.inner.memories[i]
            .grow(delta)
            .ok_or_else(|| Error::usage("memory cannot grow by that much"))
    }

    /// Copies `buf.len()` bytes from `offset` into `buf`.
    pub fn read(&self, store: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<()> {
        let s = store.as_context();
        let m = &s.inner.memories[s.inner.check(self.0, "memory")?];
        if let Some(shared) = &m.shared {
            return shared.read(offset as u64, buf);
        }
        let bytes = &m.bytes;
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| bytes.get(offset..end))
            .ok_or_else(|| Error::usage("memory read out of bounds"))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies `buf` into memory at `offset`.
    pub fn write(&self, mut store: impl AsContextMut, offset: usize, buf: &[u8]) -> Result<()> {
        let s = store.as_context_mut();
        let i = s.inner.check(self.0, "memory")?;
        let m = &mut s.inner.memories[i];
        if let Some(shared) = &m.shared {
            return shared.write(offset as u64, buf);
        }
        let bytes = &mut m.bytes;
        let dst = offset
            .checked_add(buf.len())
            .and_then(|end| bytes.get_mut(offset..end))
            .ok_or_else(|| Error::usage("memory write out of bounds"))?;
        dst.copy_from_slice(buf);
        Ok(())
    }
}
