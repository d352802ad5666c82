/* run.h — `wick run`: options, preparation and supervision of one
 * sandbox; shared with `wick run -l`, whose activation starts it. */
#ifndef WICK_RUN_H
#define WICK_RUN_H

#include <stdbool.h>

#include "listen_cli.h"
#include "sandbox.h"
#include "sdnotify.h"
#include "state.h"

#define RUN_MAX_VOLUMES 64
#define RUN_MAX_ENV 256
/* The server's PATH unless -e or --setenv gives one. */
#define RUN_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
			 "/sbin:/bin"

struct run {
	struct sandbox sb;
	const char *name;
	bool replace, rm, detach, unconfined;
	const char *cidfile;
	enum sdnotify_mode sdnotify;
	int notify_timeout; /* seconds to wait for READY=1 */
	const char *env_opts[RUN_MAX_ENV];
	size_t n_env_opts;
	struct volume volumes[RUN_MAX_VOLUMES];
	const char *listeners; /* for `wick ps` */
	struct listen_cli lc;  /* -l …: run activates the sandbox itself */
	bool listening;
	/* With -l and --name or --detach, the listening wick owns the state;
	 * each start only adds and drops the sandbox's pid ("sandbox"). */
	bool listen_state;
	/* prepared */
	struct state st;
	char **env;       /* the server's environment, NULL-ended */
	size_t env_room;  /* entries env has room for, the NULL included */
	char listen_pid[32];
	char notify_dir[PATH_MAX + 16];
	int relay_fd;
	const char *outer_notify;
};

/* Parses options up to COMMAND. Returns 0, or the exit status after
 * printing usage or the error. *first is argv's index of COMMAND. */
int run_parse(struct run *r, int argc, char **argv, int *first);

/* Claims the state directory (with --replace, ends a holder first) and
 * writes what ps shows. 0, or -errno after one line. */
int run_claim(struct run *r);

/* Checks that --rootfs and the -v sources exist, printing one line for
 * the first that does not; 0 or a negative errno. */
int run_check_paths(const struct run *r);

/* Before listening: 0 unless COMMAND is surely missing in the sandbox's
 * file system (its PATH searched as the sandbox will), then -ENOENT after
 * one line. Where it cannot tell (/proc, a relative path) it says 0. */
int run_check_command(const struct run *r, const char *command);

/* Checks the options against the host, builds the environment and the
 * filter, claims the state directory, then runs the sandbox until it
 * ends (or, with --detach, until it is up). Returns wick's exit status. */
int run_execute(struct run *r);

#endif
