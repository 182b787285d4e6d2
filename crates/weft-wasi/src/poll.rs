//! `poll_oneoff`: waits for clock and descriptor events.
//!
//! Regular files and in-memory pipes are ready at once. The host's standard streams and sockets are really
//! waited on (`poll(2)` on a duplicate of their host descriptor): stdin,
//! a pipe or a connection is reported readable when data (or end of
//! stream) is there, a listener when a connection waits, stdout/stderr
//! and connections writable when a write would not block. The call
//! returns as soon as one subscription is ready, with every ready one;
//! with none ready it waits until the earliest clock fires (forever if
//! there is no clock), and then reports every expired clock.
//!
//! The wait is cut in slices of [`SLICE`]: between them it checks the
//! store's interrupt flag, so an `InterruptHandle` (`--timeout`) ends a
//! guest blocked here with the `interrupted` trap.
//!
//! For `fd_read`, `nbytes` is the number of bytes ready when known (file
//! size minus position, unread bytes of an in-memory pipe, `FIONREAD` of
//! a host stream or a connection), else 0; `flags` has
//! `fd_readwrite_hangup` when the peer hung up.
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
/// `eventrwflags`: the peer hung up.
const HANGUP: u16 = 1;
/// Longest stretch of waiting between two checks of the interrupt flag.
pub(crate) const SLICE: Duration = Duration::from_millis(10);

/// One event to report.
struct Event {
    userdata: u64,
    error: Errno,
    tag: u8,
    nbytes: u64,
    flags: u16,
}

impl Event {
    fn new(userdata: u64, tag: u8, error: Errno, nbytes: u64) -> Self {
        Event {
            userdata,
            error,
            tag,
            nbytes,
            flags: 0,
        }
    }
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

/// A descriptor subscription: ready now with `nbytes`, or to be waited on.
enum Readiness {
    Now(u64),
    Wait(host::Waitable),
}

/// Whether `fd` can be read (or written) now, or what to wait on.
fn fd_ready(ctx: &mut WasiCtx, fd: u32, read: bool) -> WasiResult<Readiness> {
    use std::os::fd::AsFd;
    let entry = ctx.fds.get(fd)?;
    let wait =
        |fd: std::os::fd::BorrowedFd<'_>| Ok(Readiness::Wait(host::Waitable::new(fd, read)?));
    match (&entry.desc, read) {
        (Desc::File(file), true) => {
            let mut f: &std::fs::File = file;
            let pos = f.stream_position()?;
            Ok(Readiness::Now(file.metadata()?.len().saturating_sub(pos)))
        }
        (Desc::File(_), false) | (Desc::Stream(Stream::Output(_)), false) => Ok(Readiness::Now(0)),
        (Desc::Stream(Stream::Input(pipe)), true) => Ok(Readiness::Now(pipe.remaining() as u64)),
        (Desc::Stream(Stream::HostStdin), true) => wait(std::io::stdin().as_fd()),
        (Desc::Stream(Stream::HostStdout), false) => wait(std::io::stdout().as_fd()),
        (Desc::Stream(Stream::HostStderr), false) => wait(std::io::stderr().as_fd()),
        (Desc::Stream(Stream::Listener(l)), true) => wait(l.as_fd()),
        (Desc::Stream(Stream::Tcp(s)), _) => wait(s.as_fd()),
        _ => Err(Errno::Badf),
    }
}

/// A `poll_oneoff` between reading its subscriptions and waiting: the
/// events already known, the descriptors to wait on, and the clocks with
/// how long after `start` each fires.
pub(crate) struct Pending {
    start: Instant,
    ready: Vec<Event>,
    waits: Vec<(host::Waitable, u64, u8)>,
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

    let mut pending = Pending {
        start: Instant::now(),
        ready: Vec::new(),
        waits: Vec::new(),
        timers: Vec::new(),
    };
    for i in 0..nsubs {
        // In range: checked above.
        let at = subs + i * SUBSCRIPTION_SIZE;
        let userdata = mem.read_u64(at)?;
        let tag = mem.read_u8(at + 8)?;
        match tag {
            TAG_CLOCK => {
                let id = mem.read_u32(at + 16)?;
                let timeout = mem.read_u64(at + 24)?;
                let flags = mem.read_u16(at + 40)?;
                match clock_wait(ctx, id, timeout, flags) {
                    Ok(wait) => pending.timers.push((wait, userdata)),
                    Err(e) => pending.ready.push(Event::new(userdata, tag, e, 0)),
                }
            }
            TAG_FD_READ | TAG_FD_WRITE => {
                let fd = mem.read_u32(at + 16)?;
                match fd_ready(ctx, fd, tag == TAG_FD_READ) {
                    Ok(Readiness::Now(n)) => {
                        pending
                            .ready
                            .push(Event::new(userdata, tag, Errno::Success, n))
                    }
                    Ok(Readiness::Wait(w)) => pending.waits.push((w, userdata, tag)),
                    Err(e) => pending.ready.push(Event::new(userdata, tag, e, 0)),
                }
            }
            _ => return Err(Errno::Inval),
        }
    }
    Ok(pending)
}

/// `poll_oneoff`'s second half: waits until a subscription is ready (or
/// `interrupt` is requested: then the trap), then writes the events (the
/// memory alone is needed).
pub(crate) fn poll_finish(
    mem: &mut Mem<'_>,
    pending: Pending,
    events: u32,
    nevents: u32,
    interrupt: &weft::InterruptHandle,
) -> weft::Result<WasiResult> {
    let Pending {
        start,
        mut ready,
        mut waits,
        timers,
    } = pending;
    let first = timers.iter().map(|t| t.0).min();
    loop {
        let left = match first {
            _ if !ready.is_empty() => Duration::ZERO,
            Some(first) => first.saturating_sub(start.elapsed()).min(SLICE),
            None => SLICE,
        };
        let woke = match host::wait(&mut waits, left) {
            Ok(woke) => woke,
            Err(e) => return Ok(Err(e)),
        };
        if woke || !ready.is_empty() || first.is_some_and(|f| start.elapsed() >= f) {
            break;
        }
        interrupt.check()?;
    }
    for (w, userdata, tag) in &waits {
        if let Some((error, nbytes, hangup)) = w.outcome() {
            let mut e = Event::new(*userdata, *tag, error, nbytes);
            if hangup {
                e.flags = HANGUP;
            }
            ready.push(e);
        }
    }
    let elapsed = start.elapsed();
    for (wait, userdata) in timers {
        if wait <= elapsed {
            ready.push(Event::new(userdata, TAG_CLOCK, Errno::Success, 0));
        }
    }
    Ok(write_events(mem, &ready, events, nevents))
}

/// Writes `ready` at `events` and their count at `nevents`.
fn write_events(mem: &mut Mem<'_>, ready: &[Event], events: u32, nevents: u32) -> WasiResult {
    // Both ranges were checked by `poll_start` (at most `nsubs` events);
    // memory never shrinks.
    for (i, e) in ready.iter().enumerate() {
        let mut rec = [0u8; EVENT_SIZE as usize];
        rec[0..8].copy_from_slice(&e.userdata.to_le_bytes());
        rec[8..10].copy_from_slice(&e.error.raw().to_le_bytes());
        rec[10] = e.tag;
        rec[16..24].copy_from_slice(&e.nbytes.to_le_bytes());
        rec[24..26].copy_from_slice(&e.flags.to_le_bytes());
        mem.write(events + i as u32 * EVENT_SIZE, &rec)?;
    }
    mem.write_u32(nevents, ready.len() as u32)
}

/// Waiting on host descriptors with `poll(2)`.
mod host {
    use std::os::fd::{BorrowedFd, OwnedFd};
    use std::time::Duration;

    use rustix::event::{PollFd, PollFlags, Timespec};

    use crate::errno::{Errno, WasiResult};

    /// A host descriptor to wait on: a duplicate, so that the wait needs
    /// no borrow of the WASI context (a shared one is not held meanwhile).
    pub(super) struct Waitable {
        fd: OwnedFd,
        read: bool,
        revents: PollFlags,
    }

    impl Waitable {
        pub(super) fn new(fd: BorrowedFd<'_>, read: bool) -> WasiResult<Self> {
            Ok(Waitable {
                fd: fd.try_clone_to_owned()?,
                read,
                revents: PollFlags::empty(),
            })
        }

        /// The event's errno, `nbytes` and hangup flag, if it fired.
        pub(super) fn outcome(&self) -> Option<(Errno, u64, bool)> {
            let r = self.revents;
            if r.is_empty() {
                return None;
            }
            if r.contains(PollFlags::NVAL) {
                return Some((Errno::Badf, 0, false));
            }
            let nbytes = if self.read {
                rustix::io::ioctl_fionread(&self.fd).unwrap_or(0)
            } else {
                0
            };
            Some((Errno::Success, nbytes, r.contains(PollFlags::HUP)))
        }
    }

    /// Waits up to `timeout` for any of `waits`; records what fired and
    /// says whether anything did. With nothing to wait on, sleeps.
    pub(super) fn wait(waits: &mut [(Waitable, u64, u8)], timeout: Duration) -> WasiResult<bool> {
        if waits.is_empty() {
            if !timeout.is_zero() {
                std::thread::sleep(timeout);
            }
            return Ok(false);
        }
        let mut fds: Vec<PollFd<'_>> = waits
            .iter()
            .map(|(w, ..)| {
                let flags = if w.read {
                    PollFlags::IN
                } else {
                    PollFlags::OUT
                };
                PollFd::new(&w.fd, flags)
            })
            .collect();
        // At most a slice: always representable.
        let ts = Timespec::try_from(timeout).map_err(|_| Errno::Inval)?;
        match rustix::event::poll(&mut fds, Some(&ts)) {
            Ok(0) | Err(rustix::io::Errno::INTR) => return Ok(false),
            Ok(_) => {}
            Err(e) => return Err(std::io::Error::from(e).into()),
        }
        let revents: Vec<PollFlags> = fds.iter().map(PollFd::revents).collect();
        for ((w, ..), r) in waits.iter_mut().zip(revents) {
            w.revents = r;
        }
        Ok(true)
    }
}
