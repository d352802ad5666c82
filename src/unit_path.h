/* unit_path.h — finding unit files and drop-ins on the search path. */
#ifndef WICK_UNIT_PATH_H
#define WICK_UNIT_PATH_H

#include <stdbool.h>

#include "unit.h"

/* The first DIR/FILE on the path. Returns 0 or -ENOENT. */
int unit_path_find(const struct unit_path *p, const char *file, char **out);

/* A unit or drop-in linked to /dev/null, or empty, is masked. */
bool unit_path_masked(const char *path);

/* The drop-ins DIR/NAME.d/ *.conf for each NAME in NAMES (the instance
 * first, then the template), over the whole path: one file per base
 * name (the earlier directory wins), sorted by base name, masked ones
 * left out. Returns 0 with a NULL-terminated *FILES, or -errno. */
int unit_dropins_find(const struct unit_path *p, const char *const *names,
		      char ***files);

#endif
