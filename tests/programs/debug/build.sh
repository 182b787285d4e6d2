#!/bin/sh
# Rebuilds debugme.wasm with DWARF (-g -O0) for the LLDB test. Needs
# clang-19, lld-19, wasi-libc and libclang-rt-19-dev-wasm32 (Debian). The
# .wasm is committed, so tests need no C compiler; -fdebug-prefix-map keeps
# the build directory out of it.
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-19}
"$CC" --target=wasm32-wasi -g -O0 -Wall -Wextra -Werror \
    -fdebug-prefix-map="$(pwd)"=. -o debugme.wasm debugme.c
echo "built debugme.wasm"
