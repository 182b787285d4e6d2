//! Type objects: value, function, global, table, memory, extern, import
//! and export types. The four extern kinds are one Rust type
//! ([`wasm_externtype_t`]), so `wasm_functype_as_externtype` and its
//! inverses return the same pointer; each keeps the C views its getters
//! hand out (valtype vectors, limits) next to weft's type.

use weft::{ExternType, FuncType, GlobalType, MemoryType, Mutability, TableType, ValType};

use crate::vec::{WasmVec, declare_vec, wasm_name_t};

pub const WASM_I32: u8 = 0;
pub const WASM_I64: u8 = 1;
pub const WASM_F32: u8 = 2;
pub const WASM_F64: u8 = 3;
pub const WEFT_V128: u8 = 4;
pub const WASM_EXTERNREF: u8 = 128;
pub const WASM_FUNCREF: u8 = 129;
pub const WEFT_ANYREF: u8 = 130;
pub const WEFT_EXNREF: u8 = 131;

pub const WASM_EXTERN_FUNC: u8 = 0;
pub const WASM_EXTERN_GLOBAL: u8 = 1;
pub const WASM_EXTERN_TABLE: u8 = 2;
pub const WASM_EXTERN_MEMORY: u8 = 3;
pub const WEFT_EXTERN_TAG: u8 = 4;

/// The C kind of a weft value type: a reference's kind is its hierarchy's.
pub(crate) fn kind_of(ty: ValType) -> u8 {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => WEFT_V128,
        // A reference's hierarchy is the one its null value belongs to.
        ValType::Ref(_) => match weft::Val::default_for(ty) {
            weft::Val::FuncRef(_) => WASM_FUNCREF,
            weft::Val::ExternRef(_) => WASM_EXTERNREF,
            weft::Val::ExnRef(_) => WEFT_EXNREF,
            _ => WEFT_ANYREF,
        },
    }
}

/// The weft type of a C kind the standard defines.
fn type_of_kind(kind: u8) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WASM_EXTERNREF => ValType::EXTERNREF,
        WASM_FUNCREF => ValType::FUNCREF,
        _ => return None,
    })
}

/// `wasm_valtype_t`.
#[derive(Debug, Clone)]
pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

pub(crate) fn valtype_vec(types: &[ValType]) -> WasmVec<Option<Box<wasm_valtype_t>>> {
    WasmVec::from_vec(
        types
            .iter()
            .map(|&ty| Some(Box::new(wasm_valtype_t { ty })))
            .collect(),
    )
}

/// `wasm_limits_t`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct wasm_limits_t {
    pub min: u32,
    pub max: u32,
}

const NO_MAX: u32 = u32::MAX;

fn limits(min: u64, max: Option<u64>) -> wasm_limits_t {
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    wasm_limits_t {
        min: clamp(min),
        max: max.map_or(NO_MAX, clamp),
    }
}

fn max_of(l: &wasm_limits_t) -> Option<u32> {
    (l.max != NO_MAX).then_some(l.max)
}

/// The function-type view: weft's type and the two vectors C reads.
#[derive(Debug)]
pub struct FuncTypeView {
    pub(crate) ty: FuncType,
    params: WasmVec<Option<Box<wasm_valtype_t>>>,
    results: WasmVec<Option<Box<wasm_valtype_t>>>,
}

impl FuncTypeView {
    pub(crate) fn new(ty: FuncType) -> Self {
        FuncTypeView {
            params: valtype_vec(ty.params()),
            results: valtype_vec(ty.results()),
            ty,
        }
    }
}

/// Any extern type; `wasm_functype_t` and the others are this type.
#[derive(Debug)]
pub enum wasm_externtype_t {
    Func(FuncTypeView),
    Global {
        ty: GlobalType,
        content: wasm_valtype_t,
    },
    Table {
        ty: TableType,
        element: wasm_valtype_t,
        limits: wasm_limits_t,
    },
    Memory {
        ty: MemoryType,
        limits: wasm_limits_t,
    },
    /// An exception tag (weft.h's `WEFT_EXTERN_TAG`), with its parameters
    /// as a function type's.
    Tag(FuncTypeView),
}

pub type wasm_functype_t = wasm_externtype_t;
pub type wasm_globaltype_t = wasm_externtype_t;
pub type wasm_tabletype_t = wasm_externtype_t;
pub type wasm_memorytype_t = wasm_externtype_t;

impl wasm_externtype_t {
    pub(crate) fn new(ty: &ExternType) -> Self {
        match ty {
            ExternType::Func(f) => wasm_externtype_t::Func(FuncTypeView::new(f.clone())),
            ExternType::Global(g) => wasm_externtype_t::Global {
                ty: *g,
                content: wasm_valtype_t { ty: g.content() },
            },
            ExternType::Table(t) => wasm_externtype_t::Table {
                ty: *t,
                element: wasm_valtype_t { ty: t.element() },
                limits: limits(t.minimum(), t.maximum()),
            },
            ExternType::Memory(m) => wasm_externtype_t::Memory {
                ty: *m,
                limits: limits(m.minimum(), m.maximum()),
            },
            ExternType::Tag(t) => wasm_externtype_t::Tag(FuncTypeView::new(t.func_type().clone())),
        }
    }

    pub(crate) fn to_weft(&self) -> Option<ExternType> {
        Some(match self {
            wasm_externtype_t::Func(f) => ExternType::Func(f.ty.clone()),
            wasm_externtype_t::Global { ty, .. } => ExternType::Global(*ty),
            wasm_externtype_t::Table { ty, .. } => ExternType::Table(*ty),
            wasm_externtype_t::Memory { ty, .. } => ExternType::Memory(*ty),
            wasm_externtype_t::Tag(_) => return None,
        })
    }

    pub(crate) fn kind(&self) -> u8 {
        match self {
            wasm_externtype_t::Func(_) => WASM_EXTERN_FUNC,
            wasm_externtype_t::Global { .. } => WASM_EXTERN_GLOBAL,
            wasm_externtype_t::Table { .. } => WASM_EXTERN_TABLE,
            wasm_externtype_t::Memory { .. } => WASM_EXTERN_MEMORY,
            wasm_externtype_t::Tag(_) => WEFT_EXTERN_TAG,
        }
    }

    pub(crate) fn func(&self) -> Option<&FuncTypeView> {
        match self {
            wasm_externtype_t::Func(f) => Some(f),
            _ => None,
        }
    }
}

impl Clone for wasm_externtype_t {
    fn clone(&self) -> Self {
        match self {
            wasm_externtype_t::Tag(f) => wasm_externtype_t::Tag(FuncTypeView::new(f.ty.clone())),
            other => wasm_externtype_t::new(&other.to_weft().expect("not a tag")),
        }
    }
}

// ---- value types ----------------------------------------------------------

declare_vec!(
    Option<Box<wasm_valtype_t>>,
    wasm_valtype_vec_new_empty,
    wasm_valtype_vec_new_uninitialized,
    wasm_valtype_vec_new,
    wasm_valtype_vec_copy,
    wasm_valtype_vec_delete
);

/// A value type of a standard kind; null (and an error) for other kinds.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_valtype_new(kind: u8) -> Option<Box<wasm_valtype_t>> {
    match type_of_kind(kind) {
        Some(ty) => Some(Box::new(wasm_valtype_t { ty })),
        None => {
            crate::set_error(format!("wasm_valtype_new: unknown value kind {kind}"));
            None
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_valtype_kind(t: Option<&wasm_valtype_t>) -> u8 {
    let Some(t) = t else {
        return crate::null_arg("wasm_valtype_kind", "t", 0);
    };
    kind_of(t.ty)
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_valtype_delete(_: Option<Box<wasm_valtype_t>>) {}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_valtype_copy(t: Option<&wasm_valtype_t>) -> Option<Box<wasm_valtype_t>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_valtype_copy", "t", None);
    };
    Some(Box::new(t.clone()))
}

// ---- function types -------------------------------------------------------

/// Takes the types out of an owned valtype vector; `None` if one is null.
fn take_types(v: Option<&mut WasmVec<Option<Box<wasm_valtype_t>>>>) -> Option<Vec<ValType>> {
    let Some(v) = v else {
        return Some(Vec::new());
    };
    v.take().into_iter().map(|t| t.map(|t| t.ty)).collect()
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_functype_new(
    params: Option<&mut WasmVec<Option<Box<wasm_valtype_t>>>>,
    results: Option<&mut WasmVec<Option<Box<wasm_valtype_t>>>>,
) -> Option<Box<wasm_functype_t>> {
    let (p, r) = (take_types(params), take_types(results));
    match (p, r) {
        (Some(p), Some(r)) => Some(Box::new(wasm_externtype_t::Func(FuncTypeView::new(
            FuncType::new(p, r),
        )))),
        _ => {
            crate::set_error("wasm_functype_new: a value type is null");
            None
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_functype_params(
    t: Option<&wasm_functype_t>,
) -> Option<&WasmVec<Option<Box<wasm_valtype_t>>>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_functype_params", "t", None);
    };
    t.func().map(|f| &f.params)
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_functype_results(
    t: Option<&wasm_functype_t>,
) -> Option<&WasmVec<Option<Box<wasm_valtype_t>>>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_functype_results", "t", None);
    };
    t.func().map(|f| &f.results)
}

// ---- global, table, memory types --------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn wasm_globaltype_new(
    content: Option<Box<wasm_valtype_t>>,
    mutability: u8,
) -> Option<Box<wasm_globaltype_t>> {
    let content = content?;
    let m = match mutability {
        0 => Mutability::Const,
        1 => Mutability::Var,
        _ => {
            crate::set_error(format!("wasm_globaltype_new: bad mutability {mutability}"));
            return None;
        }
    };
    let ty = GlobalType::new(content.ty, m);
    Some(Box::new(wasm_externtype_t::new(&ExternType::Global(ty))))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_globaltype_content(
    t: Option<&wasm_globaltype_t>,
) -> Option<&wasm_valtype_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_globaltype_content", "t", None);
    };
    match t {
        wasm_externtype_t::Global { content, .. } => Some(content),
        _ => None,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_globaltype_mutability(t: Option<&wasm_globaltype_t>) -> u8 {
    let Some(t) = t else {
        return crate::null_arg("wasm_globaltype_mutability", "t", 0);
    };
    match t {
        wasm_externtype_t::Global { ty, .. } => u8::from(ty.mutability() == Mutability::Var),
        _ => 0,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_tabletype_new(
    element: Option<Box<wasm_valtype_t>>,
    limits: Option<&wasm_limits_t>,
) -> Option<Box<wasm_tabletype_t>> {
    let (element, limits) = (element?, limits?);
    if !element.ty.is_ref() {
        crate::set_error("wasm_tabletype_new: the element type is not a reference");
        return None;
    }
    let ty = TableType::new(element.ty, limits.min, max_of(limits));
    Some(Box::new(wasm_externtype_t::new(&ExternType::Table(ty))))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_tabletype_element(t: Option<&wasm_tabletype_t>) -> Option<&wasm_valtype_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_tabletype_element", "t", None);
    };
    match t {
        wasm_externtype_t::Table { element, .. } => Some(element),
        _ => None,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_tabletype_limits(t: Option<&wasm_tabletype_t>) -> Option<&wasm_limits_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_tabletype_limits", "t", None);
    };
    match t {
        wasm_externtype_t::Table { limits, .. } => Some(limits),
        _ => None,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_memorytype_new(
    limits: Option<&wasm_limits_t>,
) -> Option<Box<wasm_memorytype_t>> {
    let limits = limits?;
    let ty = MemoryType::new(limits.min, max_of(limits));
    Some(Box::new(wasm_externtype_t::new(&ExternType::Memory(ty))))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_memorytype_limits(t: Option<&wasm_memorytype_t>) -> Option<&wasm_limits_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_memorytype_limits", "t", None);
    };
    match t {
        wasm_externtype_t::Memory { limits, .. } => Some(limits),
        _ => None,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_externtype_kind(t: Option<&wasm_externtype_t>) -> u8 {
    let Some(t) = t else {
        return crate::null_arg("wasm_externtype_kind", "t", 0);
    };
    t.kind()
}

/// Declares delete, copy and the vector functions of one extern-type view,
/// and its in-place conversions to and from `wasm_externtype_t`.
macro_rules! type_view {
    ($kind:expr, $delete:ident, $copy:ident, [$($vec:ident),*],
     $as_ext:ident, $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $delete(_: Option<Box<wasm_externtype_t>>) {}

        #[unsafe(no_mangle)]
        pub extern "C" fn $copy(t: Option<&wasm_externtype_t>) -> Option<Box<wasm_externtype_t>> {
            t.map(|t| Box::new(t.clone()))
        }

        declare_vec!(Option<Box<wasm_externtype_t>>, $($vec),*);

        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ext(t: Option<&mut wasm_externtype_t>) -> Option<&mut wasm_externtype_t> {
            t
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ext_const(t: Option<&wasm_externtype_t>) -> Option<&wasm_externtype_t> {
            t
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $from_ext(t: Option<&mut wasm_externtype_t>) -> Option<&mut wasm_externtype_t> {
            t.filter(|t| t.kind() == $kind)
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $from_ext_const(t: Option<&wasm_externtype_t>) -> Option<&wasm_externtype_t> {
            t.filter(|t| t.kind() == $kind)
        }
    };
}

type_view!(
    WASM_EXTERN_FUNC,
    wasm_functype_delete,
    wasm_functype_copy,
    [
        wasm_functype_vec_new_empty,
        wasm_functype_vec_new_uninitialized,
        wasm_functype_vec_new,
        wasm_functype_vec_copy,
        wasm_functype_vec_delete
    ],
    wasm_functype_as_externtype,
    wasm_functype_as_externtype_const,
    wasm_externtype_as_functype,
    wasm_externtype_as_functype_const
);
type_view!(
    WASM_EXTERN_GLOBAL,
    wasm_globaltype_delete,
    wasm_globaltype_copy,
    [
        wasm_globaltype_vec_new_empty,
        wasm_globaltype_vec_new_uninitialized,
        wasm_globaltype_vec_new,
        wasm_globaltype_vec_copy,
        wasm_globaltype_vec_delete
    ],
    wasm_globaltype_as_externtype,
    wasm_globaltype_as_externtype_const,
    wasm_externtype_as_globaltype,
    wasm_externtype_as_globaltype_const
);
type_view!(
    WASM_EXTERN_TABLE,
    wasm_tabletype_delete,
    wasm_tabletype_copy,
    [
        wasm_tabletype_vec_new_empty,
        wasm_tabletype_vec_new_uninitialized,
        wasm_tabletype_vec_new,
        wasm_tabletype_vec_copy,
        wasm_tabletype_vec_delete
    ],
    wasm_tabletype_as_externtype,
    wasm_tabletype_as_externtype_const,
    wasm_externtype_as_tabletype,
    wasm_externtype_as_tabletype_const
);
type_view!(
    WASM_EXTERN_MEMORY,
    wasm_memorytype_delete,
    wasm_memorytype_copy,
    [
        wasm_memorytype_vec_new_empty,
        wasm_memorytype_vec_new_uninitialized,
        wasm_memorytype_vec_new,
        wasm_memorytype_vec_copy,
        wasm_memorytype_vec_delete
    ],
    wasm_memorytype_as_externtype,
    wasm_memorytype_as_externtype_const,
    wasm_externtype_as_memorytype,
    wasm_externtype_as_memorytype_const
);

#[unsafe(no_mangle)]
pub extern "C" fn wasm_externtype_delete(_: Option<Box<wasm_externtype_t>>) {}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_externtype_copy(
    t: Option<&wasm_externtype_t>,
) -> Option<Box<wasm_externtype_t>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_externtype_copy", "t", None);
    };
    Some(Box::new(t.clone()))
}

declare_vec!(
    Option<Box<wasm_externtype_t>>,
    wasm_externtype_vec_new_empty,
    wasm_externtype_vec_new_uninitialized,
    wasm_externtype_vec_new,
    wasm_externtype_vec_copy,
    wasm_externtype_vec_delete
);

// ---- import and export types ------------------------------------------------

/// `wasm_importtype_t`.
#[derive(Debug, Clone)]
pub struct wasm_importtype_t {
    pub(crate) module: wasm_name_t,
    pub(crate) name: wasm_name_t,
    pub(crate) ty: Box<wasm_externtype_t>,
}

/// `wasm_exporttype_t`.
#[derive(Debug, Clone)]
pub struct wasm_exporttype_t {
    pub(crate) name: wasm_name_t,
    pub(crate) ty: Box<wasm_externtype_t>,
}

fn take_name(n: Option<&mut wasm_name_t>) -> Option<wasm_name_t> {
    n.map(|n| WasmVec::from_vec(n.take()))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_new(
    module: Option<&mut wasm_name_t>,
    name: Option<&mut wasm_name_t>,
    ty: Option<Box<wasm_externtype_t>>,
) -> Option<Box<wasm_importtype_t>> {
    let (module, name) = (take_name(module), take_name(name));
    Some(Box::new(wasm_importtype_t {
        module: module?,
        name: name?,
        ty: ty?,
    }))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_module(t: Option<&wasm_importtype_t>) -> Option<&wasm_name_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_importtype_module", "t", None);
    };
    Some(&t.module)
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_name(t: Option<&wasm_importtype_t>) -> Option<&wasm_name_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_importtype_name", "t", None);
    };
    Some(&t.name)
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_type(
    t: Option<&wasm_importtype_t>,
) -> Option<&wasm_externtype_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_importtype_type", "t", None);
    };
    Some(&t.ty)
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_delete(_: Option<Box<wasm_importtype_t>>) {}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_importtype_copy(
    t: Option<&wasm_importtype_t>,
) -> Option<Box<wasm_importtype_t>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_importtype_copy", "t", None);
    };
    Some(Box::new(t.clone()))
}

declare_vec!(
    Option<Box<wasm_importtype_t>>,
    wasm_importtype_vec_new_empty,
    wasm_importtype_vec_new_uninitialized,
    wasm_importtype_vec_new,
    wasm_importtype_vec_copy,
    wasm_importtype_vec_delete
);

#[unsafe(no_mangle)]
pub extern "C" fn wasm_exporttype_new(
    name: Option<&mut wasm_name_t>,
    ty: Option<Box<wasm_externtype_t>>,
) -> Option<Box<wasm_exporttype_t>> {
    let name = take_name(name);
    Some(Box::new(wasm_exporttype_t {
        name: name?,
        ty: ty?,
    }))
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_exporttype_name(t: Option<&wasm_exporttype_t>) -> Option<&wasm_name_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_exporttype_name", "t", None);
    };
    Some(&t.name)
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_exporttype_type(
    t: Option<&wasm_exporttype_t>,
) -> Option<&wasm_externtype_t> {
    let Some(t) = t else {
        return crate::null_arg("wasm_exporttype_type", "t", None);
    };
    Some(&t.ty)
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_exporttype_delete(_: Option<Box<wasm_exporttype_t>>) {}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_exporttype_copy(
    t: Option<&wasm_exporttype_t>,
) -> Option<Box<wasm_exporttype_t>> {
    let Some(t) = t else {
        return crate::null_arg("wasm_exporttype_copy", "t", None);
    };
    Some(Box::new(t.clone()))
}

declare_vec!(
    Option<Box<wasm_exporttype_t>>,
    wasm_exporttype_vec_new_empty,
    wasm_exporttype_vec_new_uninitialized,
    wasm_exporttype_vec_new,
    wasm_exporttype_vec_copy,
    wasm_exporttype_vec_delete
);

/// Writes a fresh extern type for `ty` to an out-parameter.
pub(crate) fn boxed(ty: &ExternType) -> Box<wasm_externtype_t> {
    Box::new(wasm_externtype_t::new(ty))
}
