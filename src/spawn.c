/* spawn.c — starts a service: sockets at fds 3.. (or stdin/stdout), the
 * LISTEN_* environment, the signal mask restored, every other fd closed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

extern char **environ;

/* Variables wick sets itself; stale copies from our own environment
 * would mislead the service. */
static bool is_ours(const char *var)
{
	static const char *const own[] = {
		"LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES=",
		"LISTEN_PIDFDID=", "REMOTE_ADDR=", "REMOTE_PORT=",
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strncmp(var, own[i], strlen(own[i])))
			return true;
	return false;
}

static bool overridden(const char *var, char **setenv)
{
	size_t n = strcspn(var, "=");

	for (; setenv && *setenv; setenv++)
		if (strchr(*setenv, '=') && !strncmp(*setenv, var, n) &&
		    (*setenv)[n] == '=')
			return true;
	return false;
}

int spawn_env_init(struct spawn_env *env, char **setenv)
{
	size_t n = 0, m = 0;
	char **e, **s;

	memset(env, 0, sizeof(*env));
	for (e = environ; *e; e++)
		n++;
	for (s = setenv; s && *s; s++)
		n++;
	/* Room for the five per-start slots and the terminator. */
	env->vars = calloc(n + 6, sizeof(char *));
	if (!env->vars)
		return -ENOMEM;
	for (e = environ; *e; e++)
		if (!is_ours(*e) && !overridden(*e, setenv))
			env->vars[m++] = *e;
	/* "VAR" alone copies wick's own value, which is already there. */
	for (s = setenv; s && *s; s++)
		if (strchr(*s, '='))
			env->vars[m++] = *s;
	env->n_base = m;
	return 0;
}

void spawn_env_free(struct spawn_env *env)
{
	free(env->vars);
	free(env->names);
	env->vars = NULL;
	env->names = NULL;
}

static int fill_slots(const struct spawn *s, struct spawn_env *env)
{
	size_t n = env->n_base;

	if (!s->inetd) {
		snprintf(env->fds, sizeof(env->fds), "LISTEN_FDS=%zu",
			 s->n_fds);
		env->vars[n++] = env->fds;
		strcpy(env->pid, "LISTEN_PID=");
		env->vars[n++] = env->pid;
		free(env->names);
		env->names = NULL;
		if (s->names) {
			if (asprintf(&env->names, "LISTEN_FDNAMES=%s",
				     s->names) < 0)
				return -ENOMEM;
			env->vars[n++] = env->names;
		}
	}
	if (s->remote_addr) {
		snprintf(env->remote_addr, sizeof(env->remote_addr),
			 "REMOTE_ADDR=%s", s->remote_addr);
		snprintf(env->remote_port, sizeof(env->remote_port),
			 "REMOTE_PORT=%u", s->remote_port);
		env->vars[n++] = env->remote_addr;
		env->vars[n++] = env->remote_port;
	}
	env->vars[n] = NULL;
	return 0;
}

/* Writes "LISTEN_PID=<our pid>" without the allocator: this runs in a
 * vfork child. */
static void write_pid(char *slot)
{
	char digits[16];
	unsigned v = (unsigned)getpid();
	int i = 0;

	do
		digits[i++] = (char)('0' + v % 10);
	while ((v /= 10));
	slot += strlen("LISTEN_PID=");
	while (i)
		*slot++ = digits[--i];
	*slot = '\0';
}

/* The first fd after the passed sockets. */
static int first_free(const struct spawn *s)
{
	return s->inetd ? 3 : 3 + (int)s->n_fds;
}

/* Moves the sockets to 3, 4, … in order (or onto stdin and stdout), the
 * go pipe of a prepared start right after them, and marks every other
 * descriptor close-on-exec. MOVED (n_fds + 1 slots) is scratch space. */
static int place_fds(const struct spawn *s, int *moved)
{
	int base = 3, top = first_free(s);
	size_t n = s->inetd ? 0 : s->n_fds;

	if (s->inetd && (dup2(s->fds[0], 0) < 0 || dup2(s->fds[0], 1) < 0))
		return errno;
	/* First out of the way, so no dup2 clobbers an fd that still has
	 * to be moved. */
	for (size_t i = 0; i < n; i++) {
		moved[i] = fcntl(s->fds[i], F_DUPFD_CLOEXEC, top + 1);
		if (moved[i] < 0)
			return errno;
	}
	if (s->prepare &&
	    (moved[n] = fcntl(s->go_fd, F_DUPFD_CLOEXEC, top + 1)) < 0)
		return errno;
	for (size_t i = 0; i < n; i++)
		if (dup2(moved[i], base + (int)i) < 0)
			return errno;
	if (s->prepare && dup3(moved[n], top++, O_CLOEXEC) < 0)
		return errno;
	if (close_range((unsigned)top, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return errno;
	return 0;
}

static int run_hook(const struct spawn *s, struct spawn_env *env,
		    int *moved, pid_t parent)
{
	int r;

	/* The hook is part of wick (wick run -l watching its sandbox): it
	 * must not outlive a kill -9 of wick, unwatched, holding the port. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		return 1;
	r = place_fds(s, moved);
	if (r)
		return 127;
	/* The hook does not exec, so what would close on exec goes now. */
	close_range((unsigned)first_free(s) + (s->prepare ? 1 : 0), ~0U, 0);
	if (!s->inetd)
		write_pid(env->pid);
	environ = env->vars;
	sigprocmask(SIG_SETMASK, s->sigmask, NULL);
	if (s->prepare)
		return s->prepare(s->hook_data, s->argv, first_free(s));
	return s->hook(s->hook_data, s->argv);
}

pid_t spawn_service(const struct spawn *s, struct spawn_env *env)
{
	int moved[s->n_fds + 1];
	volatile int child_errno = 0;
	pid_t pid;
	int r;

	r = fill_slots(s, env);
	if (r < 0)
		return r;
	if (s->hook || s->prepare) {
		pid_t parent = getpid();

		pid = fork();
		if (pid == 0)
			_exit(run_hook(s, env, moved, parent));
		return pid < 0 ? -errno : pid;
	}

	/* vfork: the parent sleeps until exec, so start-up costs no page
	 * table copy, and an exec failure is reported here through shared
	 * memory. The child only makes system calls. */
	pid = vfork();
	if (pid == 0) {
		/* A group of its own, so stop signals reach what it starts. */
		(void)setpgid(0, 0); /* cannot fail for a new child */
		r = place_fds(s, moved);
		if (r == 0) {
			if (!s->inetd)
				write_pid(env->pid);
			sigprocmask(SIG_SETMASK, s->sigmask, NULL);
			execve(s->path, s->argv, env->vars);
			r = errno;
		}
		child_errno = r;
		_exit(127);
	}
	if (pid < 0)
		return -errno;
	if (child_errno) {
		(void)waitpid(pid, NULL, 0); /* our child; status is known */
		return -child_errno;
	}
	return pid;
}

char *spawn_resolve(const char *command)
{
	return spawn_resolve_in(command, getenv("PATH"));
}

char *spawn_resolve_in(const char *command, const char *path)
{
	const char *p, *end;
	int saved = ENOENT;
	struct stat st;
	char *full;

	if (strchr(command, '/')) {
		if (access(command, X_OK) < 0)
			return NULL;
		return strdup(command);
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if (end == p)
			full = strdup(command); /* "" is ".", as for execvp */
		else if (asprintf(&full, "%.*s/%s", (int)(end - p), p,
				  command) < 0)
			full = NULL;
		if (!full)
			return NULL;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(full, X_OK) == 0)
				return full;
			saved = EACCES;
		}
		free(full);
	}
	errno = saved;
	return NULL;
}

int spawn_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
