//! Clocks, randomness and the process: `clock_res_get`, `clock_time_get`,
//! `random_get`, `proc_raise`, `sched_yield` (`proc_exit` is defined in
//! the linker: it ends the call with [`crate::I32Exit`]).
//!
//! Clocks: `realtime` is the host's wall clock; `monotonic` counts from
//! when the context was built; `process_cputime` and `thread_cputime` are
//! emulated by the same elapsed time (an upper bound of the CPU time, as
//! the host gives no portable CPU clock).
//!
//! Errnos: `EINVAL` for an unknown clock id; `EFAULT` for a bad output
//! pointer; `EOVERFLOW` if the time does not fit in 64 bits of
//! nanoseconds; `EIO` if the host's random source fails; `ENOSYS` from
//! `proc_raise` (signals are not supported).

use std::io::Read;
use std::time::{Duration, SystemTime};

use crate::abi::clockid;
use crate::ctx::{Random, WasiCtx};
use crate::errno::{Errno, WasiResult};
use crate::mem::Mem;

/// Nanoseconds as WASI's 64-bit `timestamp`.
fn nanos(d: Duration) -> WasiResult<u64> {
    u64::try_from(d.as_nanos()).map_err(|_| Errno::Overflow)
}

/// The current value of clock `id`, in nanoseconds.
pub(crate) fn now(ctx: &WasiCtx, id: u32) -> WasiResult<u64> {
    match id {
        clockid::REALTIME => {
            let since = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_err(|_| Errno::Overflow)?;
            nanos(since)
        }
        clockid::MONOTONIC | clockid::PROCESS_CPUTIME | clockid::THREAD_CPUTIME => {
            nanos(ctx.start.elapsed())
        }
        _ => Err(Errno::Inval),
    }
}

/// `clock_res_get(id) -> timestamp`: 1 ns for every clock (the host's
/// clocks report nanoseconds).
pub(crate) fn clock_res_get(ctx: &mut WasiCtx, mem: &mut Mem<'_>, id: u32, out: u32) -> WasiResult {
    now(ctx, id)?;
    mem.write_u64(out, 1)
}

/// `clock_time_get(id, precision) -> timestamp`. The precision is a hint
/// and is ignored.
pub(crate) fn clock_time_get(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    id: u32,
    _precision: u64,
    out: u32,
) -> WasiResult {
    let t = now(ctx, id)?;
    mem.write_u64(out, t)
}

/// `random_get(buf, buf_len)`: fills the buffer with random bytes.
pub(crate) fn random_get(ctx: &mut WasiCtx, mem: &mut Mem<'_>, buf: u32, len: u32) -> WasiResult {
    mem.fill(buf, len, |out| {
        match &mut ctx.random {
            Random::Custom(fill) => fill(out),
            Random::Os(file) => {
                if file.is_none() {
                    *file = Some(std::fs::File::open("/dev/urandom").map_err(|_| Errno::Io)?);
                }
                let Some(f) = file else {
                    return Err(Errno::Io);
                };
                f.read_exact(out).map_err(|_| Errno::Io)?;
            }
        }
        Ok(out.len())
    })?
    .map(|_| ())
}

/// `proc_raise(sig)`: always `ENOSYS`.
pub(crate) fn proc_raise(_ctx: &mut WasiCtx, _mem: &mut Mem<'_>, _sig: u32) -> WasiResult {
    Err(Errno::Nosys)
}

/// `sched_yield()`: yields the host thread; always succeeds.
pub(crate) fn sched_yield(_ctx: &mut WasiCtx, _mem: &mut Mem<'_>) -> WasiResult {
    std::thread::yield_now();
    Ok(())
}
