/* unix_bound.h — is a socket file bound by a socket in this network
 * namespace? */
#ifndef WICK_UNIX_BOUND_H
#define WICK_UNIX_BOUND_H

#include <sys/stat.h>

/* 1 when a socket of this network namespace is bound to the file ST
 * describes, 0 when none is, -errno when the kernel cannot be asked.
 * Sockets of other network namespaces are not seen. */
int unix_bound(const struct stat *st);

#endif
