/* pty.h — `wick exec -t`: a pseudo-terminal from the sandbox's own devpts,
 * relayed to wick's terminal. */
#ifndef WICK_PTY_H
#define WICK_PTY_H

#include <sys/types.h>

/* Opens a new master from /dev/ptmx (in the current mount namespace) and
 * its peer. 0 or -errno. */
int pty_open(int *master, int *peer);

/* In the child: a new session with PEER as controlling terminal and
 * stdio. 0 or -errno. */
int pty_attach(int peer);

/* Copies stdin to MASTER and MASTER to stdout (stdin raw while it is a
 * terminal) until the terminal side ends. */
void pty_relay(int master);

#endif
