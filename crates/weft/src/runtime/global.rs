//! Globals.

use super::store::{AsContext, AsContextMut, Stored};
use crate::error::{Error, Result};
use crate::types::{GlobalType, Mutability};
use crate::value::Val;

/// A global's value (its bits: a cell, or two for a `v128`) and type.
#[derive(Debug)]
pub(crate) struct GlobalData {
    pub value: u128,
    pub ty: GlobalType,
}

/// A handle to a global in a [`crate::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Global(pub(crate) Stored);

impl Global {
    /// Creates a global owned by the host.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        let store = store.as_context_mut();
        if !val.matches_in(&store.inner, ty.content()) {
            return Err(Error::usage(format!(
                "global of type {} cannot hold a {} value",
                ty.content(),
                val.ty()
            )));
        }
        let value = val.to_bits(&store.inner)?;
        store.inner.globals.push(GlobalData { value, ty });
        Ok(Global(store.inner.stored(store.inner.globals.len() - 1)))
    }

    /// The global's type.
    ///
    /// # Panics
    /// If the global belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        let s = store.as_context();
        s.inner.globals[s.inner.expect(self.0, "global")].ty
    }

    /// The global's current value.
    ///
    /// # Panics
    /// If the global belongs to another store.
    pub fn get(&self, store: impl AsContext) -> Val {
        let s = store.as_context();
        let g = &s.inner.globals[s.inner.expect(self.0, "global")];
        Val::from_bits(g.value, g.ty.content(), &s.inner)
    }

    /// Sets a mutable global.
    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<()> {
        let s = store.as_context_mut();
        let i = s.inner.check(self.0, "global")?;
        let ty = s.inner.globals[i].ty;
        if ty.mutability() != Mutability::Var {
            return Err(Error::usage("cannot set an immutable global"));
        }
        if !val.matches_in(&s.inner, ty.content()) {
            return Err(Error::usage("global value has the wrong type"));
        }
        s.inner.globals[i].value = val.to_bits(&s.inner)?;
        Ok(())
    }
}
