/* The function families the standard declares per type, exercised for
 * every type: vectors (new_empty, new_uninitialized, new, copy, delete),
 * type copies and extern-type views, and for every reference kind copy,
 * same, host info (with and without finalizer) and the in-place
 * conversions to wasm_ref_t and wasm_extern_t (const and not). */
#include "common.h"

static int finalized = 0;
static void fin(void* p) {
  (void)p;
  finalized++;
}

/* A vector of pointers to objects: made from `a` and `b` (owned), copied
 * deeply, the original deleted, the copy checked and deleted. */
#define CHECK_PTR_VEC(name, a, b, same)                                  \
  do {                                                                   \
    wasm_##name##_vec_t e, u, v, c;                                      \
    wasm_##name##_vec_new_empty(&e);                                     \
    CHECK(e.size == 0);                                                  \
    wasm_##name##_vec_delete(&e);                                        \
    wasm_##name##_vec_new_uninitialized(&u, 3);                          \
    CHECK(u.size == 3 && u.data[0] == NULL && u.data[2] == NULL);        \
    wasm_##name##_vec_delete(&u);                                        \
    wasm_##name##_t* items[2] = {a, b};                                  \
    wasm_##name##_vec_new(&v, 2, items);                                 \
    wasm_##name##_vec_copy(&c, &v);                                      \
    CHECK(c.size == 2 && c.data[0] != v.data[0]);                        \
    CHECK(same(c.data[0], v.data[0]));                                   \
    wasm_##name##_vec_delete(&v);                                        \
    CHECK(c.data[1] != NULL);                                            \
    wasm_##name##_vec_delete(&c);                                        \
    printf("vector of %s: ok\n", #name);                                 \
  } while (0)

/* One reference kind on object `x`: copy and same, host info, and the
 * generic reference view. */
#define CHECK_REF(name, x)                                               \
  do {                                                                   \
    wasm_##name##_t* cp = wasm_##name##_copy(x);                         \
    CHECK(cp != (x) && wasm_##name##_same(cp, x));                       \
    wasm_##name##_set_host_info(x, (void*)&finalized);                   \
    CHECK(wasm_##name##_get_host_info(cp) == (void*)&finalized);         \
    wasm_##name##_set_host_info_with_finalizer(cp, (void*)fin, fin);     \
    CHECK(wasm_##name##_get_host_info(x) == (void*)fin);                 \
    wasm_ref_t* r = wasm_##name##_as_ref(x);                             \
    const wasm_ref_t* rc = wasm_##name##_as_ref_const(x);                \
    CHECK((void*)r == (void*)(x) && (void*)rc == (void*)(x));            \
    CHECK(wasm_ref_as_##name(r) == (x));                                 \
    CHECK(wasm_ref_as_##name##_const(rc) == (x));                        \
    CHECK(wasm_ref_get_host_info(r) == (void*)fin);                      \
    wasm_ref_set_host_info(r, (void*)&finalized);                        \
    CHECK(wasm_##name##_get_host_info(x) == (void*)&finalized);          \
    wasm_ref_set_host_info_with_finalizer(r, (void*)fin, fin);           \
    wasm_ref_t* rcopy = wasm_ref_copy(r);                                \
    CHECK(wasm_ref_same(rcopy, r));                                      \
    wasm_ref_delete(rcopy);                                              \
    wasm_##name##_delete(cp);                                            \
    printf("reference kind %s: ok\n", #name);                            \
  } while (0)

/* One extern kind on object `x` of that kind. */
#define CHECK_EXTERN(name, x)                                            \
  do {                                                                   \
    wasm_extern_t* e = wasm_##name##_as_extern(x);                       \
    const wasm_extern_t* ec = wasm_##name##_as_extern_const(x);          \
    CHECK((void*)e == (void*)(x) && (void*)ec == (void*)(x));            \
    CHECK(wasm_extern_as_##name(e) == (x));                              \
    CHECK(wasm_extern_as_##name##_const(ec) == (x));                     \
    wasm_externtype_t* t = wasm_extern_type(e);                          \
    CHECK(wasm_externtype_kind(t) == wasm_extern_kind(e));               \
    wasm_externtype_delete(t);                                           \
    printf("extern kind %s: ok\n", #name);                               \
  } while (0)

/* One extern-type view `t` (owned; deleted here). */
#define CHECK_TYPE_VIEW(name, made, kind)                                \
  do {                                                                   \
    wasm_##name##_t* ty_ = (made);                                         \
    wasm_##name##_t* cp = wasm_##name##_copy(ty_);                         \
    wasm_externtype_t* et = wasm_##name##_as_externtype(cp);             \
    const wasm_externtype_t* etc = wasm_##name##_as_externtype_const(ty_); \
    CHECK(wasm_externtype_kind(et) == kind);                             \
    CHECK(wasm_externtype_kind(etc) == kind);                            \
    CHECK(wasm_externtype_as_##name(et) == cp);                          \
    CHECK(wasm_externtype_as_##name##_const(etc) == ty_);                  \
    wasm_externtype_t* ecopy = wasm_externtype_copy(et);                 \
    CHECK(wasm_externtype_kind(ecopy) == kind);                          \
    wasm_##name##_t* a = wasm_##name##_copy(ty_);                          \
    wasm_##name##_t* b = wasm_##name##_copy(ty_);                          \
    CHECK_PTR_VEC(name, a, b, same_kind_##name);                         \
    wasm_externtype_t* ea = wasm_externtype_copy(et);                    \
    CHECK_PTR_VEC(externtype, ea, ecopy, same_externtype);               \
    wasm_##name##_delete(cp);                                            \
    wasm_##name##_delete(ty_);                                             \
  } while (0)

static bool same_externtype(const wasm_externtype_t* a, const wasm_externtype_t* b) {
  return wasm_externtype_kind(a) == wasm_externtype_kind(b);
}
static bool same_kind_functype(const wasm_functype_t* a, const wasm_functype_t* b) {
  return wasm_functype_params(a)->size == wasm_functype_params(b)->size;
}
static bool same_kind_globaltype(const wasm_globaltype_t* a, const wasm_globaltype_t* b) {
  return wasm_globaltype_mutability(a) == wasm_globaltype_mutability(b);
}
static bool same_kind_tabletype(const wasm_tabletype_t* a, const wasm_tabletype_t* b) {
  return wasm_tabletype_limits(a)->min == wasm_tabletype_limits(b)->min;
}
static bool same_kind_memorytype(const wasm_memorytype_t* a, const wasm_memorytype_t* b) {
  return wasm_memorytype_limits(a)->max == wasm_memorytype_limits(b)->max;
}
static bool same_valtype(const wasm_valtype_t* a, const wasm_valtype_t* b) {
  return wasm_valtype_kind(a) == wasm_valtype_kind(b);
}
static bool same_importtype(const wasm_importtype_t* a, const wasm_importtype_t* b) {
  return wasm_importtype_name(a)->size == wasm_importtype_name(b)->size;
}
static bool same_exporttype(const wasm_exporttype_t* a, const wasm_exporttype_t* b) {
  return wasm_exporttype_name(a)->size == wasm_exporttype_name(b)->size;
}
static bool same_frame(const wasm_frame_t* a, const wasm_frame_t* b) {
  return wasm_frame_func_index(a) == wasm_frame_func_index(b);
}

static wasm_trap_t* nothing(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

int main(void) {
  wasm_config_t* unused_config = wasm_config_new();
  weft_config_max_call_depth(unused_config, 1000);
  wasm_config_delete(unused_config);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store,
      "(module"
      "  (func $f (export \"f\") (param i32) (result i32) (local.get 0))"
      "  (func (export \"trap\") unreachable)"
      "  (global (export \"g\") (mut i64) (i64.const 5))"
      "  (table (export \"t\") 1 funcref)"
      "  (memory (export \"m\") 1))");
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  wasm_extern_vec_t ex;
  wasm_instance_exports(instance, &ex);
  wasm_func_t* f = wasm_extern_as_func(ex.data[0]);
  wasm_global_t* g = wasm_extern_as_global(ex.data[2]);
  wasm_table_t* t = wasm_extern_as_table(ex.data[3]);
  wasm_memory_t* m = wasm_extern_as_memory(ex.data[4]);
  CHECK(f && g && t && m);

  /* Byte vectors and names. */
  wasm_byte_vec_t e, u, b, c;
  wasm_byte_vec_new_empty(&e);
  CHECK(e.size == 0);
  wasm_byte_vec_delete(&e);
  wasm_byte_vec_new_uninitialized(&u, 5);
  CHECK(u.size == 5);
  wasm_byte_vec_delete(&u);
  wasm_byte_vec_new(&b, 3, "abc");
  wasm_byte_vec_copy(&c, &b);
  wasm_byte_vec_delete(&b);
  CHECK(c.size == 3 && memcmp(c.data, "abc", 3) == 0);
  wasm_byte_vec_delete(&c);
  printf("vector of byte: ok\n");

  /* Value vectors own their references. */
  wasm_val_vec_t ve, vu, vv, vc;
  wasm_val_vec_new_empty(&ve);
  wasm_val_vec_delete(&ve);
  wasm_val_vec_new_uninitialized(&vu, 2);
  CHECK(vu.size == 2);
  wasm_val_vec_delete(&vu);
  wasm_val_t vals[2] = {WASM_I32_VAL(1), {.kind = WASM_FUNCREF, .of = {.ref = wasm_ref_copy(wasm_func_as_ref(f))}}};
  wasm_val_vec_new(&vv, 2, vals);
  wasm_val_vec_copy(&vc, &vv);
  wasm_val_vec_delete(&vv);
  CHECK(vc.data[0].of.i32 == 1 && wasm_ref_same(vc.data[1].of.ref, wasm_func_as_ref(f)));
  wasm_val_vec_delete(&vc);
  printf("vector of val: ok\n");

  /* Value types. */
  wasm_valtype_t* vt = wasm_valtype_new_f32();
  wasm_valtype_t* vt2 = wasm_valtype_copy(vt);
  CHECK(wasm_valtype_kind(vt2) == WASM_F32);
  wasm_valtype_vec_t vte;
  wasm_valtype_vec_new_empty(&vte);
  wasm_valtype_vec_delete(&vte);
  CHECK_PTR_VEC(valtype, vt, vt2, same_valtype);
  wasm_valtype_t* lone = wasm_valtype_new_i64();
  wasm_valtype_delete(lone);

  /* Extern-type views and their vectors. */
  CHECK_TYPE_VIEW(functype, wasm_func_type(f), WASM_EXTERN_FUNC);
  CHECK_TYPE_VIEW(globaltype, wasm_global_type(g), WASM_EXTERN_GLOBAL);
  CHECK_TYPE_VIEW(tabletype, wasm_table_type(t), WASM_EXTERN_TABLE);
  CHECK_TYPE_VIEW(memorytype, wasm_memory_type(m), WASM_EXTERN_MEMORY);

  /* Import and export types. */
  wasm_importtype_vec_t none_imports;
  wasm_module_imports(module, &none_imports);
  CHECK(none_imports.size == 0);
  wasm_importtype_vec_delete(&none_imports);
  wasm_name_t m1, n1, m2, n2, n3, n4;
  wasm_name_new_from_string(&m1, "a");
  wasm_name_new_from_string(&n1, "b");
  wasm_name_new_from_string(&m2, "c");
  wasm_name_new_from_string(&n2, "d");
  wasm_importtype_t* i1 = wasm_importtype_new(&m1, &n1, wasm_memorytype_as_externtype(wasm_memory_type(m)));
  wasm_importtype_t* i2 = wasm_importtype_new(&m2, &n2, wasm_globaltype_as_externtype(wasm_global_type(g)));
  wasm_importtype_t* i3 = wasm_importtype_copy(i2);
  CHECK(wasm_externtype_kind(wasm_importtype_type(i3)) == WASM_EXTERN_GLOBAL);
  wasm_importtype_delete(i3);
  CHECK_PTR_VEC(importtype, i1, i2, same_importtype);
  wasm_name_new_from_string(&n3, "x");
  wasm_name_new_from_string_nt(&n4, "yz");
  CHECK(n4.size == 3 && n4.data[2] == 0);
  wasm_exporttype_t* x1 = wasm_exporttype_new(&n3, wasm_tabletype_as_externtype(wasm_table_type(t)));
  wasm_exporttype_t* x2 = wasm_exporttype_new(&n4, wasm_functype_as_externtype(wasm_func_type(f)));
  CHECK_PTR_VEC(exporttype, x1, x2, same_exporttype);

  /* Frames. */
  wasm_val_vec_t noargs = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(ex.data[1]), &noargs, &noargs);
  CHECK(trap != NULL);
  wasm_frame_t* fr1 = wasm_trap_origin(trap);
  wasm_frame_t* fr2 = wasm_frame_copy(fr1);
  wasm_frame_vec_t fe;
  wasm_frame_vec_new_empty(&fe);
  wasm_frame_vec_delete(&fe);
  CHECK_PTR_VEC(frame, fr1, fr2, same_frame);

  /* Every reference kind. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_functype_t* ft = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new(store, ft, nothing);
  wasm_functype_delete(ft);
  CHECK_REF(func, host);
  CHECK_REF(global, g);
  CHECK_REF(table, t);
  CHECK_REF(memory, m);
  CHECK_REF(extern, ex.data[0]);
  CHECK_REF(instance, instance);
  CHECK_REF(foreign, foreign);
  CHECK_REF(trap, trap);
  CHECK_REF(module, module);
  /* ...and conversions to the wrong kind are null. */
  wasm_ref_t* fr = wasm_func_as_ref(f);
  CHECK(!wasm_ref_as_global(fr) && !wasm_ref_as_table_const(fr) && !wasm_ref_as_memory(fr));
  CHECK(!wasm_ref_as_instance(fr) && !wasm_ref_as_module_const(fr) && !wasm_ref_as_trap(fr));
  CHECK(!wasm_ref_as_foreign(fr) && wasm_ref_as_extern(fr) && wasm_ref_as_extern_const(fr));
  CHECK(!wasm_ref_as_extern(wasm_foreign_as_ref(foreign)));
  CHECK(!wasm_extern_as_table(ex.data[0]) && !wasm_extern_as_memory_const(ex.data[0]));
  CHECK(!wasm_extern_as_global_const(ex.data[0]) && !wasm_extern_as_table_const(ex.data[0]));
  printf("wrong-kind conversions: null\n");

  /* Every extern kind. */
  CHECK_EXTERN(func, f);
  CHECK_EXTERN(global, g);
  CHECK_EXTERN(table, t);
  CHECK_EXTERN(memory, m);

  /* Extern vectors. */
  wasm_extern_vec_t xe, xu, xv;
  wasm_extern_vec_new_empty(&xe);
  wasm_extern_vec_delete(&xe);
  wasm_extern_vec_new_uninitialized(&xu, 1);
  CHECK(xu.data[0] == NULL);
  wasm_extern_vec_delete(&xu);
  wasm_extern_t* xs[2] = {wasm_extern_copy(ex.data[2]), wasm_extern_copy(ex.data[3])};
  wasm_extern_vec_new(&xv, 2, xs);
  CHECK(wasm_extern_same(xv.data[1], ex.data[3]));
  wasm_extern_vec_delete(&xv);
  printf("vector of extern: ok\n");

  wasm_trap_delete(trap);
  wasm_func_delete(host);
  wasm_foreign_delete(foreign);
  wasm_extern_vec_delete(&ex);
  wasm_instance_delete(instance);
  printf("finalizers run before the store and module go: %d\n", finalized);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("finalizers run in all: %d\n", finalized);

  /* WASI configurations that are never used are deleted. */
  weft_wasi_config_t* wc = weft_wasi_config_new();
  weft_wasi_config_inherit_stdin(wc);
  weft_wasi_config_inherit_stderr(wc);
  weft_wasi_config_delete(wc);
  return 0;
}
