/* envprobe.c — wick-envprobe: reports, one fact per line, what an
 * activator handed to this process (LISTEN_* variables, the passed fds,
 * stray fds, REMOTE_*), so tests can compare wick with
 * systemd-socket-activate. Usage: wick-envprobe [OUTPUT-FILE]
 *
 * The report goes to OUTPUT-FILE or stdout. Then, so that the activation
 * counts as served, the first passed fd gets the report too: a listener
 * accepts one client (waiting at most a second), a datagram socket answers
 * one datagram, a connection (accept mode) is written to. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wick/daemon.h>

static const char *type_name(int type)
{
	switch (type) {
	case SOCK_STREAM: return "stream";
	case SOCK_DGRAM: return "dgram";
	case SOCK_SEQPACKET: return "seqpacket";
	}
	return "other";
}

static const char *family_name(int family)
{
	switch (family) {
	case AF_INET: return "inet";
	case AF_INET6: return "inet6";
	case AF_UNIX: return "unix";
	case AF_VSOCK: return "vsock";
	}
	return "other";
}

static int sockopt(int fd, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, name, &v, &len) < 0)
		return -1;
	return v;
}

static void describe_fd(FILE *f, int fd)
{
	struct sockaddr_storage ss = {0};
	socklen_t len = sizeof(ss);

	if (wick_is_socket(fd, 0, 0, -1) <= 0) {
		fprintf(f, "fd%d=notsocket\n", fd);
		return;
	}
	(void)!getsockname(fd, (struct sockaddr *)&ss, &len);
	fprintf(f, "fd%d=%s family=%s listening=%d\n", fd,
		type_name(sockopt(fd, SO_TYPE)), family_name(ss.ss_family),
		sockopt(fd, SO_ACCEPTCONN) == 1);
}

/* Open fds above LAST, from /proc/self/fd, leaving out the directory's
 * own fd. */
static void open_above(FILE *f, int last)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	bool first = true;

	fprintf(f, "open_above=");
	if (!d) {
		fprintf(f, "unknown\n");
		return;
	}
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] == '.' || fd <= last || fd == dirfd(d))
			continue;
		fprintf(f, "%s%d", first ? "" : ",", fd);
		first = false;
	}
	closedir(d);
	fputc('\n', f);
}

static bool pid_match(void)
{
	const char *e = getenv("LISTEN_PID");

	return e && strtol(e, NULL, 10) == (long)getpid();
}

static void report(FILE *f)
{
	char **names = NULL;
	int n = wick_listen_fds_with_names(0, &names);

	fprintf(f, "pid_match=%d\n", pid_match());
	if (n < 0)
		fprintf(f, "listen_fds=-%s\n", strerrorname_np(-n));
	else
		fprintf(f, "listen_fds=%d\n", n);
	for (int i = 0; i < n; i++)
		describe_fd(f, WICK_LISTEN_FDS_START + i);
	fprintf(f, "names=");
	for (int i = 0; names && names[i]; i++)
		fprintf(f, "%s%s", i ? ":" : "", names[i]);
	fputc('\n', f);
	open_above(f, WICK_LISTEN_FDS_START - 1 + (n > 0 ? n : 0));
	fprintf(f, "pidfdid=%s\n", getenv("LISTEN_PIDFDID") ? "set" : "unset");
	if (getenv("REMOTE_ADDR"))
		fprintf(f, "remote=%s:%s\n", getenv("REMOTE_ADDR"),
			getenv("REMOTE_PORT") ? getenv("REMOTE_PORT") : "");
	for (int i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static bool readable_soon(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return poll(&p, 1, 1000) == 1;
}

/* Sends the report on connection C and reads the client's side until it
 * ends (64 reads, a second of silence at most): closing a Unix connection
 * with unread data would reset it before the client read the report. */
static void hand_over(int c, const char *text, size_t len)
{
	char buf[2048];

	(void)!send(c, text, len, MSG_NOSIGNAL);
	(void)shutdown(c, SHUT_WR); /* the client sees the end of the report */
	for (int i = 0; i < 64 && readable_soon(c); i++)
		if (recv(c, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

/* Hands the report to the first passed socket's client, if one comes. */
static void serve_first(const char *text, size_t len)
{
	int fd = WICK_LISTEN_FDS_START, type = sockopt(fd, SO_TYPE);
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char buf[2048];
	ssize_t n;
	int c;

	if (type == SOCK_DGRAM) {
		if (!readable_soon(fd))
			return;
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n >= 0)
			(void)!sendto(fd, text, len, MSG_DONTWAIT,
				      (struct sockaddr *)&from, flen);
		return;
	}
	if (type != SOCK_STREAM && type != SOCK_SEQPACKET)
		return;
	if (sockopt(fd, SO_ACCEPTCONN) != 1) {
		hand_over(fd, text, len);
		return;
	}
	if (!readable_soon(fd))
		return;
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		return;
	hand_over(c, text, len);
	close(c);
}

int main(int argc, char **argv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len); /* opens no fd */
	FILE *out = stdout;

	if (!mem)
		return 1;
	report(mem);
	if (fclose(mem) != 0)
		return 1;
	if (argc > 1) {
		out = fopen(argv[1], "we");
		if (!out) {
			fprintf(stderr, "wick-envprobe: %s: %s\n", argv[1],
				strerror(errno));
			return 1;
		}
	}
	fputs(text, out);
	if (out != stdout ? fclose(out) != 0 : fflush(out) != 0)
		return 1;
	if (wick_listen_fds(0) > 0)
		serve_first(text, len);
	free(text);
	return 0;
}
