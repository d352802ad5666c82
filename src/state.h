/* state.h — the state directory of each sandbox under
 * $XDG_RUNTIME_DIR/wick (or /run/wick for root), held by a lock for as
 * long as the wick that watches the sandbox lives. */
#ifndef WICK_STATE_H
#define WICK_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#define STATE_NAME_MAX 64
#define STATE_ID_LEN 32

struct state {
	char root[PATH_MAX - 128];
	char dir[PATH_MAX];
	char name[STATE_NAME_MAX + 1];
	char id[STATE_ID_LEN + 1];
	int lock_fd; /* exclusive flock while the sandbox lives */
};

/* The directory holding all states, created 0700 if missing. */
int state_root(char *buf, size_t size);

/* Names: letters, digits, '_', '.', '-', not starting with '.' or '-'. */
bool state_name_valid(const char *name);

/* Creates the directory for NAME (a generated name when NULL) with a new
 * id and holds its lock. -EEXIST: a live sandbox has that name. A stale
 * directory whose owner died is taken over. */
int state_create(struct state *st, const char *name);

/* state_create in two steps, for a sandbox prepared ahead of its start:
 * the directory is made under a hidden name (ps does not list it) that
 * state_put fills, and published under NAME by one rename, failing as
 * state_create does. On failure both remove what they made. */
int state_prepare(struct state *st, const char *name);
int state_publish(struct state *st);

/* Writes KEY (a file in the directory) holding VALUE. */
int state_put(const struct state *st, const char *key, const char *value);

/* Removes KEY. */
void state_drop(const struct state *st, const char *key);

/* Removes the directory and releases the lock. */
void state_remove(struct state *st);

/* Finds NAME or an id (or a prefix of one, at least 4 characters) and
 * fills ST (lock_fd -1). -ENOENT when there is none. */
int state_find(struct state *st, const char *name_or_id);

/* Reads KEY into BUF, without the trailing newline. */
int state_get(const struct state *st, const char *key, char *buf,
	      size_t size);

/* Whether a wick still holds the lock of ST. */
bool state_alive(const struct state *st);

/* Removes a stale directory (nobody holds its lock): 0, or -EBUSY. */
int state_remove_stale(struct state *st);

/* Waits up to MS milliseconds for the lock to be released. */
bool state_wait_gone(const struct state *st, int ms);

#endif
