#ifndef DIP_FILES_H
#define DIP_FILES_H
#include <sys/types.h>

/// Opens an unnamed regular file in directory `dir` for writing (Linux O_TMPFILE), readable and
/// writable by the owner until it is given a name. Returns the descriptor, or -1 with errno set
/// (EOPNOTSUPP, EISDIR or EINVAL where the kernel or the filesystem does not support it).
/// In C because O_TMPFILE is a _GNU_SOURCE macro whose value differs between architectures.
int dip_open_tmpfile(const char *dir);

/// Gives the unnamed file `fd` (from dip_open_tmpfile) the name `path`, which must not exist:
/// linkat through /proc/self/fd, which needs no privilege (AT_EMPTY_PATH would). 0 or -1/errno.
int dip_link_tmpfile(int fd, const char *path);

#endif
