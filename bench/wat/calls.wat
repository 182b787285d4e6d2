;; calls: direct calls with 0, 1, 3 and 4 parameters, a two-result call,
;; call_indirect through a table, and a short recursion.  run(N) -> checksum
(module
  (type $binop (func (param i32 i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $add $sub $xor $mulx)
  (global $g (mut i32) (i32.const 0))

  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $xor (type $binop) (i32.xor (local.get 0) (local.get 1)))
  (func $mulx (type $binop) (i32.mul (i32.or (local.get 0) (i32.const 1)) (local.get 1)))

  (func $tick (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $mix3 (param i32 i32 i32) (result i32)
    (i32.xor (i32.add (local.get 0) (local.get 1)) (i32.rotl (local.get 2) (i32.const 3))))
  (func $mix4 (param i32 i32 i32 i64) (result i32)
    (i32.add (call $mix3 (local.get 0) (local.get 1) (local.get 2))
             (i32.wrap_i64 (local.get 3))))
  (func $divmod (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func $sumdown (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (local.get $n) (call $sumdown (i32.sub (local.get $n) (i32.const 1)))))))

  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32) (local $q i32) (local $r i32)
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $tick)
        (local.set $acc (call $inc (local.get $acc)))
        (local.set $acc (call $mix3 (local.get $acc) (local.get $i) (i32.const 0x9e37)))
        (local.set $acc (call $mix4 (local.get $acc) (local.get $i) (local.get $acc) (i64.const 12345)))
        (call $divmod (i32.or (local.get $acc) (i32.const 0x10000)) (i32.add (i32.and (local.get $i) (i32.const 15)) (i32.const 3)))
        (local.set $r)
        (local.set $q)
        (local.set $acc (i32.add (local.get $acc) (i32.xor (local.get $q) (local.get $r))))
        (local.set $acc
          (call_indirect (type $binop) (local.get $acc) (local.get $i)
                         (i32.and (local.get $i) (i32.const 3))))
        (if (i32.eqz (i32.and (local.get $i) (i32.const 63)))
          (then (local.set $acc (i32.add (local.get $acc) (call $sumdown (i32.const 20))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop)))
    (i32.add (local.get $acc) (global.get $g))))
