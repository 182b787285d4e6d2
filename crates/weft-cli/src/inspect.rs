//! `weft inspect`: describe a module's contents, read with wasmparser.

use std::fmt::Write as _;
use std::path::Path;

use wasmparser::{ExternalKind, GlobalType, MemoryType, Parser, Payload, TableType, TypeRef};

use crate::CliError;

/// What `inspect` collects while walking the binary, one line per entry.
#[derive(Default)]
struct Summary {
    types: Vec<String>,
    imports: Vec<String>,
    functions: usize,
    exports: Vec<String>,
    memories: Vec<String>,
    tables: Vec<String>,
    globals: Vec<String>,
    start: Option<u32>,
    sections: Vec<(String, u64)>,
}

/// Prints the module's contents; returns the exit status.
pub(crate) fn inspect(file: &Path) -> Result<u8, CliError> {
    let bytes = crate::read_module(file)?;
    let summary =
        summarize(&bytes).map_err(|e| CliError::error(format!("{}: {e}", file.display())))?;
    print!(
        "{}",
        render(&file.display().to_string(), bytes.len(), &summary)
    );
    Ok(0)
}

fn summarize(bytes: &[u8]) -> Result<Summary, wasmparser::BinaryReaderError> {
    let mut s = Summary::default();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        if let Some((id, range)) = payload.as_section() {
            s.sections
                .push((section_name(id, &payload), range.end - range.start));
        }
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group?;
                    let rec = group.is_explicit_rec_group();
                    let n = group.types().len();
                    for (k, ty) in group.into_types().enumerate() {
                        // Members of an explicit `rec` group are marked with
                        // their place in it.
                        let mark = if rec {
                            format!(" (rec {}/{n})", k + 1)
                        } else {
                            String::new()
                        };
                        s.types
                            .push(format!("type[{}]:{mark} {}", s.types.len(), sub_type(&ty)));
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let desc = match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => format!("func (type {t})"),
                        TypeRef::Table(t) => format!("table {}", table(&t)),
                        TypeRef::Memory(m) => format!("memory {}", memory(&m)),
                        TypeRef::Global(g) => format!("global {}", global(&g)),
                        TypeRef::Tag(t) => format!("tag (type {})", t.func_type_idx),
                    };
                    s.imports.push(format!(
                        "import {:?} {:?}: {desc}",
                        import.module, import.name
                    ));
                }
            }
            Payload::FunctionSection(reader) => s.functions += reader.count() as usize,
            Payload::TableSection(reader) => {
                for t in reader {
                    s.tables
                        .push(format!("table[{}]: {}", s.tables.len(), table(&t?.ty)));
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    s.memories
                        .push(format!("memory[{}]: {}", s.memories.len(), memory(&m?)));
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    s.globals
                        .push(format!("global[{}]: {}", s.globals.len(), global(&g?.ty)));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let kind = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => "func",
                        ExternalKind::Table => "table",
                        ExternalKind::Memory => "memory",
                        ExternalKind::Global => "global",
                        ExternalKind::Tag => "tag",
                    };
                    s.exports
                        .push(format!("export {:?}: {kind} {}", export.name, export.index));
                }
            }
            Payload::StartSection { func, .. } => s.start = Some(func),
            _ => {}
        }
    }
    Ok(s)
}

fn section_name(id: u8, payload: &Payload<'_>) -> String {
    match payload {
        Payload::CustomSection(custom) => format!("custom {:?}", custom.name()),
        _ => match id {
            1 => "type",
            2 => "import",
            3 => "function",
            4 => "table",
            5 => "memory",
            6 => "global",
            7 => "export",
            8 => "start",
            9 => "element",
            10 => "code",
            11 => "data",
            12 => "datacount",
            13 => "tag",
            _ => "unknown",
        }
        .to_string(),
    }
}

fn limits(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) => format!("min {min} max {max}"),
        None => format!("min {min}"),
    }
}

fn table(t: &TableType) -> String {
    format!(
        "{} {}",
        ref_type(t.element_type),
        limits(t.initial, t.maximum)
    )
}

/// A type index as the text format writes it.
fn index(i: wasmparser::PackedIndex) -> String {
    match i.unpack() {
        wasmparser::UnpackedIndex::Module(i) => i.to_string(),
        wasmparser::UnpackedIndex::RecGroup(i) => format!("(rec-relative {i})"),
        other => format!("{other:?}"),
    }
}

/// A reference type in the text format's spelling: the short forms
/// (`funcref`, `anyref`, ...) for nullable abstract types, `(ref null? HT)`
/// otherwise, with concrete types by index.
fn ref_type(r: wasmparser::RefType) -> String {
    let heap = match r.heap_type() {
        wasmparser::HeapType::Concrete(i) => index_unpacked(i),
        wasmparser::HeapType::Exact(i) => format!("(exact {})", index_unpacked(i)),
        wasmparser::HeapType::Abstract { .. } => return r.to_string(),
    };
    if r.is_nullable() {
        format!("(ref null {heap})")
    } else {
        format!("(ref {heap})")
    }
}

fn index_unpacked(i: wasmparser::UnpackedIndex) -> String {
    match i {
        wasmparser::UnpackedIndex::Module(i) => i.to_string(),
        wasmparser::UnpackedIndex::RecGroup(i) => format!("(rec-relative {i})"),
        other => format!("{other:?}"),
    }
}

fn val_type(t: wasmparser::ValType) -> String {
    match t {
        wasmparser::ValType::Ref(r) => ref_type(r),
        t => t.to_string(),
    }
}

fn storage(f: &wasmparser::FieldType) -> String {
    let t = match f.element_type {
        wasmparser::StorageType::I8 => "i8".to_string(),
        wasmparser::StorageType::I16 => "i16".to_string(),
        wasmparser::StorageType::Val(v) => val_type(v),
    };
    if f.mutable { format!("(mut {t})") } else { t }
}

fn list(kw: &str, tys: &[wasmparser::ValType]) -> String {
    if tys.is_empty() {
        return String::new();
    }
    let items: Vec<String> = tys.iter().map(|t| val_type(*t)).collect();
    format!(" ({kw} {})", items.join(" "))
}

/// A type definition in the text format's spelling.
fn sub_type(t: &wasmparser::SubType) -> String {
    use wasmparser::CompositeInnerType as C;
    let body = match &t.composite_type.inner {
        C::Func(f) => format!(
            "(func{}{})",
            list("param", f.params()),
            list("result", f.results())
        ),
        C::Struct(st) => {
            let fields: Vec<String> = st
                .fields
                .iter()
                .map(|f| format!(" (field {})", storage(f)))
                .collect();
            format!("(struct{})", fields.concat())
        }
        C::Array(a) => format!("(array {})", storage(&a.0)),
        C::Cont(c) => format!("(cont {})", index(c.0)),
    };
    let shared = if t.composite_type.shared {
        format!("(shared {body})")
    } else {
        body
    };
    if t.is_final && t.supertype_idxs.is_empty() {
        return shared;
    }
    let supers: String = t
        .supertype_idxs
        .iter()
        .map(|i| format!(" {}", index(*i)))
        .collect();
    let fin = if t.is_final { " final" } else { "" };
    format!("(sub{fin}{supers} {shared})")
}

fn memory(m: &MemoryType) -> String {
    let mut text = format!("{} pages", limits(m.initial, m.maximum));
    if m.memory64 {
        text.push_str(" i64");
    }
    if m.shared {
        text.push_str(" shared");
    }
    if let Some(log2) = m.page_size_log2.filter(|&l| l != 16) {
        text.push_str(&format!(" (pagesize {})", 1u64 << log2.min(63)));
    }
    text
}

fn global(g: &GlobalType) -> String {
    if g.mutable {
        format!("mut {}", val_type(g.content_type))
    } else {
        format!("const {}", val_type(g.content_type))
    }
}

fn render(file: &str, size: usize, s: &Summary) -> String {
    let mut out = format!("{file}: {size} bytes\n");
    let lists = [
        ("types", &s.types),
        ("imports", &s.imports),
        ("exports", &s.exports),
        ("memories", &s.memories),
        ("tables", &s.tables),
        ("globals", &s.globals),
    ];
    for (title, items) in lists {
        let _ = writeln!(out, "{title} ({}):", items.len());
        for item in items {
            let _ = writeln!(out, "  {item}");
        }
    }
    let _ = writeln!(out, "functions: {}", s.functions);
    if let Some(start) = s.start {
        let _ = writeln!(out, "start: func {start}");
    }
    let _ = writeln!(out, "sections ({}):", s.sections.len());
    for (name, size) in &s.sections {
        let _ = writeln!(out, "  {name:<16} {size} bytes");
    }
    out
}
