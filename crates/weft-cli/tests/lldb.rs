//! Source-level debugging end to end: stock LLDB (Debian's `lldb-22`,
//! which has the WebAssembly plugin) attaches to `weft run -g` on a C
//! program built with `-g` (tests/programs/debug/debugme.c), stops at a
//! source line, prints locals, backtraces, steps and runs to the exit.
//! Installs nothing: without an LLDB it says so and passes, except under
//! CI=true, where `.ci/run` installs one and its absence fails.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn lldb() -> Option<String> {
    let candidates = [std::env::var("LLDB").ok(), Some("lldb-22".to_string())];
    candidates.into_iter().flatten().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn lldb_debugs_a_c_program_at_source_level() {
    let Some(lldb) = lldb() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but no lldb-22 (set LLDB or install lldb-22)"
        );
        eprintln!("skipped: no lldb-22 on PATH (apt-get install lldb-22)");
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/programs/debug");
    let mut weft = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["run", "-g", "0", "debugme.wasm"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(weft.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("connect://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches(')')
        .to_string();
    let commands = [
        format!("process connect --plugin wasm {url}"),
        "breakpoint set --file debugme.c --line 6".into(),
        "continue".into(),
        "frame variable x".into(),
        "bt".into(),
        "next".into(),
        "frame variable result".into(),
        "print x + 41".into(),
        "up".into(),
        "frame variable n total i".into(),
        "continue".into(),
        "frame variable x".into(),
        "breakpoint delete 1".into(),
        "continue".into(),
    ];
    let mut cmd = Command::new(&lldb);
    cmd.args(["--no-lldbinit", "--batch"]).current_dir(&dir);
    for c in &commands {
        cmd.args(["-o", c]);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let mut weft_out = String::new();
    weft.stdout
        .take()
        .unwrap()
        .read_to_string(&mut weft_out)
        .unwrap();
    let status = weft.wait().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let context = format!("LLDB said:\n{text}\nweft's stderr:\n{rest}");

    // Each expectation in order, each after the previous one.
    let mut at = 0;
    let mut expect = |what: &str| match text[at..].find(what) {
        Some(i) => at += i + what.len(),
        None => panic!("expected {what:?} after byte {at}\n{context}"),
    };
    expect("Breakpoint 1: where = debugme.wasm`square");
    expect("stop reason = breakpoint 1.1");
    expect("square(x=1) at debugme.c:6");
    expect("(int) x = 1");
    // The backtrace names the C functions, innermost first, with lines.
    expect("frame #0:");
    expect("`square(x=1) at debugme.c:6");
    expect("frame #1:");
    expect("`sum_squares(n=4) at debugme.c:13");
    expect("frame #2:");
    expect("`main at debugme.c:19");
    // One step: the next line, with `result` computed.
    expect("stop reason = step over");
    expect("at debugme.c:7");
    expect("(int) result = 1");
    // An expression on the frame's variables.
    expect("(int) 42");
    // The caller's variables.
    expect("frame #1:");
    expect("(int) n = 4");
    expect("(int) total = 0");
    expect("(int) i = 1");
    // The breakpoint again, for the next call.
    expect("stop reason = breakpoint 1.1");
    expect("(int) x = 2");
    expect("exited with status = 3");
    assert_eq!(weft_out, "total 30\n", "{context}");
    assert_eq!(status.code(), Some(3), "{context}");
}
