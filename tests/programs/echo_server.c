// An echo server for `weft run --tcplisten ADDR`: the listener is fd 3.
// It serves connections concurrently with poll(2), echoes every byte back,
// and after N connections (argv[1], default 100) have closed it prints
// what it served and exits.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTENER 3
#define MAX_CONNS 32

static int send_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, buf, len, 0);
        if (n < 0) {
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(int argc, char **argv) {
    long want = argc > 1 ? atol(argv[1]) : 100;
    struct pollfd fds[1 + MAX_CONNS];
    int nconns = 0;
    long served = 0, open = 0;
    long long bytes = 0;
    static char buf[16384];

    while (served < want) {
        fds[0] = (struct pollfd){.fd = LISTENER, .events = POLLIN};
        // Stop accepting while the table is full or enough have arrived.
        int accepting = nconns < MAX_CONNS && served + open < want;
        int first = accepting ? 0 : 1;
        if (poll(fds + first, (nfds_t)(1 + nconns - first), -1) < 0) {
            perror("poll");
            return 1;
        }
        for (int i = nconns; i >= 1; i--) {
            if (!fds[i].revents) {
                continue;
            }
            ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
            if (n > 0 && send_all(fds[i].fd, buf, (size_t)n) == 0) {
                bytes += n;
                continue;
            }
            if (n < 0) {
                perror("recv");
            }
            close(fds[i].fd);
            fds[i] = fds[nconns--];
            open--;
            served++;
        }
        if (accepting && (fds[0].revents & POLLIN)) {
            int c = accept(LISTENER, NULL, NULL);
            if (c < 0) {
                perror("accept");
                return 1;
            }
            nconns++;
            open++;
            fds[nconns] = (struct pollfd){.fd = c, .events = POLLIN};
        }
    }
    printf("served %ld connections, echoed %lld bytes\n", served, bytes);
    return 0;
}
