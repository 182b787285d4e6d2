//! Exception tags: defined by modules or the host, matched by identity.

use super::store::{AsContext, AsContextMut, Stored};
use crate::types::{FuncType, TagType};

/// A tag in the store.
#[derive(Debug)]
pub(crate) struct TagData {
    pub ty: TagType,
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
        s.inner.tags.push(TagData {
            ty: TagType::new(ty.clone(), id),
        });
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
