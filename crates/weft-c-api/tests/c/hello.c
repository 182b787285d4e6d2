/* The standard's first example: wasm calls a host function. */
#include "common.h"

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args,
                                   wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  printf("Hello from the host!\n");
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store,
      "(module (import \"\" \"hello\" (func $hello))"
      "  (func (export \"run\") (call $hello) (call $hello)))");

  wasm_functype_t* hello_type = wasm_functype_new_0_0();
  wasm_func_t* hello = wasm_func_new(store, hello_type, hello_callback);
  wasm_functype_delete(hello_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(hello)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 1);
  const wasm_func_t* run = wasm_extern_as_func_const(exports.data[0]);
  CHECK(run != NULL);
  CHECK(wasm_func_param_arity(run) == 0 && wasm_func_result_arity(run) == 0);

  printf("calling run\n");
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(run, &args, &results) == NULL);
  printf("done\n");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(hello);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
