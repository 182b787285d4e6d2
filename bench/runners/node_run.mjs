// Run a WebAssembly module with node's WebAssembly engine (V8) and node:wasi.
//
// Usage: node --no-warnings node_run.mjs [--compile-only] FILE.wasm [--invoke NAME] [ARGS...]
//
// Without --invoke: a WASI command; ARGS become argv[1..]; exits with the
// guest's status.  With --invoke: call the export NAME with ARGS (numbers;
// retried as BigInt for i64 parameters) and print each result on its own line,
// like `weft run` and `wasmi`.  Binary modules only (the harness converts .wat).
// If the environment variable BENCH_TIMES names a file, the runner writes its
// phase times there as JSON (seconds): compile, instantiate, run.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WASI } from 'node:wasi';

let argv = process.argv.slice(2);
const compileOnly = argv[0] === '--compile-only';
if (compileOnly) argv = argv.slice(1);
const file = argv[0];
let rest = argv.slice(1);
let invoke = null;
if (rest.length >= 2 && rest[0] === '--invoke') { invoke = rest[1]; rest = rest.slice(2); }

const times = {};
function finish(code) {
  if (process.env.BENCH_TIMES) writeFileSync(process.env.BENCH_TIMES, JSON.stringify(times));
  process.exitCode = code;
}

const bytes = readFileSync(file);
const wasi = new WASI({
  version: 'preview1',
  args: [basename(file), ...(invoke === null ? rest : [])],
  env: {},
  returnOnExit: true,
});
const t0 = performance.now();
const module = await WebAssembly.compile(bytes);
const t1 = performance.now();
times.compile = (t1 - t0) / 1000;
// node 20's WASI functions, imported directly, crash the process (SIGSEGV /
// SIGTRAP in wasi.start) once a module's memory has grown past roughly 32-64
// MiB (seen with v20.20.2 on bench/programs/hashmap.wasm and sieve.wasm 60000000).
// Calling them through plain JS wrappers avoids it; a program makes only a
// handful of WASI calls, so the wrappers cost nothing measurable.
function wrapImports(importObject) {
  const out = {};
  for (const [mod, funcs] of Object.entries(importObject)) {
    out[mod] = {};
    for (const [name, f] of Object.entries(funcs)) {
      out[mod][name] = typeof f === 'function' ? (...args) => f(...args) : f;
    }
  }
  return out;
}
const imports = WebAssembly.Module.imports(module).length ? wrapImports(wasi.getImportObject()) : {};
const instance = await WebAssembly.instantiate(module, imports);
const t2 = performance.now();
times.instantiate = (t2 - t1) / 1000;

const fmt = (v) => (typeof v === 'bigint' ? v.toString() : String(v));

if (compileOnly) {
  finish(0);
} else if (invoke === null) {
  let code = 0;
  try {
    code = wasi.start(instance);
  } catch (e) {
    console.error(`trap: ${e.message}`);
    code = 2;
  }
  times.run = (performance.now() - t2) / 1000;
  finish(code);
} else {
  const f = instance.exports[invoke];
  if (typeof f !== 'function') {
    console.error(`error: no exported function ${invoke}`);
    finish(1);
  } else {
    let code = 0;
    let result;
    try {
      try {
        result = f(...rest.map(Number));
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        result = f(...rest.map((a) => BigInt(a)));
      }
      const results = result === undefined ? [] : Array.isArray(result) ? result : [result];
      process.stdout.write(results.map((r) => fmt(r) + '\n').join(''));
    } catch (e) {
      console.error(`trap: ${e.message}`);
      code = 2;
    }
    times.run = (performance.now() - t2) / 1000;
    finish(code);
  }
}
