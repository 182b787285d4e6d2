//! [`add_to_linker`]: defines every `wasi_snapshot_preview1` function.

use weft::{AsContext, Caller, Extern, FuncType, Linker, Val, ValType};

use crate::ctx::{I32Exit, SharedWasiCtx, WasiCtx};
use crate::errno::{Errno, WasiResult};
use crate::mem::Mem;
use crate::{args, fd, fd_meta, path, poll, proc, sock};

/// The import module name of WASI preview1.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// How a store's data lends its WASI context to one call.
pub(crate) trait Access<T>: Copy + Send + Sync + 'static {
    /// Runs `f` with the context and the calling instance's exported
    /// `memory`, then `then` with the memory alone (for `poll_oneoff`,
    /// which sleeps there: a shared context is not held meanwhile).
    fn with<P, R>(
        &self,
        caller: &mut Caller<'_, T>,
        f: impl FnOnce(&mut WasiCtx, &mut Mem<'_>) -> P,
        then: impl FnOnce(&mut Mem<'_>, P) -> R,
    ) -> R;
}

/// A context the store data owns (one thread).
#[derive(Clone, Copy)]
pub(crate) struct Owned<G>(pub G);

/// A context shared by the stores of several threads (wasi-threads).
#[derive(Clone, Copy)]
pub(crate) struct Shared<G>(pub G);

/// Runs `f` on the calling instance's exported `memory` (none: empty).
fn with_memory<T, R>(caller: &mut Caller<'_, T>, f: impl FnOnce(&mut Mem<'_>) -> R) -> R {
    match caller.get_export("memory").and_then(Extern::into_memory) {
        Some(memory) => match memory.shared(&*caller) {
            Some(shared) => f(&mut Mem::Shared(shared)),
            None => f(&mut Mem::new(memory.data_mut(caller))),
        },
        None => f(&mut Mem::new(&mut [])),
    }
}

impl<T, G> Access<T> for Owned<G>
where
    G: Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static,
{
    fn with<P, R>(
        &self,
        caller: &mut Caller<'_, T>,
        f: impl FnOnce(&mut WasiCtx, &mut Mem<'_>) -> P,
        then: impl FnOnce(&mut Mem<'_>, P) -> R,
    ) -> R {
        // Taken out of the store data for the call, so that it and the
        // guest memory can be borrowed at once.
        let mut ctx = std::mem::replace((self.0)(caller.data_mut()), WasiCtx::placeholder());
        let r = with_memory(caller, |mem| {
            let p = f(&mut ctx, mem);
            then(mem, p)
        });
        *(self.0)(caller.data_mut()) = ctx;
        r
    }
}

impl<T, G> Access<T> for Shared<G>
where
    G: Fn(&mut T) -> &SharedWasiCtx + Copy + Send + Sync + 'static,
{
    fn with<P, R>(
        &self,
        caller: &mut Caller<'_, T>,
        f: impl FnOnce(&mut WasiCtx, &mut Mem<'_>) -> P,
        then: impl FnOnce(&mut Mem<'_>, P) -> R,
    ) -> R {
        let shared = (self.0)(caller.data_mut()).clone();
        with_memory(caller, |mem| {
            let p = f(&mut shared.lock(), mem);
            then(mem, p)
        })
    }
}

/// The errno of a call's result.
fn errno(result: WasiResult) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => i32::from(e.raw()),
    }
}

/// Defines `name` as a host function that forwards its parameters to
/// `family::name(ctx, mem, params...)` and returns its errno.
macro_rules! wasi {
    ($linker:ident, $get:ident; $($family:ident :: $name:ident ( $($arg:ident : $ty:ty),* );)*) => {$(
        $linker.func_wrap(
            MODULE,
            stringify!($name),
            move |mut caller: Caller<'_, T>, $($arg: $ty),*| -> i32 {
                $get.with(
                    &mut caller,
                    |ctx, mem| $family::$name(ctx, mem, $($arg),*),
                    |_, r| errno(r),
                )
            },
        )?;
    )*};
}

/// Adds every `wasi_snapshot_preview1` function to `linker`. `get` finds
/// the [`WasiCtx`] in the store data, e.g. `|data: &mut MyState| &mut data.wasi`.
///
/// Fails only if the linker already defines one of the names.
pub fn add_to_linker<T: 'static, G>(linker: &mut Linker<T>, get: G) -> weft::Result<()>
where
    G: Fn(&mut T) -> &mut WasiCtx + Copy + Send + Sync + 'static,
{
    define(linker, Owned(get))
}

/// Like [`add_to_linker`], for the stores of several threads sharing one
/// context (wasi-threads): `get` finds the [`SharedWasiCtx`] in the store
/// data. Each call holds the context's lock, except while `poll_oneoff`
/// sleeps.
pub fn add_to_linker_shared<T: 'static, G>(linker: &mut Linker<T>, get: G) -> weft::Result<()>
where
    G: Fn(&mut T) -> &SharedWasiCtx + Copy + Send + Sync + 'static,
{
    define(linker, Shared(get))
}

fn define<T: 'static, A: Access<T>>(linker: &mut Linker<T>, get: A) -> weft::Result<()> {
    wasi! { linker, get;
        args::args_get(argv: u32, argv_buf: u32);
        args::args_sizes_get(argc: u32, argv_buf_size: u32);
        args::environ_get(environ: u32, environ_buf: u32);
        args::environ_sizes_get(count: u32, buf_size: u32);
        proc::clock_res_get(id: u32, out: u32);
        proc::clock_time_get(id: u32, precision: u64, out: u32);
        proc::random_get(buf: u32, len: u32);
        proc::proc_raise(sig: u32);
        proc::sched_yield();
        fd::fd_advise(fd: u32, offset: u64, len: u64, advice: u32);
        fd::fd_allocate(fd: u32, offset: u64, len: u64);
        fd::fd_close(fd: u32);
        fd::fd_datasync(fd: u32);
        fd::fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32);
        fd::fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32);
        fd::fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32);
        fd::fd_renumber(fd: u32, to: u32);
        fd::fd_seek(fd: u32, offset: i64, whence: u32, out: u32);
        fd::fd_sync(fd: u32);
        fd::fd_tell(fd: u32, out: u32);
        fd::fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32);
        fd_meta::fd_fdstat_get(fd: u32, out: u32);
        fd_meta::fd_fdstat_set_flags(fd: u32, flags: u32);
        fd_meta::fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64);
        fd_meta::fd_filestat_get(fd: u32, out: u32);
        fd_meta::fd_filestat_set_size(fd: u32, size: u64);
        fd_meta::fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32);
        fd_meta::fd_prestat_get(fd: u32, out: u32);
        fd_meta::fd_prestat_dir_name(fd: u32, buf: u32, len: u32);
        fd_meta::fd_readdir(fd: u32, buf: u32, len: u32, cookie: u64, bufused: u32);
        path::path_create_directory(fd: u32, path: u32, path_len: u32);
        path::path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, out: u32);
        path::path_filestat_set_times(
            fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32
        );
        path::path_link(
            old_fd: u32, old_flags: u32, old_path: u32, old_len: u32,
            new_fd: u32, new_path: u32, new_len: u32
        );
        path::path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32);
        path::path_remove_directory(fd: u32, path: u32, path_len: u32);
        path::path_rename(
            fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32
        );
        path::path_symlink(old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32);
        path::path_unlink_file(fd: u32, path: u32, path_len: u32);
        sock::sock_accept(fd: u32, flags: u32, out: u32);
        sock::sock_recv(
            fd: u32, data: u32, data_len: u32, flags: u32, out_len: u32, out_flags: u32
        );
        sock::sock_send(fd: u32, data: u32, data_len: u32, flags: u32, out_len: u32);
        sock::sock_shutdown(fd: u32, how: u32);
    }

    // `poll_oneoff` waits between reading its subscriptions and writing
    // the events, without the context; an interrupt ends the wait.
    linker.func_wrap(
        MODULE,
        "poll_oneoff",
        move |mut caller: Caller<'_, T>,
              subs: u32,
              events: u32,
              nsubs: u32,
              nevents: u32|
              -> weft::Result<i32> {
            let interrupt = caller.as_context().interrupt_handle();
            get.with(
                &mut caller,
                |ctx, mem| poll::poll_start(ctx, mem, subs, events, nsubs, nevents),
                |mem, pending| match pending {
                    Ok(p) => Ok(errno(poll::poll_finish(
                        mem, p, events, nevents, &interrupt,
                    )?)),
                    Err(e) => Ok(errno(Err(e))),
                },
            )
        },
    )?;

    // `proc_exit` does not return: it ends the running call with `I32Exit`.
    linker.func_wrap(MODULE, "proc_exit", |code: u32| -> weft::Result<()> {
        Err(weft::Error::host(I32Exit(code as i32)))
    })?;

    // `path_open` has nine parameters, more than `func_wrap` takes.
    use ValType::{I32, I64};
    let ty = FuncType::new([I32, I32, I32, I32, I32, I64, I64, I32, I32], [I32]);
    linker.func_new(
        MODULE,
        "path_open",
        ty,
        move |mut caller, params, results| {
            let p = |i: usize| params.get(i).and_then(Val::i32).map(|v| v as u32);
            let q = |i: usize| params.get(i).and_then(Val::i64).map(|v| v as u64);
            let errno = match (p(0), p(1), p(2), p(3), p(4), q(5), q(6), p(7), p(8)) {
                (
                    Some(fd),
                    Some(dirflags),
                    Some(ptr),
                    Some(len),
                    Some(oflags),
                    Some(base),
                    Some(inheriting),
                    Some(fdflags),
                    Some(out),
                ) => {
                    let open = path::OpenArgs {
                        fd,
                        dirflags,
                        path: ptr,
                        path_len: len,
                        oflags,
                        base,
                        inheriting,
                        fdflags,
                    };
                    get.with(
                        &mut caller,
                        |ctx, mem| path::path_open(ctx, mem, &open, out),
                        |_, r| errno(r),
                    )
                }
                _ => i32::from(Errno::Inval.raw()),
            };
            if let Some(slot) = results.first_mut() {
                *slot = Val::I32(errno);
            }
            Ok(())
        },
    )?;
    Ok(())
}
