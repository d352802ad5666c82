/* listen_fds.c — which sockets an activator passed to this process:
 * LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES, read as libsystemd 252's
 * sd_listen_fds() and sd_listen_fds_with_names() read them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wick/daemon.h>

#include "number.h"

static void listen_env_unset(int unset_environment)
{
	if (!unset_environment)
		return;
	/* LISTEN_PIDFDID goes too: once LISTEN_PID is gone it would describe
	 * a process that no variable names any more. */
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	(void)unsetenv("LISTEN_PIDFDID");
}

/* 1 when LISTEN_PID is this process, 0 when unset or another process. */
static int listen_pid_is_ours(void)
{
	const char *e = getenv("LISTEN_PID");
	unsigned long pid;
	int r;

	if (!e)
		return 0;
	r = number_parse(e, 0, 1, INT_MAX, &pid);
	if (r < 0)
		return r;
	return (pid_t)pid == getpid();
}

/* Marks fds 3..3+n-1 close-on-exec so they do not leak into programs the
 * server runs; a promised fd that is not open is an error. */
static int listen_fds_set_cloexec(int n)
{
	for (int fd = WICK_LISTEN_FDS_START; fd < WICK_LISTEN_FDS_START + n;
	     fd++) {
		int flags = fcntl(fd, F_GETFD);

		if (flags < 0)
			return -errno;
		if (flags & FD_CLOEXEC)
			continue;
		if (fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)
			return -errno;
	}
	return 0;
}

static int listen_fds_read(void)
{
	const char *e;
	int n, r;

	r = listen_pid_is_ours();
	if (r <= 0)
		return r;

	e = getenv("LISTEN_FDS");
	if (!e)
		return 0;
	r = number_parse_int(e, &n);
	if (r < 0)
		return r;
	if (n <= 0 || n > INT_MAX - WICK_LISTEN_FDS_START)
		return -EINVAL;

	r = listen_fds_set_cloexec(n);
	if (r < 0)
		return r;
	return n;
}

int wick_listen_fds(int unset_environment)
{
	int r = listen_fds_read();

	listen_env_unset(unset_environment);
	return r;
}

static void names_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

/* Splits TEXT at every ':' keeping empty entries ("" is one empty name,
 * "a:" two). Returns the entry count or -ENOMEM. */
static int names_split(const char *text, char ***out)
{
	size_t n = 1, i = 0;
	char **names;

	for (const char *p = text; *p; p++)
		n += *p == ':';
	if (n > INT_MAX)
		return -EINVAL;
	names = calloc(n + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (const char *p = text;; i++) {
		size_t len = strcspn(p, ":");

		names[i] = strndup(p, len);
		if (!names[i]) {
			names_free(names);
			return -ENOMEM;
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	*out = names;
	return (int)n;
}

/* "unknown" for each of N fds, as when no names were passed. */
static int names_unknown(int n, char ***out)
{
	char **names = calloc((size_t)n + 1, sizeof(*names));

	if (!names)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		names[i] = strdup("unknown");
		if (!names[i]) {
			names_free(names);
			return -ENOMEM;
		}
	}
	*out = names;
	return n;
}

int wick_listen_fds_with_names(int unset_environment, char ***names)
{
	const char *e = getenv("LISTEN_FDNAMES");
	char **l = NULL;
	int n_names = 0, n;

	if (!names)
		return wick_listen_fds(unset_environment);
	*names = NULL;

	/* Split before wick_listen_fds() may unset the variable. */
	if (e) {
		n_names = names_split(e, &l);
		if (n_names < 0) {
			listen_env_unset(unset_environment);
			return n_names;
		}
	}

	n = wick_listen_fds(unset_environment);
	if (n > 0 && !e)
		n = names_unknown(n, &l);
	else if (n > 0 && n_names != n)
		n = -EINVAL;
	if (n <= 0) {
		names_free(l);
		return n;
	}
	*names = l;
	return n;
}
