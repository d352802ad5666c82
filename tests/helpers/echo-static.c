/* A tiny socket-activated echo server for container images: no libwick,
 * libc only, so that it links statically and runs in an empty rootfs.
 * Echoes on every inherited stream listener and datagram socket. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FIRST_FD 3
#define MAX_FDS 16

/* As PID 1 of a container, signals with the default action are ignored,
 * so SIGTERM needs a handler for `podman stop` and --rm to end us. */
static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

/* The number of sockets passed to us, or -1 after saying why there are
 * none (the environment is printed so that a test log shows it). */
static int inherited_fds(void)
{
	const char *pid = getenv("LISTEN_PID");
	const char *fds = getenv("LISTEN_FDS");
	char *end;
	long n;

	if (!pid || !fds || strtol(pid, NULL, 10) != getpid()) {
		fprintf(stderr,
			"echo-static: no sockets for pid %d "
			"(LISTEN_PID=%s LISTEN_FDS=%s)\n",
			(int)getpid(), pid ? pid : "unset",
			fds ? fds : "unset");
		return -1;
	}
	n = strtol(fds, &end, 10);
	if (*end || n <= 0 || n > MAX_FDS) {
		fprintf(stderr, "echo-static: bad LISTEN_FDS=%s\n", fds);
		return -1;
	}
	return (int)n;
}

/* A non-socket fd would be readable forever and make poll() spin. */
static int all_sockets(int n)
{
	int type;
	socklen_t len = sizeof type;

	for (int fd = FIRST_FD; fd < FIRST_FD + n; fd++) {
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
			fprintf(stderr, "echo-static: fd %d is not a socket: "
					"%s\n", fd, strerror(errno));
			return 0;
		}
	}
	return 1;
}

/* Serves one stream connection until the peer closes it. */
static void echo_stream(int conn)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(conn, buf, sizeof buf)) > 0)
		if (write(conn, buf, (size_t)n) != n)
			break;
	close(conn);
}

static void echo_datagram(int fd)
{
	char buf[65536];
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;
	ssize_t n;

	n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
	if (n >= 0)
		(void)sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer,
			     len);
}

static void serve_ready(int fd)
{
	int type = 0, listening = 0, conn;
	socklen_t len = sizeof type;

	(void)getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	len = sizeof listening;
	(void)getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len);
	if (type == SOCK_DGRAM) {
		echo_datagram(fd);
	} else if (listening) {
		conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (conn >= 0)
			echo_stream(conn);
	}
}

int main(void)
{
	struct pollfd pfd[MAX_FDS];
	int n = inherited_fds();

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (n <= 0 || !all_sockets(n))
		return 1;
	for (int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){.fd = FIRST_FD + i, .events = POLLIN};
	for (;;) {
		if (poll(pfd, (nfds_t)n, -1) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < n; i++)
			if (pfd[i].revents & POLLIN)
				serve_ready(pfd[i].fd);
	}
}
