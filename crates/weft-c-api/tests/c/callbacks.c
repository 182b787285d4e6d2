/* Host functions with several parameters and results, with an
 * environment and its finalizer; multi-value wasm functions; a host trap
 * crossing wasm; a host function calling back into wasm. */
#include "common.h"

static int finalized = 0;
static void finalize_env(void* env) {
  finalized += *(int*)env;
}

/* (i32, i64, f32, f64) -> (f64, i32): the sum, and the env's tag. */
static wasm_trap_t* mix(void* env, const wasm_val_vec_t* args,
                        wasm_val_vec_t* results) {
  CHECK(args->size == 4 && results->size == 2);
  CHECK(args->data[0].kind == WASM_I32 && args->data[1].kind == WASM_I64);
  CHECK(args->data[2].kind == WASM_F32 && args->data[3].kind == WASM_F64);
  double sum = args->data[0].of.i32 + (double)args->data[1].of.i64 +
               args->data[2].of.f32 + args->data[3].of.f64;
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = sum;
  results->data[1].kind = WASM_I32;
  results->data[1].of.i32 = *(int*)env;
  return NULL;
}

static wasm_store_t* the_store;
static wasm_func_t* wasm_square;

/* Traps when its argument is negative; otherwise calls wasm's square. */
static wasm_trap_t* checked(const wasm_val_vec_t* args,
                            wasm_val_vec_t* results) {
  if (args->data[0].of.i32 < 0) {
    wasm_message_t msg;
    wasm_name_new_from_string_nt(&msg, "negative input");
    wasm_trap_t* trap = wasm_trap_new(the_store, &msg);
    wasm_byte_vec_delete(&msg);
    return trap;
  }
  wasm_val_t a[1] = {WASM_I32_VAL(args->data[0].of.i32)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(wasm_square, &av, &rv);
  if (trap) return trap;
  results->data[0] = r[0];
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  the_store = store;
  wasm_module_t* module = compile_wat(store,
      "(module"
      "  (import \"host\" \"mix\" (func $mix (param i32 i64 f32 f64) (result f64 i32)))"
      "  (import \"host\" \"checked\" (func $checked (param i32) (result i32)))"
      "  (func (export \"call_mix\") (param i32 i64 f32 f64) (result f64 i32)"
      "    (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3)))"
      "  (func (export \"swap\") (param i64 i32) (result i32 i64)"
      "    (local.get 1) (local.get 0))"
      "  (func (export \"square\") (param i32) (result i32)"
      "    (i32.mul (local.get 0) (local.get 0)))"
      "  (func (export \"via_host\") (param i32) (result i32)"
      "    (i32.add (call $checked (local.get 0)) (i32.const 1))))");

  int tag = 7;
  wasm_valtype_t* ps[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                           wasm_valtype_new_f32(), wasm_valtype_new_f64()};
  wasm_valtype_t* rs[2] = {wasm_valtype_new_f64(), wasm_valtype_new_i32()};
  wasm_valtype_vec_t params, res;
  wasm_valtype_vec_new(&params, 4, ps);
  wasm_valtype_vec_new(&res, 2, rs);
  wasm_functype_t* mix_type = wasm_functype_new(&params, &res);
  wasm_func_t* mix_func =
      wasm_func_new_with_env(store, mix_type, mix, &tag, finalize_env);
  wasm_functype_delete(mix_type);

  wasm_functype_t* checked_type =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* checked_func = wasm_func_new(store, checked_type, checked);
  wasm_functype_delete(checked_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(mix_func),
                              wasm_func_as_extern(checked_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 4);
  wasm_square = export_func(&exports, 2);

  {
    wasm_val_t a[4] = {WASM_I32_VAL(1), WASM_I64_VAL(20), WASM_F32_VAL(0.5f),
                       WASM_F64_VAL(0.25)};
    wasm_val_t r[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
    CHECK(wasm_func_call(export_func(&exports, 0), &av, &rv) == NULL);
    CHECK(r[0].kind == WASM_F64 && r[1].kind == WASM_I32);
    printf("mix: %.2f %d\n", r[0].of.f64, r[1].of.i32);
  }
  {
    wasm_val_t a[2] = {WASM_I64_VAL(-5000000000LL), WASM_I32_VAL(3)};
    wasm_val_t r[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
    CHECK(wasm_func_call(export_func(&exports, 1), &av, &rv) == NULL);
    printf("swap: %d %lld\n", r[0].of.i32, (long long)r[1].of.i64);
  }
  for (int x = 6; x >= -6; x -= 12) {
    wasm_val_t a[1] = {WASM_I32_VAL(x)};
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
    wasm_trap_t* trap = wasm_func_call(export_func(&exports, 3), &av, &rv);
    if (trap) {
      print_trap("via_host(-6) traps", trap);
    } else {
      printf("via_host(%d) = %d\n", x, r[0].of.i32);
    }
  }
  {
    /* Wrong argument count and kind are traps, not crashes. */
    wasm_val_t a[1] = {WASM_F64_VAL(1.0)};
    wasm_val_t b[1] = {WASM_I32_VAL(2)};
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(a), bv = WASM_ARRAY_VEC(b);
    wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    print_trap("square() with no argument", wasm_func_call(wasm_square, &none, &rv));
    print_trap("square(f64)", wasm_func_call(wasm_square, &av, &rv));
    print_trap("square(i32) without room for the result",
               wasm_func_call(wasm_square, &bv, &none));
  }

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(mix_func);
  wasm_func_delete(checked_func);
  wasm_module_delete(module);
  printf("finalized before the store is deleted: %d\n", finalized);
  wasm_store_delete(store);
  printf("finalized after: %d\n", finalized);
  wasm_engine_delete(engine);
  return 0;
}
