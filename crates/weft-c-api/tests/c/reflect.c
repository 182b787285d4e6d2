/* Reflection: every extern kind in a module's imports and exports, an
 * instance's externs' types, copies and vectors of types. */
#include "common.h"

static wasm_trap_t* unused(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static const char* kind_name(wasm_externkind_t k) {
  switch (k) {
    case WASM_EXTERN_FUNC: return "func";
    case WASM_EXTERN_GLOBAL: return "global";
    case WASM_EXTERN_TABLE: return "table";
    case WASM_EXTERN_MEMORY: return "memory";
    default: return "other";
  }
}

static void print_valtypes(const wasm_valtype_vec_t* v) {
  printf("[");
  for (size_t i = 0; i < v->size; i++)
    printf("%s%d", i ? " " : "", wasm_valtype_kind(v->data[i]));
  printf("]");
}

static void print_type(const wasm_externtype_t* t) {
  wasm_externkind_t k = wasm_externtype_kind(t);
  printf("%s", kind_name(k));
  if (k == WASM_EXTERN_FUNC) {
    const wasm_functype_t* f = wasm_externtype_as_functype_const(t);
    CHECK(f && !wasm_externtype_as_globaltype_const(t));
    printf(" params ");
    print_valtypes(wasm_functype_params(f));
    printf(" results ");
    print_valtypes(wasm_functype_results(f));
  } else if (k == WASM_EXTERN_GLOBAL) {
    const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(t);
    printf(" content %d mutability %d", wasm_valtype_kind(wasm_globaltype_content(g)),
           wasm_globaltype_mutability(g));
  } else if (k == WASM_EXTERN_TABLE) {
    const wasm_tabletype_t* tt = wasm_externtype_as_tabletype_const(t);
    const wasm_limits_t* l = wasm_tabletype_limits(tt);
    printf(" element %d limits %u..%u", wasm_valtype_kind(wasm_tabletype_element(tt)),
           l->min, l->max);
  } else if (k == WASM_EXTERN_MEMORY) {
    const wasm_limits_t* l =
        wasm_memorytype_limits(wasm_externtype_as_memorytype_const(t));
    printf(" limits %u..%u", l->min, l->max);
  }
  printf("\n");
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store,
      "(module"
      "  (import \"env\" \"f\" (func (param i32 f64) (result i64 f32)))"
      "  (import \"env\" \"g\" (global (mut externref)))"
      "  (import \"env\" \"t\" (table 1 5 funcref))"
      "  (import \"env\" \"m\" (memory 1))"
      "  (func (export \"fn\") (param externref funcref))"
      "  (global (export \"glob\") i64 (i64.const 0))"
      "  (table (export \"tab\") 3 externref)"
      "  (memory (export \"mem\") 2 7))");

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  printf("%zu imports\n", imports.size);
  for (size_t i = 0; i < imports.size; i++) {
    const wasm_name_t* m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t* n = wasm_importtype_name(imports.data[i]);
    printf("  %.*s.%.*s: ", (int)m->size, m->data, (int)n->size, n->data);
    print_type(wasm_importtype_type(imports.data[i]));
  }
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  printf("%zu exports\n", exports.size);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(exports.data[i]);
    printf("  %.*s: ", (int)n->size, n->data);
    print_type(wasm_exporttype_type(exports.data[i]));
  }

  /* Copies are deep: deleting the originals leaves them intact. */
  wasm_importtype_vec_t imports2;
  wasm_importtype_vec_copy(&imports2, &imports);
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_t* first = wasm_exporttype_copy(exports.data[0]);
  wasm_exporttype_vec_delete(&exports);
  printf("copied: %zu imports, first export ", imports2.size);
  print_type(wasm_exporttype_type(first));

  /* Instantiate with host objects of the import types, then reflect the
   * instance's externs. */
  wasm_functype_t* ft = wasm_functype_copy(
      wasm_externtype_as_functype_const(wasm_importtype_type(imports2.data[0])));
  printf("a null callback: %s\n", wasm_func_new(store, ft, NULL) ? "made" : "null");
  wasm_func_t* f = wasm_func_new(store, ft, unused);
  wasm_functype_delete(ft);
  wasm_val_t null_ref = WASM_REF_VAL(NULL);
  wasm_global_t* g = wasm_global_new(
      store, wasm_externtype_as_globaltype_const(wasm_importtype_type(imports2.data[1])),
      &null_ref);
  wasm_table_t* t = wasm_table_new(
      store, wasm_externtype_as_tabletype_const(wasm_importtype_type(imports2.data[2])),
      NULL);
  wasm_memory_t* m = wasm_memory_new(
      store, wasm_externtype_as_memorytype_const(wasm_importtype_type(imports2.data[3])));
  CHECK(f && g && t && m);
  wasm_extern_t* ins[] = {wasm_func_as_extern(f), wasm_global_as_extern(g),
                          wasm_table_as_extern(t), wasm_memory_as_extern(m)};
  wasm_extern_vec_t iv = WASM_ARRAY_VEC(ins);
  wasm_instance_t* instance = wasm_instance_new(store, module, &iv, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t externs;
  wasm_instance_exports(instance, &externs);
  printf("instance exports:\n");
  for (size_t i = 0; i < externs.size; i++) {
    wasm_externtype_t* et = wasm_extern_type(externs.data[i]);
    CHECK(wasm_extern_kind(externs.data[i]) == wasm_externtype_kind(et));
    printf("  ");
    print_type(et);
    wasm_externtype_delete(et);
  }
  /* Extern vectors copy their handles. */
  wasm_extern_vec_t externs2;
  wasm_extern_vec_copy(&externs2, &externs);
  printf("copied externs are the same objects: %s\n",
         wasm_extern_same(externs.data[3], externs2.data[3]) &&
                 !wasm_extern_same(externs.data[2], externs2.data[3])
             ? "yes"
             : "no");

  /* Value types and vectors. */
  wasm_valtype_vec_t vts;
  wasm_valtype_vec_new_uninitialized(&vts, 2);
  vts.data[0] = wasm_valtype_new_funcref();
  vts.data[1] = wasm_valtype_new(WASM_I64);
  wasm_valtype_vec_t vts2;
  wasm_valtype_vec_copy(&vts2, &vts);
  wasm_valtype_vec_delete(&vts);
  printf("valtype vector copy: ");
  print_valtypes(&vts2);
  printf(", funcref is a ref: %d, i64 is a num: %d\n",
         wasm_valtype_is_ref(vts2.data[0]), wasm_valtype_is_num(vts2.data[1]));
  wasm_valtype_vec_delete(&vts2);
  printf("unknown kind: %s\n", wasm_valtype_new(77) ? "made" : "null");

  /* Hand-made import and export types. */
  wasm_name_t mod_name, field;
  wasm_name_new_from_string(&mod_name, "mod");
  wasm_name_new_from_string(&field, "field");
  wasm_limits_t lim = {3, wasm_limits_max_default};
  wasm_importtype_t* it = wasm_importtype_new(
      &mod_name, &field, wasm_memorytype_as_externtype(wasm_memorytype_new(&lim)));
  printf("made import %.*s.%.*s: ", (int)wasm_importtype_module(it)->size,
         wasm_importtype_module(it)->data, (int)wasm_importtype_name(it)->size,
         wasm_importtype_name(it)->data);
  print_type(wasm_importtype_type(it));
  wasm_importtype_delete(it);

  wasm_extern_vec_delete(&externs2);
  wasm_extern_vec_delete(&externs);
  wasm_instance_delete(instance);
  wasm_func_delete(f);
  wasm_global_delete(g);
  wasm_table_delete(t);
  wasm_memory_delete(m);
  wasm_exporttype_delete(first);
  wasm_importtype_vec_delete(&imports2);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
