//! End-to-end tests of the `weft` binary: exact output and exit status.

use std::path::PathBuf;
use std::process::{Command, Output};

const ADD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/add.wat");

/// Runs `weft` with `args`, returning (status, stdout, stderr).
fn weft(args: &[&str]) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .output()
        .expect("failed to run weft");
    (
        status.code().expect("weft was killed by a signal"),
        String::from_utf8(stdout).expect("stdout is not UTF-8"),
        String::from_utf8(stderr).expect("stderr is not UTF-8"),
    )
}

/// Writes `contents` to a file named `name` in this test binary's scratch
/// directory and returns its path.
fn scratch(name: &str, contents: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("weft-cli-tests");
    std::fs::create_dir_all(&dir).expect("failed to create scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("failed to write scratch file");
    path.to_string_lossy().into_owned()
}

const MATH: &str = r#"(module
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "half") (param f64) (result f64) local.get 0 f64.const 2 f64.div)
  (func (export "pair") (param i64) (result i64 f32) local.get 0 f32.const 1.5))"#;

#[test]
fn run_add_prints_result() {
    assert_eq!(
        weft(&["run", ADD, "--invoke", "add", "1", "2"]),
        (0, "3\n".to_string(), String::new())
    );
}

#[test]
fn run_accepts_negative_and_hex_arguments() {
    let (code, out, err) = weft(&["run", ADD, "--invoke", "add", "-1", "0x10"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "15\n", ""));
    let (code, out, _) = weft(&["run", ADD, "--invoke", "add", "0xffffffff", "0"]);
    assert_eq!((code, out.as_str()), (0, "-1\n"));
}

#[test]
fn run_prints_floats_and_multiple_results() {
    let math = scratch("math.wat", MATH);
    let (code, out, _) = weft(&["run", &math, "--invoke", "half", "5"]);
    assert_eq!((code, out.as_str()), (0, "2.5\n"));
    let (code, out, _) = weft(&["run", &math, "--invoke", "half", "-inf"]);
    assert_eq!((code, out.as_str()), (0, "-inf\n"));
    let (code, out, _) = weft(&["run", &math, "--invoke", "pair", "-7"]);
    assert_eq!((code, out.as_str()), (0, "-7\n1.5\n"));
}

#[test]
fn run_prints_gc_references() {
    let refs = scratch(
        "refs.wat",
        r#"(module
             (type $s (struct (field i32)))
             (type $a (array i8))
             (func (export "refs") (result anyref anyref anyref anyref funcref)
               (ref.i31 (i32.const -5))
               (struct.new $s (i32.const 1))
               (array.new_default $a (i32.const 3))
               (ref.null any)
               (ref.null func)))"#,
    );
    let (code, out, err) = weft(&["run", &refs, "--invoke", "refs"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            0,
            "(ref.i31 -5)\n(ref.struct)\n(ref.array)\nnull\nnull\n",
            ""
        )
    );
}

/// `weft run` takes legacy exception handling by default (older
/// toolchains emit it); `-W legacy-exceptions=n` is not an option of run,
/// but the library's default (off) is what `weft wast` uses.
#[test]
fn run_accepts_legacy_exception_handling() {
    let legacy = scratch(
        "legacy.wat",
        r#"(module
             (tag $e (param i32))
             (func (export "f") (param i32) (result i32)
               try (result i32)
                 (throw $e (local.get 0))
               catch $e
                 i32.const 1
                 i32.add
               end))"#,
    );
    let (code, out, err) = weft(&["run", &legacy, "--invoke", "f", "41"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "42\n", ""));
    let (code, out, _) = weft(&["validate", &legacy]);
    assert_eq!(code, 0, "{out}");
}

/// examples/exceptions.wat: an exception thrown 1000 frames down, caught
/// and thrown on by every 100th frame, caught at the top.
#[test]
fn run_exceptions_through_many_frames() {
    let wat = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/exceptions.wat");
    let (code, out, err) = weft(&["run", wat, "--invoke", "main"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "1000\n10\n", ""));
}

/// An exception nothing catches ends `weft run` like a trap (exit 2),
/// naming the tag and its payload, with the frames it unwound.
#[test]
fn run_uncaught_exception_exits_with_2_and_a_backtrace() {
    let unc = scratch(
        "uncaught.wat",
        r#"(module
             (tag $boom (export "boom") (param i32))
             (func $inner (throw $boom (i32.const 7)))
             (func $mid (call $inner))
             (func (export "main") (call $mid)))"#,
    );
    let (code, out, err) = weft(&["run", &unc, "--invoke", "main"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: uncaught wasm exception: tag `boom` (i32 7)\nwasm backtrace:\n  \
         0: inner @ 0x35\n  1: mid @ 0x3a\n  2: <wasm function 2> @ 0x3f\n"
    );
}

#[test]
fn run_wrong_argument_count_is_an_error() {
    let (code, out, err) = weft(&["run", ADD, "--invoke", "add", "1"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn run_bad_argument_and_unknown_export_are_errors() {
    let (code, _, err) = weft(&["run", ADD, "--invoke", "add", "one", "2"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: argument 1: "), "{err}");
    let (code, _, err) = weft(&["run", ADD, "--invoke", "sub", "1", "2"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: ") && err.contains("sub"), "{err}");
}

#[test]
fn run_missing_file_is_an_error() {
    let (code, out, err) = weft(&["run", "no/such/file.wasm"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.starts_with("error: no/such/file.wasm: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn run_unresolved_import_is_named() {
    let module = scratch("import.wat", r#"(module (import "env" "f" (func)))"#);
    let (code, _, err) = weft(&["run", &module]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: ") && err.contains("\"env\" \"f\""),
        "{err}"
    );
}

#[test]
fn run_trap_exits_with_2() {
    let math = scratch("trap.wat", MATH);
    let (code, out, err) = weft(&["run", &math, "--invoke", "div", "1", "0"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.lines()
            .next()
            .unwrap_or_default()
            .contains("integer divide by zero"),
        "{err}"
    );
}

#[test]
fn validate_reports_valid_and_invalid() {
    assert_eq!(
        weft(&["validate", ADD]),
        (0, format!("{ADD}: valid\n"), String::new())
    );
    let bad = scratch("invalid.wat", "(module (func (result i32) i64.const 1))");
    let (code, out, err) = weft(&["validate", &bad]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with(&format!("error: {bad}: ")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn validate_reports_syntax_errors_on_one_line() {
    let bad = scratch("syntax.wat", "(module (func)");
    let (code, _, err) = weft(&["validate", &bad]);
    assert_eq!(code, 1);
    assert!(err.starts_with(&format!("error: {bad}: ")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn inspect_lists_exports_and_sections() {
    let (code, out, err) = weft(&["inspect", ADD]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.contains("  type[0]: (func (param i32 i32) (result i32))\n"),
        "{out}"
    );
    assert!(out.contains("  export \"add\": func 0\n"), "{out}");
    assert!(out.contains("sections ("), "{out}");
    assert!(out.contains("  code "), "{out}");
}

const WAST_MODULE: &str = r#"(module (func (export "add") (param i32 i32) (result i32)
  local.get 0 local.get 1 i32.add))
"#;

#[test]
fn wast_passing_script() {
    let script = scratch(
        "pass.wast",
        &format!(
            "{WAST_MODULE}(assert_return (invoke \"add\" (i32.const 1) (i32.const 2)) (i32.const 3))\n"
        ),
    );
    let (code, out, err) = weft(&["wast", &script]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        format!("{script}: 2 passed, 0 failed\n2 passed, 0 failed\n")
    );
}

#[test]
fn wast_failing_script() {
    let script = scratch(
        "fail.wast",
        &format!(
            "{WAST_MODULE}(assert_return (invoke \"add\" (i32.const 1) (i32.const 2)) (i32.const 4))\n"
        ),
    );
    let (code, out, _) = weft(&["wast", &script]);
    assert_eq!(code, 1);
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with(&format!("{script}:3:")), "{out}");
    assert!(lines[0].contains(": assert_return: "), "{out}");
    assert_eq!(lines[1], format!("{script}: 1 passed, 1 failed"));
    assert_eq!(lines[2], "1 passed, 1 failed");
}

#[test]
fn usage_errors_exit_with_1() {
    let (code, _, err) = weft(&["frobnicate"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error:"), "{err}");
    let (code, out, _) = weft(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Exit status:"), "{out}");
}

// ---- WASI commands (programs from tests/programs, see build.sh there) ----

const PROGRAMS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/programs");

fn wasm(name: &str) -> String {
    format!("{PROGRAMS}/{name}.wasm")
}

/// Runs `weft` with `args` and `stdin`, returning (status, stdout, stderr).
fn weft_with_stdin(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("failed to run weft");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait");
    (
        status.code().expect("weft was killed by a signal"),
        String::from_utf8(stdout).expect("stdout is not UTF-8"),
        String::from_utf8(stderr).expect("stderr is not UTF-8"),
    )
}

#[test]
fn wasi_hello() {
    assert_eq!(
        weft(&["run", &wasm("hello")]),
        (
            0,
            "Hello, world!\n".to_string(),
            "this goes to stderr\n".to_string()
        )
    );
}

#[test]
fn wasi_args_and_env() {
    let prog = wasm("args_env");
    let (code, out, err) = weft(&[
        "run",
        "--env",
        "GREETING=hi there",
        "--env",
        "EMPTY=",
        &prog,
        "--",
        "-a",
        "--dir",
        "x y",
    ]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        format!(
            "argc=4\nargv[0]={prog}\nargv[1]=-a\nargv[2]=--dir\nargv[3]=x y\n\
             env GREETING=hi there\nenv EMPTY=\n\
             getenv(GREETING)=hi there\ngetenv(MISSING)=(null)\n"
        )
    );
}

#[test]
fn wasi_inherit_env_and_env_by_name() {
    let prog = wasm("args_env");
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_weft"))
            .args(args)
            .env("WEFT_TEST_VAR", "from host")
            .output()
            .expect("run weft");
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let out = run(&["run", "--inherit-env", &prog]);
    assert!(out.contains("\nenv WEFT_TEST_VAR=from host\n"), "{out}");
    let out = run(&["run", "--env", "WEFT_TEST_VAR", &prog]);
    assert!(out.contains("\nenv WEFT_TEST_VAR=from host\n"), "{out}");
    assert_eq!(out.matches("\nenv ").count(), 1, "{out}");
    let out = run(&["run", "--inherit-env", "--env", "WEFT_TEST_VAR=mine", &prog]);
    assert!(out.contains("\nenv WEFT_TEST_VAR=mine\n"), "{out}");
    let out = run(&["run", &prog]);
    assert!(!out.contains("\nenv "), "no environment by default: {out}");
}

#[test]
fn wasi_exit_status() {
    let prog = wasm("exit_code");
    assert_eq!(
        weft(&["run", &prog, "exit", "7"]),
        (7, "exiting with 7\n".to_string(), String::new())
    );
    let (code, out, err) = weft(&["run", &prog, "return", "300"]);
    assert_eq!((code, out.as_str(), err.as_str()), (300 % 256, "", ""));
    let (code, _, _) = weft(&["run", &prog, "exit", "0"]);
    assert_eq!(code, 0);
}

#[test]
fn wasi_trap_exits_with_2_and_a_backtrace() {
    let (code, out, err) = weft(&["run", &wasm("exit_code"), "trap"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    let lines: Vec<_> = err.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "about to trap",
            "error: wasm trap: unreachable",
            "wasm backtrace:"
        ]
    );
    // Each frame: its function and the byte offset of the instruction it
    // is at (the trap, or the call).
    let at = |line: &str, name: &str| {
        line.split_once(&format!("{name} @ 0x"))
            .is_some_and(|(_, hex)| u64::from_str_radix(hex, 16).is_ok())
    };
    assert!(
        lines[3].starts_with("  0: ") && at(lines[3], "deep_trap"),
        "{err}"
    );
    assert!(
        lines.iter().any(|l| at(l, "about_to_trap")) && lines.iter().any(|l| at(l, "main")),
        "{err}"
    );
}

#[test]
fn wasi_stdin_is_the_hosts() {
    let (code, out, err) = weft_with_stdin(&["run", &wasm("stdin_echo")], "a\nb\n");
    assert_eq!(code, 0);
    assert_eq!(out, "a\nb\n");
    assert_eq!(err, "poll: 1 POLLIN\nread 4 bytes, 2 lines\n");
}

#[test]
fn wasi_files_with_dir() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = format!("{}::/sandbox", tmp.path().display());
    let (code, out, err) = weft(&["run", "--dir", &dir, &wasm("files"), "/sandbox"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, include_str!("../../../tests/programs/files.stdout"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("data.txt")).expect("data.txt"),
        "HELLO world+app\n!\n"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("moved.txt")).expect("moved.txt"),
        "inner\n"
    );
}

#[test]
fn wasi_dir_without_guest_name_uses_the_host_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let host = tmp.path().display().to_string();
    let (code, out, err) = weft(&["run", "--dir", &host, &wasm("files"), &host]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, include_str!("../../../tests/programs/files.stdout"));
}

#[test]
fn wasi_sandbox_holds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let sandbox = root.join("sandbox");
    std::fs::create_dir_all(sandbox.join("sub")).expect("mkdir");
    std::fs::write(root.join("outside.txt"), "secret\n").expect("write");
    std::fs::write(sandbox.join("inside.txt"), "inside\n").expect("write");
    std::os::unix::fs::symlink(root.join("outside.txt"), sandbox.join("escape_abs"))
        .expect("symlink");
    std::os::unix::fs::symlink("../outside.txt", sandbox.join("escape_rel")).expect("symlink");
    std::os::unix::fs::symlink("..", sandbox.join("escape_dir")).expect("symlink");
    let dir = format!("{}::/sandbox", sandbox.display());
    let (code, out, err) = weft(&["run", "--dir", &dir, &wasm("sandbox"), "/sandbox"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, include_str!("../../../tests/programs/sandbox.stdout"));
    assert_eq!(
        std::fs::read_to_string(root.join("outside.txt")).expect("outside"),
        "secret\n"
    );
    let mut names: Vec<_> = std::fs::read_dir(root)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["outside.txt", "sandbox"]);
}

#[test]
fn wasi_bad_dir_is_an_error() {
    let (code, out, err) = weft(&["run", "--dir", "no/such/dir::/x", &wasm("hello")]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        err.starts_with("error: --dir no/such/dir::/x: no/such/dir: "),
        "{err}"
    );
    let (code, _, err) = weft(&["run", "--env", "=x", &wasm("hello")]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: --env =x: "), "{err}");
}

#[test]
fn wasi_and_other_imports_names_the_other() {
    let module = scratch(
        "mixed.wat",
        r#"(module
          (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
          (import "env" "g" (func)))"#,
    );
    let (code, _, err) = weft(&["run", &module]);
    assert_eq!(code, 1);
    assert!(err.contains("\"env\" \"g\""), "{err}");
}

#[test]
fn wasi_module_with_invoke() {
    // --invoke still calls one function and prints its results; the WASI
    // imports are there for it.
    let module = scratch(
        "wasi_invoke.wat",
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (func (export "twice") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
          (func (export "quit") (param i32) local.get 0 call $exit))"#,
    );
    let (code, out, _) = weft(&["run", &module, "--invoke", "twice", "21"]);
    assert_eq!((code, out.as_str()), (0, "42\n"));
    let (code, out, err) = weft(&["run", &module, "--invoke", "quit", "5"]);
    assert_eq!((code, out.as_str(), err.as_str()), (5, "", ""));
}

#[test]
fn run_takes_and_prints_v128() {
    let simd = scratch(
        "simd.wat",
        r#"(module (func (export "add") (param v128 v128) (result v128)
             (i32x4.add (local.get 0) (local.get 1))))"#,
    );
    let (code, out, err) = weft(&["run", &simd, "--invoke", "add", "i32x4 1 2 3 -1", "0x1"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "0xffffffff000000030000000200000002 (i32x4 2 2 3 -1)\n");
    let (code, _, err) = weft(&["run", &simd, "--invoke", "add", "i32x4 1 2", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("i32x4 takes 4 lanes, got 2"), "{err}");
}

#[test]
fn wast_features_can_be_switched_off() {
    let script = scratch("two-memories.wast", "(module (memory 1) (memory 1))\n");
    let (code, out, _) = weft(&["wast", &script]);
    assert_eq!((code, out.lines().last()), (0, Some("1 passed, 0 failed")));
    let (code, out, _) = weft(&["wast", "-W", "multi-memory=n", &script]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("multiple memories"), "{out}");
    let (code, _, err) = weft(&["wast", "-W", "tail-calls", &script]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown feature `tail-calls`"), "{err}");
}

#[test]
fn run_lazy_compiles_on_first_call_and_still_validates_first() {
    let (code, out, err) = weft(&["run", "--lazy", ADD, "--invoke", "add", "1", "2"]);
    assert_eq!((code, out.as_str()), (0, "3\n"), "{err}");
    let bad = scratch(
        "lazy_invalid.wat",
        r#"(module (func (export "f") (result i32) (i64.const 1)))"#,
    );
    let (code, _, err) = weft(&["run", "--lazy", &bad, "--invoke", "f"]);
    assert_ne!(code, 0);
    assert!(err.contains("type mismatch"), "{err}");
}

/// examples/threads.wat: four wasi-threads threads sum in parallel; the
/// main thread waits for them and prints the total.
#[test]
fn run_wasi_threads_program_prints_the_parallel_sum() {
    let wat = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/threads.wat");
    for _ in 0..5 {
        let (code, out, err) = weft(&["run", wat]);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, "499999500000\n", "")
        );
    }
}

/// A wasi-threads module whose main thread runs `main` and whose spawned
/// threads run `child`; both may use $spawn, $exit, $print (an i32) and
/// $sleep_forever.
fn threads_module(main: &str, child: &str) -> String {
    format!(
        r#"(module
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func $sleep_forever
    (loop $l (drop (memory.atomic.wait32 (i32.const 1000) (i32.const 0) (i64.const -1))) (br $l)))
  (func $print (param $n i32)
    (i32.store8 (i32.const 64) (i32.add (i32.const 48) (local.get $n)))
    (i32.store8 (i32.const 65) (i32.const 10))
    (i32.store (i32.const 32) (i32.const 64))
    (i32.store (i32.const 36) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40))))
  (func $child (export "wasi_thread_start") (param $tid i32) (param $arg i32) {child})
  (func (export "_start") (local $i i32) (local $ok i32) {main}))"#
    )
}

/// A trap in a spawned thread ends the whole program (the main thread is
/// blocked in a wait) with the trap's status and message.
#[test]
fn run_wasi_threads_trap_in_a_child_ends_the_program() {
    let wat = scratch(
        "threads-trap.wat",
        &threads_module(
            "(drop (call $spawn (i32.const 0))) (call $sleep_forever)",
            "(unreachable)",
        ),
    );
    let (code, out, err) = weft(&["run", &wat]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("unreachable"), "{err}");
    assert!(err.contains("0: child"), "{err}");
}

/// `proc_exit` in a spawned thread ends every thread with its status.
#[test]
fn run_wasi_threads_proc_exit_in_a_child_ends_the_program() {
    let wat = scratch(
        "threads-exit.wat",
        &threads_module(
            "(drop (call $spawn (i32.const 0))) (call $sleep_forever)",
            "(call $exit (i32.const 7))",
        ),
    );
    assert_eq!(weft(&["run", &wat]), (7, String::new(), String::new()));
}

/// --max-threads bounds the threads running at once: past it
/// `thread-spawn` returns a negative value.
#[test]
fn run_wasi_threads_max_threads_bounds_spawning() {
    let wat = scratch(
        "threads-max.wat",
        &threads_module(
            "(loop $l
               (if (i32.ge_s (call $spawn (i32.const 0)) (i32.const 1))
                 (then (local.set $ok (i32.add (local.get $ok) (i32.const 1)))))
               (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                 (i32.const 5))))
             (call $print (local.get $ok))
             (call $exit (i32.const 0))",
            "(call $sleep_forever)",
        ),
    );
    assert_eq!(
        weft(&["run", "--max-threads", "3", &wat]),
        (0, "3\n".to_string(), String::new())
    );
}

/// --timeout reaches every thread, also ones blocked in a wait.
#[test]
fn run_wasi_threads_timeout_interrupts_every_thread() {
    let wat = scratch(
        "threads-timeout.wat",
        &threads_module(
            "(drop (call $spawn (i32.const 0))) (drop (call $spawn (i32.const 1))) (call $sleep_forever)",
            "(call $sleep_forever)",
        ),
    );
    let (code, out, err) = weft(&["run", "--timeout", "200ms", &wat]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("interrupted"), "{err}");
}

/// tests/programs/threads: a C program (clang, no C library) built for
/// wasi-threads: four threads sum in parallel, the main thread joins them
/// with wait/notify and prints the total (checked against a Python
/// computation of the same sum).
#[test]
fn run_c_wasi_threads_program() {
    let wasm = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/programs/threads/threads.wasm"
    );
    for _ in 0..3 {
        assert_eq!(
            weft(&["run", wasm]),
            (
                0,
                "threads: 4, total: 1020000991080574\n".to_string(),
                String::new()
            )
        );
    }
    let trap = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/programs/threads/threads_trap.wasm"
    );
    let (code, out, err) = weft(&["run", trap]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("wasm trap: unreachable"), "{err}");
    assert!(err.contains("thread_main"), "{err}");
}

/// When a spawned thread calls `proc_exit` while the main thread is blocked
/// in a host call that no interrupt reaches (sleeping in `poll_oneoff`,
/// reading a terminal), the process still ends promptly with its status.
#[test]
fn run_wasi_threads_exit_from_a_child_ends_a_main_thread_blocked_in_wasi() {
    let poll = r#"(module
  (memory (export "memory") (import "foo" "bar") 1 1 shared)
  (func $spawn (import "wasi" "thread-spawn") (param i32) (result i32))
  (func $exit (import "wasi_snapshot_preview1" "proc_exit") (param i32))
  (func $poll (import "wasi_snapshot_preview1" "poll_oneoff") (param i32 i32 i32 i32) (result i32))
  (func $read (import "wasi_snapshot_preview1" "fd_read") (param i32 i32 i32 i32) (result i32))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 100000000)))
    (call $exit (i32.const 99)))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then (unreachable)))
    BLOCK
    (unreachable)))"#;
    // Sleep 30 s in poll_oneoff (a relative clock subscription).
    let sleep = "(i64.store (i32.const 124) (i64.const 30000000000))
    (drop (call $poll (i32.const 100) (i32.const 200) (i32.const 1) (i32.const 300)))";
    // Read one byte from stdin, which the test keeps open and empty.
    let read =
        "(i32.store (i32.const 100) (i32.const 200)) (i32.store (i32.const 104) (i32.const 1))
    (drop (call $read (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 300)))";
    for (name, block) in [("poll", sleep), ("read", read)] {
        let wat = scratch(
            &format!("threads-exit-blocked-{name}.wat"),
            &poll.replace("BLOCK", block),
        );
        let start = std::time::Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_weft"))
            .args(["run", &wat])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("failed to run weft");
        // `wait` would close a stdin it still holds: keep it open.
        let stdin = child.stdin.take();
        let status = child.wait().expect("weft ran");
        drop(stdin);
        assert_eq!(status.code(), Some(99), "{name}");
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "{name}"
        );
    }
}

/// The wasi-threads test suite's spawn check, with the import spelled
/// `thread_spawn` as some of its files do: the child sees its id and the
/// start argument.
#[test]
fn run_wasi_threads_spawn_passes_tid_and_argument() {
    let wat = scratch(
        "threads-spawn-args.wat",
        r#"(module
  (memory (export "memory") (import "foo" "bar") 1 1 shared)
  (func $spawn (import "wasi" "thread_spawn") (param i32) (result i32))
  (func $exit (import "wasi_snapshot_preview1" "proc_exit") (param i32))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (i32.store (i32.const 4) (local.get $tid))
    (i32.store (i32.const 8) (local.get $arg))
    (i32.atomic.store (i32.const 0) (i32.const 1))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))
  (func (export "_start") (local $tid i32)
    (local.set $tid (call $spawn (i32.const 12345)))
    (if (i32.le_s (local.get $tid) (i32.const 0)) (then (unreachable)))
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
    (if (i32.ne (i32.load (i32.const 4)) (local.get $tid)) (then (unreachable)))
    (if (i32.ne (i32.load (i32.const 8)) (i32.const 12345)) (then (unreachable)))
    (call $exit (i32.const 22))))"#,
    );
    assert_eq!(weft(&["run", &wat]), (22, String::new(), String::new()));
}

/// --preload NAME=FILE: FILE's exports (functions and its memory) become
/// importable as NAME, WASI included for it and for the main program, and
/// preloads chain in order.
#[test]
fn run_preload_links_modules_in_order() {
    let a = scratch(
        "preload-a.wat",
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "from a\n")
  (global $calls (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $calls (i32.const 100)))
  (func (export "hello")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 7))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "double") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.add (local.get 0) (local.get 0)))
  (func (export "calls") (result i32) (global.get $calls)))"#,
    );
    let b = scratch(
        "preload-b.wat",
        r#"(module
  (import "a" "double" (func $double (param i32) (result i32)))
  (func (export "quad") (param i32) (result i32) (call $double (call $double (local.get 0)))))"#,
    );
    let main = scratch(
        "preload-main.wat",
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "a" "hello" (func $hello))
  (import "a" "calls" (func $calls (result i32)))
  (import "a" "memory" (memory 1))
  (import "b" "quad" (func $quad (param i32) (result i32)))
  (export "memory" (memory 0))
  (func (export "main") (param i32) (result i32 i32)
    (call $hello)
    ;; "a"'s memory is ours: print its data segment again, then change it
    ;; so that "a" prints what we wrote.
    (i32.store (i32.const 32) (i32.const 16)) (i32.store (i32.const 36) (i32.const 7))
    (drop (call $w (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40)))
    (i32.store (i32.const 16) (i32.const 0x6d6f7266)) ;; "from" stays
    (i32.store8 (i32.const 21) (i32.const 0x62))      ;; "from a" -> "from b"
    (call $hello)
    (call $quad (local.get 0)) (call $calls)))"#,
    );
    let pa = format!("a={a}");
    let pb = format!("b={b}");
    let args = [
        "run",
        "--preload",
        &pa,
        "--preload",
        &pb,
        &main,
        "--invoke",
        "main",
        "5",
    ];
    assert_eq!(
        weft(&args),
        (
            0,
            "from a\nfrom a\nfrom b\n20\n102\n".to_string(),
            String::new()
        )
    );

    // In the wrong order, `b` cannot find `a`.
    let (code, _, err) = weft(&["run", "--preload", &pb, "--preload", &pa, &main]);
    assert_eq!(code, 1);
    assert!(
        err.contains("preload-b.wat") && err.contains("\"a\" \"double\""),
        "{err}"
    );
}

/// A missing export of a preloaded module names the import and the module
/// that wanted it; a malformed flag is an error too.
#[test]
fn run_preload_errors_name_the_import_and_the_importer() {
    let a = scratch("preload-only.wat", r#"(module (func (export "f")))"#);
    let main = scratch(
        "preload-wants.wat",
        r#"(module (import "lib" "g" (func)) (func (export "main")))"#,
    );
    let spec = format!("lib={a}");
    let (code, out, err) = weft(&["run", "--preload", &spec, &main, "--invoke", "main"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("preload-wants.wat"), "{err}");
    assert!(err.contains("`lib::g` has not been defined"), "{err}");
    let (code, _, err) = weft(&["run", "--preload", "lib", &main]);
    assert_eq!(code, 1);
    assert!(err.contains("expected NAME=FILE"), "{err}");
}

/// The WASI socket calls a `--tcplisten` server uses.
const SOCK_IMPORTS: &str = r#"
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $stat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $setfl (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)"#;

/// A free loopback port (bound, then released for weft to bind).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// `--tcplisten`: a guest accepts a connection on its preopened listener,
/// receives a request, answers it and shuts the connection down.
#[test]
fn run_tcplisten_serves_one_connection() {
    let wat = scratch(
        "echo-server.wat",
        &format!(
            r#"(module {SOCK_IMPORTS}
  (data (i32.const 100) "pong:")
  (func (export "_start") (local $fd i32) (local $n i32)
    ;; fd 3 is a socket (filetype 6), and not a connection.
    (if (call $stat (i32.const 3) (i32.const 60)) (then (call $exit (i32.const 30))))
    (if (i32.ne (i32.load8_u (i32.const 60)) (i32.const 6)) (then (call $exit (i32.const 31))))
    (if (i32.ne (call $shutdown (i32.const 3) (i32.const 3)) (i32.const 57))
      (then (call $exit (i32.const 32))))
    (if (call $accept (i32.const 3) (i32.const 0) (i32.const 40)) (then (call $exit (i32.const 20))))
    (local.set $fd (i32.load (i32.const 40)))
    (i32.store (i32.const 0) (i32.const 105)) (i32.store (i32.const 4) (i32.const 100))
    (if (call $recv (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 44) (i32.const 48))
      (then (call $exit (i32.const 21))))
    (local.set $n (i32.load (i32.const 44)))
    (i32.store (i32.const 16) (i32.const 100))
    (i32.store (i32.const 20) (i32.add (i32.const 5) (local.get $n)))
    (if (call $send (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 0) (i32.const 52))
      (then (call $exit (i32.const 22))))
    (if (call $shutdown (local.get $fd) (i32.const 3)) (then (call $exit (i32.const 23))))
    (if (call $close (local.get $fd)) (then (call $exit (i32.const 24))))))"#
        ),
    );
    let addr = format!("127.0.0.1:{}", free_port());
    let mut server = Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(["run", "--tcplisten", &addr, &wat])
        .spawn()
        .expect("failed to run weft");
    let mut conn = None;
    for _ in 0..250 {
        match std::net::TcpStream::connect(&addr) {
            Ok(c) => {
                conn = Some(c);
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
    let mut conn = conn.expect("the guest's listener accepts connections");
    use std::io::{Read, Write};
    conn.write_all(b"ping").expect("send");
    let mut reply = String::new();
    conn.read_to_string(&mut reply).expect("receive");
    assert_eq!(reply, "pong:ping");
    assert_eq!(server.wait().expect("weft ran").code(), Some(0));
}

/// A non-blocking listener with no client waiting: `sock_accept` returns
/// EAGAIN (6) instead of blocking.
#[test]
fn run_tcplisten_nonblocking_accept_is_eagain() {
    let wat = scratch(
        "accept-nonblock.wat",
        &format!(
            r#"(module {SOCK_IMPORTS}
  (func (export "_start")
    (if (call $setfl (i32.const 3) (i32.const 4)) (then (call $exit (i32.const 100))))
    (call $exit (call $accept (i32.const 3) (i32.const 0) (i32.const 40)))))"#
        ),
    );
    let addr = format!("127.0.0.1:{}", free_port());
    assert_eq!(weft(&["run", "--tcplisten", &addr, &wat]).0, 6);
    let (code, _, err) = weft(&["run", "--tcplisten", "no-such-host:1", &wat]);
    assert_eq!(code, 1);
    assert!(err.contains("--tcplisten no-such-host:1"), "{err}");
}

/// --max-memory bounds a wasi-threads program's shared memory, and a trap
/// in a spawned thread's start function (its instantiation) ends the
/// program like a trap in the thread.
#[test]
fn run_wasi_threads_memory_limit_and_start_trap() {
    let grow = scratch(
        "threads-grow.wat",
        r#"(module
  (memory (export "memory") (import "env" "memory") 1 16 shared)
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (func (export "wasi_thread_start") (param i32 i32))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    assert_eq!(
        weft(&[
            "run",
            "--max-memory",
            "131072",
            &grow,
            "--invoke",
            "grow",
            "5"
        ]),
        (0, "-1\n".to_string(), String::new())
    );
    assert_eq!(
        weft(&[
            "run",
            "--max-memory",
            "131072",
            &grow,
            "--invoke",
            "grow",
            "1"
        ]),
        (0, "1\n".to_string(), String::new())
    );
    let start = scratch(
        "threads-start-trap.wat",
        r#"(module
  (memory (export "memory") (import "env" "memory") 1 1 shared)
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  ;; The main instance starts first; every later one traps.
  (func $start (if (i32.atomic.rmw.add (i32.const 100) (i32.const 1)) (then (unreachable))))
  (start $start)
  (func (export "wasi_thread_start") (param i32 i32))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (loop $l (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))) (br $l))))"#,
    );
    let (code, out, err) = weft(&["run", &start]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("unreachable"), "{err}");
}
