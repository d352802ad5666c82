/* probe.c — a test server for the sandbox tests: prints what it sees of
 * itself (pid, LISTEN_* variables, open fds, socket inodes), optionally
 * sends READY=1 to NOTIFY_SOCKET, then answers every passed socket with
 * the peer's address ("peer=ADDR:PORT DATA") until SIGTERM.
 * "probe tiocsti" tries to push a byte into the terminal on stdin. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stddef.h>
#include <sys/un.h>
#include <unistd.h>

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static void print_info(int n)
{
	const char *pid = getenv("LISTEN_PID");
	const char *names = getenv("LISTEN_FDNAMES");
	struct dirent *d;
	struct stat st;
	DIR *dir;

	printf("pid=%d listen_pid=%s listen_fds=%d names=%s pidfdid=%s\n",
	       (int)getpid(), pid ? pid : "-", n, names ? names : "-",
	       getenv("LISTEN_PIDFDID") ? "set" : "-");
	for (int fd = 3; fd < 3 + n; fd++)
		if (fstat(fd, &st) == 0)
			printf("fd%d=socket:[%lu]\n", fd,
			       (unsigned long)st.st_ino);
	dir = opendir("/proc/self/fd");
	printf("fds=");
	while (dir && (d = readdir(dir)))
		if (d->d_name[0] != '.' && atoi(d->d_name) != dirfd(dir))
			printf("%s,", d->d_name);
	printf("\n");
	if (dir)
		closedir(dir);
	fflush(stdout);
}

static void notify(void)
{
	const char *ns = getenv("NOTIFY_SOCKET");
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	socklen_t len;
	char msg[64];
	int fd;

	if (!ns || !getenv("PROBE_NOTIFY"))
		return;
	strncpy(un.sun_path, ns, sizeof(un.sun_path) - 1);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(ns) + 1;
	if (ns[0] == '@') {
		un.sun_path[0] = 0;
		len--;
	}
	snprintf(msg, sizeof(msg), "READY=1\nMAINPID=%d", (int)getpid());
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&un, len) < 0)
		printf("notify failed: %s\n", strerror(errno));
	else
		printf("notified %s\n", ns);
	fflush(stdout);
	close(fd);
}

static void peer_text(struct sockaddr_storage *ss, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		port = ntohs(in6->sin6_port);
	} else if (ss->ss_family == AF_UNIX) {
		snprintf(a, sizeof(a), "unix");
	}
	snprintf(buf, size, "%s:%d", a, port);
}

static void serve(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char data[512], peer[96], out[700];
	int type = 0, c, m;
	socklen_t tl = sizeof(type);
	ssize_t n;

	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl);
	if (type == SOCK_DGRAM) {
		n = recvfrom(fd, data, sizeof(data) - 1, 0,
			     (struct sockaddr *)&ss, &len);
		if (n < 0)
			return;
		data[n] = 0;
		peer_text(&ss, peer, sizeof(peer));
		m = snprintf(out, sizeof(out), "peer=%s %s", peer, data);
		sendto(fd, out, m, 0, (struct sockaddr *)&ss, len);
		return;
	}
	c = accept(fd, (struct sockaddr *)&ss, &len);
	if (c < 0)
		return;
	peer_text(&ss, peer, sizeof(peer));
	n = read(c, data, sizeof(data) - 1);
	data[n > 0 ? n : 0] = 0;
	m = snprintf(out, sizeof(out), "peer=%s %s", peer, data);
	if (write(c, out, m) < 0)
		perror("write");
	close(c);
}

int main(int argc, char **argv)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	int n = 0;
	struct pollfd p[16];

	if (argc > 1 && !strcmp(argv[1], "tiocsti")) {
		char c = ' ';

		if (ioctl(0, TIOCSTI, &c) < 0)
			printf("tiocsti: %s\n", strerror(errno));
		else
			printf("tiocsti: done\n");
		return 0;
	}

	signal(SIGTERM, on_term);
	if (fds && pid && atoi(pid) == getpid())
		n = atoi(fds);
	print_info(n);
	notify();
	if (n > 16)
		n = 16;
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){3 + i, POLLIN, 0};
	for (;;) {
		if (n == 0) {
			pause();
			continue;
		}
		if (poll(p, n, -1) < 0)
			continue;
		for (int i = 0; i < n; i++)
			if (p[i].revents & POLLIN)
				serve(p[i].fd);
	}
}
