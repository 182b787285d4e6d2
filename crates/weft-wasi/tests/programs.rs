//! Runs the C programs of `tests/programs/` (prebuilt `.wasm` files, see
//! `tests/programs/build.sh`) through the embedding API with in-memory
//! stdio, asserting stdout, stderr, exit status and resulting files.

use std::path::{Path, PathBuf};

use weft::{Engine, Linker, Module, Store};
use weft_wasi::{ReadPipe, WasiCtx, WasiCtxBuilder, WritePipe};

fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/programs")
        .join(format!("{name}.wasm"))
}

/// What a run produced: the exit status (or the error), stdout, stderr.
struct Outcome {
    status: Result<i32, weft::Error>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn code(&self) -> i32 {
        match &self.status {
            Ok(code) => *code,
            Err(e) => panic!("the program failed: {e}\nstderr: {}", self.stderr),
        }
    }
}

/// Runs `name` as a WASI command with argv[0] = `name`, then `args`; the
/// builder may be configured further by `setup`.
fn run(name: &str, args: &[&str], setup: impl FnOnce(&mut WasiCtxBuilder)) -> Outcome {
    let engine = Engine::default();
    let bytes = std::fs::read(program(name)).expect("program is built");
    let module = Module::from_binary(&engine, &bytes).expect("program is valid");
    let (stdout, stderr) = (WritePipe::new(), WritePipe::new());
    let mut builder = WasiCtxBuilder::new();
    builder
        .arg(name)
        .args(args)
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .stdin(ReadPipe::new(""));
    setup(&mut builder);
    let mut store = Store::new(&engine, builder.build());
    let mut linker = Linker::new(&engine);
    weft_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).expect("linker");
    let status = linker
        .instantiate(&mut store, &module)
        .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
        .and_then(|start| start.call(&mut store, ()))
        .map(|()| 0)
        .or_else(|err| weft_wasi::exit_code(&err).ok_or(err));
    Outcome {
        status,
        stdout: stdout.contents_string(),
        stderr: stderr.contents_string(),
    }
}

#[test]
fn hello() {
    let out = run("hello", &[], |_| {});
    assert_eq!(out.code(), 0);
    assert_eq!(out.stdout, "Hello, world!\n");
    assert_eq!(out.stderr, "this goes to stderr\n");
}

#[test]
fn args_and_env() {
    let out = run("args_env", &["one", "two words", ""], |b| {
        b.env("GREETING", "hello there").env("EMPTY", "");
    });
    assert_eq!(out.code(), 0);
    assert_eq!(
        out.stdout,
        "argc=4\nargv[0]=args_env\nargv[1]=one\nargv[2]=two words\nargv[3]=\n\
         env GREETING=hello there\nenv EMPTY=\n\
         getenv(GREETING)=hello there\ngetenv(MISSING)=(null)\n"
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn env_is_empty_by_default_and_later_values_win() {
    let out = run("args_env", &[], |_| {});
    assert_eq!(
        out.stdout,
        "argc=1\nargv[0]=args_env\ngetenv(GREETING)=(null)\ngetenv(MISSING)=(null)\n"
    );
    let out = run("args_env", &[], |b| {
        b.env("GREETING", "first").env("GREETING", "second");
    });
    assert_eq!(
        out.stdout,
        "argc=1\nargv[0]=args_env\nenv GREETING=second\n\
         getenv(GREETING)=second\ngetenv(MISSING)=(null)\n"
    );
}

#[test]
fn exit_codes() {
    let out = run("exit_code", &["exit", "7"], |_| {});
    assert_eq!(out.code(), 7);
    assert_eq!(out.stdout, "exiting with 7\n");
    assert_eq!(out.stderr, "");
    let out = run("exit_code", &["return", "300"], |_| {});
    assert_eq!(out.code(), 300, "the embedding API reports the full status");
    let out = run("exit_code", &["exit", "0"], |_| {});
    assert_eq!(out.code(), 0);
    assert_eq!(out.stdout, "exiting with 0\n");
    let out = run("exit_code", &[], |_| {});
    assert_eq!(out.code(), 64);
    assert_eq!(out.stderr, "usage: exit_code exit N | return N | trap\n");
}

#[test]
fn trap_has_backtrace() {
    let out = run("exit_code", &["trap"], |_| {});
    assert_eq!(out.stderr, "about to trap\n");
    assert_eq!(out.stdout, "");
    let err = out.status.expect_err("the program traps");
    let trap = err.as_trap().expect("a trap, not another error");
    assert_eq!(trap.message(), "unreachable");
    let names: Vec<_> = trap
        .backtrace()
        .iter()
        .map(|f| f.func_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        names[..4],
        ["deep_trap", "about_to_trap", "about_to_trap", "main"]
    );
    assert_eq!(
        names.last().map(String::as_str),
        Some("_start.command_export")
    );
}

#[test]
fn stdin_echo() {
    let input = "first line\nsecond line\nno newline at the end";
    let out = run("stdin_echo", &[], |b| {
        b.stdin(ReadPipe::new(input));
    });
    assert_eq!(out.code(), 0);
    assert_eq!(out.stdout, input);
    assert_eq!(out.stderr, "poll: 1 POLLIN\nread 44 bytes, 2 lines\n");
}

#[test]
fn clocks_and_randomness() {
    let out = run("clock_random", &[], |_| {});
    assert_eq!(out.code(), 0);
    assert_eq!(
        out.stdout,
        "realtime after 2020: ok\n\
         time(): ok\n\
         realtime resolution: ok\n\
         monotonic resolution: ok\n\
         nanosleep 20ms: ok\n\
         clock_nanosleep absolute: ok\n\
         poll timeout 10ms: ok\n\
         process cputime: ok\n\
         clock_time_get(99): errno 28\n\
         clock_res_get(99): errno 28\n\
         getentropy: ok\n\
         random bytes differ: ok\n\
         random_get of 0 bytes: ok\n\
         sched_yield: ok\n"
    );
    assert_eq!(out.stderr, "");
}

/// Expected stdout, shared with the CLI tests.
const FILES_STDOUT: &str = include_str!("../../../tests/programs/files.stdout");

/// The names in `dir`, sorted, with `/` after directories and `@` after
/// symlinks.
fn tree(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .expect("inside")
            .display()
            .to_string();
        let meta = std::fs::symlink_metadata(&entry).expect("metadata");
        let suffix = if meta.is_symlink() {
            "@"
        } else if meta.is_dir() {
            "/"
        } else {
            ""
        };
        names.push(format!("{rel}{suffix}"));
    }
    names.sort();
    names
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        out.push(path.clone());
        if std::fs::symlink_metadata(&path).expect("metadata").is_dir() {
            out.extend(walk(&path));
        }
    }
    out
}

#[test]
fn files_in_a_preopened_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run("files", &["/sandbox"], |b| {
        b.preopened_dir(tmp.path(), "/sandbox").expect("preopen");
    });
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, FILES_STDOUT);
    assert_eq!(out.code(), 0);
    let root = tmp.path();
    assert_eq!(
        tree(root),
        ["data.txt", "link.txt@", "moved.txt", "subdir/"]
    );
    assert_eq!(
        std::fs::read_to_string(root.join("data.txt")).expect("data.txt"),
        "HELLO world+app\n!\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("moved.txt")).expect("moved.txt"),
        "inner\n"
    );
    assert_eq!(
        std::fs::read_link(root.join("link.txt")).expect("link.txt"),
        Path::new("data.txt")
    );
    let mtime = std::fs::metadata(root.join("moved.txt"))
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(
        mtime,
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_500_000_000)
    );
}

#[test]
fn files_with_dot_as_guest_name() {
    // The guest name is just a prefix for libc: "." works the same.
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run("files", &["."], |b| {
        b.preopened_dir(tmp.path(), ".").expect("preopen");
    });
    assert_eq!(out.code(), 0);
    assert_eq!(out.stdout, FILES_STDOUT);
    assert_eq!(
        tree(tmp.path()),
        ["data.txt", "link.txt@", "moved.txt", "subdir/"]
    );
}

/// Creates `root/outside.txt` and the preopen `root/sandbox` with
/// `inside.txt`, `sub/` and three symlinks that lead outside.
fn sandbox_fixture() -> (tempfile::TempDir, PathBuf) {
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
    (tmp, sandbox)
}

/// Expected stdout, shared with the CLI tests.
const SANDBOX_STDOUT: &str = include_str!("../../../tests/programs/sandbox.stdout");

#[test]
fn sandbox_escapes_fail() {
    let (tmp, sandbox) = sandbox_fixture();
    let out = run("sandbox", &["/sandbox"], |b| {
        b.preopened_dir(&sandbox, "/sandbox").expect("preopen");
    });
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, SANDBOX_STDOUT);
    assert_eq!(out.code(), 0);
    // Nothing outside the preopen changed, nothing new appeared inside.
    assert_eq!(
        tree(tmp.path()),
        [
            "outside.txt",
            "sandbox/",
            "sandbox/escape_abs@",
            "sandbox/escape_dir@",
            "sandbox/escape_rel@",
            "sandbox/inside.txt",
            "sandbox/sub/",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("outside.txt")).expect("outside"),
        "secret\n"
    );
}

#[test]
fn no_preopen_means_no_files() {
    let out = run("sandbox", &["/sandbox"], |_| {});
    assert_eq!(out.code(), 0);
    assert!(
        out.stdout
            .starts_with("inside.txt: \"\"\nreadlink escape_rel: \"\"\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("path_open(3, \"..\", follow=0): errno 8\n"),
        "{}",
        out.stdout
    );
}

const RAW_STDOUT: &str = r#"fd_prestat_get 3: errno 0 tag 0 len 4
fd_prestat_dir_name 3: errno 0 "/dir"
fd_prestat_dir_name short buffer: errno 37
fd_prestat_get 0: errno 8
fd_prestat_get 99: errno 8
path_open a.txt: errno 0 fd 4
path_open b.txt: errno 0 fd 5
fd_write 4: errno 0 wrote 5
fd_write 5: errno 0 wrote 5
fd_renumber b->a: errno 0
fd_write 4: errno 0 wrote 11
fd_write 5: errno 8 wrote 0
fd_renumber to closed: errno 8
fd_close a: errno 0
fd_close a again: errno 8
path_open a.txt: errno 0 fd 4
fd_seek END: errno 0 pos 5
fd_seek bad whence: errno 28
fd_seek on stdout: errno 70
fd_tell: errno 0 pos 5
fd_fdstat_get: errno 0 type 4 flags 0 write 1
fd_fdstat_set_rights shrink: errno 0
fd_fdstat_set_rights grow: errno 76
fd_write 4: errno 8 wrote 0
fd_fdstat_set_flags bad bits: errno 28
fd_fdstat_get 3: errno 0 type 3
fd_read on dir: errno 31
fd_readdir on file: errno 54
path_open on file: errno 54
fd_filestat_set_size on dir: errno 31
fd_allocate on stdout: errno 70
fd_advise bad advice: errno 28
fd_sync on stdin: errno 28
readdir cookie 0: next 1 type 3 "."
readdir cookie 1: next 2 type 3 ".."
readdir cookie 2: next 3 type 4 "a.txt"
readdir cookie 3: next 4 type 4 "b.txt"
readdir end: errno 0 used 0
readdir small buffer: errno 0 used 10
poll_oneoff: errno 0 events 3
  event userdata 10 type 1 errno 0 nbytes 0
  event userdata 11 type 2 errno 0 nbytes 0
  event userdata 13 type 1 errno 8 nbytes 0
poll_oneoff no subscriptions: errno 28
sock_recv: errno 57
sock_send: errno 57
sock_shutdown: errno 57
sock_accept: errno 57
sock_shutdown bad fd: errno 8
proc_raise: errno 52
path_symlink: errno 0
path_filestat_get nofollow: errno 0 type 7
path_filestat_get follow: errno 0 type 4 size 5
path_filestat_set_times nofollow: errno 0
link mtime: 2000000000000000000
set_times ATIM with ATIM_NOW: errno 28
fd_filestat_set_times now: errno 0
path_open nofollow on symlink: errno 32
path_link follow: errno 28
path_remove_directory on file: errno 54
path_unlink_file l.txt: errno 0
path_create_directory d: errno 0
path_rename d -> e: errno 0
path_remove_directory e: errno 0
fd_close c: errno 0
"#;

#[test]
fn raw_calls() {
    let tmp = run_in_preopen("wasi_raw", RAW_STDOUT);
    assert_eq!(tree(tmp.path()), ["a.txt", "b.txt"]);
    let read = |name: &str| std::fs::read_to_string(tmp.path().join(name)).expect("read");
    assert_eq!(read("a.txt"), "to a\n");
    assert_eq!(read("b.txt"), "to b\nto b again\n");
}

/// Runs `name` with a fresh temporary directory preopened as `/dir` and
/// asserts it exits 0 printing exactly `expected` and nothing on stderr; the
/// directory is returned for the caller to inspect what is left.
fn run_in_preopen(name: &str, expected: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(name, &[], |b| {
        b.preopened_dir(tmp.path(), "/dir").expect("preopen");
    });
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, expected);
    assert_eq!(out.code(), 0);
    tmp
}

/// Path functions the WASI test suite checks (tests/programs/paths.c):
/// directories opened with the preopen's rights, trailing slashes, dangling
/// and looping symlinks, nofollow, links, renames, dropped rights. Its
/// output matches wasmtime 50's line by line but where docs/ARCHITECTURE.md
/// ("WASI") lists a known difference.
#[test]
fn path_behaviours() {
    let tmp = run_in_preopen(
        "paths",
        include_str!("../../../tests/programs/paths.stdout"),
    );
    // Everything it made is gone but the directory that "dir2/" names
    // (path_remove_directory refuses the trailing slash, as wasmtime does).
    assert_eq!(tree(tmp.path()), ["dir2/"]);
}

/// Descriptor functions the WASI test suite checks (tests/programs/fds.c):
/// sizes, seeks, times and fstflags, readdir cookies over 300 entries,
/// poll_oneoff on clocks and descriptors, preopen renumber and close.
#[test]
fn descriptor_behaviours() {
    let tmp = run_in_preopen("fds", include_str!("../../../tests/programs/fds.stdout"));
    assert_eq!(tree(tmp.path()), Vec::<String>::new());
}
