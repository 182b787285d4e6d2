#!/bin/sh
# Assemble the exception-handling benchmarks: bench/eh/NAME.wat ->
# bench/eh/NAME.wasm, the same way as bench/gc/build.sh does.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
exec "$dir/../gc/build.sh" "$dir"
