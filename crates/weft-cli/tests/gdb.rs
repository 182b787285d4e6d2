//! The GDB remote stub of `weft run -g`, packet by packet: each test
//! starts weft on a small module, connects as a debugger would, sends
//! packets and checks the replies (LLDB itself is in tests/lldb.rs).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A module with a callee to stop in, a global and a memory.
const SQUARE: &str = r#"(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 42))
  (func $square (param $x i32) (result i32) (local $y i64)
    local.get $x
    local.get $x
    i32.mul)
  (func $main (export "_start")
    i32.const 7
    call $square
    global.set $g))"#;

struct Session {
    child: Child,
    conn: BufReader<TcpStream>,
    acks: bool,
    _dir: tempfile::TempDir,
}

fn checksum(p: &[u8]) -> u8 {
    p.iter().fold(0u8, |s, b| s.wrapping_add(*b))
}

impl Session {
    /// Starts `weft run -g 0` on `wat` and connects.
    fn start(wat: &str) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("m.wat");
        std::fs::write(&file, wat).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
            .args(["run", "-g", "0"])
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let addr = line
            .split_whitespace()
            .find(|w| w.starts_with("127.0.0.1:"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        // Keep draining stderr so weft never blocks on it.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        let stream = TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        Session {
            child,
            conn: BufReader::new(stream),
            acks: true,
            _dir: dir,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.conn.get_mut().write_all(bytes).unwrap();
    }

    fn send(&mut self, packet: &str) {
        let framed = format!("${packet}#{:02x}", checksum(packet.as_bytes()));
        self.send_raw(framed.as_bytes());
        if self.acks {
            assert_eq!(self.byte(), b'+', "no ack for {packet}");
        }
    }

    fn byte(&mut self) -> u8 {
        let mut b = [0u8; 1];
        self.conn.read_exact(&mut b).unwrap();
        b[0]
    }

    /// The next packet from the stub (acknowledged in ack mode).
    fn recv(&mut self) -> String {
        while self.byte() != b'$' {}
        let mut payload = Vec::new();
        loop {
            match self.byte() {
                b'#' => break,
                b'}' => {
                    let b = self.byte();
                    payload.push(b ^ 0x20);
                }
                b => payload.push(b),
            }
        }
        let sum = [self.byte(), self.byte()];
        let sent = u8::from_str_radix(std::str::from_utf8(&sum).unwrap(), 16).unwrap();
        let mut raw = Vec::new();
        for &b in &payload {
            if matches!(b, b'$' | b'#' | b'}' | b'*') {
                raw.extend([b'}', b ^ 0x20]);
            } else {
                raw.push(b);
            }
        }
        assert_eq!(sent, checksum(&raw), "bad checksum on {payload:?}");
        if self.acks {
            self.send_raw(b"+");
        }
        String::from_utf8(payload).unwrap()
    }

    fn ask(&mut self, packet: &str) -> String {
        self.send(packet);
        self.recv()
    }

    /// Switches to no-ack mode, as LLDB does first.
    fn no_acks(&mut self) {
        assert_eq!(self.ask("QStartNoAckMode"), "OK");
        self.acks = false;
    }

    /// Waits for weft to exit; its status and stdout.
    fn finish(mut self) -> (i32, String) {
        drop(self.conn);
        let status = self.child.wait().unwrap();
        let mut out = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        (status.code().unwrap_or(-1), out)
    }
}

/// The value of key `key` in a `key:value;` reply.
fn field<'a>(reply: &'a str, key: &str) -> Option<&'a str> {
    reply
        .split(';')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix(':'))
}

fn le_u64(hex: &str) -> u64 {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    u64::from_le_bytes(bytes.try_into().unwrap())
}

/// The module offset of the `n`th operator of defined function `func`.
fn op_offset(wat: &str, func: usize, n: usize) -> u64 {
    let binary = wat::parse_str(wat).unwrap();
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&binary) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            bodies.push(body);
        }
    }
    let mut ops = bodies[func].get_operators_reader().unwrap();
    for _ in 0..n {
        ops.read().unwrap();
    }
    ops.original_position()
}

const CODE: u64 = 1 << 62;

#[test]
fn handshake_answers_what_lldb_asks_on_connect() {
    let mut s = Session::start(SQUARE);
    // In ack mode first: every packet is acknowledged.
    let supported = s.ask("qSupported:xmlRegisters=i386;multiprocess+;swbreak+");
    assert!(supported.contains("qXfer:libraries:read+"), "{supported}");
    assert!(supported.contains("PacketSize=20000"), "{supported}");
    s.no_acks();
    let triple: String = "wasm32-unknown-unknown-wasm"
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(field(&s.ask("qHostInfo"), "triple"), Some(&*triple));
    let info = s.ask("qProcessInfo");
    assert_eq!(field(&info, "triple"), Some(&*triple));
    assert_eq!(field(&info, "pid"), Some("1"));
    assert_eq!(s.ask("vCont?"), "vCont;c;C;s;S");
    assert_eq!(s.ask("qC"), "QC1");
    assert_eq!(s.ask("qfThreadInfo"), "m1");
    assert_eq!(s.ask("qsThreadInfo"), "l");
    let reg = s.ask("qRegisterInfo0");
    assert_eq!(field(&reg, "name"), Some("pc"));
    assert_eq!(field(&reg, "bitsize"), Some("64"));
    assert_eq!(field(&reg, "generic"), Some("pc"));
    assert_eq!(s.ask("qRegisterInfo1"), "E45");
    assert_eq!(s.ask("Hg1"), "OK");
    // Unsupported packets get the empty reply.
    assert_eq!(s.ask("qStructuredDataPlugins"), "");
    assert_eq!(s.ask("jThreadsInfo"), "");
    assert_eq!(s.ask("x0,0"), "");
    assert_eq!(s.ask("_M1000,rwx"), "");
    assert_eq!(s.ask("qMemoryRegionInfo:0"), "");
    // Stopped before the first instruction of `_start`.
    let stop = s.ask("?");
    assert!(stop.starts_with("T05thread:1;"), "{stop}");
    let first = CODE | op_offset(SQUARE, 1, 0);
    assert_eq!(field(&stop, "thread-pcs"), Some(&*format!("{first:x}")));
    assert_eq!(le_u64(field(&stop, "00").unwrap()), first);
    assert_eq!(le_u64(&s.ask("p0")), first);
    assert_eq!(le_u64(&s.ask("p0;thread:1;")), first);
    assert_eq!(s.ask("p5"), "E01");
    let libs = s.ask("qXfer:libraries:read::0,ffff");
    assert_eq!(
        libs,
        "l<library-list><library name=\"m.wasm\"><section address=\"0x4000000000000000\"/>\
         </library></library-list>"
    );
    // Read in pieces: `m` while more follows.
    let part = s.ask("qXfer:libraries:read::0,10");
    assert_eq!(part, "m<library-list><l");
    assert_eq!(s.ask("qXfer:libraries:read::1000,10"), "l");
    assert_eq!(s.ask("qXfer:libraries:read::zz"), "E01");
    assert_eq!(s.ask("qXfer:features:read:target.xml:0,fff"), "");
    assert_eq!(s.ask("D"), "OK");
    assert_eq!(s.finish().0, 0);
}

#[test]
fn module_bytes_and_memory_are_read_and_written() {
    let mut s = Session::start(SQUARE);
    s.no_acks();
    let binary = wat::parse_str(SQUARE).unwrap();
    assert_eq!(s.ask("m4000000000000000,8"), "0061736d01000000");
    let end = format!("m{:x},10", CODE + binary.len() as u64 - 2);
    let tail: String = binary[binary.len() - 2..]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // A read running past the end is cut short; one starting there fails.
    assert_eq!(s.ask(&end), tail);
    assert_eq!(
        s.ask(&format!("m{:x},4", CODE + binary.len() as u64)),
        "E01"
    );
    // Module 1 does not exist.
    assert_eq!(s.ask("m4000000100000000,4"), "E01");
    // Linear memory: bare addresses.
    assert_eq!(s.ask("m10,4"), "00000000");
    assert_eq!(s.ask("M10,4:2a000000"), "OK");
    assert_eq!(s.ask("m10,4"), "2a000000");
    assert_eq!(s.ask("mfffe,4"), "0000");
    assert_eq!(s.ask("m10000,4"), "E01");
    // Bad requests.
    assert_eq!(s.ask("M10,4:2a00"), "E01");
    assert_eq!(s.ask("M10,2:zzzz"), "E01");
    assert_eq!(s.ask("Mfffe,4:01020304"), "E01");
    assert_eq!(s.ask("M4000000000000000,1:00"), "E01");
    assert_eq!(s.ask("m10"), "E01");
    assert_eq!(s.ask("mzz,4"), "E01");
    assert_eq!(s.ask("m,"), "E01");
    assert_eq!(s.ask("m"), "E01");
    assert_eq!(s.ask("M"), "E01");
    assert_eq!(s.ask("D"), "OK");
    assert_eq!(s.finish().0, 0);
}

#[test]
fn breakpoint_stops_with_frames_locals_globals_and_stack() {
    let mut s = Session::start(SQUARE);
    s.no_acks();
    // Before `i32.mul` in `square`: two copies of x on the stack.
    let mul = CODE | op_offset(SQUARE, 0, 2);
    assert_eq!(s.ask(&format!("Z0,{mul:x},1")), "OK");
    let stop = s.ask("c");
    assert!(stop.contains("reason:breakpoint"), "{stop}");
    assert_eq!(field(&stop, "thread-pcs"), Some(&*format!("{mul:x}")));
    // Two frames; the caller's pc is its return address, the
    // `global.set` after the call.
    let stack = s.ask("qWasmCallStack:1");
    assert_eq!(stack.len(), 32, "{stack}");
    assert_eq!(le_u64(&stack[..16]), mul);
    assert_eq!(le_u64(&stack[16..]), CODE | op_offset(SQUARE, 1, 2));
    assert_eq!(s.ask("qWasmLocal:0;0"), "07000000");
    assert_eq!(s.ask("qWasmLocal:0;1"), "0000000000000000");
    assert_eq!(s.ask("qWasmLocal:0;2"), "E01");
    assert_eq!(s.ask("qWasmLocal:2;0"), "E01");
    assert_eq!(s.ask("qWasmLocal:x;0"), "E01");
    assert_eq!(s.ask("qWasmLocal:0"), "E01");
    assert_eq!(s.ask("qWasmStackValue:0;0"), "07000000");
    assert_eq!(s.ask("qWasmStackValue:0;1"), "07000000");
    assert_eq!(s.ask("qWasmStackValue:0;2"), "E01");
    // The caller, at its call: the argument is on its stack.
    assert_eq!(s.ask("qWasmStackValue:1;0"), "07000000");
    assert_eq!(s.ask("qWasmGlobal:0;0"), "2a000000");
    assert_eq!(s.ask("qWasmGlobal:1;0"), "2a000000");
    assert_eq!(s.ask("qWasmGlobal:0;1"), "E01");
    // A step runs the multiplication: the result is on the stack.
    let step = s.ask("vCont;s:1");
    assert!(step.contains("reason:trace"), "{step}");
    let end = CODE | op_offset(SQUARE, 0, 3);
    assert_eq!(field(&step, "thread-pcs"), Some(&*format!("{end:x}")));
    assert_eq!(s.ask("qWasmStackValue:0;0"), "31000000");
    // Stepping out of the callee lands on the caller's return address.
    let out = s.ask("s");
    let ret = CODE | op_offset(SQUARE, 1, 2);
    assert_eq!(field(&out, "thread-pcs"), Some(&*format!("{ret:x}")));
    assert_eq!(s.ask("qWasmCallStack:1").len(), 16);
    assert_eq!(s.ask(&format!("z0,{mul:x},1")), "OK");
    // Only software breakpoints in module space.
    assert_eq!(s.ask("Z1,4000000000000010,1"), "");
    assert_eq!(s.ask("Z0,10,1"), "E01");
    assert_eq!(s.ask("Z0,zz,1"), "E01");
    // Past the module's end, or in a module that does not exist.
    assert_eq!(s.ask("Z0,40000000ffffffff,1"), "E01");
    assert_eq!(s.ask("Z0,4000000500000010,1"), "E01");
    assert_eq!(s.ask("z0,4000000500000010,1"), "OK");
    // The program ends: its exit status, then `?` says so too.
    assert_eq!(s.ask("c"), "W00");
    assert_eq!(s.ask("?"), "W00");
    assert_eq!(s.ask("qWasmCallStack:1"), "E01");
    assert_eq!(s.ask("m10,4"), "E01");
    assert_eq!(s.ask("k"), "W00");
    let (status, _) = s.finish();
    assert_eq!(status, 0);
}

#[test]
fn a_trap_stops_the_program_then_ends_it() {
    let wat = r#"(module
      (func $inner unreachable)
      (func (export "_start") call $inner))"#;
    let mut s = Session::start(wat);
    s.no_acks();
    let stop = s.ask("c");
    let description: String = "wasm trap: unreachable"
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        stop.contains(&format!("reason:exception;description:{description};")),
        "{stop}"
    );
    assert_eq!(
        field(&stop, "thread-pcs"),
        Some(&*format!("{:x}", CODE | op_offset(wat, 0, 0)))
    );
    assert_eq!(s.ask("qWasmCallStack:1").len(), 32);
    // Trapped is trapped: going on ends the program (status 2).
    assert_eq!(s.ask("c"), "W02");
    assert_eq!(s.finish().0, 2);
}

#[test]
fn kill_ends_the_program_and_detach_lets_it_finish() {
    let mut s = Session::start(SQUARE);
    s.no_acks();
    assert_eq!(s.ask("k"), "X09");
    assert_eq!(s.finish().0, 2);

    let wat = r#"(module
      (import "wasi_snapshot_preview1" "fd_write"
        (func $write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "done\n")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 16))
        (i32.store (i32.const 4) (i32.const 5))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;
    let mut s = Session::start(wat);
    let first = s.ask("?");
    assert!(first.starts_with("T05"), "{first}");
    // Breakpoints go with the debugger.
    let at = CODE | op_offset(wat, 0, 3);
    assert_eq!(s.ask(&format!("Z0,{at:x},1")), "OK");
    assert_eq!(s.ask("D"), "OK");
    assert_eq!(s.finish(), (0, "done\n".to_string()));
}

#[test]
fn the_interrupt_byte_pauses_a_running_program() {
    let wat = r#"(module
      (global $n (mut i32) (i32.const 0))
      (func (export "_start")
        (loop $l
          (global.set $n (i32.add (global.get $n) (i32.const 1)))
          (br $l))))"#;
    let mut s = Session::start(wat);
    s.no_acks();
    s.send("c");
    std::thread::sleep(std::time::Duration::from_millis(200));
    s.send_raw(b"\x03");
    let stop = s.recv();
    assert!(stop.starts_with("T02thread:1;"), "{stop}");
    assert!(stop.contains("reason:signal"), "{stop}");
    // It ran: the counter moved.
    let n = s.ask("qWasmGlobal:0;0");
    assert_ne!(n, "00000000");
    // An interrupt byte right behind the resuming packet, in one write.
    s.send_raw(b"$c#63\x03");
    let again = s.recv();
    assert!(again.starts_with("T02thread:1;"), "{again}");
    assert_eq!(s.ask("k"), "X09");
    assert_eq!(s.finish().0, 2);
}

#[test]
fn bad_packets_are_refused_and_the_stub_goes_on() {
    let mut s = Session::start(SQUARE);
    // A wrong checksum is refused with `-`.
    s.send_raw(b"$qC#00");
    assert_eq!(s.byte(), b'-');
    assert_eq!(s.ask("qC"), "QC1");
    // Noise between packets is skipped.
    s.send_raw(b"garbage");
    assert_eq!(s.ask("qC"), "QC1");
    s.no_acks();
    // Too long for PacketSize: read, dropped and answered with an error.
    let long = "m".repeat(0x20010);
    assert_eq!(s.ask(&long), "E01");
    // Malformed resumes and queries.
    assert_eq!(s.ask("vCont;x"), "E01");
    assert_eq!(s.ask("vContz"), "");
    assert_eq!(s.ask("qWasmStackValue:;"), "E01");
    assert_eq!(s.ask("qWasmGlobal:99999999999999999999;0"), "E01");
    assert_eq!(s.ask(""), "");
    assert_eq!(s.ask("\u{7f}\u{1}"), "");
    assert_eq!(s.ask("qC"), "QC1");
    // Hanging up lets the program finish.
    assert_eq!(s.finish().0, 0);
}
