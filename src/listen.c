/* listen.c — creates, binds and releases the listening sockets, including
 * the Unix socket files wick owns. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "listen.h"
#include "unix_bound.h"

void listen_opts_default(struct listen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->backlog = SOMAXCONN;
	o->socket_mode = 0666;
	o->directory_mode = 0755;
	o->ipv6_only = BIND_DEFAULT;
}

int listen_parse_ipv6_only(const char *text, enum bind_ipv6_only *out)
{
	if (!strcmp(text, "default"))
		*out = BIND_DEFAULT;
	else if (!strcmp(text, "both"))
		*out = BIND_BOTH;
	else if (!strcmp(text, "ipv6-only"))
		*out = BIND_IPV6_ONLY;
	else
		return -EINVAL;
	return 0;
}

int listener_append(struct listener **v, size_t *n, const char *text,
		    int type)
{
	struct listener *l = reallocarray(*v, *n + 1, sizeof(*l));
	int r;

	if (!l)
		return -ENOMEM;
	*v = l;
	l += *n;
	memset(l, 0, sizeof(*l));
	l->text = text;
	l->type = type;
	l->fd = -1;
	r = address_parse(text, &l->addr);
	if (r < 0)
		return r;
	(*n)++;
	return 0;
}

const char *listener_type_name(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "datagram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	}
	return "unknown";
}

static bool is_unix_path(const struct address *a)
{
	return a->sa.sa.sa_family == AF_UNIX && a->sa.un.sun_path[0] != '\0';
}

/* Creates the missing parents of PATH, as systemd does for socket units. */
static int make_parents(const char *path, mode_t mode)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *p;

	strcpy(dir, path);
	for (p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dir, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* A socket file at our path: a dead one (left by a crash) is removed, a
 * live one means the address is in use, anything else is not ours. */
static int clear_stale(const struct listener *l)
{
	const char *path = l->addr.sa.un.sun_path;
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	/* Bound here: in use, and no need to knock (a one-shot server
	 * would take the knock for its client). Elsewhere, in another
	 * network namespace, only a connection tells. */
	if (unix_bound(&st) == 1)
		return -EADDRINUSE;
	fd = socket(AF_UNIX, l->type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, &l->addr.sa.sa, l->addr.len);
	if (r < 0)
		r = -errno;
	close(fd);
	if (r == 0 || r == -EAGAIN || r == -EPROTOTYPE)
		return -EADDRINUSE;
	if (r != -ECONNREFUSED)
		return r;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno
								       : 0;
}

/* The forcing variant passes net.core.rmem_max/wmem_max but needs
 * CAP_NET_ADMIN; without it the kernel caps the plain one silently. */
static int set_buffer(int fd, int forced, int plain, int bytes)
{
	if (set_int(fd, SOL_SOCKET, forced, bytes) == 0)
		return 0;
	return set_int(fd, SOL_SOCKET, plain, bytes);
}

static int set_options(int fd, const struct listener *l,
		       const struct listen_opts *o)
{
	int family = l->addr.sa.sa.sa_family, r = 0;

	if (family == AF_INET6 && o->ipv6_only != BIND_DEFAULT)
		r = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY,
			    o->ipv6_only == BIND_IPV6_ONLY);
	/* As systemd: a restarted listener may rebind over TIME_WAIT. Not
	 * for datagrams, where it would let two services share a port. */
	if (!r && l->type == SOCK_STREAM &&
	    (family == AF_INET || family == AF_INET6))
		r = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!r && o->reuse_port && (family == AF_INET || family == AF_INET6))
		r = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (!r && o->receive_buffer)
		r = set_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF,
			       o->receive_buffer);
	if (!r && o->send_buffer)
		r = set_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, o->send_buffer);
	if (!r && o->free_bind && family == AF_INET)
		r = set_int(fd, IPPROTO_IP, IP_FREEBIND, 1);
	if (!r && o->free_bind && family == AF_INET6)
		r = set_int(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);
	return r;
}

static int open_socket(struct listener *l)
{
	struct address *a = &l->addr;
	int fd;

	fd = socket(a->sa.sa.sa_family, l->type | SOCK_CLOEXEC, 0);
	if (fd >= 0 || errno != EAFNOSUPPORT || !a->dual_stack)
		return fd < 0 ? -errno : fd;

	/* A bare port on a host without IPv6 falls back to 0.0.0.0. */
	in_port_t port = a->sa.in6.sin6_port;

	memset(&a->sa, 0, sizeof(a->sa));
	a->sa.in.sin_family = AF_INET;
	a->sa.in.sin_port = port;
	a->len = sizeof(a->sa.in);
	fd = socket(AF_INET, l->type | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/* Another wick starting on the same path at the same moment would see our
 * socket, bound but not yet listening, as stale and take the path from
 * us. So the stale check, bind and listen happen under a lock on the
 * parent directory that every wick takes. Returns the locked directory,
 * or -1 to go on without (an unreadable directory, or a lock held for
 * seconds by someone else). */
static int lock_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	char *slash;
	int fd;

	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	slash[slash == dir] = '\0'; /* "/NAME" lives in "/" itself */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Bounded: wick's signals are blocked, so no alarm could end a
	 * blocking wait. Holders keep it for microseconds. */
	for (int i = 0; i < 500; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK)
			break;
		nanosleep(&pause, NULL);
	}
	close(fd);
	return -1;
}

static int bind_path(struct listener *l, int fd, const struct listen_opts *o)
{
	const char *path = l->addr.sa.un.sun_path;
	struct stat st;
	mode_t old;
	int r;

	r = clear_stale(l);
	if (r < 0)
		return r;
	/* The mode comes from the umask at bind time: a chmod after it
	 * would follow a symlink someone put at the path meanwhile. wick is
	 * single-threaded, so the umask is ours for that moment. */
	old = umask(~o->socket_mode & 0777);
	r = bind(fd, &l->addr.sa.sa, l->addr.len) < 0 ? -errno : 0;
	umask(old);
	if (r < 0)
		return r;
	if (lstat(path, &st) < 0) {
		r = -errno;
		unlink(path);
		return r;
	}
	l->made_path = true;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	return 0;
}

static int bind_and_listen(struct listener *l, int fd,
			   const struct listen_opts *o)
{
	int lock = -1, r;

	if (is_unix_path(&l->addr)) {
		r = make_parents(l->addr.sa.un.sun_path, o->directory_mode);
		if (r < 0)
			return r;
		lock = lock_parent(l->addr.sa.un.sun_path);
		r = bind_path(l, fd, o);
	} else {
		r = bind(fd, &l->addr.sa.sa, l->addr.len) < 0 ? -errno : 0;
	}
	if (r == 0 && l->type != SOCK_DGRAM && listen(fd, o->backlog) < 0)
		r = -errno;
	if (lock >= 0)
		close(lock); /* releases the lock */
	return r;
}

int listener_open(struct listener *l, const struct listen_opts *o)
{
	int fd, r;

	fd = open_socket(l);
	if (fd < 0)
		return fd;
	r = set_options(fd, l, o);
	if (r == 0)
		r = bind_and_listen(l, fd, o);
	if (r < 0) {
		close(fd);
		if (l->made_path)
			unlink(l->addr.sa.un.sun_path);
		l->made_path = false;
		return r;
	}
	l->fd = fd;
	return 0;
}

const char *listener_error(const struct listener *l, int r)
{
	int family = l->addr.sa.sa.sa_family;

	switch (r) {
	case -EADDRINUSE:
		return "address already in use (another process listens there)";
	case -EEXIST:
		return "the path exists and is not a socket (move it away or "
		       "choose another path)";
	case -EACCES:
	case -EPERM:
		if (family == AF_INET || family == AF_INET6)
			return "permission denied (ports below 1024 need root "
			       "or CAP_NET_BIND_SERVICE)";
		return "permission denied (the directory must be writable)";
	case -ENOTDIR:
		return "a parent of the path is not a directory";
	case -EMFILE:
	case -ENFILE:
		return "too many open files (raise ulimit -n)";
	case -EADDRNOTAVAIL:
		if (family == AF_VSOCK)
			return "no VSOCK transport serves that CID here";
		return "address not available on this host (--free-bind, "
		       "FreeBind=yes, binds anyway)";
	case -EAFNOSUPPORT:
	case -ENODEV:
		if (family == AF_VSOCK)
			return "VSOCK is not available on this host (load "
			       "the vsock transport module)";
	}
	return strerror(-r);
}

static bool same_port(const struct address *a, const struct address *b)
{
	in_port_t pa = a->sa.sa.sa_family == AF_INET ? a->sa.in.sin_port
						       : a->sa.in6.sin6_port;
	in_port_t pb = b->sa.sa.sa_family == AF_INET ? b->sa.in.sin_port
						       : b->sa.in6.sin6_port;

	return pa == pb;
}

/* Whether A, bound first, keeps B from binding: equal addresses, or one a
 * wildcard that covers the other (a dual-stack [::] covers IPv4). */
static bool holds(const struct address *a, const struct address *b)
{
	int fa = a->sa.sa.sa_family, fb = b->sa.sa.sa_family;
	const struct in6_addr any6 = IN6ADDR_ANY_INIT;

	if (fa == AF_UNIX || fb == AF_UNIX)
		return fa == fb && a->len == b->len &&
		       !memcmp(&a->sa.un, &b->sa.un, a->len);
	if (fa == AF_VSOCK || fb == AF_VSOCK)
		return fa == fb && a->sa.vm.svm_port == b->sa.vm.svm_port &&
		       (a->sa.vm.svm_cid == b->sa.vm.svm_cid ||
			a->sa.vm.svm_cid == VMADDR_CID_ANY ||
			b->sa.vm.svm_cid == VMADDR_CID_ANY);
	if (!same_port(a, b))
		return false;
	if (fa == AF_INET && fb == AF_INET)
		return a->sa.in.sin_addr.s_addr == b->sa.in.sin_addr.s_addr ||
		       !a->sa.in.sin_addr.s_addr || !b->sa.in.sin_addr.s_addr;
	if (fa == AF_INET6 && fb == AF_INET6)
		return !memcmp(&a->sa.in6.sin6_addr, &b->sa.in6.sin6_addr,
			       sizeof(any6)) ||
		       !memcmp(&a->sa.in6.sin6_addr, &any6, sizeof(any6)) ||
		       !memcmp(&b->sa.in6.sin6_addr, &any6, sizeof(any6));
	return a->dual_stack || b->dual_stack;
}

const char *listener_error_in(const struct listener *ls, size_t i, int r,
			      char *buf, size_t size)
{
	char other[ADDRESS_TEXT_MAX];

	for (size_t j = 0; r == -EADDRINUSE && j < i; j++) {
		if (ls[j].type != ls[i].type ||
		    !holds(&ls[j].addr, &ls[i].addr))
			continue;
		address_format(&ls[j].addr, other, sizeof(other));
		snprintf(buf, size,
			 "address already in use by %s, listed before it "
			 "(list each address once%s)",
			 other,
			 ls[j].addr.dual_stack
				 ? "; a bare port already covers IPv4 and IPv6"
				 : "");
		return buf;
	}
	return listener_error(&ls[i], r);
}

void listener_close(struct listener *l)
{
	const char *path = l->addr.sa.un.sun_path;
	struct stat st;

	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	/* Only the very file we bound: a path someone replaced stays. */
	if (l->made_path && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == l->dev && st.st_ino == l->ino)
		(void)unlink(path); /* best effort at exit; nothing to report */
	l->made_path = false;
}
