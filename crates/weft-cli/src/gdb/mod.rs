//! `weft run -g`: a GDB remote serial protocol stub with LLDB's
//! WebAssembly extensions, so that stock LLDB (`process connect --plugin
//! wasm connect://HOST:PORT`) debugs the guest at source level.
//!
//! The stub is the store's debugger (`Store::set_debugger`): it runs on
//! the guest's thread, and at every stop it reports the stop and answers
//! packets until LLDB resumes. Addresses are LLDB's wasm addresses: bits
//! 62-63 the space (0 linear memory, 1 a module's bytes), bits 32-61 the
//! module (the store's instance index), the low 32 bits the offset (a
//! module offset counts from the binary's first byte). LLDB reads each
//! module's binary, DWARF included, through `m` in the module space.

pub(crate) mod packet;

use std::io::{Read, Write};

use packet::{Conn, Incoming, hex, hex_u64, unhex};
use weft::debug::{Debuggee, Resume, StopReason};

/// The only thread weft reports.
const THREAD: &str = "1";
/// The module address space (`Object` in LLDB).
const CODE: u64 = 1 << 62;
/// The wasm triple LLDB recognises.
const TRIPLE: &str = "wasm32-unknown-unknown-wasm";

/// The address of module offset `offset` of instance `instance`.
fn code_addr(instance: usize, offset: u64) -> u64 {
    CODE | ((instance as u64 & 0x00ff_ffff) << 32) | (offset & 0xffff_ffff)
}

/// An LLDB wasm address taken apart (the inverse of [`code_addr`] for
/// the module space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Addr {
    /// Offset `offset` of instance `instance`'s module binary.
    Code { instance: usize, offset: u64 },
    /// Offset `offset` of a linear memory; `module` is 0 from LLDB 22.
    Memory { module: usize, offset: u64 },
    /// A space weft has nothing in.
    Other,
}

fn decode(addr: u64) -> Addr {
    let module = ((addr >> 32) & 0x00ff_ffff) as usize;
    let offset = addr & 0xffff_ffff;
    match addr >> 62 {
        0 => Addr::Memory { module, offset },
        1 => Addr::Code {
            instance: module,
            offset,
        },
        _ => Addr::Other,
    }
}

/// How a packet is answered.
enum Outcome {
    Reply(Vec<u8>),
    Resume(Resume),
    /// `D`: reply OK and let the program run on, undebugged.
    Detach,
    /// `k`: end the program.
    Kill,
}

fn reply(s: impl Into<String>) -> Outcome {
    Outcome::Reply(s.into().into_bytes())
}

fn error() -> Outcome {
    reply("E01")
}

/// What the stub knows about the last stop, to answer `?`.
#[derive(Clone)]
enum Status {
    /// Stopped, with this stop reply.
    Stopped(String),
    /// The program ended: `W`/`X` reply.
    Ended(String),
}

/// The stub of one debugger connection.
pub(crate) struct GdbStub<S> {
    conn: Conn<S>,
    /// The debugger waits for a stop reply (it resumed the program).
    waiting: bool,
    status: Status,
    /// The connection is over (detached, killed or hung up): stops go on.
    gone: bool,
    /// Names LLDB shows for the instances' modules.
    names: Vec<(usize, String)>,
    /// The program has stopped before (the first stop is its start).
    started: bool,
}

impl<S: Read + Write> GdbStub<S> {
    /// A stub on an accepted connection. `names` names instances' modules
    /// (others are `module<N>.wasm`).
    pub(crate) fn new(stream: S, names: Vec<(usize, String)>) -> GdbStub<S> {
        GdbStub {
            conn: Conn::new(stream),
            waiting: false,
            status: Status::Stopped(String::new()),
            gone: false,
            names,
            started: false,
        }
    }

    /// The store's debugger: reports the stop and serves packets until
    /// the debugger resumes the program.
    pub(crate) fn stopped(&mut self, d: &mut Debuggee<'_>, why: StopReason) -> Resume {
        if self.gone {
            return Resume::Continue;
        }
        let stop = stop_reply(d, why, self.started);
        self.started = true;
        self.status = Status::Stopped(stop.clone());
        if self.waiting {
            self.waiting = false;
            if self.conn.send(stop.as_bytes()).is_err() {
                return self.hang_up(d);
            }
        }
        loop {
            let packet = match self.conn.read() {
                Ok(Some(Incoming::Packet(p))) => p,
                Ok(Some(Incoming::Interrupt)) => continue,
                Ok(Some(Incoming::TooLong)) => {
                    if self.conn.send(b"E01").is_err() {
                        return self.hang_up(d);
                    }
                    continue;
                }
                Ok(None) | Err(_) => return self.hang_up(d),
            };
            let outcome = self.command(Some(d), &packet);
            match outcome {
                Outcome::Reply(r) => {
                    if self.conn.send(&r).is_err() {
                        return self.hang_up(d);
                    }
                }
                Outcome::Resume(r) => {
                    self.waiting = true;
                    return r;
                }
                Outcome::Detach => {
                    let _ = self.conn.send(b"OK");
                    return self.hang_up(d);
                }
                Outcome::Kill => {
                    let _ = self.conn.send(b"X09");
                    self.gone = true;
                    return Resume::Abort;
                }
            }
        }
    }

    /// The debugger left: remove its breakpoints and run on.
    fn hang_up(&mut self, d: &mut Debuggee<'_>) -> Resume {
        self.gone = true;
        d.clear_breakpoints();
        Resume::Continue
    }

    /// The program ended with exit status `status`: tells a debugger that
    /// waits, then answers it until it hangs up.
    pub(crate) fn exited(&mut self, status: u8) {
        if self.gone {
            return;
        }
        let end = format!("W{status:02x}");
        self.status = Status::Ended(end.clone());
        if self.waiting {
            self.waiting = false;
            if self.conn.send(end.as_bytes()).is_err() {
                return;
            }
        }
        while let Ok(Some(incoming)) = self.conn.read() {
            let packet = match incoming {
                Incoming::Packet(packet) => packet,
                Incoming::Interrupt => continue,
                Incoming::TooLong => {
                    if self.conn.send(b"E01").is_err() {
                        return;
                    }
                    continue;
                }
            };
            let r = match self.command(None, &packet) {
                Outcome::Reply(r) => r,
                Outcome::Resume(_) => end.clone().into_bytes(),
                Outcome::Detach => b"OK".to_vec(),
                Outcome::Kill => end.clone().into_bytes(),
            };
            if self.conn.send(&r).is_err() {
                return;
            }
            if matches!(packet.first(), Some(b'k' | b'D')) {
                return;
            }
        }
    }

    /// Answers one packet; `d` is the stopped program (`None` once it
    /// ended).
    fn command(&mut self, d: Option<&mut Debuggee<'_>>, packet: &[u8]) -> Outcome {
        let text = String::from_utf8_lossy(packet);
        let (name, args) = match text.find([':', ';']) {
            Some(i) if text.starts_with('q') || text.starts_with('Q') || text.starts_with('v') => {
                (&text[..i], &text[i + 1..])
            }
            _ => (&*text, ""),
        };
        match name {
            "QStartNoAckMode" => {
                // This packet was acknowledged as it came in; none after it.
                self.conn.acks = false;
                return reply("OK");
            }
            "qSupported" => {
                return reply(format!(
                    "PacketSize={:x};QStartNoAckMode+;qXfer:libraries:read+;vContSupported+",
                    packet::MAX_PACKET
                ));
            }
            "qHostInfo" => {
                return reply(format!(
                    "triple:{};endian:little;ptrsize:4;",
                    hex(TRIPLE.as_bytes())
                ));
            }
            "qProcessInfo" => {
                return reply(format!(
                    "pid:1;parent-pid:1;triple:{};endian:little;ptrsize:4;",
                    hex(TRIPLE.as_bytes())
                ));
            }
            "vCont?" => return reply("vCont;c;C;s;S"),
            "qC" => return reply(format!("QC{THREAD}")),
            "qfThreadInfo" => return reply(format!("m{THREAD}")),
            "qsThreadInfo" => return reply("l"),
            "qAttached" => return reply("1"),
            "?" => {
                return reply(match &self.status {
                    Status::Stopped(s) | Status::Ended(s) => s.clone(),
                });
            }
            _ => {}
        }
        if let Some(n) = name.strip_prefix("qRegisterInfo") {
            return match n {
                "0" => reply(
                    "name:pc;alt-name:pc;bitsize:64;offset:0;encoding:uint;format:hex;\
                     set:General Purpose Registers;gcc:16;dwarf:16;generic:pc;",
                ),
                _ => reply("E45"),
            };
        }
        if name == "qXfer" {
            return self.libraries(d.as_deref(), args);
        }
        let first = packet.first().copied().unwrap_or(0);
        if matches!(first, b'H') {
            return reply("OK");
        }
        let Some(d) = d else {
            // The program has ended: nothing to read or resume.
            return match first {
                b'k' => Outcome::Kill,
                b'D' => Outcome::Detach,
                b'c' | b'C' | b's' | b'S' => Outcome::Resume(Resume::Continue),
                b'v' if name == "vCont" => Outcome::Resume(Resume::Continue),
                b'm' | b'M' | b'p' | b'Z' | b'z' => error(),
                b'q' if name.starts_with("qWasm") => error(),
                _ => reply(""),
            };
        };
        match name {
            "qWasmCallStack" => {
                let pcs: Vec<u8> = d
                    .frames()
                    .iter()
                    .flat_map(|f| code_addr(f.instance, f.pc).to_le_bytes())
                    .collect();
                return if pcs.is_empty() {
                    error()
                } else {
                    reply(hex(&pcs))
                };
            }
            "qWasmLocal" | "qWasmGlobal" | "qWasmStackValue" => {
                let value = two_decimals(args).and_then(|(frame, index)| match name {
                    "qWasmLocal" => d.local(frame, index),
                    "qWasmGlobal" => d.global(frame, index),
                    // Counted from the bottom of the operand stack, as
                    // LLVM's DW_OP_WASM_location 2 counts.
                    _ => d.stack(frame)?.get(index as usize).copied(),
                });
                return value.map_or_else(error, |v| reply(hex(&v.to_le_bytes())));
            }
            "vCont" => {
                return match args.as_bytes().first() {
                    Some(b'c' | b'C') => Outcome::Resume(Resume::Continue),
                    Some(b's' | b'S') => Outcome::Resume(Resume::Step),
                    _ => error(),
                };
            }
            _ => {}
        }
        let body = &packet[1.min(packet.len())..];
        match first {
            b'c' | b'C' => Outcome::Resume(Resume::Continue),
            b's' | b'S' => Outcome::Resume(Resume::Step),
            b'k' => Outcome::Kill,
            b'D' => Outcome::Detach,
            b'p' => {
                let reg = body.split(|&b| b == b';').next().unwrap_or_default();
                match (hex_u64(reg), d.frames().first()) {
                    (Some(0), Some(f)) => reply(hex(&code_addr(f.instance, f.pc).to_le_bytes())),
                    _ => error(),
                }
            }
            b'm' => read_memory(d, body),
            b'M' => write_memory(d, body),
            b'Z' | b'z' => breakpoint(d, first == b'Z', body),
            _ => reply(""),
        }
    }

    /// `qXfer:libraries:read::OFFSET,LENGTH`: the instances' modules.
    fn libraries(&self, d: Option<&Debuggee<'_>>, args: &str) -> Outcome {
        let Some(range) = args.strip_prefix("libraries:read::") else {
            return reply("");
        };
        let Some((offset, len)) = range.split_once(',').and_then(|(o, l)| {
            Some((
                usize::try_from(hex_u64(o.as_bytes())?).ok()?,
                usize::try_from(hex_u64(l.as_bytes())?).ok()?,
            ))
        }) else {
            return error();
        };
        let mut xml = String::from("<library-list>");
        for m in d.map(|d| d.instances()).unwrap_or_default() {
            if m.binary.is_none() {
                continue;
            }
            let name = self
                .names
                .iter()
                .find(|(i, _)| *i == m.instance)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| format!("module{}.wasm", m.instance));
            xml.push_str(&format!(
                "<library name=\"{}\"><section address=\"0x{:x}\"/></library>",
                xml_escape(&name),
                code_addr(m.instance, 0)
            ));
        }
        xml.push_str("</library-list>");
        let bytes = xml.as_bytes();
        let start = offset.min(bytes.len());
        let end = start.saturating_add(len).min(bytes.len());
        let mut r = vec![if end < bytes.len() { b'm' } else { b'l' }];
        r.extend_from_slice(&bytes[start..end]);
        Outcome::Reply(r)
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `FRAME;INDEX`, both decimal.
fn two_decimals(args: &str) -> Option<(usize, u32)> {
    let (a, b) = args.split_once(';')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// `ADDR,LEN` in hex.
fn addr_len(body: &[u8]) -> Option<(u64, usize)> {
    let comma = body.iter().position(|&b| b == b',')?;
    let addr = hex_u64(&body[..comma])?;
    let len = usize::try_from(hex_u64(&body[comma + 1..])?).ok()?;
    Some((addr, len))
}

/// The instance whose memory 0 a linear-memory address of `module` means:
/// that instance, if not 0 (LLDB 22 always sends 0), else the innermost
/// frame's.
fn memory_instance(d: &Debuggee<'_>, module: usize) -> Option<usize> {
    if module != 0 && module < d.instances().len() {
        return Some(module);
    }
    d.frames().first().map(|f| f.instance)
}

fn read_memory(d: &Debuggee<'_>, body: &[u8]) -> Outcome {
    let Some((addr, len)) = addr_len(body) else {
        return error();
    };
    let len = len.min(packet::MAX_PACKET / 2 - 16);
    let bytes = match decode(addr) {
        Addr::Code { instance, offset } => {
            let offset = offset as usize;
            d.instances()
                .into_iter()
                .find(|m| m.instance == instance)
                .and_then(|m| m.binary)
                .filter(|b| offset < b.len())
                .map(|b| b[offset..(offset.saturating_add(len)).min(b.len())].to_vec())
        }
        Addr::Memory { module, offset } => {
            memory_instance(d, module).and_then(|i| d.read_memory(i, offset, len))
        }
        Addr::Other => None,
    };
    match bytes {
        Some(b) if !b.is_empty() || len == 0 => reply(hex(&b)),
        _ => error(),
    }
}

fn write_memory(d: &mut Debuggee<'_>, body: &[u8]) -> Outcome {
    let Some(colon) = body.iter().position(|&b| b == b':') else {
        return error();
    };
    let (Some((addr, len)), Some(data)) = (addr_len(&body[..colon]), unhex(&body[colon + 1..]))
    else {
        return error();
    };
    // Only linear memory is writable: code cannot be patched.
    let Addr::Memory { module, offset } = decode(addr) else {
        return error();
    };
    if data.len() != len {
        return error();
    }
    match memory_instance(d, module) {
        Some(i) if d.write_memory(i, offset, &data) => reply("OK"),
        _ => error(),
    }
}

/// `Z0,ADDR,KIND` / `z0,ADDR,KIND`: software breakpoints at module
/// offsets; other kinds are not supported (empty reply).
fn breakpoint(d: &mut Debuggee<'_>, insert: bool, body: &[u8]) -> Outcome {
    let mut parts = body.split(|&b| b == b',');
    let (Some(b"0"), Some(addr)) = (parts.next(), parts.next().and_then(hex_u64)) else {
        return match body.first() {
            Some(b'0') => error(),
            _ => reply(""),
        };
    };
    let Addr::Code { instance, offset } = decode(addr) else {
        return error();
    };
    if insert && !d.set_breakpoint(instance, offset) {
        return error();
    }
    if !insert {
        d.remove_breakpoint(instance, offset);
    }
    reply("OK")
}

/// The stop reply for a stop: the thread, its pc, and why.
fn stop_reply(d: &Debuggee<'_>, why: StopReason, started: bool) -> String {
    let pc = d
        .frames()
        .first()
        .map_or(CODE, |f| code_addr(f.instance, f.pc));
    let (signal, reason) = match why {
        StopReason::Breakpoint => (5, "breakpoint".to_string()),
        StopReason::Step => (5, "trace".to_string()),
        // The start is a SIGTRAP, as under gdbserver; a pause the
        // debugger asked for (its interrupt byte) a SIGINT.
        StopReason::Pause if !started => (5, "signal".to_string()),
        StopReason::Pause => (2, "signal".to_string()),
        StopReason::Trap(kind) => (
            5,
            format!(
                "exception;description:{}",
                hex(format!("wasm trap: {kind}").as_bytes())
            ),
        ),
    };
    format!(
        "T{signal:02x}thread:{THREAD};name:weft;threads:{THREAD};thread-pcs:{pc:x};00:{};reason:{reason};",
        hex(&pc.to_le_bytes())
    )
}

/// While the program runs, a thread watches the connection for the
/// debugger's interrupt byte and pauses the program when it comes. It
/// looks under the stub's lock, which the debugger takes at every stop, so
/// the two never read the connection at once: first in the stub's read
/// buffer (a byte that came with the resuming packet), then on the socket
/// with a non-blocking peek (the socket's blocking mode, shared by both
/// handles, is restored before the lock is let go).
fn watch_interrupts(
    stub: SharedStub,
    stream: std::net::TcpStream,
    handle: weft::debug::DebugHandle,
) {
    let tick = std::time::Duration::from_millis(10);
    std::thread::spawn(move || {
        loop {
            {
                let Ok(mut guard) = stub.lock() else {
                    return;
                };
                if guard.gone || matches!(guard.status, Status::Ended(_)) {
                    return;
                }
                if guard.waiting {
                    if guard.conn.take_buffered_interrupt() {
                        handle.pause();
                    } else if stream.set_nonblocking(true).is_ok() {
                        let mut byte = [0u8; 1];
                        if matches!(stream.peek(&mut byte), Ok(1)) && byte[0] == 0x03 {
                            let _ = (&stream).read(&mut byte);
                            handle.pause();
                        }
                        let _ = stream.set_nonblocking(false);
                    }
                }
            }
            std::thread::sleep(tick);
        }
    });
}

/// A stub shared between the store's debugger and `weft run`, which tells
/// it when the program ends.
pub(crate) type SharedStub = std::sync::Arc<std::sync::Mutex<GdbStub<std::net::TcpStream>>>;

/// Waits on 127.0.0.1:`port` for a debugger to connect, makes the stub
/// the store's debugger and stops the program before its first
/// instruction. `names` names the instances' modules for LLDB.
pub(crate) fn attach<T>(
    store: &mut weft::Store<T>,
    port: u16,
    names: Vec<(usize, String)>,
) -> Result<SharedStub, crate::CliError> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| crate::CliError::error(format!("-g {port}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| crate::CliError::error(format!("-g {port}: {e}")))?;
    eprintln!(
        "weft: waiting for a debugger on {addr} (lldb: process connect --plugin wasm connect://{addr})"
    );
    let (stream, _) = listener
        .accept()
        .map_err(|e| crate::CliError::error(format!("-g {port}: {e}")))?;
    let _ = stream.set_nodelay(true);
    let watch = stream
        .try_clone()
        .map_err(|e| crate::CliError::error(format!("-g {port}: {e}")))?;
    let stub = std::sync::Arc::new(std::sync::Mutex::new(GdbStub::new(stream, names)));
    watch_interrupts(stub.clone(), watch, store.debug_handle());
    let s = stub.clone();
    store.set_debugger(move |d, why| match s.lock() {
        Ok(mut stub) => stub.stopped(d, why),
        Err(_) => Resume::Continue,
    });
    store.debug_handle().pause();
    Ok(stub)
}

#[cfg(test)]
mod tests {
    use super::{Addr, code_addr, decode};

    #[test]
    fn addresses_come_apart_as_they_were_made() {
        assert_eq!(
            decode(code_addr(3, 0x1234)),
            Addr::Code {
                instance: 3,
                offset: 0x1234
            }
        );
        assert_eq!(
            decode(0x1fe00),
            Addr::Memory {
                module: 0,
                offset: 0x1fe00
            }
        );
        assert_eq!(decode(0x8000_0000_0000_0000), Addr::Other);
    }
}
