//! Tables of references.

use super::store::{AsContext, AsContextMut, StoreLimits, Stored};
use crate::error::{Error, ErrorKind, Result};
use crate::types::TableType;
use crate::value::Val;

/// Most elements a table may hold (keeps allocation bounded).
const MAX_TABLE_ELEMS: u64 = 10_000_000;

/// A table's elements (reference cells: 0 is null) and limits.
#[derive(Debug)]
pub(crate) struct TableData {
    pub elems: Vec<u64>,
    pub ty: TableType,
    /// The store's limit on this table's size, if any.
    pub limit: Option<u32>,
}

impl TableData {
    /// Allocates a table in a store that already has `count` tables.
    pub(crate) fn new(
        ty: TableType,
        init: u64,
        limits: &StoreLimits,
        count: usize,
    ) -> Result<TableData> {
        let fail = |m: String| Error::new(ErrorKind::Instantiate(m));
        if limits.max_tables.is_some_and(|max| count >= max) {
            return Err(fail(format!(
                "the store's limit of {count} tables is reached"
            )));
        }
        let n = ty.minimum();
        if n > MAX_TABLE_ELEMS {
            return Err(fail(format!(
                "table of {n} elements is larger than weft's limit"
            )));
        }
        if let Some(limit) = limits.max_table_elements
            && n > u64::from(limit)
        {
            return Err(fail(format!(
                "table of {n} elements exceeds the store's limit of {limit}"
            )));
        }
        Ok(TableData {
            elems: vec![init; n as usize],
            ty,
            limit: limits.max_table_elements,
        })
    }

    pub(crate) fn current_ty(&self) -> TableType {
        self.ty.with_minimum(self.elems.len() as u64)
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    /// Tables never reach 2^32 elements (`MAX_TABLE_ELEMS`).
    pub(crate) fn grow(&mut self, delta: u32, init: u64) -> Option<u32> {
        let old = self.elems.len() as u32;
        let new = old.checked_add(delta)?;
        if self.ty.maximum().is_some_and(|max| u64::from(new) > max) {
            return None;
        }
        if u64::from(new) > MAX_TABLE_ELEMS || self.limit.is_some_and(|l| new > l) {
            return None;
        }
        self.elems.try_reserve(delta as usize).ok()?;
        self.elems.resize(new as usize, init);
        Some(old)
    }
}

/// A handle to a table in a [`crate::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table(pub(crate) Stored);

impl Table {
    /// Creates a table owned by the host, every element set to `init`.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = store.as_context_mut();
        if ty.maximum().is_some_and(|max| max < ty.minimum()) {
            return Err(Error::usage(
                "table type's minimum is larger than its maximum",
            ));
        }
        if !init.matches_in(&store.inner, ty.element()) {
            return Err(Error::usage("table initial value has the wrong type"));
        }
        let cell = init.to_cell(&store.inner)?;
        let data = TableData::new(ty, cell, &store.inner.limits, store.inner.tables.len())?;
        store.inner.tables.push(data);
        Ok(Table(store.inner.stored(store.inner.tables.len() - 1)))
    }

    /// The table's current type (minimum = current size).
    ///
    /// # Panics
    /// If the table belongs to another store.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        let s = store.as_context();
        s.inner.tables[s.inner.expect(self.0, "table")].current_ty()
    }

    /// Current number of elements.
    ///
    /// # Panics
    /// If the table belongs to another store.
    pub fn size(&self, store: impl AsContext) -> u32 {
        let s = store.as_context();
        s.inner.tables[s.inner.expect(self.0, "table")].elems.len() as u32
    }

    /// The element at `index`, if in bounds.
    pub fn get(&self, store: impl AsContext, index: u32) -> Option<Val> {
        let s = store.as_context();
        let t = &s.inner.tables[s.inner.check(self.0, "table").ok()?];
        let cell = *t.elems.get(index as usize)?;
        Some(Val::from_cell(cell, t.ty.element(), &s.inner))
    }

    /// Sets the element at `index`.
    pub fn set(&self, mut store: impl AsContextMut, index: u32, val: Val) -> Result<()> {
        let s = store.as_context_mut();
        let i = s.inner.check(self.0, "table")?;
        if !val.matches_in(&s.inner, s.inner.tables[i].ty.element()) {
            return Err(Error::usage("table element has the wrong type"));
        }
        let cell = val.to_cell(&s.inner)?;
        let slot = s.inner.tables[i]
            .elems
            .get_mut(index as usize)
            .ok_or_else(|| Error::usage("table index out of bounds"))?;
        *slot = cell;
        Ok(())
    }

    /// Grows the table by `delta` elements set to `init`, returning the old size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u32, init: Val) -> Result<u32> {
        let s = store.as_context_mut();
        let i = s.inner.check(self.0, "table")?;
        if !init.matches_in(&s.inner, s.inner.tables[i].ty.element()) {
            return Err(Error::usage("table element has the wrong type"));
        }
        let cell = init.to_cell(&s.inner)?;
        s.inner.tables[i]
            .grow(delta, cell)
            .ok_or_else(|| Error::usage("table cannot grow by that much"))
    }
}
