//! wasi-threads: the `wasi` `thread-spawn` import, for programs built for
//! `wasm32-wasip1-threads`.
//!
//! Such a module imports a shared memory and `thread-spawn(start_arg) ->
//! tid`, and exports `wasi_thread_start(tid, start_arg)`. Each spawned
//! thread is a real OS thread with a store of its own, in which the module
//! is instantiated again with the same imports: the one shared memory, the
//! one [`SharedWasiCtx`], `thread-spawn`. The first thread to end the
//! program (a `proc_exit` or a trap, in any thread) records how it ended
//! and interrupts every other thread, so that a thread blocked in
//! `memory.atomic.wait` wakes up and stops too.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use weft::{
    Engine, Error, ExternType, Instance, InterruptHandle, Linker, Memory, Module, SharedMemory,
    Store,
};

use crate::ctx::SharedWasiCtx;

/// The import module of `thread-spawn`.
pub const THREADS_MODULE: &str = "wasi";

/// The largest thread id wasi-threads allows.
const MAX_TID: u32 = 0x1FFF_FFFF;

/// What `thread-spawn` returns when it cannot start a thread (a negative
/// value is a failure; this is `-EAGAIN`).
const SPAWN_FAILED: i32 = -6;

/// The names `thread-spawn` is imported under: the proposal's, and the
/// underscore spelling of its early test suite and toolchains.
pub const SPAWN_NAMES: [&str; 2] = ["thread-spawn", "thread_spawn"];

/// Whether `module` uses wasi-threads: it imports `wasi` `thread-spawn`.
pub fn imports_threads(module: &Module) -> bool {
    module
        .imports()
        .any(|i| i.module() == THREADS_MODULE && SPAWN_NAMES.contains(&i.name()))
}

/// The store data of every thread of a wasi-threads program.
pub struct ThreadState {
    /// The WASI context all threads share.
    pub wasi: SharedWasiCtx,
    threads: WasiThreads,
}

impl ThreadState {
    /// The program's threads.
    pub fn threads(&self) -> &WasiThreads {
        &self.threads
    }
}

/// Prepares a new thread's store (fuel, limits) before the module is
/// instantiated in it.
pub type StoreSetup = dyn Fn(&mut Store<ThreadState>) -> weft::Result<()> + Send + Sync;

/// The threads of one program. Cheap to clone.
#[derive(Clone)]
pub struct WasiThreads(Arc<Inner>);

struct Inner {
    engine: Engine,
    module: Module,
    wasi: SharedWasiCtx,
    /// The imported shared memory: (module, name) and the memory.
    memory: (String, String, SharedMemory),
    setup: Box<StoreSetup>,
    max_threads: usize,
    next_tid: AtomicU32,
    state: Mutex<State>,
    /// Signalled when some thread ends the program.
    ended: Condvar,
}

#[derive(Default)]
struct State {
    /// Spawned threads still running.
    running: usize,
    /// Every live store's interrupt handle, by thread id (0: the main one).
    interrupts: Vec<(u32, InterruptHandle)>,
    /// How the program ended, once some thread ended it (until taken).
    outcome: Option<Error>,
    /// Whether some thread ended the program (stays set once it is).
    ending: bool,
}

impl WasiThreads {
    /// The threads of `module` (which must import a shared memory), sharing
    /// `wasi`. At most `max_threads` spawned threads run at once; `setup`
    /// prepares each thread's store, the main one included; the shared
    /// memory is bounded by `max_memory_bytes` (see
    /// [`weft::StoreLimits::max_memory_bytes`]).
    pub fn new(
        module: &Module,
        wasi: SharedWasiCtx,
        max_threads: usize,
        max_memory_bytes: Option<u64>,
        setup: Box<StoreSetup>,
    ) -> weft::Result<WasiThreads> {
        let memory = module
            .imports()
            .find_map(|i| match i.ty() {
                ExternType::Memory(ty) if ty.is_shared() => {
                    Some((i.module().to_string(), i.name().to_string(), ty))
                }
                _ => None,
            })
            .ok_or_else(|| {
                Error::host("a module using wasi-threads must import a shared memory")
            })?;
        let shared = SharedMemory::with_limit(memory.2, max_memory_bytes)?;
        Ok(WasiThreads(Arc::new(Inner {
            engine: module.engine().clone(),
            module: module.clone(),
            wasi,
            memory: (memory.0, memory.1, shared),
            setup,
            max_threads,
            next_tid: AtomicU32::new(1),
            state: Mutex::new(State::default()),
            ended: Condvar::new(),
        })))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The shared memory all threads use.
    pub fn memory(&self) -> &SharedMemory {
        &self.0.memory.2
    }

    /// A store for thread `tid` with the module instantiated in it.
    fn instantiate(&self, tid: u32) -> weft::Result<(Store<ThreadState>, Instance)> {
        let inner = &self.0;
        let mut store = Store::new(
            &inner.engine,
            ThreadState {
                wasi: inner.wasi.clone(),
                threads: self.clone(),
            },
        );
        (inner.setup)(&mut store)?;
        {
            let mut state = self.state();
            state.interrupts.push((tid, store.interrupt_handle()));
            if state.ending {
                // The program is ending: this thread stops at once.
                store.interrupt_handle().interrupt();
            }
        }
        let mut linker = Linker::new(&inner.engine);
        crate::add_to_linker_shared(&mut linker, |s: &mut ThreadState| &s.wasi)?;
        for name in SPAWN_NAMES {
            linker.func_wrap(
                THREADS_MODULE,
                name,
                |caller: weft::Caller<'_, ThreadState>, arg: i32| -> i32 {
                    caller.data().threads.clone().spawn(arg)
                },
            )?;
        }
        let (module, name, shared) = &inner.memory;
        let memory = Memory::from_shared(&mut store, shared)?;
        linker.define(&store, module, name, memory)?;
        let instance = linker.instantiate(&mut store, &inner.module);
        match instance {
            Ok(i) => Ok((store, i)),
            Err(e) => {
                self.forget(tid);
                Err(e)
            }
        }
    }

    /// Instantiates the module for the main thread (id 0 among the
    /// interrupt handles; wasi-libc gives it its own id).
    pub fn main_instance(&self) -> weft::Result<(Store<ThreadState>, Instance)> {
        self.instantiate(0)
    }

    /// `thread-spawn(start_arg)`: a new thread id, or a negative value if
    /// no thread could start.
    fn spawn(self, arg: i32) -> i32 {
        {
            let mut state = self.state();
            if state.ending || state.running >= self.0.max_threads {
                return SPAWN_FAILED;
            }
            state.running += 1;
        }
        let tid = self.0.next_tid.fetch_add(1, Ordering::Relaxed);
        if tid > MAX_TID {
            self.state().running -= 1;
            return SPAWN_FAILED;
        }
        // The new thread instantiates and reports whether that worked
        // before the caller goes on.
        let (tx, rx) = std::sync::mpsc::channel();
        let threads = self.clone();
        let started = std::thread::Builder::new()
            .name(format!("wasi thread {tid}"))
            .spawn(move || threads.run_thread(tid, arg, tx));
        let ok = started.is_ok() && rx.recv().unwrap_or(false);
        if ok {
            tid as i32
        } else {
            if started.is_err() {
                self.state().running -= 1;
            }
            SPAWN_FAILED
        }
    }

    /// The body of spawned thread `tid`.
    fn run_thread(self, tid: u32, arg: i32, started: std::sync::mpsc::Sender<bool>) {
        let result = match self.instantiate(tid) {
            Ok((mut store, instance)) => {
                let _ = started.send(true);
                match instance.get_typed_func::<(i32, i32), ()>(&mut store, "wasi_thread_start") {
                    Ok(start) => start.call(&mut store, (tid as i32, arg)),
                    Err(e) => Err(e),
                }
            }
            // A trap or exit in the new instance's start function ends
            // the program; other failures only fail the spawn.
            Err(e) if e.as_trap().is_some() || crate::exit_code(&e).is_some() => {
                let _ = started.send(false);
                Err(e)
            }
            Err(_) => {
                let _ = started.send(false);
                Ok(())
            }
        };
        self.forget(tid);
        if let Err(e) = result {
            self.end(e);
        }
        self.state().running -= 1;
    }

    fn forget(&self, tid: u32) {
        self.state().interrupts.retain(|(t, _)| *t != tid);
    }

    /// Ends the program with `outcome` (a `proc_exit` or a trap) unless
    /// another thread ended it first, and stops every thread.
    pub fn end(&self, outcome: Error) {
        let mut state = self.state();
        if !state.ending {
            state.ending = true;
            state.outcome = Some(outcome);
        }
        for (_, handle) in &state.interrupts {
            handle.interrupt();
        }
        self.0.ended.notify_all();
    }

    /// Blocks until some spawned thread has ended the program (a
    /// `proc_exit` or a trap). The main thread then stops at its next
    /// interrupt check, or wakes from a wait; but one blocked in a host
    /// call (reading a terminal, say) does not: a host that must end the
    /// process promptly watches for this and takes [`Self::take_outcome`].
    pub fn wait_ended(&self) {
        let mut state = self.state();
        while !state.ending {
            state = self.0.ended.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// How a spawned thread ended the program, if one did (taken: a second
    /// call returns `None`).
    pub fn take_outcome(&self) -> Option<Error> {
        self.state().outcome.take()
    }

    /// Interrupts every thread (a timeout): each ends with an interrupt
    /// trap, the first of which ends the program.
    pub fn interrupt_all(&self) {
        for (_, handle) in &self.state().interrupts {
            handle.interrupt();
        }
    }

    /// How the program ended, given how the main thread's call ended: what
    /// another thread ended it with first, or else the main thread's own
    /// result.
    pub fn outcome(&self, main: weft::Result<()>) -> weft::Result<()> {
        self.forget(0);
        let mut state = self.state();
        match (state.outcome.take(), main) {
            (Some(first), _) => Err(first),
            (None, result) => result,
        }
    }
}
