//! `poll_oneoff`: waits for clock and descriptor events.
//!
//! Descriptors are always ready: regular files and in-memory pipes never
//! block, and the host's standard streams are reported ready too (a read
//! of the host's stdin may then block). So a call with any descriptor
//! subscription returns at once, with those events plus any clock whose
//! timeout has already passed; a call with only clock subscriptions sleeps
//! until the earliest one expires and reports every expired clock.
//!
//! For `fd_read`, `nbytes` is the number of bytes left to read when known
//! (file size minus position, unread bytes of an in-memory pipe), else 0.
//!
//! Errnos of the call: `EINVAL` for zero subscriptions or an unknown
//! subscription tag; `EFAULT` if the subscriptions, the events or the
//! count do not fit in memory. Errnos reported in an event: `EBADF` for a
//! closed descriptor or one that cannot be read (or written) at all;
//! `EINVAL` for an unknown clock id or unknown subscription flags.

use std::io::Seek;
use std::time::{Duration, Instant};

use crate::abi::{EVENT_SIZE, SUBSCRIPTION_SIZE};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};
use crate::mem::Mem;
use crate::proc::now;
use crate::table::{Desc, Stream};

const TAG_CLOCK: u8 = 0;
const TAG_FD_READ: u8 = 1;
const TAG_FD_WRITE: u8 = 2;
/// `subclockflags`: the timeout is an absolute time of the clock.
const ABSTIME: u16 = 1;

/// One event to report.
struct Event {
    userdata: u64,
    error: Errno,
    tag: u8,
    nbytes: u64,
}

/// How long until a clock subscription expires.
fn clock_wait(ctx: &WasiCtx, id: u32, timeout: u64, flags: u16) -> WasiResult<Duration> {
    if flags & !ABSTIME != 0 {
        return Err(Errno::Inval);
    }
    let current = now(ctx, id)?;
    let ns = if flags & ABSTIME != 0 {
        timeout.saturating_sub(current)
    } else {
        timeout
    };
    Ok(Duration::from_nanos(ns))
}

/// Whether `fd` can be read (or written) and how many bytes are waiting.
fn fd_ready(ctx: &mut WasiCtx, fd: u32, read: bool) -> WasiResult<u64> {
    let entry = ctx.fds.get(fd)?;
    match (&entry.desc, read) {
        (Desc::File(file), true) => {
            let mut f: &std::fs::File = file;
            let pos = f.stream_position()?;
            Ok(file.metadata()?.len().saturating_sub(pos))
        }
        (Desc::File(_), false) => Ok(0),
        (Desc::Stream(Stream::Input(pipe)), true) => Ok(pipe.remaining() as u64),
        (Desc::Stream(Stream::HostStdin), true) => Ok(0),
        (Desc::Stream(Stream::HostStdout | Stream::HostStderr | Stream::Output(_)), false) => Ok(0),
        (Desc::Stream(Stream::Listener(_)), true) | (Desc::Stream(Stream::Tcp(_)), _) => Ok(0),
        _ => Err(Errno::Badf),
    }
}

/// A `poll_oneoff` between reading its subscriptions and sleeping: the
/// events already known, and the clocks with how long until each fires.
pub(crate) struct Pending {
    ready: Vec<Event>,
    timers: Vec<(Duration, u64)>,
}

/// `poll_oneoff(in, out, nsubscriptions) -> nevents`, first half: reads
/// the subscriptions (the context is needed for descriptors and clocks).
pub(crate) fn poll_start(
    ctx: &mut WasiCtx,
    mem: &mut Mem<'_>,
    subs: u32,
    events: u32,
    nsubs: u32,
    nevents: u32,
) -> WasiResult<Pending> {
    if nsubs == 0 {
        return Err(Errno::Inval);
    }
    mem.check_array(subs, nsubs, SUBSCRIPTION_SIZE)?;
    mem.check_array(events, nsubs, EVENT_SIZE)?;
    mem.check_array(nevents, 1, 4)?;

    let mut ready = Vec::new();
    let mut timers = Vec::new();
    for i in 0..nsubs {
        // In range: checked above.
        let at = subs + i * SUBSCRIPTION_SIZE;
        let userdata = mem.read_u64(at)?;
        let tag = mem.read_u8(at + 8)?;
        let event = |error, nbytes| Event {
            userdata,
            error,
            tag,
            nbytes,
        };
        match tag {
            TAG_CLOCK => {
                let id = mem.read_u32(at + 16)?;
                let timeout = mem.read_u64(at + 24)?;
                let flags = mem.read_u16(at + 40)?;
                match clock_wait(ctx, id, timeout, flags) {
                    Ok(wait) => timers.push((wait, userdata)),
                    Err(e) => ready.push(event(e, 0)),
                }
            }
            TAG_FD_READ | TAG_FD_WRITE => {
                let fd = mem.read_u32(at + 16)?;
                match fd_ready(ctx, fd, tag == TAG_FD_READ) {
                    Ok(n) => ready.push(event(Errno::Success, n)),
                    Err(e) => ready.push(event(e, 0)),
                }
            }
            _ => return Err(Errno::Inval),
        }
    }
    Ok(Pending { ready, timers })
}

/// `poll_oneoff`'s second half: sleeps until the earliest clock if nothing
/// is ready, then writes the events (the memory alone is needed).
pub(crate) fn poll_finish(
    mem: &mut Mem<'_>,
    pending: Pending,
    events: u32,
    nevents: u32,
) -> WasiResult {
    // Both ranges were checked by `poll_start`; memory never shrinks.
    let Pending { mut ready, timers } = pending;
    let start = Instant::now();
    if ready.is_empty()
        && let Some(wait) = timers.iter().map(|t| t.0).min()
    {
        std::thread::sleep(wait);
    }
    let elapsed = start.elapsed();
    for (wait, userdata) in timers {
        if wait <= elapsed {
            ready.push(Event {
                userdata,
                error: Errno::Success,
                tag: TAG_CLOCK,
                nbytes: 0,
            });
        }
    }

    for (i, e) in ready.iter().enumerate() {
        let mut rec = [0u8; EVENT_SIZE as usize];
        rec[0..8].copy_from_slice(&e.userdata.to_le_bytes());
        rec[8..10].copy_from_slice(&e.error.raw().to_le_bytes());
        rec[10] = e.tag;
        rec[16..24].copy_from_slice(&e.nbytes.to_le_bytes());
        // At most `nsubs` events, all inside the checked range.
        mem.write(events + i as u32 * EVENT_SIZE, &rec)?;
    }
    mem.write_u32(nevents, ready.len() as u32)
}
