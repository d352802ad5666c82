/* is_socket.c — unit test of the wick_is_socket*() predicates on real
 * sockets of each family, type and state, and on things that are not
 * sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#include <wick/daemon.h>

#include "tap.h"

static int must(int r, const char *what)
{
	if (r < 0) {
		printf("not ok - set-up: %s: %s\n", what, strerror(errno));
		exit(1);
	}
	return r;
}

/* A loopback socket of TYPE bound to an ephemeral port; *port gets it. */
static int inet_socket(int family, int type, bool listening, uint16_t *port)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = family == AF_INET ? sizeof(*in) : sizeof(*in6);
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		in6->sin6_addr = in6addr_loopback;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (listening && listen(fd, 4) < 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	*port = ntohs(family == AF_INET ? in->sin_port : in6->sin6_port);
	return fd;
}

static void test_not_sockets(void)
{
	int p[2], fd;

	must(pipe2(p, O_CLOEXEC), "pipe");
	fd = must(open("/dev/null", O_RDONLY | O_CLOEXEC), "/dev/null");
	expect("negative fd: -EBADF", wick_is_socket(-1, 0, 0, -1), -EBADF);
	expect("closed fd: -EBADF", wick_is_socket(p[1] + 100, 0, 0, -1),
	       -EBADF);
	expect("pipe: 0", wick_is_socket(p[0], 0, 0, -1), 0);
	expect("/dev/null: 0", wick_is_socket(fd, 0, 0, -1), 0);
	expect("/dev/null as inet: 0", wick_is_socket_inet(fd, 0, 0, -1, 0),
	       0);
	expect("/dev/null as unix: 0",
	       wick_is_socket_unix(fd, 0, -1, NULL, 0), 0);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void test_tcp(void)
{
	uint16_t port;
	int fd = must(inet_socket(AF_INET, SOCK_STREAM, true, &port), "tcp");
	uint16_t other = port == 65535 ? port - 1 : port + 1;

	expect("tcp listener: any socket", wick_is_socket(fd, 0, 0, -1), 1);
	expect("tcp listener: AF_INET", wick_is_socket(fd, AF_INET, 0, -1), 1);
	expect("tcp listener: not AF_INET6",
	       wick_is_socket(fd, AF_INET6, 0, -1), 0);
	expect("tcp listener: not AF_UNIX", wick_is_socket(fd, AF_UNIX, 0, -1),
	       0);
	expect("tcp listener: stream", wick_is_socket(fd, 0, SOCK_STREAM, -1),
	       1);
	expect("tcp listener: not datagram",
	       wick_is_socket(fd, 0, SOCK_DGRAM, -1), 0);
	expect("tcp listener: listening", wick_is_socket(fd, 0, 0, 1), 1);
	expect("tcp listener: not 'not listening'",
	       wick_is_socket(fd, 0, 0, 0), 0);
	expect("tcp listener: inet with its port",
	       wick_is_socket_inet(fd, AF_INET, SOCK_STREAM, 1, port), 1);
	expect("tcp listener: inet any family, any port",
	       wick_is_socket_inet(fd, 0, 0, -1, 0), 1);
	expect("tcp listener: another port",
	       wick_is_socket_inet(fd, 0, 0, -1, other), 0);
	expect("tcp listener: inet6 asked", wick_is_socket_inet(fd, AF_INET6,
								0, -1, 0), 0);
	expect("tcp listener: not unix",
	       wick_is_socket_unix(fd, 0, -1, NULL, 0), 0);
	expect("tcp listener: not vsock",
	       wick_is_socket_vsock(fd, 0, -1, VMADDR_CID_ANY, 0), 0);
	expect("negative type: -EINVAL", wick_is_socket(fd, 0, -1, -1),
	       -EINVAL);
	expect("negative family: -EINVAL", wick_is_socket(fd, -1, 0, -1),
	       -EINVAL);
	expect("inet with AF_UNIX: -EINVAL",
	       wick_is_socket_inet(fd, AF_UNIX, 0, -1, 0), -EINVAL);
	close(fd);
}

static void test_udp_and_ipv6(void)
{
	uint16_t port;
	int fd = must(inet_socket(AF_INET, SOCK_DGRAM, false, &port), "udp");

	expect("udp: datagram, not listening",
	       wick_is_socket_inet(fd, AF_INET, SOCK_DGRAM, 0, port), 1);
	expect("udp: not stream", wick_is_socket(fd, 0, SOCK_STREAM, -1), 0);
	close(fd);

	fd = inet_socket(AF_INET6, SOCK_STREAM, true, &port);
	if (fd < 0) {
		printf("ok - ipv6 predicates # SKIP no [::1] here: %s\n",
		       strerror(-fd));
		return;
	}
	expect("tcp6: AF_INET6 with its port",
	       wick_is_socket_inet(fd, AF_INET6, SOCK_STREAM, 1, port), 1);
	expect("tcp6: not AF_INET", wick_is_socket_inet(fd, AF_INET, 0, -1, 0),
	       0);
	close(fd);
}

static void test_unix_path(const char *dir)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = must(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "unix");
	size_t n;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", dir);
	must(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), "bind unix");
	must(listen(fd, 4), "listen unix");
	n = strlen(sa.sun_path);

	expect("unix path: its path", wick_is_socket_unix(fd, SOCK_STREAM, 1,
							  sa.sun_path, 0), 1);
	expect("unix path: explicit length",
	       wick_is_socket_unix(fd, 0, -1, sa.sun_path, n), 1);
	expect("unix path: a prefix is another path",
	       wick_is_socket_unix(fd, 0, -1, sa.sun_path, n - 1), 0);
	expect("unix path: another path",
	       wick_is_socket_unix(fd, 0, -1, "/elsewhere", 0), 0);
	expect("unix path: not unnamed",
	       wick_is_socket_unix(fd, 0, -1, "", 0), 0);
	expect("unix path: AF_UNIX", wick_is_socket(fd, AF_UNIX, 0, 1), 1);
	expect("unix path: not inet", wick_is_socket_inet(fd, 0, 0, -1, 0), 0);
	close(fd);
	unlink(sa.sun_path);
}

static void test_unix_other(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char name[64];
	int fd, n, sp[2];

	n = snprintf(name, sizeof(name), "%cwick-is-socket-%d", 0,
		     (int)getpid());
	memcpy(sa.sun_path, name, (size_t)n);
	fd = must(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), "abstract");
	must(bind(fd, (struct sockaddr *)&sa,
		  (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)),
	     "bind abstract");
	expect("abstract: its name", wick_is_socket_unix(fd, SOCK_DGRAM, 0,
							 name, (size_t)n), 1);
	expect("abstract: a shorter name",
	       wick_is_socket_unix(fd, 0, -1, name, (size_t)n - 1), 0);
	close(fd);

	must(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp),
	     "socketpair");
	expect("socketpair: seqpacket",
	       wick_is_socket(sp[0], AF_UNIX, SOCK_SEQPACKET, 0), 1);
	expect("socketpair: unnamed", wick_is_socket_unix(sp[0], 0, -1, "", 0),
	       1);
	expect("socketpair: any path matches NULL",
	       wick_is_socket_unix(sp[0], 0, -1, NULL, 0), 1);
	expect("socketpair: not a path",
	       wick_is_socket_unix(sp[0], 0, -1, "/x", 0), 0);
	close(sp[0]);
	close(sp[1]);
}

static void test_vsock(void)
{
	struct sockaddr_vm vm = {.svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_ANY,
				 .svm_port = 40000 + (unsigned)getpid() % 9999};
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&vm, sizeof(vm)) < 0 ||
	    listen(fd, 4) < 0) {
		printf("ok - vsock predicates # SKIP cannot listen on VSOCK "
		       "here: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	expect("vsock: any cid, its port",
	       wick_is_socket_vsock(fd, SOCK_STREAM, 1, VMADDR_CID_ANY,
				    vm.svm_port), 1);
	expect("vsock: another port",
	       wick_is_socket_vsock(fd, 0, -1, VMADDR_CID_ANY,
				    vm.svm_port + 1), 0);
	expect("vsock: another cid",
	       wick_is_socket_vsock(fd, 0, -1, 1234, 0), 0);
	expect("vsock: AF_VSOCK", wick_is_socket(fd, AF_VSOCK, 0, 1), 1);
	expect("vsock: not inet", wick_is_socket_inet(fd, 0, 0, -1, 0), 0);
	close(fd);
}

int main(void)
{
	char dir[] = "/tmp/wick-is-socket.XXXXXX";

	if (!mkdtemp(dir)) {
		printf("not ok - temporary directory: %s\n", strerror(errno));
		return 1;
	}
	test_not_sockets();
	test_tcp();
	test_udp_and_ipv6();
	test_unix_path(dir);
	test_unix_other();
	test_vsock();
	rmdir(dir);
	return failures ? 1 : 0;
}
