//! Sockets: `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`.
//!
//! weft gives guests no sockets (there is no preview1 call to create
//! one, and no listener is ever preopened), so every call fails:
//! `EBADF` if the descriptor is not open, otherwise `ENOTSOCK` (no open
//! descriptor is a socket).

use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::mem::Mem;

fn unsupported(ctx: &WasiCtx, fd: u32) -> WasiResult {
    ctx.fds.get_ref(fd)?;
    Err(Errno::Notsock)
}

/// `sock_accept(fd, flags) -> fd`.
pub(crate) fn sock_accept(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    _flags: u32,
    _out: u32,
) -> WasiResult {
    unsupported(ctx, fd)
}

/// `sock_recv(fd, ri_data, ri_flags) -> (size, roflags)`.
#[allow(clippy::too_many_arguments)] // the ABI's parameters, plus context and memory
pub(crate) fn sock_recv(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    _data: u32,
    _data_len: u32,
    _flags: u32,
    _out_len: u32,
    _out_flags: u32,
) -> WasiResult {
    unsupported(ctx, fd)
}

/// `sock_send(fd, si_data, si_flags) -> size`.
pub(crate) fn sock_send(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    _data: u32,
    _data_len: u32,
    _flags: u32,
    _out_len: u32,
) -> WasiResult {
    unsupported(ctx, fd)
}

/// `sock_shutdown(fd, how)`.
pub(crate) fn sock_shutdown(
    ctx: &mut WasiCtx,
    _mem: &mut Mem<'_>,
    fd: u32,
    _how: u32,
) -> WasiResult {
    unsupported(ctx, fd)
}
