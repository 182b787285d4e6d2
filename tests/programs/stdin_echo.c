// Copies stdin to stdout with read(2)/write(2), then reports on stderr how
// many bytes and lines it saw. Polls stdin first (an fd_read subscription).
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    int ready = poll(&pfd, 1, 1000);
    fprintf(stderr, "poll: %d %s\n", ready, (pfd.revents & POLLIN) ? "POLLIN" : "-");

    char buf[7]; // small, so that several reads are needed
    long bytes = 0, lines = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0) {
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            lines += buf[i] == '\n';
        }
        bytes += n;
        if (write(1, buf, (size_t)n) != n) {
            perror("write");
            return 1;
        }
    }
    fprintf(stderr, "read %ld bytes, %ld lines\n", bytes, lines);
    return 0;
}
