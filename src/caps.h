/* caps.h — capability names and dropping all but the granted ones. */
#ifndef WICK_CAPS_H
#define WICK_CAPS_H

#include <stdint.h>

/* "NET_BIND_SERVICE" or "CAP_NET_BIND_SERVICE", any case: the number, or
 * -EINVAL. */
int caps_parse(const char *name);

/* Leaves only KEEP (a mask of capability numbers) in the bounding,
 * permitted, effective and inheritable sets and clears the ambient set,
 * so that an exec as uid 0 inside gains nothing else. 0 or -errno. */
int caps_restrict(uint64_t keep);

#endif
