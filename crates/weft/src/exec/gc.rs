//! The GC instructions, out of line and in safe code: every object access
//! goes through the heap's checked indices (`runtime/gc.rs`).

use super::view::{Ip, Regs};
use super::{Ctx, Frame};
use crate::code::{CAST_NULLABLE, GcOp, Instr, Slot, cast_heap_type};
use crate::engine::Composite;
use crate::engine::Registry;
use crate::error::TrapKind;
use crate::module::ModuleInner;
use crate::runtime::gc::{self, Object, i31_cell};
use crate::runtime::instance::InstanceData;
use crate::runtime::store::StoreInner;
use crate::types::{ConcreteType, HeapType};

/// Runs the `Instr::Gc` at `ip`. An allocation is a safepoint: it
/// collects first when the heap has grown past its threshold, and once
/// more before giving up when the heap is full.
#[inline(never)]
pub(super) fn gc_op_at(ip: Ip, regs: Regs, ctx: &mut Ctx<'_>) -> Result<(), TrapKind> {
    let ins = ip.instr();
    let Instr::Gc { op, .. } = *ins else {
        unreachable!("handler attached to the wrong instruction")
    };
    if !op.allocates() {
        return run(ins, regs, ctx);
    }
    if ctx.inner.heap.due() {
        collect_at(ctx, ip);
    }
    match run(ins, regs, ctx) {
        Err(TrapKind::GcHeapExhausted) => {
            collect_at(ctx, ip);
            run(ins, regs, ctx)
        }
        r => r,
    }
}

/// The exception object of a `throw` at `ip` of store tag `tag`, its
/// payload the `cells` cells at `args`; collects first when due (the
/// payload's references are in the throw's reference map).
pub(super) fn new_exception(
    ip: Ip,
    regs: Regs,
    ctx: &mut Ctx<'_>,
    tag: u32,
    args: Slot,
    cells: u32,
) -> Result<u64, TrapKind> {
    let size = u64::from(cells) * 8;
    if ctx.inner.heap.needs_collection(size) {
        collect_at(ctx, ip);
    }
    let obj = Object::Exn {
        tag,
        payload: (0..cells).map(|k| regs.get(args + k)).collect(),
        traced: ctx.inner.tags[tag as usize].traced.clone(),
    };
    gc::alloc(ctx.inner, obj)
}

/// A collection with the running activation's stack, the innermost frame
/// at `ip`.
fn collect_at(ctx: &mut Ctx<'_>, ip: Ip) {
    collect(ctx.inner, ctx.frames, ctx.stack, Some(ip));
}

/// Runs the garbage collector of a store whose wasm stack, if any, is
/// suspended in it (a host function running, or no wasm at all).
pub(crate) fn collect_garbage(inner: &mut StoreInner) {
    let stack = std::mem::take(&mut inner.call_stack);
    collect(inner, &stack.frames, &stack.cells, None);
    inner.call_stack = stack;
}

/// Marks from every root and sweeps: the reference cells of every wasm
/// frame of every activation (`frames` over `cells`, the innermost at
/// `current` if it is running, else at its call), and the store's globals,
/// tables, element segments, exceptions and host handles.
fn collect(inner: &mut StoreInner, frames: &[Frame], cells: &[u64], current: Option<Ip>) {
    let engine = inner.engine.clone();
    let reg = engine.types();
    let mut roots = Vec::new();
    frame_roots(inner, frames, cells, current, &mut roots);
    store_roots(inner, &reg, &mut roots);
    let garbage = inner.heap.collect(&roots, &reg);
    // Host values are dropped (their `Drop` may do anything, compile a
    // module on this engine say) after the registry's lock is released.
    drop(reg);
    drop(garbage);
}

/// The reference cells of the wasm frames, read off each function's
/// reference map at the safepoint the frame is at.
fn frame_roots(
    inner: &StoreInner,
    frames: &[Frame],
    cells: &[u64],
    current: Option<Ip>,
    out: &mut Vec<u64>,
) {
    for (k, f) in frames.iter().enumerate() {
        if f.ip.is_activation_end() {
            continue;
        }
        let module = &inner.instances[f.instance as usize].module;
        let Some(cf) = module.inner.compiled(f.func) else {
            continue;
        };
        if cf.refs.is_empty() {
            continue;
        }
        let ip = match current {
            Some(ip) if k + 1 == frames.len() => ip,
            _ => f.ip.back(),
        };
        let cell = |s: Slot| cells.get(f.fp + s as usize).copied();
        out.extend(cf.refs.locals.iter().filter_map(|&s| cell(s)));
        if let Some(slots) = ip.pc_in(cf).and_then(|pc| cf.refs.at(pc as u32)) {
            out.extend(slots.iter().filter_map(|&s| cell(s)));
        }
    }
}

/// The reference cells the store's objects hold.
fn store_roots(inner: &StoreInner, reg: &Registry, out: &mut Vec<u64>) {
    for g in &inner.globals {
        if reg.is_gc_ref(g.ty.content()) {
            out.push(g.value as u64);
        }
    }
    for t in &inner.tables {
        if reg.is_gc_ref(t.ty.element()) {
            out.extend_from_slice(&t.elems);
        }
    }
    for inst in &inner.instances {
        let segs = &inst.module.inner.elems;
        for (items, seg) in inst.elems.iter().zip(segs) {
            if seg.gc_refs {
                out.extend_from_slice(items);
            }
        }
    }
}

/// Runs an `Instr::Gc` (without collecting).
fn run(ins: &Instr, regs: Regs, ctx: &mut Ctx<'_>) -> Result<(), TrapKind> {
    let Instr::Gc { op, args, ty, x } = *ins else {
        unreachable!("handler attached to the wrong instruction")
    };
    let arg = |k: u32| regs.get(args + k);
    let ty = ConcreteType(ty);
    // The element size of the array operations, and the cells a value of
    // it takes.
    let elem = (x & 0xff) as u8;
    let vcells = if elem == 16 { 2 } else { 1 };
    let seg = x >> 8;
    match op {
        GcOp::RefI31 => regs.set(args, i31_cell(regs.u32(args))),
        GcOp::I31GetS | GcOp::I31GetU => {
            let r = arg(0);
            if r == 0 {
                return Err(TrapKind::NullI31Reference);
            }
            let v = if op == GcOp::I31GetS {
                ((r as u32 as i32) >> 1) as u32
            } else {
                (r as u32) >> 1
            };
            regs.set(args, u64::from(v));
        }
        GcOp::StructNew | GcOp::StructNewDefault => {
            let fields: Box<[u64]> = if op == GcOp::StructNew {
                (0..x).map(arg).collect()
            } else {
                vec![0; x as usize].into()
            };
            let r = gc::alloc(ctx.inner, Object::Struct { ty, fields })?;
            regs.set(args, r);
        }
        GcOp::StructGet
        | GcOp::StructGetS8
        | GcOp::StructGetU8
        | GcOp::StructGetS16
        | GcOp::StructGetU16
        | GcOp::StructGetV128 => {
            let f = struct_fields(ctx.inner, arg(0))?;
            let at = x as usize;
            let v = *f.get(at).ok_or(TrapKind::NullStructReference)?;
            let v = match op {
                GcOp::StructGetS8 => u64::from(v as u8 as i8 as i32 as u32),
                GcOp::StructGetU8 => u64::from(v as u8),
                GcOp::StructGetS16 => u64::from(v as u16 as i16 as i32 as u32),
                GcOp::StructGetU16 => u64::from(v as u16),
                GcOp::StructGetV128 => {
                    let hi = *f.get(at + 1).ok_or(TrapKind::NullStructReference)?;
                    regs.set(args + 1, hi);
                    v
                }
                _ => v,
            };
            regs.set(args, v);
        }
        GcOp::StructSet | GcOp::StructSetV128 => {
            let f = struct_fields_mut(ctx.inner, arg(0))?;
            let n = if op == GcOp::StructSetV128 { 2 } else { 1 };
            let dst = f
                .get_mut(x as usize..x as usize + n)
                .ok_or(TrapKind::NullStructReference)?;
            for (k, c) in dst.iter_mut().enumerate() {
                *c = arg(1 + k as u32);
            }
        }
        GcOp::ArrayNew | GcOp::ArrayNewDefault => {
            let (value, len) = if op == GcOp::ArrayNew {
                (regs_value(regs, args, vcells), regs.u32(args + vcells))
            } else {
                (0, regs.u32(args))
            };
            let mut data = ctx.inner.heap.zeroed(u64::from(len) * u64::from(elem))?;
            if value != 0 {
                let bytes = value.to_le_bytes();
                for chunk in data.chunks_exact_mut(usize::from(elem)) {
                    chunk.copy_from_slice(&bytes[..usize::from(elem)]);
                }
            }
            new_array(ctx.inner, regs, args, ty, elem, data)?;
        }
        GcOp::ArrayNewFixed => {
            let n = seg;
            let mut data = ctx.inner.heap.zeroed(u64::from(n) * u64::from(elem))?;
            for (k, chunk) in data.chunks_exact_mut(usize::from(elem)).enumerate() {
                let v = regs_value(regs, args + k as u32 * vcells, vcells);
                chunk.copy_from_slice(&v.to_le_bytes()[..usize::from(elem)]);
            }
            new_array(ctx.inner, regs, args, ty, elem, data)?;
        }
        GcOp::ArrayNewData => {
            let (s, n) = (u64::from(regs.u32(args)), u64::from(regs.u32(args + 1)));
            let bytes = n * u64::from(elem);
            let inst = &ctx.inner.instances[ctx.instance as usize];
            let src = data_bytes(inst, &ctx.module.inner, seg, s, bytes)?;
            let mut data = ctx.inner.heap.zeroed(bytes)?;
            data.copy_from_slice(src);
            new_array(ctx.inner, regs, args, ty, elem, data)?;
        }
        GcOp::ArrayNewElem => {
            let (s, n) = (regs.u32(args) as usize, regs.u32(args + 1) as usize);
            let items = &ctx.inner.instances[ctx.instance as usize].elems[seg as usize];
            let src = elem_items(items, s, n)?;
            let bytes: Vec<u8> = src.iter().flat_map(|c| c.to_le_bytes()).collect();
            let mut data = ctx.inner.heap.zeroed(bytes.len() as u64)?;
            data.copy_from_slice(&bytes);
            new_array(ctx.inner, regs, args, ty, 8, data)?;
        }
        GcOp::ArrayGet | GcOp::ArrayGetS | GcOp::ArrayGetU => {
            let (data, e) = array_data(ctx.inner, arg(0))?;
            let i = regs.u32(args + 1) as usize;
            let at = i.checked_mul(e).ok_or(TrapKind::ArrayOutOfBounds)?;
            let b = data.get(at..at + e).ok_or(TrapKind::ArrayOutOfBounds)?;
            let mut buf = [0u8; 16];
            buf[..e].copy_from_slice(b);
            let v = u128::from_le_bytes(buf);
            let v = match (op, e) {
                (GcOp::ArrayGetS, 1) => u128::from(v as u8 as i8 as i32 as u32),
                (GcOp::ArrayGetS, 2) => u128::from(v as u16 as i16 as i32 as u32),
                _ => v,
            };
            regs.set(args, v as u64);
            if e == 16 {
                regs.set(args + 1, (v >> 64) as u64);
            }
        }
        GcOp::ArraySet => {
            let v = regs_value(regs, args + 2, vcells);
            let (data, e) = array_data_mut(ctx.inner, arg(0))?;
            let i = regs.u32(args + 1) as usize;
            let at = i.checked_mul(e).ok_or(TrapKind::ArrayOutOfBounds)?;
            let b = data.get_mut(at..at + e).ok_or(TrapKind::ArrayOutOfBounds)?;
            b.copy_from_slice(&v.to_le_bytes()[..e]);
        }
        GcOp::ArrayLen => {
            let (data, e) = array_data(ctx.inner, arg(0))?;
            regs.set(args, (data.len() / e) as u64);
        }
        GcOp::ArrayFill => {
            let d = regs.u32(args + 1) as usize;
            let v = regs_value(regs, args + 2, vcells);
            let n = regs.u32(args + 2 + vcells) as usize;
            let (data, e) = array_data_mut(ctx.inner, arg(0))?;
            let dst = range(data.len() / e, d, n).map(|r| &mut data[r.start * e..r.end * e])?;
            let bytes = v.to_le_bytes();
            for chunk in dst.chunks_exact_mut(e) {
                chunk.copy_from_slice(&bytes[..e]);
            }
        }
        GcOp::ArrayCopy => {
            let (d, s, n) = (
                regs.u32(args + 1) as usize,
                regs.u32(args + 3) as usize,
                regs.u32(args + 4) as usize,
            );
            array_copy(ctx.inner, arg(0), d, arg(2), s, n)?;
        }
        GcOp::ArrayInitData => {
            let (d, s, n) = (
                regs.u32(args + 1) as usize,
                u64::from(regs.u32(args + 2)),
                regs.u32(args + 3) as usize,
            );
            let inst = &ctx.inner.instances[ctx.instance as usize];
            let Some(Object::Array { data, elem, .. }) = ctx.inner.heap.get_mut(arg(0)) else {
                return Err(TrapKind::NullArrayReference);
            };
            let e = usize::from(*elem);
            let dst = range(data.len() / e, d, n)?;
            let src = data_bytes(inst, &ctx.module.inner, seg, s, (n * e) as u64)?;
            data[dst.start * e..dst.end * e].copy_from_slice(src);
        }
        GcOp::ArrayInitElem => {
            let (d, s, n) = (
                regs.u32(args + 1) as usize,
                regs.u32(args + 2) as usize,
                regs.u32(args + 3) as usize,
            );
            let items = &ctx.inner.instances[ctx.instance as usize].elems[seg as usize];
            let Some(Object::Array { data, elem, .. }) = ctx.inner.heap.get_mut(arg(0)) else {
                return Err(TrapKind::NullArrayReference);
            };
            let e = usize::from(*elem);
            let dst = range(data.len() / e, d, n)?;
            let src = elem_items(items, s, n)?;
            for (chunk, c) in data[dst.start * e..dst.end * e]
                .chunks_exact_mut(e)
                .zip(src)
            {
                chunk.copy_from_slice(&c.to_le_bytes()[..e]);
            }
        }
    }
    Ok(())
}

/// A value of `cells` cells at `s`.
fn regs_value(regs: Regs, s: Slot, cells: u32) -> u128 {
    let lo = u128::from(regs.get(s));
    if cells == 2 {
        lo | (u128::from(regs.get(s + 1)) << 64)
    } else {
        lo
    }
}

fn new_array(
    store: &mut StoreInner,
    regs: Regs,
    args: Slot,
    ty: ConcreteType,
    elem: u8,
    data: Vec<u8>,
) -> Result<(), TrapKind> {
    let r = gc::alloc(
        store,
        Object::Array {
            ty,
            elem,
            data: data.into_boxed_slice(),
        },
    )?;
    regs.set(args, r);
    Ok(())
}

/// Bytes `s..s + n` of data segment `seg` of instance `inst` (empty once
/// dropped); out of its bounds is the spec's memory trap.
fn data_bytes<'a>(
    inst: &'a InstanceData,
    module: &'a ModuleInner,
    seg: u32,
    s: u64,
    n: u64,
) -> Result<&'a [u8], TrapKind> {
    let segment: &[u8] = if inst.datas_dropped[seg as usize] {
        &[]
    } else {
        &module.datas[seg as usize].bytes
    };
    s.checked_add(n)
        .filter(|&end| end <= segment.len() as u64)
        .map(|end| &segment[s as usize..end as usize])
        .ok_or(TrapKind::MemoryOutOfBounds)
}

/// Items `s..s + n` of an element segment; out of its bounds is the
/// spec's table trap.
fn elem_items(items: &[u64], s: usize, n: usize) -> Result<&[u64], TrapKind> {
    s.checked_add(n)
        .and_then(|end| items.get(s..end))
        .ok_or(TrapKind::TableOutOfBounds)
}

/// `start..start + n` if it lies within `0..len`.
fn range(len: usize, start: usize, n: usize) -> Result<std::ops::Range<usize>, TrapKind> {
    match start.checked_add(n) {
        Some(end) if end <= len => Ok(start..end),
        _ => Err(TrapKind::ArrayOutOfBounds),
    }
}

fn struct_fields(store: &StoreInner, r: u64) -> Result<&[u64], TrapKind> {
    match store.heap.get(r) {
        Some(Object::Struct { fields, .. }) => Ok(fields),
        _ => Err(TrapKind::NullStructReference),
    }
}

fn struct_fields_mut(store: &mut StoreInner, r: u64) -> Result<&mut [u64], TrapKind> {
    match store.heap.get_mut(r) {
        Some(Object::Struct { fields, .. }) => Ok(fields),
        _ => Err(TrapKind::NullStructReference),
    }
}

/// An array's bytes and element size.
fn array_data(store: &StoreInner, r: u64) -> Result<(&[u8], usize), TrapKind> {
    match store.heap.get(r) {
        Some(Object::Array { data, elem, .. }) => Ok((data, usize::from(*elem))),
        _ => Err(TrapKind::NullArrayReference),
    }
}

fn array_data_mut(store: &mut StoreInner, r: u64) -> Result<(&mut [u8], usize), TrapKind> {
    match store.heap.get_mut(r) {
        Some(Object::Array { data, elem, .. }) => Ok((data, usize::from(*elem))),
        _ => Err(TrapKind::NullArrayReference),
    }
}

/// `array.copy`: `n` elements from `src[s..]` to `dst[d..]` (the same
/// array or two of equal element size).
fn array_copy(
    store: &mut StoreInner,
    dst: u64,
    d: usize,
    src: u64,
    s: usize,
    n: usize,
) -> Result<(), TrapKind> {
    if dst == 0 || src == 0 {
        return Err(TrapKind::NullArrayReference);
    }
    let Some((a, b)) = store.heap.pair_mut(dst, src) else {
        return Err(TrapKind::NullArrayReference);
    };
    let Object::Array { data, elem, .. } = a else {
        return Err(TrapKind::NullArrayReference);
    };
    let e = usize::from(*elem);
    let dr = range(data.len() / e, d, n)?;
    match b {
        None => {
            let sr = range(data.len() / e, s, n)?;
            data.copy_within(sr.start * e..sr.end * e, dr.start * e);
        }
        Some(Object::Array { data: sd, .. }) => {
            let sr = range(sd.len() / e, s, n)?;
            data[dr.start * e..dr.end * e].copy_from_slice(&sd[sr.start * e..sr.end * e]);
        }
        Some(_) => return Err(TrapKind::NullArrayReference),
    }
    Ok(())
}

/// Whether reference cell `cell` is of heap type `target` (null passes when
/// `nullable`): `ref.test`, `ref.cast`, `br_on_cast` and host values
/// checked against a type. Null and `i31` are told by the bits, abstract
/// types by the object's kind, concrete types by the registry's display.
pub(crate) fn cell_matches(
    store: &StoreInner,
    reg: &Registry,
    cell: u64,
    target: HeapType,
    nullable: bool,
) -> bool {
    use HeapType as H;
    if cell == 0 {
        return nullable;
    }
    match target {
        H::Func | H::Extern | H::Any | H::Exn => true,
        H::NoFunc | H::NoExtern | H::None | H::NoExn => false,
        H::I31 => cell & 1 == 1,
        H::Eq => {
            cell & 1 == 1
                || matches!(
                    store.heap.get(cell),
                    Some(Object::Struct { .. } | Object::Array { .. })
                )
        }
        H::Struct => matches!(store.heap.get(cell), Some(Object::Struct { .. })),
        H::Array => matches!(store.heap.get(cell), Some(Object::Array { .. })),
        H::Concrete(c) => {
            let own = match reg.get(c).map(|i| &i.sub.composite) {
                Some(Composite::Func(_)) => match cell
                    .checked_sub(1)
                    .and_then(|i| store.funcs.get(i as usize))
                {
                    Some(f) => ConcreteType(f.sig()),
                    None => return false,
                },
                _ => match store.heap.get(cell) {
                    Some(Object::Struct { ty, .. } | Object::Array { ty, .. }) => *ty,
                    _ => return false,
                },
            };
            reg.is_subtype(own, c)
        }
    }
}

/// `ref.test`'s and `ref.cast`'s check of the value in slot `src`.
pub(super) fn test(store: &StoreInner, regs: Regs, src: Slot, ty: u32, flags: u8) -> bool {
    let reg = store.engine.types();
    let nullable = flags & CAST_NULLABLE != 0;
    cell_matches(store, &reg, regs.get(src), cast_heap_type(ty), nullable)
}
