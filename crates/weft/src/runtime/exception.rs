//! Exceptions in flight or held as `exnref`s: a tag and the payload cells.

use super::store::{AsContext, AsContextMut, Stored};
use super::tag::Tag;
use crate::error::{Result, TrapKind};
use crate::value::{Val, read_cells, write_cells};

/// An exception object in the store.
#[derive(Debug)]
pub(crate) struct ExnData {
    /// The store index of its tag.
    pub tag: u32,
    /// The payload, as value-stack cells (a `v128` takes two).
    pub payload: Box<[u64]>,
    /// Whether an `exnref` to it may exist (it was caught with a `_ref`
    /// clause, rethrown or handed to the host). Until then a catch that
    /// consumes it frees its slot; after, it lives as long as the store
    /// (nothing traces `exnref`s before weft has a collector).
    pub escaped: bool,
}

/// Most exception objects a store holds at once: only `exnref`s that
/// escaped stay alive (until weft has a collector, for as long as the
/// store), so this bounds what a guest that keeps catching with `_ref`
/// clauses can allocate.
pub(crate) const MAX_EXCEPTIONS: usize = 1 << 20;

/// The store's exception objects, with their free slots reused.
#[derive(Debug, Default)]
pub(crate) struct Exceptions {
    objects: Vec<ExnData>,
    free: Vec<u32>,
}

impl Exceptions {
    /// A new exception; its index, or `None` at [`MAX_EXCEPTIONS`].
    pub(crate) fn alloc(&mut self, tag: u32, payload: Box<[u64]>) -> Option<u32> {
        let data = ExnData {
            tag,
            payload,
            escaped: false,
        };
        match self.free.pop() {
            Some(i) => {
                self.objects[i as usize] = data;
                Some(i)
            }
            None if self.objects.len() < MAX_EXCEPTIONS => {
                self.objects.push(data);
                Some((self.objects.len() - 1) as u32)
            }
            None => None,
        }
    }

    /// Every exception object (freed slots have an empty payload).
    pub(crate) fn iter(&self) -> impl Iterator<Item = &ExnData> {
        self.objects.iter()
    }

    pub(crate) fn get(&self, i: u32) -> Option<&ExnData> {
        self.objects.get(i as usize)
    }

    /// Marks exception `i` as referenced from outside the unwinder.
    pub(crate) fn escape(&mut self, i: u32) {
        if let Some(x) = self.objects.get_mut(i as usize) {
            x.escaped = true;
        }
    }

    /// Exception `i` was caught without a reference: its slot is free
    /// again unless a reference to it may exist.
    pub(crate) fn consumed(&mut self, i: u32) {
        if let Some(x) = self.objects.get_mut(i as usize)
            && !x.escaped
        {
            x.payload = Box::new([]);
            self.free.push(i);
        }
    }
}

/// A wasm exception that no wasm handler caught, as the host sees it
/// (`ErrorKind::Exception`). A host function called from wasm that returns
/// this error lets the exception go on unwinding into the wasm frames
/// below it.
#[derive(Debug, Clone)]
pub struct Exception {
    pub(crate) store: u64,
    pub(crate) exn: u32,
    pub(crate) tag: u32,
}

impl Exception {
    /// Makes an exception with tag `tag` carrying `payload` (one value per
    /// tag parameter, of its type), for a host function to throw into the
    /// wasm code that called it: return it as the function's error
    /// (`Err(exception.into())`), and the wasm frames below the host call
    /// can catch it.
    pub fn new(mut store: impl AsContextMut, tag: Tag, payload: &[Val]) -> Result<Exception> {
        let s = &mut store.as_context_mut().inner;
        let t = s.check(tag.0, "tag")?;
        let ty = s.tags[t].ty.clone();
        if payload.len() != ty.params().len()
            || payload
                .iter()
                .zip(ty.params())
                .any(|(v, p)| !v.matches_in(s, *p))
        {
            return Err(crate::Error::usage(format!(
                "the payload does not match the tag's type {ty}"
            )));
        }
        let n: usize = ty.params().iter().map(|p| p.cells() as usize).sum();
        let mut cells = vec![0u64; n];
        write_cells(payload, &mut cells, s)?;
        let exn = s
            .exceptions
            .alloc(t as u32, cells.into_boxed_slice())
            .ok_or_else(|| crate::Error::from(crate::Trap::from(TrapKind::ExceptionLimit)))?;
        s.exceptions.escape(exn);
        Ok(Exception {
            store: s.id,
            exn,
            tag: t as u32,
        })
    }

    /// The exception's tag.
    pub fn tag(&self) -> Tag {
        Tag(Stored {
            store: self.store,
            index: self.tag,
        })
    }

    /// The values the exception carries, in the tag's parameter order
    /// (empty if `store` is not the exception's store).
    pub fn payload(&self, store: impl AsContext) -> Vec<Val> {
        let s = &store.as_context().inner;
        if s.id != self.store {
            return Vec::new();
        }
        let (Some(x), Some(t)) = (s.exceptions.get(self.exn), s.tags.get(self.tag as usize)) else {
            return Vec::new();
        };
        read_cells(t.ty.params(), &x.payload, s).collect()
    }
}

impl From<Exception> for crate::Error {
    fn from(x: Exception) -> crate::Error {
        crate::Error::new(crate::ErrorKind::Exception(x))
    }
}

impl std::fmt::Display for Exception {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("uncaught wasm exception")
    }
}
