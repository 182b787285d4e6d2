//! [`WasiCtx`], the guest's view of the world, and [`WasiCtxBuilder`].

use std::io;
use std::path::Path;
use std::time::Instant;

use crate::abi::rights;
use crate::pipe::{ReadPipe, WritePipe};
use crate::table::{Desc, Entry, FdTable, Stream};

/// An embedder-supplied filler of random bytes.
pub(crate) type RandomFill = Box<dyn FnMut(&mut [u8]) + Send>;

/// A source of random bytes for `random_get`.
pub(crate) enum Random {
    /// The host's `/dev/urandom`, opened on first use.
    Os(Option<std::fs::File>),
    /// A source supplied by the embedder.
    Custom(RandomFill),
}

/// The state of one WASI guest: arguments, environment, open descriptors
/// (standard streams and preopened directories first) and clocks.
///
/// Built with [`WasiCtxBuilder`], kept in the store's data, and found by
/// the accessor given to [`crate::add_to_linker`].
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: FdTable,
    /// Origin of the monotonic and the emulated CPU-time clocks.
    pub(crate) start: Instant,
    pub(crate) random: Random,
}

impl std::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("fds", &self.fds)
            .finish_non_exhaustive()
    }
}

impl WasiCtx {
    /// An empty context, swapped in while a WASI call has the real one out.
    pub(crate) fn placeholder() -> WasiCtx {
        WasiCtx {
            args: Vec::new(),
            env: Vec::new(),
            fds: FdTable::default(),
            start: Instant::now(),
            random: Random::Os(None),
        }
    }
}

/// How many descriptors after the standard streams are in use.
fn fds_len(fds: &FdTable) -> u32 {
    (3..).take_while(|fd| fds.contains(*fd)).count() as u32
}

/// A [`WasiCtx`] shared by the stores of several threads (wasi-threads):
/// they see one set of descriptors, arguments and environment. Cheap to
/// clone (a reference count).
#[derive(Debug, Clone)]
pub struct SharedWasiCtx(std::sync::Arc<std::sync::Mutex<WasiCtx>>);

impl SharedWasiCtx {
    /// Shares `ctx`.
    pub fn new(ctx: WasiCtx) -> Self {
        SharedWasiCtx(std::sync::Arc::new(std::sync::Mutex::new(ctx)))
    }

    /// The context, for one call. A thread that panicked while holding
    /// it left it consistent (every WASI function validates before it
    /// changes anything), so a poisoned lock is taken over.
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, WasiCtx> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Builds a [`WasiCtx`]: arguments, environment, preopened directories and
/// standard streams.
///
/// By default there are no arguments, no environment variables and no
/// preopens, and stdin, stdout and stderr are the host's.
///
/// ```no_run
/// use weft_wasi::{WasiCtxBuilder, WritePipe};
///
/// let stdout = WritePipe::new();
/// let ctx = WasiCtxBuilder::new()
///     .arg("prog.wasm")
///     .env("HOME", "/home")
///     .preopened_dir("/tmp/data", "/data")?
///     .stdout(stdout.clone())
///     .build();
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Default)]
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<(Vec<u8>, Vec<u8>)>,
    preopens: Vec<(cap_std::fs::Dir, Vec<u8>)>,
    stdin: Option<ReadPipe>,
    stdout: Option<WritePipe>,
    stderr: Option<WritePipe>,
    random: Option<RandomFill>,
    listeners: Vec<std::net::TcpListener>,
}

impl std::fmt::Debug for WasiCtxBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiCtxBuilder")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("preopens", &self.preopens.len())
            .finish_non_exhaustive()
    }
}

impl WasiCtxBuilder {
    /// A builder with nothing configured.
    pub fn new() -> Self {
        WasiCtxBuilder::default()
    }

    /// Appends one argument (the first one is the program name, `argv[0]`).
    pub fn arg(&mut self, arg: impl AsRef<[u8]>) -> &mut Self {
        self.args.push(arg.as_ref().to_vec());
        self
    }

    /// Appends arguments.
    pub fn args<I: IntoIterator<Item = A>, A: AsRef<[u8]>>(&mut self, args: I) -> &mut Self {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    /// Sets an environment variable, replacing an earlier value of `key`.
    pub fn env(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> &mut Self {
        let (key, value) = (key.as_ref().to_vec(), value.as_ref().to_vec());
        match self.env.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.env.push((key, value)),
        }
        self
    }

    /// Copies the host's environment (later [`env`](Self::env) calls
    /// override single variables).
    pub fn inherit_env(&mut self) -> &mut Self {
        use std::os::unix::ffi::OsStrExt;
        for (k, v) in std::env::vars_os() {
            self.env(k.as_bytes(), v.as_bytes());
        }
        self
    }

    /// Preopens the host directory `host` under the guest name `guest`
    /// (e.g. `"/data"` or `"."`). This is the one place where ambient
    /// authority is used: the guest can reach only what is under `host`.
    pub fn preopened_dir(
        &mut self,
        host: impl AsRef<Path>,
        guest: impl AsRef<str>,
    ) -> io::Result<&mut Self> {
        let dir = cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority())?;
        Ok(self.preopened_cap_dir(dir, guest))
    }

    /// Preopens an already opened directory under the guest name `guest`.
    pub fn preopened_cap_dir(
        &mut self,
        dir: cap_std::fs::Dir,
        guest: impl AsRef<str>,
    ) -> &mut Self {
        self.preopens
            .push((dir, guest.as_ref().as_bytes().to_vec()));
        self
    }

    /// Gives the guest an in-memory stdin instead of the host's.
    pub fn stdin(&mut self, pipe: ReadPipe) -> &mut Self {
        self.stdin = Some(pipe);
        self
    }

    /// Gives the guest a listening TCP socket, as the next descriptor after
    /// the preopened directories (in the order added): it can
    /// `sock_accept` connections on it (wasmtime's `--tcplisten`).
    pub fn preopened_listener(&mut self, listener: std::net::TcpListener) -> &mut Self {
        self.listeners.push(listener);
        self
    }

    /// Collects the guest's stdout in `pipe` instead of the host's stdout.
    pub fn stdout(&mut self, pipe: WritePipe) -> &mut Self {
        self.stdout = Some(pipe);
        self
    }

    /// Collects the guest's stderr in `pipe` instead of the host's stderr.
    pub fn stderr(&mut self, pipe: WritePipe) -> &mut Self {
        self.stderr = Some(pipe);
        self
    }

    /// Replaces the source of `random_get` (the default reads the host's
    /// `/dev/urandom`), e.g. with a deterministic one for tests.
    pub fn random_source(&mut self, fill: impl FnMut(&mut [u8]) + Send + 'static) -> &mut Self {
        self.random = Some(Box::new(fill));
        self
    }

    /// Builds the context: descriptors 0, 1, 2 are the standard streams,
    /// the preopens follow from 3 in the order they were given. The
    /// builder is left empty.
    pub fn build(&mut self) -> WasiCtx {
        let this = std::mem::take(self);
        let mut fds = FdTable::default();
        let stream = |s: Stream, base: u64| Entry {
            desc: Desc::Stream(s),
            rights_base: base,
            rights_inheriting: 0,
            flags: 0,
        };
        let common =
            rights::POLL_FD_READWRITE | rights::FD_FILESTAT_GET | rights::FD_FDSTAT_SET_FLAGS;
        let stdin = this.stdin.map_or(Stream::HostStdin, Stream::Input);
        let stdout = this.stdout.map_or(Stream::HostStdout, Stream::Output);
        let stderr = this.stderr.map_or(Stream::HostStderr, Stream::Output);
        fds.set(0, stream(stdin, common | rights::FD_READ));
        fds.set(1, stream(stdout, common | rights::FD_WRITE));
        fds.set(2, stream(stderr, common | rights::FD_WRITE));
        for (i, (dir, name)) in this.preopens.into_iter().enumerate() {
            let fd = 3 + i as u32;
            fds.set(
                fd,
                Entry {
                    desc: Desc::Dir {
                        dir,
                        preopen: Some(name),
                    },
                    rights_base: rights::DIR,
                    rights_inheriting: rights::ALL,
                    flags: 0,
                },
            );
        }
        let first = 3 + fds_len(&fds);
        for (i, listener) in this.listeners.into_iter().enumerate() {
            fds.set(
                first + i as u32,
                Entry {
                    desc: Desc::Stream(Stream::Listener(listener)),
                    rights_base: rights::LISTENER,
                    rights_inheriting: rights::CONNECTION,
                    flags: 0,
                },
            );
        }
        let env = this
            .env
            .into_iter()
            .map(|(mut k, v)| {
                k.push(b'=');
                k.extend(v);
                k
            })
            .collect();
        WasiCtx {
            args: this.args,
            env,
            fds,
            start: Instant::now(),
            random: match this.random {
                Some(f) => Random::Custom(f),
                None => Random::Os(None),
            },
        }
    }
}

/// The error a guest's `proc_exit` returns through the engine: the call
/// that was running ends with `weft::ErrorKind::Host` holding this value.
/// See [`crate::exit_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl std::fmt::Display for I32Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "guest exited with status {}", self.0)
    }
}

impl std::error::Error for I32Exit {}
