// Calls WASI preview1 functions directly (wasi/api.h) to check what libc
// does not reach: descriptor numbering and rights, preopen names, readdir
// cookies, poll_oneoff with descriptor subscriptions, sockets, proc_raise,
// and errnos of misuse. Expects the preopen "/dir" (fd 3) to be an empty
// directory. Prints "name: errno N ..." lines.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
__wasi_errno_t raw_proc_raise(uint32_t sig);

static __wasi_fd_t open_file(const char *path, __wasi_oflags_t oflags) {
    __wasi_fd_t fd = 0;
    __wasi_errno_t e = __wasi_path_open(
        3, 0, path, oflags,
        __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
            __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET,
        0, 0, &fd);
    printf("path_open %s: errno %d fd %u\n", path, e, fd);
    return fd;
}

static void put(__wasi_fd_t fd, const char *text) {
    __wasi_ciovec_t iov = {.buf = (const uint8_t *)text, .buf_len = strlen(text)};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
    printf("fd_write %u: errno %d wrote %lu\n", fd, e, (unsigned long)n);
}

int main(void) {
    // Preopens.
    __wasi_prestat_t pre;
    __wasi_errno_t e = __wasi_fd_prestat_get(3, &pre);
    char name[16] = {0};
    printf("fd_prestat_get 3: errno %d tag %d len %lu\n", e, pre.tag,
           (unsigned long)pre.u.dir.pr_name_len);
    e = __wasi_fd_prestat_dir_name(3, (uint8_t *)name, pre.u.dir.pr_name_len);
    printf("fd_prestat_dir_name 3: errno %d \"%s\"\n", e, name);
    printf("fd_prestat_dir_name short buffer: errno %d\n",
           __wasi_fd_prestat_dir_name(3, (uint8_t *)name, 1));
    printf("fd_prestat_get 0: errno %d\n", __wasi_fd_prestat_get(0, &pre));
    printf("fd_prestat_get 99: errno %d\n", __wasi_fd_prestat_get(99, &pre));

    // Descriptor numbering: lowest free number, renumber, close.
    __wasi_fd_t a = open_file("a.txt", __WASI_OFLAGS_CREAT);
    __wasi_fd_t b = open_file("b.txt", __WASI_OFLAGS_CREAT);
    put(a, "to a\n");
    put(b, "to b\n");
    printf("fd_renumber b->a: errno %d\n", __wasi_fd_renumber(b, a));
    put(a, "to b again\n");
    put(b, "nothing\n");
    printf("fd_renumber to closed: errno %d\n", __wasi_fd_renumber(a, 42));
    printf("fd_close a: errno %d\n", __wasi_fd_close(a));
    printf("fd_close a again: errno %d\n", __wasi_fd_close(a));
    __wasi_fd_t c = open_file("a.txt", 0);

    // Seek and tell, pread at an offset.
    __wasi_filesize_t pos = 0;
    printf("fd_seek END: errno %d pos %llu\n", __wasi_fd_seek(c, 0, __WASI_WHENCE_END, &pos),
           (unsigned long long)pos);
    printf("fd_seek bad whence: errno %d\n", __wasi_fd_seek(c, 0, 7, &pos));
    printf("fd_seek on stdout: errno %d\n", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos));
    printf("fd_tell: errno %d pos %llu\n", __wasi_fd_tell(c, &pos), (unsigned long long)pos);

    // Rights: they can shrink, not grow; a descriptor without fd_write
    // cannot be written.
    __wasi_fdstat_t st;
    e = __wasi_fd_fdstat_get(c, &st);
    printf("fd_fdstat_get: errno %d type %d flags %d write %d\n", e, st.fs_filetype,
           st.fs_flags, (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
    printf("fd_fdstat_set_rights shrink: errno %d\n",
           __wasi_fd_fdstat_set_rights(c, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0));
    printf("fd_fdstat_set_rights grow: errno %d\n",
           __wasi_fd_fdstat_set_rights(c, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0));
    put(c, "denied\n");
    printf("fd_fdstat_set_flags bad bits: errno %d\n", __wasi_fd_fdstat_set_flags(c, 0x100));
    e = __wasi_fd_fdstat_get(3, &st);
    printf("fd_fdstat_get 3: errno %d type %d\n", e, st.fs_filetype);

    // Directory descriptors reject data operations and vice versa.
    uint8_t byte;
    __wasi_iovec_t iov = {.buf = &byte, .buf_len = 1};
    __wasi_size_t n;
    printf("fd_read on dir: errno %d\n", __wasi_fd_read(3, &iov, 1, &n));
    uint8_t dirbuf[256];
    printf("fd_readdir on file: errno %d\n", __wasi_fd_readdir(c, dirbuf, sizeof dirbuf, 0, &n));
    printf("path_open on file: errno %d\n",
           __wasi_path_open(c, 0, "x", 0, 0, 0, 0, &b));
    printf("fd_filestat_set_size on dir: errno %d\n", __wasi_fd_filestat_set_size(3, 0));
    printf("fd_allocate on stdout: errno %d\n", __wasi_fd_allocate(1, 0, 1));
    printf("fd_advise bad advice: errno %d\n", __wasi_fd_advise(c, 0, 0, 9));
    printf("fd_sync on stdin: errno %d\n", __wasi_fd_sync(0));

    // readdir, one entry at a time through cookies.
    __wasi_dircookie_t cookie = 0;
    for (;;) {
        e = __wasi_fd_readdir(3, dirbuf, sizeof dirbuf, cookie, &n);
        if (e != 0 || n < sizeof(__wasi_dirent_t)) {
            printf("readdir end: errno %d used %lu\n", e, (unsigned long)n);
            break;
        }
        __wasi_dirent_t d;
        memcpy(&d, dirbuf, sizeof d);
        printf("readdir cookie %llu: next %llu type %d \"%.*s\"\n", (unsigned long long)cookie,
               (unsigned long long)d.d_next, d.d_type, (int)d.d_namlen,
               (const char *)dirbuf + sizeof d);
        cookie = d.d_next;
    }
    e = __wasi_fd_readdir(3, dirbuf, 10, 0, &n);
    printf("readdir small buffer: errno %d used %lu\n", e, (unsigned long)n);

    // poll_oneoff: a ready file and stdout return at once, with a clock
    // that has not expired; a bad descriptor is reported in its event.
    __wasi_subscription_t subs[4];
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 10;
    subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[0].u.u.fd_read.file_descriptor = c;
    subs[1].userdata = 11;
    subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    subs[1].u.u.fd_write.file_descriptor = 1;
    subs[2].userdata = 12;
    subs[2].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[2].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[2].u.u.clock.timeout = 60ull * 1000000000;
    subs[3].userdata = 13;
    subs[3].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[3].u.u.fd_read.file_descriptor = 77;
    __wasi_event_t events[4];
    e = __wasi_poll_oneoff(subs, events, 4, &n);
    printf("poll_oneoff: errno %d events %lu\n", e, (unsigned long)n);
    for (__wasi_size_t i = 0; i < n && i < 4; i++) {
        printf("  event userdata %llu type %d errno %d nbytes %llu\n",
               (unsigned long long)events[i].userdata, events[i].type, events[i].error,
               (unsigned long long)events[i].fd_readwrite.nbytes);
    }
    printf("poll_oneoff no subscriptions: errno %d\n", __wasi_poll_oneoff(subs, events, 0, &n));

    // Sockets, signals.
    __wasi_size_t len;
    __wasi_roflags_t ro;
    printf("sock_recv: errno %d\n", __wasi_sock_recv(c, &iov, 1, 0, &len, &ro));
    printf("sock_send: errno %d\n", __wasi_sock_send(c, (const __wasi_ciovec_t *)&iov, 1, 0, &len));
    printf("sock_shutdown: errno %d\n", __wasi_sock_shutdown(c, __WASI_SDFLAGS_WR));
    printf("sock_accept: errno %d\n", __wasi_sock_accept(c, 0, &b));
    printf("sock_shutdown bad fd: errno %d\n", __wasi_sock_shutdown(55, __WASI_SDFLAGS_WR));
    printf("proc_raise: errno %d\n", raw_proc_raise(6));

    // Filestat by path, with and without following, and set_times errors.
    printf("path_symlink: errno %d\n", __wasi_path_symlink("a.txt", 3, "l.txt"));
    __wasi_filestat_t fs;
    e = __wasi_path_filestat_get(3, 0, "l.txt", &fs);
    printf("path_filestat_get nofollow: errno %d type %d\n", e, fs.filetype);
    e = __wasi_path_filestat_get(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "l.txt", &fs);
    printf("path_filestat_get follow: errno %d type %d size %llu\n", e, fs.filetype,
           (unsigned long long)fs.size);
    printf("path_filestat_set_times nofollow: errno %d\n",
           __wasi_path_filestat_set_times(3, 0, "l.txt", 0, 2000000000000000000ull,
                                          __WASI_FSTFLAGS_MTIM));
    e = __wasi_path_filestat_get(3, 0, "l.txt", &fs);
    printf("link mtime: %llu\n", (unsigned long long)fs.mtim);
    printf("set_times ATIM with ATIM_NOW: errno %d\n",
           __wasi_path_filestat_set_times(3, 0, "a.txt", 0, 0,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    printf("fd_filestat_set_times now: errno %d\n",
           __wasi_fd_filestat_set_times(c, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    printf("path_open nofollow on symlink: errno %d\n",
           __wasi_path_open(3, 0, "l.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &b));
    printf("path_link follow: errno %d\n",
           __wasi_path_link(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "l.txt", 3, "m.txt"));
    printf("path_remove_directory on file: errno %d\n", __wasi_path_remove_directory(3, "a.txt"));
    printf("path_unlink_file l.txt: errno %d\n", __wasi_path_unlink_file(3, "l.txt"));
    printf("path_create_directory d: errno %d\n", __wasi_path_create_directory(3, "d"));
    printf("path_rename d -> e: errno %d\n", __wasi_path_rename(3, "d", 3, "e"));
    printf("path_remove_directory e: errno %d\n", __wasi_path_remove_directory(3, "e"));
    printf("fd_close c: errno %d\n", __wasi_fd_close(c));
    return 0;
}
