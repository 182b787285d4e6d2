//! Instances and instantiation.

use super::func::{FuncKind, TypedFunc, WasmParams};
use super::global::GlobalData;
use super::memory::MemoryData;
use super::store::{AsContextMut, StoreInner, Stored};
use super::table::TableData;
use super::tag::TagData;
use super::{Extern, Func, Global, Memory, Table, Tag};
use crate::error::{Error, ErrorKind, LinkError, Result, TrapKind};
use crate::module::const_expr::{ConstCtx, ConstExpr};
use crate::module::{DataMode, ElemMode, EntityIndex, ImportKind, Module};
use crate::types::{ConcreteType, ExternType, Mutability};
use std::collections::HashMap;

/// An instance's view of the store: its index spaces mapped to store indices.
#[derive(Debug)]
pub(crate) struct InstanceData {
    pub module: Module,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    pub tags: Vec<u32>,
    pub exports: Vec<(String, Extern)>,
    pub export_index: HashMap<String, usize>,
    /// Element segments as reference cells; empty once dropped.
    pub elems: Vec<Box<[u64]>>,
    /// Whether each data segment has been dropped.
    pub datas_dropped: Vec<bool>,
}

/// A handle to an instantiated module in a [`crate::Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance(pub(crate) Stored);

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import order.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance> {
        instantiate(store.as_context_mut(), module, imports)
    }

    /// The export called `name`, if any.
    pub fn get_export(&self, mut store: impl AsContextMut, name: &str) -> Option<Extern> {
        let s = store.as_context_mut();
        let i = s.inner.check(self.0, "instance").ok()?;
        let data = &s.inner.instances[i];
        data.export_index.get(name).map(|&e| data.exports[e].1)
    }

    /// All exports, in the module's order.
    pub fn exports(&self, mut store: impl AsContextMut) -> Vec<(String, Extern)> {
        let s = store.as_context_mut();
        match s.inner.check(self.0, "instance") {
            Ok(i) => s.inner.instances[i].exports.clone(),
            Err(_) => Vec::new(),
        }
    }

    /// The exported function `name`, if any.
    pub fn get_func(&self, store: impl AsContextMut, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported global `name`, if any.
    pub fn get_global(&self, store: impl AsContextMut, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The exported memory `name`, if any.
    pub fn get_memory(&self, store: impl AsContextMut, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported table `name`, if any.
    pub fn get_table(&self, store: impl AsContextMut, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported function `name` with static types; fails if it does not
    /// exist or its type differs.
    pub fn get_typed_func<P: WasmParams, R: WasmParams>(
        &self,
        mut store: impl AsContextMut,
        name: &str,
    ) -> Result<TypedFunc<P, R>> {
        let s = store.as_context_mut();
        let f = self
            .get_func(&mut *s, name)
            .ok_or_else(|| Error::usage(format!("no exported function named `{name}`")))?;
        f.typed(&*s)
    }
}

/// The type of an extern value in the store, for import matching.
fn extern_type<T>(store: &super::Store<T>, e: &Extern) -> Result<ExternType> {
    Ok(match e {
        Extern::Func(f) => {
            let i = store.inner.check(f.0, "function")?;
            ExternType::Func(super::func::func_type(store, i))
        }
        Extern::Global(g) => {
            let i = store.inner.check(g.0, "global")?;
            ExternType::Global(store.inner.globals[i].ty)
        }
        Extern::Table(t) => {
            let i = store.inner.check(t.0, "table")?;
            ExternType::Table(store.inner.tables[i].current_ty())
        }
        Extern::Memory(m) => {
            let i = store.inner.check(m.0, "memory")?;
            ExternType::Memory(store.inner.memories[i].ty())
        }
        Extern::Tag(t) => {
            let i = store.inner.check(t.0, "tag")?;
            ExternType::Tag(store.inner.tags[i].ty.clone())
        }
    })
}

fn limits_match(min: u64, max: Option<u64>, want_min: u64, want_max: Option<u64>) -> bool {
    min >= want_min
        && match want_max {
            None => true,
            Some(wm) => max.is_some_and(|m| m <= wm),
        }
}

/// Checks an import against what is given (`got`, the type of `ext`),
/// with the spec's matching rules: a function's type must be a subtype of
/// the import's (equal ids are the fast path), an immutable global's
/// content type a subtype, and everything else equal.
fn check_import(
    store: &super::store::StoreInner,
    m: &crate::module::ModuleInner,
    kind: &ImportKind,
    ext: &Extern,
    got: &ExternType,
) -> bool {
    let reg = store.engine.types();
    match (kind, got, ext) {
        (ImportKind::Func(t), ExternType::Func(_), Extern::Func(f)) => {
            let own = store.funcs[f.0.index as usize].sig();
            let want = m.sig_ids[*t as usize];
            own == want || reg.is_subtype(ConcreteType(own), ConcreteType(want))
        }
        (ImportKind::Global(t), ExternType::Global(g), _) => {
            t.mutability() == g.mutability()
                && match t.mutability() {
                    Mutability::Const => reg.val_sub(g.content(), t.content()),
                    Mutability::Var => g.content() == t.content(),
                }
        }
        (ImportKind::Table(t), ExternType::Table(g), _) => {
            t.element() == g.element()
                && t.is_64() == g.is_64()
                && limits_match(g.minimum(), g.maximum(), t.minimum(), t.maximum())
        }
        (ImportKind::Memory(t), ExternType::Memory(g), _) => {
            t.is_64() == g.is_64()
                && t.is_shared() == g.is_shared()
                && t.page_size_log2() == g.page_size_log2()
                && limits_match(g.minimum(), g.maximum(), t.minimum(), t.maximum())
        }
        (ImportKind::Tag(t), ExternType::Tag(g), _) => t.id() == g.id(),
        _ => false,
    }
}

pub(crate) fn instantiate<T>(
    store: &mut super::Store<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance> {
    if !store.inner.engine.same(module.engine()) {
        return Err(Error::usage(
            "module was compiled with a different engine than the store's",
        ));
    }
    let m = &module.inner;
    if let Some(max) = store.inner.limits.max_instances
        && store.inner.instances.len() >= max
    {
        return Err(Error::new(ErrorKind::Instantiate(format!(
            "the store's limit of {max} instances is reached"
        ))));
    }
    if imports.len() != m.imports.len() {
        return Err(LinkError::ImportCount {
            expected: m.imports.len(),
            given: imports.len(),
        }
        .into());
    }
    let mut data = InstanceData {
        module: module.clone(),
        funcs: Vec::with_capacity(m.funcs.len()),
        tables: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        tags: Vec::new(),
        exports: Vec::new(),
        export_index: HashMap::new(),
        elems: Vec::with_capacity(m.elems.len()),
        datas_dropped: vec![false; m.datas.len()],
    };
    for (imp, ext) in m.imports.iter().zip(imports) {
        let got = extern_type(store, ext)?;
        if !check_import(&store.inner, m, &imp.kind, ext, &got) {
            return Err(LinkError::IncompatibleImportType {
                module: imp.module.clone(),
                name: imp.name.clone(),
                detail: format!("expected {}, found {got}", m.import_type(&imp.kind)),
            }
            .into());
        }
        match ext {
            Extern::Func(f) => data.funcs.push(f.0.index),
            Extern::Table(t) => data.tables.push(t.0.index),
            Extern::Memory(x) => data.memories.push(x.0.index),
            Extern::Global(g) => data.globals.push(g.0.index),
            Extern::Tag(t) => data.tags.push(t.0.index),
        }
    }

    let inst_index = store.inner.instances.len() as u32;
    for (i, _) in m.code.iter().enumerate() {
        let func_index = m.num_imported_funcs as usize + i;
        let sig = m.sig_ids[m.funcs[func_index] as usize];
        store.inner.funcs.push(FuncKind::Wasm {
            instance: inst_index,
            index: i as u32,
            sig,
        });
        data.funcs.push((store.inner.funcs.len() - 1) as u32);
    }
    for ty in &m.tables[m.num_imported_tables as usize..] {
        let t = TableData::new(*ty, 0, &store.inner.limits, store.inner.tables.len())?;
        store.inner.tables.push(t);
        data.tables.push((store.inner.tables.len() - 1) as u32);
    }
    for ty in &m.memories[m.num_imported_memories as usize..] {
        let mem = MemoryData::new(ty, &store.inner.limits, store.inner.memories.len())?;
        store.inner.memories.push(mem);
        data.memories.push((store.inner.memories.len() - 1) as u32);
    }
    // Constant expressions read the instance's globals and functions so
    // far and may allocate GC objects.
    let eval = |store: &mut StoreInner, data: &InstanceData, e: &ConstExpr| {
        e.eval(&mut ConstCtx {
            store,
            module: m,
            globals: &data.globals,
            funcs: &data.funcs,
        })
        .map_err(trap)
    };
    for (ty, init) in m.globals[m.num_imported_globals as usize..]
        .iter()
        .zip(&m.global_inits)
    {
        let value = eval(&mut store.inner, &data, init)?;
        store.inner.globals.push(GlobalData { value, ty: *ty });
        data.globals.push((store.inner.globals.len() - 1) as u32);
    }
    // Table initialisers may read the globals, so they come after them.
    for k in m.num_imported_tables as usize..data.tables.len() {
        if let Some(Some(init)) = m.table_inits.get(k - m.num_imported_tables as usize) {
            let cell = eval(&mut store.inner, &data, init)? as u64;
            store.inner.tables[data.tables[k] as usize].elems.fill(cell);
        }
    }
    for ty in &m.tags[m.num_imported_tags as usize..] {
        let tag = TagData::new(ty.clone(), &store.inner.engine.types());
        store.inner.tags.push(tag);
        data.tags.push((store.inner.tags.len() - 1) as u32);
    }
    for (name, idx) in &m.exports {
        let e = match *idx {
            EntityIndex::Func(i) => {
                Extern::Func(Func(store.inner.stored(data.funcs[i as usize] as usize)))
            }
            EntityIndex::Table(i) => {
                Extern::Table(Table(store.inner.stored(data.tables[i as usize] as usize)))
            }
            EntityIndex::Memory(i) => Extern::Memory(Memory(
                store.inner.stored(data.memories[i as usize] as usize),
            )),
            EntityIndex::Global(i) => Extern::Global(Global(
                store.inner.stored(data.globals[i as usize] as usize),
            )),
            EntityIndex::Tag(i) => {
                Extern::Tag(Tag(store.inner.stored(data.tags[i as usize] as usize)))
            }
        };
        data.export_index.insert(name.clone(), data.exports.len());
        data.exports.push((name.clone(), e));
    }

    // Evaluate segment items and offsets before registering (they only read
    // globals and function indices), then register the instance: from here
    // on, effects on imported tables and memories stay visible even if a
    // segment traps, as the spec requires.
    let mut elem_inits = Vec::new();
    let mut elems = Vec::with_capacity(m.elems.len());
    for (i, seg) in m.elems.iter().enumerate() {
        let items: Box<[u64]> = seg
            .items
            .iter()
            .map(|e| eval(&mut store.inner, &data, e).map(|v| v as u64))
            .collect::<Result<_>>()?;
        if let ElemMode::Active { table, offset } = &seg.mode {
            // An i64 offset on a 64-bit table; tables stay below 2^32
            // elements, so a larger offset is out of bounds either way.
            let off =
                u32::try_from(eval(&mut store.inner, &data, offset)? as u64).unwrap_or(u32::MAX);
            elem_inits.push((data.tables[*table as usize], off, i));
        }
        elems.push(items);
    }
    data.elems = elems;
    let mut data_inits = Vec::new();
    for (i, seg) in m.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            // An i32 offset, or an i64 one for a 64-bit memory.
            let off = eval(&mut store.inner, &data, offset)? as u64;
            data_inits.push((data.memories[*memory as usize], off, i));
        }
    }
    if !store.inner.engine.config().bulk_memory {
        // WebAssembly 1.0 rules: every segment must fit before anything is
        // written, and a misfit fails instantiation without side effects.
        check_segments_fit(&store.inner, &data, &elem_inits, &data_inits, m)?;
    }
    store.inner.instances.push(data);
    let instance = Instance(store.inner.stored(inst_index as usize));
    let inner = &mut store.inner;
    let inst = &mut inner.instances[inst_index as usize];

    for (table, off, seg) in elem_inits {
        let items = &inst.elems[seg];
        let t = &mut inner.tables[table as usize].elems;
        let start = off as usize;
        match start.checked_add(items.len()) {
            Some(end) if end <= t.len() => t[start..end].copy_from_slice(items),
            _ => return Err(trap(TrapKind::TableOutOfBounds)),
        }
        inst.elems[seg] = Box::new([]);
    }
    // Declarative segments are dropped at instantiation too.
    for (i, seg) in m.elems.iter().enumerate() {
        if matches!(seg.mode, ElemMode::Declared) {
            inst.elems[i] = Box::new([]);
        }
    }
    for (mem, off, seg) in data_inits {
        let bytes = &m.datas[seg].bytes;
        crate::exec::bulk::memory_init(
            &mut inner.memories[mem as usize],
            bytes,
            off,
            0,
            bytes.len() as u64,
        )
        .map_err(trap)?;
        inst.datas_dropped[seg] = true;
    }
    if let Some(start) = m.start {
        let f = store.inner.instances[inst_index as usize].funcs[start as usize];
        let func = Func(store.inner.stored(f as usize));
        func.call(&mut *store, &[], &mut [])?;
    }
    Ok(instance)
}

fn check_segments_fit(
    inner: &super::store::StoreInner,
    data: &InstanceData,
    elem_inits: &[(u32, u32, usize)],
    data_inits: &[(u32, u64, usize)],
    m: &crate::module::ModuleInner,
) -> Result<()> {
    for &(table, off, seg) in elem_inits {
        let end = u64::from(off) + data.elems[seg].len() as u64;
        if end > inner.tables[table as usize].elems.len() as u64 {
            return Err(Error::new(ErrorKind::Instantiate(format!(
                "elements segment does not fit (segment {seg})"
            ))));
        }
    }
    for &(mem, off, seg) in data_inits {
        let end = off.saturating_add(m.datas[seg].bytes.len() as u64);
        if end > inner.memories[mem as usize].byte_len() {
            return Err(Error::new(ErrorKind::Instantiate(format!(
                "data segment does not fit (segment {seg})"
            ))));
        }
    }
    Ok(())
}

fn trap(kind: TrapKind) -> Error {
    Error::new(ErrorKind::Trap(kind.into()))
}
