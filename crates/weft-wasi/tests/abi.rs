//! Guest-controlled pointers and lengths at the ABI level (WebAssembly
//! text modules): whatever the guest passes, the host answers with an
//! errno (`EFAULT` = 21 for memory it does not have), never a panic.

use weft::{Engine, Linker, Module, Store};
use weft_wasi::{Errno, WasiCtx, WasiCtxBuilder, WritePipe};

const FAULT: i32 = Errno::Fault as i32;

/// Instantiates `wat` with WASI (stdout captured, `dir` preopened as fd 3
/// if given) and calls each `(export, expected errno)`.
fn check(wat: &str, dir: Option<&std::path::Path>, cases: &[(&str, i32)]) -> String {
    let engine = Engine::default();
    let module = Module::new(&engine, wat).expect("valid module");
    let stdout = WritePipe::new();
    let mut builder = WasiCtxBuilder::new();
    builder.arg("prog").env("K", "V").stdout(stdout.clone());
    if let Some(dir) = dir {
        builder.preopened_dir(dir, "/d").expect("preopen");
    }
    let mut store = Store::new(&engine, builder.build());
    let mut linker = Linker::new(&engine);
    weft_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).expect("linker");
    let instance = linker
        .instantiate(&mut store, &module)
        .expect("instantiate");
    for (name, expected) in cases {
        let f = instance
            .get_typed_func::<(), i32>(&mut store, name)
            .expect("export");
        assert_eq!(
            f.call(&mut store, ()).expect("no trap"),
            *expected,
            "{name}"
        );
    }
    stdout.contents_string()
}

const IMPORTS: &str = r#"
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory"
    (func $path_create_directory (param i32 i32 i32) (result i32)))
"#;

const MEMORY_FUNCS: &str = r#"
  (memory (export "memory") 1)
  (data (i32.const 100) "hello\n")
  (func $iov (param $at i32) (param $buf i32) (param $len i32)
    (i32.store (local.get $at) (local.get $buf))
    (i32.store offset=4 (local.get $at) (local.get $len)))
  (func (export "write_ok") (result i32)
    (call $iov (i32.const 0) (i32.const 100) (i32.const 6))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
  (func (export "iov_buffer_outside") (result i32)
    (call $iov (i32.const 0) (i32.const 65530) (i32.const 100))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
  (func (export "iov_buffer_wraps") (result i32)
    (call $iov (i32.const 0) (i32.const 100) (i32.const -1))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
  (func (export "iov_array_outside") (result i32)
    (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 16)))
  (func (export "iov_count_huge") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const -1) (i32.const 16)))
  (func (export "nwritten_outside") (result i32)
    (call $iov (i32.const 0) (i32.const 100) (i32.const 6))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 65534)))
  (func (export "read_into_outside") (result i32)
    (call $iov (i32.const 0) (i32.const 65535) (i32.const 2))
    (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
  (func (export "write_bad_fd") (result i32)
    (call $iov (i32.const 0) (i32.const 100) (i32.const 6))
    (call $fd_write (i32.const 9) (i32.const 0) (i32.const 1) (i32.const 16)))
  (func (export "args_sizes_outside") (result i32)
    (call $args_sizes_get (i32.const 0) (i32.const -1)))
  (func (export "args_buf_outside") (result i32)
    (call $args_get (i32.const 0) (i32.const 65533)))
  (func (export "args_ptrs_outside") (result i32)
    (call $args_get (i32.const 65534) (i32.const 0)))
  (func (export "environ_ok") (result i32)
    (call $environ_get (i32.const 0) (i32.const 8)))
  (func (export "clock_out_outside") (result i32)
    (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65529)))
  (func (export "random_outside") (result i32)
    (call $random_get (i32.const 65000) (i32.const 1000)))
  (func (export "random_ok") (result i32)
    (call $random_get (i32.const 200) (i32.const 8)))
  (func (export "poll_huge") (result i32)
    (call $poll_oneoff (i32.const 0) (i32.const 0) (i32.const 0x10000000) (i32.const 16)))
  (func (export "poll_bad_tag") (result i32)
    (i32.store8 (i32.const 8) (i32.const 9))
    (call $poll_oneoff (i32.const 0) (i32.const 1000) (i32.const 1) (i32.const 2000)))
  (func (export "readdir_outside") (result i32)
    (call $fd_readdir (i32.const 3) (i32.const 65000) (i32.const 1000) (i64.const 0) (i32.const 16)))
  (func (export "prestat_name_outside") (result i32)
    (call $fd_prestat_dir_name (i32.const 3) (i32.const 65535) (i32.const 2)))
  (func (export "path_outside") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 65000) (i32.const 1000)
      (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 16)))
  (func (export "path_len_huge") (result i32)
    (call $path_create_directory (i32.const 3) (i32.const 100) (i32.const -1)))
  (func (export "path_with_nul") (result i32)
    (i32.store8 (i32.const 102) (i32.const 0))
    (call $path_create_directory (i32.const 3) (i32.const 100) (i32.const 5)))
  (func (export "path_open_bad_oflags") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 2)
      (i32.const 0x10) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 16)))
  (func (export "opened_fd_outside") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 2)
      (i32.const 1) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 65535)))
"#;

#[test]
fn bad_pointers_are_efault() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let wat = format!("(module {IMPORTS} {MEMORY_FUNCS})");
    let out = check(
        &wat,
        Some(tmp.path()),
        &[
            ("write_ok", 0),
            ("iov_buffer_outside", FAULT),
            ("iov_buffer_wraps", FAULT),
            ("iov_array_outside", FAULT),
            ("iov_count_huge", FAULT),
            ("nwritten_outside", FAULT),
            ("read_into_outside", FAULT),
            ("write_bad_fd", Errno::Badf as i32),
            ("args_sizes_outside", FAULT),
            ("args_buf_outside", FAULT),
            ("args_ptrs_outside", FAULT),
            ("environ_ok", 0),
            ("clock_out_outside", FAULT),
            ("random_outside", FAULT),
            ("random_ok", 0),
            ("poll_huge", FAULT),
            ("poll_bad_tag", Errno::Inval as i32),
            ("readdir_outside", FAULT),
            ("prestat_name_outside", FAULT),
            ("path_outside", FAULT),
            ("path_len_huge", FAULT),
            ("path_with_nul", Errno::Inval as i32),
            ("path_open_bad_oflags", Errno::Inval as i32),
            ("opened_fd_outside", FAULT),
        ],
    );
    // Only the valid write reached stdout; the failed ones wrote nothing.
    assert_eq!(out, "hello\n");
    // `opened_fd_outside` checked its output pointer before creating "he".
    assert_eq!(std::fs::read_dir(tmp.path()).expect("dir").count(), 0);
}

#[test]
fn module_without_memory_gets_efault() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "args_sizes_get" (func $f (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
      (func (export "sizes") (result i32) (call $f (i32.const 0) (i32.const 4)))
      (func (export "yield") (result i32) (call $y)))"#;
    check(wat, None, &[("sizes", FAULT), ("yield", 0)]);
}

#[test]
fn proc_exit_ends_the_call_with_its_status() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (func (export "_start") (call $exit (i32.const 42)) unreachable))"#,
    )
    .expect("valid");
    let mut store = Store::new(&engine, WasiCtxBuilder::new().build());
    let mut linker = Linker::new(&engine);
    weft_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).expect("linker");
    let instance = linker
        .instantiate(&mut store, &module)
        .expect("instantiate");
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .expect("_start");
    let err = start
        .call(&mut store, ())
        .expect_err("proc_exit ends the call");
    assert_eq!(weft_wasi::exit_code(&err), Some(42));
    assert!(err.as_trap().is_none());
    assert_eq!(err.to_string(), "host error: guest exited with status 42");
}

#[test]
fn custom_random_source_and_wasi_in_a_larger_store() {
    // The context lives inside the embedder's own state.
    struct State {
        wasi: WasiCtx,
        calls: u32,
    }
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
          (import "wasi_snapshot_preview1" "random_get" (func $r (param i32 i32) (result i32)))
          (import "host" "count" (func $count))
          (memory (export "memory") 1)
          (func (export "run") (result i64)
            (call $count)
            (drop (call $r (i32.const 8) (i32.const 8)))
            (i64.load (i32.const 8))))"#,
    )
    .expect("valid");
    let mut counter = 0u8;
    let wasi = WasiCtxBuilder::new()
        .random_source(move |buf| {
            for b in buf {
                counter = counter.wrapping_add(1);
                *b = counter;
            }
        })
        .build();
    let mut store = Store::new(&engine, State { wasi, calls: 0 });
    let mut linker = Linker::new(&engine);
    weft_wasi::add_to_linker(&mut linker, |s: &mut State| &mut s.wasi).expect("linker");
    linker
        .func_wrap("host", "count", |mut caller: weft::Caller<'_, State>| {
            caller.data_mut().calls += 1;
        })
        .expect("host func");
    let instance = linker
        .instantiate(&mut store, &module)
        .expect("instantiate");
    let run = instance
        .get_typed_func::<(), i64>(&mut store, "run")
        .expect("run");
    assert_eq!(
        run.call(&mut store, ()).expect("run"),
        0x0807_0605_0403_0201
    );
    assert_eq!(
        run.call(&mut store, ()).expect("run"),
        0x100f_0e0d_0c0b_0a09
    );
    assert_eq!(store.data().calls, 2);
}

#[test]
fn linking_twice_is_an_error_not_a_panic() {
    let engine = Engine::default();
    let mut linker: Linker<WasiCtx> = Linker::new(&engine);
    weft_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).expect("first");
    assert!(weft_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx).is_err());
}

/// Rights asked for in `path_open` are a ceiling: a directory opened with
/// every right (as Rust's standard library and the WASI test suite open
/// their preopens) is a directory descriptor, with or without
/// `O_DIRECTORY`; only `O_CREAT`/`O_TRUNC` make it `EISDIR`. A directory
/// has no file offset: `fd_seek`/`fd_tell` on one are `EBADF`.
#[test]
fn directories_open_with_any_rights_and_do_not_seek() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("sub")).expect("mkdir");
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_fdstat_get"
        (func $fdstat (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_seek"
        (func $seek (param i32 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_tell" (func $tell (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) ".")
      (data (i32.const 110) "sub")
      ;; Opens `path` (at 100 or 110) with oflags and every right; the new
      ;; descriptor goes to 200. 0x2 is O_DIRECTORY, 0x1 O_CREAT, 0x8 O_TRUNC.
      (func $open (param $path i32) (param $len i32) (param $oflags i32) (result i32)
        (call $path_open (i32.const 3) (i32.const 1) (local.get $path) (local.get $len)
          (local.get $oflags) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 200)))
      ;; The file type of the descriptor at 200 (3: directory), or -errno.
      (func $filetype (result i32)
        (local $e i32)
        (local.set $e (call $fdstat (i32.load (i32.const 200)) (i32.const 300)))
        (if (result i32) (local.get $e)
          (then (i32.sub (i32.const 0) (local.get $e)))
          (else (i32.load8_u (i32.const 300)))))
      (func (export "dot_directory") (result i32)
        (drop (call $open (i32.const 100) (i32.const 1) (i32.const 2)))
        (call $filetype))
      (func (export "dot_directory_errno") (result i32)
        (call $open (i32.const 100) (i32.const 1) (i32.const 2)))
      (func (export "sub_without_directory_flag") (result i32)
        (if (result i32) (call $open (i32.const 110) (i32.const 3) (i32.const 0))
          (then (i32.const -1))
          (else (call $filetype))))
      (func (export "sub_trunc") (result i32)
        (call $open (i32.const 110) (i32.const 3) (i32.const 8)))
      (func (export "sub_creat") (result i32)
        (call $open (i32.const 110) (i32.const 3) (i32.const 1)))
      (func (export "seek_dir") (result i32)
        (call $seek (i32.const 3) (i64.const 0) (i32.const 1) (i32.const 400)))
      (func (export "tell_dir") (result i32)
        (call $tell (i32.const 3) (i32.const 400))))"#;
    check(
        wat,
        Some(tmp.path()),
        &[
            ("dot_directory_errno", 0),
            ("dot_directory", 3),
            ("sub_without_directory_flag", 3),
            ("sub_trunc", Errno::Isdir as i32),
            ("sub_creat", Errno::Isdir as i32),
            ("seek_dir", Errno::Badf as i32),
            ("tell_dir", Errno::Badf as i32),
        ],
    );
}

/// Rights dropped from a directory with `fd_fdstat_set_rights` stay
/// dropped: without `path_filestat_set_size`, `path_open` with `O_TRUNC`
/// is `ENOTCAPABLE`, while a plain open still works. No descriptor is a
/// socket (`ENOTSOCK`), and hard links through a symlink are `EINVAL`.
#[test]
fn dropped_rights_sockets_and_link_follow() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("f.txt"), b"data").expect("write");
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "path_open"
        (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_fdstat_set_rights"
        (func $set_rights (param i32 i64 i64) (result i32)))
      (import "wasi_snapshot_preview1" "sock_shutdown"
        (func $shutdown (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_fdstat_get"
        (func $fdstat (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "path_link"
        (func $link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "f.txt")
      (data (i32.const 110) "g.txt")
      (func $open (param $oflags i32) (result i32)
        (call $path_open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 5)
          (local.get $oflags) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 200)))
      (func (export "trunc_before") (result i32) (call $open (i32.const 8)))
      ;; The preopen's rights but path_filestat_set_size (bit 19); fdstat's
      ;; rights_base is at offset 8, rights_inheriting at 16.
      (func (export "drop_set_size") (result i32)
        (drop (call $fdstat (i32.const 3) (i32.const 300)))
        (call $set_rights (i32.const 3)
          (i64.and (i64.load (i32.const 308)) (i64.xor (i64.const -1) (i64.const 0x80000)))
          (i64.load (i32.const 316))))
      (func (export "trunc_after") (result i32) (call $open (i32.const 8)))
      (func (export "plain_after") (result i32) (call $open (i32.const 0)))
      ;; Dropped rights cannot be taken back.
      (func (export "regain") (result i32)
        (call $set_rights (i32.const 3)
          (i64.or (i64.load (i32.const 308)) (i64.const 0x80000))
          (i64.load (i32.const 316))))
      (func (export "shutdown_dir") (result i32) (call $shutdown (i32.const 3) (i32.const 0)))
      (func (export "link_follow") (result i32)
        (call $link (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 5)
          (i32.const 3) (i32.const 110) (i32.const 5))))"#;
    check(
        wat,
        Some(tmp.path()),
        &[
            ("trunc_before", 0),
            ("drop_set_size", 0),
            ("trunc_after", Errno::Notcapable as i32),
            ("plain_after", 0),
            ("regain", Errno::Notcapable as i32),
            ("shutdown_dir", Errno::Notsock as i32),
            ("link_follow", Errno::Inval as i32),
        ],
    );
}
