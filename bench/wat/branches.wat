;; branches: br_table over 8 cases, nested if/else and br_if chains on
;; data-dependent conditions.  run(N) -> checksum
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $acc i32) (local $k i32)
    (local.set $x (i32.const 0x2545f491))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; xorshift32
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
        (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
        (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
        ;; 8-way switch on the low bits
        (block $end
          (block $c7 (block $c6 (block $c5 (block $c4
          (block $c3 (block $c2 (block $c1 (block $c0
            (br_table $c0 $c1 $c2 $c3 $c4 $c5 $c6 $c7 $c0
              (i32.and (local.get $x) (i32.const 7))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $end))
            (local.set $acc (i32.sub (local.get $acc) (i32.const 3))) (br $end))
            (local.set $acc (i32.xor (local.get $acc) (i32.const 0x55))) (br $end))
            (local.set $acc (i32.add (local.get $acc) (local.get $i))) (br $end))
            (local.set $acc (i32.rotl (local.get $acc) (i32.const 1))) (br $end))
            (local.set $acc (i32.mul (local.get $acc) (i32.const 3))) (br $end))
            (local.set $acc (i32.sub (local.get $acc) (local.get $x))) (br $end))
          (local.set $acc (i32.add (local.get $acc) (i32.const 0x1000))))
        ;; nested if/else on other bits
        (if (i32.and (local.get $x) (i32.const 0x100))
          (then
            (if (i32.and (local.get $x) (i32.const 0x200))
              (then (local.set $k (i32.add (local.get $k) (i32.const 1))))
              (else (local.set $k (i32.sub (local.get $k) (i32.const 2))))))
          (else
            (if (i32.lt_s (local.get $x) (i32.const 0))
              (then (local.set $k (i32.xor (local.get $k) (i32.const 7))))
              (else (local.set $k (i32.add (local.get $k) (i32.const 3)))))))
        ;; a chain of br_if with mostly-not-taken exits
        (block $chain
          (br_if $chain (i32.eqz (i32.and (local.get $x) (i32.const 0xf0000))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 5)))
          (br_if $chain (i32.gt_u (i32.and (local.get $x) (i32.const 0xff)) (i32.const 200)))
          (local.set $acc (i32.xor (local.get $acc) (local.get $k)))
          (br_if $chain (i32.eq (local.get $k) (local.get $acc)))
          (local.set $k (i32.add (local.get $k) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    (i32.add (local.get $acc) (i32.mul (local.get $k) (i32.const 31)))))
