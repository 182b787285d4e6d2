//! Paths under a directory descriptor: `path_open`,
//! `path_create_directory`, `path_remove_directory`, `path_unlink_file`,
//! `path_rename`, `path_filestat_get`, `path_filestat_set_times`,
//! `path_readlink`, `path_symlink`, `path_link`.
//!
//! Every path is resolved by `cap-std` relative to the directory handle:
//! a path that is absolute, climbs above the directory with `..`, or
//! follows a symlink leading outside it fails with `ENOTCAPABLE`, and so
//! does `path_symlink` with an absolute target.
//!
//! Errnos, besides `EFAULT` (bad pointer) and `EBADF` (closed descriptor)
//! everywhere:
//! - `ENOTDIR` if the descriptor is not a directory (or a path component
//!   is not one, from the host);
//! - `ENOTCAPABLE` for a path that would escape (see above);
//! - `EINVAL` for unknown `oflags`/`fdflags`/`fstflags` bits or a path
//!   containing NUL;
//! - `EINVAL` from `path_link` with `SYMLINK_FOLLOW` (links are never
//!   made through a symlink);
//! - `ENOTCAPABLE` from `path_open` when the directory lacks
//!   `path_open`, or `path_create_file` for `creat`, or
//!   `path_filestat_set_size` for `trunc` (rights dropped with
//!   `fd_fdstat_set_rights` stay dropped);
//! - `EISDIR` from `path_open` with `creat`, `trunc` or the `fd_write`
//!   right on a directory (other rights, the preopen's included, are a
//!   ceiling and still open it);
//! - `ENOTDIR` for a trailing slash on anything but a directory (a
//!   trailing slash follows the last symlink); `EISDIR` from
//!   `path_unlink_file` when it names a directory;
//! - `ELOOP` from `path_open` on a symlink without `SYMLINK_FOLLOW`;
//! - the host's errno otherwise: `ENOENT`, `EEXIST`, `ENOTEMPTY`, `ELOOP`
//!   (a symlink as last component without `SYMLINK_FOLLOW`), `EACCES`...

use std::path::{Path, PathBuf};

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::{Dir, OpenOptions};

use crate::abi::{LOOKUP_SYMLINK_FOLLOW, fdflags, oflags, rights};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::fd_meta::{TimeSpec, time_specs, write_filestat};
use crate::mem::Mem;
use crate::table::{Desc, Entry};

/// The directory `fd` and the path at `ptr`/`len` in guest memory.
fn dir_and_path<'c>(
    ctx: &'c WasiCtx,
    mem: &Mem<'_>,
    fd: u32,
    ptr: u32,
    len: u32,
) -> WasiResult<(&'c Dir, PathBuf)> {
    let dir = ctx.fds.dir(fd)?;
    Ok((dir, mem.path(ptr, len)?))
}

/// `path` without its trailing slashes, and whether it had any. A path
/// with a trailing slash names a directory: its last symlink is followed
/// and anything else there is `ENOTDIR`.
fn strip_slash(path: &Path) -> (&Path, bool) {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let kept = bytes.len() - bytes.iter().rev().take_while(|&&b| b == b'/').count();
    if kept == bytes.len() || kept == 0 {
        return (path, false);
    }
    (Path::new(std::ffi::OsStr::from_bytes(&bytes[..kept])), true)
}

/// For a path that had a trailing slash: `ENOTDIR` unless `path` (its
/// last symlink followed) is a directory; the host's errno if it is not
/// there.
fn must_be_dir(dir: &Dir, path: &Path) -> WasiResult {
    if dir.metadata(path)?.is_dir() {
        Ok(())
    } else {
        Err(Errno::Notdir)
    }
}

/// The parameters of `path_open` (nine of them).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpenArgs {
    pub fd: u32,
    pub dirflags: u32,
    pub path: u32,
    pub path_len: u32,
    pub oflags: u32,
    pub base: u64,
    pub inheriting: u64,
    pub fdflags: u32,
}

/// `path_open(fd, dirflags, path, oflags, rights_base, rights_inheriting,
/// fdflags) -> fd`. The new descriptor's rights are the requested ones
/// limited by the directory's inheriting rights: a ceiling, not a demand.
/// A file is opened for reading if they include `fd_read`/`fd_readdir` and
/// for writing if they include a writing right (or `trunc`/`append` asks
/// for it). A directory gives a directory descriptor, with `directory` or
/// without it, whatever other rights are asked for (the preopen's own,
/// `fd_datasync` included); `EISDIR` is for `creat`, `trunc` or `fd_write`
/// on one, as wasmtime. A non-directory path opened with `directory` is
/// `ENOTDIR`.
pub(crate) fn path_open(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    a: &OpenArgs,
    out: u32,
) -> WasiResult {
    let parent = ctx.fds.get_ref(a.fd)?;
    let Desc::Dir { dir, .. } = &parent.desc else {
        return Err(Errno::Notdir);
    };
    let path = mem.path(a.path, a.path_len)?;
    let of = u16::try_from(a.oflags).map_err(|_| Errno::Inval)?;
    let ff = u16::try_from(a.fdflags).map_err(|_| Errno::Inval)?;
    if of & !oflags::ALL != 0 || ff & !fdflags::ALL != 0 {
        return Err(Errno::Inval);
    }
    mem.check_array(out, 1, 4)?;
    // The directory's own rights bound what may be done through it (also
    // after `fd_fdstat_set_rights` dropped some).
    let mut need = rights::PATH_OPEN;
    if of & oflags::CREAT != 0 {
        need |= rights::PATH_CREATE_FILE;
    }
    if of & oflags::TRUNC != 0 {
        need |= rights::PATH_FILESTAT_SET_SIZE;
    }
    if parent.rights_base & need != need {
        return Err(Errno::Notcapable);
    }
    let base = a.base & parent.rights_inheriting;
    let inheriting = a.inheriting & parent.rights_inheriting;
    let follow = if a.dirflags & LOOKUP_SYMLINK_FOLLOW != 0 {
        FollowSymlinks::Yes
    } else {
        FollowSymlinks::No
    };
    let write = base & rights::WRITING != 0 || of & oflags::TRUNC != 0 || ff & fdflags::APPEND != 0;
    let read = base & rights::READING != 0 || !write;

    // A symlink as last component without `SYMLINK_FOLLOW` is not
    // opened, even for `directory` (cap-std would say ENOTDIR).
    if follow == FollowSymlinks::No
        && !strip_slash(&path).1
        && dir.symlink_metadata(&path).is_ok_and(|m| m.is_symlink())
    {
        return Err(Errno::Loop);
    }
    // Rust's standard library and the WASI test suite open directories
    // asking for the rights their preopen reports, writing ones included.
    let is_dir = of & oflags::DIRECTORY != 0 || {
        let meta = match follow {
            FollowSymlinks::Yes => dir.metadata(&path),
            FollowSymlinks::No => dir.symlink_metadata(&path),
        };
        meta.is_ok_and(|m| m.is_dir())
    };
    let desc = if is_dir {
        if of & oflags::CREAT != 0 && of & oflags::EXCL != 0 && of & oflags::DIRECTORY == 0 {
            return Err(Errno::Exist);
        }
        if of & (oflags::CREAT | oflags::TRUNC) != 0 {
            return Err(Errno::Isdir);
        }
        let opened = match follow {
            FollowSymlinks::Yes => dir.open_dir(&path)?,
            FollowSymlinks::No => dir.open_dir_nofollow(&path)?,
        };
        Desc::Dir {
            dir: opened,
            preopen: None,
        }
    } else {
        let (creat, excl) = (of & oflags::CREAT != 0, of & oflags::EXCL != 0);
        if creat && !write {
            // The host API cannot create without write access: create
            // first, then open read-only below.
            let mut create = OpenOptions::new();
            create.write(true).create_new(true);
            match dir.open_with(&path, &create) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !excl => {}
                Err(e) => return Err(e.into()),
            }
        }
        let mut options = OpenOptions::new();
        options
            .read(read)
            .write(write)
            .create(creat && write)
            .create_new(creat && excl && write)
            .truncate(of & oflags::TRUNC != 0)
            .follow(follow)
            .maybe_dir(true);
        let file = dir.open_with(&path, &options)?;
        if file.metadata()?.is_dir() {
            Desc::Dir {
                dir: Dir::from_std_file(file.into_std()),
                preopen: None,
            }
        } else {
            Desc::File(file.into_std())
        }
    };
    let mask = match desc {
        Desc::Dir { .. } => rights::DIR,
        _ => rights::FILE,
    };
    let fd = ctx.fds.insert(Entry {
        desc,
        rights_base: base & mask,
        rights_inheriting: inheriting,
        flags: ff,
    })?;
    mem.write_u32(out, fd)
}

/// `path_create_directory(fd, path)`.
pub(crate) fn path_create_directory(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult {
    let (dir, path) = dir_and_path(ctx, mem, fd, path, path_len)?;
    Ok(dir.create_dir(path)?)
}

/// `path_remove_directory(fd, path)`: the directory must be empty.
pub(crate) fn path_remove_directory(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult {
    let (dir, path) = dir_and_path(ctx, mem, fd, path, path_len)?;
    Ok(dir.remove_dir(path)?)
}

/// `path_unlink_file(fd, path)`: removes a file or a symlink (not what it
/// points to).
pub(crate) fn path_unlink_file(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> WasiResult {
    let (dir, path) = dir_and_path(ctx, mem, fd, path, path_len)?;
    let (bare, slash) = strip_slash(&path);
    if slash {
        // Only a directory could be named so, and it is not a file.
        must_be_dir(dir, bare)?;
        return Err(Errno::Isdir);
    }
    Ok(dir.remove_file_or_symlink(path)?)
}

/// `path_rename(fd, old_path, new_fd, new_path)`.
#[allow(clippy::too_many_arguments)] // the ABI's parameters, plus context and memory
pub(crate) fn path_rename(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> WasiResult {
    let (from_dir, from) = dir_and_path(ctx, mem, fd, old_path, old_len)?;
    let (to_dir, to) = dir_and_path(ctx, mem, new_fd, new_path, new_len)?;
    let (bare, slash) = strip_slash(&from);
    if (slash || strip_slash(&to).1) && !from_dir.symlink_metadata(bare)?.is_dir() {
        return Err(Errno::Notdir);
    }
    Ok(from_dir.rename(from, to_dir, to)?)
}

/// `path_link(old_fd, old_flags, old_path, new_fd, new_path)`: a hard link.
#[allow(clippy::too_many_arguments)] // the ABI's parameters, plus context and memory
pub(crate) fn path_link(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    old_fd: u32,
    old_flags: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> WasiResult {
    let (from_dir, from) = dir_and_path(ctx, mem, old_fd, old_path, old_len)?;
    let (to_dir, to) = dir_and_path(ctx, mem, new_fd, new_path, new_len)?;
    if old_flags & LOOKUP_SYMLINK_FOLLOW != 0 {
        // Hard links to a symlink's target are refused, as wasmtime does.
        return Err(Errno::Inval);
    }
    let (bare, slash) = strip_slash(&from);
    if slash {
        must_be_dir(from_dir, bare)?;
    }
    Ok(from_dir.hard_link(from, to_dir, to)?)
}

/// `path_symlink(old_path, fd, new_path)`: creates `new_path` pointing to
/// `old_path` (a relative target; an absolute one is `ENOTCAPABLE`).
pub(crate) fn path_symlink(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    old_path: u32,
    old_len: u32,
    fd: u32,
    new_path: u32,
    new_len: u32,
) -> WasiResult {
    let target = mem.path(old_path, old_len)?;
    let (dir, link) = dir_and_path(ctx, mem, fd, new_path, new_len)?;
    Ok(dir.symlink(target, link)?)
}

/// `path_readlink(fd, path, buf, buf_len) -> size`: the link's contents,
/// cut at `buf_len` bytes, no NUL added.
#[allow(clippy::too_many_arguments)] // the ABI's parameters, plus context and memory
pub(crate) fn path_readlink(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    path: u32,
    path_len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> WasiResult {
    use std::os::unix::ffi::OsStrExt;
    let (dir, path) = dir_and_path(ctx, mem, fd, path, path_len)?;
    mem.check_array(buf, buf_len, 1)?;
    mem.check_array(bufused, 1, 4)?;
    let target = dir.read_link_contents(path)?;
    let bytes = target.as_os_str().as_bytes();
    let n = bytes.len().min(buf_len as usize);
    mem.write(buf, &bytes[..n])?;
    // At most `buf_len`, a u32.
    mem.write_u32(bufused, n as u32)
}

/// `path_filestat_get(fd, flags, path) -> filestat`; `flags` bit 0 follows
/// a symlink in the last component.
pub(crate) fn path_filestat_get(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    out: u32,
) -> WasiResult {
    let (dir, path) = dir_and_path(ctx, mem, fd, path, path_len)?;
    let (bare, slash) = strip_slash(&path);
    let meta = if slash {
        must_be_dir(dir, bare)?;
        dir.metadata(bare)?
    } else if flags & LOOKUP_SYMLINK_FOLLOW != 0 {
        dir.metadata(path)?
    } else {
        dir.symlink_metadata(path)?
    };
    write_filestat(mem, out, &meta)
}

/// `path_filestat_set_times(fd, flags, path, atim, mtim, fst_flags)`.
#[allow(clippy::too_many_arguments)] // the ABI's parameters, plus context and memory
pub(crate) fn path_filestat_set_times(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> WasiResult {
    let (dir, path) = dir_and_path(ctx, mem, fd, path, path_len)?;
    let (atime, mtime) = time_specs(atim, mtim, fst_flags)?;
    let spec = |t: Option<TimeSpec>| {
        t.map(|t| match t {
            TimeSpec::Now => cap_fs_ext::SystemTimeSpec::SymbolicNow,
            TimeSpec::At(t) => {
                cap_fs_ext::SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(t))
            }
        })
    };
    if flags & LOOKUP_SYMLINK_FOLLOW != 0 {
        dir.set_times(path, spec(atime), spec(mtime))?;
    } else {
        dir.set_symlink_times(path, spec(atime), spec(mtime))?;
    }
    Ok(())
}
