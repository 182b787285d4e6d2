#!/usr/bin/env python3
"""Run a wasi-threads benchmark module with wasmtime's Python API.

Usage: wasmtime_threads.py FILE.wasm --invoke NAME [ARGS...]

The module imports a shared memory and `wasi` `thread-spawn`, and exports
`wasi_thread_start(tid, arg)` (bench/threads).  This runner does what a
wasi-threads host does: it creates the shared memory once, and each
thread-spawn starts a Python thread with a store of its own in which the
module is instantiated again over the same memory.  wasmtime's calls release
the GIL, so the threads run in parallel.  The export NAME is called with
integer ARGS on the main thread and its results are printed, one per line.
"""
import sys
import threading

import wasmtime


def _shared_as_extern(self):
    # wasmtime-py 50 wraps the pointer once too often here; the union
    # holds the `wasmtime_sharedmemory_t *` itself.
    from wasmtime import _ffi as ffi
    union = ffi.wasmtime_extern_union(sharedmemory=self.ptr())
    return ffi.wasmtime_extern_t(ffi.WASMTIME_EXTERN_SHAREDMEMORY, union)


wasmtime.SharedMemory._as_extern = _shared_as_extern


def main(argv):
    if len(argv) < 3 or argv[1] != "--invoke":
        print(__doc__, file=sys.stderr)
        return 1
    path, name, args = argv[0], argv[2], [int(a, 0) for a in argv[3:]]
    config = wasmtime.Config()
    config.wasm_threads = True
    config.shared_memory = True
    engine = wasmtime.Engine(config)
    module = wasmtime.Module.from_file(engine, path)
    mem_import = next(i for i in module.imports if isinstance(i.type, wasmtime.MemoryType))
    shared = wasmtime.SharedMemory(engine, mem_import.type)
    next_tid = [1]
    lock = threading.Lock()
    threads = []
    failures = []

    def instantiate():
        store = wasmtime.Store(engine)
        linker = wasmtime.Linker(engine)
        linker.define(store, mem_import.module, mem_import.name, shared)
        linker.define_func("wasi", "thread-spawn",
                           wasmtime.FuncType([wasmtime.ValType.i32()], [wasmtime.ValType.i32()]),
                           spawn)
        return store, linker.instantiate(store, module)

    def spawn(arg):
        with lock:
            tid = next_tid[0]
            next_tid[0] += 1

        def body():
            try:
                store, inst = instantiate()
                inst.exports(store)["wasi_thread_start"](store, tid, arg)
            except Exception as e:  # reported by the main thread
                failures.append(e)
        t = threading.Thread(target=body)
        t.start()
        threads.append(t)
        return tid

    store, inst = instantiate()
    result = inst.exports(store)[name](store, *args)
    for t in threads:
        t.join()
    if failures:
        print("thread failed: %s" % failures[0], file=sys.stderr)
        return 2
    results = [] if result is None else list(result) if isinstance(result, (list, tuple)) else [result]
    sys.stdout.write("".join(str(r) + "\n" for r in results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
