;; Shared memories across real threads (each `thread` runs on its own OS
;; thread with its own store), plus the single-threaded corners of shared
;; memory the spec's threads folder does not reach.

(module $Mem
  (memory (export "shared") 1 4 shared))
(register "Mem" $Mem)

;; Message passing: a plain store before an atomic flag store is visible
;; after the flag's atomic load sees it; the consumer sleeps in wait32.
(thread $Producer (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 4 shared)
    (func (export "run")
      (i32.store (i32.const 64) (i32.const 42))
      (i32.atomic.store (i32.const 0) (i32.const 1))
      (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))))
  (invoke "run"))

(thread $Consumer (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 4 shared)
    (func (export "run") (result i32)
      (block $done
        (loop $again
          (br_if $done (i32.eq (i32.atomic.load (i32.const 0)) (i32.const 1)))
          (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
          (br $again)))
      (i32.load (i32.const 64))))
  (assert_return (invoke "run") (i32.const 42)))

(wait $Producer)
(wait $Consumer)

;; Two threads add to one counter; no increment is lost.
(module $Adder
  (memory (import "Mem" "shared") 1 4 shared)
  (func (export "add") (param $n i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 256) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))

(thread $A1 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 4 shared)
    (func (export "add") (param $n i32)
      (loop $l
        (drop (i32.atomic.rmw.add (i32.const 256) (i32.const 1)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
  (invoke "add" (i32.const 100000)))
(invoke $Adder "add" (i32.const 100000))
(wait $A1)

;; Store buffering with sequentially consistent atomics: at least one of
;; the two loads sees the other thread's store.
(thread $SB1 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 4 shared)
    (func (export "run")
      (i32.atomic.store (i32.const 512) (i32.const 1))
      (i32.atomic.store (i32.const 520) (i32.atomic.load (i32.const 516)))))
  (invoke "run"))
(thread $SB2 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 4 shared)
    (func (export "run")
      (i32.atomic.store (i32.const 516) (i32.const 1))
      (i32.atomic.store (i32.const 524) (i32.atomic.load (i32.const 512)))))
  (invoke "run"))
(wait $SB1)
(wait $SB2)

;; A notify wakes exactly as many waiters as it says, oldest first.
(thread $W1 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 4 shared)
    (func (export "wait") (result i32)
      (memory.atomic.wait32 (i32.const 1024) (i32.const 0) (i64.const -1))))
  (assert_return (invoke "wait") (i32.const 0)))
(thread $W2 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 4 shared)
    (func (export "wait") (result i32)
      (memory.atomic.wait64 (i32.const 1024) (i64.const 0) (i64.const -1))))
  (assert_return (invoke "wait") (i32.const 0)))

(module $Check
  (memory (import "Mem" "shared") 1 4 shared)
  ;; Notifies one waiter at a time until `n` have been woken; returns how
  ;; many notifies it took that woke someone.
  (func (export "wake") (param $n i32) (result i32) (local $woken i32) (local $r i32)
    (loop $l
      (local.set $r (memory.atomic.notify (i32.const 1024) (i32.const 1)))
      (local.set $woken (i32.add (local.get $woken) (local.get $r)))
      (br_if $l (i32.lt_u (local.get $woken) (local.get $n))))
    (local.get $woken))
  (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "sb") (result i32)
    (i32.or (i32.load (i32.const 520)) (i32.load (i32.const 524))))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))

(assert_return (invoke $Check "wake" (i32.const 2)) (i32.const 2))
(wait $W1)
(wait $W2)
(assert_return (invoke $Check "notify" (i32.const 1024) (i32.const 5)) (i32.const 0))
(assert_return (invoke $Check "load" (i32.const 256)) (i32.const 200000))
(assert_return (invoke $Check "load" (i32.const 64)) (i32.const 42))
(assert_return (invoke $Check "sb") (i32.const 1))

;; Timeouts, "not-equal", bounds and alignment.
(assert_return (invoke $Check "wait32" (i32.const 2048) (i32.const 0) (i64.const 1000000)) (i32.const 2))
(assert_return (invoke $Check "wait64" (i32.const 2048) (i64.const 0) (i64.const 0)) (i32.const 2))
(assert_return (invoke $Check "wait32" (i32.const 256) (i32.const 0) (i64.const -1)) (i32.const 1))
(assert_return (invoke $Check "wait64" (i32.const 256) (i64.const 200000) (i64.const 0)) (i32.const 2))
(assert_trap (invoke $Check "wait32" (i32.const 2) (i32.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke $Check "wait64" (i32.const 4) (i64.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke $Check "notify" (i32.const 6) (i32.const 1)) "unaligned atomic")
(assert_trap (invoke $Check "wait32" (i32.const 65536) (i32.const 0) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke $Check "notify" (i32.const 65536) (i32.const 1)) "out of bounds memory access")

;; Growth in one thread is seen by every store sharing the memory.
(thread $Grow (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 4 shared)
    (func (export "grow") (result i32) (memory.grow (i32.const 1)))
    (func (export "touch") (i32.atomic.store (i32.const 70000) (i32.const 7))))
  (assert_return (invoke "grow") (i32.const 1))
  (invoke "touch"))
(wait $Grow)
(assert_return (invoke $Check "size") (i32.const 2))
(assert_return (invoke $Check "load" (i32.const 70000)) (i32.const 7))
(assert_return (invoke $Check "grow" (i32.const 3)) (i32.const -1))
(assert_return (invoke $Check "grow" (i32.const 2)) (i32.const 2))
(assert_return (invoke $Check "size") (i32.const 4))

;; Plain and bulk accesses on a shared memory 0 (the out-of-line path).
(module
  (memory 1 1 shared)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08")
  (func (export "i64.load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "i32.load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "i64.load16_s") (param i32) (result i64) (i64.load16_s offset=1 (local.get 0)))
  (func (export "store") (param i32 i64) (i64.store32 (local.get 0) (local.get 1)))
  (func (export "f64") (param i32 f64) (result f64)
    (f64.store (local.get 0) (local.get 1)) (f64.load (local.get 0)))
  (func (export "v128") (param i32) (result i64)
    (v128.store (i32.const 32) (v128.load (local.get 0)))
    (i64x2.extract_lane 0 (v128.load (i32.const 32))))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cmpxchg8") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "xchg16") (param i32 i64) (result i64)
    (i64.atomic.rmw16.xchg_u (local.get 0) (local.get 1)))
  (func (export "sub32") (param i32 i64) (result i64)
    (i64.atomic.rmw32.sub_u (local.get 0) (local.get 1)))
  (func (export "fence") (atomic.fence)))

(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x0807060504030201))
(assert_return (invoke "i64.load" (i32.const 1)) (i64.const 0x0008070605040302))
(assert_return (invoke "i32.load8_s" (i32.const 0)) (i32.const 1))
(assert_return (invoke "i64.load16_s" (i32.const 0)) (i64.const 0x0302))
(assert_trap (invoke "i64.load" (i32.const 65529)) "out of bounds memory access")
(invoke "store" (i32.const 100) (i64.const 0xfffffffff0e0d0c0))
(assert_return (invoke "i64.load" (i32.const 100)) (i64.const 0xf0e0d0c0))
(assert_return (invoke "i32.load8_s" (i32.const 103)) (i32.const -16))
(assert_return (invoke "f64" (i32.const 200) (f64.const -1.5)) (f64.const -1.5))
(assert_return (invoke "v128" (i32.const 0)) (i64.const 0x0807060504030201))
(invoke "fill" (i32.const 300) (i32.const 0xab) (i32.const 5000))
(assert_return (invoke "i64.load" (i32.const 5292)) (i64.const 0xabababababababab))
(assert_return (invoke "i64.load" (i32.const 5297)) (i64.const 0xababab))
(assert_trap (invoke "fill" (i32.const 65535) (i32.const 0) (i32.const 2)) "out of bounds memory access")
;; Overlapping copies, both directions, longer than the copy buffer.
(invoke "copy" (i32.const 1) (i32.const 0) (i32.const 9000))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x0706050403020101))
(invoke "copy" (i32.const 0) (i32.const 2) (i32.const 9000))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x0008070605040302))
(assert_trap (invoke "copy" (i32.const 0) (i32.const 65535) (i32.const 2)) "out of bounds memory access")
(assert_return (invoke "cmpxchg8" (i32.const 0) (i32.const 0x102) (i32.const 0x1ff)) (i32.const 2))
(assert_return (invoke "i32.load8_s" (i32.const 0)) (i32.const -1))
(assert_return (invoke "cmpxchg8" (i32.const 0) (i32.const 0) (i32.const 5)) (i32.const 0xff))
(assert_return (invoke "xchg16" (i32.const 2) (i64.const 0x12345)) (i64.const 0x0504))
(assert_return (invoke "i64.load16_s" (i32.const 1)) (i64.const 0x2345))
(assert_return (invoke "sub32" (i32.const 8) (i64.const 1)) (i64.const 0))
(assert_return (invoke "i64.load" (i32.const 8)) (i64.const 0xffffffff))
(invoke "fence")

;; A 64-bit shared memory.
(module
  (memory i64 1 2 shared)
  (func (export "rmw") (param i64 i64) (result i64) (i64.atomic.rmw.add offset=8 (local.get 0) (local.get 1)))
  (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "wait") (param i64 i32) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (i64.const 0)))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))
(assert_return (invoke "rmw" (i64.const 0) (i64.const 5)) (i64.const 0))
(assert_return (invoke "rmw" (i64.const 0) (i64.const 5)) (i64.const 5))
(assert_return (invoke "load" (i64.const 8)) (i64.const 10))
(assert_trap (invoke "rmw" (i64.const 0xfffffffffffffff8) (i64.const 1)) "out of bounds memory access")
(assert_trap (invoke "rmw" (i64.const 65528) (i64.const 1)) "out of bounds memory access")
(assert_return (invoke "wait" (i64.const 8) (i32.const 10)) (i32.const 2))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))
(assert_return (invoke "load" (i64.const 131064)) (i64.const 0))

;; On an unshared memory atomics are plain accesses; wait traps.
(module
  (memory 1 1)
  (func (export "wait") (result i32) (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0)))
  (func (export "notify") (result i32) (memory.atomic.notify (i32.const 0) (i32.const 1)))
  (func (export "or") (result i64)
    (drop (i64.atomic.rmw.or (i32.const 8) (i64.const 0xff00)))
    (i64.atomic.rmw.or (i32.const 8) (i64.const 0x00ff)))
  (func (export "unaligned") (result i32) (i32.atomic.load offset=2 (i32.const 0))))
(assert_trap (invoke "wait") "expected shared memory")
(assert_return (invoke "notify") (i32.const 0))
(assert_return (invoke "or") (i64.const 0xff00))
(assert_trap (invoke "unaligned") "unaligned atomic")

;; Importing needs sharedness to match exactly.
(assert_unlinkable
  (module (memory (import "Mem" "shared") 1 4))
  "incompatible import type")
(module (memory (export "plain") 1 4))
(register "Plain")
(assert_unlinkable
  (module (memory (import "Plain" "plain") 1 4 shared))
  "incompatible import type")
