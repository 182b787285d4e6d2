#!/usr/bin/env python3
"""Run a WebAssembly module with wasm3 through its Python binding
(pip install pywasm3).  The binding has no WASI, so this runner links a small
WASI preview1 subset written here in Python (args, environ, fd_write to
stdout/stderr, fd_fdstat_get, fd_seek/fd_close stubs, proc_exit, clocks,
random_get); every other WASI import answers ENOSYS.  Only the guest's calls
into those functions run in Python; the benchmark loops run in wasm3.

Usage: wasm3_run.py [--compile-only] FILE.wasm [--invoke NAME] [ARGS...]
Binary modules only (the harness converts .wat first).  If the environment
variable BENCH_TIMES names a file, the runner writes its phase times there as
JSON (seconds): compile (parse + load; wasm3 compiles functions lazily), run.
"""
import json
import os
import struct
import sys
import time

import wasm3

STACK_SIZE = 8 << 20
ESUCCESS, EBADF, EINVAL, ENOSYS = 0, 8, 28, 52
TYPE_CHARS = {0x7F: "i", 0x7E: "I", 0x7D: "f", 0x7C: "F"}


def leb_u(data, i):
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def function_imports(data):
    """[(module, name, wasm3 signature string)] of the function imports."""
    types, imports = [], []
    i = 8
    while i < len(data):
        sid = data[i]
        size, i = leb_u(data, i + 1)
        end = i + size
        if sid == 1:
            n, j = leb_u(data, i)
            for _ in range(n):
                j += 1  # 0x60
                np, j = leb_u(data, j)
                params = data[j:j + np]
                j += np
                nr, j = leb_u(data, j)
                results = data[j:j + nr]
                j += nr
                types.append((params, results))
        elif sid == 2:
            n, j = leb_u(data, i)
            for _ in range(n):
                ml, j = leb_u(data, j)
                mod = data[j:j + ml].decode()
                j += ml
                nl, j = leb_u(data, j)
                name = data[j:j + nl].decode()
                j += nl
                kind = data[j]
                j += 1
                if kind == 0:
                    ti, j = leb_u(data, j)
                    params, results = types[ti]
                    ret = TYPE_CHARS[results[0]] if results else "v"
                    sig = "%s(%s)" % (ret, "".join(TYPE_CHARS[p] for p in params))
                    imports.append((mod, name, sig))
                elif kind == 1:  # table: reftype + limits
                    j += 1
                    flags = data[j]
                    _, j = leb_u(data, j + 1)
                    if flags & 1:
                        _, j = leb_u(data, j)
                elif kind == 2:  # memory: limits
                    flags = data[j]
                    _, j = leb_u(data, j + 1)
                    if flags & 1:
                        _, j = leb_u(data, j)
                elif kind == 3:  # global
                    j += 2
            return imports
        i = end
    return imports


class ProcExit(Exception):
    def __init__(self, code):
        super().__init__("proc_exit(%d)" % code)
        self.code = code


class Wasi:
    def __init__(self, runtime, args, env):
        self.rt = runtime
        self.args = [a.encode() + b"\0" for a in args]
        self.env = [("%s=%s" % kv).encode() + b"\0" for kv in env.items()]
        self.exit_code = None

    def mem(self):
        return self.rt.get_memory(0)

    def put_u32(self, addr, value):
        self.mem()[addr:addr + 4] = struct.pack("<I", value & 0xFFFFFFFF)

    def put_u64(self, addr, value):
        self.mem()[addr:addr + 8] = struct.pack("<Q", value & 0xFFFFFFFFFFFFFFFF)

    def strings_sizes(self, items, count_ptr, size_ptr):
        self.put_u32(count_ptr, len(items))
        self.put_u32(size_ptr, sum(len(s) for s in items))
        return ESUCCESS

    def strings_get(self, items, ptrs, buf):
        m = self.mem()
        for k, s in enumerate(items):
            m[ptrs + 4 * k:ptrs + 4 * k + 4] = struct.pack("<I", buf)
            m[buf:buf + len(s)] = s
            buf += len(s)
        return ESUCCESS

    def args_sizes_get(self, c, s):
        return self.strings_sizes(self.args, c, s)

    def args_get(self, p, b):
        return self.strings_get(self.args, p, b)

    def environ_sizes_get(self, c, s):
        return self.strings_sizes(self.env, c, s)

    def environ_get(self, p, b):
        return self.strings_get(self.env, p, b)

    def fd_write(self, fd, iovs, iovs_len, nwritten):
        if fd not in (1, 2):
            return EBADF
        m = self.mem()
        total = 0
        chunks = []
        for k in range(iovs_len):
            ptr, length = struct.unpack("<II", bytes(m[iovs + 8 * k:iovs + 8 * k + 8]))
            chunks.append(bytes(m[ptr:ptr + length]))
            total += length
        out = sys.stdout.buffer if fd == 1 else sys.stderr.buffer
        out.write(b"".join(chunks))
        out.flush()
        self.put_u32(nwritten, total)
        return ESUCCESS

    def fd_fdstat_get(self, fd, buf):
        if fd not in (0, 1, 2):
            return EBADF
        # filetype character device (2), no flags, all rights
        self.mem()[buf:buf + 24] = struct.pack("<BxHxxxxQQ", 2, 0, (1 << 64) - 1, (1 << 64) - 1)
        return ESUCCESS

    def fd_seek(self, fd, offset, whence, newoffset):
        return EBADF if fd > 2 else 70  # ESPIPE

    def fd_close(self, fd):
        return ESUCCESS if fd <= 2 else EBADF

    def proc_exit(self, code):
        self.exit_code = code
        raise ProcExit(code)

    def clock_time_get(self, clock_id, precision, out):
        ns = time.time_ns() if clock_id == 0 else time.monotonic_ns()
        self.put_u64(out, ns)
        return ESUCCESS

    def clock_res_get(self, clock_id, out):
        self.put_u64(out, 1000)
        return ESUCCESS

    def random_get(self, buf, length):
        self.mem()[buf:buf + length] = os.urandom(length)
        return ESUCCESS


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
    data = open(path, "rb").read()
    times = {}
    t0 = time.perf_counter()
    env = wasm3.Environment()
    rt = env.new_runtime(STACK_SIZE)
    module = env.parse_module(data)
    rt.load(module)
    wasi = Wasi(rt, [os.path.basename(path)] + (rest if invoke is None else []), {})
    for mod, name, sig in function_imports(data):
        if mod not in ("wasi_snapshot_preview1", "wasi_unstable"):
            continue
        impl = getattr(wasi, name, None)
        if impl is None:
            def impl(*_args):
                return ENOSYS
        module.link_function(mod, name, sig, impl)
    t1 = time.perf_counter()
    times["compile"] = t1 - t0
    code = 0
    if not compile_only:
        try:
            if invoke is None:
                rt.find_function("_start")()
            else:
                func = rt.find_function(invoke)
                result = func.call_argv(*rest)
                if result is None:
                    results = []
                elif isinstance(result, tuple):
                    results = list(result)
                else:
                    results = [result]
                sys.stdout.write("".join("%s\n" % r for r in results))
        except Exception as e:  # proc_exit surfaces as a failed call
            if wasi.exit_code is not None:
                code = wasi.exit_code
            else:
                print("trap: %s" % e, file=sys.stderr)
                code = 2
        times["run"] = time.perf_counter() - t1
    out = os.environ.get("BENCH_TIMES")
    if out:
        with open(out, "w") as f:
            json.dump(times, f)
    return code


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)
