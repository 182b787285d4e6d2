/* Memories: exported and host-made, data and size, growth to the
 * maximum, out-of-bounds accesses trapping. */
#include "common.h"

static wasm_trap_t* call_i32(const wasm_func_t* f, int32_t arg,
                             int32_t* result) {
  wasm_val_t a[1] = {WASM_I32_VAL(arg)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
  wasm_trap_t* t = wasm_func_call(f, &av, &rv);
  if (!t && result) *result = r[0].of.i32;
  return t;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store,
      "(module"
      "  (memory (export \"mem\") 2 3)"
      "  (data (i32.const 4096) \"\\01\\02\\03\\04\")"
      "  (func (export \"load\") (param i32) (result i32)"
      "    (i32.load8_u (local.get 0)))"
      "  (func (export \"store\") (param i32) (result i32)"
      "    (i32.store8 (local.get 0) (i32.const 42)) (i32.const 0))"
      "  (func (export \"size\") (param i32) (result i32) (memory.size))"
      "  (func (export \"grow\") (param i32) (result i32)"
      "    (memory.grow (local.get 0))))");
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 5);
  wasm_memory_t* mem = wasm_extern_as_memory(exports.data[0]);
  CHECK(mem != NULL);
  const wasm_func_t *load = export_func(&exports, 1),
                    *store_fn = export_func(&exports, 2),
                    *size = export_func(&exports, 3),
                    *grow = export_func(&exports, 4);

  wasm_memorytype_t* mt = wasm_memory_type(mem);
  const wasm_limits_t* lim = wasm_memorytype_limits(mt);
  printf("limits: %u..%u\n", lim->min, lim->max);
  wasm_memorytype_delete(mt);
  printf("pages %u, bytes %zu\n", wasm_memory_size(mem),
         wasm_memory_data_size(mem));
  byte_t* data = wasm_memory_data(mem);
  printf("data[4096..4100] = %d %d %d %d\n", data[4096], data[4097],
         data[4098], data[4099]);

  int32_t r;
  data[10] = 99;
  CHECK(call_i32(load, 10, &r) == NULL);
  printf("wasm sees the host's write: %d\n", r);
  CHECK(call_i32(store_fn, 131071, &r) == NULL);
  printf("the host sees wasm's write at the last byte: %d\n",
         wasm_memory_data(mem)[131071]);
  print_trap("load at 131072", call_i32(load, 131072, NULL));
  print_trap("store at -1", call_i32(store_fn, -1, NULL));

  CHECK(wasm_memory_grow(mem, 1));
  printf("grown by the host: %u pages\n", wasm_memory_size(mem));
  CHECK(call_i32(size, 0, &r) == NULL);
  printf("wasm sees %d pages\n", r);
  CHECK(call_i32(load, 131072, &r) == NULL);
  printf("new page reads %d\n", r);
  printf("grow past the maximum: %s\n", wasm_memory_grow(mem, 1) ? "yes" : "no");
  CHECK(call_i32(grow, 1, &r) == NULL);
  printf("memory.grow past the maximum: %d\n", r);
  printf("grow by 0: %s\n", wasm_memory_grow(mem, 0) ? "yes" : "no");

  /* A memory made by the host. */
  wasm_limits_t l = {1, wasm_limits_max_default};
  wasm_memorytype_t* hmt = wasm_memorytype_new(&l);
  wasm_memory_t* hmem = wasm_memory_new(store, hmt);
  wasm_memorytype_delete(hmt);
  CHECK(hmem != NULL);
  printf("host memory: %u page\n", wasm_memory_size(hmem));
  printf("grows by 10: %s\n", wasm_memory_grow(hmem, 10) ? "yes" : "no");
  printf("now %u pages\n", wasm_memory_size(hmem));
  wasm_memorytype_t* hmt2 = wasm_memory_type(hmem);
  printf("its maximum is the default: %s\n",
         wasm_memorytype_limits(hmt2)->max == wasm_limits_max_default ? "yes"
                                                                      : "no");
  wasm_memorytype_delete(hmt2);
  CHECK(wasm_memory_same(hmem, hmem) && !wasm_memory_same(hmem, mem));

  wasm_memory_delete(hmem);

  /* A shared memory's size is known, but it lends no data pointer. */
  wasm_module_t* shared_mod = compile_wat(store,
      "(module (memory (export \"sm\") 1 2 shared))");
  wasm_instance_t* si = wasm_instance_new(store, shared_mod, NULL, NULL);
  CHECK(si != NULL);
  wasm_extern_vec_t sx;
  wasm_instance_exports(si, &sx);
  wasm_memory_t* sm = wasm_extern_as_memory(sx.data[0]);
  printf("shared memory: %zu bytes, %u page(s)\n", wasm_memory_data_size(sm),
         wasm_memory_size(sm));
  CHECK(wasm_memory_data(sm) == NULL);
  print_last_error("its data");
  CHECK(wasm_memory_grow(sm, 1));
  printf("grown: %u pages\n", wasm_memory_size(sm));
  wasm_extern_vec_delete(&sx);
  wasm_instance_delete(si);
  wasm_module_delete(shared_mod);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
