;; A wasi-threads program: four threads sum the numbers below 1,000,000
;; in parallel over a shared memory; the main thread waits for them with
;; memory.atomic.wait32 and prints the total.
;;
;;   weft run examples/threads.wat     # prints 499999500000
(module
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))

  ;; Memory: 0 threads done (i32), 8 total (i64), 64.. the output text,
  ;; 32 the iovec.
  (global $threads i32 (i32.const 4))
  (global $per i64 (i64.const 250000))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $i i64) (local $end i64) (local $sum i64)
    (local.set $i (i64.mul (i64.extend_i32_u (local.get $arg)) (global.get $per)))
    (local.set $end (i64.add (local.get $i) (global.get $per)))
    (loop $l
      (local.set $sum (i64.add (local.get $sum) (local.get $i)))
      (br_if $l (i64.lt_u (local.tee $i (i64.add (local.get $i) (i64.const 1)))
        (local.get $end))))
    (drop (i64.atomic.rmw.add (i32.const 8) (local.get $sum)))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))

  (func (export "_start") (local $k i32) (local $done i32)
    (loop $spawn_all
      (if (i32.lt_s (call $spawn (local.get $k)) (i32.const 0))
        (then (call $exit (i32.const 1))))
      (br_if $spawn_all (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1)))
        (global.get $threads))))
    ;; Sleep until every thread has reported.
    (block $all
      (loop $wait
        (local.set $done (i32.atomic.load (i32.const 0)))
        (br_if $all (i32.eq (local.get $done) (global.get $threads)))
        (drop (memory.atomic.wait32 (i32.const 0) (local.get $done) (i64.const -1)))
        (br $wait)))
    (call $print (i64.atomic.load (i32.const 8))))

  ;; Prints `n` in decimal and a newline.
  (func $print (param $n i64) (local $p i32)
    (local.set $p (i32.const 127))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (br_if $digits (i64.ne (local.tee $n (i64.div_u (local.get $n) (i64.const 10)))
        (i64.const 0))))
    (i32.store (i32.const 32) (local.get $p))
    (i32.store (i32.const 36) (i32.sub (i32.const 128) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40)))))
