;; Exceptions through many frames: `weft run examples/exceptions.wat --invoke main`
;; prints 1000 (the depth the exception was thrown at, carried in its
;; payload) and 10 (how many frames on the way caught it with
;; catch_all_ref and threw it on with throw_ref: every 100th).
(module
  (tag $e (param i32))
  (global $rethrows (mut i32) (i32.const 0))

  (func $dive (param $n i32) (param $depth i32) (result i32)
    (if (i32.eqz (local.get $n))
      (then (throw $e (local.get $depth))))
    (if (i32.eqz (i32.rem_u (local.get $n) (i32.const 100)))
      (then
        (block $h (result exnref)
          (try_table (catch_all_ref $h)
            (drop (call $dive (i32.sub (local.get $n) (i32.const 1))
                              (i32.add (local.get $depth) (i32.const 1)))))
          (unreachable))
        (global.set $rethrows (i32.add (global.get $rethrows) (i32.const 1)))
        (throw_ref)))
    (call $dive (i32.sub (local.get $n) (i32.const 1))
                (i32.add (local.get $depth) (i32.const 1))))

  (func (export "main") (result i32 i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (drop (call $dive (i32.const 1000) (i32.const 0))))
      (i32.const -1))
    (global.get $rethrows)))
