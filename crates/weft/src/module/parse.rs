//! The single pass over a binary module: validate each payload, record what
//! instantiation needs, and compile each function body as it is validated.

use super::{
    ConstExpr, DataMode, DataSegment, ElemMode, ElemSegment, EntityIndex, FuncCode, Import,
    ImportKind, LazySource, ModuleInner,
};
use crate::compile;
use crate::engine::{Composite, Engine, FieldType, GROUP_LOCAL, SigId, StorageType, SubType};
use crate::error::{ModuleError, Result};
use crate::types::{
    ConcreteType, FuncType, GlobalType, MemoryType, Mutability, TableType, TagType, TypeMap,
    ValType,
};
use std::collections::HashMap;
use wasmparser::{Parser, Payload, UnpackedIndex, ValidPayload, Validator};

/// Converts a wasmparser error into weft's module error.
pub(crate) fn wp_err(e: wasmparser::BinaryReaderError) -> crate::Error {
    ModuleError {
        message: e.message().to_string(),
        offset: Some(e.offset() as usize),
        func_index: None,
        text: false,
    }
    .into()
}

fn unsupported(what: &str, offset: u64) -> crate::Error {
    ModuleError {
        message: format!("{what} is not supported by weft yet"),
        offset: Some(offset as usize),
        func_index: None,
        text: false,
    }
    .into()
}

/// Maps the module's type indices to the engine's canonical types, for the
/// types registered so far.
fn type_map(ids: &[SigId]) -> impl Fn(UnpackedIndex) -> Option<ConcreteType> + '_ {
    move |i| match i {
        UnpackedIndex::Module(i) => ids.get(i as usize).map(|&s| ConcreteType(s)),
        _ => None,
    }
}

fn val_type(ty: wasmparser::ValType, map: TypeMap<'_>, offset: u64) -> Result<ValType> {
    ValType::from_wasmparser(ty, map).ok_or_else(|| unsupported("this value type", offset))
}

fn func_type(ty: &wasmparser::FuncType, map: TypeMap<'_>, offset: u64) -> Result<FuncType> {
    let params = ty
        .params()
        .iter()
        .map(|t| val_type(*t, map, offset))
        .collect::<Result<Vec<_>>>()?;
    let results = ty
        .results()
        .iter()
        .map(|t| val_type(*t, map, offset))
        .collect::<Result<Vec<_>>>()?;
    Ok(FuncType::new(params, results))
}

fn field_type(t: &wasmparser::FieldType, map: TypeMap<'_>, offset: u64) -> Result<FieldType> {
    let storage = match t.element_type {
        wasmparser::StorageType::I8 => StorageType::I8,
        wasmparser::StorageType::I16 => StorageType::I16,
        wasmparser::StorageType::Val(v) => StorageType::Val(val_type(v, map, offset)?),
    };
    Ok(FieldType {
        storage,
        mutable: t.mutable,
    })
}

/// Registers one recursive type group with the engine and appends its
/// types to the module's type index space.
fn rec_group(m: &mut ModuleInner, group: &wasmparser::RecGroup, offset: u64) -> Result<()> {
    let start = m.sig_ids.len() as u32;
    let n = group.types().len() as u32;
    let ids = &m.sig_ids;
    // References to the group's own members are group-local positions.
    let map = |i: UnpackedIndex| match i {
        UnpackedIndex::Module(i) if i >= start => {
            (i - start < n).then(|| ConcreteType(GROUP_LOCAL + i - start))
        }
        UnpackedIndex::RecGroup(k) if k < n => Some(ConcreteType(GROUP_LOCAL + k)),
        i => type_map(ids)(i),
    };
    let mut subs = Vec::with_capacity(n as usize);
    for t in group.types() {
        let c = &t.composite_type;
        if c.shared || c.descriptor_idx.is_some() || c.describes_idx.is_some() {
            return Err(unsupported("this type definition", offset));
        }
        let composite = match &c.inner {
            wasmparser::CompositeInnerType::Func(f) => Composite::Func(func_type(f, &map, offset)?),
            wasmparser::CompositeInnerType::Struct(st) => Composite::Struct(
                st.fields
                    .iter()
                    .map(|f| field_type(f, &map, offset))
                    .collect::<Result<_>>()?,
            ),
            wasmparser::CompositeInnerType::Array(a) => {
                Composite::Array(field_type(&a.0, &map, offset)?)
            }
            wasmparser::CompositeInnerType::Cont(_) => {
                return Err(unsupported("continuation types", offset));
            }
        };
        let supertype = match t.supertype_idxs.first() {
            Some(p) => Some(map(p.unpack()).ok_or_else(|| unsupported("this supertype", offset))?),
            None => None,
        };
        subs.push(SubType {
            is_final: t.is_final,
            supertype,
            composite,
        });
    }
    let first = m
        .engine
        .register_group(&subs)
        .ok_or_else(|| unsupported("a type group this large", offset))?;
    let reg = m.engine.types();
    for k in 0..n {
        let id = first + k;
        m.sig_ids.push(id);
        let composite = reg
            .get(ConcreteType(id))
            .map(|i| i.sub.composite.clone())
            .ok_or_else(|| unsupported("a type group this large", offset))?;
        // Function types as the code uses them; struct and array types
        // have none (no function has them as its type).
        m.types.push(match &composite {
            Composite::Func(f) => f.clone(),
            _ => FuncType::new([], []),
        });
        m.composites.push(composite);
    }
    Ok(())
}

fn table_type(ty: &wasmparser::TableType, map: TypeMap<'_>, offset: u64) -> Result<TableType> {
    let elem = val_type(wasmparser::ValType::Ref(ty.element_type), map, offset)?;
    Ok(if ty.table64 {
        TableType::new64(elem, ty.initial, ty.maximum)
    } else {
        // The validator bounds a 32-bit table's limits to 32 bits.
        TableType::new(elem, ty.initial as u32, ty.maximum.map(|m| m as u32))
    })
}

fn memory_type(ty: &wasmparser::MemoryType) -> MemoryType {
    let t = if ty.memory64 {
        MemoryType::new64(ty.initial, ty.maximum)
    } else {
        // The validator bounds a 32-bit memory's limits to 32 bits.
        MemoryType::new(ty.initial as u32, ty.maximum.map(|m| m as u32))
    };
    t.with_page_size_log2(ty.page_size_log2.map_or(16, |l| l as u8))
        .with_shared(ty.shared)
}

fn global_type(ty: &wasmparser::GlobalType, map: TypeMap<'_>, offset: u64) -> Result<GlobalType> {
    let m = if ty.mutable {
        Mutability::Var
    } else {
        Mutability::Const
    };
    Ok(GlobalType::new(val_type(ty.content_type, map, offset)?, m))
}

/// The type of a tag whose function type is type `index` (validated).
fn tag_type(m: &ModuleInner, index: u32) -> TagType {
    let i = index as usize;
    TagType::new(m.types[i].clone(), ConcreteType(m.sig_ids[i]))
}

/// `e`, an error in the body of function `func_index`, as a module error
/// naming that function.
pub(crate) fn in_function(e: crate::Error, func_index: u32) -> crate::Error {
    let mut e = match e.kind() {
        crate::ErrorKind::Module(me) => me.clone(),
        _ => ModuleError {
            message: e.to_string(),
            offset: None,
            func_index: None,
            text: false,
        },
    };
    e.func_index = Some(func_index);
    crate::Error::from(e)
}

pub(crate) fn parse(engine: &Engine, binary: &[u8]) -> Result<ModuleInner> {
    let mut validator = Validator::new_with_features(engine.config().wasm_features());
    let mut m = ModuleInner {
        engine: engine.clone(),
        name: None,
        types: Vec::new(),
        sig_ids: Vec::new(),
        composites: Vec::new(),
        funcs: Vec::new(),
        num_imported_funcs: 0,
        num_imported_tables: 0,
        num_imported_memories: 0,
        num_imported_globals: 0,
        num_imported_tags: 0,
        imports: Vec::new(),
        tables: Vec::new(),
        table_inits: Vec::new(),
        tags: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        global_inits: Vec::new(),
        exports: Vec::new(),
        start: None,
        elems: Vec::new(),
        datas: Vec::new(),
        code: Vec::new(),
        lazy: None,
        func_names: HashMap::new(),
        body_starts: Vec::new(),
        binary: engine
            .config()
            .debug_info
            .then(|| std::sync::Arc::from(binary)),
    };
    let lazy = engine.config().lazy_compilation;
    let mut pending: Vec<Pending<'_>> = Vec::new();

    let mut parser = Parser::new(0);
    parser.set_features(engine.config().wasm_features());
    for payload in parser.parse_all(binary) {
        let payload = payload.map_err(wp_err)?;
        // The code section is done: its functions are compiled before
        // anything after it is looked at, as if one at a time.
        if !matches!(payload, Payload::CodeSectionEntry(_)) {
            finish_code(&mut m, &mut pending, lazy)?;
        }
        let valid = validator.payload(&payload).map_err(wp_err)?;
        match &payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone().into_iter_with_offsets() {
                    let (offset, group) = group.map_err(wp_err)?;
                    rec_group(&mut m, &group, offset)?;
                }
            }
            Payload::ImportSection(reader) => {
                for imp in reader.clone().into_imports_with_offsets() {
                    let (off, imp) = imp.map_err(wp_err)?;

                    let kind = match imp.ty {
                        wasmparser::TypeRef::Func(t) | wasmparser::TypeRef::FuncExact(t) => {
                            m.funcs.push(t);
                            m.num_imported_funcs += 1;
                            ImportKind::Func(t)
                        }
                        wasmparser::TypeRef::Table(t) => {
                            let t = table_type(&t, &type_map(&m.sig_ids), off)?;
                            m.tables.push(t);
                            m.num_imported_tables += 1;
                            ImportKind::Table(t)
                        }
                        wasmparser::TypeRef::Memory(t) => {
                            let t = memory_type(&t);
                            m.memories.push(t);
                            m.num_imported_memories += 1;
                            ImportKind::Memory(t)
                        }
                        wasmparser::TypeRef::Global(t) => {
                            let t = global_type(&t, &type_map(&m.sig_ids), off)?;
                            m.globals.push(t);
                            m.num_imported_globals += 1;
                            ImportKind::Global(t)
                        }
                        wasmparser::TypeRef::Tag(t) => {
                            let t = tag_type(&m, t.func_type_idx);
                            m.tags.push(t.clone());
                            m.num_imported_tags += 1;
                            ImportKind::Tag(t)
                        }
                    };
                    m.imports.push(Import {
                        module: imp.module.to_string(),
                        name: imp.name.to_string(),
                        kind,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader.clone() {
                    m.funcs.push(t.map_err(wp_err)?);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader.clone() {
                    let t = t.map_err(wp_err)?;
                    let init = match &t.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(ConstExpr::from_wasmparser(e)?),
                    };
                    let ty = table_type(&t.ty, &type_map(&m.sig_ids), reader.range().start)?;
                    m.tables.push(ty);
                    m.table_inits.push(init);
                }
            }
            Payload::MemorySection(reader) => {
                for t in reader.clone() {
                    let t = t.map_err(wp_err)?;
                    m.memories.push(memory_type(&t));
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader.clone() {
                    let g = g.map_err(wp_err)?;
                    let map = type_map(&m.sig_ids);
                    let ty = global_type(&g.ty, &map, reader.range().start)?;
                    m.globals.push(ty);
                    m.global_inits
                        .push(ConstExpr::from_wasmparser(&g.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader.clone() {
                    let e = e.map_err(wp_err)?;
                    let idx = match e.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                            EntityIndex::Func(e.index)
                        }
                        wasmparser::ExternalKind::Table => EntityIndex::Table(e.index),
                        wasmparser::ExternalKind::Memory => EntityIndex::Memory(e.index),
                        wasmparser::ExternalKind::Global => EntityIndex::Global(e.index),
                        wasmparser::ExternalKind::Tag => EntityIndex::Tag(e.index),
                    };
                    m.exports.push((e.name.to_string(), idx));
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(*func),
            Payload::ElementSection(reader) => {
                for e in reader.clone() {
                    let e = e.map_err(wp_err)?;
                    let mode = match e.kind {
                        wasmparser::ElementKind::Passive => ElemMode::Passive,
                        wasmparser::ElementKind::Declared => ElemMode::Declared,
                        wasmparser::ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: ConstExpr::from_wasmparser(&offset_expr)?,
                        },
                    };
                    let mut items = Vec::new();
                    // Whether the items are references the collector follows.
                    let mut gc_refs = false;
                    match e.items {
                        wasmparser::ElementItems::Functions(r) => {
                            for f in r {
                                let f = f.map_err(wp_err)?;
                                items.push(ConstExpr {
                                    ops: vec![super::ConstOp::RefFunc(f)],
                                });
                            }
                        }
                        wasmparser::ElementItems::Expressions(ty, r) => {
                            let map = type_map(&m.sig_ids);
                            let t = val_type(wasmparser::ValType::Ref(ty), &map, 0)?;
                            gc_refs = m.engine.types().is_gc_ref(t);
                            for x in r {
                                items.push(ConstExpr::from_wasmparser(&x.map_err(wp_err)?)?);
                            }
                        }
                    }
                    m.elems.push(ElemSegment {
                        mode,
                        items,
                        gc_refs,
                    });
                }
            }
            Payload::DataSection(reader) => {
                for d in reader.clone() {
                    let d = d.map_err(wp_err)?;
                    let mode = match d.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataMode::Active {
                            memory: memory_index,
                            offset: ConstExpr::from_wasmparser(&offset_expr)?,
                        },
                    };
                    m.datas.push(DataSegment {
                        mode,
                        bytes: d.data.into(),
                    });
                }
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    read_names(&mut m, names);
                }
            }
            Payload::TagSection(reader) => {
                for t in reader.clone() {
                    let t = t.map_err(wp_err)?;
                    let t = tag_type(&m, t.func_type_idx);
                    m.tags.push(t);
                }
            }
            _ => {}
        }
        if let ValidPayload::Func(func, body) = valid {
            if lazy && m.lazy.is_none() {
                m.lazy = Some(LazySource {
                    bytes: binary.into(),
                    resources: func.resources.clone(),
                    features: func.features,
                });
            }
            let index = m.num_imported_funcs + (m.code.len() + pending.len()) as u32;
            pending.push(Pending { index, func, body });
        }
    }
    finish_code(&mut m, &mut pending, lazy)?;
    Ok(m)
}

/// A function body waiting to be validated (and compiled unless lazily).
struct Pending<'a> {
    index: u32,
    func: wasmparser::FuncToValidate<wasmparser::ValidatorResources>,
    body: wasmparser::FunctionBody<'a>,
}

/// Code sections smaller than this are done on the caller's thread.
const PARALLEL_MIN_BYTES: usize = 64 << 10;

/// Validates and compiles (only validates, when `lazy`) the `pending`
/// bodies and appends them to `m.code` in order; the first invalid body in
/// order is the error. Large code sections are shared out among threads
/// (`Config::compile_threads`), each taking the next body in turn.
fn finish_code(m: &mut ModuleInner, pending: &mut Vec<Pending<'_>>, lazy: bool) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Mutex, OnceLock};
    if pending.is_empty() {
        return Ok(());
    }
    let jobs = std::mem::take(pending);
    m.body_starts
        .extend(jobs.iter().map(|j| j.body.range().start as u32));
    let bytes: usize = jobs
        .iter()
        .map(|j| j.body.range().end - j.body.range().start)
        .sum::<u64>() as usize;
    let threads = match m.engine.config().compile_threads {
        _ if bytes < PARALLEL_MIN_BYTES => 1,
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(jobs.len());
    let shared: &ModuleInner = m;
    let jobs: Vec<Mutex<Option<Pending<'_>>>> =
        jobs.into_iter().map(|j| Mutex::new(Some(j))).collect();
    let done: Vec<OnceLock<Result<FuncCode>>> = jobs.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    // One thread's share: the next body in order, until none is left or one
    // was invalid (every body before it was claimed earlier and still
    // finishes).
    let work = || {
        let mut w = Worker::default();
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i).and_then(|j| j.lock().ok()?.take()) else {
                break;
            };
            let r = w.run(shared, job, lazy);
            if r.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            let _ = done[i].set(r);
        }
    };
    if threads <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }
    let results: Vec<Result<FuncCode>> = done.into_iter().map_while(OnceLock::into_inner).collect();
    for r in results {
        m.code.push(r?);
    }
    Ok(())
}

/// One thread's reusable validator and compiler allocations.
#[derive(Default)]
struct Worker {
    allocs: wasmparser::FuncValidatorAllocations,
    scratch: compile::Scratch,
}

impl Worker {
    fn run(&mut self, m: &ModuleInner, job: Pending<'_>, lazy: bool) -> Result<FuncCode> {
        let ty = job.func.ty;
        let mut fv = job.func.into_validator(std::mem::take(&mut self.allocs));
        let code = if lazy {
            // Validate now, compile on the first call.
            fv.validate(&job.body)
                .map_err(|e| in_function(wp_err(e), job.index))?;
            let r = job.body.range();
            FuncCode::lazy(r.start as usize..r.end as usize, ty)
        } else {
            FuncCode::compiled(m.compile_body(job.index, &job.body, &mut fv, &mut self.scratch)?)
        };
        self.allocs = fv.into_allocations();
        Ok(code)
    }
}

/// Reads the name section. Malformed name sections are ignored, as the spec
/// requires for custom sections.
fn read_names(m: &mut ModuleInner, names: wasmparser::NameSectionReader<'_>) {
    for name in names {
        let Ok(name) = name else { return };
        match name {
            wasmparser::Name::Module { name, .. } => m.name = Some(name.to_string()),
            wasmparser::Name::Function(map) => {
                for naming in map {
                    let Ok(n) = naming else { return };
                    m.func_names.insert(n.index, n.name.to_string());
                }
            }
            _ => {}
        }
    }
}
