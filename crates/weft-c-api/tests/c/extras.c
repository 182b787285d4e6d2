#define _DEFAULT_SOURCE
/* weft.h: features, fuel, interruption from another thread, store limits,
 * text errors, and a WASI program with arguments, environment, a
 * directory, inherited stdout and an exit status. */
#include <pthread.h>
#include <unistd.h>

#include "common.h"

static wasm_func_t* first_export(wasm_store_t* store, wasm_module_t* module,
                                 wasm_instance_t** instance,
                                 wasm_extern_vec_t* ex) {
  *instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(*instance != NULL);
  wasm_instance_exports(*instance, ex);
  return export_func(ex, 0);
}

static void* interrupt_later(void* h) {
  usleep(100 * 1000);
  weft_interrupt_handle_interrupt(h);
  return NULL;
}

static const char* spin_wat =
    "(module (func (export \"spin\") (loop $l (br $l))))";

static void fuel(void) {
  wasm_config_t* config = wasm_config_new();
  weft_config_consume_fuel(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(weft_store_set_fuel(store, 10000));
  uint64_t left = 0;
  CHECK(weft_store_get_fuel(store, &left));
  printf("fuel: %llu\n", (unsigned long long)left);
  wasm_module_t* module = compile_wat(store, spin_wat);
  wasm_instance_t* instance;
  wasm_extern_vec_t ex;
  wasm_func_t* spin = first_export(store, module, &instance, &ex);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  print_trap("spin with fuel", wasm_func_call(spin, &none, &none));
  CHECK(weft_store_get_fuel(store, &left));
  printf("fuel left: %llu\n", (unsigned long long)left);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* Without the option, fuel cannot be set. */
  engine = wasm_engine_new();
  store = wasm_store_new(engine);
  printf("set fuel without consume_fuel: %d\n", weft_store_set_fuel(store, 1));
  print_last_error("why");
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

static void interrupt(void) {
  wasm_config_t* config = wasm_config_new();
  weft_config_interruptible(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store, spin_wat);
  wasm_instance_t* instance;
  wasm_extern_vec_t ex;
  wasm_func_t* spin = first_export(store, module, &instance, &ex);
  weft_interrupt_handle_t* h = weft_interrupt_handle_new(store);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, interrupt_later, h) == 0);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  print_trap("spin, interrupted from another thread", wasm_func_call(spin, &none, &none));
  CHECK(pthread_join(t, NULL) == 0);
  weft_interrupt_handle_delete(h);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

static void limits_and_features(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  weft_store_limit(store, 2 * 65536, -1, 2, -1, -1);
  wasm_module_t* module = compile_wat(store, "(module (memory (export \"m\") 1))");
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(instance, &ex);
  wasm_memory_t* m = wasm_extern_as_memory(ex.data[0]);
  printf("grow to 2 pages: %d\n", wasm_memory_grow(m, 1));
  printf("grow to 3 pages past the limit: %d\n", wasm_memory_grow(m, 1));
  wasm_instance_t* second = wasm_instance_new(store, module, NULL, NULL);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, NULL, &trap) == NULL);
  print_trap("third instance", trap);
  wasm_instance_delete(second);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* A feature turned off is a validation error. */
  wasm_config_t* config = wasm_config_new();
  CHECK(weft_config_wasm_feature(config, "simd", false));
  printf("unknown feature: %d\n", weft_config_wasm_feature(config, "teleport", true));
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  const char* simd = "(module (func (result v128) (v128.const i64x2 1 2)))";
  wasm_byte_vec_t bin;
  CHECK(weft_wat2wasm(simd, strlen(simd), &bin));
  CHECK(wasm_module_new(store, &bin) == NULL);
  print_last_error("simd off");
  wasm_byte_vec_delete(&bin);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* Text errors say where. */
  const char* bad = "(module (func (result i32) (i32.const)))";
  CHECK(!weft_wat2wasm(bad, strlen(bad), &bin));
  printf("wat error: %s\n", bin.data);
  wasm_byte_vec_delete(&bin);
}

/* A WASI command that prints its arguments and an environment variable,
 * writes a file in its directory, and exits with status 3. */
static const char* wasi_wat =
    "(module"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\""
    "    (func $write (param i32 i32 i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"args_sizes_get\""
    "    (func $args_sizes (param i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"args_get\""
    "    (func $args_get (param i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"path_open\""
    "    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))"
    "  (memory (export \"memory\") 1)"
    "  (data (i32.const 900) \"out.txt\")"
    "  (data (i32.const 920) \"written by wasi\\n\")"
    "  (func $print (param $ptr i32) (param $len i32) (param $fd i32)"
    "    (i32.store (i32.const 0) (local.get $ptr))"
    "    (i32.store (i32.const 4) (local.get $len))"
    "    (drop (call $write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))"
    "  (func (export \"_start\") (local $i i32) (local $argc i32)"
    "    (drop (call $args_sizes (i32.const 16) (i32.const 20)))"
    "    (local.set $argc (i32.load (i32.const 16)))"
    "    (drop (call $args_get (i32.const 100) (i32.const 400)))"
    "    (; argv strings are NUL-separated from 400 on: turn NULs into spaces ;)"
    "    (local.set $i (i32.const 400))"
    "    (block $done (loop $l"
    "      (br_if $done (i32.ge_u (local.get $i)"
    "        (i32.add (i32.const 399) (i32.load (i32.const 20)))))"
    "      (if (i32.eqz (i32.load8_u (local.get $i)))"
    "        (then (i32.store8 (local.get $i) (i32.const 32))))"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
    "      (br $l)))"
    "    (i32.store8 (local.get $i) (i32.const 10))"
    "    (call $print (i32.const 400) (i32.load (i32.const 20)) (i32.const 1))"
    "    (; open out.txt in the preopen (fd 3) with O_CREAT|O_TRUNC, write ;)"
    "    (drop (call $open (i32.const 3) (i32.const 0) (i32.const 900) (i32.const 7)"
    "      (i32.const 9) (i64.const 0x7fffffff) (i64.const 0x7fffffff) (i32.const 0)"
    "      (i32.const 24)))"
    "    (call $print (i32.const 920) (i32.const 16) (i32.load (i32.const 24)))"
    "    (call $exit (i32.const 3))))";

static void wasi(const char* dir) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  weft_wasi_config_t* wc = weft_wasi_config_new();
  weft_wasi_config_arg(wc, "prog");
  weft_wasi_config_arg(wc, "one");
  weft_wasi_config_arg(wc, "two");
  weft_wasi_config_env(wc, "KEY", "value");
  weft_wasi_config_inherit_stdout(wc);
  CHECK(weft_wasi_config_preopen_dir(wc, dir, "/sandbox"));
  CHECK(!weft_wasi_config_preopen_dir(wc, "/no/such/dir", "/x"));
  print_last_error("a missing directory");
  weft_store_set_wasi(store, wc);

  wasm_module_t* module = compile_wat(store, wasi_wat);
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  wasm_extern_t* fd_write = weft_wasi_import(store, imports.data[0]);
  printf("fd_write from weft_wasi_import: %s\n", fd_write ? "yes" : "no");
  wasm_extern_delete(fd_write);
  wasm_name_t m, n;
  wasm_name_new_from_string(&m, "env");
  wasm_name_new_from_string(&n, "nothing");
  wasm_importtype_t* other = wasm_importtype_new(&m, &n, wasm_functype_as_externtype(wasm_functype_new_0_0()));
  printf("a non-WASI import: %s\n", weft_wasi_import(store, other) ? "yes" : "no");
  wasm_importtype_delete(other);
  wasm_importtype_vec_delete(&imports);

  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = weft_wasi_instance_new(store, module, NULL, &trap);
  CHECK(instance != NULL && trap == NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(instance, &ex);
  fflush(stdout);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(export_func(&ex, 1), &none, &none);
  CHECK(trap != NULL);
  int status = -1;
  CHECK(weft_trap_exit_status(trap, &status));
  printf("exit status %d\n", status);
  wasm_trap_delete(trap);

  char path[4096];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  FILE* f = fopen(path, "r");
  CHECK(f != NULL);
  char line[64] = {0};
  CHECK(fgets(line, sizeof line, f) != NULL);
  fclose(f);
  remove(path);
  printf("the file holds: %s", line);

  /* A module with a non-WASI import not given is refused by name. */
  wasm_module_t* needs = compile_wat(store,
      "(module (import \"wasi_snapshot_preview1\" \"proc_exit\" (func (param i32)))"
      "  (import \"env\" \"missing\" (func)))");
  CHECK(weft_wasi_instance_new(store, needs, NULL, &trap) == NULL);
  print_trap("missing import", trap);
  wasm_module_delete(needs);

  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(int argc, char** argv) {
  CHECK(argc == 2); /* a scratch directory for the WASI guest */
  fuel();
  interrupt();
  limits_and_features();
  wasi(argv[1]);
  return 0;
}
