// Waits in poll(2) for stdin with no timeout, then says how long it
// waited (at least 300 ms or not: the test feeds stdin after 400 ms) and
// copies stdin to stdout.
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void) {
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    long long start = now_ms();
    int ready = poll(&pfd, 1, -1);
    long long waited = now_ms() - start;
    printf("poll: %d %s, waited %s 300 ms\n", ready, (pfd.revents & POLLIN) ? "POLLIN" : "-",
           waited >= 300 ? ">=" : "<");
    fflush(stdout);
    char buf[256];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
    }
    return n < 0;
}
