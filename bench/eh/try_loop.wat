;; `run(n)`: a hot loop whose body is inside a try_table that never
;; catches anything (nothing throws); compare with plain_loop.wat, the same
;; loop without the try_table. weft's try_table emits no instruction, so
;; both run the same code.
(module
  (tag $e (param i32))
  (func (export "run") (param $n i32) (result i32)
    (local $x i32) (local $i i32)
    (block $h (result i32)
      (loop $l
        (try_table (catch $e $h)
          (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 31)) (local.get $i)))
          (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 7)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $x))))
