#define _GNU_SOURCE
#include "dip_files.h"
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int dip_open_tmpfile(const char *dir) {
    return open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
}

int dip_link_tmpfile(int fd, const char *path) {
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}
