/* listen.h — creating, binding and releasing the listening sockets. */
#ifndef WICK_LISTEN_H
#define WICK_LISTEN_H

#include <stdbool.h>
#include <sys/types.h>

#include "address.h"

enum bind_ipv6_only { BIND_DEFAULT, BIND_BOTH, BIND_IPV6_ONLY };

struct listen_opts {
	int backlog;           /* listen(2) backlog; SOMAXCONN by default */
	mode_t socket_mode;    /* Unix socket file mode, 0666 by default */
	mode_t directory_mode; /* for missing parents, 0755 by default */
	enum bind_ipv6_only ipv6_only;
	bool reuse_port;
	bool free_bind;
	int receive_buffer;    /* SO_RCVBUF in bytes; 0: the kernel's */
	int send_buffer;       /* SO_SNDBUF in bytes; 0: the kernel's */
};

void listen_opts_default(struct listen_opts *o);

/* "default", "both" or "ipv6-only", as --bind-ipv6-only and
 * BindIPv6Only= take it. Returns 0 or -EINVAL. */
int listen_parse_ipv6_only(const char *text, enum bind_ipv6_only *out);

struct listener {
	const char *text; /* as the user wrote it */
	int type;         /* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET */
	struct address addr;
	const char *name; /* LISTEN_FDNAMES entry */
	int fd;           /* -1 until opened; O_CLOEXEC, non-blocking */
	bool made_path;   /* we bound a Unix path: remove it on close */
	dev_t dev;        /* identity of the file we made */
	ino_t ino;
};

/* Adds a listener for TEXT of TYPE to the array *V of *N, not yet open.
 * Returns 0, -ENOMEM, or address_parse()'s error (nothing is added). */
int listener_append(struct listener **v, size_t *n, const char *text,
		    int type);

/* Creates and binds L->fd. A stale Unix socket file (nothing accepts) is
 * replaced; a live one gives -EADDRINUSE; a non-socket gives -EEXIST.
 * Returns 0 or -errno; on error nothing is left open or created. */
int listener_open(struct listener *l, const struct listen_opts *o);

/* Closes L->fd and removes the socket file if we made it and it is still
 * the same inode. */
void listener_close(struct listener *l);

/* What went wrong in listener_open(), said for the user with a remedy
 * where there is one. */
const char *listener_error(const struct listener *l, int r);

/* "stream", "datagram" or "seqpacket". */
const char *listener_type_name(int type);

#endif
