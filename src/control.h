/* control.h — ending a running sandbox from another wick (stop, rm,
 * run --replace). */
#ifndef WICK_CONTROL_H
#define WICK_CONTROL_H

#include "state.h"

/* Sends SIGTERM to the sandbox's pid 1, waits up to SECS for its wick
 * to let go of the state, then SIGKILL. 0, or -ETIMEDOUT. */
int control_stop(const struct state *st, int secs);

#endif
