// Path functions as the WASI testsuite checks them, through raw
// wasi/api.h calls: opening directories with the rights the preopen
// reports, trailing slashes in every path function, dangling and looping
// symlinks, nofollow, rights dropped with fd_fdstat_set_rights, and links.
// Expects the preopen "/dir" (fd 3) to be an empty directory. Prints one
// "case: errno N" line per call (errno names in wasi/api.h).
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define DIR 3

static void show(const char *what, __wasi_errno_t e) { printf("%s: errno %d\n", what, e); }

static __wasi_fd_t open_at(__wasi_fd_t dir, const char *what, const char *path,
                           __wasi_lookupflags_t look, __wasi_oflags_t of, __wasi_rights_t base,
                           __wasi_rights_t inh) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    __wasi_errno_t e = __wasi_path_open(dir, look, path, of, base, inh, 0, &fd);
    show(what, e);
    return e == 0 ? fd : (__wasi_fd_t)-1;
}

static __wasi_fd_t open_rw(const char *what, const char *path, __wasi_oflags_t of) {
    return open_at(DIR, what, path, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, of,
                   __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0);
}

static void close_fd(__wasi_fd_t fd) {
    if (fd != (__wasi_fd_t)-1) {
        (void)!__wasi_fd_close(fd);
    }
}

static const char *kind(__wasi_fd_t fd) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) != 0) {
        return "?";
    }
    switch (st.fs_filetype) {
    case __WASI_FILETYPE_DIRECTORY: return "directory";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    default: return "other";
    }
}

static void path_kind(const char *what, const char *path, __wasi_lookupflags_t look) {
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(DIR, look, path, &st);
    const char *k = e != 0 ? "-"
                    : st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK ? "symlink"
                    : st.filetype == __WASI_FILETYPE_DIRECTORY ? "directory"
                    : st.filetype == __WASI_FILETYPE_REGULAR_FILE ? "file"
                                                                  : "other";
    printf("%s: errno %d %s\n", what, e, k);
}

int main(void) {
    __wasi_fdstat_t pre;
    show("fdstat preopen", __wasi_fd_fdstat_get(DIR, &pre));

    // Opening a directory: the rights asked for are a ceiling.
    __wasi_fd_t d = open_at(DIR, "open . O_DIRECTORY with the preopen's rights", ".", 0,
                            __WASI_OFLAGS_DIRECTORY, pre.fs_rights_base, pre.fs_rights_inheriting);
    printf("  is a %s\n", kind(d));
    close_fd(d);
    d = open_at(DIR, "open . with the preopen's rights", ".", 0, 0, pre.fs_rights_base,
                pre.fs_rights_inheriting);
    printf("  is a %s\n", kind(d));
    close_fd(d);
    close_fd(open_rw("open . O_TRUNC", ".", __WASI_OFLAGS_TRUNC));
    close_fd(open_rw("open . O_CREAT", ".", __WASI_OFLAGS_CREAT));
    close_fd(open_rw("open . O_CREAT|O_EXCL", ".", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL));

    // Seeking a directory.
    __wasi_filesize_t pos = 0;
    show("fd_seek on a directory", __wasi_fd_seek(DIR, 0, __WASI_WHENCE_CUR, &pos));
    show("fd_tell on a directory", __wasi_fd_tell(DIR, &pos));

    // A file, then trailing slashes on it in every path function.
    close_fd(open_rw("create file", "file", __WASI_OFLAGS_CREAT));
    show("mkdir dir", __wasi_path_create_directory(DIR, "dir"));
    close_fd(open_rw("open file/", "file/", 0));
    close_fd(open_rw("open file/ O_CREAT", "file/", __WASI_OFLAGS_CREAT));
    close_fd(open_rw("open new/ O_CREAT", "new/", __WASI_OFLAGS_CREAT));
    path_kind("filestat file/", "file/", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    path_kind("filestat dir/", "dir/", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    show("unlink file/", __wasi_path_unlink_file(DIR, "file/"));
    show("unlink dir/", __wasi_path_unlink_file(DIR, "dir/"));
    show("rmdir file/", __wasi_path_remove_directory(DIR, "file/"));
    show("mkdir file/", __wasi_path_create_directory(DIR, "file/"));
    show("mkdir dir2/", __wasi_path_create_directory(DIR, "dir2/"));
    show("rmdir dir2/", __wasi_path_remove_directory(DIR, "dir2/"));
    show("rename file -> file2/", __wasi_path_rename(DIR, "file", DIR, "file2/"));
    show("rename file/ -> file2", __wasi_path_rename(DIR, "file/", DIR, "file2"));
    show("rename dir -> dir3/", __wasi_path_rename(DIR, "dir", DIR, "dir3/"));
    show("rename dir3/ -> dir", __wasi_path_rename(DIR, "dir3/", DIR, "dir"));
    show("link file -> link/", __wasi_path_link(DIR, 0, "file", DIR, "link/"));
    show("link file/ -> link", __wasi_path_link(DIR, 0, "file/", DIR, "link"));
    show("symlink file -> sym/", __wasi_path_symlink("file", DIR, "sym/"));
    show("symlink dir/ -> dsym", __wasi_path_symlink("dir/", DIR, "dsym"));
    path_kind("filestat dsym (follow)", "dsym", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    path_kind("filestat dsym/ (nofollow)", "dsym/", 0);
    show("unlink dsym", __wasi_path_unlink_file(DIR, "dsym"));
    show("symlink file -> fsym", __wasi_path_symlink("file", DIR, "fsym"));
    path_kind("filestat fsym/", "fsym/", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    show("unlink fsym/", __wasi_path_unlink_file(DIR, "fsym/"));
    show("unlink fsym", __wasi_path_unlink_file(DIR, "fsym"));

    // Dangling and looping symlinks, nofollow.
    show("symlink missing -> dangling", __wasi_path_symlink("missing", DIR, "dangling"));
    close_fd(open_rw("open dangling", "dangling", 0));
    close_fd(open_at(DIR, "open dangling nofollow", "dangling", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    close_fd(open_rw("open dangling O_CREAT|O_EXCL", "dangling",
                     __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL));
    close_fd(open_at(DIR, "open dangling O_CREAT nofollow", "dangling", 0,
                     __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0));
    path_kind("filestat dangling (follow)", "dangling", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    path_kind("filestat dangling (nofollow)", "dangling", 0);
    show("mkdir dangling", __wasi_path_create_directory(DIR, "dangling"));
    show("rmdir dangling", __wasi_path_remove_directory(DIR, "dangling"));
    show("symlink file -> dangling", __wasi_path_symlink("file", DIR, "dangling"));
    show("unlink dangling/", __wasi_path_unlink_file(DIR, "dangling/"));
    show("unlink dangling", __wasi_path_unlink_file(DIR, "dangling"));
    show("symlink loop -> loop", __wasi_path_symlink("loop", DIR, "loop"));
    close_fd(open_rw("open loop", "loop", 0));
    close_fd(open_at(DIR, "open loop nofollow", "loop", 0, 0, __WASI_RIGHTS_FD_READ, 0));
    path_kind("filestat loop (follow)", "loop", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    close_fd(open_at(DIR, "open loop/ O_DIRECTORY", "loop/", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
                     __WASI_OFLAGS_DIRECTORY, 0, 0));
    show("symlink dir -> dirsym", __wasi_path_symlink("dir", DIR, "dirsym"));
    close_fd(open_at(DIR, "open dirsym O_DIRECTORY nofollow", "dirsym", 0,
                     __WASI_OFLAGS_DIRECTORY, 0, 0));
    __wasi_fd_t ds = open_at(DIR, "open dirsym O_DIRECTORY follow", "dirsym",
                             __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_DIRECTORY, 0, 0);
    printf("  is a %s\n", kind(ds));
    close_fd(ds);
    close_fd(open_at(DIR, "open file O_DIRECTORY", "file", 0, __WASI_OFLAGS_DIRECTORY, 0, 0));
    show("symlink /abs -> abs", __wasi_path_symlink("/abs", DIR, "abs"));
    close_fd(open_rw("open abs (escapes)", "abs", 0));
    show("unlink abs", __wasi_path_unlink_file(DIR, "abs"));
    show("symlink ../out -> out", __wasi_path_symlink("../out", DIR, "out"));
    close_fd(open_rw("open out (escapes)", "out", 0));
    show("unlink out", __wasi_path_unlink_file(DIR, "out"));
    char buf[16];
    __wasi_size_t used = 99;
    __wasi_errno_t e = __wasi_path_readlink(DIR, "dirsym", (uint8_t *)buf, sizeof buf, &used);
    printf("readlink dirsym: errno %d %.*s\n", e, (int)used, buf);
    e = __wasi_path_readlink(DIR, "dirsym", (uint8_t *)buf, 2, &used);
    printf("readlink dirsym into 2 bytes: errno %d used %u\n", e, (unsigned)used);
    show("readlink file", __wasi_path_readlink(DIR, "file", (uint8_t *)buf, sizeof buf, &used));
    show("rmdir dirsym", __wasi_path_remove_directory(DIR, "dirsym"));
    show("unlink dirsym", __wasi_path_unlink_file(DIR, "dirsym"));
    show("unlink loop", __wasi_path_unlink_file(DIR, "loop"));

    // Links.
    show("link file -> hard", __wasi_path_link(DIR, 0, "file", DIR, "hard"));
    show("link file -> hard again", __wasi_path_link(DIR, 0, "file", DIR, "hard"));
    show("link with SYMLINK_FOLLOW", __wasi_path_link(DIR, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
                                                      "file", DIR, "hard2"));
    show("link dir -> dlink", __wasi_path_link(DIR, 0, "dir", DIR, "dlink"));
    show("link missing -> x", __wasi_path_link(DIR, 0, "missing", DIR, "x"));
    show("unlink hard", __wasi_path_unlink_file(DIR, "hard"));

    // Renames over existing targets.
    show("mkdir full", __wasi_path_create_directory(DIR, "full"));
    close_fd(open_rw("create full/f", "full/f", __WASI_OFLAGS_CREAT));
    show("rename dir -> full (not empty)", __wasi_path_rename(DIR, "dir", DIR, "full"));
    show("rename dir -> file", __wasi_path_rename(DIR, "dir", DIR, "file"));
    show("rename file -> dir", __wasi_path_rename(DIR, "file", DIR, "dir"));
    show("rmdir full (not empty)", __wasi_path_remove_directory(DIR, "full"));
    show("unlink full/f", __wasi_path_unlink_file(DIR, "full/f"));
    show("rename dir -> full (empty)", __wasi_path_rename(DIR, "dir", DIR, "full"));
    show("rmdir full", __wasi_path_remove_directory(DIR, "full"));
    show("rmdir .", __wasi_path_remove_directory(DIR, "."));
    show("unlink .", __wasi_path_unlink_file(DIR, "."));
    show("mkdir .", __wasi_path_create_directory(DIR, "."));
    show("mkdir empty path", __wasi_path_create_directory(DIR, ""));
    close_fd(open_rw("open empty path", "", 0));

    // Rights dropped on a directory descriptor are gone for good.
    d = open_at(DIR, "open . again", ".", 0, __WASI_OFLAGS_DIRECTORY, pre.fs_rights_base,
                pre.fs_rights_inheriting);
    show("drop path_filestat_set_size",
         __wasi_fd_fdstat_set_rights(d, pre.fs_rights_base & ~__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE,
                                     pre.fs_rights_inheriting));
    close_fd(open_at(d, "open file O_TRUNC without the right", "file",
                     __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_TRUNC,
                     __WASI_RIGHTS_FD_WRITE, 0));
    show("regain path_filestat_set_size", __wasi_fd_fdstat_set_rights(d, pre.fs_rights_base,
                                                                      pre.fs_rights_inheriting));
    show("drop path_open",
         __wasi_fd_fdstat_set_rights(d, pre.fs_rights_base & ~__WASI_RIGHTS_PATH_OPEN &
                                            ~__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE, 0));
    close_fd(open_at(d, "open file without path_open", "file", 0, 0, 0, 0));
    close_fd(d);
    show("unlink file", __wasi_path_unlink_file(DIR, "file"));
    return 0;
}
