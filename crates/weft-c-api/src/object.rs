//! The one Rust type behind every runtime object of the API, the host info
//! objects carry, and the functions the standard declares for every
//! reference kind (`copy`, `same`, host info, conversions to `wasm_ref_t`).

use std::cell::RefCell;
use std::ffi::c_void;
use std::rc::Rc;
use std::sync::Mutex;

use weft::{ExternRef, Func, Global, Instance, Memory, Table, Tag};

use crate::module::ModuleData;
use crate::store::StoreRef;
use crate::trap::TrapData;

/// A handle to a runtime object. `wasm_func_t`, `wasm_extern_t`,
/// `wasm_trap_t` and the rest are this type; `obj` says which it is.
#[derive(Clone)]
pub struct wasm_ref_t {
    /// The store the object lives in (for a module or a trap: the store
    /// it was made with).
    pub(crate) store: StoreRef,
    pub(crate) obj: Obj,
}

pub type wasm_func_t = wasm_ref_t;
pub type wasm_global_t = wasm_ref_t;
pub type wasm_table_t = wasm_ref_t;
pub type wasm_memory_t = wasm_ref_t;
pub type wasm_extern_t = wasm_ref_t;
pub type wasm_instance_t = wasm_ref_t;
pub type wasm_foreign_t = wasm_ref_t;
pub type wasm_trap_t = wasm_ref_t;
pub type wasm_module_t = wasm_ref_t;

/// What a handle refers to.
#[derive(Clone)]
pub(crate) enum Obj {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Tag(Tag),
    Instance(Instance),
    /// Any non-null `externref`; those made by `wasm_foreign_new` carry a
    /// [`Foreign`] and so can hold host info.
    Foreign(ExternRef),
    Module(Rc<ModuleData>),
    Trap(Rc<TrapData>),
}

impl wasm_ref_t {
    pub(crate) fn new(store: &StoreRef, obj: Obj) -> Box<wasm_ref_t> {
        Box::new(wasm_ref_t {
            store: store.clone(),
            obj,
        })
    }

    /// The store.
    pub(crate) fn cell(&self) -> &StoreRef {
        &self.store
    }

    /// The store-object key of this handle, if it names one.
    fn key(&self) -> Option<Key> {
        Some(match &self.obj {
            Obj::Func(f) => Key::Func(*f),
            Obj::Global(g) => Key::Global(*g),
            Obj::Table(t) => Key::Table(*t),
            Obj::Memory(m) => Key::Memory(*m),
            Obj::Tag(t) => Key::Tag(*t),
            Obj::Instance(i) => Key::Instance(*i),
            _ => return None,
        })
    }

    /// Whether two handles name the same object.
    pub(crate) fn same(&self, other: &wasm_ref_t) -> bool {
        match (&self.obj, &other.obj) {
            (Obj::Foreign(a), Obj::Foreign(b)) => a == b,
            (Obj::Module(a), Obj::Module(b)) => Rc::ptr_eq(a, b),
            (Obj::Trap(a), Obj::Trap(b)) => Rc::ptr_eq(a, b),
            _ => self.key().is_some() && self.key() == other.key(),
        }
    }

    pub(crate) fn host_info(&self) -> *mut c_void {
        match &self.obj {
            Obj::Module(m) => HostInfo::get(&m.host_info.borrow()),
            Obj::Trap(t) => HostInfo::get(&t.host_info.borrow()),
            Obj::Foreign(e) => self.cell().with(|s| {
                e.data(s)
                    .and_then(|d| d.downcast_ref::<Foreign>())
                    .map_or(std::ptr::null_mut(), |f| {
                        HostInfo::get(&f.info.lock().unwrap_or_else(|p| p.into_inner()))
                    })
            }),
            _ => {
                let key = self.key().expect("a store object");
                self.cell().with(|s| {
                    s.data()
                        .host_infos
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map_or(std::ptr::null_mut(), |(_, h)| h.data)
                })
            }
        }
    }

    /// Sets the host info, and returns the one it replaces, for the caller
    /// to drop (so its finalizer runs outside any borrow of the store).
    pub(crate) fn set_host_info(&self, info: Option<HostInfo>) -> Option<HostInfo> {
        match &self.obj {
            Obj::Module(m) => std::mem::replace(&mut *m.host_info.borrow_mut(), info),
            Obj::Trap(t) => std::mem::replace(&mut *t.host_info.borrow_mut(), info),
            Obj::Foreign(e) => {
                self.cell().with(
                    |s| match e.data(s).and_then(|d| d.downcast_ref::<Foreign>()) {
                        Some(f) => {
                            let mut slot = f.info.lock().unwrap_or_else(|p| p.into_inner());
                            std::mem::replace(&mut *slot, info)
                        }
                        None => {
                            crate::set_error("this externref was not made by wasm_foreign_new");
                            info
                        }
                    },
                )
            }
            _ => {
                let key = self.key().expect("a store object");
                self.cell().with(|s| {
                    let infos = &mut s.data_mut().host_infos;
                    let old = infos
                        .iter()
                        .position(|(k, _)| *k == key)
                        .map(|i| infos.swap_remove(i).1);
                    if let Some(info) = info {
                        infos.push((key, info));
                    }
                    old
                })
            }
        }
    }
}

/// A store object, as the key of its host info.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Func(Func),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Tag(Tag),
    Instance(Instance),
}

/// A host pointer with its finalizer, which runs when this is dropped:
/// when the object goes (its store is deleted; a foreign object is
/// collected; the last handle to a module or trap is deleted) or when
/// other host info replaces it.
pub struct HostInfo {
    pub(crate) data: *mut c_void,
    pub(crate) finalizer: Option<extern "C" fn(*mut c_void)>,
}

impl HostInfo {
    fn get(slot: &Option<HostInfo>) -> *mut c_void {
        slot.as_ref().map_or(std::ptr::null_mut(), |h| h.data)
    }
}

impl Drop for HostInfo {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer {
            f(self.data);
        }
    }
}

// SAFETY: weft never dereferences the pointer; it is only handed back to C
// and to the finalizer C gave with it. Foreign objects must be `Send +
// Sync` to be externref payloads, but the API uses a store (and so its
// objects' host info) from one thread at a time.
unsafe impl Send for HostInfo {}
// SAFETY: as for `Send`: shared access only reads the pointer value.
unsafe impl Sync for HostInfo {}

/// The payload of a foreign object's externref.
pub(crate) struct Foreign {
    pub(crate) info: Mutex<Option<HostInfo>>,
}

/// Declares delete, copy, same and the host-info functions of one kind.
macro_rules! ref_base {
    ($delete:ident, $copy:ident, $same:ident, $get:ident, $set:ident, $set_fin:ident) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $delete(_: Option<Box<$crate::object::wasm_ref_t>>) {}

        #[unsafe(no_mangle)]
        pub extern "C" fn $copy(
            r: Option<&$crate::object::wasm_ref_t>,
        ) -> Option<Box<$crate::object::wasm_ref_t>> {
            r.map(|r| Box::new(r.clone()))
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $same(
            a: Option<&$crate::object::wasm_ref_t>,
            b: Option<&$crate::object::wasm_ref_t>,
        ) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => a.same(b),
                (None, None) => true,
                _ => false,
            }
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $get(r: Option<&$crate::object::wasm_ref_t>) -> *mut std::ffi::c_void {
            r.map_or(std::ptr::null_mut(), |r| r.host_info())
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $set(
            r: Option<&mut $crate::object::wasm_ref_t>,
            info: *mut std::ffi::c_void,
        ) {
            if let Some(r) = r {
                drop(r.set_host_info(Some($crate::object::HostInfo {
                    data: info,
                    finalizer: None,
                })));
            }
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $set_fin(
            r: Option<&mut $crate::object::wasm_ref_t>,
            info: *mut std::ffi::c_void,
            finalizer: Option<extern "C" fn(*mut std::ffi::c_void)>,
        ) {
            let info = $crate::object::HostInfo {
                data: info,
                finalizer,
            };
            match r {
                Some(r) => drop(r.set_host_info(Some(info))),
                None => drop(info),
            }
        }
    };
}

/// Declares `ref_base!` plus the conversions to and from `wasm_ref_t`
/// (the same pointer, or null when the reference is of another kind).
macro_rules! ref_kind {
    ($is:expr, [$($base:ident),*], $as_ref:ident, $as_ref_const:ident, $from_ref:ident, $from_ref_const:ident) => {
        $crate::object::ref_base!($($base),*);

        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ref(
            r: Option<&mut $crate::object::wasm_ref_t>,
        ) -> Option<&mut $crate::object::wasm_ref_t> {
            r
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ref_const(
            r: Option<&$crate::object::wasm_ref_t>,
        ) -> Option<&$crate::object::wasm_ref_t> {
            r
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $from_ref(
            r: Option<&mut $crate::object::wasm_ref_t>,
        ) -> Option<&mut $crate::object::wasm_ref_t> {
            let is: fn(&$crate::object::Obj) -> bool = $is;
            r.filter(|r| is(&r.obj))
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $from_ref_const(
            r: Option<&$crate::object::wasm_ref_t>,
        ) -> Option<&$crate::object::wasm_ref_t> {
            let is: fn(&$crate::object::Obj) -> bool = $is;
            r.filter(|r| is(&r.obj))
        }
    };
}
pub(crate) use {ref_base, ref_kind};

ref_base!(
    wasm_ref_delete,
    wasm_ref_copy,
    wasm_ref_same,
    wasm_ref_get_host_info,
    wasm_ref_set_host_info,
    wasm_ref_set_host_info_with_finalizer
);

ref_kind!(
    |o| matches!(o, Obj::Foreign(_)),
    [
        wasm_foreign_delete,
        wasm_foreign_copy,
        wasm_foreign_same,
        wasm_foreign_get_host_info,
        wasm_foreign_set_host_info,
        wasm_foreign_set_host_info_with_finalizer
    ],
    wasm_foreign_as_ref,
    wasm_foreign_as_ref_const,
    wasm_ref_as_foreign,
    wasm_ref_as_foreign_const
);

/// A new foreign object: an externref whose payload can carry host info.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_foreign_new(
    store: Option<&crate::store::wasm_store_t>,
) -> Option<Box<wasm_foreign_t>> {
    let Some(store) = store else {
        return crate::null_arg("wasm_foreign_new", "store", None);
    };
    let cell = &store.cell;
    crate::guarded(None, || {
        let e = cell
            .with(|s| {
                ExternRef::new(
                    s,
                    Foreign {
                        info: Mutex::new(None),
                    },
                )
            })
            .map_err(|e| e.to_string())?;
        Ok(Some(wasm_ref_t::new(cell, Obj::Foreign(e))))
    })
}

/// Host info of a module or trap: shared by its copies.
pub(crate) type InfoSlot = RefCell<Option<HostInfo>>;
