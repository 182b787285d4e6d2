// Sanity checks of clocks, sleeping, randomness and sched_yield. Prints one
// line per check, "ok" or what went wrong, so the output is deterministic.
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static int64_t ns(struct timespec t) {
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void check(const char *what, int ok) {
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
}

int main(void) {
    struct timespec real, m1, m2, res;
    check("realtime after 2020", clock_gettime(CLOCK_REALTIME, &real) == 0 &&
                                     real.tv_sec > 1577836800);
    check("time()", time(NULL) >= real.tv_sec);
    check("realtime resolution", clock_getres(CLOCK_REALTIME, &res) == 0 && ns(res) > 0);
    check("monotonic resolution", clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(res) > 0);

    clock_gettime(CLOCK_MONOTONIC, &m1);
    struct timespec nap = {.tv_sec = 0, .tv_nsec = 20 * 1000000};
    int slept = nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &m2);
    check("nanosleep 20ms", slept == 0 && ns(m2) - ns(m1) >= 20000000);

    clock_gettime(CLOCK_MONOTONIC, &m1);
    struct timespec until = m1;
    until.tv_nsec += 15 * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec += 1;
        until.tv_nsec -= 1000000000;
    }
    int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    clock_gettime(CLOCK_MONOTONIC, &m2);
    check("clock_nanosleep absolute", r == 0 && ns(m2) >= ns(until));

    clock_gettime(CLOCK_MONOTONIC, &m1);
    int polled = poll(NULL, 0, 10);
    clock_gettime(CLOCK_MONOTONIC, &m2);
    check("poll timeout 10ms", polled == 0 && ns(m2) - ns(m1) >= 10000000);

    struct timespec cpu;
    check("process cputime", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 && ns(cpu) > 0);

    __wasi_timestamp_t t;
    printf("clock_time_get(99): errno %d\n", __wasi_clock_time_get(99, 1, &t));
    printf("clock_res_get(99): errno %d\n", __wasi_clock_res_get(99, &t));

    unsigned char a[32], b[32], zero[32] = {0};
    int e1 = getentropy(a, sizeof a), e2 = getentropy(b, sizeof b);
    check("getentropy", e1 == 0 && e2 == 0);
    check("random bytes differ", memcmp(a, b, sizeof a) != 0 && memcmp(a, zero, sizeof a) != 0);
    check("random_get of 0 bytes", __wasi_random_get(a, 0) == 0);
    check("sched_yield", sched_yield() == 0);
    return 0;
}
