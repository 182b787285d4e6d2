/* Globals: host globals imported, wasm globals exported, get and set from
 * both sides, and the errors of constant globals and wrong types. */
#include "common.h"

static void print_val(const char* what, const wasm_val_t* v) {
  switch (v->kind) {
    case WASM_I32: printf("%s = i32 %d\n", what, v->of.i32); break;
    case WASM_I64: printf("%s = i64 %lld\n", what, (long long)v->of.i64); break;
    case WASM_F32: printf("%s = f32 %g\n", what, v->of.f32); break;
    case WASM_F64: printf("%s = f64 %g\n", what, v->of.f64); break;
    default: printf("%s = kind %d\n", what, v->kind);
  }
}

static wasm_global_t* host_global(wasm_store_t* store, wasm_valkind_t kind,
                                  wasm_mutability_t mut, wasm_val_t v) {
  wasm_globaltype_t* ty = wasm_globaltype_new(wasm_valtype_new(kind), mut);
  wasm_global_t* g = wasm_global_new(store, ty, &v);
  wasm_globaltype_delete(ty);
  return g;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store,
      "(module"
      "  (import \"host\" \"const_f32\" (global $cf f32))"
      "  (import \"host\" \"var_i64\" (global $vi (mut i64)))"
      "  (global $counter (export \"counter\") (mut i32) (i32.const 10))"
      "  (global (export \"fixed\") f64 (f64.const 2.5))"
      "  (func (export \"read_host\") (result f32 i64)"
      "    (global.get $cf) (global.get $vi))"
      "  (func (export \"bump\")"
      "    (global.set $vi (i64.add (global.get $vi) (i64.const 1)))"
      "    (global.set $counter (i32.mul (global.get $counter) (i32.const 2)))))");

  wasm_global_t* cf = host_global(store, WASM_F32, WASM_CONST,
                                  (wasm_val_t)WASM_F32_VAL(1.5f));
  wasm_global_t* vi = host_global(store, WASM_I64, WASM_VAR,
                                  (wasm_val_t)WASM_I64_VAL(40));
  CHECK(cf && vi);
  /* A value of the wrong kind makes no global. */
  wasm_global_t* bad = host_global(store, WASM_I32, WASM_VAR,
                                   (wasm_val_t)WASM_F64_VAL(1.0));
  CHECK(bad == NULL);
  print_last_error("i32 global from an f64");

  wasm_extern_t* externs[] = {wasm_global_as_extern(cf),
                              wasm_global_as_extern(vi)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 4);
  wasm_global_t* counter = wasm_extern_as_global(exports.data[0]);
  wasm_global_t* fixed = wasm_extern_as_global(exports.data[1]);
  CHECK(counter && fixed && wasm_extern_as_func(exports.data[0]) == NULL);

  wasm_globaltype_t* gt = wasm_global_type(counter);
  printf("counter: kind %d, mutability %d\n",
         wasm_valtype_kind(wasm_globaltype_content(gt)),
         wasm_globaltype_mutability(gt));
  wasm_globaltype_delete(gt);
  gt = wasm_global_type(fixed);
  printf("fixed: kind %d, mutability %d\n",
         wasm_valtype_kind(wasm_globaltype_content(gt)),
         wasm_globaltype_mutability(gt));
  wasm_globaltype_delete(gt);

  wasm_val_t v;
  wasm_global_get(counter, &v);
  print_val("counter", &v);
  wasm_global_get(fixed, &v);
  print_val("fixed", &v);

  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(export_func(&exports, 3), &none, &none) == NULL);
  wasm_global_get(counter, &v);
  print_val("counter after bump", &v);
  wasm_global_get(vi, &v);
  print_val("var_i64 after bump (host side)", &v);

  wasm_val_t nv = WASM_I64_VAL(-1);
  wasm_global_set(vi, &nv);
  wasm_val_t r[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(export_func(&exports, 2), &none, &rv) == NULL);
  print_val("wasm reads const_f32", &r[0]);
  print_val("wasm reads var_i64", &r[1]);

  /* Setting a constant, or with the wrong type, changes nothing. */
  wasm_val_t nf = WASM_F64_VAL(9.0);
  wasm_global_set(fixed, &nf);
  print_last_error("set fixed");
  wasm_global_get(fixed, &v);
  print_val("fixed", &v);
  wasm_val_t wrong = WASM_F32_VAL(3.0f);
  wasm_global_set(counter, &wrong);
  print_last_error("set counter to an f32");
  wasm_global_get(counter, &v);
  print_val("counter", &v);

  /* An import of the wrong mutability does not link. */
  wasm_global_t* cf_var = host_global(store, WASM_F32, WASM_VAR,
                                      (wasm_val_t)WASM_F32_VAL(0.0f));
  wasm_extern_t* wrong_externs[] = {wasm_global_as_extern(cf_var),
                                    wasm_global_as_extern(vi)};
  wasm_extern_vec_t wrong_imports = WASM_ARRAY_VEC(wrong_externs);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &wrong_imports, &trap) == NULL);
  CHECK(trap != NULL);
  print_trap("mutable global for a constant import", trap);
  /* Too few imports. */
  wasm_extern_vec_t short_imports = {1, externs};
  CHECK(wasm_instance_new(store, module, &short_imports, &trap) == NULL);
  print_trap("one import missing", trap);

  wasm_global_delete(cf_var);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(cf);
  wasm_global_delete(vi);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
