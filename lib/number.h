/* number.h — the decimal and octal number parsers of libwick's environment
 * readers (LISTEN_FDS, LISTEN_PID, vsock CID and port), also used by the
 * wick program for its options and unit files. Internal. */
#ifndef WICK_LIB_NUMBER_H
#define WICK_LIB_NUMBER_H

#include "internal.h"

/* How number_parse() reads its text. */
enum {
	NUMBER_OCTAL = 1 << 0,	/* base 8 (file modes) rather than 10 */
	NUMBER_DIGITS = 1 << 1, /* a digit first: no space, no sign */
};

/* Leading whitespace and a sign are allowed, nothing may follow the
 * digits. Returns 0, -EINVAL (not a decimal number) or -ERANGE (does not
 * fit in an int). */
WICK_HIDDEN int number_parse_int(const char *text, int *out);

/* TEXT as a whole number from MIN to MAX, read as FLAGS say. Without
 * NUMBER_DIGITS, leading whitespace and a sign are allowed as in
 * number_parse_int(); a minus sign gives -ERANGE unless the value is 0.
 * Returns 0, -EINVAL (not a number in that base) or -ERANGE. */
WICK_HIDDEN int number_parse(const char *text, unsigned flags,
			     unsigned long min, unsigned long max,
			     unsigned long *out);

/* A size in bytes from 1 to INT_MAX, digits first, with an optional K, M
 * or G suffix (powers of 1024), as systemd's ReceiveBuffer= reads it
 * (wick's socket buffers). Returns 0, -EINVAL (not a size, or 0) or
 * -ERANGE. */
WICK_HIDDEN int number_parse_size(const char *text, int *out);

#endif
