/* activate.c — the activation engine: sleeps on the listeners, starts the
 * service on the first trigger, supervises it and re-arms. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/param.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "activate.h"
#include "log.h"
#include "spawn.h"

#define TAG_SIGNAL UINT32_MAX
#define TAG_TIMER (UINT32_MAX - 1)
#define BACKOFF_MAX_S 60

struct engine {
	struct activation *a;
	struct spawn_env env;
	char *path;        /* resolved service executable */
	char *names;       /* LISTEN_FDNAMES value, or NULL */
	int *fds;          /* listener fds in order */
	sigset_t oldmask;  /* restored in children */
	int epfd, sigfd, timerfd;
	bool armed;
	bool backing_off;
	bool stopping;
	pid_t main_pid;    /* Accept=no */
	pid_t main_group;  /* its process group, while a member lives */
	pid_t prepared_pid; /* a start waiting for its go (prepare hook) */
	int go_fd;          /* write end of its go pipe */
	bool prepare_failed; /* the last one ended early: skip one turn */
	pid_t *instances;  /* Accept=yes */
	union sockaddr_any *peers; /* of each instance, same order */
	size_t n_instances;
	uint64_t window_start;
	unsigned window_starts;
	unsigned backoff_s;
	unsigned accept_pause_ms; /* while accept(2) runs out of fds */
};

void activation_default(struct activation *a)
{
	memset(a, 0, sizeof(*a));
	a->max_connections = 64;
	a->trigger_burst = 20;
	a->trigger_interval_us = 2000000;
	a->stop_timeout_us = 10000000;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static const char *listener_text(const struct listener *l, char *buf,
				 size_t size)
{
	address_format(&l->addr, buf, size);
	return buf;
}

static int arm(struct engine *e, bool on)
{
	struct epoll_event ev = {.events = EPOLLIN};

	if (e->armed == on)
		return 0;
	for (size_t i = 0; i < e->a->n_listeners; i++) {
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(e->epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL,
			      e->fds[i], &ev) < 0)
			return -errno;
	}
	e->armed = on;
	return 0;
}

static void set_timer(struct engine *e, uint64_t ms)
{
	struct itimerspec its = {
		.it_value = {.tv_sec = (time_t)(ms / 1000),
			     .tv_nsec = (long)(ms % 1000) * 1000000},
	};

	(void)timerfd_settime(e->timerfd, 0, &its, NULL); /* cannot fail */
}

/* The first listener that still has a client or datagram waiting. */
static int pending_trigger(const struct engine *e)
{
	for (size_t i = 0; i < e->a->n_listeners; i++) {
		struct pollfd p = {.fd = e->fds[i], .events = POLLIN};

		if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
			return (int)i;
	}
	return -1;
}

/* systemd's trigger limit, except that wick pauses instead of failing
 * the socket for good. Returns true when a start is allowed now. */
static bool trigger_allowed(struct engine *e, size_t trigger)
{
	const struct activation *a = e->a;
	uint64_t now = now_us();
	char where[ADDRESS_TEXT_MAX];

	if (now - e->window_start > a->trigger_interval_us) {
		if (now - e->window_start > 4 * a->trigger_interval_us)
			e->backoff_s = 0;
		e->window_start = now;
		e->window_starts = 0;
	}
	if (++e->window_starts <= a->trigger_burst)
		return true;

	e->backoff_s = e->backoff_s ? e->backoff_s * 2 : 1;
	if (e->backoff_s > BACKOFF_MAX_S)
		e->backoff_s = BACKOFF_MAX_S;
	log_error("trigger limit: %u starts within %.1fs and %s still has a "
		  "client waiting; pausing %us (does the service accept on "
		  "its sockets?)",
		  a->trigger_burst, (double)a->trigger_interval_us / 1e6,
		  listener_text(&a->listeners[trigger], where, sizeof(where)),
		  e->backoff_s);
	(void)arm(e, false); /* DEL of registered fds does not fail */
	e->backing_off = true;
	set_timer(e, (uint64_t)e->backoff_s * 1000);
	return false;
}

static void log_start(const struct engine *e, pid_t pid, const char *why)
{
	log_info("started %s as pid %d (%s)", e->a->argv[0], (int)pid, why);
}

/* Runs the prepare hook ahead of the next trigger, so that a client
 * waits only for the go and the service's own start. */
static void prepare(struct engine *e)
{
	struct activation *a = e->a;
	struct spawn s = {
		.path = e->path, .argv = a->argv, .fds = e->fds,
		.n_fds = a->n_listeners, .inetd = a->inetd,
		.names = e->names, .sigmask = &e->oldmask,
		.prepare = a->prepare, .hook_data = a->exec_data,
	};
	int go[2];
	pid_t pid;

	if (!a->prepare || a->accept || e->prepared_pid > 0 ||
	    e->main_pid > 0 || e->stopping || e->prepare_failed)
		return;
	if (pipe2(go, O_CLOEXEC) < 0) {
		log_error("cannot prepare %s: %s (starting it on the trigger "
			  "instead)", a->argv[0], strerror(errno));
		return;
	}
	s.go_fd = go[0];
	pid = spawn_service(&s, &e->env);
	close(go[0]);
	if (pid < 0) {
		close(go[1]);
		log_error("cannot prepare %s: %s (starting it on the trigger "
			  "instead)", a->argv[0], strerror((int)-pid));
		return;
	}
	e->prepared_pid = pid;
	e->go_fd = go[1];
	log_debug("prepared %s as pid %d", a->argv[0], (int)pid);
}

/* Lets the prepared start go: true when it took the go. */
static bool release_prepared(struct engine *e)
{
	ssize_t n;

	if (e->prepared_pid <= 0)
		return false;
	n = write(e->go_fd, "g", 1); /* EPIPE when it has ended */
	close(e->go_fd);
	e->go_fd = -1;
	if (n != 1) {
		log_debug("the prepared start is gone; starting anew");
		return false;
	}
	e->main_pid = e->prepared_pid;
	e->prepared_pid = 0;
	return true;
}

/* Stop: EOF on the go pipe sends the prepared start away. */
static void drop_prepared(struct engine *e)
{
	if (e->go_fd >= 0)
		close(e->go_fd);
	e->go_fd = -1;
}

static void start_main(struct engine *e, int trigger)
{
	struct activation *a = e->a;
	char where[ADDRESS_TEXT_MAX];
	struct spawn s = {
		.path = e->path, .argv = a->argv, .fds = e->fds,
		.n_fds = a->n_listeners, .inetd = a->inetd,
		.names = e->names, .sigmask = &e->oldmask,
		.hook = a->exec, .hook_data = a->exec_data,
	};
	pid_t pid;

	if (trigger >= 0 && !trigger_allowed(e, (size_t)trigger))
		return;
	if (release_prepared(e)) {
		pid = e->main_pid;
	} else {
		pid = spawn_service(&s, &e->env);
		e->prepare_failed = false;
	}
	if (pid < 0) {
		log_error("cannot start %s: %s (check the command; retrying "
			  "on the next client)",
			  a->argv[0], strerror((int)-pid));
		return;
	}
	(void)arm(e, false);
	e->main_pid = pid;
	e->main_group = a->exec ? 0 : pid;
	if (trigger < 0)
		log_start(e, pid, "at once, before any client");
	else
		log_start(e, pid,
			  listener_text(&a->listeners[trigger], where,
					sizeof(where)));
}

static void reap(struct engine *e);

/* An instance that closed its connection is still exiting for a few
 * microseconds; its client may already be back. Waits up to 20 ms for
 * one SIGCHLD, so that a client is not refused for that. */
static void await_exit(struct engine *e)
{
	const struct timespec wait = {.tv_nsec = 20 * 1000000};
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigtimedwait(&chld, NULL, &wait) == SIGCHLD)
		reap(e);
}

static void refuse(const struct engine *e, int conn, const char *peer)
{
	log_error("refused connection from %s: %zu instances running "
		  "(--max-connections %u)",
		  peer, e->n_instances, e->a->max_connections);
	close(conn);
}

/* Same source for MaxConnectionsPerSource=: the peer's IP address (any
 * port), or its VSOCK CID; Unix peers are not counted. */
static bool same_source(const union sockaddr_any *a,
			const union sockaddr_any *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	switch (a->sa.sa_family) {
	case AF_INET:
		return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	case AF_INET6:
		return !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr,
			       sizeof(a->in6.sin6_addr));
	case AF_VSOCK:
		return a->vm.svm_cid == b->vm.svm_cid;
	}
	return false;
}

static bool source_full(const struct engine *e, const union sockaddr_any *p)
{
	unsigned n = 0;

	if (!e->a->max_per_source)
		return false;
	for (size_t i = 0; i < e->n_instances; i++)
		n += same_source(&e->peers[i], p);
	return n >= e->a->max_per_source;
}

static void start_instance(struct engine *e, int conn,
			   const union sockaddr_any *peer, socklen_t len)
{
	struct activation *a = e->a;
	char addr[INET6_ADDRSTRLEN] = "", text[ADDRESS_TEXT_MAX];
	struct address pa = {.sa = *peer, .len = len};
	unsigned port = 0;
	bool ip = address_remote(peer, addr, sizeof(addr), &port);
	struct spawn s = {
		.path = e->path, .argv = a->argv, .fds = &conn, .n_fds = 1,
		.inetd = a->inetd, .names = "connection",
		.remote_addr = ip ? addr : NULL, .remote_port = port,
		.sigmask = &e->oldmask,
		.hook = a->exec, .hook_data = a->exec_data,
	};
	pid_t pid;

	if (pa.sa.sa.sa_family == AF_UNIX && len <= sizeof(sa_family_t))
		strcpy(text, "(unnamed)");
	else
		address_format(&pa, text, sizeof(text));
	/* Instances may have ended since the last SIGCHLD was read: count
	 * only the live ones before refusing anybody, and give one that has
	 * just closed its connection a moment to finish exiting. */
	if (e->n_instances >= a->max_connections || source_full(e, peer))
		reap(e);
	if (e->n_instances >= a->max_connections || source_full(e, peer))
		await_exit(e);
	if (e->n_instances >= a->max_connections) {
		refuse(e, conn, text);
		return;
	}
	if (source_full(e, peer)) {
		log_error("refused connection from %s: %u instances for that "
			  "source (MaxConnectionsPerSource)",
			  text, a->max_per_source);
		close(conn);
		return;
	}
	pid = spawn_service(&s, &e->env);
	close(conn);
	if (pid < 0) {
		log_error("cannot start %s for %s: %s", a->argv[0], text,
			  strerror((int)-pid));
		return;
	}
	e->peers[e->n_instances] = *peer;
	e->instances[e->n_instances++] = pid;
	log_debug("connection from %s: started pid %d", text, (int)pid);
}

static void accept_all(struct engine *e, size_t i)
{
	char where[ADDRESS_TEXT_MAX];
	union sockaddr_any peer;
	int err;
	socklen_t len;
	int conn;

	/* Bounded, so one busy listener cannot starve the others. */
	for (int n = 0; n < 64; n++) {
		len = sizeof(peer);
		conn = accept4(e->fds[i], &peer.sa, &len, SOCK_CLOEXEC);
		if (conn >= 0 && e->accept_pause_ms) {
			log_info("accepting again");
			e->accept_pause_ms = 0;
		}
		if (conn >= 0) {
			start_instance(e, conn, &peer, len);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
			continue;
		if (errno == EAGAIN)
			return;
		/* Out of fds or memory: the clients stay queued while wick
		 * pauses, longer each time, and says so once. */
		err = errno;
		if (!e->accept_pause_ms)
			log_error("accept on %s: %s%s; pausing until it works",
				  listener_text(&e->a->listeners[i], where,
						sizeof(where)),
				  strerror(err),
				  err == EMFILE ? " (raise ulimit -n)" : "");
		e->accept_pause_ms = e->accept_pause_ms
					     ? MIN(e->accept_pause_ms * 2, 2000)
					     : 100;
		(void)arm(e, false);
		e->backing_off = true;
		set_timer(e, e->accept_pause_ms);
		return;
	}
}

/* A plain service leads its own process group, so a signal reaches what
 * it started too, as systemd's control group does. A hook (wick run, a
 * unit) supervises its own children and gets the signal alone. */
static void signal_service(const struct engine *e, pid_t pid, int sig)
{
	(void)kill(e->a->exec ? pid : -pid, sig); /* it may be gone */
}

/* Once the group is gone its id is forgotten: a later, unrelated group
 * may get the same number. */
static bool group_alive(struct engine *e)
{
	if (e->main_group <= 0)
		return false;
	if (kill(-e->main_group, 0) == 0)
		return true;
	e->main_group = 0;
	return false;
}

static void forward(struct engine *e, int sig)
{
	if (e->main_pid > 0)
		signal_service(e, e->main_pid, sig);
	else if (group_alive(e))
		(void)kill(-e->main_group, sig);
	if (e->prepared_pid > 0 && sig == SIGKILL)
		(void)kill(e->prepared_pid, sig);
	for (size_t i = 0; i < e->n_instances; i++)
		signal_service(e, e->instances[i], sig);
}

static bool idle(struct engine *e)
{
	return e->main_pid <= 0 && e->n_instances == 0 && !group_alive(e) &&
	       e->prepared_pid <= 0;
}

static void stop(struct engine *e, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	if (e->stopping) {
		log_info("second %s: killing the service", strsignal(sig));
		forward(e, SIGKILL);
		return;
	}
	e->stopping = true;
	(void)arm(e, false);
	e->backing_off = false;
	drop_prepared(e);
	if (idle(e))
		return;
	set_timer(e, e->a->stop_timeout_us / 1000);
	if (e->main_pid <= 0 && e->n_instances == 0 && !group_alive(e))
		return; /* only a prepared start, which the EOF ends */
	log_info("%s: stopping the service", strsignal(sig));
	/* The service has its own process group: a terminal's signal
	 * reached only ours, so it is forwarded too. */
	forward(e, sig);
}

static void describe_exit(char *buf, size_t size, int status)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exited with status %d",
			 WEXITSTATUS(status));
	else
		snprintf(buf, size, "killed by signal %s%s",
			 sigabbrev_np(WTERMSIG(status)) ?: "?",
			 WCOREDUMP(status) ? " (core dumped)" : "");
}

static void main_exited(struct engine *e, int status)
{
	char how[64];

	describe_exit(how, sizeof(how), status);
	log_info("pid %d %s%s", (int)e->main_pid, how,
		 e->stopping ? "" : "; listening again");
	e->main_pid = 0;
	/* What it left running would hold the sockets beside the next
	 * start; systemd stops such leftovers too. */
	if (!e->stopping && group_alive(e)) {
		log_info("stopping what pid %d left running in its process "
			 "group",
			 (int)e->main_group);
		(void)kill(-e->main_group, SIGTERM); /* they may be gone */
	}
	if (e->stopping || e->backing_off)
		return;
	/* Only worth a poll per listener when someone reads debug lines;
	 * the trigger limit copes with an untaken trigger either way. */
	if (log_level >= 2 && pending_trigger(e) >= 0)
		log_debug("the service left a trigger untaken");
	(void)arm(e, true); /* ADD of open fds does not fail */
	prepare(e);
}

static void prepared_exited(struct engine *e, int status)
{
	char how[64];

	describe_exit(how, sizeof(how), status);
	e->prepared_pid = 0;
	drop_prepared(e);
	if (e->stopping)
		return;
	/* Its own error is logged already; the trigger retries for real. */
	e->prepare_failed = true;
	log_error("the prepared start of %s %s (starting it on the next "
		  "trigger instead)", e->a->argv[0], how);
}

static void reap(struct engine *e)
{
	char how[64];
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == e->main_pid) {
			main_exited(e, status);
			continue;
		}
		if (pid == e->prepared_pid) {
			prepared_exited(e, status);
			continue;
		}
		for (size_t i = 0; i < e->n_instances; i++) {
			if (e->instances[i] != pid)
				continue;
			e->instances[i] = e->instances[--e->n_instances];
			e->peers[i] = e->peers[e->n_instances];
			describe_exit(how, sizeof(how), status);
			log_debug("instance pid %d %s", (int)pid, how);
			break;
		}
		/* Anything else is an orphan we adopted as subreaper. */
	}
}

static void on_signal(struct engine *e)
{
	struct signalfd_siginfo si;

	while (read(e->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(e);
			break;
		case SIGTERM:
		case SIGINT:
			stop(e, &si);
			break;
		default: /* SIGHUP, SIGUSR1, SIGUSR2: the service's business */
			forward(e, (int)si.ssi_signo);
		}
	}
}

static void on_timer(struct engine *e)
{
	uint64_t ticks;

	(void)read(e->timerfd, &ticks, sizeof(ticks)); /* just a wake-up */
	if (e->stopping) {
		log_error("the service did not stop within %.1fs; killing it",
			  (double)e->a->stop_timeout_us / 1e6);
		forward(e, SIGKILL);
		return;
	}
	e->backing_off = false;
	e->window_start = now_us();
	e->window_starts = 0;
	if (e->a->accept && e->accept_pause_ms) {
		(void)arm(e, true); /* quietly: the pause was announced */
	} else if (e->a->accept || e->main_pid <= 0) {
		log_info("resuming: listening again");
		(void)arm(e, true);
		prepare(e);
	}
}

static void on_listener(struct engine *e, size_t i)
{
	if (e->a->accept)
		accept_all(e, i);
	else if (e->main_pid <= 0)
		start_main(e, (int)i);
}

static int loop(struct engine *e)
{
	struct epoll_event ev[16];
	int n;

	while (!(e->stopping && idle(e))) {
		n = epoll_wait(e->epfd, ev, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int k = 0; k < n; k++) {
			uint32_t tag = ev[k].data.u32;

			if (tag == TAG_SIGNAL)
				on_signal(e);
			else if (tag == TAG_TIMER)
				on_timer(e);
			else if (e->armed && !e->stopping)
				on_listener(e, tag);
		}
	}
	return 0;
}

/* LISTEN_FDNAMES: only when some listener was named, "unknown" filling
 * the gaps, as a library would report the unnamed ones anyway. */
static int join_names(struct engine *e)
{
	const struct activation *a = e->a;
	size_t len = 0;
	bool any = false;

	for (size_t i = 0; i < a->n_listeners; i++) {
		const char *n = a->listeners[i].name;

		any |= n != NULL;
		len += strlen(n ? n : "unknown") + 1;
	}
	if (!any || a->accept)
		return 0;
	e->names = calloc(1, len);
	if (!e->names)
		return -ENOMEM;
	for (size_t i = 0; i < a->n_listeners; i++) {
		const char *n = a->listeners[i].name;

		if (i)
			strcat(e->names, ":");
		strcat(e->names, n ? n : "unknown");
	}
	return 0;
}

static int watch(struct engine *e, int fd, uint32_t tag)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = tag};

	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static sigset_t original_mask;
static bool signals_blocked;

static void supervisor_signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGCHLD);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGHUP);
	sigaddset(mask, SIGUSR1);
	sigaddset(mask, SIGUSR2);
}

void activation_block_signals(void)
{
	sigset_t mask;

	if (signals_blocked)
		return;
	supervisor_signals(&mask);
	/* A shell starts background jobs with SIGINT ignored, which would
	 * hide it from the signalfd; a supervisor must see its stop signal,
	 * and services start with default dispositions, as under systemd. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&mask, sig))
			signal(sig, SIG_DFL);
	(void)sigprocmask(SIG_BLOCK, &mask, &original_mask); /* valid set */
	signals_blocked = true;
}

static int setup_signals(struct engine *e)
{
	sigset_t mask;

	activation_block_signals();
	e->oldmask = original_mask;
	supervisor_signals(&mask);
	/* A log line into a closed pipe (wick … 2>&1 | head) must fail
	 * with EPIPE, not end wick and orphan the service; children get
	 * the old mask back, so they see SIGPIPE as usual. */
	block_sigpipe();
	e->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (e->sigfd < 0)
		return -errno;
	/* Orphans of the service are ours to reap: PID 1 may be slow. */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1); /* a courtesy, not needed */
	return watch(e, e->sigfd, TAG_SIGNAL);
}

static int set_blocking(int fd, bool blocking)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	fl = blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl) < 0 ? -errno : 0;
}

static int engine_init(struct engine *e)
{
	struct activation *a = e->a;
	int r;

	e->fds = calloc(a->n_listeners + 1, sizeof(int));
	e->instances = calloc(a->max_connections + 1, sizeof(pid_t));
	e->peers = calloc(a->max_connections + 1, sizeof(*e->peers));
	if (!e->fds || !e->instances || !e->peers)
		return -ENOMEM;
	/* The service gets blocking sockets, as from systemd; wick accepts
	 * itself only in accept mode, and never blocks there. */
	for (size_t i = 0; i < a->n_listeners; i++) {
		e->fds[i] = a->listeners[i].fd;
		r = set_blocking(e->fds[i], !a->accept);
		if (r < 0)
			return r;
	}
	r = join_names(e);
	if (r == 0)
		r = spawn_env_init(&e->env, a->setenv);
	if (r < 0)
		return r;
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	e->timerfd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (e->epfd < 0 || e->timerfd < 0)
		return -errno;
	r = watch(e, e->timerfd, TAG_TIMER);
	if (r == 0)
		r = setup_signals(e);
	return r;
}

static void engine_free(struct engine *e)
{
	if (e->sigfd >= 0) {
		close(e->sigfd);
		/* SIGPIPE stays blocked: one may be pending, and wick
		 * still logs while it cleans up. */
		sigaddset(&e->oldmask, SIGPIPE);
		sigprocmask(SIG_SETMASK, &e->oldmask, NULL);
		signals_blocked = false;
	}
	drop_prepared(e);
	if (e->timerfd >= 0)
		close(e->timerfd);
	if (e->epfd >= 0)
		close(e->epfd);
	spawn_env_free(&e->env);
	free(e->fds);
	free(e->instances);
	free(e->peers);
	free(e->names);
}

int activation_run(struct activation *a)
{
	struct engine e = {.a = a, .epfd = -1, .sigfd = -1, .timerfd = -1,
			   .go_fd = -1};
	char where[ADDRESS_TEXT_MAX];
	int r;

	e.path = a->path;
	r = engine_init(&e);
	if (r < 0) {
		log_error("cannot set up supervision: %s%s", strerror(-r),
			  r == -EMFILE ? " (raise ulimit -n)" : "");
		engine_free(&e);
		return 1;
	}
	for (size_t i = 0; i < a->n_listeners; i++)
		log_info("listening on %s (%s) as fd %zu",
			 listener_text(&a->listeners[i], where, sizeof(where)),
			 listener_type_name(a->listeners[i].type), i + 3);
	r = arm(&e, true);
	if (r == 0)
		prepare(&e);
	if (r == 0 && a->now && !a->accept)
		start_main(&e, -1);
	if (r == 0)
		r = loop(&e);
	if (r < 0)
		log_error("supervision failed: %s", strerror(-r));
	engine_free(&e);
	return r < 0 ? 1 : 0;
}
