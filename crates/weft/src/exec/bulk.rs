//! Bulk memory and table operations, with the spec's bounds rules: every
//! range is checked before anything is written, and a zero-length access is
//! still out of bounds if its start lies past the end.

use crate::error::TrapKind;
use crate::runtime::memory::MemoryData;
use crate::runtime::shared;
use crate::runtime::table::TableData;
use std::sync::atomic::Ordering::Relaxed;

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
    let oob = TrapKind::MemoryOutOfBounds;
    if mems[dm].shared.is_some() || mems[sm].shared.is_some() {
        if s.checked_add(n).is_none_or(|e| e > mems[sm].byte_len())
            || d.checked_add(n).is_none_or(|e| e > mems[dm].byte_len())
        {
            return Err(oob);
        }
        return copy_shared(mems, dm, sm, d, s, n);
    }
    let src = range64(s, n, mems[sm].bytes.len()).ok_or(oob)?;
    let dst = range64(d, n, mems[dm].bytes.len()).ok_or(oob)?;
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

/// A bounds-checked `memory.copy` where either side is shared: through a
/// buffer a chunk at a time, from the end first when the ranges overlap
/// that way (as `memmove` does).
fn copy_shared(mems: &mut [MemoryData], dm: usize, sm: usize, d: u64, s: u64, n: u64) -> R<()> {
    const CHUNK: u64 = 4096;
    let mut buf = [0u8; CHUNK as usize];
    let backwards = d > s;
    let mut done = 0;
    while done < n {
        let k = (n - done).min(CHUNK);
        let at = if backwards { n - done - k } else { done };
        let chunk = &mut buf[..k as usize];
        read(&mems[sm], s + at, chunk)?;
        write(&mut mems[dm], d + at, chunk)?;
        done += k;
    }
    Ok(())
}

/// Reads `out.len()` bytes of `mem` at `at`.
fn read(mem: &MemoryData, at: u64, out: &mut [u8]) -> R<()> {
    let oob = TrapKind::MemoryOutOfBounds;
    match &mem.shared {
        Some(sh) => {
            let src = sh.range(at, out.len() as u64).ok_or(oob)?;
            shared::load_bytes(src, out);
        }
        None => out.copy_from_slice(
            &mem.bytes[range64(at, out.len() as u64, mem.bytes.len()).ok_or(oob)?],
        ),
    }
    Ok(())
}

/// Writes `src` into `mem` at `at`.
fn write(mem: &mut MemoryData, at: u64, src: &[u8]) -> R<()> {
    let oob = TrapKind::MemoryOutOfBounds;
    match &mem.shared {
        Some(sh) => shared::store_bytes(sh.range(at, src.len() as u64).ok_or(oob)?, src),
        None => {
            let r = range64(at, src.len() as u64, mem.bytes.len()).ok_or(oob)?;
            mem.bytes[r].copy_from_slice(src);
        }
    }
    Ok(())
}

pub(crate) fn memory_fill(mem: &mut MemoryData, d: u64, val: u8, n: u64) -> R<()> {
    let oob = TrapKind::MemoryOutOfBounds;
    match &mem.shared {
        Some(sh) => sh
            .range(d, n)
            .ok_or(oob)?
            .iter()
            .for_each(|b| b.store(val, Relaxed)),
        None => {
            let dst = range64(d, n, mem.bytes.len()).ok_or(oob)?;
            mem.bytes[dst].fill(val);
        }
    }
    Ok(())
}

pub(crate) fn memory_init(mem: &mut MemoryData, seg: &[u8], d: u64, s: u64, n: u64) -> R<()> {
    let oob = TrapKind::MemoryOutOfBounds;
    let src = range64(s, n, seg.len()).ok_or(oob)?;
    if d.checked_add(n).is_none_or(|e| e > mem.byte_len()) {
        return Err(oob);
    }
    write(mem, d, &seg[src])
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
