//! Bulk memory and table operations, with the spec's bounds rules: every
//! range is checked before anything is written, and a zero-length access is
//! still out of bounds if its start lies past the end.

use crate::error::TrapKind;
use crate::runtime::memory::MemoryData;
use crate::runtime::table::TableData;

type R<T> = Result<T, TrapKind>;

/// `start..start+n` as a range within `len`, if in bounds.
fn range(start: u32, n: u32, len: usize) -> Option<std::ops::Range<usize>> {
    range64(start.into(), n.into(), len)
}

/// [`range`] for 64-bit addresses and lengths (memory64).
fn range64(start: u64, n: u64, len: usize) -> Option<std::ops::Range<usize>> {
    let end = start.checked_add(n)?;
    (end <= len as u64).then_some(start as usize..end as usize)
}

/// `memory.copy` between store memories `dm` and `sm` (possibly the same).
pub(crate) fn memory_copy(
    mems: &mut [MemoryData],
    dm: usize,
    sm: usize,
    d: u64,
    s: u64,
    n: u64,
) -> R<()> {
    let src = range64(s, n, mems[sm].bytes.len()).ok_or(TrapKind::MemoryOutOfBounds)?;
    let dst = range64(d, n, mems[dm].bytes.len()).ok_or(TrapKind::MemoryOutOfBounds)?;
    if dm == sm {
        mems[dm].bytes.copy_within(src, dst.start);
    } else if dm < sm {
        let (a, b) = mems.split_at_mut(sm);
        a[dm].bytes[dst].copy_from_slice(&b[0].bytes[src]);
    } else {
        let (a, b) = mems.split_at_mut(dm);
        b[0].bytes[dst].copy_from_slice(&a[sm].bytes[src]);
    }
    Ok(())
}

pub(crate) fn memory_fill(mem: &mut [u8], d: u64, val: u8, n: u64) -> R<()> {
    let dst = range64(d, n, mem.len()).ok_or(TrapKind::MemoryOutOfBounds)?;
    mem[dst].fill(val);
    Ok(())
}

pub(crate) fn memory_init(mem: &mut [u8], seg: &[u8], d: u64, s: u64, n: u64) -> R<()> {
    let src = range64(s, n, seg.len()).ok_or(TrapKind::MemoryOutOfBounds)?;
    let dst = range64(d, n, mem.len()).ok_or(TrapKind::MemoryOutOfBounds)?;
    mem[dst].copy_from_slice(&seg[src]);
    Ok(())
}

pub(crate) fn table_init(table: &mut [u64], seg: &[u64], d: u32, s: u32, n: u32) -> R<()> {
    let src = range(s, n, seg.len()).ok_or(TrapKind::TableOutOfBounds)?;
    let dst = range(d, n, table.len()).ok_or(TrapKind::TableOutOfBounds)?;
    table[dst].copy_from_slice(&seg[src]);
    Ok(())
}

pub(crate) fn table_fill(table: &mut [u64], i: u32, val: u64, n: u32) -> R<()> {
    let dst = range(i, n, table.len()).ok_or(TrapKind::TableOutOfBounds)?;
    table[dst].fill(val);
    Ok(())
}

/// `table.copy` between store tables `dt` and `st` (possibly the same).
pub(crate) fn table_copy(
    tables: &mut [TableData],
    dt: usize,
    st: usize,
    d: u32,
    s: u32,
    n: u32,
) -> R<()> {
    let src = range(s, n, tables[st].elems.len()).ok_or(TrapKind::TableOutOfBounds)?;
    let dst = range(d, n, tables[dt].elems.len()).ok_or(TrapKind::TableOutOfBounds)?;
    if dt == st {
        tables[dt].elems.copy_within(src, dst.start);
    } else if dt < st {
        let (a, b) = tables.split_at_mut(st);
        a[dt].elems[dst].copy_from_slice(&b[0].elems[src]);
    } else {
        let (a, b) = tables.split_at_mut(dt);
        b[0].elems[dst].copy_from_slice(&a[st].elems[src]);
    }
    Ok(())
}
