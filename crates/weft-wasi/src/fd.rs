//! Descriptor I/O: `fd_read`, `fd_write`, `fd_pread`, `fd_pwrite`,
//! `fd_seek`, `fd_tell`, `fd_close`, `fd_renumber`, `fd_sync`,
//! `fd_datasync`, `fd_advise`, `fd_allocate`.
//!
//! Errnos, besides `EFAULT` (bad pointer or iovec) and `EBADF` (closed
//! descriptor) everywhere:
//! - `EBADF` also for reading a descriptor without the `fd_read` right or
//!   writing one without `fd_write` (a file opened read-only, stdin...);
//! - `EISDIR` for data operations on a directory, `EBADF` for `seek` and
//!   `tell` on one (it has no offset);
//! - `ESPIPE` for positioned operations (`pread`, `pwrite`, `seek`,
//!   `tell`, `advise`, `allocate`) on a standard stream;
//! - `EINVAL` for a bad `whence`, `advice`, a negative resulting offset,
//!   or syncing a standard stream;
//! - `EFBIG` when `offset + len` overflows in `fd_allocate`;
//! - any host I/O error, mapped to its errno.
//!
//! Transfers are capped at `u32::MAX` bytes per call (the size the guest
//! can be told). A short read or write ends the call; an error after some
//! bytes were transferred reports those bytes instead of the error.

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;

use crate::abi::{fdflags, rights};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::mem::Mem;
use crate::table::{Desc, Entry, Stream};

/// Reads the host's stdin unbuffered: what `poll_oneoff` reports
/// readable must not sit in a buffer of this process instead.
fn read_host_stdin(buf: &mut [u8]) -> std::io::Result<usize> {
    use std::os::fd::AsFd;
    loop {
        match rustix::io::read(std::io::stdin().as_fd(), &mut *buf) {
            Err(rustix::io::Errno::INTR) => continue,
            r => return Ok(r?),
        }
    }
}

/// Reads into `buf` from the current position of `entry`.
fn read_some(entry: &mut Entry, buf: &mut [u8]) -> WasiResult<usize> {
    if entry.rights_base & rights::FD_READ == 0 {
        return Err(if matches!(entry.desc, Desc::Dir { .. }) {
            Errno::Isdir
        } else {
            Errno::Badf
        });
    }
    Ok(match &mut entry.desc {
        Desc::Stream(Stream::HostStdin) => read_host_stdin(buf)?,
        Desc::Stream(Stream::Input(pipe)) => pipe.read(buf),
        Desc::Stream(Stream::Tcp(sock)) => sock.read(buf)?,
        Desc::Stream(_) => return Err(Errno::Badf),
        Desc::File(file) => file.read(buf)?,
        Desc::Dir { .. } => return Err(Errno::Isdir),
    })
}

/// Writes all of `bufs` at the current position (or the end, in append
/// mode) of `entry`.
fn write_all(entry: &mut Entry, bufs: &[&[u8]]) -> WasiResult {
    if entry.rights_base & rights::FD_WRITE == 0 {
        return Err(Errno::Badf);
    }
    match &mut entry.desc {
        Desc::Stream(Stream::HostStdout) => {
            let mut out = std::io::stdout().lock();
            bufs.iter().try_for_each(|b| out.write_all(b))?;
            out.flush()?;
        }
        Desc::Stream(Stream::HostStderr) => {
            let mut out = std::io::stderr().lock();
            bufs.iter().try_for_each(|b| out.write_all(b))?;
            out.flush()?;
        }
        Desc::Stream(Stream::Output(pipe)) => bufs.iter().for_each(|b| pipe.write(b)),
        Desc::Stream(Stream::Tcp(sock)) => bufs.iter().try_for_each(|b| sock.write_all(b))?,
        Desc::Stream(_) => return Err(Errno::Badf),
        Desc::File(file) => {
            if entry.flags & fdflags::APPEND != 0 {
                file.seek(SeekFrom::End(0))?;
            }
            bufs.iter().try_for_each(|b| file.write_all(b))?;
            sync_after_write(file, entry.flags)?;
        }
        Desc::Dir { .. } => return Err(Errno::Isdir),
    }
    Ok(())
}

/// Honours the `dsync`/`rsync`/`sync` flags after a write.
fn sync_after_write(file: &std::fs::File, flags: u16) -> WasiResult {
    if flags & fdflags::SYNC != 0 {
        file.sync_all()?;
    } else if flags & fdflags::DSYNC != 0 {
        file.sync_data()?;
    }
    Ok(())
}

/// The iovecs of a call, cut so that their total fits in a `u32`.
fn capped_iovecs(mem: &Mem<'_>, iovs: u32, iovs_len: u32) -> WasiResult<Vec<(u32, u32)>> {
    let mut room = u32::MAX;
    let mut out = mem.iovecs(iovs, iovs_len)?;
    for (_, len) in &mut out {
        *len = (*len).min(room);
        room -= *len;
    }
    Ok(out)
}

/// The regular file behind `fd` and its fdflags, for an operation at an
/// explicit position that needs the rights in `right` (0: none).
/// Errors: `ENOTDIR`/`EBADF` from the lookup, `EISDIR` for a directory,
/// `ESPIPE` for a stream, `EBADF` without the right.
fn positioned_file(ctx: &mut WasiCtx, fd: u32, right: u64) -> WasiResult<(&std::fs::File, u16)> {
    let entry = ctx.fds.get(fd)?;
    let file = match &entry.desc {
        Desc::File(file) => file,
        Desc::Dir { .. } => return Err(Errno::Isdir),
        Desc::Stream(_) => return Err(Errno::Spipe),
    };
    if entry.rights_base & right != right {
        return Err(Errno::Badf);
    }
    Ok((file, entry.flags))
}

/// `fd_read(fd, iovs) -> size`.
pub(crate) fn fd_read(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nread: u32,
) -> WasiResult {
    let entry = ctx.fds.get(fd)?;
    let iovs = capped_iovecs(mem, iovs, iovs_len)?;
    mem.check_array(nread, 1, 4)?;
    let mut total = 0u32;
    for (ptr, len) in iovs {
        match mem.fill(ptr, len, |buf| read_some(entry, buf))? {
            // `n <= len`, and the lengths were capped to sum to a u32.
            Ok(n) => {
                total += n as u32;
                if n < len as usize {
                    break;
                }
            }
            Err(_) if total > 0 => break,
            Err(e) => return Err(e),
        }
    }
    mem.write_u32(nread, total)
}

/// `fd_write(fd, iovs) -> size`.
pub(crate) fn fd_write(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    nwritten: u32,
) -> WasiResult {
    let entry = ctx.fds.get(fd)?;
    let iovs = capped_iovecs(mem, iovs, iovs_len)?;
    mem.check_array(nwritten, 1, 4)?;
    let mut bufs = Vec::with_capacity(iovs.len());
    let mut total = 0u32;
    for (ptr, len) in iovs {
        bufs.push(mem.slice(ptr, len)?);
        total += len;
    }
    let bufs: Vec<&[u8]> = bufs.iter().map(|b| &**b).collect();
    write_all(entry, &bufs)?;
    mem.write_u32(nwritten, total)
}

/// `fd_pread(fd, iovs, offset) -> size`: reads at `offset` without moving
/// the file position.
pub(crate) fn fd_pread(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nread: u32,
) -> WasiResult {
    let (file, _) = positioned_file(ctx, fd, rights::FD_READ)?;
    let iovs = capped_iovecs(mem, iovs, iovs_len)?;
    mem.check_array(nread, 1, 4)?;
    let mut total = 0u32;
    for (ptr, len) in iovs {
        let at = offset.checked_add(u64::from(total)).ok_or(Errno::Inval)?;
        match mem.fill(ptr, len, |buf| file.read_at(buf, at))? {
            Ok(n) => {
                total += n as u32;
                if n < len as usize {
                    break;
                }
            }
            Err(_) if total > 0 => break,
            Err(e) => return Err(e.into()),
        }
    }
    mem.write_u32(nread, total)
}

/// `fd_pwrite(fd, iovs, offset) -> size`: writes at `offset` without
/// moving the file position (also in append mode).
pub(crate) fn fd_pwrite(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    offset: u64,
    nwritten: u32,
) -> WasiResult {
    let (file, flags) = positioned_file(ctx, fd, rights::FD_WRITE)?;
    let iovs = capped_iovecs(mem, iovs, iovs_len)?;
    mem.check_array(nwritten, 1, 4)?;
    let mut total = 0u32;
    for (ptr, len) in iovs {
        let at = offset.checked_add(u64::from(total)).ok_or(Errno::Fbig)?;
        file.write_all_at(&mem.slice(ptr, len)?, at)?;
        total += len;
    }
    sync_after_write(file, flags)?;
    mem.write_u32(nwritten, total)
}

/// `fd_seek(fd, offset, whence) -> filesize`: `whence` is 0 (set), 1
/// (current) or 2 (end).
pub(crate) fn fd_seek(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    offset: i64,
    whence: u32,
    out: u32,
) -> WasiResult {
    let entry = ctx.fds.get(fd)?;
    let file = match &mut entry.desc {
        Desc::File(file) => file,
        // A directory has no file offset (as wasmtime and the WASI test
        // suite expect); streams are not seekable.
        Desc::Dir { .. } => return Err(Errno::Badf),
        _ => return Err(Errno::Spipe),
    };
    let pos = match whence {
        0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => return Err(Errno::Inval),
    };
    mem.check_array(out, 1, 8)?;
    let new = file.seek(pos)?;
    mem.write_u64(out, new)
}

/// `fd_tell(fd) -> filesize`: the current position.
pub(crate) fn fd_tell(ctx: &mut WasiCtx, mem: &mut Mem<'_>, fd: u32, out: u32) -> WasiResult {
    fd_seek(ctx, mem, fd, 0, 1, out)
}

/// `fd_close(fd)`. Closing a preopen or a standard stream is allowed.
pub(crate) fn fd_close(ctx: &mut WasiCtx, _mem: &mut Mem<'_>, fd: u32) -> WasiResult {
    ctx.fds.remove(fd).map(drop)
}

/// `fd_renumber(fd, to)`: moves `fd` to `to`, closing what `to` was.
/// Both must be open.
pub(crate) fn fd_renumber(ctx: &mut WasiCtx, _mem: &mut Mem<'_>, fd: u32, to: u32) -> WasiResult {
    if !ctx.fds.contains(fd) || !ctx.fds.contains(to) {
        return Err(Errno::Badf);
    }
    if fd != to {
        let entry = ctx.fds.remove(fd)?;
        ctx.fds.set(to, entry);
    }
    Ok(())
}

/// Syncs `fd`'s data (and metadata unless `data_only`).
fn sync(ctx: &mut WasiCtx, fd: u32, data_only: bool) -> WasiResult {
    let entry = ctx.fds.get(fd)?;
    match &entry.desc {
        Desc::File(file) if data_only => file.sync_data()?,
        Desc::File(file) => file.sync_all()?,
        Desc::Dir { dir, .. } => dir.try_clone()?.into_std_file().sync_all()?,
        Desc::Stream(_) => return Err(Errno::Inval),
    }
    Ok(())
}

/// `fd_sync(fd)`: flushes data and metadata to storage.
pub(crate) fn fd_sync(ctx: &mut WasiCtx, _mem: &mut Mem<'_>, fd: u32) -> WasiResult {
    sync(ctx, fd, false)
}

/// `fd_datasync(fd)`: flushes data to storage.
pub(crate) fn fd_datasync(ctx: &mut WasiCtx, _mem: &mut Mem<'_>, fd: u32) -> WasiResult {
    sync(ctx, fd, true)
}

/// `fd_advise(fd, offset, len, advice)`: checks its arguments; the advice
/// itself (0 normal ... 5 noreuse) is not passed on.
pub(crate) fn fd_advise(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    _offset: u64,
    _len: u64,
    advice: u32,
) -> WasiResult {
    positioned_file(ctx, fd, 0)?;
    if advice > 5 {
        return Err(Errno::Inval);
    }
    Ok(())
}

/// `fd_allocate(fd, offset, len)`: makes the file at least `offset + len`
/// bytes long.
pub(crate) fn fd_allocate(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    offset: u64,
    len: u64,
) -> WasiResult {
    let (file, _) = positioned_file(ctx, fd, rights::FD_WRITE)?;
    let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
    if end > file.metadata()?.len() {
        file.set_len(end)?;
    }
    Ok(())
}
