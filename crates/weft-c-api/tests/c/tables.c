/* Tables: funcref elements set from the host and called through
 * call_indirect, growth, bounds, in-place ref conversions, a host-made
 * externref table. */
#include "common.h"

static wasm_trap_t* seven(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 7;
  return NULL;
}

static wasm_trap_t* call_at(const wasm_func_t* f, int32_t i, int32_t* out) {
  wasm_val_t a[1] = {WASM_I32_VAL(i)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
  wasm_trap_t* t = wasm_func_call(f, &av, &rv);
  if (!t) *out = r[0].of.i32;
  return t;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store,
      "(module"
      "  (type $r (func (result i32)))"
      "  (table (export \"tab\") 2 10 funcref)"
      "  (elem (i32.const 1) $forty_two)"
      "  (func $forty_two (export \"forty_two\") (result i32) (i32.const 42))"
      "  (func (export \"call_at\") (param i32) (result i32)"
      "    (call_indirect (type $r) (local.get 0)))"
      "  (func (export \"size\") (result i32) (table.size)))");
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* tab = wasm_extern_as_table(exports.data[0]);
  CHECK(tab != NULL);
  const wasm_func_t* forty_two = export_func(&exports, 1);
  const wasm_func_t* call = export_func(&exports, 2);

  wasm_tabletype_t* tt = wasm_table_type(tab);
  printf("table: element kind %d, limits %u..%u, size %u\n",
         wasm_valtype_kind(wasm_tabletype_element(tt)),
         wasm_tabletype_limits(tt)->min, wasm_tabletype_limits(tt)->max,
         wasm_table_size(tab));
  wasm_tabletype_delete(tt);

  int32_t r = 0;
  print_trap("call_at(0), a null element", call_at(call, 0, &r));
  CHECK(call_at(call, 1, &r) == NULL);
  printf("call_at(1) = %d\n", r);
  print_trap("call_at(5), out of bounds", call_at(call, 5, &r));

  /* Element 1 is the exported function itself. */
  wasm_ref_t* e1 = wasm_table_get(tab, 1);
  CHECK(e1 != NULL);
  wasm_func_t* f1 = wasm_ref_as_func(e1);
  CHECK(f1 != NULL && (void*)f1 == (void*)e1);
  printf("element 1 is forty_two: %s\n", wasm_func_same(f1, forty_two) ? "yes" : "no");
  CHECK(wasm_ref_as_global(e1) == NULL && wasm_ref_as_foreign(e1) == NULL);
  CHECK(wasm_table_get(tab, 0) == NULL);
  CHECK(wasm_table_get(tab, 2) == NULL);

  /* A host function put in the table is called through it. */
  wasm_functype_t* ft = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, ft, seven);
  wasm_functype_delete(ft);
  CHECK(wasm_table_set(tab, 0, wasm_func_as_ref(host)));
  CHECK(call_at(call, 0, &r) == NULL);
  printf("call_at(0) after set = %d\n", r);
  printf("set out of bounds: %s\n", wasm_table_set(tab, 2, wasm_func_as_ref(host)) ? "yes" : "no");
  print_last_error("why");

  /* Grow with the host function as the new elements. */
  CHECK(wasm_table_grow(tab, 3, wasm_func_as_ref(host)));
  printf("size after growing by 3: %u\n", wasm_table_size(tab));
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_t sr[1] = {WASM_INIT_VAL};
  wasm_val_vec_t srv = WASM_ARRAY_VEC(sr);
  CHECK(wasm_func_call(export_func(&exports, 3), &none, &srv) == NULL);
  printf("wasm sees size %d\n", sr[0].of.i32);
  CHECK(call_at(call, 4, &r) == NULL);
  printf("call_at(4) = %d\n", r);
  printf("grow past the maximum: %s\n", wasm_table_grow(tab, 6, NULL) ? "yes" : "no");
  CHECK(wasm_table_grow(tab, 5, NULL));
  printf("grow to the maximum with nulls: size %u\n", wasm_table_size(tab));
  CHECK(wasm_table_set(tab, 4, NULL));
  print_trap("call_at(4) after clearing", call_at(call, 4, &r));

  /* A foreign object is not a funcref. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  printf("set a foreign object: %s\n",
         wasm_table_set(tab, 0, wasm_foreign_as_ref(foreign)) ? "yes" : "no");
  print_last_error("why");

  /* A host-made externref table. */
  wasm_limits_t lim = {2, wasm_limits_max_default};
  wasm_tabletype_t* xt = wasm_tabletype_new(wasm_valtype_new_externref(), &lim);
  wasm_table_t* xtab = wasm_table_new(store, xt, wasm_foreign_as_ref(foreign));
  wasm_tabletype_delete(xt);
  CHECK(xtab != NULL);
  wasm_ref_t* x0 = wasm_table_get(xtab, 0);
  printf("externref table holds the foreign object: %s\n",
         x0 && wasm_ref_same(x0, wasm_foreign_as_ref(foreign)) ? "yes" : "no");
  printf("a function in an externref table: %s\n",
         wasm_table_set(xtab, 1, wasm_func_as_ref(host)) ? "yes" : "no");

  wasm_ref_delete(x0);
  wasm_table_delete(xtab);
  wasm_foreign_delete(foreign);
  wasm_func_delete(host);
  wasm_ref_delete(e1);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
