/* main.c — `wick COMMAND …`: picks the command and hands over argv. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"activate", cmd_activate,
	 "listen, and start COMMAND on the first client"},
	{"run", cmd_run, "run COMMAND in a rootless sandbox"},
	{"ps", cmd_ps, "list sandboxes"},
	{"exec", cmd_exec, "run a command inside a running sandbox"},
	{"stop", cmd_stop_any,
	 "stop a sandbox, or a started unit (NAME.socket)"},
	{"rm", cmd_rm, "remove a sandbox's state (-f: stop it first)"},
	{"cat", cmd_cat, "show a unit and its drop-ins as wick reads them"},
	{"start", cmd_start, "start a socket unit: listen, activate a service"},
	{"status", cmd_status, "show started units, their sockets and service"},
	{"list-sockets", cmd_list_sockets, "list the sockets of started units"},
	{"generate", cmd_generate,
	 "print systemd units (or Quadlet) for a `wick run -l` line"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: wick COMMAND [OPTIONS] [ARG...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'wick COMMAND --help' describes each one.\n");
}

/* A closed stdin, stdout or stderr would hand its number to the first
 * socket, and a service would then find a listener on its stdio. */
static void ensure_stdio(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 &&
		    open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(1);
}

int main(int argc, char **argv)
{
	ensure_stdio();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("wick " WICK_VERSION "\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr,
		"wick: unknown command '%s' (run 'wick --help' for the list)\n",
		argv[1]);
	return EXIT_USAGE;
}
