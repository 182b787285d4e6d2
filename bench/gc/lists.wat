;; Linked lists and arrays with GC types: `run(n)` does n rounds of
;; building a 1000-node list, reversing it into a new list, summing it,
;; and copying its values into an i32 array; returns a checksum.
(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (type $ints (array (mut i32)))

  (func $build (param $len i32) (result (ref null $node))
    (local $head (ref null $node))
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (local.set $head (struct.new $node (local.get $len) (local.get $head)))
        (br $l)))
    (local.get $head))

  (func $reverse (param $p (ref null $node)) (result (ref null $node))
    (local $out (ref null $node))
    (block $done
      (loop $l
        (br_if $done (ref.is_null (local.get $p)))
        (local.set $out (struct.new $node (struct.get $node $v (local.get $p)) (local.get $out)))
        (local.set $p (struct.get $node $next (local.get $p)))
        (br $l)))
    (local.get $out))

  (func $to_array (param $p (ref null $node)) (param $len i32) (result (ref $ints))
    (local $a (ref $ints))
    (local $i i32)
    (local.set $a (array.new_default $ints (local.get $len)))
    (block $done
      (loop $l
        (br_if $done (ref.is_null (local.get $p)))
        (array.set $ints (local.get $a) (local.get $i) (struct.get $node $v (local.get $p)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $p (struct.get $node $next (local.get $p)))
        (br $l)))
    (local.get $a))

  (func (export "run") (param $n i32) (result i32)
    (local $sum i32)
    (local $list (ref null $node))
    (local $a (ref null $ints))
    (block $done
      (loop $rounds
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $list (call $reverse (call $build (i32.const 1000))))
        (local.set $a (call $to_array (local.get $list) (i32.const 1000)))
        (local.set $sum
          (i32.add (local.get $sum)
            (i32.add (array.get $ints (local.get $a) (i32.const 0))
                     (array.len (local.get $a)))))
        (br $rounds)))
    (local.get $sum))
)
