//! Decoding and validation: bytes in, [`Module`] out.
//!
//! One pass over the binary with `wasmparser`: each section is validated as
//! it is read, and each function body is validated operator by operator
//! while it is compiled (see [`crate::compile`]), so a body is read once.

pub(crate) mod const_expr;
mod parse;

pub(crate) use const_expr::{ConstExpr, ConstOp};
pub(crate) use parse::wp_err as parse_wp_err;

use crate::engine::{Engine, SigId};
use crate::error::Result;
use crate::exec::CompiledFunc;
use crate::types::{ExternType, FuncType, GlobalType, MemoryType, TableType, TagType};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// What an import or export refers to, by index space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    Tag(u32),
}

/// An import's declared type.
#[derive(Debug, Clone)]
pub(crate) enum ImportKind {
    /// Module type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    Tag(TagType),
}

#[derive(Debug, Clone)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

#[derive(Debug, Clone)]
pub(crate) enum ElemMode {
    Active { table: u32, offset: ConstExpr },
    Passive,
    Declared,
}

#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    pub mode: ElemMode,
    /// Each item is a constant expression producing a reference.
    pub items: Vec<ConstExpr>,
    /// Whether the items are of the `any` or `extern` hierarchies.
    pub gc_refs: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum DataMode {
    Active { memory: u32, offset: ConstExpr },
    Passive,
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    pub mode: DataMode,
    pub bytes: Box<[u8]>,
}

/// Everything decoded from one module, shared by all its instances.
#[derive(Debug)]
pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub name: Option<String>,
    /// The function type of each type index (empty for struct and array
    /// types: no function has one).
    pub types: Vec<FuncType>,
    /// The engine's canonical id of each type index.
    pub sig_ids: Vec<SigId>,
    /// The structure of each type index, with canonical ids inside.
    pub composites: Vec<crate::engine::Composite>,
    /// Type index of every function (imports first).
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
    pub num_imported_tags: u32,
    pub imports: Vec<Import>,
    pub tables: Vec<TableType>,
    /// Initialisers of the defined tables (`None`: every element null).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// All tags, imported first.
    pub tags: Vec<TagType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// Initialisers of the defined (non-imported) globals.
    pub global_inits: Vec<ConstExpr>,
    pub exports: Vec<(String, EntityIndex)>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// Code of the defined functions.
    pub code: Vec<FuncCode>,
    /// Where each defined function's body starts in the binary (its
    /// locals), so a frame can give its offset within the function.
    pub body_starts: Vec<u32>,
    /// The binary, kept for a debugger (`Config::debug_info` only).
    pub binary: Option<std::sync::Arc<[u8]>>,
    /// With `Config::lazy_compilation`: what compiling a body later needs.
    pub lazy: Option<LazySource>,
    pub func_names: HashMap<u32, String>,
}

/// The code of one defined function: compiled with the module, or on its
/// first call under `Config::lazy_compilation`.
#[derive(Debug)]
pub(crate) struct FuncCode {
    compiled: OnceLock<CompiledFunc>,
    /// The body's bytes in `LazySource::bytes` and its type index (as the
    /// validator numbers types), while it may still need compiling.
    body: Option<(Range<usize>, u32)>,
}

impl FuncCode {
    pub(crate) fn compiled(c: CompiledFunc) -> FuncCode {
        FuncCode {
            compiled: OnceLock::from(c),
            body: None,
        }
    }

    pub(crate) fn lazy(body: Range<usize>, ty: u32) -> FuncCode {
        FuncCode {
            compiled: OnceLock::new(),
            body: Some((body, ty)),
        }
    }
}

/// A copy of the binary and the validator's view of the module, for
/// compiling function bodies after the module was validated.
pub(crate) struct LazySource {
    pub bytes: Box<[u8]>,
    pub resources: wasmparser::ValidatorResources,
    pub features: wasmparser::WasmFeatures,
}

impl std::fmt::Debug for LazySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazySource")
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

impl ModuleInner {
    /// The compiled code of defined function `defined` if it has been
    /// compiled (always, unless compilation is lazy).
    #[inline(always)]
    pub(crate) fn compiled(&self, defined: u32) -> Option<&CompiledFunc> {
        self.code.get(defined as usize)?.compiled.get()
    }

    /// The compiled code of defined function `defined`, compiling it first
    /// if that has not happened yet (lazy compilation).
    #[inline]
    pub(crate) fn func_code(&self, defined: u32) -> Result<&CompiledFunc> {
        let f = self
            .code
            .get(defined as usize)
            .ok_or_else(|| crate::Error::usage("no such function"))?;
        match f.compiled.get() {
            Some(c) => Ok(c),
            None => self.compile_lazily(defined, f),
        }
    }

    /// Validates and compiles the body of function `func_index` (eagerly
    /// from `parse`, or on its first call); errors name the function.
    pub(crate) fn compile_body(
        &self,
        func_index: u32,
        body: &wasmparser::FunctionBody<'_>,
        validator: &mut wasmparser::FuncValidator<wasmparser::ValidatorResources>,
        scratch: &mut crate::compile::Scratch,
    ) -> Result<CompiledFunc> {
        let config = self.engine.config();
        let env = crate::compile::ModuleEnv {
            types: &self.types,
            sig_ids: &self.sig_ids,
            composites: &self.composites,
            funcs: &self.funcs,
            globals: &self.globals,
            memories: &self.memories,
            tables: &self.tables,
            tags: &self.tags,
            num_imported_funcs: self.num_imported_funcs,
            fuel: config.consume_fuel,
            interruptible: config.interruptible,
            debug: config.debug_info,
        };
        crate::compile::compile_function(&env, func_index, body, validator, scratch)
            .map_err(|e| parse::in_function(e, func_index))
    }

    #[cold]
    #[inline(never)]
    fn compile_lazily<'m>(&'m self, defined: u32, f: &'m FuncCode) -> Result<&'m CompiledFunc> {
        let (Some(src), Some((range, ty))) = (&self.lazy, &f.body) else {
            return Err(crate::Error::usage("function has no code to compile"));
        };
        let func_index = self.num_imported_funcs + defined;
        let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new_features(
            &src.bytes[range.clone()],
            range.start as u64,
            src.features,
        ));
        let mut validator = wasmparser::FuncToValidate {
            resources: src.resources.clone(),
            index: func_index,
            ty: *ty,
            features: src.features,
        }
        .into_validator(Default::default());
        let compiled = self.compile_body(
            func_index,
            &body,
            &mut validator,
            &mut crate::compile::Scratch::default(),
        )?;
        // Another thread may have compiled it meanwhile; either result is
        // the same code.
        let _ = f.compiled.set(compiled);
        f.compiled
            .get()
            .ok_or_else(|| crate::Error::usage("function failed to compile"))
    }

    pub(crate) fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.funcs[func_index as usize] as usize]
    }

    /// The type an import declares.
    pub(crate) fn import_type(&self, kind: &ImportKind) -> ExternType {
        match kind {
            ImportKind::Func(t) => ExternType::Func(self.types[*t as usize].clone()),
            ImportKind::Table(t) => ExternType::Table(*t),
            ImportKind::Memory(t) => ExternType::Memory(*t),
            ImportKind::Global(t) => ExternType::Global(*t),
            ImportKind::Tag(t) => ExternType::Tag(t.clone()),
        }
    }

    pub(crate) fn entity_type(&self, idx: EntityIndex) -> ExternType {
        match idx {
            EntityIndex::Func(i) => ExternType::Func(self.func_type(i).clone()),
            EntityIndex::Table(i) => ExternType::Table(self.tables[i as usize]),
            EntityIndex::Memory(i) => ExternType::Memory(self.memories[i as usize]),
            EntityIndex::Global(i) => ExternType::Global(self.globals[i as usize]),
            EntityIndex::Tag(i) => ExternType::Tag(self.tags[i as usize].clone()),
        }
    }
}

/// A validated and compiled WebAssembly module, ready to instantiate.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

impl Module {
    /// Compiles a module from binary or text (`.wat`) bytes.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        let binary = wat::parse_bytes(bytes).map_err(|e| crate::error::ModuleError {
            message: e.to_string(),
            offset: None,
            func_index: None,
            text: true,
        })?;
        Module::from_binary(engine, &binary)
    }

    /// Compiles a module from its binary encoding.
    pub fn from_binary(engine: &Engine, binary: &[u8]) -> Result<Module> {
        let inner = parse::parse(engine, binary)?;
        Ok(Module {
            inner: Arc::new(inner),
        })
    }

    /// Checks that `binary` (or text) is a valid module without keeping it.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        Module::new(engine, bytes).map(|_| ())
    }

    /// The module's name from the name section, if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }

    /// The module's imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType<'_>> + '_ {
        self.inner.imports.iter().map(move |imp| ImportType {
            module: &imp.module,
            name: &imp.name,
            ty: self.inner.import_type(&imp.kind),
        })
    }

    /// The module's exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType<'_>> + '_ {
        self.inner
            .exports
            .iter()
            .map(move |(name, idx)| ExportType {
                name,
                ty: self.inner.entity_type(*idx),
            })
    }

    /// weft's compiled code for defined function `index` (counting imports),
    /// one instruction per line; for debugging the compiler.
    #[doc(hidden)]
    pub fn disassemble(&self, func_index: u32) -> Option<String> {
        let defined = func_index.checked_sub(self.inner.num_imported_funcs)?;
        let f = self.inner.func_code(defined).ok()?;
        let mut out = format!(
            "func {func_index}: params {}, locals {}, frame {}\n",
            f.params, f.locals, f.frame_size
        );
        for (pc, op) in f.code.iter().enumerate() {
            out.push_str(&format!("{pc:5}: {:?}\n", op.instr_at(pc)));
        }
        Some(out)
    }

    /// The engine this module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }
}

/// An import of a [`Module`].
#[derive(Debug, Clone)]
pub struct ImportType<'m> {
    module: &'m str,
    name: &'m str,
    ty: ExternType,
}

impl<'m> ImportType<'m> {
    /// The module name of the import.
    pub fn module(&self) -> &'m str {
        self.module
    }
    /// The field name of the import.
    pub fn name(&self) -> &'m str {
        self.name
    }
    /// The expected type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}

/// An export of a [`Module`].
#[derive(Debug, Clone)]
pub struct ExportType<'m> {
    name: &'m str,
    ty: ExternType,
}

impl<'m> ExportType<'m> {
    /// The export's name.
    pub fn name(&self) -> &'m str {
        self.name
    }
    /// The exported item's type.
    pub fn ty(&self) -> ExternType {
        self.ty.clone()
    }
}
