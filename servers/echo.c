/* echo.c — wick-echo: a socket-activated echo server on libwick. It serves
 * every socket it is handed in one epoll loop: stream and seqpacket
 * listeners (TCP, Unix, VSOCK), datagram sockets (UDP, Unix) and an
 * already-accepted connection (accept mode). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <wick/daemon.h>

#define CONN_BUF 65536     /* one read, or one seqpacket message */
#define MAX_CONNS 1000     /* open connections before accepting pauses */
#define BATCH 64           /* accepts or datagrams per wakeup, for fairness */

enum kind { LISTENER, DATAGRAM, CONN };

struct endpoint {
	enum kind kind;
	int fd;
	uint32_t events; /* what epoll watches now */
	char *buf;       /* CONN: bytes read and not yet echoed */
	size_t len, off;
};

struct echo {
	int epoll_fd;
	struct endpoint *passed; /* listeners and datagram sockets */
	size_t n_passed;
	size_t n_conns;
	bool limited;        /* --exit-after given */
	unsigned long left;  /* connections and datagrams still to take */
	bool starved;        /* accept ran out of fds; wait for a close */
	int idle_ms;         /* -1: never exit for idleness */
};

static char dgram_buf[1 << 18];

/* Makes epoll watch P for EVENTS; 0 takes it out of the set entirely,
 * since epoll reports errors even for an empty mask and a datagram
 * socket's pending ICMP error would then wake us in a loop. */
static int watch(struct echo *e, struct endpoint *p, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = p};
	int op = !events ? EPOLL_CTL_DEL
		 : !p->events ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;

	if (p->events == events)
		return 0;
	if (epoll_ctl(e->epoll_fd, op, p->fd, &ev) < 0)
		return -errno;
	p->events = events;
	return 0;
}

/* Listeners are watched while the budget lasts, below the connection cap
 * and while fds are available; datagram sockets while the budget lasts. */
static void arm_passed(struct echo *e)
{
	bool budget = !e->limited || e->left > 0;
	bool room = e->n_conns < MAX_CONNS && !e->starved;

	for (size_t i = 0; i < e->n_passed; i++) {
		struct endpoint *p = &e->passed[i];
		bool on = budget && (p->kind == DATAGRAM || room);

		/* Fails only without memory for a new entry; the socket
		 * then waits for the next change, its clients queued. */
		(void)watch(e, p, on ? EPOLLIN : 0);
	}
}

static void take_one(struct echo *e)
{
	if (e->limited && e->left > 0 && --e->left == 0)
		arm_passed(e);
}

static void conn_close(struct echo *e, struct endpoint *c)
{
	/* Removed by hand: an accept-mode connection may have a duplicate
	 * in the activator, which would keep it in the set after close. */
	(void)watch(e, c, 0);
	close(c->fd);
	free(c->buf);
	free(c);
	e->n_conns--;
	e->starved = false;
	arm_passed(e);
}

static int conn_add(struct echo *e, int fd)
{
	struct endpoint *c = calloc(1, sizeof(*c));
	int r;

	if (c)
		c->buf = malloc(CONN_BUF);
	if (!c || !c->buf) {
		free(c);
		close(fd);
		return -ENOMEM;
	}
	c->kind = CONN;
	c->fd = fd;
	r = watch(e, c, EPOLLIN);
	if (r < 0) {
		free(c->buf);
		free(c);
		close(fd);
		return r;
	}
	e->n_conns++;
	if (e->n_conns >= MAX_CONNS)
		arm_passed(e);
	return 0;
}

/* Sends what is pending; waits for EPOLLOUT when the peer is slow and
 * reads nothing more until it drains, so memory stays bounded. */
static void conn_output(struct echo *e, struct endpoint *c)
{
	while (c->off < c->len) {
		ssize_t n = send(c->fd, c->buf + c->off, c->len - c->off,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (watch(e, c, EPOLLOUT) < 0)
				conn_close(e, c);
			return;
		}
		if (n < 0) {
			/* Reset or gone: nothing left to echo to. */
			conn_close(e, c);
			return;
		}
		c->off += (size_t)n;
	}
	c->len = c->off = 0;
	if (watch(e, c, EPOLLIN) < 0)
		conn_close(e, c);
}

/* One read per wakeup; for seqpacket that is exactly one message, sent
 * back whole. End of stream (0) closes, as does any error but EAGAIN. A
 * zero-length seqpacket message reads as 0 too and also closes. */
static void conn_input(struct echo *e, struct endpoint *c)
{
	ssize_t n = recv(c->fd, c->buf, CONN_BUF, 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(e, c);
		return;
	}
	c->len = (size_t)n;
	c->off = 0;
	conn_output(e, c);
}

static bool accept_error_is_transient(int err)
{
	switch (err) {
	case ECONNABORTED: case EPROTO: case ENETDOWN: case ENOPROTOOPT:
	case EHOSTDOWN: case ENONET: case EHOSTUNREACH: case EOPNOTSUPP:
	case ENETUNREACH: case EPERM: case EINTR:
		return true;
	}
	return false;
}

static int on_listener(struct echo *e, struct endpoint *l)
{
	for (int i = 0; i < BATCH && (!e->limited || e->left > 0); i++) {
		int fd;

		if (e->n_conns >= MAX_CONNS)
			return 0;
		fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && errno == EAGAIN)
			return 0;
		if (fd < 0 && accept_error_is_transient(errno))
			continue; /* a client that reset before we got to it */
		if (fd < 0 && e->n_conns > 0) {
			/* Out of fds or memory: pause until one closes. */
			e->starved = true;
			arm_passed(e);
			return 0;
		}
		if (fd < 0)
			return -errno;
		take_one(e);
		if (conn_add(e, fd) < 0 && e->n_conns == 0)
			return -ENOMEM;
	}
	return 0;
}

/* A Unix sender that never bound an address cannot be answered. */
static bool has_reply_address(const struct sockaddr_storage *from,
			      socklen_t len)
{
	if (from->ss_family != AF_UNIX)
		return len > 0;
	return len > offsetof(struct sockaddr_un, sun_path);
}

static void on_datagram(struct echo *e, struct endpoint *d)
{
	for (int i = 0; i < BATCH && (!e->limited || e->left > 0); i++) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		ssize_t n;

		memset(&from, 0, sizeof(from));
		n = recvfrom(d->fd, dgram_buf, sizeof(dgram_buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* drained, or an ICMP error for an old reply */
		take_one(e);
		if (!has_reply_address(&from, len))
			continue;
		/* A reply that does not fit the peer's queue is dropped, as
		 * datagrams may be; waiting would stall every other client. */
		(void)sendto(d->fd, dgram_buf, (size_t)n,
			     MSG_DONTWAIT | MSG_NOSIGNAL,
			     (struct sockaddr *)&from, len);
	}
}

static int dispatch(struct echo *e, struct endpoint *p, uint32_t events)
{
	switch (p->kind) {
	case LISTENER:
		return on_listener(e, p);
	case DATAGRAM:
		on_datagram(e, p);
		return 0;
	case CONN:
		if (p->events & EPOLLOUT)
			conn_output(e, p);
		else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			conn_input(e, p);
		return 0;
	}
	return 0;
}

static bool finished(const struct echo *e)
{
	if (e->n_conns > 0)
		return false;
	if (e->limited && e->left == 0)
		return true;
	return e->n_passed == 0; /* accept mode: the connection is done */
}

static int serve(struct echo *e)
{
	struct epoll_event ev[BATCH];

	while (!finished(e)) {
		int n = epoll_wait(e->epoll_fd, ev, BATCH, e->idle_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0 && e->n_conns == 0)
			return 0; /* idle for --idle-exit seconds */
		for (int i = 0; i < n; i++) {
			int r = dispatch(e, ev[i].data.ptr, ev[i].events);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static int sockopt(int fd, int name)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, name, &v, &len) < 0)
		return -errno;
	return v;
}

/* Sorts passed fd FD into a listener, a datagram socket or a connection.
 * Returns 1 when taken, 0 when it is nothing we can serve. */
static int adopt(struct echo *e, int fd)
{
	int type = sockopt(fd, SO_TYPE);
	int listening = sockopt(fd, SO_ACCEPTCONN);
	struct endpoint *p;
	int r;

	if (wick_is_socket(fd, 0, 0, -1) <= 0 || type < 0 || listening < 0)
		return 0;
	if (type != SOCK_STREAM && type != SOCK_SEQPACKET &&
	    type != SOCK_DGRAM)
		return 0;
	r = set_nonblock(fd);
	if (r < 0)
		return r;
	if (type != SOCK_DGRAM && !listening) {
		take_one(e);
		return conn_add(e, fd) < 0 ? -ENOMEM : 1;
	}
	p = &e->passed[e->n_passed];
	p->kind = type == SOCK_DGRAM ? DATAGRAM : LISTENER;
	p->fd = fd;
	r = watch(e, p, EPOLLIN);
	if (r < 0)
		return r;
	e->n_passed++;
	return 1;
}

static int adopt_all(struct echo *e, int n)
{
	int served = 0;

	e->passed = calloc((size_t)n, sizeof(*e->passed));
	if (!e->passed)
		return -ENOMEM;
	for (int fd = WICK_LISTEN_FDS_START; fd < WICK_LISTEN_FDS_START + n;
	     fd++) {
		int r = adopt(e, fd);

		if (r < 0)
			return r;
		if (r == 0)
			fprintf(stderr, "wick-echo: fd %d is not a stream, "
				"datagram or seqpacket socket; ignoring it\n",
				fd);
		served += r;
	}
	return served;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wick-echo [--exit-after N] [--idle-exit SECS]\n"
		"Echoes on every socket passed by socket activation "
		"(LISTEN_FDS).\n\n"
		"  --exit-after N    exit after N connections or datagrams\n"
		"  --idle-exit SECS  exit after SECS seconds without clients\n"
		"  -h, --help        show this help\n\n"
		"Run it under an activator, e.g.\n"
		"  wick activate -l 127.0.0.1:3000 wick-echo\n");
}

/* A positive decimal for OPTION, or -1 after saying what is wrong. */
static long positive(const char *option, const char *text, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 1 || v > max ||
	    text[0] == '+' || text[0] == ' ') {
		fprintf(stderr, "wick-echo: %s '%s': expected a whole number "
			"from 1 to %ld\n", option, text, max);
		return -1;
	}
	return v;
}

static int parse_options(int argc, char **argv, struct echo *e)
{
	static const struct option opts[] = {
		{"exit-after", required_argument, NULL, 'n'},
		{"idle-exit", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	long v;
	int c;

	opterr = 0; /* our own one-line messages below */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			v = positive("--exit-after", optarg, LONG_MAX);
			if (v < 0)
				return 2;
			e->limited = true;
			e->left = (unsigned long)v;
			break;
		case 'i':
			v = positive("--idle-exit", optarg, INT_MAX / 1000);
			if (v < 0)
				return 2;
			e->idle_ms = (int)v * 1000;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "wick-echo: %s needs a value (run "
				"'wick-echo --help')\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "wick-echo: unknown option '%s' (run "
				"'wick-echo --help')\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wick-echo: unexpected argument '%s' (it takes "
			"options only)\n", argv[optind]);
		return 2;
	}
	return -1;
}

/* The passed sockets, or -1 after saying why there are none. */
static int passed_sockets(void)
{
	/* Copies: wick_listen_fds(1) removes the variables. */
	char *fds = getenv("LISTEN_FDS") ? strdup(getenv("LISTEN_FDS")) : NULL;
	char *pid = getenv("LISTEN_PID") ? strdup(getenv("LISTEN_PID")) : NULL;
	bool have_fds = getenv("LISTEN_FDS") != NULL;
	int n = wick_listen_fds(1);

	if (n == -EBADF)
		fprintf(stderr, "wick-echo: LISTEN_FDS=%s promises fds that "
			"are not open (is something between the activator "
			"and wick-echo closing them?)\n", fds ? fds : "");
	else if (n < 0)
		fprintf(stderr, "wick-echo: LISTEN_FDS='%s' LISTEN_PID='%s': "
			"%s (expected a socket count of 1 or more and a pid)\n",
			fds ? fds : "", pid ? pid : "", strerror(-n));
	free(fds);
	free(pid);
	if (n > 0)
		return n;
	if (n < 0)
		return -1;
	if (!have_fds)
		fprintf(stderr, "wick-echo: no sockets passed (LISTEN_FDS "
			"unset); run it under 'wick activate'\n");
	else
		fprintf(stderr, "wick-echo: no sockets passed (LISTEN_PID is "
			"not this process); run it under 'wick activate'\n");
	return -1;
}

/* As pid 1 of a container or sandbox, a signal without a handler is
 * ignored; an echo server has nothing to flush, so a stop is an exit. */
static void on_stop(int sig)
{
	(void)sig;
	_exit(0);
}

int main(int argc, char **argv)
{
	struct echo e = {.idle_ms = -1};
	struct sigaction sa = {.sa_handler = on_stop};
	int n, r;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	r = parse_options(argc, argv, &e);
	if (r >= 0)
		return r;
	n = passed_sockets();
	if (n < 0)
		return 1;

	e.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (e.epoll_fd < 0) {
		fprintf(stderr, "wick-echo: epoll: %s\n", strerror(errno));
		return 1;
	}
	r = adopt_all(&e, n);
	if (r == 0) {
		fprintf(stderr, "wick-echo: none of the passed fds is a socket "
			"it can serve\n");
		r = -ENOTSOCK;
	} else if (r > 0) {
		r = serve(&e);
	}
	if (r < 0 && r != -ENOTSOCK)
		fprintf(stderr, "wick-echo: %s\n", strerror(-r));
	/* Connections still open after an error are closed by exit. */
	free(e.passed);
	close(e.epoll_fd);
	return r < 0 ? 1 : 0;
}
