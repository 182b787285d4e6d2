//! Exception tags: defined by modules or the host, matched by identity.

use super::store::{AsContext, AsContextMut, Stored};
use crate::engine::Registry;
use crate::types::{FuncType, TagType};
use std::sync::Arc;

/// A tag in the store.
#[derive(Debug)]
pub(crate) struct TagData {
    pub ty: TagType,
    /// The payload cells of its exceptions that the collector follows.
    pub traced: Arc<[u32]>,
}

impl TagData {
    pub(crate) fn new(ty: TagType, reg: &Registry) -> TagData {
        let mut at = 0;
        let mut traced = Vec::new();
        for &p in ty.params() {
            if reg.is_gc_ref(p) {
                traced.push(at);
            }
            at += p.cells();
        }
        TagData {
            ty,
            traced: traced.into(),
        }
    }
}

/// A handle to an exception tag in a [`crate::Store`]. Each definition is
/// its own tag: two tags with the same type are still different tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag(pub(crate) Stored);

impl Tag {
    /// Creates a tag owned by the host whose exceptions carry values of
    /// `ty`'s parameter types (`ty` must have no results).
    pub fn new(mut store: impl AsContextMut, ty: &FuncType) -> crate::Result<Tag> {
        if !ty.results().is_empty() {
            return Err(crate::Error::usage("a tag's type has no results"));
        }
        let s = store.as_context_mut();
        let id = s.inner.engine.intern_func(ty);
        let data = TagData::new(TagType::new(ty.clone(), id), &s.inner.engine.types());
        s.inner.tags.push(data);
        Ok(Tag(s.inner.stored(s.inner.tags.len() - 1)))
    }

    /// The tag's type.
    ///
    /// # Panics
    /// If the tag belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> TagType {
        let s = store.as_context();
        s.inner.tags[s.inner.expect(self.0, "tag")].ty.clone()
    }
}
