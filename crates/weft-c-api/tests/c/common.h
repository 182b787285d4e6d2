/* Helpers shared by the C API tests: each program prints what it checks,
 * and a failed check prints where and exits 1. */
#ifndef TEST_COMMON_H
#define TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      printf("FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

/* Compiles WebAssembly text, or exits. */
static inline wasm_module_t* compile_wat(wasm_store_t* store,
                                         const char* wat) {
  wasm_byte_vec_t bin;
  if (!weft_wat2wasm(wat, strlen(wat), &bin)) {
    printf("FAILED: wat2wasm: %s\n", bin.data);
    exit(1);
  }
  wasm_module_t* m = wasm_module_new(store, &bin);
  wasm_byte_vec_delete(&bin);
  if (!m) {
    wasm_message_t msg;
    if (weft_last_error(&msg)) {
      printf("FAILED: wasm_module_new: %s\n", msg.data);
      wasm_byte_vec_delete(&msg);
    }
    exit(1);
  }
  return m;
}

/* Prints a trap's message (then deletes it). */
static inline void print_trap(const char* what, wasm_trap_t* trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  printf("%s: %s\n", what, msg.data);
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);
}

/* Prints the last error recorded for this thread. */
static inline void print_last_error(const char* what) {
  wasm_message_t msg;
  if (weft_last_error(&msg)) {
    printf("%s: %s\n", what, msg.data);
    wasm_byte_vec_delete(&msg);
  } else {
    printf("%s: (no error)\n", what);
  }
}

/* The export at `i` as a function, or exits. */
static inline wasm_func_t* export_func(const wasm_extern_vec_t* exports,
                                       size_t i) {
  CHECK(i < exports->size);
  wasm_func_t* f = wasm_extern_as_func(exports->data[i]);
  CHECK(f != NULL);
  return f;
}

#endif
