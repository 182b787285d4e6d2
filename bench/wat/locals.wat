;; locals: heavy local.get/local.set/local.tee traffic across many locals of
;; mixed types (a register-pressure shape: rotating a window of values).
;; run(N) -> checksum
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (local $l0 i32) (local $l1 i32) (local $l2 i32) (local $l3 i32)
    (local $l4 i32) (local $l5 i32) (local $l6 i32) (local $l7 i32)
    (local $t i32)
    (local $q0 i64) (local $q1 i64) (local $q2 i64)
    (local $f0 f64) (local $f1 f64)
    (local.set $l0 (i32.const 1)) (local.set $l1 (i32.const 2))
    (local.set $l2 (i32.const 3)) (local.set $l3 (i32.const 5))
    (local.set $l4 (i32.const 7)) (local.set $l5 (i32.const 11))
    (local.set $l6 (i32.const 13)) (local.set $l7 (i32.const 17))
    (local.set $q0 (i64.const 1))
    (local.set $f0 (f64.const 1.0))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; rotate the window with a twist
        (local.set $t (local.get $l0))
        (local.set $l0 (local.get $l1))
        (local.set $l1 (local.get $l2))
        (local.set $l2 (i32.add (local.get $l3) (local.get $t)))
        (local.set $l3 (local.get $l4))
        (local.set $l4 (i32.xor (local.get $l5) (local.get $i)))
        (local.set $l5 (local.get $l6))
        (local.set $l6 (local.tee $t (i32.add (local.get $l7) (local.get $l0))))
        (local.set $l7 (i32.sub (local.get $t) (local.get $l2)))
        ;; i64 and f64 locals shuffled too
        (local.set $q2 (local.get $q1))
        (local.set $q1 (local.get $q0))
        (local.set $q0 (i64.add (local.get $q2) (i64.extend_i32_s (local.get $l4))))
        (local.set $f1 (local.get $f0))
        (local.set $f0 (f64.add (local.get $f1) (f64.const 0.5)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    (i32.add
      (i32.add
        (i32.xor (i32.add (local.get $l0) (local.get $l1)) (i32.add (local.get $l2) (local.get $l3)))
        (i32.xor (i32.add (local.get $l4) (local.get $l5)) (i32.add (local.get $l6) (local.get $l7))))
      (i32.add (i32.wrap_i64 (i64.add (local.get $q0) (local.get $q2)))
               (i32.trunc_f64_u (f64.div (local.get $f0) (f64.const 1024.0)))))))
