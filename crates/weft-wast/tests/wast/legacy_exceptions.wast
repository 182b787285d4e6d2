;; Legacy exception handling (try/catch/catch_all/delegate/rethrow), written
;; from the legacy Exceptions.md of WebAssembly/exception-handling. Run with
;; legacy exceptions on (`weft wast -W legacy-exceptions`).

(module
  (tag $e0)
  (tag $e1 (param i32))
  (tag $e2 (param i32 i64))

  (func $throw-if (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $e0))))
  (func $throw1 (param i32) (throw $e1 (local.get 0)))

  ;; (The text parser reads `try` only in the flat form.)
  ;; catch by tag, with and without payload; catch_all; no throw.
  (func (export "catch-tag") (param i32) (result i32)
    try (result i32)
      (call $throw-if (local.get 0))
      i32.const 1
    catch $e0
      i32.const 2
    end)
  (func (export "catch-payload") (param i32) (result i32)
    try (result i32)
      (call $throw1 (local.get 0))
      i32.const -1
    catch $e1
      i32.const 100
      i32.add
    end)
  (func (export "catch-two-values") (result i64)
    (local i64)
    try (result i64)
      (throw $e2 (i32.const 3) (i64.const 40))
    catch $e2
      local.set 0
      drop
      local.get 0
    catch_all
      i64.const -1
    end)
  (func (export "catch-all") (param i32) (result i32)
    try (result i32)
      (call $throw1 (local.get 0))
      i32.const -1
    catch $e0
      i32.const 0
    catch_all
      i32.const 7
    end)
  ;; Only the first matching catch runs.
  (func (export "first-match") (result i32)
    try (result i32)
      (throw $e1 (i32.const 5))
    catch $e0
      i32.const 1
    catch $e1
      drop
      i32.const 2
    catch_all
      i32.const 3
    end)
  ;; A throw in a catch body is not caught by the same try.
  (func (export "throw-in-catch") (result i32)
    try (result i32)
      try (result i32)
        (throw $e0)
      catch $e0
        (throw $e1 (i32.const 9))
      catch $e1
        drop
        i32.const -1
      end
    catch $e1
    end)
  ;; No matching catch: the exception goes on to the outer try.
  (func (export "no-match") (result i32)
    try (result i32)
      try (result i32)
        (throw $e1 (i32.const 11))
      catch $e0
        i32.const -1
      end
    catch $e1
      i32.const 1
      i32.add
    end)
  ;; Branches out of a try body and out of a catch body.
  (func (export "br-out") (param i32) (result i32)
    block $out (result i32)
      try (result i32)
        (br_if $out (i32.const 20) (local.get 0))
        (throw $e1 (i32.const 30))
      catch $e1
        br $out
      end
    end)
  ;; Exceptions in a loop: the catch body's stack is reset each time.
  (func (export "loop") (param $n i32) (result i32)
    (local $s i32)
    loop $l
      try
        (throw $e1 (local.get $n))
      catch $e1
        local.get $s
        i32.add
        local.set $s
      end
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))
    end
    local.get $s)

  ;; rethrow 0 from a catch; rethrow of an outer catch's exception from a
  ;; nested catch (rethrow 1); payloads survive the rethrow.
  (func (export "rethrow-0") (result i32)
    try (result i32)
      try (result i32)
        (throw $e1 (i32.const 42))
      catch $e1
        drop
        rethrow 0
      end
    catch $e1
    end)
  (func (export "rethrow-outer") (result i32)
    try (result i32)
      try (result i32)
        (throw $e1 (i32.const 1))
      catch $e1
        drop
        try (result i32)
          (throw $e0)
        catch $e0
          rethrow 1
        end
      end
    catch $e0
      i32.const -1
    catch $e1
    end)
  (func (export "rethrow-catch-all") (result i32)
    try (result i32)
      try (result i32)
        (throw $e1 (i32.const 8))
      catch_all
        rethrow 0
      end
    catch $e1
      i32.const 2
      i32.mul
    end)
  ;; rethrow from blocks nested in the catch body.
  (func (export "rethrow-nested-block") (result i32)
    try (result i32)
      try (result i32)
        (throw $e1 (i32.const 6))
      catch $e1
        drop
        block
          block
            rethrow 2
          end
        end
        i32.const -1
      end
    catch $e1
    end)

  ;; delegate to an outer try, past an intermediate one.
  (func (export "delegate-outer") (result i32)
    try (result i32)
      try (result i32)
        try (result i32)
          (throw $e1 (i32.const 13))
        delegate 1
      catch $e1
        drop
        i32.const -1
      end
    catch $e1
    end)
  ;; delegate 0: the directly enclosing try handles it.
  (func (export "delegate-0") (result i32)
    try (result i32)
      try (result i32)
        (throw $e1 (i32.const 14))
      delegate 0
    catch $e1
    end)
  ;; delegate to a plain block: the search continues outside it.
  (func (export "delegate-block") (result i32)
    try (result i32)
      block (result i32)
        try (result i32)
          (throw $e1 (i32.const 15))
        delegate 0
      end
    catch $e1
    end)
  ;; delegate to the function's label: the caller sees it.
  (func $delegate-fn (result i32)
    try (result i32)
      try (result i32)
        (throw $e1 (i32.const 16))
      delegate 1
    catch $e1
      drop
      i32.const -1
    end)
  (func (export "delegate-to-caller") (result i32)
    try (result i32)
      call $delegate-fn
    catch $e1
    end)
  (func (export "delegate-uncaught") (result i32)
    call $delegate-fn)
  ;; delegate from a try inside a catch body to that catch's try: its own
  ;; catches no longer apply; the next try out handles it.
  (func (export "delegate-from-catch") (result i32)
    try (result i32)
      try (result i32)
        (throw $e0)
      catch $e0
        try (result i32)
          (throw $e1 (i32.const 17))
        delegate 0
      catch $e1
        drop
        i32.const -1
      end
    catch $e1
    end)
  ;; delegate chains: a delegate whose target is itself a delegating try.
  (func (export "delegate-chain") (result i32)
    try (result i32)
      try (result i32)
        try (result i32)
          try (result i32)
            (throw $e1 (i32.const 18))
          delegate 0
        delegate 1
      catch $e1
        drop
        i32.const -1
      end
    catch $e1
    end)
  ;; Legacy try and try_table nest in either order.
  (func (export "mixed") (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h)
        try
          (throw $e1 (i32.const 19))
        catch $e0
        end)
      (i32.const -1)))
  (func (export "mixed-inner") (result i32)
    try (result i32)
      (block $h
        (try_table (catch $e0 $h)
          (throw $e1 (i32.const 21))))
      i32.const -1
    catch $e1
    end)
  ;; A trap is never caught.
  (func (export "trap") (result i32)
    try (result i32)
      unreachable
    catch_all
      i32.const 1
    end)
)

(assert_return (invoke "catch-tag" (i32.const 1)) (i32.const 1))
(assert_return (invoke "catch-tag" (i32.const 0)) (i32.const 2))
(assert_return (invoke "catch-payload" (i32.const 5)) (i32.const 105))
(assert_return (invoke "catch-two-values") (i64.const 40))
(assert_return (invoke "catch-all" (i32.const 3)) (i32.const 7))
(assert_return (invoke "first-match") (i32.const 2))
(assert_return (invoke "throw-in-catch") (i32.const 9))
(assert_return (invoke "no-match") (i32.const 12))
(assert_return (invoke "br-out" (i32.const 1)) (i32.const 20))
(assert_return (invoke "br-out" (i32.const 0)) (i32.const 30))
(assert_return (invoke "loop" (i32.const 10)) (i32.const 55))
(assert_return (invoke "rethrow-0") (i32.const 42))
(assert_return (invoke "rethrow-outer") (i32.const 1))
(assert_return (invoke "rethrow-catch-all") (i32.const 16))
(assert_return (invoke "rethrow-nested-block") (i32.const 6))
(assert_return (invoke "delegate-outer") (i32.const 13))
(assert_return (invoke "delegate-0") (i32.const 14))
(assert_return (invoke "delegate-block") (i32.const 15))
(assert_return (invoke "delegate-to-caller") (i32.const 16))
(assert_exception (invoke "delegate-uncaught"))
(assert_return (invoke "delegate-from-catch") (i32.const 17))
(assert_return (invoke "delegate-chain") (i32.const 18))
(assert_return (invoke "mixed") (i32.const 19))
(assert_return (invoke "mixed-inner") (i32.const 21))
(assert_trap (invoke "trap") "unreachable")

;; GC objects held only by a caught exception (in a catch body's hidden
;; exnref) survive a collection in that body.
(module
  (type $box (struct (field i32)))
  (tag $eb (param (ref null $box)))
  (func (export "keep") (result i32)
    try (result i32)
      try (result i32)
        (throw $eb (struct.new $box (i32.const 23)))
      catch $eb
        drop
        ;; allocates (and collects, under gc_zeal)
        (drop (struct.new $box (i32.const 0)))
        rethrow 0
      end
    catch $eb
      struct.get $box 0
    end))
(assert_return (invoke "keep") (i32.const 23))

;; rethrow outside a catch, and a bad rethrow depth, are invalid.
(assert_invalid
  (module (func (rethrow 0)))
  "invalid rethrow label")
(assert_invalid
  (module (tag $e) (func try catch $e block rethrow 0 end end))
  "invalid rethrow label")
