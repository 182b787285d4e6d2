/* Several threads, each with its own store, share one engine and one
 * module (through wasm_module_share/obtain) and call into it at once. */
#include <pthread.h>

#include "common.h"

#define THREADS 4
#define CALLS 200

static wasm_engine_t* engine;
static wasm_shared_module_t* shared;

static wasm_trap_t* host_add(void* env, const wasm_val_vec_t* args,
                             wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + *(int*)env;
  return NULL;
}

static void* work(void* arg) {
  int id = (int)(intptr_t)arg;
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_obtain(store, shared);
  CHECK(module != NULL);
  int env = id * 1000;
  wasm_functype_t* ft =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add = wasm_func_new_with_env(store, ft, host_add, &env, NULL);
  wasm_functype_delete(ft);
  wasm_extern_t* ins[] = {wasm_func_as_extern(add)};
  wasm_extern_vec_t iv = WASM_ARRAY_VEC(ins);
  wasm_instance_t* instance = wasm_instance_new(store, module, &iv, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(instance, &ex);
  long total = 0;
  for (int i = 0; i < CALLS; i++) {
    wasm_val_t a[1] = {WASM_I32_VAL(i)};
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
    CHECK(wasm_func_call(export_func(&ex, 0), &av, &rv) == NULL);
    total += r[0].of.i32;
  }
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(instance);
  wasm_func_delete(add);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return (void*)(intptr_t)total;
}

int main(void) {
  engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store,
      "(module (import \"\" \"add\" (func $add (param i32) (result i32)))"
      "  (func (export \"run\") (param i32) (result i32)"
      "    (i32.mul (call $add (local.get 0)) (i32.const 2))))");
  shared = wasm_module_share(module);
  wasm_module_delete(module);
  wasm_store_delete(store);

  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++)
    CHECK(pthread_create(&threads[i], NULL, work, (void*)(intptr_t)i) == 0);
  for (int i = 0; i < THREADS; i++) {
    void* total;
    CHECK(pthread_join(threads[i], &total) == 0);
    /* sum over calls of 2 * (i + 1000 * id) */
    long expected = 2L * (CALLS * (CALLS - 1) / 2 + 1000L * i * CALLS);
    printf("thread %d: total %ld, %s\n", i, (long)(intptr_t)total,
           (long)(intptr_t)total == expected ? "as expected" : "WRONG");
  }
  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  return 0;
}
