/*
 * weft.h: what weft adds to the standard C API (wasm.h): configuration of
 * features, fuel and interruption; store limits; error messages; modules in
 * the text format; WASI preview1.
 */

#ifndef WEFT_H
#define WEFT_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Kinds beyond the standard's ---------------------------------------
 * wasm_valtype_kind and wasm_externtype_kind may return these for modules
 * that use later features. Values of these kinds cannot cross the API: a
 * call or global access with one fails with a trap. */

#define WEFT_V128 ((wasm_valkind_t)4)
/* anyref and its subtypes (GC), exnref (exceptions). */
#define WEFT_ANYREF ((wasm_valkind_t)130)
#define WEFT_EXNREF ((wasm_valkind_t)131)
/* An exception tag. */
#define WEFT_EXTERN_TAG ((wasm_externkind_t)4)

/* ---- Errors ------------------------------------------------------------
 * A function that fails without a trap to return (wasm_module_new,
 * wasm_global_set, wasm_table_set, ...) records why for the calling thread.
 * Copies the last such message (NUL-terminated) into `out` and returns
 * true, or returns false if this thread has none. */
WASM_API_EXTERN bool weft_last_error(own wasm_message_t* out);

/* ---- Configuration ----------------------------------------------------- */

/* Turns a WebAssembly feature on or off by its proposal name
 * ("simd", "threads", "gc", "exceptions", "memory64", "tail-call",
 * "multi-memory", ...); false if the name is unknown. */
WASM_API_EXTERN bool weft_config_wasm_feature(wasm_config_t*,
                                              const char* name, bool enable);
/* Code counts fuel (weft_store_set_fuel) and traps when it runs out. */
WASM_API_EXTERN void weft_config_consume_fuel(wasm_config_t*, bool enable);
/* Code checks for interruption (weft_interrupt_handle_interrupt). */
WASM_API_EXTERN void weft_config_interruptible(wasm_config_t*, bool enable);
/* The deepest wasm call nesting before a stack-exhaustion trap. */
WASM_API_EXTERN void weft_config_max_call_depth(wasm_config_t*, size_t depth);

/* ---- Text modules -------------------------------------------------------
 * Translates WebAssembly text to a binary. On success `out` holds the
 * binary; on failure false, and `out` holds the error (NUL-terminated). */
WASM_API_EXTERN bool weft_wat2wasm(const char* text, size_t len,
                                   own wasm_byte_vec_t* out);

/* ---- Fuel and limits ---------------------------------------------------- */

/* False (and weft_last_error) unless the engine consumes fuel. */
WASM_API_EXTERN bool weft_store_set_fuel(wasm_store_t*, uint64_t fuel);
WASM_API_EXTERN bool weft_store_get_fuel(const wasm_store_t*,
                                         uint64_t* fuel);

/* Bounds on what the store's instances allocate; a negative value means
 * no bound. Past a bound, growing fails and instantiation fails. */
WASM_API_EXTERN void weft_store_limit(wasm_store_t*,
                                      int64_t max_memory_bytes,
                                      int64_t max_table_elements,
                                      int64_t max_instances,
                                      int64_t max_tables,
                                      int64_t max_memories);

/* ---- Interruption -------------------------------------------------------
 * A handle that may be used from any thread to make the store's running
 * code trap with "interrupted" (requires weft_config_interruptible). */
typedef struct weft_interrupt_handle_t weft_interrupt_handle_t;
WASM_API_EXTERN own weft_interrupt_handle_t* weft_interrupt_handle_new(
    wasm_store_t*);
WASM_API_EXTERN void weft_interrupt_handle_interrupt(
    const weft_interrupt_handle_t*);
WASM_API_EXTERN void weft_interrupt_handle_delete(
    own weft_interrupt_handle_t*);

/* ---- WASI preview1 ------------------------------------------------------
 * A configuration says what a guest sees: arguments, environment,
 * directories (each confined to itself), and standard streams. Streams
 * not inherited are empty (stdin) or discarded (stdout, stderr). */
typedef struct weft_wasi_config_t weft_wasi_config_t;
WASM_API_EXTERN own weft_wasi_config_t* weft_wasi_config_new(void);
WASM_API_EXTERN void weft_wasi_config_delete(own weft_wasi_config_t*);
WASM_API_EXTERN void weft_wasi_config_arg(weft_wasi_config_t*,
                                          const char* arg);
WASM_API_EXTERN void weft_wasi_config_env(weft_wasi_config_t*,
                                          const char* key,
                                          const char* value);
/* False (and weft_last_error) if `host_path` cannot be opened. */
WASM_API_EXTERN bool weft_wasi_config_preopen_dir(weft_wasi_config_t*,
                                                  const char* host_path,
                                                  const char* guest_path);
WASM_API_EXTERN void weft_wasi_config_inherit_stdin(weft_wasi_config_t*);
WASM_API_EXTERN void weft_wasi_config_inherit_stdout(weft_wasi_config_t*);
WASM_API_EXTERN void weft_wasi_config_inherit_stderr(weft_wasi_config_t*);

/* Gives the store's guests this WASI context (replacing the previous
 * one; a store starts with an empty configuration). */
WASM_API_EXTERN void weft_store_set_wasi(wasm_store_t*,
                                         own weft_wasi_config_t*);

/* The WASI function that satisfies `import`, or null if it names none. */
WASM_API_EXTERN own wasm_extern_t* weft_wasi_import(
    wasm_store_t*, const wasm_importtype_t* import);

/* Like wasm_instance_new, but WASI imports are filled in from the store's
 * WASI context. `imports` may be null if every import is WASI; otherwise
 * it has one entry per import, null where WASI provides it. */
WASM_API_EXTERN own wasm_instance_t* weft_wasi_instance_new(
    wasm_store_t*, const wasm_module_t*, const wasm_extern_vec_t* imports,
    own wasm_trap_t** trap);

/* If `trap` is a WASI proc_exit, stores its status and returns true. */
WASM_API_EXTERN bool weft_trap_exit_status(const wasm_trap_t*, int* status);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WEFT_H */
