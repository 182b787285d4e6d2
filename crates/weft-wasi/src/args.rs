//! Arguments and environment: `args_get`, `args_sizes_get`,
//! `environ_get`, `environ_sizes_get`.
//!
//! Errnos: `EFAULT` if an output pointer, the pointer array or the string
//! buffer does not fit in memory; `EOVERFLOW` if the sizes do not fit in
//! 32 bits (only for absurdly large host data).

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::mem::Mem;

/// Number of strings and total size of the NUL-terminated strings.
fn sizes(list: &[Vec<u8>]) -> WasiResult<(u32, u32)> {
    let count = u32::try_from(list.len()).map_err(|_| Errno::Overflow)?;
    let size: usize = list.iter().map(|s| s.len() + 1).sum();
    let size = u32::try_from(size).map_err(|_| Errno::Overflow)?;
    Ok((count, size))
}

/// Writes `list` as an array of pointers at `ptrs` into NUL-terminated
/// strings laid out back to back at `buf`.
fn write_list(mem: &mut Mem<'_>, list: &[Vec<u8>], ptrs: u32, buf: u32) -> WasiResult {
    let (count, size) = sizes(list)?;
    mem.check_array(ptrs, count, 4)?;
    mem.check_array(buf, size, 1)?;
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        mem.write_u32(ptrs + 4 * i as u32, at)?;
        mem.write(at, s)?;
        // In range: `check_array` covered all `size` bytes.
        at += s.len() as u32;
        mem.write_u8(at, 0)?;
        at += 1;
    }
    Ok(())
}

/// `args_get(argv, argv_buf)`: the command-line arguments.
pub(crate) fn args_get(ctx: &mut WasiCtx, mem: &mut Mem<'_>, argv: u32, buf: u32) -> WasiResult {
    write_list(mem, &ctx.args, argv, buf)
}

/// `args_sizes_get() -> (argc, argv_buf_size)`.
pub(crate) fn args_sizes_get(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    argc: u32,
    buf_size: u32,
) -> WasiResult {
    let (count, size) = sizes(&ctx.args)?;
    mem.write_u32(argc, count)?;
    mem.write_u32(buf_size, size)
}

/// `environ_get(environ, environ_buf)`: the `KEY=VALUE` strings.
pub(crate) fn environ_get(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    environ: u32,
    buf: u32,
) -> WasiResult {
    write_list(mem, &ctx.env, environ, buf)
}

/// `environ_sizes_get() -> (count, buf_size)`.
pub(crate) fn environ_sizes_get(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    count: u32,
    buf_size: u32,
) -> WasiResult {
    let (n, size) = sizes(&ctx.env)?;
    mem.write_u32(count, n)?;
    mem.write_u32(buf_size, size)
}
