/* control.h — ending a running sandbox from another wick (stop, rm,
 * run --replace). */
#ifndef WICK_CONTROL_H
#define WICK_CONTROL_H

#include "state.h"

/* Sends SIGTERM to the sandbox's pid 1, waits up to SECS for its wick
 * to let go of the state, then SIGKILL. 0, or -ETIMEDOUT. */
int control_stop(const struct state *st, int secs);

/* Prints the one line for ERR (-errno) from state_root or state_find
 * about ROOT: whose the directory is when it is not ours. */
void control_state_error(const char *cmd, const char *root, int err);

/* Long options before the operands of stop, rm and exec, which take only
 * short ones: --help prints USAGE and returns 1; any other is named in
 * one line and -1; none, 0. */
int control_long_options(const char *cmd, int argc, char **argv,
			 const char *usage);

#endif
