;; Parallel fill-and-sum over a shared memory, as a wasi-threads program.
;; `run(n, reps)` splits 4M i32 elements into n slices; threads 1..n-1 are
;; started with thread-spawn and the calling thread does slice 0. Each
;; thread writes its slice with plain stores and sums it with plain loads,
;; `reps` times, then adds its sum to a shared total with an atomic
;; read-modify-write; the caller waits for all with memory.atomic.wait32.
;; The result does not depend on n.
(module
  (import "env" "memory" (memory 257 257 shared))
  (export "memory" (memory 0))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))

  ;; 0: threads done, 4: n, 8: reps, 16: total (i64); the array at 65536.
  (global $elems i32 (i32.const 4194304))

  (func $work (param $k i32)
    (local $n i32) (local $lo i32) (local $hi i32) (local $i i32)
    (local $rep i32) (local $reps i32) (local $sum i64)
    (local.set $n (i32.load (i32.const 4)))
    (local.set $reps (i32.load (i32.const 8)))
    ;; Slice bounds in elements: k * elems / n .. (k + 1) * elems / n.
    (local.set $lo (i32.wrap_i64 (i64.div_u
      (i64.mul (i64.extend_i32_u (local.get $k)) (i64.extend_i32_u (global.get $elems)))
      (i64.extend_i32_u (local.get $n)))))
    (local.set $hi (i32.wrap_i64 (i64.div_u
      (i64.mul (i64.extend_i32_u (i32.add (local.get $k) (i32.const 1)))
        (i64.extend_i32_u (global.get $elems)))
      (i64.extend_i32_u (local.get $n)))))
    (block $done
      (br_if $done (i32.ge_u (local.get $lo) (local.get $hi)))
      (loop $reps_loop
        ;; Fill: a[i] = i ^ rep.
        (local.set $i (local.get $lo))
        (loop $fill
          (i32.store offset=65536 (i32.shl (local.get $i) (i32.const 2))
            (i32.xor (local.get $i) (local.get $rep)))
          (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
            (local.get $hi))))
        ;; Sum.
        (local.set $i (local.get $lo))
        (loop $sum_loop
          (local.set $sum (i64.add (local.get $sum)
            (i64.load32_u offset=65536 (i32.shl (local.get $i) (i32.const 2)))))
          (br_if $sum_loop (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
            (local.get $hi))))
        (br_if $reps_loop (i32.lt_u (local.tee $rep (i32.add (local.get $rep) (i32.const 1)))
          (local.get $reps)))))
    (drop (i64.atomic.rmw.add (i32.const 16) (local.get $sum)))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))

  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (call $work (local.get $arg)))

  (func (export "run") (param $n i32) (param $reps i32) (result i64)
    (local $k i32) (local $done i32)
    (i32.store (i32.const 4) (local.get $n))
    (i32.store (i32.const 8) (local.get $reps))
    (local.set $k (i32.const 1))
    (block $spawned
      (loop $spawn_loop
        (br_if $spawned (i32.ge_u (local.get $k) (local.get $n)))
        (if (i32.lt_s (call $spawn (local.get $k)) (i32.const 0)) (then (unreachable)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $spawn_loop)))
    (call $work (i32.const 0))
    (block $all
      (loop $wait
        (local.set $done (i32.atomic.load (i32.const 0)))
        (br_if $all (i32.ge_u (local.get $done) (local.get $n)))
        (drop (memory.atomic.wait32 (i32.const 0) (local.get $done) (i64.const -1)))
        (br $wait)))
    (i64.atomic.load (i32.const 16))))
