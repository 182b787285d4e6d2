//! Config, engine and store.
//!
//! A `wasm_store_t` and every object made in it share one [`StoreCell`]
//! (reference-counted, so the store lives until the last of them is
//! deleted). The API's functions take no store argument, yet may be called
//! while wasm code of that store runs (from a host function); the cell
//! therefore keeps a pointer to the store that is usable now
//! ([`StoreCell::with`]): the store itself, or, while a host function runs,
//! the store its `Caller` lends.

use std::cell::{Cell, OnceCell, UnsafeCell};
use std::rc::Rc;

use weft::{Config, Engine, Linker, Store};

use crate::object::{HostInfo, Key};

/// `wasm_config_t`.
pub struct wasm_config_t {
    pub(crate) config: Config,
}

/// `wasm_engine_t`.
pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

/// `wasm_store_t`.
pub struct wasm_store_t {
    pub(crate) cell: StoreRef,
}

pub(crate) type StoreRef = Rc<StoreCell>;

/// What the API keeps in each weft store.
pub(crate) struct StoreData {
    /// The WASI context its guests see (weft.h; empty until set).
    pub(crate) wasi: weft_wasi::WasiCtx,
    /// Host info of the store's functions, globals, tables, memories and
    /// instances; their finalizers run when the store goes.
    pub(crate) host_infos: Vec<(Key, HostInfo)>,
}

/// A store shared by its handle and its objects.
pub(crate) struct StoreCell {
    store: UnsafeCell<Store<StoreData>>,
    /// Where the store is reachable now: `store` itself, or the store a
    /// running host function's `Caller` lends (see `func.rs`).
    pub(crate) active: Cell<*mut Store<StoreData>>,
    /// The WASI functions, made on first use.
    pub(crate) wasi_linker: OnceCell<Linker<StoreData>>,
}

impl StoreCell {
    fn new(engine: &Engine) -> StoreRef {
        let data = StoreData {
            wasi: crate::wasi::empty_ctx(),
            host_infos: Vec::new(),
        };
        let cell = Rc::new(StoreCell {
            store: UnsafeCell::new(Store::new(engine, data)),
            active: Cell::new(std::ptr::null_mut()),
            wasi_linker: OnceCell::new(),
        });
        cell.active.set(cell.store.get());
        cell
    }

    /// Runs `f` with the store.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Store<StoreData>) -> R) -> R {
        // SAFETY: `active` points at the store in `self.store` (alive as
        // long as `self`) or, while a host function of this store runs, at
        // the store its `Caller` lends, which stays valid until the host
        // function returns, when the callback shim restores the previous
        // pointer. A store is used by one thread at a time (the header's
        // contract), and no reference made here outlives `f`: the only
        // code that runs while one is in use and can reach `with` again is
        // a host function, reached through weft with the reference lent to
        // its `Caller`, and it uses the `Caller`'s store, not this one.
        // (Finalizers of host info are run after `with` returns.)
        let store = unsafe { &mut *self.active.get() };
        f(store)
    }

    pub(crate) fn engine(&self) -> Engine {
        self.with(|s| s.engine().clone())
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_config_new() -> Box<wasm_config_t> {
    Box::new(wasm_config_t {
        config: Config::default(),
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_config_delete(_: Option<Box<wasm_config_t>>) {}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_engine_new() -> Box<wasm_engine_t> {
    Box::new(wasm_engine_t {
        engine: Engine::default(),
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_engine_new_with_config(
    config: Option<Box<wasm_config_t>>,
) -> Box<wasm_engine_t> {
    let config = config.map(|c| c.config).unwrap_or_default();
    Box::new(wasm_engine_t {
        engine: Engine::new(&config),
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_engine_delete(_: Option<Box<wasm_engine_t>>) {}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_store_new(engine: Option<&wasm_engine_t>) -> Option<Box<wasm_store_t>> {
    let Some(engine) = engine else {
        return crate::null_arg("wasm_store_new", "engine", None);
    };
    Some(Box::new(wasm_store_t {
        cell: StoreCell::new(&engine.engine),
    }))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_store_delete(_: Option<Box<wasm_store_t>>) {}
