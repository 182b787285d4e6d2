//! Globals and tables.

use std::mem::MaybeUninit;

use weft::{Global, Table, Val};

use crate::object::{Obj, ref_kind, wasm_global_t, wasm_ref_t, wasm_table_t};
use crate::store::wasm_store_t;
use crate::types::{boxed, wasm_globaltype_t, wasm_tabletype_t};
use crate::val::{ref_to_weft, wasm_val_t};

ref_kind!(
    |o| matches!(o, Obj::Global(_)),
    [
        wasm_global_delete,
        wasm_global_copy,
        wasm_global_same,
        wasm_global_get_host_info,
        wasm_global_set_host_info,
        wasm_global_set_host_info_with_finalizer
    ],
    wasm_global_as_ref,
    wasm_global_as_ref_const,
    wasm_ref_as_global,
    wasm_ref_as_global_const
);

ref_kind!(
    |o| matches!(o, Obj::Table(_)),
    [
        wasm_table_delete,
        wasm_table_copy,
        wasm_table_same,
        wasm_table_get_host_info,
        wasm_table_set_host_info,
        wasm_table_set_host_info_with_finalizer
    ],
    wasm_table_as_ref,
    wasm_table_as_ref_const,
    wasm_ref_as_table,
    wasm_ref_as_table_const
);

fn global_of(g: &wasm_global_t) -> Option<Global> {
    match g.obj {
        Obj::Global(g) => Some(g),
        _ => None,
    }
}

fn table_of(t: &wasm_table_t) -> Option<Table> {
    match t.obj {
        Obj::Table(t) => Some(t),
        _ => None,
    }
}

/// A global of type `ty` holding `val`; null (and weft_last_error) if the
/// value does not have the type.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_global_new(
    store: Option<&wasm_store_t>,
    ty: Option<&wasm_globaltype_t>,
    val: Option<&wasm_val_t>,
) -> Option<Box<wasm_global_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_global_new", "store", None);
    };
    let Some(ty) = ty else {
        return crate::null_arg("wasm_global_new", "ty", None);
    };
    let cell = &store.cell;
    crate::guarded(None, || {
        let Some(weft::ExternType::Global(gt)) = ty.to_weft() else {
            return Err("wasm_global_new: not a global type".into());
        };
        let val = val.ok_or("wasm_global_new: the value is null")?;
        let v = val
            .read(gt.content(), cell)
            .map_err(|e| format!("wasm_global_new: {e}"))?;
        let g = cell
            .with(|s| Global::new(s, gt, v))
            .map_err(|e| format!("wasm_global_new: {e}"))?;
        Ok(Some(wasm_ref_t::new(cell, Obj::Global(g))))
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_global_type(g: Option<&wasm_global_t>) -> Option<Box<wasm_globaltype_t>> {
    let Some(g) = g else {
        return crate::null_arg("wasm_global_type", "g", None);
    };
    let global = global_of(g)?;
    let ty = g.cell().with(|s| global.ty(&*s));
    Some(boxed(&weft::ExternType::Global(ty)))
}

/// The global's value; a value C cannot represent (v128, GC references)
/// reads as i32 0 and records an error.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_global_get(
    g: Option<&wasm_global_t>,
    out: Option<&mut MaybeUninit<wasm_val_t>>,
) {
    let Some(g) = g else {
        return crate::null_arg("wasm_global_get", "g", ());
    };
    let Some(out) = out else {
        return crate::null_arg("wasm_global_get", "out", ());
    };
    let cell = g.cell();
    let v = crate::guarded(None, || {
        let global = global_of(g).ok_or("wasm_global_get: not a global")?;
        let v = cell.with(|s| global.get(&*s));
        wasm_val_t::from_weft(&v, cell).map(Some)
    });
    out.write(
        v.unwrap_or_else(|| wasm_val_t::from_weft(&Val::I32(0), cell).expect("an i32 converts")),
    );
}

/// Sets the global; a constant global, or a value of another type, is
/// left as it was (and the reason recorded for weft_last_error).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_global_set(g: Option<&wasm_global_t>, val: Option<&wasm_val_t>) {
    let Some(g) = g else {
        return crate::null_arg("wasm_global_set", "g", ());
    };
    let cell = g.cell().clone();
    crate::guarded((), || {
        let global = global_of(g).ok_or("wasm_global_set: not a global")?;
        let val = val.ok_or("wasm_global_set: the value is null")?;
        let ty = cell.with(|s| global.ty(&*s));
        let v = val
            .read(ty.content(), &cell)
            .map_err(|e| format!("wasm_global_set: {e}"))?;
        cell.with(|s| global.set(s, v))
            .map_err(|e| format!("wasm_global_set: {e}"))
    })
}

/// A table of type `ty` with every element `init` (null: the null
/// reference).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_new(
    store: Option<&wasm_store_t>,
    ty: Option<&wasm_tabletype_t>,
    init: Option<&wasm_ref_t>,
) -> Option<Box<wasm_table_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_table_new", "store", None);
    };
    let Some(ty) = ty else {
        return crate::null_arg("wasm_table_new", "ty", None);
    };
    let cell = &store.cell;
    crate::guarded(None, || {
        let Some(weft::ExternType::Table(tt)) = ty.to_weft() else {
            return Err("wasm_table_new: not a table type".into());
        };
        let init =
            ref_to_weft(init, tt.element(), cell).map_err(|e| format!("wasm_table_new: {e}"))?;
        let t = cell
            .with(|s| Table::new(s, tt, init))
            .map_err(|e| format!("wasm_table_new: {e}"))?;
        Ok(Some(wasm_ref_t::new(cell, Obj::Table(t))))
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_type(t: Option<&wasm_table_t>) -> Option<Box<wasm_tabletype_t>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_table_type", "t", None);
    };
    let table = table_of(t)?;
    let ty = t.cell().with(|s| table.ty(&*s));
    Some(boxed(&weft::ExternType::Table(ty)))
}

/// The element at `index`: a new reference, or null for a null element or
/// an index out of bounds.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_get(t: Option<&wasm_table_t>, index: u32) -> Option<Box<wasm_ref_t>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_table_get", "t", None);
    };
    let cell = t.cell();
    crate::guarded(None, || {
        let table = table_of(t).ok_or("wasm_table_get: not a table")?;
        let v = cell
            .with(|s| table.get(&*s, index))
            .ok_or_else(|| format!("wasm_table_get: index {index} is out of bounds"))?;
        Ok(match v {
            Val::FuncRef(Some(f)) => Some(wasm_ref_t::new(cell, Obj::Func(f))),
            Val::ExternRef(Some(e)) => Some(wasm_ref_t::new(cell, Obj::Foreign(e))),
            Val::FuncRef(None) | Val::ExternRef(None) => None,
            other => {
                return Err(format!(
                    "wasm_table_get: a {} cannot be returned",
                    other.ty()
                ));
            }
        })
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_set(
    t: Option<&wasm_table_t>,
    index: u32,
    r: Option<&wasm_ref_t>,
) -> bool {
    let Some(t) = t else {
        return crate::null_arg("wasm_table_set", "t", false);
    };
    let cell = t.cell().clone();
    crate::guarded(false, || {
        let table = table_of(t).ok_or("wasm_table_set: not a table")?;
        let ty = cell.with(|s| table.ty(&*s));
        let v = ref_to_weft(r, ty.element(), &cell).map_err(|e| format!("wasm_table_set: {e}"))?;
        cell.with(|s| table.set(s, index, v))
            .map_err(|e| format!("wasm_table_set: {e}"))?;
        Ok(true)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_size(t: Option<&wasm_table_t>) -> u32 {
    let Some(t) = t else {
        return crate::null_arg("wasm_table_size", "t", 0);
    };
    table_of(t).map_or(0, |table| t.cell().with(|s| table.size(&*s)))
}

/// Grows by `delta` elements set to `init`; false if the maximum (or a
/// store limit) does not allow it.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_table_grow(
    t: Option<&wasm_table_t>,
    delta: u32,
    init: Option<&wasm_ref_t>,
) -> bool {
    let Some(t) = t else {
        return crate::null_arg("wasm_table_grow", "t", false);
    };
    let cell = t.cell().clone();
    crate::guarded(false, || {
        let table = table_of(t).ok_or("wasm_table_grow: not a table")?;
        let ty = cell.with(|s| table.ty(&*s));
        let v =
            ref_to_weft(init, ty.element(), &cell).map_err(|e| format!("wasm_table_grow: {e}"))?;
        cell.with(|s| table.grow(s, delta, v))
            .map_err(|e| format!("wasm_table_grow: {e}"))?;
        Ok(true)
    })
}
