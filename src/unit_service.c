/* unit_service.c — one run of a unit's service inside the process the
 * activation engine started for it: the commands of ExecStartPre=,
 * ExecStart=, ExecStop=, ExecStopPost=, the NOTIFY_SOCKET of Type=notify
 * with READY=1 and MAINPID=, Restart=, KillMode= and the timeouts. The
 * engine sees this process as the service; it lives as long as it does. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/unix_address.h"
#include "log.h"
#include "unit_config.h"
#include "spawn.h"
#include "unit_service.h"

extern char **environ;

/* Restart= gives up after this many starts in RESTART_WINDOW_US, as
 * systemd's default start limit (5 in 10 s) does. */
#define RESTART_BURST 5
#define RESTART_WINDOW_US 10000000ull

struct shim {
	struct service_config *c;
	char **env; /* the service's environment */
	size_t n_env;
	pid_t started; /* the process we forked for ExecStart */
	pid_t main;    /* the service's main process (MAINPID=) */
	int sigfd, notify_fd;
	int main_fd; /* pidfd of a MAINPID= that is not our child */
	bool ready, stopping, ended, timed_out;
	int status;	   /* wait status of the main process */
	uint64_t deadline; /* start or stop timeout, 0: none */
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t after(uint64_t us)
{
	return us == UINT64_MAX || us == 0 ? 0 : now_us() + us;
}

/* environ (with LISTEN_* from the engine), then Environment= and the
 * files of EnvironmentFile=, read now as systemd reads them per start. */
static int shim_env(struct shim *s)
{
	struct service_config *c = s->c;
	unsigned line = 0;
	int r = 0;

	for (char **e = environ; r == 0 && *e; e++)
		r = env_set(&s->env, &s->n_env, *e);
	for (size_t i = 0; r == 0 && i < c->n_env; i++)
		r = env_set(&s->env, &s->n_env, c->env[i]);
	for (size_t i = 0; r == 0 && i < c->n_env_files; i++) {
		const char *f = c->env_files[i];
		bool optional = f[0] == '-';

		r = env_file_read(f + optional, &s->env, &s->n_env, &line);
		if (r == -ENOENT && optional)
			r = 0;
		else if (r == -EBADMSG)
			log_error("%s: %s:%u: not a NAME=VALUE line", c->name,
				  f + optional, line);
		else if (r < 0)
			log_error("%s: EnvironmentFile %s: %s", c->name,
				  f + optional, strerror(-r));
	}
	return r;
}

/* Sets or replaces NAME=VALUE in the service's environment. */
static void shim_setenv(struct shim *s, const char *name, const char *value)
{
	char *a;

	if (asprintf(&a, "%s=%s", name, value) < 0)
		return; /* out of memory: the variable stays as it was */
	(void)env_set(&s->env, &s->n_env, a); /* same: keeps the old value */
	free(a);
}

static void shim_unsetenv(struct shim *s, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < s->n_env; i++)
		if (!strncmp(s->env[i], name, len) && s->env[i][len] == '=') {
			free(s->env[i]);
			s->env[i] = s->env[--s->n_env];
			s->env[s->n_env] = NULL;
			i--;
		}
}

static const char *env_get(struct shim *s, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < s->n_env; i++)
		if (!strncmp(s->env[i], name, len) && s->env[i][len] == '=')
			return s->env[i] + len + 1;
	return NULL;
}

/* execve PATH, looked up in the service's PATH when it has no '/'. */
static int exec_in_path(struct shim *s, const char *path, char **argv)
{
	char *full = spawn_resolve_in(path, env_get(s, "PATH"));

	if (!full)
		return -errno;
	execve(full, argv, s->env);
	free(full);
	return -errno;
}

/* In the child: becomes the command. Returns only on failure. */
static int child_exec(struct shim *s, const struct exec_command *c,
		      bool is_main)
{
	const char *wd = s->c->workdir;
	char **argv = c->argv, *wrapped[strv_length(c->argv) + 6];
	sigset_t none;
	char pid[24];

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Ends with the shim, which ends with the supervisor: a killed
	 * supervisor must not leave a server holding the unit's port. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (is_main) {
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		shim_setenv(s, "LISTEN_PID", pid);
		(void)setpgid(0, 0); /* KillMode= signals the group */
	} else {
		/* The sockets and LISTEN_* are for the main process only.
		 * Marked, not closed: the error pipe must live until exec. */
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		shim_unsetenv(s, "LISTEN_FDS");
		shim_unsetenv(s, "LISTEN_PID");
		shim_unsetenv(s, "LISTEN_FDNAMES");
	}
	if (wd && chdir(wd[0] == '-' ? wd + 1 : wd) < 0 && wd[0] != '-')
		return -errno;
	/* `wick run` sets no_new_privs inside its sandbox itself, and needs
	 * the set-uid newuidmap before that when rootless. */
	if (s->c->no_new_privileges && !(is_main && s->c->private_network) &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (!c->no_env_expand && !(argv = exec_expand_env(c->argv, s->env)))
		return -ENOMEM;
	if (is_main && s->c->private_network) {
		/* The one sandbox of wick: `wick run --network=none`. */
		size_t n = 0;

		wrapped[n++] = s->c->wick;
		wrapped[n++] = (char *)"run";
		wrapped[n++] = (char *)"--network=none";
		wrapped[n++] = (char *)"--";
		wrapped[n++] = c->path;
		for (size_t i = 1; argv[i]; i++)
			wrapped[n++] = argv[i];
		wrapped[n] = NULL;
		return exec_in_path(s, s->c->wick, wrapped);
	}
	return exec_in_path(s, c->path, argv);
}

/* Forks C. An exec failure comes back over a close-on-exec pipe and is
 * returned here as -errno, so it is reported once, by the parent. */
static pid_t run_command(struct shim *s, const struct exec_command *c,
			 bool is_main)
{
	int p[2], err = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		err = -child_exec(s, c, is_main);
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &err, sizeof(err)) == sizeof(err)) {
		(void)waitpid(pid, NULL, 0); /* failed child, status known */
		pid = -err;
	} else if (pid < 0) {
		pid = -errno;
	}
	close(p[0]);
	if (pid < 0)
		log_error("%s: cannot run %s: %s", s->c->name, c->path,
			  strerror((int)-pid));
	return pid;
}

/* Waits for PID up to TIMEOUT_US (UINT64_MAX: no limit), then kills
 * it. Returns its wait status. */
static int wait_timeout(struct shim *s, pid_t pid, uint64_t timeout_us)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), status = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	uint64_t ms = timeout_us / 1000;

	if (fd >= 0 && timeout_us != UINT64_MAX &&
	    poll(&p, 1, ms > INT32_MAX ? INT32_MAX : (int)ms) == 0) {
		log_error("%s: pid %d still running after its timeout; "
			  "killing it",
			  s->c->name, (int)pid);
		(void)kill(pid, SIGKILL); /* it exists: we have not reaped it */
	}
	if (fd >= 0)
		close(fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Runs the commands of L one after the other, waiting for each up to
 * TIMEOUT_US; a failure stops the list unless the command has the '-'
 * prefix. */
static int run_list(struct shim *s, const struct cmd_list *l, const char *key,
		    uint64_t timeout_us)
{
	for (size_t i = 0; i < l->n; i++) {
		pid_t pid = run_command(s, &l->c[i], false);
		int status = 0;

		if (pid > 0)
			status = wait_timeout(s, pid, timeout_us);
		if (pid > 0 && status == 0)
			continue;
		if (l->c[i].ignore_failure)
			continue;
		if (pid > 0)
			log_error("%s: %s %s failed with status %d", s->c->name,
				  key, l->c[i].path,
				  spawn_exit_status(status));
		return 1;
	}
	return 0;
}

/* Type=notify: a datagram socket in the state directory, offered to
 * the service as NOTIFY_SOCKET; credentials tell who sent a message. */
static int notify_open(struct shim *s)
{
	struct sockaddr_un sa;
	char name[sizeof(sa.sun_path)];
	socklen_t len;
	int fd, one = 1;

	if (snprintf(name, sizeof(name), "%s/notify",
		     s->c->state_dir ? s->c->state_dir : "/nonexistent") >=
	    (int)sizeof(name))
		/* A long state path: an abstract name, unique per process. */
		snprintf(name, sizeof(name), "@wick-notify-%d", (int)getpid());
	if (unix_address_parse(name, &sa, &len) < 0)
		return -EINVAL;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		goto fail;
	shim_setenv(s, "NOTIFY_SOCKET", name);
	if (name[0] == '/')
		(void)unlink(name); /* a leftover of an earlier run */
	if (bind(fd, (struct sockaddr *)&sa, len) < 0)
		goto fail;
	s->notify_fd = fd;
	return 0;
fail:
	one = -errno;
	close(fd);
	return one;
}

static bool notify_allowed(const struct shim *s, pid_t sender)
{
	switch (s->c->notify_access) {
	case NOTIFY_NONE:
		return false;
	case NOTIFY_MAIN:
		return sender == s->main || sender == s->started;
	default:
		return true;
	}
}

static void notify_line(struct shim *s, const char *line)
{
	char *end;
	long pid;

	if (!strcmp(line, "READY=1") && !s->ready) {
		s->ready = true;
		s->deadline = 0;
		log_info("%s: ready (pid %d)", s->c->name, (int)s->main);
	} else if (!strncmp(line, "MAINPID=", 8)) {
		pid = strtol(line + 8, &end, 10);
		if (*end || pid <= 1)
			return;
		s->main = (pid_t)pid;
		if (s->main_fd >= 0)
			close(s->main_fd);
		s->main_fd = (int)syscall(SYS_pidfd_open, s->main, 0);
		log_info("%s: main process is now pid %ld", s->c->name, pid);
	} else if (!strncmp(line, "STATUS=", 7)) {
		log_debug("%s: %s", s->c->name, line + 7);
	}
}

static void notify_receive(struct shim *s)
{
	char buf[4096], ctl[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {buf, sizeof(buf) - 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = ctl,
			   .msg_controllen = sizeof(ctl)};
	struct cmsghdr *cm;
	pid_t sender = 0;
	ssize_t n;

	/* Bounded: a flood of messages cannot hold the loop. */
	for (int k = 0; k < 64; k++) {
		m.msg_controllen = sizeof(ctl);
		n = recvmsg(s->notify_fd, &m, MSG_CMSG_CLOEXEC);
		if (n < 0)
			return;
		buf[n] = '\0';
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_CREDENTIALS)
				sender = ((struct ucred *)CMSG_DATA(cm))->pid;
		if (!notify_allowed(s, sender)) {
			log_debug("%s: notification from pid %d ignored "
				  "(NotifyAccess=)",
				  s->c->name, (int)sender);
			continue;
		}
		for (char *save, *l = strtok_r(buf, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			notify_line(s, l);
	}
}

/* Each process gets the signal once: a main process that is in the
 * group is signalled through the group only, since a second SIGTERM
 * means "now" to supervisors such as wick run. */
static void kill_service(struct shim *s, int sig)
{
	bool group = s->c->kill_mode == KILL_CONTROL_GROUP ||
		     (s->c->kill_mode == KILL_MIXED && sig == SIGKILL);

	if (s->c->kill_mode == KILL_NONE || s->ended)
		return;
	if (s->main > 0 && !(group && getpgid(s->main) == s->started))
		(void)kill(s->main, sig); /* it may have just exited */
	if (group)
		(void)kill(-s->started, sig); /* the group made at start */
}

/* ExecStop= first (with $MAINPID), then KillSignal= to what is left,
 * and SIGKILL once TimeoutStopSec= has passed. */
static void begin_stop(struct shim *s)
{
	char pid[24];

	if (s->stopping)
		return;
	s->stopping = true;
	snprintf(pid, sizeof(pid), "%d", (int)s->main);
	shim_setenv(s, "MAINPID", pid);
	if (!s->ended && s->c->stop.n)
		(void)run_list(s, &s->c->stop, "ExecStop",
			       s->c->timeout_stop_us);
	kill_service(s, s->c->kill_signal);
	s->deadline = after(s->c->timeout_stop_us);
}

static void main_gone(struct shim *s, int status)
{
	s->ended = true;
	s->status = status;
	log_info("%s: main process %d %s %d", s->c->name, (int)s->main,
		 WIFEXITED(status) ? "exited with status" : "killed by signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static void reap(struct shim *s)
{
	int status;
	pid_t pid;

	/* A MAINPID= sent just before its sender exited is already queued:
	 * read it first, or `podman run --detach` would look like the end
	 * of the service. */
	if (s->notify_fd >= 0)
		notify_receive(s);
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == s->main && !s->ended)
			main_gone(s, status);
		else if (pid == s->started && !s->ready && status != 0)
			main_gone(s, status); /* failed before handing over */
	}
}

/* A MAINPID= outside our children ended: its status is not ours to
 * know unless it was reparented to us (we are a subreaper). */
static void main_fd_ready(struct shim *s)
{
	int status = 0;

	close(s->main_fd);
	s->main_fd = -1;
	reap(s);
	if (!s->ended && waitpid(s->main, &status, WNOHANG) <= 0)
		main_gone(s, 0);
}

static void on_signal(struct shim *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap(s);
		else if (s->stopping) /* a second stop request: no waiting */
			kill_service(s, SIGKILL);
		else
			begin_stop(s);
	}
}

static void on_timeout(struct shim *s)
{
	s->deadline = 0;
	s->timed_out = true;
	if (s->stopping) {
		log_error("%s: still running after TimeoutStopSec=; killing "
			  "it",
			  s->c->name);
		kill_service(s, SIGKILL);
		return;
	}
	log_error("%s: not ready within TimeoutStartSec=; stopping it",
		  s->c->name);
	begin_stop(s);
}

/* Waits until the main process has ended. */
static void supervise(struct shim *s)
{
	struct pollfd p[3] = {{.fd = s->sigfd, .events = POLLIN},
			      {.fd = s->notify_fd, .events = POLLIN},
			      {.fd = s->main_fd, .events = POLLIN}};
	uint64_t now;
	int timeout;

	while (!s->ended) {
		p[2].fd = s->main_fd;
		now = now_us();
		timeout = !s->deadline ? -1
			  : s->deadline <= now
			      ? 0
			      : (int)((s->deadline - now + 999) / 1000);
		if (poll(p, 3, timeout) < 0 && errno != EINTR)
			return;
		if (p[1].revents)
			notify_receive(s);
		if (p[0].revents)
			on_signal(s);
		if (p[2].revents && s->main_fd >= 0)
			main_fd_ready(s);
		if (s->deadline && now_us() >= s->deadline && !s->ended)
			on_timeout(s);
	}
}

static void write_main_pid(const struct shim *s, bool running)
{
	char path[4096], pid[24];
	int fd, len;

	if (!s->c->state_dir)
		return;
	snprintf(path, sizeof(path), "%s/main-pid", s->c->state_dir);
	if (!running) {
		(void)unlink(path); /* absent already is fine */
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return; /* status then shows no pid; the service still runs */
	len = snprintf(pid, sizeof(pid), "%d\n", (int)s->main);
	(void)!write(fd, pid, (size_t)len);
	close(fd);
}

/* Starts ExecStart= (each in turn for Type=oneshot) and waits for it. */
static int start_and_wait(struct shim *s)
{
	const struct cmd_list *l = &s->c->start;

	if (s->c->type == SERVICE_ONESHOT)
		return run_list(s, l, "ExecStart", s->c->timeout_start_us) ? -1
									   : 0;
	s->ended = s->ready = false;
	s->started = s->main = run_command(s, &l->c[0], true);
	if (s->started < 0)
		return (int)s->started;
	log_info("%s: started %s as pid %d", s->c->name, l->c[0].path,
		 (int)s->main);
	if (s->c->type == SERVICE_NOTIFY)
		s->deadline = after(s->c->timeout_start_us);
	else
		s->ready = true;
	write_main_pid(s, true);
	supervise(s);
	write_main_pid(s, false);
	return 0;
}

static bool restart_wanted(const struct shim *s, int *starts, uint64_t *window)
{
	bool failed = !WIFEXITED(s->status) || WEXITSTATUS(s->status) != 0;
	uint64_t now = now_us();

	if (s->stopping || s->c->restart == RESTART_NO ||
	    (s->c->restart == RESTART_ON_FAILURE && !failed))
		return false;
	if (now - *window > RESTART_WINDOW_US) {
		*window = now;
		*starts = 0;
	}
	if (++*starts > RESTART_BURST) {
		log_error("%s: restarted %d times within 10s; giving up until "
			  "the next trigger",
			  s->c->name, RESTART_BURST);
		return false;
	}
	return true;
}

/* Waits RestartSec= unless a stop request comes first. */
static bool restart_delay(struct shim *s)
{
	struct pollfd p = {.fd = s->sigfd, .events = POLLIN};
	uint64_t ms = s->c->restart_us / 1000;

	if (poll(&p, 1, ms > 600000 ? 600000 : (int)ms) > 0)
		on_signal(s);
	return !s->stopping;
}

/* SIGHUP, SIGINT, SIGTERM and SIGPIPE end a service cleanly, as in
 * systemd: a stop request is no failure. */
static bool clean_signal(int status)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	return sig == SIGHUP || sig == SIGINT || sig == SIGTERM ||
	       sig == SIGPIPE;
}

/* SERVICE_RESULT, EXIT_CODE and EXIT_STATUS for ExecStopPost=, with
 * systemd's words (a signal by its name without "SIG"). */
static void set_result_env(struct shim *s, int r)
{
	bool killed = s->ended && WIFSIGNALED(s->status);
	const char *result = "success";
	char num[16];

	if (r < 0 ||
	    (s->ended && WIFEXITED(s->status) && WEXITSTATUS(s->status)))
		result = "exit-code";
	else if (s->timed_out)
		result = "timeout";
	else if (killed && !clean_signal(s->status))
		result = "signal";
	shim_setenv(s, "SERVICE_RESULT", result);
	shim_setenv(s, "EXIT_CODE", killed ? "killed" : "exited");
	if (killed)
		snprintf(num, sizeof(num), "%s",
			 sigabbrev_np(WTERMSIG(s->status)) ?: "?");
	else
		snprintf(num, sizeof(num), "%d",
			 s->ended ? WEXITSTATUS(s->status) : 0);
	shim_setenv(s, "EXIT_STATUS", num);
}

static int shim_init(struct shim *s)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	s->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0)
		return -errno;
	/* A MAINPID= that daemonized (conmon) is reparented to us. */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1); /* else pidfd still works */
	/* Killed with the supervisor (SIGKILL leaves it no say), the shim
	 * takes its commands along: see child_exec(). */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (shim_env(s) < 0)
		return -EINVAL;
	if (s->c->type == SERVICE_NOTIFY && s->c->notify_access != NOTIFY_NONE)
		return notify_open(s);
	return 0;
}

int unit_service_run(void *data, char **argv)
{
	struct shim s = {
	    .c = data, .sigfd = -1, .notify_fd = -1, .main_fd = -1};
	uint64_t window = 0;
	int r, starts = 0;

	(void)argv; /* the commands come from the unit */
	r = shim_init(&s);
	if (r < 0 && r != -EINVAL)
		log_error("%s: cannot set up: %s", s.c->name, strerror(-r));
	if (r == 0 &&
	    run_list(&s, &s.c->pre, "ExecStartPre", s.c->timeout_start_us))
		r = -1;
	while (r == 0) {
		r = start_and_wait(&s);
		if (r < 0 || !restart_wanted(&s, &starts, &window) ||
		    !restart_delay(&s))
			break;
		log_info("%s: restarting (Restart=)", s.c->name);
	}
	set_result_env(&s, r);
	if (s.notify_fd >= 0 && env_get(&s, "NOTIFY_SOCKET")[0] == '/')
		(void)unlink(env_get(&s, "NOTIFY_SOCKET")); /* ours */
	shim_unsetenv(&s, "NOTIFY_SOCKET");
	(void)run_list(&s, &s.c->stop_post, "ExecStopPost",
		       s.c->timeout_stop_us);
	if (r < 0)
		return 1;
	return s.ended ? spawn_exit_status(s.status) : 0;
}
