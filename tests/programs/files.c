// File operations inside the preopened directory given as argv[1]:
// create/write/read/seek/pread/pwrite/truncate/append/stat, directories,
// readdir, rename, unlink, symlinks, hard links and timestamps.
// Prints one line per step; leaves a known set of files behind.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *dir;

static const char *at(const char *name) {
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void report(const char *what, int result) {
    if (result < 0) {
        printf("%s: error %s\n", what, strerror(errno));
    } else {
        printf("%s: %d\n", what, result);
    }
}

static void show(const char *what, const char *data, ssize_t n) {
    printf("%s: \"%.*s\"\n", what, n < 0 ? 0 : (int)n, data);
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *name) {
    DIR *d = opendir(at(name));
    if (!d) {
        printf("opendir: error %s\n", strerror(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        const char *type = e->d_type == DT_DIR ? "dir" : e->d_type == DT_REG ? "file"
                         : e->d_type == DT_LNK ? "link" : "other";
        char *line = malloc(300);
        snprintf(line, 300, "%s (%s)", e->d_name, type);
        names[n++] = line;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("listing of /%s:", name);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: files DIR\n");
        return 64;
    }
    dir = argv[1];
    char buf[64];
    struct stat st;

    // Create and write.
    int fd = open(at("data.txt"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    report("create data.txt", fd < 0 ? -1 : 0);
    report("write", (int)write(fd, "hello world\n", 12));
    report("read from write-only fd", (int)read(fd, buf, 4));
    report("close", close(fd));

    // Read, seek, write in the middle.
    fd = open(at("data.txt"), O_RDWR);
    report("lseek SET 6", (int)lseek(fd, 6, SEEK_SET));
    ssize_t n = read(fd, buf, 5);
    show("read 5", buf, n);
    report("lseek END 0", (int)lseek(fd, 0, SEEK_END));
    report("write more", (int)write(fd, "more\n", 5));
    __wasi_filesize_t pos = 0;
    printf("fd_tell: errno %d pos %llu\n", __wasi_fd_tell(fd, &pos), (unsigned long long)pos);
    report("lseek CUR -5", (int)lseek(fd, -5, SEEK_CUR));
    report("lseek to negative", (int)lseek(fd, -100, SEEK_CUR));
    n = pread(fd, buf, 5, 0);
    show("pread 5 at 0", buf, n);
    report("pwrite HELLO at 0", (int)pwrite(fd, "HELLO", 5, 0));
    report("position after pread/pwrite", (int)lseek(fd, 0, SEEK_CUR));
    report("fstat", fstat(fd, &st));
    printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    report("ftruncate 11", ftruncate(fd, 11));
    report("posix_fadvise", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
    report("posix_fallocate 100", posix_fallocate(fd, 0, 100));
    fstat(fd, &st);
    printf("size after fallocate %lld\n", (long long)st.st_size);
    report("ftruncate 11 again", ftruncate(fd, 11));
    report("fsync", fsync(fd));
    report("fdatasync", fdatasync(fd));
    report("close", close(fd));

    // Append mode, at open and through fcntl.
    fd = open(at("data.txt"), O_WRONLY | O_APPEND);
    report("write appended", (int)write(fd, "+app\n", 5));
    report("close", close(fd));
    fd = open(at("data.txt"), O_WRONLY);
    report("F_GETFL has O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    report("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
    report("F_GETFL has O_APPEND", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
    report("write appended", (int)write(fd, "!\n", 2));
    report("close", close(fd));
    fd = open(at("data.txt"), O_RDONLY);
    n = read(fd, buf, sizeof buf);
    show("data.txt", buf, n);
    close(fd);

    // Directories, rename, unlink.
    report("mkdir subdir", mkdir(at("subdir"), 0755));
    report("mkdir subdir again", mkdir(at("subdir"), 0755));
    fd = open(at("subdir/inner.txt"), O_CREAT | O_WRONLY | O_EXCL, 0644);
    report("write subdir/inner.txt", (int)write(fd, "inner\n", 6));
    close(fd);
    report("O_EXCL on existing", open(at("subdir/inner.txt"), O_CREAT | O_WRONLY | O_EXCL, 0644));
    report("open missing", open(at("missing.txt"), O_RDONLY));
    report("open dir for writing", open(at("subdir"), O_WRONLY));
    report("open file as dir", open(at("data.txt"), O_RDONLY | O_DIRECTORY));
    fd = open(at("ro.txt"), O_CREAT | O_RDONLY, 0644);
    report("create read-only", fd < 0 ? -1 : 0);
    report("write to read-only", (int)write(fd, "x", 1));
    close(fd);
    report("unlink ro.txt", unlink(at("ro.txt")));
    report("rmdir non-empty", rmdir(at("subdir")));
    list("subdir");
    report("rename inner.txt", rename(at("subdir/inner.txt"), at("moved.txt")));
    fd = open(at("temp.txt"), O_CREAT | O_WRONLY, 0644);
    close(fd);
    report("mkdir emptydir", mkdir(at("emptydir"), 0755));
    list("");
    report("unlink temp.txt", unlink(at("temp.txt")));
    report("unlink temp.txt again", unlink(at("temp.txt")));
    report("rmdir emptydir", rmdir(at("emptydir")));
    report("unlink a directory", unlink(at("subdir")));

    // Symbolic and hard links.
    report("symlink", symlink("data.txt", at("link.txt")));
    n = readlink(at("link.txt"), buf, sizeof buf);
    show("readlink", buf, n);
    n = readlink(at("link.txt"), buf, 4);
    show("readlink cut at 4", buf, n);
    report("lstat", lstat(at("link.txt"), &st));
    printf("is link %d\n", S_ISLNK(st.st_mode));
    report("stat through link", stat(at("link.txt"), &st));
    printf("is regular %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
    report("link hard.txt", link(at("data.txt"), at("hard.txt")));
    stat(at("data.txt"), &st);
    printf("nlink %d\n", (int)st.st_nlink);
    report("unlink hard.txt", unlink(at("hard.txt")));
    stat(at("data.txt"), &st);
    printf("nlink %d\n", (int)st.st_nlink);

    // Timestamps.
    struct timespec times[2] = {{.tv_sec = 1000000000, .tv_nsec = 5},
                                {.tv_sec = 1234567890, .tv_nsec = 0}};
    report("utimensat", utimensat(AT_FDCWD, at("moved.txt"), times, 0));
    stat(at("moved.txt"), &st);
    printf("atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
    fd = open(at("moved.txt"), O_RDONLY);
    struct timespec later[2] = {{.tv_sec = 0, .tv_nsec = UTIME_OMIT},
                                {.tv_sec = 1500000000, .tv_nsec = 0}};
    report("futimens", futimens(fd, later));
    fstat(fd, &st);
    printf("atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
    close(fd);

    list("");
    return 0;
}
