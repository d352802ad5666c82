/* is_socket.c — predicates on an inherited fd: is it a socket of the
 * family, type, state and address the server expects? */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/vm_sockets.h>

#include <wick/daemon.h>

#include "sockaddr_any.h"

static int int_option(int fd, int name, int *value)
{
	socklen_t len = sizeof(*value);

	if (getsockopt(fd, SOL_SOCKET, name, value, &len) < 0)
		return -errno;
	if (len != sizeof(*value))
		return -EINVAL;
	return 0;
}

/* The checks every predicate shares: a socket, of TYPE (0: any), in the
 * LISTENING state (< 0: any). */
static int socket_matches(int fd, int type, int listening)
{
	struct stat st;
	int v, r;

	if (fd < 0)
		return -EBADF;
	if (type < 0)
		return -EINVAL;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return 0;

	if (type != 0) {
		r = int_option(fd, SO_TYPE, &v);
		if (r < 0)
			return r;
		if (v != type)
			return 0;
	}
	if (listening >= 0) {
		r = int_option(fd, SO_ACCEPTCONN, &v);
		if (r < 0)
			return r;
		if (!v != !listening)
			return 0;
	}
	return 1;
}

static int local_address(int fd, union sockaddr_any *a, socklen_t *len)
{
	memset(a, 0, sizeof(*a));
	*len = sizeof(*a);
	if (getsockname(fd, &a->sa, len) < 0)
		return -errno;
	if (*len < sizeof(sa_family_t))
		return -EINVAL;
	return 0;
}

int wick_is_socket(int fd, int family, int type, int listening)
{
	union sockaddr_any a;
	socklen_t len;
	int r;

	if (family < 0)
		return -EINVAL;
	r = socket_matches(fd, type, listening);
	if (r <= 0 || family == 0)
		return r;
	r = local_address(fd, &a, &len);
	if (r < 0)
		return r;
	return a.sa.sa_family == family;
}

/* The common start of the address predicates: FD is a socket of TYPE
 * in the LISTENING state asked for, bound in FAMILY (0: any) (1), or
 * not (0); its local address goes to *A. */
static int bound_socket(int fd, int family, int type, int listening,
			union sockaddr_any *a, socklen_t *len)
{
	int r = socket_matches(fd, type, listening);

	if (r <= 0)
		return r;
	r = local_address(fd, a, len);
	if (r < 0)
		return r;
	return family == 0 || a->sa.sa_family == family;
}

int wick_is_socket_inet(int fd, int family, int type, int listening,
			uint16_t port)
{
	union sockaddr_any a;
	socklen_t len;
	int r;

	if (family != 0 && family != AF_INET && family != AF_INET6)
		return -EINVAL;
	r = bound_socket(fd, 0, type, listening, &a, &len);
	if (r <= 0)
		return r;
	if (a.sa.sa_family != AF_INET && a.sa.sa_family != AF_INET6)
		return 0;
	if (family != 0 && a.sa.sa_family != family)
		return 0;
	if (port == 0)
		return 1;
	if (a.sa.sa_family == AF_INET)
		return ntohs(a.in.sin_port) == port;
	return ntohs(a.in6.sin6_port) == port;
}

/* PATH of LENGTH bytes against the bound address of LEN bytes. */
static int unix_path_matches(const struct sockaddr_un *un, socklen_t len,
			     const char *path, size_t length)
{
	const size_t base = offsetof(struct sockaddr_un, sun_path);

	if (length == 0)
		length = strlen(path);
	if (length == 0)
		return len == base;
	if (path[0] != '\0')
		/* A path address may or may not count its NUL. */
		return len >= base + length &&
		       length < sizeof(un->sun_path) &&
		       memcmp(un->sun_path, path, length) == 0 &&
		       un->sun_path[length] == '\0';
	/* An abstract name is exactly its bytes, leading NUL included. */
	return len == base + length &&
	       memcmp(un->sun_path, path, length) == 0;
}

int wick_is_socket_unix(int fd, int type, int listening, const char *path,
			size_t length)
{
	union sockaddr_any a;
	socklen_t len;
	int r;

	r = bound_socket(fd, AF_UNIX, type, listening, &a, &len);
	if (r <= 0)
		return r;
	if (!path)
		return 1;
	return unix_path_matches(&a.un, len, path, length);
}

int wick_is_socket_vsock(int fd, int type, int listening, unsigned int cid,
			 unsigned int port)
{
	union sockaddr_any a;
	socklen_t len;
	int r;

	r = bound_socket(fd, AF_VSOCK, type, listening, &a, &len);
	if (r <= 0)
		return r;
	if (cid != VMADDR_CID_ANY && a.vm.svm_cid != cid)
		return 0;
	if (port != 0 && port != VMADDR_PORT_ANY && a.vm.svm_port != port)
		return 0;
	return 1;
}
