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
