/* seccomp.h — the default system call filter, built with libseccomp
 * opened at run time, so wick itself links only libc. */
#ifndef WICK_SECCOMP_H
#define WICK_SECCOMP_H

/* Builds the default filter in memory (before the sandbox is created,
 * while the host's libraries are still reachable). -ENOENT when
 * libseccomp.so.2 is not installed. */
int filter_build(void **filter);

/* Loads it into the calling process (no_new_privs must be set). */
int filter_load(void *filter);

#endif
