/* number.h — decimal number parsing shared by the library's environment
 * readers (LISTEN_FDS, LISTEN_PID, vsock CID and port). Internal. */
#ifndef WICK_LIB_NUMBER_H
#define WICK_LIB_NUMBER_H

#define WICK_HIDDEN __attribute__((visibility("hidden")))

/* Leading whitespace and a sign are allowed, nothing may follow the
 * digits. Returns 0, -EINVAL (not a decimal number) or -ERANGE (does not
 * fit in an int). */
WICK_HIDDEN int number_parse_int(const char *text, int *out);

/* As number_parse_int() for an unsigned value up to MAX; a minus sign
 * gives -ERANGE. */
WICK_HIDDEN int number_parse_unsigned(const char *text, unsigned long max,
				      unsigned long *out);

#endif
