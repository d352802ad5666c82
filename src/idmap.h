/* idmap.h — the uid/gid maps of a new user namespace. */
#ifndef WICK_IDMAP_H
#define WICK_IDMAP_H

#include <sys/types.h>

/* Maps our uid/gid to 0 inside PID's user namespace: root maps every id
 * to itself; a user with a range in /etc/subuid and /etc/subgid gets it
 * too through newuidmap/newgidmap; anyone else gets just the one id. */
int idmap_write(pid_t pid);

#endif
