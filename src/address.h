/* address.h — listen addresses in systemd's forms: parse and print. */
#ifndef WICK_ADDRESS_H
#define WICK_ADDRESS_H

#include <stdbool.h>

#include "../lib/sockaddr_any.h"

struct address {
	union sockaddr_any sa;
	socklen_t len;
	bool dual_stack; /* a bare PORT: [::]:PORT unless BindIPv6Only */
};

/* Longest printed form, with room for a scope name. */
#define ADDRESS_TEXT_MAX 160

/* Parses PORT, IPV4:PORT, [IPV6]:PORT, [IPV6%IFACE]:PORT, /path, @name,
 * vsock:CID:PORT, vsock::PORT. Returns 0, -EINVAL (malformed), -ERANGE
 * (port or number out of range), -ENAMETOOLONG or -ENODEV (unknown
 * interface). Ports are decimal only, unlike systemd 252's base detection. */
int address_parse(const char *text, struct address *out);

/* True when TEXT reads as an IP or VSOCK address and names no file: a
 * command line whose "command" is an address lost a listen option's
 * value, as in "--datagram 127.0.0.1:53" (--datagram is a switch). */
bool address_mistaken_for_command(const char *text);

/* Canonical form as systemd prints it: [::]:P, 1.2.3.4:P, [::1]:P,
 * [fe80::1%lo]:P, /path, @name, vsock:CID:P, vsock::P. */
void address_format(const struct address *a, char *buf, size_t size);

/* The peer as systemd sets REMOTE_ADDR / REMOTE_PORT: IPv6 without
 * brackets, v4-mapped shown as IPv4. Returns false for non-IP peers. */
bool address_remote(const union sockaddr_any *sa, char *addr, size_t size,
		    unsigned *port);

#endif
