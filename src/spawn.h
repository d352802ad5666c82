/* spawn.h — starting a service process with sockets placed at fds 3..
 * (or on stdin/stdout), the LISTEN_* environment, and nothing else open. */
#ifndef WICK_SPAWN_H
#define WICK_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct spawn_env {
	char **vars;    /* base environment, then the per-start slots */
	size_t n_base;
	char fds[32];   /* LISTEN_FDS=N */
	char pid[32];   /* LISTEN_PID=N, written by the child */
	char *names;    /* LISTEN_FDNAMES=… or NULL */
	char remote_addr[96];
	char remote_port[32];
};

/* Builds the base: the environment minus LISTEN_*, plus SETENV entries
 * ("VAR=VALUE", or "VAR" to copy wick's own value). */
int spawn_env_init(struct spawn_env *env, char **setenv);
void spawn_env_free(struct spawn_env *env);

struct spawn {
	const char *path;   /* resolved executable */
	char **argv;
	const int *fds;     /* sockets to pass, in order */
	size_t n_fds;
	bool inetd;         /* fds[0] on stdin and stdout, no LISTEN_* */
	const char *names;  /* joined LISTEN_FDNAMES, NULL to leave unset */
	const char *remote_addr; /* REMOTE_ADDR/REMOTE_PORT, or NULL */
	unsigned remote_port;
	const sigset_t *sigmask; /* mask for the child */
	/* Optional: run in a forked child instead of exec; its return value
	 * is the child's exit status. */
	int (*hook)(void *data, char **argv);
	void *hook_data;
	/* Optional, instead of hook: the same, handed GO_FD placed at the
	 * first fd after the sockets (activate.h, prepare). */
	int (*prepare)(void *data, char **argv, int go_fd);
	int go_fd;
};

/* Starts the service; returns its pid or -errno (an exec failure is
 * returned here, not discovered later). */
pid_t spawn_service(const struct spawn *s, struct spawn_env *env);

/* The exit status wick reports for a wait status of a process it
 * started (a service, a sandbox, an ExecStartPre= command): the exit
 * code, or 128 + signal. */
int spawn_exit_status(int wstatus);

/* Finds COMMAND in PATH the way execvp would (an empty entry is the
 * current directory). Returns a malloc'd path or NULL with errno set. */
char *spawn_resolve(const char *command);

/* The same with a given PATH value (NULL: the default one). */
char *spawn_resolve_in(const char *command, const char *path);

#endif
