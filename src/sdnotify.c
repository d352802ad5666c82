/* sdnotify.c — the notify protocol on the supervisor side: one datagram
 * of "KEY=VALUE" lines to a Unix socket given by path or abstract name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/unix_address.h"
#include "sdnotify.h"

int sdnotify_send(const char *socket_name, const char *msg, size_t len)
{
	struct sockaddr_un un;
	socklen_t alen;
	int fd, r;

	r = unix_address_parse(socket_name, &un, &alen);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = sendto(fd, msg, len, MSG_NOSIGNAL, (struct sockaddr *)&un, alen);
	r = r < 0 ? -errno : 0;
	close(fd);
	return r;
}

int sdnotify_relay_open(const char *dir)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	int fd, n;

	n = snprintf(un.sun_path, sizeof(un.sun_path), "%s/notify.sock", dir);
	if (n < 0 || (size_t)n >= sizeof(un.sun_path))
		return -ENAMETOOLONG;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	(void)unlink(un.sun_path); /* a leftover of a dead run */
	if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	return fd;
}

/* Copies MSG's lines except MAINPID= into OUT, then adds ours. */
static size_t rewrite(const char *msg, size_t len, char *out, size_t size,
		      pid_t mainpid, bool *ready)
{
	size_t o = 0, i = 0;

	while (i < len) {
		const char *nl = memchr(msg + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - msg) : len;
		size_t n = end - i;

		if (n == 7 && !memcmp(msg + i, "READY=1", 7))
			*ready = true;
		if (!(n >= 8 && !memcmp(msg + i, "MAINPID=", 8)) && n > 0 &&
		    o + n + 1 < size) {
			memcpy(out + o, msg + i, n);
			o += n;
			out[o++] = '\n';
		}
		i = end + 1;
	}
	o += snprintf(out + o, size - o, "MAINPID=%d", (int)mainpid);
	return o < size ? o : size - 1;
}

int sdnotify_relay_pump(int fd, const char *outer, pid_t mainpid,
			bool *ready)
{
	char msg[4096], out[4200];
	ssize_t n;
	size_t len;
	int r;

	for (int i = 0; i < 64; i++) {
		n = recv(fd, msg, sizeof(msg), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		len = rewrite(msg, n, out, sizeof(out), mainpid, ready);
		if (outer) {
			r = sdnotify_send(outer, out, len);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
