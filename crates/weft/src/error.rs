//! Errors and traps.
//!
//! Every fallible API returns [`Error`]: one boxed word, whose [`ErrorKind`]
//! says which stage failed. Traps are [`Trap`] values with the spec's message
//! and a wasm backtrace.

use std::fmt;

/// An error from any stage: decoding, validation, linking, instantiation,
/// execution (a [`Trap`]), a host function, or misuse of the API.
pub struct Error {
    kind: Box<ErrorKind>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The module is malformed or invalid (binary or text).
    Module(ModuleError),
    /// An import could not be resolved or had the wrong type.
    Link(LinkError),
    /// Instantiation failed for a reason other than a trap (e.g. a limit).
    Instantiate(String),
    /// Execution trapped.
    Trap(Trap),
    /// A wasm exception was thrown and no wasm handler caught it.
    Exception(crate::runtime::Exception),
    /// A host function returned an error.
    Host(Box<dyn std::error::Error + Send + Sync>),
    /// The embedding API was used wrongly (wrong types, foreign store handles...).
    Usage(String),
}

/// A module that failed to decode or validate.
#[derive(Debug, Clone)]
pub struct ModuleError {
    /// What is wrong, as reported by the decoder/validator.
    pub message: String,
    /// Byte offset in the binary, when known.
    pub offset: Option<usize>,
    /// The function (module function index) whose body is at fault, if any.
    pub func_index: Option<u32>,
    /// Whether the text format failed to parse (before any binary existed).
    pub text: bool,
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.text {
            return write!(f, "text format error: {}", self.message);
        }
        write!(f, "invalid module")?;
        if let Some(off) = self.offset {
            write!(f, " at offset {off:#x}")?;
        }
        if let Some(func) = self.func_index {
            write!(f, " in function {func}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why an import could not be satisfied.
#[derive(Debug, Clone)]
pub enum LinkError {
    /// No definition with that module and name.
    UnknownImport {
        /// Module name of the import.
        module: String,
        /// Field name of the import.
        name: String,
    },
    /// A definition exists but its type does not match the import.
    IncompatibleImportType {
        /// Module name of the import.
        module: String,
        /// Field name of the import.
        name: String,
        /// Expected and found types.
        detail: String,
    },
    /// A definition was given twice to a linker that does not allow shadowing.
    Duplicate {
        /// Module name of the definition.
        module: String,
        /// Field name of the definition.
        name: String,
    },
    /// The number of imports given to `Instance::new` is wrong.
    ImportCount {
        /// Imports the module declares.
        expected: usize,
        /// Imports given.
        given: usize,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::UnknownImport { module, name } => {
                write!(f, "unknown import: `{module}::{name}` has not been defined")
            }
            LinkError::IncompatibleImportType {
                module,
                name,
                detail,
            } => write!(
                f,
                "incompatible import type for `{module}::{name}`: {detail}"
            ),
            LinkError::Duplicate { module, name } => {
                write!(f, "`{module}::{name}` is already defined")
            }
            LinkError::ImportCount { expected, given } => {
                write!(f, "module needs {expected} imports but {given} were given")
            }
        }
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Error {
            kind: Box::new(kind),
        }
    }

    pub(crate) fn usage(msg: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage(msg.into()))
    }

    pub(crate) fn link(e: LinkError) -> Self {
        Error::new(ErrorKind::Link(e))
    }

    /// Creates an error that a host function returns to make the call fail.
    pub fn host(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::new(ErrorKind::Host(e.into()))
    }

    /// Which stage failed, and the details.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The uncaught wasm exception, if this error is one.
    pub fn as_exception(&self) -> Option<&crate::runtime::Exception> {
        match &*self.kind {
            ErrorKind::Exception(x) => Some(x),
            _ => None,
        }
    }

    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match &*self.kind {
            ErrorKind::Trap(t) => Some(t),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            ErrorKind::Module(e) => e.fmt(f),
            ErrorKind::Link(e) => e.fmt(f),
            ErrorKind::Instantiate(m) => write!(f, "instantiation failed: {m}"),
            ErrorKind::Trap(t) => t.fmt(f),
            ErrorKind::Exception(x) => x.fmt(f),
            ErrorKind::Host(e) => write!(f, "host error: {e}"),
            ErrorKind::Usage(m) => f.write_str(m),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

impl From<Trap> for Error {
    fn from(t: Trap) -> Self {
        Error::new(ErrorKind::Trap(t))
    }
}

impl From<LinkError> for Error {
    fn from(e: LinkError) -> Self {
        Error::link(e)
    }
}

impl From<ModuleError> for Error {
    fn from(e: ModuleError) -> Self {
        Error::new(ErrorKind::Module(e))
    }
}

/// The reason execution trapped. `Display` gives the spec's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapKind {
    /// `unreachable` was executed.
    Unreachable,
    /// A load or store outside linear memory, or a segment out of bounds.
    MemoryOutOfBounds,
    /// A table access out of bounds.
    TableOutOfBounds,
    /// `call_indirect` with an index outside the table.
    UndefinedElement,
    /// `call_indirect` on a null table entry.
    UninitializedElement,
    /// `call_indirect` whose callee has a different type.
    BadSignature,
    /// Signed division overflow.
    IntegerOverflow,
    /// Division or remainder by zero.
    IntegerDivisionByZero,
    /// Float-to-int truncation of NaN or an out-of-range value.
    BadConversionToInteger,
    /// The call stack (frames or value cells) hit its limit.
    StackOverflow,
    /// A null reference was used where a non-null one was needed.
    NullReference,
    /// `call_ref` or `return_call_ref` of a null function reference.
    NullFunctionReference,
    /// `throw_ref` of a null exception reference.
    NullExceptionReference,
    /// A struct access (`struct.get`, `struct.set`) through a null reference.
    NullStructReference,
    /// An array access through a null reference.
    NullArrayReference,
    /// `i31.get_s`/`i31.get_u` of a null reference.
    NullI31Reference,
    /// An array access or bulk array operation out of bounds.
    ArrayOutOfBounds,
    /// `ref.cast` of a value that is not of the target type.
    CastFailure,
    /// A GC allocation the heap cannot satisfy, even after a collection:
    /// the store's memory limit, or more than weft allocates at once.
    GcHeapExhausted,
    /// The store ran out of fuel.
    OutOfFuel,
    /// Execution was interrupted through an `InterruptHandle`.
    Interrupted,
    /// An atomic access at an address not a multiple of its size.
    UnalignedAtomic,
    /// `memory.atomic.wait*` on a memory that is not shared.
    ExpectedSharedMemory,
}

impl TrapKind {
    /// The spec's message for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::BadSignature => "indirect call type mismatch",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::IntegerDivisionByZero => "integer divide by zero",
            TrapKind::BadConversionToInteger => "invalid conversion to integer",
            TrapKind::StackOverflow => "call stack exhausted",
            TrapKind::NullReference => "null reference",
            TrapKind::NullFunctionReference => "null function reference",
            TrapKind::NullExceptionReference => "null exception reference",
            TrapKind::NullStructReference => "null structure reference",
            TrapKind::NullArrayReference => "null array reference",
            TrapKind::NullI31Reference => "null i31 reference",
            TrapKind::ArrayOutOfBounds => "out of bounds array access",
            TrapKind::CastFailure => "cast failure",
            TrapKind::GcHeapExhausted => "out of GC heap memory",
            TrapKind::OutOfFuel => "all fuel consumed",
            TrapKind::Interrupted => "interrupted",
            TrapKind::UnalignedAtomic => "unaligned atomic",
            TrapKind::ExpectedSharedMemory => "expected shared memory",
        }
    }
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// One frame of a wasm backtrace, innermost first.
#[derive(Debug, Clone)]
pub struct FrameInfo {
    /// The module's name (from the name section), if any.
    pub module_name: Option<String>,
    /// The function's index in its module.
    pub func_index: u32,
    /// The function's name from the name section, if any.
    pub func_name: Option<String>,
    /// The byte offset in the module binary of the instruction this frame
    /// is at (the trapping one in the innermost frame, the call in the
    /// others), when known.
    pub offset: Option<usize>,
    /// The same instruction's offset from the start of the function's
    /// body, when known.
    pub func_offset: Option<usize>,
    /// The instance the function belongs to.
    pub instance: Option<crate::Instance>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = &self.module_name {
            write!(f, "{m}!")?;
        }
        match &self.func_name {
            Some(n) => write!(f, "{n}")?,
            None => write!(f, "<wasm function {}>", self.func_index)?,
        }
        match self.offset {
            Some(o) => write!(f, " @ {o:#x}"),
            None => Ok(()),
        }
    }
}

/// A wasm trap: its kind and the wasm frames that were active.
#[derive(Debug, Clone)]
pub struct Trap {
    kind: TrapKind,
    backtrace: Vec<FrameInfo>,
}

impl Trap {
    pub(crate) fn new(kind: TrapKind, backtrace: Vec<FrameInfo>) -> Self {
        Trap { kind, backtrace }
    }

    /// Why execution trapped.
    pub fn kind(&self) -> TrapKind {
        self.kind
    }

    /// The spec's message for this trap.
    pub fn message(&self) -> &'static str {
        self.kind.message()
    }

    /// Active wasm frames at the trap, innermost first.
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.kind)?;
        if !self.backtrace.is_empty() {
            write!(f, "\nwasm backtrace:")?;
            for (i, fr) in self.backtrace.iter().enumerate() {
                write!(f, "\n  {i}: {fr}")?;
            }
        }
        Ok(())
    }
}

impl From<TrapKind> for Trap {
    fn from(kind: TrapKind) -> Self {
        Trap::new(kind, Vec::new())
    }
}

impl From<TrapKind> for Error {
    fn from(kind: TrapKind) -> Self {
        Error::from(Trap::from(kind))
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_word() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
