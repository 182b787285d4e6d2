//! Descriptor metadata: `fd_fdstat_get`, `fd_fdstat_set_flags`,
//! `fd_fdstat_set_rights`, `fd_filestat_get`, `fd_filestat_set_size`,
//! `fd_filestat_set_times`, `fd_prestat_get`, `fd_prestat_dir_name`,
//! `fd_readdir`.
//!
//! Errnos, besides `EFAULT` (bad pointer) and `EBADF` (closed descriptor)
//! everywhere:
//! - `EBADF` from `fd_prestat_*` for a descriptor that is not a preopen;
//! - `ENAMETOOLONG` from `fd_prestat_dir_name` if the buffer is too small;
//! - `EINVAL` for unknown flag bits, `*_NOW` together with the explicit
//!   time, or size/times on a standard stream;
//! - `EISDIR` from `fd_filestat_set_size` on a directory;
//! - `ENOTDIR` from `fd_readdir` on anything but a directory;
//! - `ENOTCAPABLE` from `fd_fdstat_set_rights` when asked to add rights;
//! - any host I/O error, mapped to its errno.

use std::io::IsTerminal;
use std::os::unix::fs::DirEntryExt;
use std::time::{Duration, SystemTime};

use cap_std::fs::{FileTypeExt, Metadata, MetadataExt};

use crate::abi::{DIRENT_SIZE, FILESTAT_SIZE, fdflags, filetype, fstflags};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::mem::Mem;
use crate::table::{Desc, Entry, Stream};

/// WASI `filetype` of a host file type.
pub(crate) fn filetype_of(ty: cap_std::fs::FileType) -> u8 {
    if ty.is_dir() {
        filetype::DIRECTORY
    } else if ty.is_file() {
        filetype::REGULAR_FILE
    } else if ty.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if ty.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if ty.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if ty.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

/// A standard stream is a character device when it is a terminal.
fn stream_filetype(stream: &Stream) -> u8 {
    let tty = match stream {
        Stream::HostStdin => std::io::stdin().is_terminal(),
        Stream::HostStdout => std::io::stdout().is_terminal(),
        Stream::HostStderr => std::io::stderr().is_terminal(),
        Stream::Input(_) | Stream::Output(_) => false,
        Stream::Listener(_) | Stream::Tcp(_) => return filetype::SOCKET_STREAM,
    };
    if tty {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    }
}

/// Seconds and nanoseconds since the epoch as a WASI timestamp (clamped:
/// times before 1970 become 0).
fn timestamp(secs: i64, nsecs: i64) -> u64 {
    let ns = i128::from(secs) * 1_000_000_000 + i128::from(nsecs);
    u64::try_from(ns.max(0)).unwrap_or(u64::MAX)
}

/// Writes a `filestat` record for `meta` at `out`.
pub(crate) fn write_filestat(mem: &mut Mem<'_>, out: u32, meta: &Metadata) -> WasiResult {
    let mut rec = [0u8; FILESTAT_SIZE as usize];
    rec[0..8].copy_from_slice(&meta.dev().to_le_bytes());
    rec[8..16].copy_from_slice(&meta.ino().to_le_bytes());
    rec[16] = filetype_of(meta.file_type());
    rec[24..32].copy_from_slice(&meta.nlink().to_le_bytes());
    rec[32..40].copy_from_slice(&meta.len().to_le_bytes());
    let atim = timestamp(meta.atime(), meta.atime_nsec());
    let mtim = timestamp(meta.mtime(), meta.mtime_nsec());
    let ctim = timestamp(meta.ctime(), meta.ctime_nsec());
    rec[40..48].copy_from_slice(&atim.to_le_bytes());
    rec[48..56].copy_from_slice(&mtim.to_le_bytes());
    rec[56..64].copy_from_slice(&ctim.to_le_bytes());
    mem.write(out, &rec)
}

/// One time to set: now, or a given instant.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TimeSpec {
    /// The current time.
    Now,
    /// A fixed time.
    At(SystemTime),
}

impl TimeSpec {
    /// The instant, resolving `Now`.
    fn resolve(self) -> SystemTime {
        match self {
            TimeSpec::Now => SystemTime::now(),
            TimeSpec::At(t) => t,
        }
    }
}

/// Decodes the times of a `*_set_times` call: `(atime, mtime)`, each
/// `None` when it is to be left alone.
pub(crate) fn time_specs(
    atim: u64,
    mtim: u64,
    flags: u32,
) -> WasiResult<(Option<TimeSpec>, Option<TimeSpec>)> {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    if flags & !fstflags::ALL != 0 {
        return Err(Errno::Inval);
    }
    let one = |set: u16, now: u16, t: u64| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Errno::Inval),
        (true, false) => Ok(Some(TimeSpec::At(
            SystemTime::UNIX_EPOCH + Duration::from_nanos(t),
        ))),
        (false, true) => Ok(Some(TimeSpec::Now)),
        (false, false) => Ok(None),
    };
    Ok((
        one(fstflags::ATIM, fstflags::ATIM_NOW, atim)?,
        one(fstflags::MTIM, fstflags::MTIM_NOW, mtim)?,
    ))
}

/// `fd_fdstat_get(fd) -> fdstat`.
pub(crate) fn fd_fdstat_get(ctx: &mut WasiCtx, mem: &mut Mem<'_>, fd: u32, out: u32) -> WasiResult {
    let entry = ctx.fds.get(fd)?;
    let ty = match &entry.desc {
        Desc::Stream(s) => stream_filetype(s),
        Desc::File(f) => filetype_of(Metadata::from_file(f)?.file_type()),
        Desc::Dir { .. } => filetype::DIRECTORY,
    };
    let mut rec = [0u8; 24];
    rec[0] = ty;
    rec[2..4].copy_from_slice(&entry.flags.to_le_bytes());
    rec[8..16].copy_from_slice(&entry.rights_base.to_le_bytes());
    rec[16..24].copy_from_slice(&entry.rights_inheriting.to_le_bytes());
    mem.write(out, &rec)
}

/// `fd_fdstat_set_flags(fd, flags)`: `append` and the sync flags take
/// effect on later writes; `nonblock` makes a socket's calls return
/// `EAGAIN` instead of blocking (other descriptors record it only).
pub(crate) fn fd_fdstat_set_flags(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    flags: u32,
) -> WasiResult {
    let entry = ctx.fds.get(fd)?;
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    if flags & !fdflags::ALL != 0 {
        return Err(Errno::Inval);
    }
    let nonblock = flags & fdflags::NONBLOCK != 0;
    match &entry.desc {
        Desc::Stream(Stream::Listener(l)) => l.set_nonblocking(nonblock)?,
        Desc::Stream(Stream::Tcp(s)) => s.set_nonblocking(nonblock)?,
        _ => {}
    }
    entry.flags = flags;
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights can only shrink.
pub(crate) fn fd_fdstat_set_rights(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    base: u64,
    inheriting: u64,
) -> WasiResult {
    let entry = ctx.fds.get(fd)?;
    if base & !entry.rights_base != 0 || inheriting & !entry.rights_inheriting != 0 {
        return Err(Errno::Notcapable);
    }
    entry.rights_base = base;
    entry.rights_inheriting = inheriting;
    Ok(())
}

/// The metadata of an open descriptor (streams have none).
fn metadata(entry: &Entry) -> WasiResult<Option<Metadata>> {
    Ok(match &entry.desc {
        Desc::File(f) => Some(Metadata::from_file(f)?),
        Desc::Dir { dir, .. } => Some(dir.dir_metadata()?),
        Desc::Stream(_) => None,
    })
}

/// `fd_filestat_get(fd) -> filestat`. A standard stream reports only its
/// file type; every other field is 0.
pub(crate) fn fd_filestat_get(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    out: u32,
) -> WasiResult {
    let entry = ctx.fds.get(fd)?;
    match (metadata(entry)?, &entry.desc) {
        (Some(meta), _) => write_filestat(mem, out, &meta),
        (None, Desc::Stream(s)) => {
            let mut rec = [0u8; FILESTAT_SIZE as usize];
            rec[16] = stream_filetype(s);
            mem.write(out, &rec)
        }
        (None, _) => Err(Errno::Badf),
    }
}

/// `fd_filestat_set_size(fd, size)`: truncates or zero-extends.
pub(crate) fn fd_filestat_set_size(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    size: u64,
) -> WasiResult {
    match &ctx.fds.get(fd)?.desc {
        Desc::File(f) => Ok(f.set_len(size)?),
        Desc::Dir { .. } => Err(Errno::Isdir),
        Desc::Stream(_) => Err(Errno::Inval),
    }
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`.
pub(crate) fn fd_filestat_set_times(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> WasiResult {
    let (atime, mtime) = time_specs(atim, mtim, fst_flags)?;
    let mut times = std::fs::FileTimes::new();
    if let Some(t) = atime {
        times = times.set_accessed(t.resolve());
    }
    if let Some(t) = mtime {
        times = times.set_modified(t.resolve());
    }
    match &ctx.fds.get(fd)?.desc {
        Desc::File(f) => f.set_times(times)?,
        Desc::Dir { dir, .. } => dir.try_clone()?.into_std_file().set_times(times)?,
        Desc::Stream(_) => return Err(Errno::Inval),
    }
    Ok(())
}

/// The guest name of preopen `fd`.
fn preopen_name(ctx: &mut WasiCtx, fd: u32) -> WasiResult<&[u8]> {
    match &ctx.fds.get(fd)?.desc {
        Desc::Dir {
            preopen: Some(name),
            ..
        } => Ok(name),
        _ => Err(Errno::Badf),
    }
}

/// `fd_prestat_get(fd) -> prestat`: tag 0 (directory) and the length of
/// its guest name.
pub(crate) fn fd_prestat_get(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    out: u32,
) -> WasiResult {
    let len = u32::try_from(preopen_name(ctx, fd)?.len()).map_err(|_| Errno::Nametoolong)?;
    let mut rec = [0u8; 8];
    rec[4..8].copy_from_slice(&len.to_le_bytes());
    mem.write(out, &rec)
}

/// `fd_prestat_dir_name(fd, path, path_len)`: the guest name, without a
/// terminating NUL.
pub(crate) fn fd_prestat_dir_name(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    buf: u32,
    len: u32,
) -> WasiResult {
    let name = preopen_name(ctx, fd)?;
    if name.len() > len as usize {
        return Err(Errno::Nametoolong);
    }
    mem.write(buf, name)
}

/// One directory entry as `fd_readdir` reports it.
struct DirEntry {
    name: Vec<u8>,
    ino: u64,
    ty: u8,
}

/// The entries of `dir`: `.` and `..` first, then the rest sorted by name,
/// so cookies (indices into this list) stay valid across calls while the
/// directory is unchanged.
fn list(dir: &cap_std::fs::Dir) -> WasiResult<Vec<DirEntry>> {
    use std::os::unix::ffi::OsStrExt;
    let ino = |m: std::io::Result<Metadata>| m.map(|m| m.ino()).unwrap_or(0);
    let mut out = vec![
        DirEntry {
            name: b".".to_vec(),
            ino: ino(dir.dir_metadata()),
            ty: filetype::DIRECTORY,
        },
        DirEntry {
            name: b"..".to_vec(),
            ino: 0,
            ty: filetype::DIRECTORY,
        },
    ];
    let mut rest = Vec::new();
    for entry in dir.entries()? {
        let entry = entry?;
        rest.push(DirEntry {
            name: entry.file_name().as_bytes().to_vec(),
            ino: entry.ino(),
            ty: entry.file_type().map_or(filetype::UNKNOWN, filetype_of),
        });
    }
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    out.extend(rest);
    Ok(out)
}

/// `fd_readdir(fd, buf, buf_len, cookie) -> size`: entries from index
/// `cookie` on, each a 24-byte `dirent` (next cookie, inode, name length,
/// type) followed by the name. The last one is cut at `buf_len`; a result
/// equal to `buf_len` tells the guest to call again.
pub(crate) fn fd_readdir(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    buf: u32,
    buf_len: u32,
    cookie: u64,
    bufused: u32,
) -> WasiResult {
    let dir = ctx.fds.dir(fd)?;
    mem.check_array(buf, buf_len, 1)?;
    mem.check_array(bufused, 1, 4)?;
    let entries = list(dir)?;
    let mut out = Vec::new();
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, e) in entries.iter().enumerate().skip(start) {
        if out.len() >= buf_len as usize {
            break;
        }
        let namlen = u32::try_from(e.name.len()).map_err(|_| Errno::Nametoolong)?;
        let mut head = [0u8; DIRENT_SIZE as usize];
        head[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        head[8..16].copy_from_slice(&e.ino.to_le_bytes());
        head[16..20].copy_from_slice(&namlen.to_le_bytes());
        head[20] = e.ty;
        out.extend_from_slice(&head);
        out.extend_from_slice(&e.name);
    }
    out.truncate(buf_len as usize);
    mem.write(buf, &out)?;
    // At most `buf_len`, a u32.
    mem.write_u32(bufused, out.len() as u32)
}
