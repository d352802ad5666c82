/* unit_cmd.h — what the unit commands (cat, start, stop, status,
 * list-sockets) share: the common options and loading with reports. */
#ifndef WICK_UNIT_CMD_H
#define WICK_UNIT_CMD_H

#include <stdbool.h>

#include "unit.h"

struct unit_cmd_opts {
	struct unit_path path;
	bool unsupported; /* cat --unsupported */
	bool all;	  /* status --all */
	int first_arg;	  /* index of the first unit name in argv */
};

/* Parses --unit-path DIR (repeatable), -q, -v and the command's own
 * flags named in FLAGS ("unsupported", "all"); "unit" in FLAGS wants one
 * UNIT at least, "none" refuses any. Prints the usage error and returns
 * EXIT_USAGE (or 1), or 0 (-1 after --help was printed). O holds nothing
 * to free unless 0 is returned. */
int unit_cmd_options(int argc, char **argv, const char *usage,
		     const char *flags, struct unit_cmd_opts *o);

/* The exit status of a command that unit_cmd_options() ended with R:
 * 0 after --help. */
static inline int unit_cmd_ended(int r)
{
	return r < 0 ? 0 : r;
}

/* Loads NAME, prints its warnings, and on failure one error line naming
 * the unit or file and what to do. Returns 0 or 1. */
int unit_cmd_load(const struct unit_cmd_opts *o, const char *name,
		  struct unit *u);

#endif
