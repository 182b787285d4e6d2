#!/usr/bin/env python3
"""Generate the startup benchmark modules (deterministic, stdlib only).

    bench/startup/gen.py [--out DIR] [--functions N]

writes DIR/small.wasm (a handful of functions, ~10 KB) and DIR/large.wasm
(thousands of functions with large bodies, several MB; --functions sets how
many, default 5000).  Both export `f0: () -> i32` (the entry point: calls a
few of the generated functions and returns a checksum) and `memory`.

The bodies are valid and trap-free by construction: i32/i64/f64 arithmetic
over locals and constants (no trapping division: divisors are or'ed with 1;
floats leave through reinterpret, never trunc), loads and stores at masked
addresses inside the first page, if/else, blocks with br_if, counted loops
and br_table, direct calls to leaf functions and call_indirect through a
table of leaves.  Nothing depends on Python's `random`, so the bytes are the
same on every Python version.
"""
import argparse
import os
import struct
import sys

# ---------------------------------------------------------------- encoding
def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def name(s):
    b = s.encode()
    return uleb(len(b)) + b


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


I32, I64, F64 = 0x7F, 0x7E, 0x7C
# opcodes
BLOCK, LOOP, IF, ELSE, END, BR, BR_IF, BR_TABLE = 0x02, 0x03, 0x04, 0x05, 0x0B, 0x0C, 0x0D, 0x0E
CALL, CALL_INDIRECT, DROP, SELECT = 0x10, 0x11, 0x1A, 0x1B
LGET, LSET, LTEE, GGET, GSET = 0x20, 0x21, 0x22, 0x23, 0x24
I32_LOAD, I64_LOAD, F64_LOAD, I32_STORE, I64_STORE, F64_STORE = 0x28, 0x29, 0x2B, 0x36, 0x37, 0x39
I32_LOAD8_U, I32_STORE8 = 0x2D, 0x3A
I32_CONST, I64_CONST, F64_CONST = 0x41, 0x42, 0x44
I32_EQZ = 0x45
I32_CMP = [0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F]
I32_BIN = [0x6A, 0x6B, 0x6C, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78]  # add sub mul and or xor shl shr_s shr_u rotl rotr
I32_DIV_U, I32_REM_U = 0x6E, 0x70
I32_UN = [0x67, 0x68, 0x69]  # clz ctz popcnt
I64_BIN = [0x7C, 0x7D, 0x7E, 0x83, 0x84, 0x85, 0x86, 0x88, 0x89]  # add sub mul and or xor shl shr_u rotl
F64_BIN = [0xA0, 0xA1, 0xA2, 0xA4, 0xA5]  # add sub mul min max
F64_UN = [0x99, 0x9A, 0x9B, 0x9C]  # abs neg ceil floor
I32_WRAP_I64, I64_EXTEND_I32_U, F64_CONVERT_I32_S = 0xA7, 0xAD, 0xB7
I64_REINTERPRET_F64 = 0xBD


class Rng:
    """xorshift64*: deterministic everywhere."""

    def __init__(self, seed):
        self.s = (seed * 0x9E3779B97F4A7C15 + 1) & 0xFFFFFFFFFFFFFFFF

    def next(self):
        s = self.s
        s ^= (s >> 12)
        s ^= (s << 25) & 0xFFFFFFFFFFFFFFFF
        s ^= (s >> 27)
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return (self.next() >> 33) % n

    def chance(self, pct):
        return self.below(100) < pct


# ---------------------------------------------------------------- bodies
# Every generated function has type (i32, i32) -> i32 and the locals
#   0,1: params (i32)   2..7: i32   8,9: i64   10,11: f64
N_I32 = [0, 1, 2, 3, 4, 5, 6, 7]
N_I64 = [8, 9]
N_F64 = [10, 11]
LOCAL_DECLS = vec([uleb(6) + bytes([I32]), uleb(2) + bytes([I64]), uleb(2) + bytes([F64])])
N_LEAVES = 32  # functions 1..32 are leaves (no calls); index 0 is the entry f0
MEM_MASK = 0xFF80  # 8-aligned addresses in the first 64 KiB page, room for offset+size


class Gen:
    def __init__(self, rng, leaves):
        self.r = rng
        self.leaves = leaves  # callable function indices (leaves), or [] for a leaf
        self.out = bytearray()

    def emit(self, *bs):
        self.out += bytes(bs)

    def i32_expr(self, depth):
        r = self.r
        k = r.below(100) if depth > 0 else r.below(30)
        if k < 15:
            self.emit(LGET)
            self.out += uleb(N_I32[r.below(len(N_I32))])
        elif k < 30:
            self.emit(I32_CONST)
            self.out += sleb(r.below(1 << 16) - (1 << 15))
        elif k < 60:
            self.i32_expr(depth - 1)
            self.i32_expr(depth - 1)
            self.emit(I32_BIN[r.below(len(I32_BIN))])
        elif k < 66:
            self.i32_expr(depth - 1)
            self.i32_expr(depth - 1)
            self.emit(I32_CONST, 1, 0x72)  # i32.or 1: never zero
            self.emit(I32_DIV_U if r.below(2) else I32_REM_U)
        elif k < 72:
            self.i32_expr(depth - 1)
            self.i32_expr(depth - 1)
            self.emit(I32_CMP[r.below(len(I32_CMP))])
        elif k < 76:
            self.i32_expr(depth - 1)
            self.emit(I32_UN[r.below(len(I32_UN))] if r.below(2) else I32_EQZ)
        elif k < 82:
            self.addr(depth - 1)
            if r.below(3):
                self.emit(I32_LOAD, 2)
            else:
                self.emit(I32_LOAD8_U, 0)
            self.out += uleb(r.below(4) * 8)
        elif k < 88:
            self.i64_expr(depth - 1)
            self.emit(I32_WRAP_I64)
        elif k < 92:
            self.f64_expr(depth - 1)
            self.emit(I64_REINTERPRET_F64, I32_WRAP_I64)
        elif k < 96:
            self.i32_expr(depth - 1)
            self.i32_expr(depth - 1)
            self.i32_expr(depth - 1)
            self.emit(SELECT)
        elif self.leaves:
            self.i32_expr(depth - 1)
            self.i32_expr(depth - 1)
            if r.below(4):
                self.emit(CALL)
                self.out += uleb(self.leaves[r.below(len(self.leaves))])
            else:
                self.emit(I32_CONST)
                self.out += sleb(r.below(N_LEAVES))
                self.emit(CALL_INDIRECT)
                self.out += uleb(0) + b"\x00"
        else:
            self.emit(LGET)
            self.out += uleb(r.below(2))

    def addr(self, depth):
        self.i32_expr(depth)
        self.emit(I32_CONST)
        self.out += sleb(MEM_MASK)
        self.emit(0x71)  # i32.and

    def i64_expr(self, depth):
        r = self.r
        k = r.below(100) if depth > 0 else r.below(50)
        if k < 25:
            self.emit(LGET)
            self.out += uleb(N_I64[r.below(2)])
        elif k < 50:
            self.emit(I64_CONST)
            self.out += sleb(r.below(1 << 40) - (1 << 39))
        elif k < 80:
            self.i64_expr(depth - 1)
            self.i64_expr(depth - 1)
            self.emit(I64_BIN[r.below(len(I64_BIN))])
        elif k < 90:
            self.i32_expr(depth - 1)
            self.emit(I64_EXTEND_I32_U)
        else:
            self.addr(depth - 1)
            self.emit(I64_LOAD, 3)
            self.out += uleb(0)

    def f64_expr(self, depth):
        r = self.r
        k = r.below(100) if depth > 0 else r.below(50)
        if k < 25:
            self.emit(LGET)
            self.out += uleb(N_F64[r.below(2)])
        elif k < 50:
            self.emit(F64_CONST)
            self.out += struct.pack("<d", (r.below(20000) - 10000) / 64.0)
        elif k < 75:
            self.f64_expr(depth - 1)
            self.f64_expr(depth - 1)
            self.emit(F64_BIN[r.below(len(F64_BIN))])
        elif k < 85:
            self.f64_expr(depth - 1)
            self.emit(F64_UN[r.below(len(F64_UN))])
        else:
            self.i32_expr(depth - 1)
            self.emit(F64_CONVERT_I32_S)

    def stmt(self, depth, nest):
        r = self.r
        k = r.below(100)
        if k < 40:
            self.i32_expr(depth)
            tee = r.below(4) == 0
            self.emit(LTEE if tee else LSET)
            self.out += uleb(2 + r.below(5))  # locals 2..6: 7 is the loop counter
            if tee:
                self.emit(DROP)
        elif k < 50:
            self.i64_expr(depth)
            self.emit(LSET)
            self.out += uleb(N_I64[r.below(2)])
        elif k < 58:
            self.f64_expr(depth)
            self.emit(LSET)
            self.out += uleb(N_F64[r.below(2)])
        elif k < 68:
            self.addr(1)
            if r.below(3):
                self.i32_expr(depth)
                self.emit(I32_STORE, 2)
            elif r.below(2):
                self.i64_expr(depth)
                self.emit(I64_STORE, 3)
            else:
                self.f64_expr(depth)
                self.emit(F64_STORE, 3)
            self.out += uleb(r.below(4) * 8)
        elif k < 78 and nest > 0:  # if / else
            self.i32_expr(2)
            self.emit(IF, 0x40)
            for _ in range(1 + r.below(3)):
                self.stmt(depth, nest - 1)
            if r.below(2):
                self.emit(ELSE)
                for _ in range(1 + r.below(3)):
                    self.stmt(depth, nest - 1)
            self.emit(END)
        elif k < 84 and nest > 0:  # block with an early exit
            self.emit(BLOCK, 0x40)
            self.stmt(depth, nest - 1)
            self.i32_expr(2)
            self.emit(BR_IF, 0)
            for _ in range(1 + r.below(2)):
                self.stmt(depth, nest - 1)
            self.emit(END)
        elif k < 90 and nest > 0:  # counted loop (local 7 as the counter, 1..4 trips)
            self.emit(I32_CONST)
            self.out += sleb(1 + r.below(4))
            self.emit(LSET, 7)
            self.emit(LOOP, 0x40)
            for _ in range(1 + r.below(2)):
                self.stmt(depth, 0)  # nest 0: the body does not touch local 7 via loops
            self.emit(LGET, 7, I32_CONST, 1, 0x6B, LTEE, 7, BR_IF, 0, END)
        elif k < 94 and nest > 0:  # br_table switch of 3 cases
            self.emit(BLOCK, 0x40, BLOCK, 0x40, BLOCK, 0x40)
            self.i32_expr(2)
            self.emit(BR_TABLE)
            self.out += uleb(2) + uleb(0) + uleb(1) + uleb(2)
            self.emit(END)
            self.stmt(depth, 0)
            self.emit(BR, 1, END)
            self.stmt(depth, 0)
            self.emit(END)
        else:
            self.i32_expr(depth)
            self.emit(LSET)
            self.out += uleb(2 + r.below(5))  # never the loop counter 7

    def body(self, n_stmts, depth, nest):
        for _ in range(n_stmts):
            self.stmt(depth, nest)
        # result: mix of locals
        self.emit(LGET, 0, LGET, 2, 0x73, LGET, 3, 0x6A, LGET, 8, I32_WRAP_I64, 0x73)
        self.emit(END)
        return LOCAL_DECLS + bytes(self.out)


def build(n_funcs, stmts, seed):
    """n_funcs generated functions (index 1..n_funcs) plus the entry f0 (index 0)."""
    rng = Rng(seed)
    t_gen = b"\x60" + vec([bytes([I32]), bytes([I32])]) + vec([bytes([I32])])
    t_entry = b"\x60" + vec([]) + vec([bytes([I32])])
    types = section(1, vec([t_gen, t_entry]))
    funcs = section(3, vec([uleb(1)] + [uleb(0)] * n_funcs))
    n_leaves = min(N_LEAVES, n_funcs)
    table = section(4, vec([bytes([0x70, 0x00]) + uleb(N_LEAVES)]))
    memory = section(5, vec([b"\x00" + uleb(1)]))
    exports = section(7, vec([name("f0") + b"\x00" + uleb(0), name("memory") + b"\x02" + uleb(0)]))
    # element segment: table[i] = leaf (i mod n_leaves) + 1
    elem = section(9, vec([uleb(0) + bytes([I32_CONST]) + sleb(0) + bytes([END])
                           + vec([uleb(1 + i % n_leaves) for i in range(N_LEAVES)])]))
    leaves = list(range(1, n_leaves + 1))
    bodies = []
    # entry: call the first few functions (and the last one) with constants, sum
    entry = bytearray()
    picks = sorted(set([1, 2, 3, min(n_funcs, N_LEAVES + 1), n_funcs]))
    for k, f in enumerate(picks):
        entry += bytes([I32_CONST]) + sleb(1000 + k) + bytes([I32_CONST]) + sleb(7 * k + 3) + bytes([CALL]) + uleb(f)
        if k:
            entry += bytes([0x6A])
    entry += bytes([END])
    bodies.append(vec([]) + bytes(entry))
    for i in range(1, n_funcs + 1):
        g = Gen(rng, [] if i <= n_leaves else leaves)
        bodies.append(g.body(stmts, depth=3, nest=2))
    code = section(10, vec([uleb(len(b)) + b for b in bodies]))
    # data: a pattern in the first 256 bytes of memory
    data_bytes = bytes((i * 37 + 11) & 0xFF for i in range(256))
    data = section(11, vec([uleb(0) + bytes([I32_CONST]) + sleb(0) + bytes([END]) + uleb(len(data_bytes)) + data_bytes]))
    header = b"\x00asm\x01\x00\x00\x00"
    return header + types + funcs + table + memory + exports + elem + code + data


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--functions", type=int, default=5000)
    ap.add_argument("--statements", type=int, default=32, help="statements per large-module function")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    small = build(40, 12, seed=1)
    large = build(args.functions, args.statements, seed=2)
    for fname, blob in (("small.wasm", small), ("large.wasm", large)):
        path = os.path.join(args.out, fname)
        with open(path, "wb") as f:
            f.write(blob)
        print("%s: %d bytes" % (path, len(blob)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
