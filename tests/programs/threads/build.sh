#!/bin/sh
# Rebuilds threads.wasm and threads_trap.wasm (committed, so tests need no C
# compiler). Needs clang-19 and lld-19 (Debian); no C library is linked.
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-19}
flags="--target=wasm32-wasi -O2 -Wall -Wextra -Werror -nostdlib -matomics -mbulk-memory \
  -Wl,--import-memory,--export-memory,--shared-memory,--max-memory=1048576,--strip-debug"
$CC $flags -o threads.wasm threads.c start.s
$CC $flags -DTRAP_IN_CHILD -o threads_trap.wasm threads.c start.s
echo "built threads.wasm threads_trap.wasm"
