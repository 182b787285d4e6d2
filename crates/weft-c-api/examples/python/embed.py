"""Embeds weft from Python through ctypes and the standard C API.

Usage: python3 embed.py PATH/TO/libweft.so

Compiles a module from text, gives it a Python host function, calls an
export with arguments and prints what comes back.
"""

import ctypes as C
import sys

lib = C.CDLL(sys.argv[1])


class ByteVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(C.c_char))]


class ValUnion(C.Union):
    _fields_ = [("i32", C.c_int32), ("i64", C.c_int64), ("f32", C.c_float),
                ("f64", C.c_double), ("ref", C.c_void_p)]


class Val(C.Structure):
    _fields_ = [("kind", C.c_uint8), ("of", ValUnion)]


class ValVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(Val))]


class PtrVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(C.c_void_p))]


WASM_I32 = 0
CALLBACK = C.CFUNCTYPE(C.c_void_p, C.POINTER(ValVec), C.POINTER(ValVec))

P = C.c_void_p
for name, res, args in [
    ("wasm_engine_new", P, []),
    ("wasm_engine_delete", None, [P]),
    ("wasm_store_new", P, [P]),
    ("wasm_store_delete", None, [P]),
    ("weft_wat2wasm", C.c_bool, [C.c_char_p, C.c_size_t, C.POINTER(ByteVec)]),
    ("wasm_byte_vec_delete", None, [C.POINTER(ByteVec)]),
    ("wasm_module_new", P, [P, C.POINTER(ByteVec)]),
    ("wasm_module_delete", None, [P]),
    ("wasm_valtype_new", P, [C.c_uint8]),
    ("wasm_valtype_vec_new", None, [C.POINTER(PtrVec), C.c_size_t, C.POINTER(P)]),
    ("wasm_functype_new", P, [C.POINTER(PtrVec), C.POINTER(PtrVec)]),
    ("wasm_functype_delete", None, [P]),
    ("wasm_func_new", P, [P, P, CALLBACK]),
    ("wasm_func_delete", None, [P]),
    ("wasm_func_as_extern", P, [P]),
    ("wasm_instance_new", P, [P, P, C.POINTER(PtrVec), C.POINTER(P)]),
    ("wasm_instance_delete", None, [P]),
    ("wasm_instance_exports", None, [P, C.POINTER(PtrVec)]),
    ("wasm_extern_vec_delete", None, [C.POINTER(PtrVec)]),
    ("wasm_extern_as_func", P, [P]),
    ("wasm_func_call", P, [P, C.POINTER(ValVec), C.POINTER(ValVec)]),
    ("wasm_trap_message", None, [P, C.POINTER(ByteVec)]),
    ("wasm_trap_delete", None, [P]),
]:
    f = getattr(lib, name)
    f.restype, f.argtypes = res, args


def types(*kinds):
    v = PtrVec()
    arr = (P * len(kinds))(*[lib.wasm_valtype_new(k) for k in kinds])
    lib.wasm_valtype_vec_new(C.byref(v), len(kinds), arr)
    return v


@CALLBACK
def triple(args, results):
    x = args.contents.data[0].of.i32
    print(f"python: triple({x})")
    results.contents.data[0].kind = WASM_I32
    results.contents.data[0].of.i32 = 3 * x
    return None


WAT = b"""(module
  (import "py" "triple" (func $triple (param i32) (result i32)))
  (func (export "triple_plus") (param i32 i32) (result i32)
    (i32.add (call $triple (local.get 0)) (local.get 1))))"""

engine = lib.wasm_engine_new()
store = lib.wasm_store_new(engine)
binary = ByteVec()
assert lib.weft_wat2wasm(WAT, len(WAT), C.byref(binary))
module = lib.wasm_module_new(store, C.byref(binary))
lib.wasm_byte_vec_delete(C.byref(binary))
assert module

params, results = types(WASM_I32), types(WASM_I32)
ftype = lib.wasm_functype_new(C.byref(params), C.byref(results))
host = lib.wasm_func_new(store, ftype, triple)
lib.wasm_functype_delete(ftype)

imports = PtrVec(1, (P * 1)(lib.wasm_func_as_extern(host)))
trap = P()
instance = lib.wasm_instance_new(store, module, C.byref(imports), C.byref(trap))
assert instance and not trap.value

exports = PtrVec()
lib.wasm_instance_exports(instance, C.byref(exports))
run = lib.wasm_extern_as_func(exports.data[0])
args = (Val * 2)(Val(WASM_I32, ValUnion(i32=14)), Val(WASM_I32, ValUnion(i32=3)))
outs = (Val * 1)()
trap = lib.wasm_func_call(run, C.byref(ValVec(2, args)), C.byref(ValVec(1, outs)))
if trap:
    msg = ByteVec()
    lib.wasm_trap_message(trap, C.byref(msg))
    print("trap:", C.string_at(msg.data).decode())
    lib.wasm_byte_vec_delete(C.byref(msg))
    lib.wasm_trap_delete(trap)
    sys.exit(1)
print(f"triple_plus(14, 3) = {outs[0].of.i32}")

lib.wasm_extern_vec_delete(C.byref(exports))
lib.wasm_instance_delete(instance)
lib.wasm_func_delete(host)
lib.wasm_module_delete(module)
lib.wasm_store_delete(store)
lib.wasm_engine_delete(engine)
