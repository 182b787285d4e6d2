//! Exceptions as the host sees them. An exception is a heap object
//! (`gc::Object::Exn`: tag and payload cells), named by an `exnref` cell
//! like any GC reference and freed by the collector once unreachable.

use super::store::{AsContext, AsContextMut, StoreInner, Stored};
use super::tag::Tag;
use crate::error::FrameInfo;
use crate::value::{GcRef, Val, read_cells, write_cells};

/// A wasm exception that no wasm handler caught, as the host sees it
/// (`ErrorKind::Exception`). A host function called from wasm that returns
/// this error lets the exception go on unwinding into the wasm frames
/// below it.
#[derive(Debug, Clone)]
pub struct Exception {
    pub(crate) store: u64,
    /// The exception object (rooted while the host holds this).
    pub(crate) exn: GcRef,
    pub(crate) tag: u32,
    /// The tag (by an export name when some instance exports it) and
    /// the payload, for messages.
    description: String,
    /// The wasm frames it unwound, innermost first.
    pub(crate) backtrace: Vec<FrameInfo>,
}

impl Exception {
    /// Makes an exception with tag `tag` carrying `payload` (one value per
    /// tag parameter, of its type), for a host function to throw into the
    /// wasm code that called it: return it as the function's error
    /// (`Err(exception.into())`), and the wasm frames below the host call
    /// can catch it.
    pub fn new(
        mut store: impl AsContextMut,
        tag: Tag,
        payload: &[Val],
    ) -> crate::Result<Exception> {
        let s = &mut store.as_context_mut().inner;
        let t = s.check(tag.0, "tag")?;
        let ty = s.tags[t].ty.clone();
        if payload.len() != ty.params().len()
            || payload
                .iter()
                .zip(ty.params())
                .any(|(v, p)| !v.matches_in(s, *p))
        {
            return Err(crate::Error::usage(format!(
                "the payload does not match the tag's type {ty}"
            )));
        }
        let n: usize = ty.params().iter().map(|p| p.cells() as usize).sum();
        let mut cells = vec![0u64; n];
        write_cells(payload, &mut cells, s)?;
        let obj = crate::runtime::gc::Object::Exn {
            tag: t as u32,
            payload: cells.into_boxed_slice(),
            traced: s.tags[t].traced.clone(),
        };
        let cell = crate::runtime::gc::alloc_from_host(s, obj).map_err(crate::Error::from)?;
        Ok(Exception::in_flight(s, cell, t as u32, Vec::new()))
    }

    /// The host's view of exception object `cell` of store tag `tag`.
    pub(crate) fn in_flight(
        s: &StoreInner,
        cell: u64,
        tag: u32,
        backtrace: Vec<FrameInfo>,
    ) -> Exception {
        let mut x = Exception {
            store: s.id,
            exn: GcRef::new(s, cell),
            tag,
            description: String::new(),
            backtrace,
        };
        x.description = describe(s, &x);
        x
    }

    /// The wasm frames the exception unwound before it reached the host,
    /// innermost first (the throw, then each call it left).
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }

    /// The exception's tag.
    pub fn tag(&self) -> Tag {
        Tag(Stored {
            store: self.store,
            index: self.tag,
        })
    }

    /// The values the exception carries, in the tag's parameter order
    /// (empty if `store` is not the exception's store).
    pub fn payload(&self, store: impl AsContext) -> Vec<Val> {
        let s = &store.as_context().inner;
        if s.id != self.store {
            return Vec::new();
        }
        let (Some(crate::runtime::gc::Object::Exn { payload, .. }), Some(t)) =
            (s.heap.get(self.exn.bits()), s.tags.get(self.tag as usize))
        else {
            return Vec::new();
        };
        read_cells(t.ty.params(), payload, s).collect()
    }
}

impl From<Exception> for crate::Error {
    fn from(x: Exception) -> crate::Error {
        crate::Error::new(crate::ErrorKind::Exception(x))
    }
}

impl std::fmt::Display for Exception {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "uncaught wasm exception: {}", self.description)?;
        if !self.backtrace.is_empty() {
            write!(f, "\nwasm backtrace:")?;
            for (i, fr) in self.backtrace.iter().enumerate() {
                write!(f, "\n  {i}: {fr}")?;
            }
        }
        Ok(())
    }
}

/// `tag `NAME` (i32 7, ...)`: the tag by the first export name any
/// instance gives it (else its store index), and the payload.
fn describe(s: &StoreInner, x: &Exception) -> String {
    let name = s
        .instances
        .iter()
        .flat_map(|i| i.exports.iter())
        .find(|(_, e)| matches!(e, super::Extern::Tag(t) if t.0.index == x.tag))
        .map_or_else(|| format!("tag #{}", x.tag), |(n, _)| format!("tag `{n}`"));
    let (Some(crate::runtime::gc::Object::Exn { payload, .. }), Some(t)) =
        (s.heap.get(x.exn.bits()), s.tags.get(x.tag as usize))
    else {
        return name;
    };
    let vals: Vec<String> = read_cells(t.ty.params(), payload, s)
        .map(|v| match v {
            Val::I32(v) => format!("i32 {v}"),
            Val::I64(v) => format!("i64 {v}"),
            Val::F32(b) => format!("f32 {}", f32::from_bits(b)),
            Val::F64(b) => format!("f64 {}", f64::from_bits(b)),
            Val::V128(b) => format!("v128 {b:#034x}"),
            Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => {
                "null".to_string()
            }
            _ => "ref".to_string(),
        })
        .collect();
    if vals.is_empty() {
        name
    } else {
        format!("{name} ({})", vals.join(", "))
    }
}
