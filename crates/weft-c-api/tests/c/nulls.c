/* Null pointers where objects are expected: each call returns null, false,
 * 0 or nothing, records why, and the program carries on. */
#include "common.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  CHECK(wasm_store_new(NULL) == NULL);
  print_last_error("wasm_store_new(NULL)");
  CHECK(wasm_module_new(store, NULL) == NULL);
  print_last_error("wasm_module_new(store, NULL)");
  CHECK(wasm_module_new(NULL, NULL) == NULL);
  print_last_error("wasm_module_new(NULL, NULL)");
  CHECK(!wasm_module_validate(NULL, NULL));
  CHECK(wasm_instance_new(store, NULL, NULL, NULL) == NULL);
  print_last_error("wasm_instance_new without a module");
  CHECK(wasm_func_call(NULL, NULL, NULL) == NULL);
  print_last_error("wasm_func_call(NULL, ...)");
  CHECK(wasm_func_param_arity(NULL) == 0 && wasm_func_type(NULL) == NULL);
  CHECK(wasm_global_new(store, NULL, NULL) == NULL);
  wasm_val_t v = WASM_I32_VAL(5);
  wasm_global_get(NULL, &v);
  CHECK(v.kind == WASM_I32 && v.of.i32 == 5);
  wasm_global_set(NULL, &v);
  CHECK(wasm_table_get(NULL, 0) == NULL && wasm_table_size(NULL) == 0);
  CHECK(!wasm_table_set(NULL, 0, NULL) && !wasm_table_grow(NULL, 1, NULL));
  CHECK(wasm_memory_data(NULL) == NULL && wasm_memory_data_size(NULL) == 0);
  CHECK(!wasm_memory_grow(NULL, 1) && wasm_memory_size(NULL) == 0);
  CHECK(wasm_valtype_kind(NULL) == 0 && wasm_valtype_copy(NULL) == NULL);
  CHECK(wasm_functype_params(NULL) == NULL && wasm_functype_results(NULL) == NULL);
  CHECK(wasm_globaltype_content(NULL) == NULL && wasm_tabletype_limits(NULL) == NULL);
  CHECK(wasm_importtype_name(NULL) == NULL && wasm_exporttype_type(NULL) == NULL);
  CHECK(wasm_extern_type(NULL) == NULL && wasm_extern_as_func(NULL) == NULL);
  CHECK(wasm_ref_as_func(NULL) == NULL && wasm_func_as_ref(NULL) == NULL);
  CHECK(wasm_ref_copy(NULL) == NULL && wasm_ref_same(NULL, NULL));
  CHECK(wasm_ref_get_host_info(NULL) == NULL);
  CHECK(wasm_trap_origin(NULL) == NULL && wasm_frame_copy(NULL) == NULL);
  CHECK(wasm_trap_new(NULL, NULL) == NULL);
  wasm_trap_message(NULL, NULL);
  wasm_trap_trace(NULL, NULL);
  wasm_instance_exports(NULL, NULL);
  wasm_module_imports(NULL, NULL);
  wasm_byte_vec_new_empty(NULL);
  wasm_byte_vec_copy(NULL, NULL);
  wasm_val_vec_delete(NULL);
  wasm_val_delete(NULL);
  wasm_val_copy(NULL, NULL);
  wasm_module_delete(NULL);
  wasm_func_delete(NULL);
  CHECK(!weft_wat2wasm(NULL, 0, NULL));
  CHECK(!weft_store_set_fuel(NULL, 1) && !weft_store_get_fuel(NULL, NULL));
  CHECK(weft_interrupt_handle_new(NULL) == NULL);
  weft_interrupt_handle_interrupt(NULL);
  weft_store_set_wasi(NULL, NULL);
  CHECK(!weft_config_wasm_feature(NULL, "simd", true));
  CHECK(!weft_trap_exit_status(NULL, NULL));
  print_last_error("the last of them");

  /* A vector given with a null data pointer and a size is empty. */
  wasm_byte_vec_t odd = {5, NULL};
  CHECK(!wasm_module_validate(store, &odd));
  print_last_error("binary {5, NULL}");

  /* Types that cannot be made into objects. */
  wasm_limits_t backwards = {5, 2}, huge = {70000, wasm_limits_max_default};
  wasm_memorytype_t* mt = wasm_memorytype_new(&backwards);
  CHECK(wasm_memory_new(store, mt) == NULL);
  print_last_error("memory 5..2");
  wasm_memorytype_delete(mt);
  mt = wasm_memorytype_new(&huge);
  CHECK(wasm_memory_new(store, mt) == NULL);
  print_last_error("memory of 70000 pages");
  wasm_memorytype_delete(mt);
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &backwards);
  CHECK(wasm_table_new(store, tt, NULL) == NULL);
  print_last_error("table 5..2");
  wasm_tabletype_delete(tt);
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &huge) == NULL);
  print_last_error("table of i32");
  CHECK(wasm_globaltype_new(wasm_valtype_new_i32(), 7) == NULL);
  print_last_error("mutability 7");

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
