/* Modules: validation, errors that say where, serialization and
 * deserialization, sharing. */
#include "common.h"

static int32_t call_answer(wasm_store_t* store, wasm_module_t* module) {
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(instance, &ex);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, rv = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(export_func(&ex, 0), &none, &rv) == NULL);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(instance);
  return r[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  const char* wat = "(module (func (export \"answer\") (result i32) (i32.const 42)))";
  wasm_byte_vec_t bin;
  CHECK(weft_wat2wasm(wat, strlen(wat), &bin));
  printf("valid: %d\n", wasm_module_validate(store, &bin));

  /* Malformed and invalid binaries are refused with a reason. */
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 8, "\0asm\x02\0\0\0");
  printf("bad version valid: %d\n", wasm_module_validate(store, &junk));
  CHECK(wasm_module_new(store, &junk) == NULL);
  print_last_error("bad version");
  wasm_byte_vec_delete(&junk);
  const char* ill = "(module (func (result i32) (i64.const 1)))";
  wasm_byte_vec_t ill_bin;
  CHECK(weft_wat2wasm(ill, strlen(ill), &ill_bin));
  CHECK(wasm_module_new(store, &ill_bin) == NULL);
  print_last_error("ill-typed");
  wasm_byte_vec_delete(&ill_bin);
  wasm_byte_vec_t text;
  wasm_byte_vec_new(&text, strlen(wat), wat);
  CHECK(wasm_module_new(store, &text) == NULL);
  print_last_error("text given as a binary");
  wasm_byte_vec_delete(&text);

  wasm_module_t* module = wasm_module_new(store, &bin);
  wasm_byte_vec_delete(&bin);
  CHECK(module != NULL);
  printf("answer: %d\n", call_answer(store, module));

  wasm_byte_vec_t ser;
  wasm_module_serialize(module, &ser);
  printf("serialized %zu bytes\n", ser.size);
  wasm_module_t* back = wasm_module_deserialize(store, &ser);
  CHECK(back != NULL);
  printf("deserialized answer: %d, same module object: %s\n",
         call_answer(store, back), wasm_module_same(back, module) ? "yes" : "no");
  wasm_exporttype_vec_t exps;
  wasm_module_exports(back, &exps);
  printf("deserialized exports: %zu\n", exps.size);
  wasm_exporttype_vec_delete(&exps);

  /* A serialized module deserializes in another store of the engine. */
  wasm_store_t* store2 = wasm_store_new(engine);
  wasm_module_t* again = wasm_module_deserialize(store2, &ser);
  CHECK(again != NULL);
  printf("in another store: %d\n", call_answer(store2, again));

  /* Anything else is refused. */
  ser.data[3] ^= 0x55;
  CHECK(wasm_module_deserialize(store, &ser) == NULL);
  print_last_error("corrupted header");
  ser.data[3] ^= 0x55;
  wasm_byte_vec_t cut;
  wasm_byte_vec_new(&cut, ser.size - 3, ser.data);
  CHECK(wasm_module_deserialize(store, &cut) == NULL);
  print_last_error("cut short");
  wasm_byte_vec_delete(&cut);
  wasm_byte_vec_delete(&ser);

  /* A module from another engine cannot be obtained. */
  wasm_engine_t* engine2 = wasm_engine_new();
  wasm_store_t* store3 = wasm_store_new(engine2);
  wasm_shared_module_t* shared = wasm_module_share(module);
  CHECK(wasm_module_obtain(store3, shared) == NULL);
  print_last_error("obtain in another engine");
  wasm_module_t* obtained = wasm_module_obtain(store2, shared);
  printf("obtained in the same engine: %d\n", call_answer(store2, obtained));

  wasm_module_delete(obtained);
  wasm_shared_module_delete(shared);
  wasm_store_delete(store3);
  wasm_engine_delete(engine2);
  wasm_module_delete(again);
  wasm_store_delete(store2);
  wasm_module_delete(back);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
