/* load.c — wick-load, the benchmark's own client: cold-start time to first
 * byte, accept-mode connection rate and the activation storm. Loopback
 * only by design: every address it is given must be in 127.0.0.0/8. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define USAGE \
	"usage: wick-load ttfb IP PORT PATH [--spawn COMMAND...]\n" \
	"       wick-load accept IP PORT CONNECTIONS CLIENTS\n" \
	"       wick-load storm-tcp IP PORT CLIENTS\n" \
	"       wick-load storm-udp IP PORT CLIENTS\n"

/* Every wait is bounded: a run that takes longer has failed. */
#define DEADLINE_NS (20 * 1000000000LL)

static struct sockaddr_in target;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Parses IP and PORT into `target`, refusing anything off loopback. */
static int target_parse(const char *ip, const char *port)
{
	char *end;
	long p = strtol(port, &end, 10);

	if (*end || p < 1 || p > 65535)
		return -ERANGE;
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, ip, &target.sin_addr) != 1)
		return -EINVAL;
	if ((ntohl(target.sin_addr.s_addr) >> 24) != 127)
		return -EADDRNOTAVAIL;
	return 0;
}

static int socket_new(int type)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

/* Closes with a reset so that thousands of short connections leave no
 * TIME_WAIT entries to exhaust the ephemeral ports. */
static void close_reset(int fd)
{
	struct linger l = {.l_onoff = 1, .l_linger = 0};

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void set_timeout(int fd, int seconds)
{
	struct timeval tv = {.tv_sec = seconds};

	/* Failing only loses the bound, which the deadline still gives. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static pid_t spawn(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid < 0 ? -errno : pid;
}

/* Connects, retrying while nothing listens yet (a server still starting)
 * every 50 µs, until DEADLINE. */
static int connect_retry(long long deadline)
{
	struct timespec pause = {.tv_nsec = 50000};

	while (now_ns() < deadline) {
		int fd = socket_new(SOCK_STREAM);

		if (fd < 0)
			return fd;
		if (!connect(fd, (struct sockaddr *)&target, sizeof(target)))
			return fd;
		int e = errno;
		close(fd);
		if (e != ECONNREFUSED)
			return -e;
		nanosleep(&pause, NULL);
	}
	return -ETIMEDOUT;
}

/* Sends one HTTP request on FD and waits for the first byte back. */
static int first_byte(int fd, const char *path)
{
	char req[512], byte;
	int n;

	set_timeout(fd, 10);
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);
	if (n < 0 || (size_t)n >= sizeof(req))
		return -ENAMETOOLONG;
	if (write(fd, req, (size_t)n) != n)
		return -errno;
	n = (int)read(fd, &byte, 1);
	if (n < 0)
		return -errno;
	return n == 1 ? 0 : -ECONNRESET;
}

/* Ends the spawned server: SIGTERM, then SIGKILL after 5 s. */
static void reap(pid_t child)
{
	struct timespec pause = {.tv_nsec = 10000000};
	int status;

	kill(child, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(child, &status, WNOHANG) != 0)
			return;
		nanosleep(&pause, NULL);
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
}

/* Time from before connect (or before the spawn) to the first byte of the
 * answer to one HTTP request. */
static int run_ttfb(const char *path, char **spawn_argv)
{
	pid_t child = 0;
	long long t0 = now_ns();
	int fd, r;

	if (spawn_argv && (child = spawn(spawn_argv)) < 0)
		return child;
	fd = connect_retry(t0 + DEADLINE_NS);
	r = fd < 0 ? fd : first_byte(fd, path);
	if (r == 0)
		printf("%.3f\n", (double)(now_ns() - t0) / 1e6);
	if (fd >= 0)
		close(fd);
	if (child > 0)
		reap(child);
	return r;
}

struct accept_job {
	unsigned count;
	unsigned ok;
	unsigned failed;
	long long deadline;
};

/* One short echo connection: send, half-close, read the echo and EOF. */
static bool echo_once(void)
{
	static const char msg[] = "ping\n";
	char buf[64];
	size_t got = 0;
	ssize_t n;
	int fd = socket_new(SOCK_STREAM);

	if (fd < 0)
		return false;
	set_timeout(fd, 5);
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0 ||
	    write(fd, msg, sizeof(msg) - 1) != sizeof(msg) - 1 ||
	    shutdown(fd, SHUT_WR) < 0) {
		close_reset(fd);
		return false;
	}
	while (got < sizeof(buf) &&
	       (n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	close_reset(fd);
	return n == 0 && got == sizeof(msg) - 1 && !memcmp(buf, msg, got);
}

static void *accept_client(void *data)
{
	struct accept_job *job = data;

	for (unsigned i = 0; i < job->count && now_ns() < job->deadline; i++) {
		if (echo_once())
			job->ok++;
		else
			job->failed++;
	}
	return NULL;
}

/* CONNECTIONS short echo connections spread over CLIENTS threads. */
static int run_accept(unsigned total, unsigned clients)
{
	pthread_t tid[64];
	struct accept_job job[64];
	unsigned ok = 0, failed = 0;
	long long t0 = now_ns();

	if (clients < 1 || clients > 64 || total < clients)
		return -ERANGE;
	for (unsigned i = 0; i < clients; i++) {
		job[i] = (struct accept_job){
			.count = total / clients + (i < total % clients),
			.deadline = t0 + 3 * DEADLINE_NS,
		};
		if (pthread_create(&tid[i], NULL, accept_client, &job[i]))
			return -EAGAIN;
	}
	for (unsigned i = 0; i < clients; i++) {
		pthread_join(tid[i], NULL);
		ok += job[i].ok;
		failed += job[i].failed;
	}
	double s = (double)(now_ns() - t0) / 1e9;
	printf("%.1f %u %u %.3f\n", ok / s, ok, failed, s);
	return failed ? -EIO : 0;
}

static void raise_fd_limit(unsigned need)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < need + 64) {
		r.rlim_cur = r.rlim_max;
		/* Failure shows up as socket() errors, reported below. */
		(void)setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* One epoll event of a storm client; returns 1 when it got its answer. */
static unsigned storm_event(int ep, int fd, struct epoll_event *ev,
			    char *buf, size_t size, long long *last)
{
	if (ev->events & EPOLLIN && read(fd, buf, size) > 0) {
		*last = now_ns();
		epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
		(void)shutdown(fd, SHUT_WR); /* UDP: ENOTCONN, harmless */
		return 1;
	}
	if (ev->events & (EPOLLERR | EPOLLHUP)) {
		epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	} else if (ev->events & EPOLLOUT) {
		struct epoll_event e = {.events = EPOLLIN, .data = ev->data};

		/* A failed send simply stays unanswered. */
		(void)!write(fd, "x\n", 2);
		epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
	}
	return 0;
}

/* Opens N sockets of TYPE, connects them all, sends one small message on
 * each; fds[i] < 0 marks a client that failed at once. */
static unsigned storm_open(int type, int *fds, unsigned n)
{
	unsigned opened = 0;

	for (unsigned i = 0; i < n; i++) {
		fds[i] = socket_new(type | SOCK_NONBLOCK);
		if (fds[i] < 0)
			continue;
		if (connect(fds[i], (struct sockaddr *)&target,
			    sizeof(target)) < 0 && errno != EINPROGRESS) {
			close(fds[i]);
			fds[i] = -1;
			continue;
		}
		opened++;
	}
	return opened;
}

/* Drives every client: send once writable, count it answered at its first
 * byte back and then half-close (a one-at-a-time server moves on at EOF).
 * Stops at END, or 2 s after the last progress once any answer came (the
 * rest were lost); *last gets the time of the last answer. */
static unsigned storm_drive(int ep, int *fds, unsigned n, long long end,
			   long long *last)
{
	struct epoll_event ev[256];
	unsigned answered = 0, open = 0;
	char buf[64];

	for (unsigned i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		struct epoll_event e = {.events = EPOLLOUT | EPOLLIN,
					.data.u32 = i};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e) == 0)
			open++;
	}
	while (answered < open && now_ns() < end &&
	       !(answered && now_ns() - *last > 2000000000LL)) {
		int k = epoll_wait(ep, ev, 256, 100);

		for (int j = 0; j < k; j++)
			answered += storm_event(ep, fds[ev[j].data.u32], &ev[j],
						buf, sizeof(buf), last);
	}
	return answered;
}

/* N clients at once against a sleeping listener: how many were answered,
 * and how long the last answer took. */
static int run_storm(int type, unsigned n)
{
	int *fds = calloc(n, sizeof(int));
	int ep = epoll_create1(EPOLL_CLOEXEC);
	long long t0 = now_ns(), last = t0;
	unsigned opened, answered;

	if (!fds || ep < 0)
		return -ENOMEM;
	raise_fd_limit(n);
	opened = storm_open(type, fds, n);
	answered = storm_drive(ep, fds, n, t0 + DEADLINE_NS, &last);
	printf("%u %u %u %.3f\n", answered, opened, n,
	       (double)(last - t0) / 1e6);
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close_reset(fds[i]);
	close(ep);
	free(fds);
	return answered == n ? 0 : -EIO;
}

static unsigned number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	return *end || v == 0 || v > 100000 ? 0 : (unsigned)v;
}

static int dispatch(int argc, char **argv)
{
	const char *mode = argv[1];

	if (!strcmp(mode, "ttfb") && argc >= 5) {
		if (argc == 5)
			return run_ttfb(argv[4], NULL);
		if (strcmp(argv[5], "--spawn") || argc < 7)
			return -EDOM;
		return run_ttfb(argv[4], argv + 6);
	}
	if (!strcmp(mode, "accept") && argc == 6)
		return run_accept(number(argv[4]), number(argv[5]));
	if (!strcmp(mode, "storm-tcp") && argc == 5 && number(argv[4]))
		return run_storm(SOCK_STREAM, number(argv[4]));
	if (!strcmp(mode, "storm-udp") && argc == 5 && number(argv[4]))
		return run_storm(SOCK_DGRAM, number(argv[4]));
	return -EDOM;
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 5) {
		fputs(USAGE, stderr);
		return 2;
	}
	r = target_parse(argv[2], argv[3]);
	if (r < 0) {
		fprintf(stderr, "wick-load: %s:%s: %s (give a port on "
			"127.0.0.0/8)\n", argv[2], argv[3],
			r == -EADDRNOTAVAIL ? "not a loopback address"
					    : "not an IPv4 address and port");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	r = dispatch(argc, argv);
	if (r == -EDOM) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "wick-load %s %s:%s: %s\n", argv[1], argv[2],
			argv[3], strerror(-r));
		return 1;
	}
	return 0;
}
