// Descriptor functions as the WASI testsuite checks them, through raw
// wasi/api.h calls: allocate/truncate/seek/tell, filestat times and
// fstflags validation, readdir cookies over a large directory, renumber
// and close of preopens, isatty, writes seen at once, poll_oneoff on
// clocks and descriptors, and socket calls on files. Expects the preopen
// "/dir" (fd 3) to be an empty directory. Prints "case: errno N ..." lines.
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define DIR 3

static void show(const char *what, __wasi_errno_t e) { printf("%s: errno %d\n", what, e); }

static __wasi_fd_t open_file(const char *path, __wasi_oflags_t of, __wasi_rights_t base) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    __wasi_errno_t e = __wasi_path_open(DIR, 0, path, of, base, 0, 0, &fd);
    printf("open %s: errno %d\n", path, e);
    return fd;
}

static __wasi_filestat_t stat_fd(__wasi_fd_t fd) {
    __wasi_filestat_t st;
    memset(&st, 0, sizeof st);
    if (__wasi_fd_filestat_get(fd, &st) != 0) {
        printf("fd_filestat_get failed\n");
    }
    return st;
}

static void seek(__wasi_fd_t fd, const char *what, __wasi_filedelta_t off, __wasi_whence_t w) {
    __wasi_filesize_t pos = 12345;
    __wasi_errno_t e = __wasi_fd_seek(fd, off, w, &pos);
    printf("%s: errno %d pos %llu\n", what, e, e ? 0ULL : (unsigned long long)pos);
}

static void file_sizes(void) {
    const __wasi_rights_t all = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |
                                __WASI_RIGHTS_FD_FILESTAT_GET |
                                __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
                                __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_ALLOCATE;
    __wasi_fd_t f = open_file("sizes", __WASI_OFLAGS_CREAT, all);
    show("fd_allocate 0+100", __wasi_fd_allocate(f, 0, 100));
    printf("  size %llu\n", (unsigned long long)stat_fd(f).size);
    show("fd_filestat_set_size 50", __wasi_fd_filestat_set_size(f, 50));
    printf("  size %llu\n", (unsigned long long)stat_fd(f).size);
    show("fd_filestat_set_size 0", __wasi_fd_filestat_set_size(f, 0));
    seek(f, "seek set 10", 10, __WASI_WHENCE_SET);
    __wasi_filesize_t pos = 0;
    __wasi_errno_t e = __wasi_fd_tell(f, &pos);
    printf("tell: errno %d pos %llu\n", e, (unsigned long long)pos);
    seek(f, "seek cur -4", -4, __WASI_WHENCE_CUR);
    seek(f, "seek cur -100", -100, __WASI_WHENCE_CUR);
    seek(f, "seek end 0", 0, __WASI_WHENCE_END);
    __wasi_ciovec_t iov = {.buf = (const uint8_t *)"xy", .buf_len = 2};
    __wasi_size_t n = 0;
    seek(f, "seek set 20", 20, __WASI_WHENCE_SET);
    e = __wasi_fd_write(f, &iov, 1, &n);
    printf("write past the end: errno %d n %u size %llu\n", e, (unsigned)n,
           (unsigned long long)stat_fd(f).size);
    e = __wasi_fd_pwrite(f, &iov, 1, 30, &n);
    printf("pwrite at 30: errno %d n %u size %llu\n", e, (unsigned)n,
           (unsigned long long)stat_fd(f).size);
    e = __wasi_fd_tell(f, &pos);
    printf("tell after pwrite: errno %d pos %llu\n", e, (unsigned long long)pos);
    uint8_t b[4] = {9, 9, 9, 9};
    __wasi_iovec_t riov = {.buf = b, .buf_len = 4};
    e = __wasi_fd_pread(f, &riov, 1, 19, &n);
    printf("pread at 19: errno %d n %u %d %d %d\n", e, (unsigned)n, b[0], b[1], b[2]);
    e = __wasi_fd_pread(f, &riov, 1, 1000, &n);
    printf("pread past the end: errno %d n %u\n", e, (unsigned)n);

    // Times: fstflags are validated, values are set.
    show("set_times ATIM|ATIM_NOW",
         __wasi_fd_filestat_set_times(f, 1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    show("set_times MTIM|MTIM_NOW",
         __wasi_fd_filestat_set_times(f, 0, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    const __wasi_timestamp_t t = 1234567890123456789ULL;
    show("set_times ATIM=t MTIM=t+1",
         __wasi_fd_filestat_set_times(f, t, t + 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_filestat_t st = stat_fd(f);
    printf("  atim %s mtim %s\n", st.atim == t ? "t" : "?", st.mtim == t + 1 ? "t+1" : "?");
    show("set_times MTIM_NOW only", __wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    st = stat_fd(f);
    printf("  atim %s mtim %s\n", st.atim == t ? "t" : "?", st.mtim > t + 1 ? "now" : "?");
    show("path set_times ATIM|ATIM_NOW",
         __wasi_path_filestat_set_times(DIR, 0, "sizes", 0, 0,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    show("path set_times MTIM=t", __wasi_path_filestat_set_times(DIR, 0, "sizes", 0, t,
                                                                 __WASI_FSTFLAGS_MTIM));
    st = stat_fd(f);
    printf("  mtim %s nlink %llu filetype %d\n", st.mtim == t ? "t" : "?",
           (unsigned long long)st.nlink, st.filetype);

    // What a read-only descriptor refuses.
    __wasi_fd_t ro = open_file("sizes", 0, __WASI_RIGHTS_FD_READ);
    show("write on read-only", __wasi_fd_write(ro, &iov, 1, &n));
    show("set_size on read-only", __wasi_fd_filestat_set_size(ro, 1));
    show("allocate on read-only", __wasi_fd_allocate(ro, 0, 1));
    show("sock_shutdown on a file", __wasi_sock_shutdown(ro, __WASI_SDFLAGS_WR));
    __wasi_fd_t acc = 0;
    show("sock_accept on a file", __wasi_sock_accept(ro, 0, &acc));
    show("sock_shutdown on a directory", __wasi_sock_shutdown(DIR, __WASI_SDFLAGS_WR));
    show("sock_shutdown on a closed fd", __wasi_sock_shutdown(99, __WASI_SDFLAGS_WR));

    // A write is seen at once through another descriptor.
    e = __wasi_fd_write(f, &iov, 1, &n);
    b[0] = b[1] = 0;
    e = __wasi_fd_pread(ro, &riov, 1, 22, &n);
    printf("read back through another fd: errno %d n %u %c%c\n", e, (unsigned)n, b[0], b[1]);
    (void)!__wasi_fd_close(ro);
    (void)!__wasi_fd_close(f);
    show("unlink sizes", __wasi_path_unlink_file(DIR, "sizes"));
}

static void readdir_cookies(void) {
    __wasi_errno_t e = __wasi_path_create_directory(DIR, "many");
    __wasi_fd_t d = (__wasi_fd_t)-1;
    e = e ? e : __wasi_path_open(DIR, 0, "many", __WASI_OFLAGS_DIRECTORY,
                                 __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN |
                                     __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_UNLINK_FILE,
                                 __WASI_RIGHTS_FD_WRITE, 0, &d);
    printf("many: errno %d\n", e);
    enum { N = 300 };
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "entry-with-a-long-name-%03d", i);
        __wasi_fd_t f;
        if (__wasi_path_open(d, 0, name, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &f) ==
            0) {
            (void)!__wasi_fd_close(f);
        }
    }
    // Read with a small buffer, resuming from the last whole entry's cookie.
    static unsigned char seen[N];
    int dots = 0, entries = 0, calls = 0, dup = 0;
    __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
    for (;;) {
        uint8_t buf[256];
        __wasi_size_t used = 0;
        e = __wasi_fd_readdir(d, buf, sizeof buf, cookie, &used);
        calls++;
        if (e) {
            printf("readdir: errno %d\n", e);
            break;
        }
        size_t at = 0;
        while (at + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t ent;
            memcpy(&ent, buf + at, sizeof ent);
            if (at + sizeof ent + ent.d_namlen > used) {
                break; // cut off: read it again from `cookie`
            }
            const char *name = (const char *)buf + at + sizeof ent;
            int k;
            if ((ent.d_namlen == 1 && name[0] == '.') ||
                (ent.d_namlen == 2 && name[0] == '.' && name[1] == '.')) {
                dots++;
            } else if (ent.d_namlen == 26 && sscanf(name + 23, "%3d", &k) == 1 && k >= 0 &&
                       k < N) {
                dup += seen[k]++;
                entries++;
            }
            cookie = ent.d_next;
            at += sizeof ent + ent.d_namlen;
        }
        if (used < sizeof buf) {
            break;
        }
    }
    printf("readdir: %d entries, %d dots, %d duplicates, several calls %s\n", entries, dots, dup,
           calls > 10 ? "yes" : "no");
    uint8_t buf[256];
    __wasi_size_t used = 1;
    e = __wasi_fd_readdir(d, buf, sizeof buf, cookie, &used);
    printf("readdir from the last cookie: errno %d used %u\n", e, (unsigned)used);
    e = __wasi_fd_readdir(d, buf, 0, 0, &used);
    printf("readdir into 0 bytes: errno %d used %u\n", e, (unsigned)used);
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "entry-with-a-long-name-%03d", i);
        (void)!__wasi_path_unlink_file(d, name);
    }
    show("readdir on a file descriptor", __wasi_fd_readdir(1, buf, sizeof buf, 0, &used));
    (void)!__wasi_fd_close(d);
    show("rmdir many", __wasi_path_remove_directory(DIR, "many"));
}

static void poll_cases(void) {
    __wasi_subscription_t subs[3];
    __wasi_event_t ev[3];
    __wasi_size_t n = 0;
    memset(subs, 0, sizeof subs);
    // Two relative clocks: only the earlier fires.
    subs[0].userdata = 1;
    subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[0].u.u.clock.timeout = 10 * 1000000ULL;
    subs[1] = subs[0];
    subs[1].userdata = 2;
    subs[1].u.u.clock.timeout = 5000 * 1000000ULL;
    __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, 2, &n);
    printf("poll two clocks: errno %d n %u userdata %llu error %d type %d\n", e, (unsigned)n,
           (unsigned long long)ev[0].userdata, ev[0].error, ev[0].type);
    // An absolute time in the past fires at once.
    __wasi_timestamp_t now = 0;
    (void)!__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &now);
    subs[0].u.u.clock.timeout = now / 2;
    subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    e = __wasi_poll_oneoff(subs, ev, 1, &n);
    printf("poll abstime in the past: errno %d n %u error %d\n", e, (unsigned)n, ev[0].error);
    // A bad clock id is reported in the event.
    subs[0].u.u.clock.id = 77;
    e = __wasi_poll_oneoff(subs, ev, 1, &n);
    printf("poll bad clock: errno %d n %u error %d\n", e, (unsigned)n, ev[0].error);
    // Descriptors: a file is ready at once (nbytes left to read), a closed
    // descriptor is EBADF in its event, with a long clock beside them.
    __wasi_fd_t f = open_file("pollme", __WASI_OFLAGS_CREAT,
                              __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
                                  __WASI_RIGHTS_POLL_FD_READWRITE);
    __wasi_ciovec_t iov = {.buf = (const uint8_t *)"12345", .buf_len = 5};
    (void)!__wasi_fd_pwrite(f, &iov, 1, 0, &n);
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 10;
    subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[0].u.u.fd_read.file_descriptor = f;
    subs[1].userdata = 11;
    subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    subs[1].u.u.fd_write.file_descriptor = 99;
    subs[2].userdata = 12;
    subs[2].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[2].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[2].u.u.clock.timeout = 5000 * 1000000ULL;
    e = __wasi_poll_oneoff(subs, ev, 3, &n);
    printf("poll file + closed fd + clock: errno %d n %u\n", e, (unsigned)n);
    for (__wasi_size_t i = 0; i < n; i++) {
        printf("  userdata %llu error %d type %d nbytes %llu\n", (unsigned long long)ev[i].userdata,
               ev[i].error, ev[i].type, (unsigned long long)ev[i].fd_readwrite.nbytes);
    }
    e = __wasi_poll_oneoff(subs, ev, 0, &n);
    printf("poll nothing: errno %d\n", e);
    (void)!__wasi_fd_close(f);
    (void)!__wasi_path_unlink_file(DIR, "pollme");
}

static void preopens(void) {
    __wasi_prestat_t ps;
    show("prestat 3", __wasi_fd_prestat_get(DIR, &ps));
    show("prestat 0 (stdin)", __wasi_fd_prestat_get(0, &ps));
    show("prestat 9 (closed)", __wasi_fd_prestat_get(9, &ps));
    char name[8];
    show("prestat_dir_name into 2 bytes", __wasi_fd_prestat_dir_name(DIR, (uint8_t *)name, 2));
    show("renumber 3 -> 3", __wasi_fd_renumber(DIR, DIR));
    show("renumber 3 -> 9 (closed)", __wasi_fd_renumber(DIR, 9));
    show("renumber 9 -> 3 (closed)", __wasi_fd_renumber(9, DIR));
    // Renumbering onto an open descriptor replaces it.
    __wasi_fd_t f = open_file("r", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE);
    __wasi_fd_t g = open_file("r", 0, __WASI_RIGHTS_FD_WRITE);
    printf("fds %u %u\n", f, g);
    show("renumber f -> g", __wasi_fd_renumber(f, g));
    show("close f (renumbered away)", __wasi_fd_close(f));
    show("close g", __wasi_fd_close(g));
    (void)!__wasi_path_unlink_file(DIR, "r");
    show("close preopen", __wasi_fd_close(DIR));
    show("prestat after close", __wasi_fd_prestat_get(DIR, &ps));
    show("close it again", __wasi_fd_close(DIR));
}

int main(void) {
    file_sizes();
    readdir_cookies();
    poll_cases();
    printf("isatty: stdin %d stdout %d\n", isatty(0), isatty(1));
    __wasi_fdstat_t st;
    __wasi_errno_t e = __wasi_fd_fdstat_get(DIR, &st);
    printf("fdstat dir: errno %d filetype %d\n", e, st.fs_filetype);
    preopens();
    return 0;
}
