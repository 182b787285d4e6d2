//! Sockets: `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`.
//!
//! preview1 cannot create sockets; the embedder preopens listening TCP
//! sockets (`WasiCtxBuilder::preopened_listener`, `weft run
//! --tcplisten`), and `sock_accept` on one gives connections. `fd_read`,
//! `fd_write`, `fd_close`, `fd_fdstat_get` (file type `SOCKET_STREAM`) and
//! `fd_fdstat_set_flags` (`nonblock`) work on them too.
//!
//! Errnos: `EBADF` if the descriptor is not open, `ENOTSOCK` if it is not
//! a socket (or, for `sock_accept`, not a listening one; for the others,
//! not a connection), `ENOTCAPABLE` without the right, `EINVAL` for
//! unknown flags, `EAGAIN` when a non-blocking call would block, and the
//! host's errno for I/O errors (`ECONNRESET`, `EPIPE`, `ENOTCONN`...).

use std::io::{Read, Write};
use std::net::Shutdown;

use crate::abi::{fdflags, rights};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::mem::Mem;
use crate::table::{Desc, Entry, Stream};

/// `riflags`: peek at the data without consuming it.
const RECV_PEEK: u16 = 1 << 0;
/// `riflags`: wait until every buffer is full (or the peer is done).
const RECV_WAITALL: u16 = 1 << 1;
/// `sdflags`: shut down reading, writing.
const SHUT_RD: u32 = 1 << 0;
const SHUT_WR: u32 = 1 << 1;

/// The connection behind `fd`, with right `right`.
fn connection(ctx: &mut WasiCtx, fd: u32, right: u64) -> WasiResult<&mut std::net::TcpStream> {
    let entry = ctx.fds.get(fd)?;
    let has = entry.rights_base & right == right;
    match &mut entry.desc {
        Desc::Stream(Stream::Tcp(s)) if has => Ok(s),
        Desc::Stream(Stream::Tcp(_)) => Err(Errno::Notcapable),
        _ => Err(Errno::Notsock),
    }
}

/// `sock_accept(fd, flags) -> fd`: the next connection on listening socket
/// `fd`; `flags` may hold `nonblock` for the new descriptor. Blocks
/// unless the listener is non-blocking (then `EAGAIN`).
pub(crate) fn sock_accept(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    flags: u32,
    out: u32,
) -> WasiResult {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    if flags & !fdflags::NONBLOCK != 0 {
        return Err(Errno::Inval);
    }
    mem.check_array(out, 1, 4)?;
    let entry = ctx.fds.get(fd)?;
    let Desc::Stream(Stream::Listener(listener)) = &entry.desc else {
        return Err(Errno::Notsock);
    };
    if entry.rights_base & rights::SOCK_ACCEPT == 0 {
        return Err(Errno::Notcapable);
    }
    let inheriting = entry.rights_inheriting;
    let (stream, _) = listener.accept()?;
    stream.set_nonblocking(flags & fdflags::NONBLOCK != 0)?;
    let new = ctx.fds.insert(Entry {
        desc: Desc::Stream(Stream::Tcp(stream)),
        rights_base: rights::CONNECTION & inheriting,
        rights_inheriting: 0,
        flags,
    })?;
    mem.write_u32(out, new)
}

/// `sock_recv(fd, ri_data, ri_flags) -> (size, roflags)`: reads into the
/// buffers; `roflags` is always 0 (no data is ever truncated).
#[allow(clippy::too_many_arguments)] // the ABI's parameters, plus context and memory
pub(crate) fn sock_recv(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    data: u32,
    data_len: u32,
    flags: u32,
    out_len: u32,
    out_flags: u32,
) -> WasiResult {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    if flags & !(RECV_PEEK | RECV_WAITALL) != 0 {
        return Err(Errno::Inval);
    }
    let iovs = mem.iovecs(data, data_len)?;
    mem.check_array(out_len, 1, 4)?;
    mem.check_array(out_flags, 1, 2)?;
    let sock = connection(ctx, fd, rights::FD_READ)?;
    let mut total = 0u32;
    'bufs: for (ptr, len) in iovs {
        let mut filled = 0u32;
        while filled < len {
            let r = mem.fill(ptr + filled, len - filled, |buf| {
                if flags & RECV_PEEK != 0 {
                    sock.peek(buf)
                } else {
                    sock.read(buf)
                }
            })?;
            match r {
                Ok(0) => break 'bufs,
                Ok(n) => {
                    filled += n as u32;
                    total = total.saturating_add(n as u32);
                }
                Err(_) if total > 0 => break 'bufs,
                Err(e) => return Err(e.into()),
            }
            // Without `waitall`, one read is enough; a peek never advances.
            if flags & RECV_WAITALL == 0 || flags & RECV_PEEK != 0 {
                break 'bufs;
            }
        }
    }
    mem.write_u32(out_len, total)?;
    mem.write(out_flags, &0u16.to_le_bytes())
}

/// `sock_send(fd, si_data, si_flags) -> size`: writes every buffer
/// (`si_flags` has no flags defined: it must be 0).
pub(crate) fn sock_send(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    fd: u32,
    data: u32,
    data_len: u32,
    flags: u32,
    out_len: u32,
) -> WasiResult {
    if flags != 0 {
        return Err(Errno::Inval);
    }
    let iovs = mem.iovecs(data, data_len)?;
    mem.check_array(out_len, 1, 4)?;
    let sock = connection(ctx, fd, rights::FD_WRITE)?;
    let mut total = 0u32;
    for (ptr, len) in iovs {
        let bytes = mem.slice(ptr, len)?;
        match sock.write(&bytes) {
            Ok(n) => {
                total = total.saturating_add(n as u32);
                if n < bytes.len() {
                    break;
                }
            }
            Err(_) if total > 0 => break,
            Err(e) => return Err(e.into()),
        }
    }
    sock.flush()?;
    mem.write_u32(out_len, total)
}

/// `sock_shutdown(fd, how)`: `how` is `SHUT_RD`, `SHUT_WR` or both.
pub(crate) fn sock_shutdown(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    how: u32,
) -> WasiResult {
    let how = match how {
        SHUT_RD => Shutdown::Read,
        SHUT_WR => Shutdown::Write,
        x if x == SHUT_RD | SHUT_WR => Shutdown::Both,
        _ => {
            // The descriptor is checked first (EBADF, ENOTSOCK).
            connection(ctx, fd, rights::SOCK_SHUTDOWN)?;
            return Err(Errno::Inval);
        }
    };
    Ok(connection(ctx, fd, rights::SOCK_SHUTDOWN)?.shutdown(how)?)
}
