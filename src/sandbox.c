/* sandbox.c — creates the namespaces with clone3, lets the parent write
 * the id maps, and runs the child's set-up steps in order. Failures of the
 * child travel back over a close-on-exec pipe. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "idmap.h"
#include "sandbox.h"
#include "seccomp.h"
#include "spawn.h"

/* Write end of the error pipe, in the child only. */
static int error_fd = -1;
/* Read end of the go pipe of a prepared start, in the child only. */
static int go_fd = -1;

/* The kernel's struct clone_args, spelled out to keep <linux/sched.h>
 * from clashing with <sched.h>. */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls;
};

static void report(int err, const char *format, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void report(int err, const char *format, va_list ap)
{
	struct sandbox_error e = {.err = err};
	ssize_t n;

	vsnprintf(e.what, sizeof(e.what), format, ap);
	if (error_fd < 0)
		return;
	n = write(error_fd, &e, sizeof(e));
	(void)n; /* nothing left to tell if the parent is gone */
}

static void report_done(void)
{
	struct sandbox_error e = {.err = 0};
	ssize_t n;

	if (error_fd < 0)
		return;
	n = write(error_fd, &e, sizeof(e));
	(void)n; /* nothing left to tell if the parent is gone */
}

void sandbox_fail(int err, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	report(err, format, ap);
	va_end(ap);
	_exit(1);
}

/* As sandbox_fail, with the exit status a shell gives for a command that
 * is missing (127) or cannot be run (126). */
static _Noreturn void fail_exec(int err, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
static void fail_exec(int err, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	report(err, format, ap);
	va_end(ap);
	_exit(err == ENOENT ? 127 : 126);
}

static bool await_go(void)
{
	ssize_t n;
	char c;

	do
		n = read(go_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1;
}

void sandbox_exec_server(const struct sandbox *s)
{
	extern char **environ;
	sigset_t none;
	int r;

	if (s->listen_pid_env)
		snprintf(s->listen_pid_env, 32, "LISTEN_PID=%d", (int)getpid());
	for (int sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL); /* EINVAL for KILL/STOP only */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	r = caps_restrict(s->caps);
	if (r < 0)
		sandbox_fail(-r, "dropping capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		sandbox_fail(errno, "setting no_new_privs");
	if (s->filter) {
		r = filter_load(s->filter);
		if (r < 0)
			sandbox_fail(-r, "loading the seccomp filter");
	}
	/* A prepared start is complete but for the exec; it sleeps here,
	 * using no CPU, until the trigger. */
	if (go_fd >= 0 && !await_go())
		sandbox_fail(ECANCELED, "prepared start let go before its "
					"trigger");

	environ = s->env;
	/* A record with no error says set-up is done: an EOF without it
	 * means the child died on the way (a signal, the OOM killer). */
	report_done();
	execvp(s->argv[0], s->argv);
	fail_exec(errno, "cannot run '%s' in the sandbox", s->argv[0]);
}

static int loopback_up(void)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	int fd, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP | IFF_RUNNING,
	     ioctl(fd, SIOCSIFFLAGS, &ifr) < 0))
		r = -errno;
	close(fd);
	return r;
}

/* Only stdio, the passed sockets, the error pipe and a prepared start's
 * go pipe (both close-on-exec, at 3 + n and the one after) stay open. */
static void close_others(const struct sandbox *s)
{
	int first = 3 + s->n_fds, e, g = -1;

	for (int i = 0; i < 3; i++)
		if (s->stdio[i] >= 0 && dup2(s->stdio[i], i) < 0)
			sandbox_fail(errno, "setting up stdio");
	/* Copies above both targets first: either pipe may sit where the
	 * other one goes. */
	e = fcntl(error_fd, F_DUPFD_CLOEXEC, first + 2);
	if (s->go_fd >= 0)
		g = fcntl(s->go_fd, F_DUPFD_CLOEXEC, first + 2);
	if (e < 0 || (s->go_fd >= 0 && g < 0) ||
	    dup3(e, first, O_CLOEXEC) < 0 ||
	    (g >= 0 && dup3(g, first + 1, O_CLOEXEC) < 0))
		sandbox_fail(errno, "moving the set-up pipes");
	error_fd = first;
	if (g >= 0)
		go_fd = first + 1;
	close_range(first + 1 + (go_fd >= 0), ~0U, 0);
	for (int fd = 3; fd < first; fd++)
		if (fcntl(fd, F_SETFD, 0) < 0)
			sandbox_fail(errno, "passing socket %d", fd);
}

static bool parent_gone(void)
{
	struct pollfd p = {.fd = error_fd, .events = POLLOUT};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

void sandbox_become_root(void)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		sandbox_fail(errno, "becoming root in the user namespace");
	(void)setgroups(0, NULL); /* refused when setgroups is denied */
	/* A new host uid (root's mapped range) clears the parent-death
	 * signal: arm it again, then make sure wick did not die in between
	 * (its end of the error pipe would be gone). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (parent_gone())
		_exit(1);
}

static _Noreturn void child_main(const struct sandbox *s, int sync_fd)
{
	const char *host = s->hostname ? s->hostname : "wick";
	char go;
	int r;

	/* The sandbox must not outlive the wick that watches it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(sync_fd, &go, 1) != 1)
		_exit(1); /* the parent failed to map ids and says why */
	close_others(s);

	mounts_setup(s);
	if (sethostname(host, strlen(host)) < 0)
		sandbox_fail(errno, "setting hostname '%s'", host);
	if (s->network == NETWORK_NONE && (r = loopback_up()) < 0)
		sandbox_fail(-r, "bringing up loopback");
	if (chdir(s->workdir ? s->workdir : "/") < 0)
		sandbox_fail(errno, "working directory '%s'",
			     s->workdir ? s->workdir : "/");
	if (s->init)
		init_run(s);
	sandbox_exec_server(s);
}

static pid_t clone_ns(uint64_t flags)
{
	struct clone3_args args = {.flags = flags, .exit_signal = SIGCHLD};
	long pid;

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && errno == ENOSYS)
		pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL,
			      NULL);
	return pid;
}

static int fail_parent(struct sandbox_error *e, int err, const char *what)
{
	e->err = err;
	snprintf(e->what, sizeof(e->what), "%s", what);
	return -err;
}

/* Reads the child's verdict: the done record, then EOF at exec, means
 * the command was executed (1); EOF alone means the child died in set-up
 * without a word (0). */
static int await_exec(int fd, struct sandbox_error *e)
{
	bool done = false;
	ssize_t n;

	for (;;) {
		do
			n = read(fd, e, sizeof(*e));
		while (n < 0 && errno == EINTR);
		if (n == 0)
			return done;
		if (n != sizeof(*e))
			return fail_parent(e, n < 0 ? errno : EIO,
					   "reading set-up result");
		if (e->err)
			return -e->err;
		done = true;
	}
}

/* The set-up child (or, with --init, the server's) is gone before exec
 * and said nothing: say how it ended. */
static int died_in_setup(pid_t pid, struct sandbox_error *e)
{
	int status;

	e->err = ECANCELED;
	if (waitpid(pid, &status, 0) < 0)
		snprintf(e->what, sizeof(e->what), "set-up ended silently");
	else if (WIFSIGNALED(status))
		snprintf(e->what, sizeof(e->what), "set-up was killed by "
			 "signal %d (%s) before the command ran",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(e->what, sizeof(e->what), "set-up ended with status "
			 "%d before the command ran",
			 spawn_exit_status(status));
	return -ECANCELED;
}

int sandbox_start(struct sandbox *s, struct sandbox_error *e)
{
	uint64_t flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
			 CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
	int err_pipe[2], sync_pipe[2], r;
	pid_t pid;

	if (s->network == NETWORK_NONE)
		flags |= CLONE_NEWNET;
	if (pipe2(err_pipe, O_CLOEXEC) < 0)
		return fail_parent(e, errno, "creating a pipe");
	if (pipe2(sync_pipe, O_CLOEXEC) < 0) {
		r = errno;
		close(err_pipe[0]);
		close(err_pipe[1]);
		return fail_parent(e, r, "creating a pipe");
	}

	pid = clone_ns(flags);
	/* Off a terminal, the sandbox gets a process group of its own: a
	 * signal to wick's group (a unit's KillMode, kill -TERM -PGID) then
	 * reaches the server once, through wick, not twice. On a terminal
	 * it stays in the foreground group, so a shell inside can read. */
	if (pid >= 0 && !isatty(STDIN_FILENO))
		(void)setpgid(pid, pid); /* both sides: whoever runs first */
	if (pid == 0) {
		error_fd = err_pipe[1];
		close(err_pipe[0]);
		close(sync_pipe[1]);
		child_main(s, sync_pipe[0]);
	}
	r = errno;
	close(err_pipe[1]);
	close(sync_pipe[0]);
	/* Only the sandbox holds the go pipe now: if it dies, the go fails
	 * at once (EPIPE) and the activator starts anew. */
	if (s->go_fd >= 0)
		close(s->go_fd);
	if (pid < 0) {
		close(err_pipe[0]);
		close(sync_pipe[1]);
		return fail_parent(e, r, "creating the namespaces");
	}

	r = idmap_write(pid, s->host_ids);
	if (r < 0) {
		close(sync_pipe[1]);
		close(err_pipe[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return fail_parent(e, -r, "writing the user namespace id maps");
	}
	if (write(sync_pipe[1], "1", 1) != 1)
		r = fail_parent(e, errno, "starting the sandbox");
	close(sync_pipe[1]);
	if (r == 0)
		r = await_exec(err_pipe[0], e);
	close(err_pipe[0]);
	if (r == 0)
		return died_in_setup(pid, e);
	if (r < 0) {
		waitpid(pid, NULL, 0);
		return r;
	}
	s->pid = pid;
	return 0;
}
