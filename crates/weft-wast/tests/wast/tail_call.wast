;; Tail calls beyond what the spec suite checks: depth far past the
;; call-depth limit, frames that grow, callees in other instances, and
;; host callees (spectest's print functions) in tail position.

(module $m
  (type $ii (func (param i64) (result i64)))
  (table funcref (elem $even $odd $count))

  ;; A million-deep mutual recursion: the default call-depth limit is
  ;; 20,000 frames, so this only finishes if every call replaces its frame.
  (func $even (export "even") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (export "odd") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))

  ;; The same through the table.
  (func $count (export "count") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 42))
      (else
        (return_call_indirect (type $ii)
          (i64.sub (local.get 0) (i64.const 1))
          (i32.const 2)))))
  (func (export "count_even_odd") (param i64) (result i64)
    (return_call_indirect (type $ii) (local.get 0) (i32.const 0)))

  ;; A callee with more parameters and locals than its caller: the frame
  ;; grows in place; its locals start at zero however the caller left them.
  (func $wide (param i64 i64 i64 i64 i64 i64) (result i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64)
    (i64.add (local.get 0)
      (i64.add (local.get 5)
        (i64.add (local.get 6) (local.get 13)))))
  (func (export "grow") (param i64) (result i64)
    (local i64 i64 i64)
    (local.set 1 (i64.const 7))
    (local.set 2 (i64.const 8))
    (local.set 3 (i64.const 9))
    (return_call $wide (local.get 0) (i64.const 2) (i64.const 3)
      (i64.const 4) (i64.const 5) (i64.const 6)))

  ;; Mixed widths: arguments of two cells move down intact.
  (func $vsum (param i32 v128 i64) (result i64)
    (i64.add (i64.extend_i32_u (local.get 0))
      (i64.add (local.get 2) (i64x2.extract_lane 1 (local.get 1)))))
  (func (export "vcall") (result i64)
    (local v128)
    (return_call $vsum (i32.const 1) (v128.const i64x2 5 100) (i64.const 1000)))

  ;; Several results come back through a chain of tail calls.
  (func $pair (param i32) (result i32 i32)
    (local.get 0) (i32.add (local.get 0) (i32.const 1)))
  (func $pair_loop (param i32 i32) (result i32 i32)
    (if (result i32 i32) (i32.eqz (local.get 1))
      (then (return_call $pair (local.get 0)))
      (else (return_call $pair_loop (i32.add (local.get 0) (i32.const 2))
        (i32.sub (local.get 1) (i32.const 1))))))
  (func (export "pairs") (param i32) (result i32 i32)
    (return_call $pair_loop (i32.const 0) (local.get 0)))
)

(assert_return (invoke "even" (i64.const 1000000)) (i64.const 1))
(assert_return (invoke "odd" (i64.const 1000001)) (i64.const 1))
(assert_return (invoke "count" (i64.const 1000000)) (i64.const 42))
(assert_return (invoke "count_even_odd" (i64.const 999999)) (i64.const 0))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 7))
(assert_return (invoke "vcall") (i64.const 1101))
(assert_return (invoke "pairs" (i32.const 100000)) (i32.const 200000) (i32.const 200001))
(register "m" $m)

;; A callee in another instance, and a host callee, in tail position.
(module
  (import "m" "even" (func $even (param i64) (result i64)))
  (import "spectest" "print_i64" (func $print (param i64)))
  (table funcref (elem $even $print))
  (func (export "far") (param i64) (result i64)
    (return_call $even (local.get 0)))
  (func (export "far_indirect") (param i64) (result i64)
    (return_call_indirect (param i64) (result i64) (local.get 0) (i32.const 0)))
  (func (export "host") (param i64)
    (return_call $print (local.get 0)))
  (func (export "host_indirect") (param i64)
    (return_call_indirect (param i64) (local.get 0) (i32.const 1)))
  (func (export "wrong_type") (param i64) (result i64)
    (return_call_indirect (param i64) (result i64) (local.get 0) (i32.const 1)))
  (func (export "out_of_table") (param i64) (result i64)
    (return_call_indirect (param i64) (result i64) (local.get 0) (i32.const 2)))
)

(assert_return (invoke "far" (i64.const 100001)) (i64.const 0))
(assert_return (invoke "far_indirect" (i64.const 100000)) (i64.const 1))
(assert_return (invoke "host" (i64.const 5)))
(assert_return (invoke "host_indirect" (i64.const 6)))
(assert_trap (invoke "wrong_type" (i64.const 1)) "indirect call type mismatch")
(assert_trap (invoke "out_of_table" (i64.const 1)) "undefined element")

;; A recursion that is not in tail position still hits the depth limit.
(module
  (func $down (export "down") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (i64.add (i64.const 1)
        (call $down (i64.sub (local.get 0) (i64.const 1))))))))
(assert_exhaustion (invoke "down" (i64.const 1000000)) "call stack exhausted")
