/* listen_cli.c — parses and checks the listen and activation options of
 * `wick activate` and `wick run`, and opens the sockets. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/number.h"
#include "commands.h"
#include "listen_cli.h"
#include "log.h"
#include "spawn.h"

const char listen_cli_help[] =
	"  -l, --listen ADDR        listen on ADDR (type from -d/--seqpacket)\n"
	"      --listen-stream ADDR, --listen-datagram ADDR,\n"
	"      --listen-seqpacket ADDR  listen with that socket type\n"
	"      --datagram           -l addresses are datagram sockets\n"
	"      --seqpacket          -l addresses are seqpacket sockets\n"
	"      --accept             one instance per connection, on fd 3\n"
	"      --inetd              connection on stdin/stdout, no LISTEN_*\n"
	"      --now                start at once, without waiting\n"
	"      --setenv VAR[=VAL]   set VAR for the service\n"
	"      --fdname NAME[:NAME...]  LISTEN_FDNAMES, in listen order\n"
	"      --socket-mode MODE   Unix socket file mode (octal, 0666)\n"
	"      --backlog N          listen backlog (SOMAXCONN)\n"
	"      --bind-ipv6-only default|both|ipv6-only\n"
	"      --reuse-port, --free-bind   socket options\n"
	"      --max-connections N  accept mode: instances at once (64)\n"
	"      --trigger-limit-burst N, --trigger-limit-interval SECS\n"
	"                           starts allowed per interval (20 per 2s)\n"
	"      --receive-buffer BYTES, --send-buffer BYTES\n"
	"                           socket buffers (K, M, G suffixes)\n"
	"ADDR: PORT, IPV4:PORT, [IPV6]:PORT, [IPV6%IFACE]:PORT, /path, "
	"@abstract,\n      vsock:CID:PORT, vsock::PORT\n";

void listen_cli_init(struct listen_cli *c)
{
	memset(c, 0, sizeof(*c));
	activation_default(&c->act);
	listen_opts_default(&c->opts);
	c->plain_type = SOCK_STREAM;
}

static int usage_error(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *format, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, format);
	vsnprintf(msg, sizeof(msg), format, ap);
	va_end(ap);
	log_error("%s", msg);
	return -EXIT_USAGE;
}

static const char *address_error(int r)
{
	switch (r) {
	case -ERANGE:
		return "number out of range (ports are 1-65535)";
	case -ENAMETOOLONG:
		return "socket path too long (at most 107 bytes)";
	case -ENODEV:
		return "no such network interface";
	}
	return "not an address (use PORT, IP:PORT, [IPV6]:PORT, /path, "
	       "@name or vsock:CID:PORT)";
}

/* TYPE 0: decided by -d/--seqpacket at the end. */
static int add_listener(struct listen_cli *c, const char *text, int type)
{
	int r = listener_append(&c->listeners, &c->n_listeners, text, type);

	if (r == -ENOMEM)
		return usage_error("out of memory");
	if (r < 0) {
		log_error("invalid listen address '%s': %s", text,
			  address_error(r));
		return -EXIT_USAGE;
	}
	return 1;
}

static int push(char ***v, size_t *n, char *s)
{
	char **nv = reallocarray(*v, *n + 2, sizeof(char *));

	if (!nv)
		return usage_error("out of memory");
	*v = nv;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	return 1;
}

static bool fdname_valid(const char *s)
{
	size_t n = strlen(s);

	for (const char *p = s; *p; p++)
		if (*p < ' ' || *p > '~' || *p == ':')
			return false;
	return n <= 255;
}

static int add_names(struct listen_cli *c, char *arg)
{
	char *tok, *p = arg;
	int r = 1;

	/* strsep, not strtok: "a::b" names the middle socket "". */
	while (r == 1 && (tok = strsep(&p, ":"))) {
		if (!fdname_valid(tok))
			return usage_error("invalid --fdname '%s': names are "
					   "printable ASCII up to 255 bytes",
					   tok);
		r = push(&c->names, &c->n_names, tok);
	}
	return r;
}

static int parse_uint(const char *arg, const char *opt, unsigned max,
		      unsigned *out)
{
	unsigned long v;

	if (number_parse(arg, 0, 1, max, &v) < 0) {
		log_error("invalid %s '%s': expected a number from 1 to %u",
			  opt, arg, max);
		return -EXIT_USAGE;
	}
	*out = (unsigned)v;
	return 1;
}

static int parse_mode(struct listen_cli *c, const char *arg)
{
	unsigned long v;

	if (number_parse(arg, NUMBER_OCTAL, 0, 07777, &v) < 0)
		return usage_error("invalid --socket-mode '%s': expected an "
				   "octal mode such as 0660", arg);
	c->opts.socket_mode = (mode_t)v;
	return 1;
}

static int parse_ipv6_only(struct listen_cli *c, const char *arg)
{
	if (listen_parse_ipv6_only(arg, &c->opts.ipv6_only) < 0)
		return usage_error("invalid --bind-ipv6-only '%s': use "
				   "default, both or ipv6-only", arg);
	return 1;
}

/* Seconds, with an optional "ms" or "s" suffix. */
static int parse_interval(struct listen_cli *c, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (!strcmp(end, "ms"))
		v /= 1000;
	else if (*end && strcmp(end, "s"))
		v = -1;
	/* isfinite: "nan" would pass the comparisons; below 1 ms the
	 * window would reset on every start and the limit never bite. */
	if (errno || end == arg || !isfinite(v) || v < 0.001 || v > 86400)
		return usage_error("invalid --trigger-limit-interval '%s': "
				   "expected seconds, such as 2 or 500ms",
				   arg);
	c->act.trigger_interval_us = (uint64_t)(v * 1e6);
	return 1;
}

static int parse_bytes(const char *arg, const char *opt, int *out)
{
	if (number_parse_size(arg, out) == 0)
		return 1;
	log_error("invalid %s '%s': expected a size in bytes from 1 to 2G, "
		  "such as 4M",
		  opt, arg);
	return -EXIT_USAGE;
}

static int set_plain_type(struct listen_cli *c, int type)
{
	if (c->plain_type != SOCK_STREAM && c->plain_type != type)
		return usage_error("--datagram and --seqpacket cannot be "
				   "combined");
	c->plain_type = type;
	return 1;
}

int listen_cli_option(struct listen_cli *c, int opt, const char *arg)
{
	switch (opt) {
	case OPT_LISTEN:
		return add_listener(c, arg, 0);
	case OPT_LISTEN_STREAM:
		return add_listener(c, arg, SOCK_STREAM);
	case OPT_LISTEN_DATAGRAM:
		return add_listener(c, arg, SOCK_DGRAM);
	case OPT_LISTEN_SEQPACKET:
		return add_listener(c, arg, SOCK_SEQPACKET);
	case OPT_DATAGRAM:
		return set_plain_type(c, SOCK_DGRAM);
	case OPT_SEQPACKET:
		return set_plain_type(c, SOCK_SEQPACKET);
	case OPT_ACCEPT:
		c->act.accept = true;
		return 1;
	case OPT_INETD:
		c->act.inetd = true;
		return 1;
	case OPT_NOW:
		c->act.now = true;
		return 1;
	case OPT_SETENV:
		if (arg[0] == '\0' || arg[0] == '=')
			return usage_error("invalid --setenv '%s': expected "
					   "VAR or VAR=VALUE",
					   arg);
		return push(&c->setenv, &c->n_setenv, (char *)arg);
	case OPT_FDNAME:
		return add_names(c, (char *)arg);
	case OPT_SOCKET_MODE:
		return parse_mode(c, arg);
	case OPT_BACKLOG:
		return parse_uint(arg, "--backlog", 1 << 20,
				  (unsigned *)&c->opts.backlog);
	case OPT_BIND_IPV6_ONLY:
		return parse_ipv6_only(c, arg);
	case OPT_REUSE_PORT:
		c->opts.reuse_port = true;
		return 1;
	case OPT_FREE_BIND:
		c->opts.free_bind = true;
		return 1;
	case OPT_MAX_CONNECTIONS:
		return parse_uint(arg, "--max-connections", 1 << 16,
				  &c->act.max_connections);
	case OPT_TRIGGER_LIMIT_BURST:
		return parse_uint(arg, "--trigger-limit-burst", 1 << 20,
				  &c->act.trigger_burst);
	case OPT_TRIGGER_LIMIT_INTERVAL:
		return parse_interval(c, arg);
	case OPT_RECEIVE_BUFFER:
		return parse_bytes(arg, "--receive-buffer",
				   &c->opts.receive_buffer);
	case OPT_SEND_BUFFER:
		return parse_bytes(arg, "--send-buffer", &c->opts.send_buffer);
	}
	return 0;
}

static bool same_listener(const struct listener *a, const struct listener *b)
{
	return a->type == b->type && a->addr.len == b->addr.len &&
	       !memcmp(&a->addr.sa, &b->addr.sa, a->addr.len);
}

static int check_combination(struct listen_cli *c, char **argv)
{
	struct activation *a = &c->act;

	if (c->n_listeners == 0)
		return usage_error("no listen address given (use -l ADDR)");
	if (!argv || !argv[0])
		return usage_error("no command given (put it after the "
				   "options, e.g. '-- wick-echo')");
	if (address_mistaken_for_command(argv[0]))
		return usage_error("'%s' is an address, not a command: "
				   "--datagram and --seqpacket take no value "
				   "(use --listen-datagram ADDR)",
				   argv[0]);
	for (size_t i = 0; i < c->n_listeners; i++) {
		struct listener *l = &c->listeners[i];

		if (!l->type)
			l->type = c->plain_type;
		if (a->accept && l->type == SOCK_DGRAM)
			return usage_error("--accept cannot be used with "
					   "--datagram listener '%s' (datagram "
					   "sockets have no connections)",
					   l->text);
		if (l->type == SOCK_SEQPACKET &&
		    l->addr.sa.sa.sa_family != AF_UNIX &&
		    l->addr.sa.sa.sa_family != AF_VSOCK)
			return usage_error("seqpacket listener '%s' must be a "
					   "Unix or VSOCK address", l->text);
	}
	for (size_t i = 0; i < c->n_listeners; i++) {
		const struct listener *l = &c->listeners[i];

		for (size_t j = 0; j < i; j++)
			if (same_listener(l, &c->listeners[j]))
				return usage_error("listen address '%s' (%s) "
						   "is given twice",
						   l->text,
						   listener_type_name(l->type));
	}
	if (a->inetd && !a->accept && c->n_listeners != 1)
		return usage_error("--inetd without --accept takes exactly one "
				   "listener");
	if (a->now && a->accept)
		return usage_error("--now cannot be used with --accept");
	if (c->n_names > c->n_listeners) {
		log_error("%zu --fdname names for %zu sockets; give at most "
			  "one name per socket", c->n_names, c->n_listeners);
		return -EXIT_USAGE;
	}
	return 0;
}

int listen_cli_open(struct listen_cli *c, char **argv, bool need_path)
{
	struct activation *a = &c->act;
	char where[ADDRESS_TEXT_MAX];
	int r;

	r = check_combination(c, argv);
	if (r < 0)
		return -r;
	activation_block_signals();
	a->argv = argv;
	if (need_path) {
		a->path = spawn_resolve(argv[0]);
		if (!a->path) {
			log_error("cannot run '%s': %s (check the name and "
				  "PATH)",
				  argv[0],
				  errno == EACCES ? "not executable"
						  : "command not found");
			return 1;
		}
	}
	for (size_t i = 0; i < c->n_listeners; i++) {
		struct listener *l = &c->listeners[i];

		if (i < c->n_names)
			l->name = c->names[i];
		r = listener_open(l, &c->opts);
		if (r < 0) {
			address_format(&l->addr, where, sizeof(where));
			log_error("listen %s (%s): %s", where,
				  listener_type_name(l->type),
				  listener_error(l, r));
			listen_cli_close(c);
			return 1;
		}
	}
	a->listeners = c->listeners;
	a->n_listeners = c->n_listeners;
	a->setenv = c->setenv;
	return 0;
}

void listen_cli_close(struct listen_cli *c)
{
	for (size_t i = 0; i < c->n_listeners; i++)
		listener_close(&c->listeners[i]);
	free(c->act.path);
	c->act.path = NULL;
}
