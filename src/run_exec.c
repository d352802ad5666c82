/* run_exec.c — `wick run` after parsing: checks against the host, the
 * server's environment, the state directory, and the supervision of the
 * sandbox in the foreground or from a detached monitor. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/number.h"
#include "control.h"
#include "idmap.h"
#include "log.h"
#include "run.h"
#include "seccomp.h"
#include "spawn.h"

static int ready_fd = -1; /* --detach: tells the waiting foreground */

/* Sockets meant for us (LISTEN_PID is our pid) sit at 3..; any other
 * inherited fd must not reach the server. */
static int inherited_fds(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	unsigned long n;

	if (!pid || !fds || strtol(pid, NULL, 10) != getpid())
		return 0;
	if (number_parse(fds, 0, 1, 4096, &n) < 0) {
		log_error("run: LISTEN_FDS='%s' is not a count of sockets "
			  "(fix the activator's environment)", fds);
		return -EINVAL;
	}
	for (int fd = 3; fd < 3 + (int)n; fd++)
		if (fcntl(fd, F_GETFD) < 0) {
			log_error("run: LISTEN_FDS=%lu but fd %d is not open "
				  "(fix the activator)", n, fd);
			return -EBADF;
		}
	return (int)n;
}

/* The server sends to the relay socket as root inside, which for root's
 * sandbox is not host root: it needs the directory and the socket. */
static void hand_over_notify(const struct run *r)
{
	char sock[PATH_MAX + 32];
	int e;

	snprintf(sock, sizeof(sock), "%s/notify.sock", r->notify_dir);
	e = idmap_hand_over(r->notify_dir, r->sb.host_ids);
	if (e == 0)
		e = idmap_hand_over(sock, r->sb.host_ids);
	if (e < 0)
		log_error("run: handing '%s' to the sandbox: %s (READY=1 may "
			 "not arrive)", r->notify_dir, strerror(-e));
}

static void env_set(struct run *r, char *entry)
{
	size_t key = strcspn(entry, "="), i;

	for (i = 0; r->env[i]; i++)
		if (!strncmp(r->env[i], entry, key) && r->env[i][key] == '=')
			break;
	/* build_env sized env for every entry it sets: running out is a
	 * bug, and dropping one (LISTEN_PID) would break the server. */
	if (i + 1 >= r->env_room)
		abort();
	r->env[i] = entry; /* replaces, or appends before the NULL */
}

static char *env_fmt(const char *key, const char *value)
{
	char *s;

	if (asprintf(&s, "%s=%s", key, value) < 0)
		abort(); /* out of memory before the sandbox exists */
	return s;
}

static void build_env(struct run *r)
{
	static const char *const passed[] = {"TERM", "REMOTE_ADDR",
					     "REMOTE_PORT"};
	const char *v;
	char count[16];

	/* PATH, HOME, container, the passed three, the options, four for
	 * LISTEN_* and NOTIFY_SOCKET, and the NULL. */
	r->env_room = 3 + 3 + r->n_env_opts + r->lc.n_setenv + 4 + 1;
	r->env = calloc(r->env_room, sizeof(char *));
	if (!r->env)
		abort(); /* out of memory before the sandbox exists */
	env_set(r, "PATH=" RUN_DEFAULT_PATH);
	env_set(r, "HOME=/root");
	env_set(r, "container=wick");
	/* TERM for the terminal, REMOTE_* from an activator's --accept. */
	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++)
		if ((v = getenv(passed[i])))
			env_set(r, env_fmt(passed[i], v));
	for (size_t i = 0; i < r->n_env_opts + r->lc.n_setenv; i++) {
		const char *e = i < r->n_env_opts
					? r->env_opts[i]
					: r->lc.setenv[i - r->n_env_opts];

		if (strchr(e, '='))
			env_set(r, (char *)e);
		else if ((v = getenv(e)))
			env_set(r, env_fmt(e, v));
	}
	if (r->sb.n_fds > 0) {
		snprintf(count, sizeof(count), "%d", r->sb.n_fds);
		env_set(r, env_fmt("LISTEN_FDS", count));
		if ((v = getenv("LISTEN_FDNAMES")))
			env_set(r, env_fmt("LISTEN_FDNAMES", v));
		/* Filled in the child with the pid the server sees. */
		snprintf(r->listen_pid, sizeof(r->listen_pid), "LISTEN_PID=1");
		env_set(r, r->listen_pid);
		r->sb.listen_pid_env = r->listen_pid;
	}
	if (r->relay_fd >= 0)
		env_set(r, "NOTIFY_SOCKET=" SANDBOX_NOTIFY_SOCKET);
	r->sb.env = r->env;
}

static int cidfile_error(const struct run *r, int e)
{
	if (e == EEXIST)
		log_error("run: cidfile '%s' exists (another sandbox may use "
			  "it; remove it first)", r->cidfile);
	else
		log_error("run: cidfile '%s': %s (give a path in a writable "
			  "directory)", r->cidfile, strerror(e));
	return -e;
}

/* --cidfile before anything starts: absent, in a directory we may write
 * to. The file itself is made, exclusively, by cidfile_create. */
static int check_cidfile(const struct run *r)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	if (!r->cidfile)
		return 0;
	if (lstat(r->cidfile, &st) == 0)
		return cidfile_error(r, EEXIST);
	snprintf(dir, sizeof(dir), "%s", r->cidfile);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = 0;
	else
		*slash = 0;
	if (access(dir, W_OK | X_OK) < 0)
		return cidfile_error(r, errno);
	return 0;
}

/* A --read-only rootfs cannot grow the mount points of the sandbox's own
 * /proc, /dev, /sys, /tmp and /run. */
static int check_read_only_root(const struct run *r)
{
	static const char *const points[] = {"proc", "dev", "sys", "tmp",
					     "run"};
	char path[PATH_MAX];
	struct stat st;

	if (!r->sb.rootfs || !r->sb.rootfs_ro)
		return 0;
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", r->sb.rootfs, points[i]);
		if (lstat(path, &st) == 0)
			continue;
		log_error("run: rootfs '%s' has no /%s, which a --read-only "
			  "rootfs needs (create /proc, /dev, /sys, /tmp and "
			  "/run in it, or drop --read-only)",
			  r->sb.rootfs, points[i]);
		return -ENOENT;
	}
	return 0;
}

int run_check_paths(const struct run *r)
{
	struct stat st;
	int e;

	if (r->sb.rootfs && (stat(r->sb.rootfs, &st) < 0 ||
			     !S_ISDIR(st.st_mode))) {
		e = access(r->sb.rootfs, F_OK) < 0 ? errno : ENOTDIR;
		log_error("run: rootfs '%s': %s (give an existing directory)",
			  r->sb.rootfs, strerror(e));
		return -e;
	}
	e = check_read_only_root(r);
	if (e < 0)
		return e;
	for (size_t i = 0; i < r->sb.n_volumes; i++)
		if (stat(r->volumes[i].src, &st) < 0) {
			e = errno;
			log_error("run: volume source '%s': %s (create it "
				  "first)", r->volumes[i].src, strerror(e));
			return -e;
		}
	return check_cidfile(r);
}

/* Makes the cidfile (never over another one) and writes the id: 0 or
 * -errno after one line. */
static int cidfile_create(const struct run *r)
{
	int fd, e = 0;

	if (!r->cidfile)
		return 0;
	fd = open(r->cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return cidfile_error(r, errno);
	if (dprintf(fd, "%s\n", r->st.id) < 0)
		e = errno ? errno : EIO;
	close(fd);
	if (e) {
		(void)unlink(r->cidfile);
		return cidfile_error(r, e);
	}
	return 0;
}

static void cidfile_remove(const struct run *r)
{
	if (r->cidfile)
		(void)unlink(r->cidfile); /* the id is gone with it */
}

static int check_host(struct run *r)
{
	int e = run_check_paths(r);

	if (e < 0 || r->unconfined)
		return e;
	e = filter_build(&r->sb.filter);
	if (e < 0)
		log_error("run: libseccomp.so.2 %s (install libseccomp2, or "
			  "use --security-opt seccomp=unconfined)",
			  e == -ENOENT ? "is not installed" : "is unusable");
	return e;
}

static int claim_name(struct run *r)
{
	int e;

	for (int tries = 0; tries < 2; tries++) {
		e = state_create(&r->st, r->name);
		if (e != -EEXIST || !r->replace || tries > 0)
			break;
		if (state_find(&r->st, r->name) == 0)
			(void)control_stop(&r->st, 10); /* then claim again */
	}
	if (e == -EEXIST)
		log_error("run: the name '%s' is in use by a running sandbox "
			  "(pick another, or add --replace)", r->name);
	else if (e < 0)
		control_state_error("run", r->st.root, e);
	return e;
}

static void put_state(struct run *r)
{
	char cmd[1024] = "", when[32], lst[64];
	size_t o = 0;

	for (char **a = r->sb.argv; *a && o < sizeof(cmd) - 1; a++)
		o += snprintf(cmd + o, sizeof(cmd) - o, "%s%s",
			      o ? " " : "", *a);
	snprintf(when, sizeof(when), "%lld", (long long)time(NULL));
	snprintf(lst, sizeof(lst), "%d", r->sb.n_fds);
	/* ps shows "?" for a field that failed to be written. */
	(void)state_put(&r->st, "command", cmd);
	(void)state_put(&r->st, "created", when);
	(void)state_put(&r->st, "listeners",
			r->listeners        ? r->listeners
			: getenv("LISTEN_FDNAMES") && r->sb.n_fds
				? getenv("LISTEN_FDNAMES")
				: lst);
	snprintf(lst, sizeof(lst), "%llx", (unsigned long long)r->sb.caps);
	(void)state_put(&r->st, "caps", lst);
	(void)state_put(&r->st, "seccomp",
			r->unconfined ? "unconfined" : "default");
}

int run_claim(struct run *r)
{
	int e = claim_name(r);

	if (e == 0)
		put_state(r);
	return e;
}

/* The end of one sandbox: its state goes, or, when the listening wick
 * owns the state, only its pid. */
static void release(struct run *r)
{
	if (r->listen_state)
		state_drop(&r->st, "sandbox");
	else
		state_remove(&r->st);
}

static const char *hint(const struct sandbox_error *e)
{
	if (!strcmp(e->what, "creating the namespaces") &&
	    (e->err == ENOSPC || e->err == EPERM || e->err == EUSERS))
		return " (user namespaces are not allowed here: see sysctl "
		       "user.max_user_namespaces and the host's policy)";
	if (!strncmp(e->what, "cannot run", 10) && e->err == ENOENT)
		return " (is it installed in the sandbox's root?)";
	if (!strncmp(e->what, "mounting overlay", 16))
		return " (try --read-only)";
	if (e->err == EMFILE || e->err == ENFILE)
		return " (raise ulimit -n; wick run needs about 16)";
	return "";
}

/* Returns 0 once the server runs, -1 for a prepared start that the
 * activator let go (nothing to report), or wick's exit status. */
static int start(struct run *r)
{
	struct sandbox_error e = {0};
	int err;

	err = sandbox_start(&r->sb, &e);
	if (err == 0)
		return 0;
	if (err == -ECANCELED && r->sb.go_fd >= 0)
		return -1;
	log_error("run: %s: %s%s", e.what, strerror(e.err), hint(&e));
	if (!strncmp(e.what, "cannot run", 10))
		return e.err == ENOENT ? 127 : 126;
	return 1;
}

/* With --init the server is pid 1's child; its host pid is the one a
 * service manager should watch. */
static pid_t server_pid(const struct run *r)
{
	char path[64], buf[64];
	FILE *f;
	int pid = 0;

	if (!r->sb.init)
		return r->sb.pid;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
		 (int)r->sb.pid, (int)r->sb.pid);
	f = fopen(path, "re");
	if (f && fgets(buf, sizeof(buf), f))
		pid = atoi(buf);
	if (f)
		fclose(f);
	return pid > 0 ? pid : r->sb.pid;
}

static void announce_ready(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (ready_fd < 0)
		return;
	if (write(ready_fd, "0", 1) != 1)
		log_debug("run: the foreground is gone");
	close(ready_fd);
	ready_fd = -1;
	/* From now on nobody reads our messages. */
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

static void after_start(struct run *r)
{
	char msg[64], pid[16];
	int fd, n;

	snprintf(pid, sizeof(pid), "%d", (int)r->sb.pid);
	/* ps shows "?" without it */
	(void)state_put(&r->st, r->listen_state ? "sandbox" : "pid", pid);
	log_debug("run: %s started as pid %d", r->st.name, (int)r->sb.pid);
	if (r->sdnotify == SDNOTIFY_CONMON && r->outer_notify) {
		n = snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%d",
			     (int)server_pid(r));
		fd = sdnotify_send(r->outer_notify, msg, n);
		if (fd < 0)
			log_error("run: cannot notify '%s': %s",
				  r->outer_notify, strerror(-fd));
	}
	if (r->relay_fd < 0)
		announce_ready();
}

/* A prepared start publishes its state once the server runs, so that
 * ps shows no sandbox before the first client, as without preparation;
 * one rename, as the server starts on the other CPU. When the name was
 * taken meanwhile, the usual claim says why (or, with --replace, stops
 * the other sandbox). A listening wick that holds the state itself
 * leaves nothing to publish. */
static int claim_late(struct run *r)
{
	char when[32];
	int e;

	if (r->listen_state)
		return 0;
	e = state_publish(&r->st);
	if (e < 0)
		e = run_claim(r);
	if (e < 0)
		return e;
	snprintf(when, sizeof(when), "%lld", (long long)time(NULL));
	(void)state_put(&r->st, "created", when); /* ps shows "?" */
	return 0;
}

/* The name was taken by another sandbox while this one waited. */
static int stop_unclaimed(struct run *r)
{
	(void)kill(r->sb.pid, SIGKILL);
	(void)waitpid(r->sb.pid, NULL, 0);
	return 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether PID has a handler for SIG or ignores it (SigCgt, SigIgn in
 * its status); a process that is gone counts as handling it. */
static bool handles(pid_t pid, int sig)
{
	unsigned long long mask, bit = 1ULL << (sig - 1);
	char path[64], line[128];
	bool found = false, r = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "SigIgn: %llx", &mask) == 1 ||
		    sscanf(line, "SigCgt: %llx", &mask) == 1) {
			r = r || (mask & bit);
			found = true;
		}
	if (f)
		fclose(f);
	return r || !found;
}

/* SIGTERM or SIGINT for the sandbox. As its pid 1 the server is spared
 * every signal it has no handler for, so one that would end any other
 * process is a SIGKILL here; a second stop signal is one in any case. */
static void stop_signal(struct run *r, int sig)
{
	static int count;

	if (++count > 1) {
		log_info("run: second SIG%s: killing %s", sigabbrev_np(sig),
			 r->st.name);
		(void)kill(r->sb.pid, SIGKILL); /* it may be gone */
		return;
	}
	if (r->sb.init || handles(r->sb.pid, sig)) {
		(void)kill(r->sb.pid, sig);
		return;
	}
	log_info("run: %s is pid 1 of %s without a SIG%s handler, which the "
		 "kernel then drops; sending SIGKILL (--init would pass it "
		 "on)", r->sb.argv[0], r->st.name, sigabbrev_np(sig));
	(void)kill(r->sb.pid, SIGKILL);
}

/* One signal: the sandbox's end (returns true) or one to pass on. */
static bool on_signal(struct run *r, int sfd, int *wstatus)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			stop_signal(r, (int)si.ssi_signo);
			continue;
		}
		if (si.ssi_signo != SIGCHLD) {
			(void)kill(r->sb.pid, si.ssi_signo); /* may be gone */
			continue;
		}
		if (waitpid(r->sb.pid, wstatus, WNOHANG) == r->sb.pid)
			return true;
	}
	return false;
}

static void on_notify(struct run *r, bool *ready)
{
	bool was = *ready;
	int e;

	e = sdnotify_relay_pump(r->relay_fd, r->outer_notify, server_pid(r),
				ready);
	if (e < 0)
		log_error("run: relaying to '%s': %s", r->outer_notify,
			  strerror(-e));
	if (*ready && !was)
		announce_ready();
}

static int supervise(struct run *r, int sfd)
{
	int64_t deadline = now_ms() + (int64_t)r->notify_timeout * 1000;
	bool ready = r->relay_fd < 0, timed_out = false;
	struct pollfd p[2] = {{sfd, POLLIN, 0}, {r->relay_fd, POLLIN, 0}};
	int wstatus = 0, n, wait;

	for (;;) {
		wait = ready ? -1 : (int)(deadline - now_ms());
		n = poll(p, r->relay_fd >= 0 ? 2 : 1, wait < 0 && !ready ? 0
								       : wait);
		if (n < 0 && errno != EINTR)
			return 1;
		if (n == 0 && !ready) {
			log_error("run: %s sent no READY=1 within %d s; "
				  "stopping it", r->st.name, r->notify_timeout);
			(void)kill(r->sb.pid, SIGKILL);
			ready = timed_out = true;
		}
		if (n > 0 && (p[1].revents & POLLIN))
			on_notify(r, &ready);
		if (n > 0 && (p[0].revents & POLLIN) &&
		    on_signal(r, sfd, &wstatus))
			break;
	}
	log_debug("run: %s exited with status %d", r->st.name,
		  spawn_exit_status(wstatus));
	return timed_out ? 1 : spawn_exit_status(wstatus);
}

/* The signals wick run handles, blocked from before the name is
 * claimed: a SIGTERM that arrived while it was being set up would end
 * it by default and leave the state behind; blocked, it waits for the
 * signalfd and stops the sandbox once that is started. */
static void handled_signals(sigset_t *set)
{
	static const int sigs[] = {SIGCHLD, SIGHUP,  SIGINT,   SIGQUIT,
				   SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

static int run_foreground(struct run *r)
{
	sigset_t set;
	int sfd, st;

	handled_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	block_sigpipe(); /* the sandbox starts with an empty mask */
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		log_error("run: signalfd: %s", strerror(errno));
		return 1;
	}
	st = start(r);
	if (st < 0)
		st = 0;
	else if (st == 0 && r->sb.go_fd >= 0 && claim_late(r) < 0)
		st = stop_unclaimed(r);
	else if (st == 0) {
		after_start(r);
		st = supervise(r, sfd);
	}
	cidfile_remove(r);
	close(sfd);
	return st;
}

/* Before preparing: a name that is in use now would only fail later. */
static bool name_in_use(const struct run *r)
{
	struct state other;

	if (!r->name || r->replace || state_find(&other, r->name) < 0 ||
	    !state_alive(&other))
		return false;
	log_error("run: the name '%s' is in use by a running sandbox "
		  "(pick another, or add --replace)", r->name);
	return true;
}

/* A prepared start (activate.h): the sandbox and, unless the listening
 * wick holds it, its state directory under a hidden name are made now;
 * the server runs on the go and the directory is published then. */
static int run_prepared(struct run *r)
{
	int st = 0;

	if (check_host(r) < 0 || (!r->listen_state && name_in_use(r)))
		return 1;
	if (!r->listen_state)
		st = state_prepare(&r->st, r->name);
	if (st < 0) {
		log_error("run: cannot keep state in '%s': %s", r->st.root,
			  strerror(-st));
		return 1;
	}
	r->outer_notify = getenv("NOTIFY_SOCKET");
	build_env(r);
	if (!r->listen_state)
		put_state(r);
	st = run_foreground(r);
	if (r->listen_state)
		release(r);
	else if (r->st.dir[0])
		state_remove(&r->st);
	return st;
}

/* The foreground returns once the sandbox runs (and is ready); a monitor
 * process stays to supervise it, holding the state's lock. */
static int run_detached(struct run *r, const sigset_t *old)
{
	int fds[2], null, ws;
	char c;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0 ||
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		log_error("run: --detach: %s", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		log_error("run: --detach: fork: %s", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		setsid();
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		for (int i = 0; i < 3; i++)
			r->sb.stdio[i] = null;
		ready_fd = fds[1];
		ws = run_foreground(r);
		state_remove(&r->st);
		_exit(ws);
	}
	close(fds[1]);
	close(null);
	if (r->st.lock_fd >= 0)
		close(r->st.lock_fd); /* the monitor's copy holds the lock */
	/* The monitor has the state now; a Ctrl-C may end this waiter. */
	sigprocmask(SIG_SETMASK, old, NULL);
	if (read(fds[0], &c, 1) == 1) {
		printf("%s\n", r->st.id);
		return 0;
	}
	waitpid(pid, &ws, 0);
	return spawn_exit_status(ws) ? spawn_exit_status(ws) : 1;
}

int run_execute(struct run *r)
{
	sigset_t set, old;
	int n, st;

	n = inherited_fds();
	if (n < 0)
		return 1;
	r->sb.n_fds = n;
	close_range(3 + n, ~0U, CLOSE_RANGE_CLOEXEC);
	handled_signals(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (r->sb.go_fd >= 0)
		return run_prepared(r);
	if (check_host(r) < 0 || (!r->listen_state && claim_name(r) < 0))
		return 1;
	if (cidfile_create(r) < 0) {
		release(r);
		return 1;
	}

	r->outer_notify = getenv("NOTIFY_SOCKET");
	if (r->sdnotify == SDNOTIFY_CONTAINER && r->outer_notify) {
		snprintf(r->notify_dir, sizeof(r->notify_dir), "%s/notify",
			 r->st.dir);
		r->relay_fd = sdnotify_relay_open(r->notify_dir);
		if (r->relay_fd < 0) {
			log_error("run: notify relay in '%s': %s",
				  r->notify_dir, strerror(-r->relay_fd));
			cidfile_remove(r);
			release(r);
			return 1;
		}
		r->sb.notify_dir = r->notify_dir;
		hand_over_notify(r);
	}
	build_env(r);
	if (!r->listen_state)
		put_state(r);
	if (r->detach)
		return run_detached(r, &old);
	st = run_foreground(r);
	release(r);
	return st;
}
