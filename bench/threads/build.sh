#!/bin/sh
# Assemble the threads benchmark: bench/threads/psum.wat -> psum.wasm, the
# same way as bench/gc/build.sh does.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
exec "$dir/../gc/build.sh" "$dir"
