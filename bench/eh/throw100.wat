;; `run(n)`: n exceptions, each thrown 100 frame(s) below the try_table that
;; catches it (the cost of a throw, unwinding and a catch).
(module
  (tag $e (param i32))
  (func $dive (param $d i32) (result i32)
    (if (i32.le_u (local.get $d) (i32.const 1))
      (then (throw $e (local.get $d))))
    (i32.add (i32.const 1) (call $dive (i32.sub (local.get $d) (i32.const 1)))))
  (func (export "run") (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (drop (call $dive (i32.const 100))))
        (i32.const 0))
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))
