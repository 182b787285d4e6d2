#!/bin/sh
# Rebuild the benchmark programs: bench/programs/NAME.c -> bench/programs/NAME.wasm
#
# Built with: Debian clang version 19.1.7 (3~deb12u1), target wasm32-wasi,
# against Debian's wasi-libc package (sysroot /usr, headers /usr/include/wasm32-wasi),
# linked with lld-19 (wasm-ld).  Install:
#   apt-get install -y clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32
#
# Flags: -O2 as the issue prescribes; --strip-debug drops the DWARF sections that
# Debian's libc.a carries (the `name` section stays, for backtraces and profiles).
# No -mbulk-memory: memcpy/memset are libc's wasm loops, which is what an
# interpreter should be measured on (and what every runtime here supports).
#
# simd.c (and any simd*.c) is the exception: it is built with -msimd128 as
# well, since it measures the SIMD instructions themselves.
#
# Usage: bench/programs/build.sh [NAME...]   (default: every *.c here)
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-19}
CFLAGS=${CFLAGS:-"--target=wasm32-wasi -O2"}
LDFLAGS=${LDFLAGS:-"-Wl,--strip-debug"}
if [ $# -eq 0 ]; then set -- *.c; fi
for src in "$@"; do
    name=${src%.c}
    flags=$CFLAGS
    case $name in simd*) flags="$CFLAGS -msimd128" ;; esac
    echo "$CC $flags $name.c -o $name.wasm $LDFLAGS"
    # shellcheck disable=SC2086
    $CC $flags "$name.c" -o "$name.wasm" $LDFLAGS
done
