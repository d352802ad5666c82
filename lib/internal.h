/* internal.h — marks libwick's internal helpers: linked into wick and the
 * static library, never exported from libwick.so. */
#ifndef WICK_LIB_INTERNAL_H
#define WICK_LIB_INTERNAL_H

#define WICK_HIDDEN __attribute__((visibility("hidden")))

#endif
