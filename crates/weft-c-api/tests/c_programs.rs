//! Builds each C program of `tests/c/` with the system C compiler against
//! `include/` and the `libweft.so` cargo built, runs it (under Valgrind
//! when it is installed, failing on any invalid access or leak) and
//! compares its output with `tests/c/NAME.out`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory of `libweft.so`: `target/<profile>`, the parent of this
/// test's `deps/`. Cargo does not build a cdylib for integration tests, so
/// the first call builds it with the same profile.
fn lib_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("test executable");
            let dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("target/<profile>/deps")
                .to_path_buf();
            let profile = match dir.file_name().and_then(|n| n.to_str()) {
                Some("debug") => "dev".to_string(),
                Some(other) => other.to_string(),
                None => "dev".to_string(),
            };
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--quiet",
                    "-p",
                    "weft-c-api",
                    "--lib",
                    "--profile",
                    &profile,
                ])
                .status()
                .expect("run cargo build");
            assert!(status.success(), "building libweft failed");
            assert!(
                dir.join("libweft.so").exists(),
                "{} has no libweft.so",
                dir.display()
            );
            dir
        })
        .clone()
}

/// Whether to run the programs under Valgrind: when it is installed and
/// WEFT_NO_VALGRIND is not set. CI (CI=true) must have it.
fn use_valgrind() -> bool {
    let found = have("valgrind");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        assert!(found, "CI runs the C API tests under valgrind: install it");
    }
    found && std::env::var_os("WEFT_NO_VALGRIND").is_none()
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Compiles `tests/c/NAME.c` to an executable in a scratch directory,
/// linked with libweft.so.
fn build(name: &str) -> PathBuf {
    build_linked(name, false)
}

/// Like [`build`]; `statically` links libweft.a instead.
fn build_linked(name: &str, statically: bool) -> PathBuf {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-api");
    std::fs::create_dir_all(&out_dir).expect("scratch dir");
    let exe = out_dir.join(if statically {
        format!("{name}-static")
    } else {
        name.to_string()
    });
    let lib = lib_dir();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1"])
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(crate_dir().join("tests/c").join(format!("{name}.c")))
        .arg("-o")
        .arg(&exe)
        .args(link_args(&lib, statically))
        .status()
        .unwrap_or_else(|e| panic!("running {cc}: {e}"));
    assert!(status.success(), "compiling {name}.c failed");
    exe
}

/// How a program links with weft: the shared library (found again at run
/// time through its rpath) or the static one with what it needs of libc.
fn link_args(lib: &Path, statically: bool) -> Vec<std::ffi::OsString> {
    if statically {
        vec![
            lib.join("libweft.a").into(),
            "-lpthread".into(),
            "-ldl".into(),
            "-lm".into(),
        ]
    } else {
        vec![
            "-L".into(),
            lib.into(),
            format!("-Wl,-rpath,{}", lib.display()).into(),
            "-lweft".into(),
            "-lpthread".into(),
        ]
    }
}

/// Runs a program, under Valgrind if it is there (and WEFT_NO_VALGRIND is
/// not set), and checks its exit status and exact output.
fn run(name: &str) {
    run_with(name, &[]);
}

/// Like [`run`], with command-line arguments.
fn run_with(name: &str, args: &[&std::ffi::OsStr]) {
    let exe = build(name);
    let valgrind = use_valgrind();
    let mut cmd = if valgrind {
        let mut c = Command::new("valgrind");
        c.args([
            "-q",
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible",
        ])
        .arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    cmd.args(args);
    let out = cmd.output().expect("run the program");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = std::fs::read_to_string(crate_dir().join("tests/c").join(format!("{name}.out")))
        .expect("expected output");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name} failed (valgrind: {valgrind})\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert_eq!(
        stdout, expected,
        "{name}: stdout differs\nstderr:\n{stderr}"
    );
}

macro_rules! c_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name));
            }
        )*
    };
}

c_tests!(
    hello, callbacks, globals, memory, tables, reflect, traps, refs, serialize, threads, families,
    nulls
);

/// weft.h's extras; the WASI part writes a file in a scratch directory.
#[test]
fn extras() {
    let dir = std::env::temp_dir().join(format!("weft-c-api-extras-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    run_with("extras", &[dir.as_os_str()]);
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// Runs the C preprocessor over `source` (with `include/` and `tests/c/`
/// on the path) and returns the text.
fn preprocess(source: &str) -> String {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let mut child = Command::new(cc)
        .args(["-E", "-P", "-x", "c", "-"])
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg("-I")
        .arg(crate_dir().join("tests/c"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run the C preprocessor");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(source.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("preprocess");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("text")
}

/// The names of the functions the headers declare (not the inline ones).
fn declared_functions() -> Vec<String> {
    let text = preprocess("#include \"weft.h\"\n");
    let mut names: Vec<String> = text
        .split(';')
        .filter(|decl| decl.contains('(') && !decl.contains("static inline") && !decl.contains('{'))
        .filter_map(|decl| {
            let head = decl.split('(').next()?;
            // `typedef ... (*name)(...)` declares a pointer type, not a function.
            if decl.contains("typedef") {
                return None;
            }
            let name = head.split_whitespace().last()?.trim_start_matches('*');
            (name.starts_with("wasm_") || name.starts_with("weft_")).then(|| name.to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Every function of wasm.h and weft.h is exported by libweft.so and
/// called by at least one of the C programs (after macro expansion, since
/// most are declared per type by the headers' macros).
#[test]
fn every_declared_function_is_exported_and_exercised() {
    let declared = declared_functions();
    assert!(
        declared.len() > 250,
        "found only {} declarations",
        declared.len()
    );
    let nm = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib_dir().join("libweft.so"))
        .output()
        .expect("run nm");
    let symbols = String::from_utf8_lossy(&nm.stdout);
    let exported: std::collections::HashSet<&str> = symbols
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    let missing: Vec<&String> = declared
        .iter()
        .filter(|n| !exported.contains(n.as_str()))
        .collect();
    assert!(missing.is_empty(), "declared but not exported: {missing:?}");

    // The programs' own code: their expansion minus the headers' lines.
    let header: std::collections::HashSet<String> = preprocess("#include \"weft.h\"\n")
        .lines()
        .map(str::to_string)
        .collect();
    let mut used = String::new();
    for entry in std::fs::read_dir(crate_dir().join("tests/c")).expect("tests/c") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "c") {
            let src = std::fs::read_to_string(&path).expect("read");
            for line in preprocess(&src).lines() {
                if !header.contains(line) {
                    used.push_str(line);
                    used.push('\n');
                }
            }
        }
    }
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let called = |name: &str| {
        used.match_indices(name).any(|(i, _)| {
            let before = used[..i].chars().next_back().is_none_or(|c| !is_ident(c));
            let after = used[i + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_ident(c));
            before && after
        })
    };
    let untested: Vec<&String> = declared.iter().filter(|n| !called(n)).collect();
    assert!(
        untested.is_empty(),
        "not called by any C test: {untested:?}"
    );
    println!(
        "{} functions declared, exported and exercised",
        declared.len()
    );
}

/// The Python example (ctypes against libweft.so), when Python is here.
#[test]
fn python_ctypes_example() {
    if !have("python3") {
        eprintln!("python3 is not installed: the ctypes example is not run");
        return;
    }
    let out = Command::new("python3")
        .arg(crate_dir().join("examples/python/embed.py"))
        .arg(lib_dir().join("libweft.so"))
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "python: triple(14)\ntriple_plus(14, 3) = 45\n"
    );
}

/// The hello program linked statically with libweft.a.
#[test]
fn hello_static() {
    let exe = build_linked("hello", true);
    let out = Command::new(&exe).output().expect("run");
    assert!(out.status.success());
    let expected = std::fs::read_to_string(crate_dir().join("tests/c/hello.out")).expect("read");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}
