/* unix_bound.c — whether some socket in this network namespace is bound
 * to a given socket file, asked of the kernel's socket tables (sock_diag)
 * instead of by connecting, which a one-shot server would take as its
 * client. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "unix_bound.h"

static int ask(int fd)
{
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} req = {
		.h = {.nlmsg_len = sizeof(req),
		      .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		.r = {.sdiag_family = AF_UNIX,
		      .udiag_states = ~0U,
		      .udiag_show = UDIAG_SHOW_VFS},
	};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};

	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* 1 when the socket message M is bound to the file ST, else 0. */
static int matches(const struct nlmsghdr *m, const struct stat *st)
{
	const struct unix_diag_msg *u = NLMSG_DATA(m);
	const struct rtattr *a = (const struct rtattr *)(u + 1);
	int left = (int)m->nlmsg_len - NLMSG_LENGTH(sizeof(*u));

	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		const struct unix_diag_vfs *v = RTA_DATA(a);

		if (a->rta_type != UNIX_DIAG_VFS ||
		    RTA_PAYLOAD(a) < sizeof(*v))
			continue;
		/* The kernel gives its own dev_t: 12 bits of major above 20
		 * of minor. The inode is cut to 32 bits. */
		return v->udiag_vfs_ino == (__u32)st->st_ino &&
		       v->udiag_vfs_dev >> 20 == major(st->st_dev) &&
		       (v->udiag_vfs_dev & 0xfffff) == minor(st->st_dev);
	}
	return 0;
}

/* Reads the dump to its end; 1 when a socket there is bound to ST. */
static int read_dump(int fd, const struct stat *st)
{
	static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	int found = 0;

	for (int rounds = 0; rounds < 100000; rounds++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *m = (const struct nlmsghdr *)buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (; NLMSG_OK(m, (size_t)n); m = NLMSG_NEXT(m, n)) {
			if (m->nlmsg_type == NLMSG_DONE)
				return found;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(m);

				return e->error < 0 ? e->error : -EIO;
			}
			if (m->nlmsg_type == SOCK_DIAG_BY_FAMILY && !found)
				found = matches(m, st);
		}
	}
	return -EIO; /* a dump that never ends: say we cannot tell */
}

int unix_bound(const struct stat *st)
{
	int fd, r;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	r = ask(fd);
	if (r == 0)
		r = read_dump(fd, st);
	close(fd);
	return r;
}
