/* Traps: a start function that traps, wasm traps with their frames (origin,
 * trace, function and module offsets, instance), host-made traps, copies
 * and host info of traps. */
#include "common.h"

static void print_frames(wasm_trap_t* trap, const wasm_instance_t* instance) {
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  printf("origin: func %u, func offset %zu, module offset %zu\n",
         wasm_frame_func_index(origin), wasm_frame_func_offset(origin),
         wasm_frame_module_offset(origin));
  wasm_frame_t* copy = wasm_frame_copy(origin);
  CHECK(wasm_frame_func_index(copy) == wasm_frame_func_index(origin));
  wasm_frame_delete(copy);
  wasm_frame_delete(origin);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  printf("trace of %zu frames:", trace.size);
  for (size_t i = 0; i < trace.size; i++) {
    printf(" %u@%zu", wasm_frame_func_index(trace.data[i]),
           wasm_frame_module_offset(trace.data[i]));
    if (instance) CHECK(wasm_instance_same(wasm_frame_instance(trace.data[i]), instance));
  }
  printf("\n");
  wasm_frame_vec_delete(&trace);
}

static int infos_finalized = 0;
static void count(void* p) {
  (void)p;
  infos_finalized++;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* A start function that traps: no instance, the trap says why. */
  wasm_module_t* bad_start = compile_wat(store,
      "(module (func $s (i32.div_s (i32.const 1) (i32.const 0)) drop) (start $s))");
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, bad_start, NULL, &trap) == NULL);
  CHECK(trap != NULL);
  print_frames(trap, NULL);
  print_trap("start", trap);
  wasm_module_delete(bad_start);

  /* A trap three calls deep. */
  wasm_module_t* module = compile_wat(store,
      "(module"
      "  (func $inner (param i32) (result i32)"
      "    (if (i32.eqz (local.get 0)) (then unreachable))"
      "    (local.get 0))"
      "  (func $middle (param i32) (result i32) (call $inner (local.get 0)))"
      "  (func (export \"outer\") (param i32) (result i32)"
      "    (i32.add (call $middle (local.get 0)) (i32.const 1))))");
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t a[1] = {WASM_I32_VAL(0)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
  trap = wasm_func_call(export_func(&exports, 0), &av, &rv);
  CHECK(trap != NULL);
  print_frames(trap, instance);

  /* Copies of a trap are the same trap and share its host info. */
  wasm_trap_t* copy = wasm_trap_copy(trap);
  CHECK(wasm_trap_same(copy, trap));
  wasm_trap_set_host_info_with_finalizer(trap, &infos_finalized, count);
  CHECK(wasm_trap_get_host_info(copy) == &infos_finalized);
  CHECK(wasm_ref_as_trap(wasm_trap_as_ref(trap)) == trap);
  print_trap("outer(0)", trap);
  printf("finalized while a copy lives: %d\n", infos_finalized);
  wasm_trap_delete(copy);
  printf("finalized after the last copy: %d\n", infos_finalized);

  /* A host-made trap. */
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "made by the host");
  wasm_trap_t* host = wasm_trap_new(store, &msg);
  wasm_byte_vec_delete(&msg);
  wasm_frame_vec_t none;
  wasm_trap_trace(host, &none);
  printf("host trap: origin %s, %zu frames\n",
         wasm_trap_origin(host) ? "present" : "none", none.size);
  wasm_frame_vec_delete(&none);
  wasm_message_t out;
  wasm_trap_message(host, &out);
  printf("message of %zu bytes, NUL-terminated: %s\n", out.size,
         out.data[out.size - 1] == 0 ? "yes" : "no");
  wasm_byte_vec_delete(&out);
  print_trap("host", host);

  /* Deep recursion is a trap, not a crash. */
  wasm_module_t* deep = compile_wat(store,
      "(module (func $f (export \"f\") (param i32) (result i32)"
      "  (i32.add (call $f (local.get 0)) (i32.const 1))))");
  wasm_instance_t* di = wasm_instance_new(store, deep, NULL, NULL);
  wasm_extern_vec_t dex;
  wasm_instance_exports(di, &dex);
  trap = wasm_func_call(export_func(&dex, 0), &av, &rv);
  CHECK(trap != NULL);
  print_trap("unbounded recursion", trap);

  wasm_extern_vec_delete(&dex);
  wasm_instance_delete(di);
  wasm_module_delete(deep);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
