/* References and host info: foreign objects passed through wasm as
 * externrefs keep their identity and host info; host info on functions,
 * globals, tables, memories, instances and modules; each finalizer runs
 * exactly once. */
#include "common.h"

static int finalized[16];
static void fin(void* p) { finalized[(int)(intptr_t)p]++; }
#define INFO(i) ((void*)(intptr_t)(i))

static wasm_trap_t* identity(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  /* Results own their references: copy the argument's. */
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store,
      "(module"
      "  (import \"\" \"identity\" (func $id (param externref) (result externref)))"
      "  (global $g (export \"g\") (mut externref) (ref.null extern))"
      "  (table $t (export \"t\") 4 externref)"
      "  (memory (export \"m\") 1)"
      "  (func (export \"keep\") (param externref)"
      "    (global.set $g (local.get 0)) (table.set $t (i32.const 2) (local.get 0)))"
      "  (func (export \"round_trip\") (param externref) (result externref)"
      "    (call $id (local.get 0)))"
      "  (func (export \"is_null\") (param externref) (result i32)"
      "    (ref.is_null (local.get 0))))");

  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_externref(),
                                              wasm_valtype_new_externref());
  wasm_func_t* id = wasm_func_new(store, ft, identity);
  wasm_functype_delete(ft);
  wasm_extern_t* ins[] = {wasm_func_as_extern(id)};
  wasm_extern_vec_t iv = WASM_ARRAY_VEC(ins);
  wasm_instance_t* instance = wasm_instance_new(store, module, &iv, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(instance, &ex);

  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(foreign, INFO(1), fin);

  /* Pass it to wasm, which stores it in a global and a table. */
  wasm_val_t a[1] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(export_func(&ex, 3), &av, &none) == NULL);
  wasm_val_t gv;
  wasm_global_get(wasm_extern_as_global(ex.data[0]), &gv);
  CHECK(gv.kind == WASM_EXTERNREF && gv.of.ref != NULL);
  printf("global holds the same object: %s, its host info: %d\n",
         wasm_ref_same(gv.of.ref, wasm_foreign_as_ref(foreign)) ? "yes" : "no",
         (int)(intptr_t)wasm_ref_get_host_info(gv.of.ref));
  wasm_ref_t* te = wasm_table_get(wasm_extern_as_table(ex.data[1]), 2);
  printf("table element is it too: %s, as foreign: %s\n",
         wasm_ref_same(te, gv.of.ref) ? "yes" : "no",
         wasm_ref_as_foreign(te) ? "yes" : "no");
  wasm_ref_delete(te);
  wasm_val_delete(&gv);

  /* Through wasm into a host function and back. */
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(export_func(&ex, 4), &av, &rv) == NULL);
  printf("round trip keeps identity: %s\n",
         wasm_ref_same(r[0].of.ref, wasm_foreign_as_ref(foreign)) ? "yes" : "no");
  wasm_val_t copy;
  wasm_val_copy(&copy, &r[0]);
  wasm_val_delete(&r[0]);
  wasm_val_delete(&copy);
  wasm_val_t null_arg[1] = {WASM_REF_VAL(NULL)};
  wasm_val_vec_t nv = WASM_ARRAY_VEC(null_arg);
  CHECK(wasm_func_call(export_func(&ex, 5), &nv, &rv) == NULL);
  printf("a null externref is null in wasm: %d\n", rv.data[0].of.i32);

  /* A funcref where an externref is expected is refused. */
  wasm_val_t wrong[1] = {{.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(id)}}};
  wasm_val_vec_t wv = WASM_ARRAY_VEC(wrong);
  print_trap("a funcref argument for externref", wasm_func_call(export_func(&ex, 5), &wv, &rv));

  /* Host info on other objects, replaced once (the old finalizer runs). */
  wasm_func_set_host_info_with_finalizer(id, INFO(2), fin);
  wasm_func_t* id_copy = wasm_func_copy(id);
  printf("a copy of a function sees its host info: %d\n",
         (int)(intptr_t)wasm_func_get_host_info(id_copy));
  wasm_func_set_host_info_with_finalizer(id_copy, INFO(3), fin);
  printf("replaced: finalizer 2 ran %d time(s)\n", finalized[2]);
  wasm_func_delete(id_copy);
  wasm_global_set_host_info_with_finalizer(wasm_extern_as_global(ex.data[0]), INFO(4), fin);
  wasm_table_set_host_info_with_finalizer(wasm_extern_as_table(ex.data[1]), INFO(5), fin);
  wasm_memory_set_host_info_with_finalizer(wasm_extern_as_memory(ex.data[2]), INFO(6), fin);
  wasm_instance_set_host_info_with_finalizer(instance, INFO(7), fin);
  wasm_module_set_host_info_with_finalizer(module, INFO(8), fin);
  wasm_extern_set_host_info(ex.data[3], INFO(9));
  wasm_extern_vec_t ex2;
  wasm_instance_exports(instance, &ex2);
  printf("host info through new handles: %d %d %d %d\n",
         (int)(intptr_t)wasm_extern_get_host_info(ex2.data[0]),
         (int)(intptr_t)wasm_extern_get_host_info(ex2.data[1]),
         (int)(intptr_t)wasm_extern_get_host_info(ex2.data[2]),
         (int)(intptr_t)wasm_func_get_host_info(wasm_extern_as_func(ex2.data[3])));
  wasm_extern_vec_delete(&ex2);
  CHECK(wasm_ref_get_host_info(wasm_instance_as_ref(instance)) == INFO(7));

  /* A second foreign object, only ever held by the host. */
  wasm_foreign_t* other = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(other, INFO(10), fin);
  CHECK(!wasm_foreign_same(other, foreign));
  wasm_foreign_t* other_copy = wasm_foreign_copy(other);
  CHECK(wasm_foreign_same(other, other_copy));
  wasm_foreign_delete(other_copy);
  wasm_foreign_delete(other);

  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(instance);
  wasm_func_delete(id);
  wasm_foreign_delete(foreign);
  wasm_module_delete(module);
  printf("before the store goes:");
  for (int i = 1; i <= 10; i++) printf(" %d", finalized[i]);
  printf("\n");
  wasm_store_delete(store);
  printf("after:");
  for (int i = 1; i <= 10; i++) printf(" %d", finalized[i]);
  printf("\n");
  wasm_engine_delete(engine);
  return 0;
}
