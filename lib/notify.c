/* notify.c — readiness and status messages ("READY=1", "STATUS=…") to the
 * supervisor's NOTIFY_SOCKET: a Unix datagram socket named by path or
 * abstract name, or a VSOCK address for a supervisor outside the VM. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#include <wick/daemon.h>

#include "number.h"
#include "unix_address.h"

struct notify_target {
	union {
		struct sockaddr sa;
		struct sockaddr_un un;
		struct sockaddr_vm vm;
	} addr;
	socklen_t len;
};

/* A decimal field of vsock:CID:PORT, ending at STOP. */
static int parse_vsock_field(const char *s, char stop, unsigned *out,
			     const char **end)
{
	char buf[16];
	size_t n = strspn(s, "0123456789");
	unsigned long v;
	int r;

	if (n == 0 || s[n] != stop)
		return -EINVAL;
	if (n >= sizeof(buf))
		return -ERANGE;
	memcpy(buf, s, n);
	buf[n] = '\0';
	r = number_parse(buf, 0, 0, 0xffffffffUL, &v);
	if (r < 0)
		return r;
	*out = (unsigned)v;
	*end = s + n + 1;
	return 0;
}

static int parse_vsock(const char *e, struct notify_target *t)
{
	const char *p = e + strlen("vsock:");
	unsigned cid, port;
	int r;

	r = parse_vsock_field(p, ':', &cid, &p);
	if (r < 0)
		return r;
	r = parse_vsock_field(p, '\0', &port, &p);
	if (r < 0)
		return r;
	t->addr.vm.svm_family = AF_VSOCK;
	t->addr.vm.svm_cid = cid;
	t->addr.vm.svm_port = port;
	t->len = sizeof(t->addr.vm);
	return 0;
}

static int notify_parse(const char *e, struct notify_target *t)
{
	memset(t, 0, sizeof(*t));
	if (e[0] == '/' || e[0] == '@')
		return unix_address_parse(e, &t->addr.un, &t->len);
	if (strncmp(e, "vsock:", strlen("vsock:")) == 0)
		return parse_vsock(e, t);
	return -EINVAL;
}

static int not_supported(int e)
{
	return e == ESOCKTNOSUPPORT || e == EPROTONOSUPPORT ||
	       e == EOPNOTSUPP || e == EPROTOTYPE;
}

static int vsock_connect(const struct notify_target *t, int type)
{
	int fd = socket(AF_VSOCK, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, &t->addr.sa, t->len) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* A socket to send on: Unix datagrams carry the address in each message;
 * VSOCK connects, preferring seqpacket and falling back to datagrams
 * where the transport lacks seqpacket support. */
static int notify_open(const struct notify_target *t)
{
	int fd;

	if (t->addr.sa.sa_family == AF_UNIX) {
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		return fd < 0 ? -errno : fd;
	}
	fd = vsock_connect(t, SOCK_SEQPACKET);
	if (fd >= 0 || !not_supported(-fd))
		return fd;
	return vsock_connect(t, SOCK_DGRAM);
}

static int notify_send(int fd, const struct notify_target *t,
		       const char *state, pid_t pid)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = {.iov_base = (void *)state,
			     .iov_len = strlen(state)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	int unix_dgram = t->addr.sa.sa_family == AF_UNIX;

	if (unix_dgram) {
		mh.msg_name = (void *)&t->addr;
		mh.msg_namelen = t->len;
	}
	if (unix_dgram && pid != 0) {
		struct ucred cred = {pid, getuid(), getgid()};
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(cred));
		memcpy(CMSG_DATA(c), &cred, sizeof(cred));
	}
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0)
		return 1;
	/* Only a privileged sender may speak for another pid; the message
	 * still counts when sent with our own credentials. */
	if (errno != EPERM || !mh.msg_control)
		return -errno;
	mh.msg_control = NULL;
	mh.msg_controllen = 0;
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0)
		return 1;
	return -errno;
}

static int pid_notify(pid_t pid, const char *state)
{
	struct notify_target t;
	const char *e;
	int fd, r;

	if (!state)
		return -EINVAL;
	e = getenv("NOTIFY_SOCKET");
	if (!e)
		return 0;
	r = notify_parse(e, &t);
	if (r < 0)
		return r;
	fd = notify_open(&t);
	if (fd < 0)
		return fd;
	r = notify_send(fd, &t, state, pid);
	close(fd);
	return r;
}

int wick_pid_notify(pid_t pid, int unset_environment, const char *state)
{
	int r = pid_notify(pid, state);

	if (unset_environment)
		(void)unsetenv("NOTIFY_SOCKET");
	return r;
}

int wick_notify(int unset_environment, const char *state)
{
	return wick_pid_notify(0, unset_environment, state);
}

int wick_notifyf(int unset_environment, const char *format, ...)
{
	char *state = NULL;
	va_list ap;
	int r;

	va_start(ap, format);
	r = vasprintf(&state, format, ap);
	va_end(ap);
	if (r < 0) {
		if (unset_environment)
			(void)unsetenv("NOTIFY_SOCKET");
		return -ENOMEM;
	}
	r = wick_notify(unset_environment, state);
	free(state);
	return r;
}
