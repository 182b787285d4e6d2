/* A wasi-threads program without a C library (Debian's wasi-libc has no
 * threads build): it declares `thread-spawn` itself, gives each thread a
 * stack of its own (start.s sets it), and joins the threads with
 * memory.atomic.wait32/notify.  Four threads each sum a quarter of
 * 0..N-1 weighted by a small hash; the main thread prints the total.  With
 * -DTRAP_IN_CHILD, thread 2 executes `unreachable` instead, which must end
 * the whole program with the trap's status while the main thread waits. */
#include <stdint.h>

#define THREADS 4
#define N 4000000u

__attribute__((import_module("wasi"), import_name("thread-spawn")))
int32_t thread_spawn(void *arg);

struct ciovec { const void *buf; uint32_t len; };
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int32_t fd_write(int32_t fd, const struct ciovec *iovs, int32_t n, uint32_t *written);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_exit")))
_Noreturn void proc_exit(int32_t code);

/* The first field is the thread's initial stack pointer: start.s reads it. */
struct task {
    void *stack_top;
    uint32_t index;
    uint64_t sum;
};

static _Alignas(16) unsigned char stacks[THREADS][16384];
static struct task tasks[THREADS];
static int32_t finished;

static uint32_t mix(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    return x & 0xff;
}

/* Called by start.s on the new thread's own stack. */
void thread_main(int32_t tid, struct task *t) {
    (void)tid;
#ifdef TRAP_IN_CHILD
    if (t->index == 2) __builtin_trap();
#endif
    uint32_t lo = t->index * (N / THREADS), hi = lo + N / THREADS;
    uint64_t sum = 0;
    for (uint32_t i = lo; i < hi; i++) sum += (uint64_t)i * mix(i);
    t->sum = sum;
    __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify(&finished, 1);
}

static void print(const char *s, uint32_t len) {
    struct ciovec iov = {s, len};
    uint32_t written;
    fd_write(1, &iov, 1, &written);
}

static void print_u64(uint64_t v) {
    char buf[24];
    int p = sizeof buf;
    buf[--p] = '\n';
    do {
        buf[--p] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    print(buf + p, sizeof buf - p);
}

void _start(void) {
    for (uint32_t k = 0; k < THREADS; k++) {
        tasks[k].stack_top = stacks[k] + sizeof stacks[k];
        tasks[k].index = k;
        if (thread_spawn(&tasks[k]) < 0) {
            print("thread-spawn failed\n", 20);
            proc_exit(1);
        }
    }
    int32_t d;
    while ((d = __atomic_load_n(&finished, __ATOMIC_SEQ_CST)) < THREADS)
        __builtin_wasm_memory_atomic_wait32(&finished, d, -1);
    uint64_t total = 0;
    for (uint32_t k = 0; k < THREADS; k++) total += tasks[k].sum;
    print("threads: 4, total: ", 19);
    print_u64(total);
}
