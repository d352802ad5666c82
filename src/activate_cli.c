/* activate_cli.c — `wick activate`: the command line of the activator. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "listen_cli.h"
#include "log.h"

enum { OPT_HELP = OPT_LISTEN_CLI_END, OPT_VERSION };

static const struct option options[] = {
	LISTEN_CLI_OPTIONS,
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{0},
};

static void help(void)
{
	printf("usage: wick activate [OPTIONS] [--] COMMAND [ARG...]\n\n"
	       "Listens on every ADDR, and starts COMMAND with the sockets as "
	       "fds 3, 4, ...\n(LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES) when "
	       "the "
	       "first client arrives.\nWhen COMMAND exits, the sockets stay "
	       "open and wick waits again.\n\n%s"
	       "  -q, --quiet              errors only\n"
	       "  -v, --verbose            also per-connection events\n"
	       "Short forms, as in systemd-socket-activate: -a (--accept), "
	       "-d (--datagram),\n-E (--setenv).\n",
	       listen_cli_help);
}

/* getopt's own messages would be prefixed "activate:"; say it our way. */
int command_bad_option(const char *cmd, char **argv, int optopt_)
{
	const char *what = argv[optind - 1];

	if (optopt_)
		log_error("%s: option '-%c' is unknown or needs a value (see "
			  "'wick %s --help')",
			  cmd, optopt_, cmd);
	else
		log_error("%s: option '%s' is unknown or needs a value (see "
			  "'wick %s --help')",
			  cmd, what, cmd);
	return EXIT_USAGE;
}

static int short_alias(int opt)
{
	switch (opt) {
	case 'a':
		return OPT_ACCEPT;
	case 'd':
		return OPT_DATAGRAM;
	case 'E':
		return OPT_SETENV;
	}
	return opt;
}

int cmd_activate(int argc, char **argv)
{
	struct listen_cli c;
	int opt, r;

	listen_cli_init(&c);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+l:adE:qvh", options, NULL)) >=
	       0) {
		opt = short_alias(opt);
		r = listen_cli_option(&c, opt, optarg);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		switch (opt) {
		case 'q':
			log_level = 0;
			break;
		case 'v':
			log_level = 2;
			break;
		case 'h':
			help();
			return 0;
		case OPT_VERSION:
			printf("wick " WICK_VERSION "\n");
			return 0;
		default:
			return command_bad_option("activate", argv, optopt);
		}
	}
	r = listen_cli_open(&c, argv + optind, true);
	if (r)
		return r;
	r = activation_run(&c.act);
	listen_cli_close(&c);
	return r;
}
