//! WASI programs in C (tests/programs, built by its build.sh) that wait:
//! `poll_oneoff` on stdin and on sockets, served through `--tcplisten`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PROGRAMS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/programs");

fn wasm(name: &str) -> String {
    format!("{PROGRAMS}/{name}.wasm")
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to run weft")
}

/// Waits for `child`, returning (status, stdout, stderr).
fn finish(child: Child) -> (i32, String, String) {
    let out = child.wait_with_output().expect("weft ran");
    (
        out.status.code().expect("weft was killed by a signal"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `poll_oneoff` on the host's stdin returns when data arrives, not before
/// (the program reports whether it waited at least 300 ms; the data comes
/// after 400 ms), and the data is then read in full.
#[test]
fn poll_waits_for_stdin_data() {
    let mut child = spawn(&["run", &wasm("poll_stdin")]);
    let mut stdin = child.stdin.take().expect("stdin");
    std::thread::sleep(Duration::from_millis(400));
    stdin.write_all(b"late data\n").expect("write stdin");
    drop(stdin);
    let (code, out, err) = finish(child);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "poll: 1 POLLIN, waited >= 300 ms\nlate data\n");
}

/// A guest blocked in `poll_oneoff` with no data coming ends as
/// interrupted when `--timeout` fires, with a backtrace through `poll`.
#[test]
fn timeout_interrupts_a_guest_blocked_in_poll() {
    let start = Instant::now();
    let mut child = spawn(&["run", "--timeout", "1s", &wasm("poll_stdin")]);
    let stdin = child.stdin.take().expect("stdin"); // held open, never written
    let (code, out, err) = finish(child);
    let took = start.elapsed();
    drop(stdin);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.starts_with("error: wasm trap: interrupted\n"), "{err}");
    assert!(err.contains("!poll @ 0x"), "{err}");
    assert!(
        took >= Duration::from_millis(900),
        "stopped early: {took:?}"
    );
    assert!(took < Duration::from_millis(1500), "took {took:?}");
}

/// A free loopback port (bound, then released for weft to bind).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Connects to `addr`, retrying while the server starts.
fn connect(addr: &str) -> TcpStream {
    for _ in 0..250 {
        if let Ok(c) = TcpStream::connect(addr) {
            return c;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("nothing listens on {addr}");
}

/// Sends `data` on a new connection (from another thread, while reading),
/// half-closes, and returns everything the server sent back.
fn echo(addr: &str, data: Vec<u8>) -> Vec<u8> {
    let mut conn = connect(addr);
    let mut writer = conn.try_clone().expect("clone socket");
    let sender = std::thread::spawn(move || {
        writer.write_all(&data).expect("send");
        writer
            .shutdown(std::net::Shutdown::Write)
            .expect("shutdown");
    });
    let mut back = Vec::new();
    conn.read_to_end(&mut back).expect("receive");
    sender.join().expect("sender");
    back
}

/// A C echo server (poll on the listener and every connection, accept,
/// recv, send) under `--tcplisten`: 100 connections, four at a time, each
/// echo 64 KiB of distinct bytes intact.
#[test]
fn tcplisten_echo_server_serves_100_connections() {
    let addr = format!("127.0.0.1:{}", free_port());
    let server = spawn(&["run", "--tcplisten", &addr, &wasm("echo_server"), "100"]);
    let clients: Vec<_> = (0..4u32)
        .map(|t| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                for c in 0..25u32 {
                    let id = t * 25 + c;
                    let data: Vec<u8> = (0..65536u32)
                        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 ^ id as u8)
                        .collect();
                    assert!(echo(&addr, data.clone()) == data, "connection {id} garbled");
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("client");
    }
    let (code, out, err) = finish(server);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "served 100 connections, echoed 6553600 bytes\n");
}
