#!/bin/sh
# Assemble the WAT micro benchmarks: bench/wat/NAME.wat -> bench/wat/NAME.wasm
# (the .wasm files are committed so every runtime runs the same bytes).
# Uses wabt's wat2wasm (apt-get install -y wabt; built with 1.0.32), or, if it
# is missing, the Python package wasmtime (pip install wasmtime).
set -eu
cd "$(dirname "$0")"
for wat in *.wat; do
    wasm=${wat%.wat}.wasm
    if command -v wat2wasm >/dev/null 2>&1; then
        wat2wasm "$wat" -o "$wasm"
    else
        python3 -c 'import sys, wasmtime; open(sys.argv[2], "wb").write(wasmtime.wat2wasm(open(sys.argv[1]).read()))' "$wat" "$wasm"
    fi
    echo "$wat -> $wasm"
done
