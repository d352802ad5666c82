/* activate.h — the activation engine: wait for a trigger, start the
 * service with the sockets, supervise it, re-arm. Used by `wick activate`,
 * `wick run -l` and socket units. */
#ifndef WICK_ACTIVATE_H
#define WICK_ACTIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "listen.h"

struct activation {
	struct listener *listeners; /* already open */
	size_t n_listeners;
	bool accept;  /* one instance per connection */
	bool inetd;   /* connection (or socket) on stdin/stdout */
	bool now;     /* start at once, without waiting for a trigger */
	unsigned max_connections;    /* accept mode; 64 by default */
	unsigned max_per_source;     /* accept mode, per peer IP or CID; 0:
				      * no limit (MaxConnectionsPerSource=) */
	unsigned trigger_burst;      /* starts per interval; 20 */
	uint64_t trigger_interval_us; /* 2 s */
	uint64_t stop_timeout_us;     /* SIGKILL after a stop; 10 s */
	char **argv;   /* service command */
	char *path;    /* argv[0] resolved (spawn_resolve); unused by exec */
	char **setenv; /* extra "VAR=VALUE" entries, NULL-terminated */
	/* Runs in the child once fds and environment are in place and
	 * returns only on failure (-errno). NULL: execvp(argv). */
	int (*exec)(void *data, char **argv);
	void *exec_data;
	/* Optional, Accept=no only: a start made ahead of the trigger. The
	 * engine runs it in the same kind of child as exec, at arm time,
	 * with the read end of a "go" pipe as GO_FD (placed right after
	 * the sockets, close-on-exec). It sets everything up, then must not
	 * let the service run before one byte arrives on GO_FD; EOF there
	 * means the engine let go of it (stop): it exits without running
	 * the service. If it exits before the go, the next trigger starts
	 * the service through exec and the one after that prepares again. */
	int (*prepare)(void *data, char **argv, int go_fd);
};

void activation_default(struct activation *a);

/* Blocks the supervisor's signals before any socket is bound, so a
 * SIGTERM during start-up waits for the engine instead of leaving socket
 * files behind. activation_run() does it too; idempotent. */
void activation_block_signals(void);

/* Supervises until SIGTERM/SIGINT (forwarded to the service) and returns
 * the exit status for wick: 0 after a clean stop, 1 on error. */
int activation_run(struct activation *a);

#endif
