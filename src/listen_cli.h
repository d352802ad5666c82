/* listen_cli.h — the listen and activation options shared by `wick
 * activate` and `wick run`: parsing, checking, opening the sockets. */
#ifndef WICK_LISTEN_CLI_H
#define WICK_LISTEN_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "activate.h"
#include "listen.h"

enum {
	OPT_LISTEN = 'l',
	OPT_ACCEPT = 0x100,
	OPT_DATAGRAM,
	OPT_SEQPACKET,
	OPT_INETD,
	OPT_NOW,
	OPT_SETENV,
	OPT_FDNAME,
	OPT_LISTEN_STREAM,
	OPT_LISTEN_DATAGRAM,
	OPT_LISTEN_SEQPACKET,
	OPT_SOCKET_MODE,
	OPT_BACKLOG,
	OPT_BIND_IPV6_ONLY,
	OPT_REUSE_PORT,
	OPT_FREE_BIND,
	OPT_MAX_CONNECTIONS,
	OPT_TRIGGER_LIMIT_BURST,
	OPT_TRIGGER_LIMIT_INTERVAL,
	OPT_RECEIVE_BUFFER,
	OPT_SEND_BUFFER,
	OPT_LISTEN_CLI_END,
};

/* For a getopt_long table; each command adds its own short aliases. */
#define LISTEN_CLI_OPTIONS                                                   \
	{"listen", required_argument, NULL, OPT_LISTEN},                     \
	{"accept", no_argument, NULL, OPT_ACCEPT},                           \
	{"datagram", no_argument, NULL, OPT_DATAGRAM},                       \
	{"seqpacket", no_argument, NULL, OPT_SEQPACKET},                     \
	{"inetd", no_argument, NULL, OPT_INETD},                             \
	{"now", no_argument, NULL, OPT_NOW},                                 \
	{"setenv", required_argument, NULL, OPT_SETENV},                     \
	{"fdname", required_argument, NULL, OPT_FDNAME},                     \
	{"listen-stream", required_argument, NULL, OPT_LISTEN_STREAM},       \
	{"listen-datagram", required_argument, NULL, OPT_LISTEN_DATAGRAM},   \
	{"listen-seqpacket", required_argument, NULL, OPT_LISTEN_SEQPACKET}, \
	{"socket-mode", required_argument, NULL, OPT_SOCKET_MODE},           \
	{"backlog", required_argument, NULL, OPT_BACKLOG},                   \
	{"bind-ipv6-only", required_argument, NULL, OPT_BIND_IPV6_ONLY},     \
	{"reuse-port", no_argument, NULL, OPT_REUSE_PORT},                   \
	{"free-bind", no_argument, NULL, OPT_FREE_BIND},                     \
	{"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},   \
	{"trigger-limit-burst", required_argument, NULL,                     \
	 OPT_TRIGGER_LIMIT_BURST},                                           \
	{"trigger-limit-interval", required_argument, NULL,                  \
	 OPT_TRIGGER_LIMIT_INTERVAL},                                        \
	{"receive-buffer", required_argument, NULL, OPT_RECEIVE_BUFFER},     \
	{"send-buffer", required_argument, NULL, OPT_SEND_BUFFER}

/* Help text for the options above, for each command's --help. */
extern const char listen_cli_help[];

struct listen_cli {
	struct activation act;
	struct listen_opts opts;
	struct listener *listeners;
	size_t n_listeners;
	int plain_type;      /* type for -l: stream, or -d / --seqpacket */
	char **names;        /* --fdname values, split at ':' */
	size_t n_names;
	char **setenv;
	size_t n_setenv;
};

void listen_cli_init(struct listen_cli *c);

/* Handles option OPT: 1 when taken, 0 when not a listen option, or
 * -EXIT_USAGE after printing what is wrong. */
int listen_cli_option(struct listen_cli *c, int opt, const char *arg);

/* Checks the combination against ARGV (the service command), then binds
 * every socket. Returns 0, or an exit status after printing one line;
 * on failure nothing stays bound. */
int listen_cli_open(struct listen_cli *c, char **argv, bool need_path);

/* Closes the sockets, removing the socket files wick made. */
void listen_cli_close(struct listen_cli *c);

#endif
