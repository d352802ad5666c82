/* idmap.h — the uid/gid maps of a new user namespace. */
#ifndef WICK_IDMAP_H
#define WICK_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>

/* Root's sandbox ids 0..65535 land on host ids from here unless root has a
 * range in /etc/subuid: above every ordinary user (< 65536), above the
 * range systemd hands to containers (up to 0x6FFFFFFF) and below 2^31,
 * where some tools treat ids as signed. */
#define IDMAP_ROOT_BASE 0x70000000UL
#define IDMAP_ROOT_COUNT 65536UL

/* Maps our uid/gid to 0 inside PID's user namespace: root gets an
 * unprivileged range (above), or with HOST_IDS every id mapped to itself
 * (root inside is then host root); a user with a range in /etc/subuid
 * and /etc/subgid gets it too through newuidmap/newgidmap; anyone else
 * gets just the one id. */
int idmap_write(pid_t pid, bool host_ids);

/* Gives PATH to the host ids that are root inside a sandbox started by
 * us, so that a sandboxed root mapped away from host root can use it. */
int idmap_hand_over(const char *path, bool host_ids);

#endif
