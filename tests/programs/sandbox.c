// Tries to reach outside the preopened directory argv[1] in every way it
// can; each attempt must fail. The host test set up, next to the preopen:
//   outside.txt                      (must stay unreadable and unchanged)
// and inside it:
//   inside.txt                       "inside\n"
//   escape_abs -> /abs/host/path/outside.txt
//   escape_rel -> ../outside.txt
//   escape_dir -> ..
//   sub/                             (an empty directory)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *dir;

static const char *at(const char *name) {
    static char buf[2][256];
    static int next;
    char *p = buf[next++ % 2];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void attempt(const char *what, int result) {
    if (result < 0) {
        printf("%s: denied (%s)\n", what, strerror(errno));
    } else {
        printf("%s: ALLOWED\n", what);
    }
}

static void raw_open(const char *path, __wasi_lookupflags_t flags) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(3, flags, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    printf("path_open(3, \"%s\", follow=%d): errno %d\n", path, (int)flags, e);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: sandbox DIR\n");
        return 64;
    }
    dir = argv[1];
    struct stat st;
    char buf[64];

    // Inside is fine.
    int fd = open(at("inside.txt"), O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf);
    printf("inside.txt: \"%.*s\"\n", n < 0 ? 0 : (int)n, buf);
    close(fd);
    n = readlink(at("escape_rel"), buf, sizeof buf);
    printf("readlink escape_rel: \"%.*s\"\n", n < 0 ? 0 : (int)n, buf);

    attempt("open ../outside.txt", open(at("../outside.txt"), O_RDONLY));
    attempt("open sub/../../outside.txt", open(at("sub/../../outside.txt"), O_RDONLY));
    attempt("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    attempt("open escape_abs", open(at("escape_abs"), O_RDONLY));
    attempt("open escape_rel", open(at("escape_rel"), O_RDONLY));
    attempt("truncate through escape_abs", open(at("escape_abs"), O_WRONLY | O_TRUNC));
    attempt("open escape_dir/outside.txt", open(at("escape_dir/outside.txt"), O_RDONLY));
    attempt("create through escape_dir", open(at("escape_dir/new.txt"), O_CREAT | O_WRONLY, 0644));
    attempt("stat ../outside.txt", stat(at("../outside.txt"), &st));
    attempt("stat escape_rel", stat(at("escape_rel"), &st));
    attempt("opendir ..", opendir(at("..")) ? 0 : -1);
    attempt("opendir escape_dir", opendir(at("escape_dir")) ? 0 : -1);
    attempt("mkdir ../newdir", mkdir(at("../newdir"), 0755));
    attempt("rename to ../stolen.txt", rename(at("inside.txt"), at("../stolen.txt")));
    attempt("rename from ../outside.txt", rename(at("../outside.txt"), at("stolen.txt")));
    attempt("unlink ../outside.txt", unlink(at("../outside.txt")));
    attempt("link ../outside.txt", link(at("../outside.txt"), at("stolen.txt")));
    attempt("symlink to /etc/passwd", symlink("/etc/passwd", at("abs_link")));

    raw_open("..", 0);
    raw_open("../outside.txt", 0);
    raw_open("/etc/passwd", 0);
    raw_open("escape_abs", 1);
    raw_open("escape_abs", 0);
    raw_open("escape_dir/outside.txt", 1);
    raw_open("inside.txt/..", 1);
    return 0;
}
