;; dispatch: a tight loop of cheap i32/i64 arithmetic, so the cost of
;; dispatching each instruction dominates.  run(N) -> checksum
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $c i64)
    (local.set $a (i32.const 0x12345678))
    (local.set $b (i32.const 0x9abcdef))
    (local.set $c (i64.const 0x0123456789abcdef))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; a = rotl(a + b, 5) ^ i
        (local.set $a
          (i32.xor (i32.rotl (i32.add (local.get $a) (local.get $b)) (i32.const 5))
                   (local.get $i)))
        ;; b = (b * 0x01000193) - (a >>u 3)
        (local.set $b
          (i32.sub (i32.mul (local.get $b) (i32.const 0x01000193))
                   (i32.shr_u (local.get $a) (i32.const 3))))
        ;; c = (c ^ extend(a)) * K + extend(b), with a shift mix
        (local.set $c
          (i64.add
            (i64.mul (i64.xor (local.get $c) (i64.extend_i32_u (local.get $a)))
                     (i64.const 0x100000001b3))
            (i64.shr_u (i64.extend_i32_u (local.get $b)) (i64.const 7))))
        ;; a few more cheap ops on the stack
        (local.set $a
          (i32.and (i32.or (i32.add (local.get $a) (i32.const 7))
                           (i32.shl (local.get $b) (i32.const 1)))
                   (i32.const 0x7fffffff)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    (i32.xor (i32.add (local.get $a) (local.get $b))
             (i32.wrap_i64 (i64.xor (local.get $c) (i64.shr_u (local.get $c) (i64.const 32)))))))
