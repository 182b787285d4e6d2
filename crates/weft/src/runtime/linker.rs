//! [`Linker`]: resolves a module's imports by name.

use super::func::{HostFunc, IntoFunc};
use super::store::{AsContext, AsContextMut, Caller};
use super::{Extern, Instance};
use crate::engine::Engine;
use crate::error::{Error, LinkError, Result};
use crate::module::Module;
use crate::types::FuncType;
use crate::value::Val;
use std::collections::HashMap;
use std::sync::Arc;

enum Definition<T> {
    /// Something already in a store.
    Extern(Extern),
    /// A host function, allocated into the store on instantiation.
    Host(Arc<HostFunc<T>>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::Host(h) => Definition::Host(h.clone()),
        }
    }
}

/// Definitions by `(module, name)`, used to instantiate modules.
pub struct Linker<T> {
    engine: Engine,
    defs: HashMap<(String, String), Definition<T>>,
    allow_shadowing: bool,
}

impl<T> std::fmt::Debug for Linker<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker")
            .field("definitions", &self.defs.len())
            .finish()
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            defs: HashMap::new(),
            allow_shadowing: false,
        }
    }

    /// Whether a later definition may replace an earlier one of the same name.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.defs.contains_key(&key) {
            return Err(LinkError::Duplicate {
                module: module.into(),
                name: name.into(),
            }
            .into());
        }
        self.defs.insert(key, def);
        Ok(self)
    }

    /// Defines a host function from a closure with typed parameters.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let hf = Arc::new(f.into_host_func());
        self.insert(module, name, Definition::Host(hf))
    }

    /// Defines a host function of type `ty` from a closure over [`Val`]s.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let hf = Arc::new(HostFunc { ty, f: Box::new(f) });
        self.insert(module, name, Definition::Host(hf))
    }

    /// Defines an item that already lives in `store`.
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        let item = item.into();
        item.check_store(&store.as_context().inner)?;
        self.insert(module, name, Definition::Extern(item))
    }

    /// Defines every export of `instance` under `module_name`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        let s = store.as_context_mut();
        s.inner.check(instance.0, "instance")?;
        for (name, e) in instance.exports(&mut *s) {
            self.insert(module_name, &name, Definition::Extern(e))?;
        }
        Ok(self)
    }

    /// The definition of `module::name`, allocating host functions into `store`.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let def = self.defs.get(&(module.to_string(), name.to_string()))?;
        Some(match def {
            Definition::Extern(e) => *e,
            Definition::Host(h) => Extern::Func(h.allocate(store.as_context_mut())),
        })
    }

    /// Resolves `module`'s imports and instantiates it.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance> {
        let s = store.as_context_mut();
        if !self.engine.same(module.engine()) {
            return Err(Error::usage("module and linker use different engines"));
        }
        let mut imports = Vec::with_capacity(module.imports().len());
        for imp in module.imports() {
            let e = self.get(&mut *s, imp.module(), imp.name()).ok_or_else(|| {
                Error::from(LinkError::UnknownImport {
                    module: imp.module().into(),
                    name: imp.name().into(),
                })
            })?;
            imports.push(e);
        }
        Instance::new(s, module, &imports)
    }
}
