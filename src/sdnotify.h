/* sdnotify.h — readiness messages: sending to a NOTIFY_SOCKET and
 * relaying a sandboxed server's messages out (--sdnotify). */
#ifndef WICK_SDNOTIFY_H
#define WICK_SDNOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum sdnotify_mode { SDNOTIFY_CONTAINER, SDNOTIFY_CONMON, SDNOTIFY_IGNORE };

/* Sends MSG to SOCKET: an absolute path or an "@abstract" name. */
int sdnotify_send(const char *socket, const char *msg, size_t len);

/* Binds a datagram socket at DIR/notify.sock for the server to send to.
 * Returns the fd (non-blocking, O_CLOEXEC) or -errno. */
int sdnotify_relay_open(const char *dir);

/* Forwards every pending message from the relay to OUTER, with MAINPID
 * set to the server's host pid and any MAINPID of its own (a pid of
 * the sandbox, meaningless outside) dropped. Sets *ready on READY=1. */
int sdnotify_relay_pump(int fd, const char *outer, pid_t mainpid,
			bool *ready);

#endif
