;; Typed function references: the shapes weft's translator handles
;; separately (a reference in a local, a temporary or a constant; branches
;; that need value moves; branches out of the function), tables with an
;; initialiser, and deep return_call_ref chains.

(module
  (type $i2i (func (param i32) (result i32)))
  (func $inc (type $i2i) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
  (elem declare func $inc $dbl)
  (table $t 2 (ref $i2i) (ref.func $inc))
  (table $n 2 (ref null $i2i))

  ;; br_on_null with two values below the reference, taken from locals
  ;; (they move to the block's result slots on the branch).
  (func $moves (export "on_null_moves") (param $f (ref null $i2i)) (param $a i32) (param $b i32)
    (result i32)
    (local $g (ref $i2i))
    (block $null (result i32 i32)
      (local.get $a) (local.get $b)
      (local.get $f)
      (br_on_null $null)
      (local.set $g)
      (drop) (drop)
      (return (call_ref $i2i (i32.const 100) (local.get $g))))
    (i32.sub))

  ;; Non-null references, which a script cannot pass in.
  (func (export "drive_moves") (result i32)
    (call $moves (ref.func $inc) (i32.const 10) (i32.const 3)))
  (func (export "drive_moves_null") (result i32)
    (call $moves (ref.null $i2i) (i32.const 10) (i32.const 3)))
  (func (export "drive_return") (result i32)
    (call $ret (ref.func $dbl)))
  (func (export "drive_local") (result i32)
    (call $local (ref.func $dbl) (i32.const 4)))
  (func (export "drive_as") (result i32)
    (call $as (ref.func $inc)))

  ;; br_on_null out of the function: the values below become the results.
  (func $ret (export "on_null_return") (param $f (ref null $i2i)) (result i32)
    (local $g (ref $i2i))
    (i32.const -1)
    (local.get $f)
    (br_on_null 0)
    (local.set $g)
    (call_ref $i2i (i32.const 5) (local.get $g))
    (i32.add))

  ;; br_on_non_null with the reference in a local and a value below it.
  (func $local (export "non_null_local") (param $f (ref null $i2i)) (param $x i32) (result i32)
    (block $some (result i32 (ref $i2i))
      (local.get $x)
      (local.get $f)
      (br_on_non_null $some)
      (return (i32.const -7)))
    (call_ref $i2i))

  ;; br_on_non_null on a temporary (table.get) and on a constant null.
  (func (export "non_null_temp") (param $i i32) (result i32)
    (local $g (ref null $i2i))
    (block $some (result (ref $i2i))
      (br_on_non_null $some (table.get $n (local.get $i)))
      (return (i32.const -3)))
    (local.set $g)
    (call_ref $i2i (i32.const 20) (ref.as_non_null (local.get $g))))
  (func (export "non_null_const") (result i32)
    (block $some (result (ref $i2i))
      (br_on_non_null $some (ref.null $i2i))
      (return (i32.const -4)))
    (drop)
    (i32.const 0))

  ;; ref.as_non_null on a value then stored to a non-nullable local.
  (func $as (export "as_non_null") (param $f (ref null $i2i)) (result i32)
    (local $g (ref $i2i))
    (local.set $g (ref.as_non_null (local.get $f)))
    (call_ref $i2i (i32.const 1) (local.get $g)))

  (func (export "set_n") (param $i i32)
    (table.set $n (local.get $i) (ref.func $dbl)))
  (func (export "call_t") (param $i i32) (param $x i32) (result i32)
    (call_ref $i2i (local.get $x) (table.get $t (local.get $i))))
  (func (export "grow_t") (result i32)
    (table.grow $t (ref.func $dbl) (i32.const 2)))
  (func (export "null_arg") (result i32)
    (call $on_null_moves_null))
  (func $on_null_moves_null (result i32)
    (block $null (result i32)
      (i32.const 9)
      (ref.null $i2i)
      (br_on_null $null)
      (drop)
      (drop)
      (i32.const 0))))

(assert_return (invoke "on_null_return" (ref.null func)) (i32.const -1))
(assert_return (invoke "drive_moves") (i32.const 101))
(assert_return (invoke "drive_moves_null") (i32.const 7))
(assert_return (invoke "drive_return") (i32.const 9))
(assert_return (invoke "drive_local") (i32.const 8))
(assert_return (invoke "drive_as") (i32.const 2))
(assert_return (invoke "non_null_local" (ref.null func) (i32.const 3)) (i32.const -7))
(assert_return (invoke "non_null_temp" (i32.const 0)) (i32.const -3))
(assert_return (invoke "non_null_const") (i32.const -4))
(assert_trap (invoke "as_non_null" (ref.null func)) "null reference")
(assert_return (invoke "null_arg") (i32.const 9))
(assert_return (invoke "call_t" (i32.const 1) (i32.const 41)) (i32.const 42))
(assert_return (invoke "grow_t") (i32.const 2))
(assert_return (invoke "call_t" (i32.const 3) (i32.const 21)) (i32.const 42))
(assert_trap (invoke "call_t" (i32.const 4) (i32.const 0)) "out of bounds table access")
(invoke "set_n" (i32.const 1))
(assert_return (invoke "non_null_temp" (i32.const 1)) (i32.const 40))
(assert_return (invoke "non_null_temp" (i32.const 0)) (i32.const -3))

;; The same module's functions as references, through an export.
(module
  (type $i2i (func (param i32) (result i32)))
  (func $inc (export "inc") (type $i2i) (i32.add (local.get 0) (i32.const 1)))
  (elem declare func $inc)
  (func (export "get") (result (ref $i2i)) (ref.func $inc))
  (func (export "on_null_moves") (param $f (ref null $i2i)) (param $a i32) (param $b i32)
    (result i32)
    (local $g (ref $i2i))
    (block $null (result i32 i32)
      (local.get $a) (local.get $b)
      (local.get $f)
      (br_on_null $null)
      (local.set $g)
      (drop) (drop)
      (return (call_ref $i2i (i32.const 100) (local.get $g))))
    (i32.sub))
  (func (export "run") (result i32)
    (call_ref $i2i (i32.const 1) (ref.func $inc))))
(assert_return (invoke "on_null_moves" (ref.null func) (i32.const 10) (i32.const 3)) (i32.const 7))
(assert_return (invoke "run") (i32.const 2))

;; A million-deep mutual recursion through return_call_ref runs in constant
;; stack; a null callee traps with the spec's message.
(module
  (type $f (func (param i64 i64) (result i64)))
  (elem declare func $even $odd)
  (func $even (type $f)
    (if (result i64) (i64.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_ref $f
        (i64.sub (local.get 0) (i64.const 1))
        (i64.add (local.get 1) (i64.const 2))
        (ref.func $odd)))))
  (func $odd (type $f)
    (if (result i64) (i64.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_ref $f
        (i64.sub (local.get 0) (i64.const 1))
        (i64.add (local.get 1) (i64.const 1))
        (ref.func $even)))))
  (func (export "run") (param i64) (result i64)
    (return_call_ref $f (local.get 0) (i64.const 0) (ref.func $even)))
  (func (export "null") (result i64)
    (return_call_ref $f (i64.const 0) (i64.const 0) (ref.null $f))))
(assert_return (invoke "run" (i64.const 1000000)) (i64.const 1500000))
(assert_trap (invoke "null") "null function reference")

;; A table's initialiser may read an imported global.
(module $m
  (type $v (func (result i32)))
  (func $seven (export "seven") (type $v) (i32.const 7))
  (global (export "g") (ref $v) (ref.func $seven)))
(register "m" $m)
(module
  (type $v (func (result i32)))
  (import "m" "g" (global $g (ref $v)))
  (table 3 (ref $v) (global.get $g))
  (func (export "call") (param i32) (result i32)
    (call_ref $v (table.get (local.get 0))))
  (func (export "indirect") (param i32) (result i32)
    (call_indirect (type $v) (local.get 0))))
(assert_return (invoke "call" (i32.const 2)) (i32.const 7))
(assert_return (invoke "indirect" (i32.const 0)) (i32.const 7))

;; Imports match by subtyping; an unrelated type does not link.
(module $p
  (type $super (sub (func (result i32))))
  (type $sub (sub $super (func (result i32))))
  (func (export "f") (type $sub) (i32.const 1)))
(register "p" $p)
(module
  (type $super (sub (func (result i32))))
  (import "p" "f" (func (type $super))))
(assert_unlinkable
  (module (import "p" "f" (func (result i32))))
  "incompatible import type")
