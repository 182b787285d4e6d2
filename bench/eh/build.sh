#!/bin/sh
# Assemble the exception-handling benchmarks: bench/eh/NAME.wat -> bench/eh/NAME.wasm (the
# .wasm files are committed so every runtime runs the same bytes). Uses the
# Python package wasmtime (pip install wasmtime): its wat2wasm reads the exception-handling
# instructions, which wabt 1.0.32's does not.
set -eu
cd "$(dirname "$0")"
for wat in *.wat; do
    wasm=${wat%.wat}.wasm
    python3 -c 'import sys, wasmtime; open(sys.argv[2], "wb").write(wasmtime.wat2wasm(open(sys.argv[1]).read()))' "$wat" "$wasm"
    echo "$wat -> $wasm"
done
