#!/bin/sh
# Assemble the GC benchmarks: bench/gc/NAME.wat -> bench/gc/NAME.wasm, or
# those of the directory given (bench/eh/build.sh passes its own). The
# .wasm files are committed so every runtime runs the same bytes. Uses the
# Python package wasmtime (pip install wasmtime): its wat2wasm reads the GC
# and exception-handling instructions, which wabt 1.0.32's does not.
set -eu
cd "${1:-$(dirname "$0")}"
for wat in *.wat; do
    wasm=${wat%.wat}.wasm
    python3 -c 'import sys, wasmtime; open(sys.argv[2], "wb").write(wasmtime.wat2wasm(open(sys.argv[1]).read()))' "$wat" "$wasm"
    echo "$wat -> $wasm"
done
