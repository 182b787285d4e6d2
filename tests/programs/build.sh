#!/bin/sh
# Rebuilds the WASI test programs: every NAME.c here becomes NAME.wasm.
# Needs clang-19, lld-19, wasi-libc and libclang-rt-19-dev-wasm32 (Debian).
# Run from anywhere; the .wasm files are committed so tests need no C compiler.
# DWARF is stripped (the name section stays, for backtraces).
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-19}
for src in *.c; do
    "$CC" --target=wasm32-wasi -O2 -Wall -Wextra -Werror -Wl,--strip-debug -o "${src%.c}.wasm" "$src"
    echo "built ${src%.c}.wasm"
done
# The wasi-threads program has its own flags (no C library, shared memory).
./threads/build.sh
