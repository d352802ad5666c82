/* unit_state.h — the state directory of a started unit: one directory
 * per unit under RUNTIME/wick/units/, guarded by a lock its supervisor
 * holds for as long as it runs. */
#ifndef WICK_UNIT_STATE_H
#define WICK_UNIT_STATE_H

#include <stdbool.h>
#include <sys/types.h>

/* RUNTIME/wick/units (created with mode 0700 when CREATE). Returns a
 * malloc'd path, or NULL with errno set (ENXIO: no runtime directory). */
char *unit_state_root(bool create);

/* ROOT/NAME, malloc'd. */
char *unit_state_dir(const char *name);

/* NAME.socket for NAME.service (echo@demo.service: echo@demo.socket),
 * malloc'd. */
char *unit_socket_of(const char *service);

/* The state directory NAME stands for: its own, or for X.service that of
 * the started X.socket which runs it. Malloc'd, NULL without memory. */
char *unit_state_of(const char *name);

/* Takes the lock of DIR (creating DIR): returns the lock fd (O_CLOEXEC),
 * or -EBUSY when a live supervisor holds it, or -errno. */
int unit_state_lock(const char *dir);

/* true when a supervisor holds DIR's lock. */
bool unit_state_alive(const char *dir);

/* Writes TEXT to DIR/FILE (atomically, by rename). Returns 0 or -errno. */
int unit_state_write(const char *dir, const char *file, const char *text);

/* Reads DIR/FILE; NULL when absent. */
char *unit_state_read(const char *dir, const char *file);

/* The value of KEY= in INFO (the text of an "info" file, or NULL),
 * malloc'd; "" when the key is not there. */
char *unit_state_field(const char *info, const char *key);

/* pid in DIR/FILE, or 0. */
pid_t unit_state_pid(const char *dir, const char *file);

/* Removes DIR and the files in it. */
void unit_state_remove(const char *dir);

/* Names of the units with a state directory, sorted, NULL-terminated. */
char **unit_state_list(void);

#endif
