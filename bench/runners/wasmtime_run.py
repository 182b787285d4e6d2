#!/usr/bin/env python3
"""Run a WebAssembly module with wasmtime's Python API (pip install wasmtime).

Usage: wasmtime_run.py [--compile-only] FILE.wasm|FILE.wat [--invoke NAME] [ARGS...]

Without --invoke: a WASI command; ARGS become argv[1..], stdout/stderr are
inherited, the exit status is the guest's.  With --invoke: call the export NAME
with ARGS parsed by its parameter types and print each result on its own line
(the same output format as `weft run` and `wasmi`).  --compile-only: compile
and instantiate, print nothing.

If the environment variable BENCH_TIMES names a file, the runner writes its
own phase times there as JSON (seconds): compile, instantiate, run.  These
exclude the Python interpreter's start-up and `import wasmtime`.
"""
import json
import os
import sys
import time

import wasmtime


def parse_arg(text, ty):
    if ty in (wasmtime.ValType.i32(), wasmtime.ValType.i64()):
        return int(text, 0)
    return float(text)


def fmt(v):
    return repr(v) if isinstance(v, float) else str(v)


def invoke_export(store, instance, name, rest):
    func = instance.exports(store)[name]
    params = func.type(store).params
    args = [parse_arg(a, t) for a, t in zip(rest, params)]
    result = func(store, *args)
    if result is None:
        results = []
    elif isinstance(result, (list, tuple)):
        results = list(result)
    else:
        results = [result]
    sys.stdout.write("".join(fmt(r) + "\n" for r in results))


def main(argv):
    compile_only = bool(argv) and argv[0] == "--compile-only"
    if compile_only:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 1
    path, rest = argv[0], argv[1:]
    invoke = None
    if len(rest) >= 2 and rest[0] == "--invoke":
        invoke, rest = rest[1], rest[2:]

    times = {}
    code = 0
    try:
        t0 = time.perf_counter()
        config = wasmtime.Config()
        # GC modules (bench/gc) need these; the other benchmarks do not
        # care.
        config.wasm_function_references = True
        config.wasm_gc = True
        engine = wasmtime.Engine(config)
        module = wasmtime.Module.from_file(engine, path)
        t1 = time.perf_counter()
        times["compile"] = t1 - t0
        store = wasmtime.Store(engine)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        wasi = wasmtime.WasiConfig()
        wasi.argv = [os.path.basename(path)] + (rest if invoke is None else [])
        wasi.inherit_stdout()
        wasi.inherit_stderr()
        store.set_wasi(wasi)
        instance = linker.instantiate(store, module)
        t2 = time.perf_counter()
        times["instantiate"] = t2 - t1
        if not compile_only:
            try:
                if invoke is None:
                    instance.exports(store)["_start"](store)
                else:
                    invoke_export(store, instance, invoke, rest)
            finally:
                times["run"] = time.perf_counter() - t2
    except wasmtime.ExitTrap as e:
        code = e.code
    except wasmtime.Trap as e:
        print("trap: %s" % e, file=sys.stderr)
        code = 2
    except Exception as e:  # invalid module, missing export, bad argument
        print("error: %s" % e, file=sys.stderr)
        code = 1
    out = os.environ.get("BENCH_TIMES")
    if out:
        with open(out, "w") as f:
            json.dump(times, f)
    return code


if __name__ == "__main__":
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
