/* address.c — parses and prints listen addresses in systemd's forms. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/unix_address.h"
#include "address.h"

/* Reads a decimal number of at most MAX. "-5" is a number out of range,
 * as systemd reports it; a sign, space, hex or trailing junk is malformed. */
static int parse_decimal(const char *s, unsigned long long max,
			 unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = s;

	if (*p == '-' && p[1] >= '0' && p[1] <= '9')
		return -ERANGE;
	if (*p == '\0')
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

static int parse_port(const char *s, in_port_t *port)
{
	unsigned long long v;
	int r = parse_decimal(s, 65535, &v);

	if (r < 0)
		return r;
	if (v == 0)
		return -ERANGE;
	*port = htons((uint16_t)v);
	return 0;
}

static int parse_vsock(const char *rest, struct address *a)
{
	const char *colon = strchr(rest, ':');
	unsigned long long cid = VMADDR_CID_ANY, port;
	char cidtext[16];
	int r;

	if (!colon || (size_t)(colon - rest) >= sizeof(cidtext))
		return -EINVAL;
	if (colon > rest) {
		memcpy(cidtext, rest, (size_t)(colon - rest));
		cidtext[colon - rest] = '\0';
		r = parse_decimal(cidtext, UINT_MAX, &cid);
		if (r < 0)
			return r;
	}
	r = parse_decimal(colon + 1, UINT_MAX, &port);
	if (r < 0)
		return r;
	a->sa.vm.svm_family = AF_VSOCK;
	a->sa.vm.svm_cid = (unsigned)cid;
	a->sa.vm.svm_port = (unsigned)port;
	a->len = sizeof(a->sa.vm);
	return 0;
}

static int parse_scope(const char *name, uint32_t *index)
{
	unsigned long long v;

	if (parse_decimal(name, UINT32_MAX, &v) == 0 && v > 0) {
		*index = (uint32_t)v;
		return 0;
	}
	*index = if_nametoindex(name);
	return *index ? 0 : -ENODEV;
}

static int parse_ipv6(const char *text, struct address *a)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	const char *close = strchr(text, ']');
	char *pct;
	size_t n;
	int r;

	if (!close || close[1] != ':')
		return -EINVAL;
	n = (size_t)(close - text - 1);
	if (n >= sizeof(host))
		return -EINVAL;
	memcpy(host, text + 1, n);
	host[n] = '\0';
	pct = strchr(host, '%');
	if (pct)
		*pct++ = '\0';
	a->sa.in6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET6, host, &a->sa.in6.sin6_addr) != 1)
		return -EINVAL;
	if (pct) {
		r = parse_scope(pct, &a->sa.in6.sin6_scope_id);
		if (r < 0)
			return r;
	}
	a->len = sizeof(a->sa.in6);
	return parse_port(close + 2, &a->sa.in6.sin6_port);
}

static int parse_ipv4(const char *text, const char *colon, struct address *a)
{
	char host[INET_ADDRSTRLEN];
	size_t n = (size_t)(colon - text);

	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, n);
	host[n] = '\0';
	a->sa.in.sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &a->sa.in.sin_addr) != 1)
		return -EINVAL;
	a->len = sizeof(a->sa.in);
	return parse_port(colon + 1, &a->sa.in.sin_port);
}

int address_parse(const char *text, struct address *out)
{
	const char *colon;

	memset(out, 0, sizeof(*out));
	if (text[0] == '/' || text[0] == '@')
		return unix_address_parse(text, &out->sa.un, &out->len);
	if (!strncmp(text, "vsock:", 6))
		return parse_vsock(text + 6, out);
	if (text[0] == '[')
		return parse_ipv6(text, out);
	colon = strchr(text, ':');
	if (colon)
		return parse_ipv4(text, colon, out);

	out->sa.in6.sin6_family = AF_INET6;
	out->sa.in6.sin6_addr = in6addr_any;
	out->len = sizeof(out->sa.in6);
	out->dual_stack = true;
	return parse_port(text, &out->sa.in6.sin6_port);
}

bool address_mistaken_for_command(const char *text)
{
	struct address a;

	/* Paths and @names are left out: a missing program is a path too. */
	return address_parse(text, &a) == 0 && a.sa.sa.sa_family != AF_UNIX &&
	       access(text, F_OK) < 0;
}

static void format_ipv6(const struct sockaddr_in6 *in6, char *buf,
			size_t size)
{
	char host[INET6_ADDRSTRLEN], scope[IF_NAMESIZE + 2] = "";
	char ifname[IF_NAMESIZE];

	inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
	if (in6->sin6_scope_id) {
		if (if_indextoname(in6->sin6_scope_id, ifname))
			snprintf(scope, sizeof(scope), "%%%s", ifname);
		else
			snprintf(scope, sizeof(scope), "%%%u",
				 in6->sin6_scope_id);
	}
	snprintf(buf, size, "[%s%s]:%u", host, scope, ntohs(in6->sin6_port));
}

void address_format(const struct address *a, char *buf, size_t size)
{
	const union sockaddr_any *sa = &a->sa;
	char host[INET_ADDRSTRLEN];
	size_t n;

	switch (sa->sa.sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &sa->in.sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(sa->in.sin_port));
		break;
	case AF_INET6:
		format_ipv6(&sa->in6, buf, size);
		break;
	case AF_UNIX:
		n = a->len - offsetof(struct sockaddr_un, sun_path);
		if (sa->un.sun_path[0] == '\0')
			snprintf(buf, size, "@%.*s", (int)(n - 1),
				 sa->un.sun_path + 1);
		else /* a peer's path may fill sun_path with no NUL */
			snprintf(buf, size, "%.*s",
				 (int)strnlen(sa->un.sun_path, n),
				 sa->un.sun_path);
		break;
	case AF_VSOCK:
		if (sa->vm.svm_cid == VMADDR_CID_ANY)
			snprintf(buf, size, "vsock::%u", sa->vm.svm_port);
		else
			snprintf(buf, size, "vsock:%u:%u", sa->vm.svm_cid,
				 sa->vm.svm_port);
		break;
	default:
		snprintf(buf, size, "(family %d)", sa->sa.sa_family);
	}
}

bool address_remote(const union sockaddr_any *sa, char *addr, size_t size,
		    unsigned *port)
{
	const struct in6_addr *a6 = &sa->in6.sin6_addr;

	switch (sa->sa.sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &sa->in.sin_addr, addr, (socklen_t)size);
		*port = ntohs(sa->in.sin_port);
		return true;
	case AF_INET6:
		if (IN6_IS_ADDR_V4MAPPED(a6))
			inet_ntop(AF_INET, &a6->s6_addr[12], addr,
				  (socklen_t)size);
		else
			inet_ntop(AF_INET6, a6, addr, (socklen_t)size);
		*port = ntohs(sa->in6.sin6_port);
		return true;
	default:
		return false;
	}
}
