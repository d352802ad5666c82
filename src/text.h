/* text.h — small text helpers the unit-file readers share: a whole small
 * file in memory, and a string that grows as it is written. */
#ifndef WICK_TEXT_H
#define WICK_TEXT_H

#include <stddef.h>

/* Reads the file at PATH into a NUL-terminated *TEXT (free it). A file
 * of MAX bytes or more is a mistake: -EFBIG. Returns 0 or -errno. */
int text_read_file(const char *path, size_t max, char **text);

/* Appends S[0..N) to the NUL-terminated *OUT of *LEN bytes (NULL and 0
 * to start one). Returns 0 or -ENOMEM (*OUT stays as it was). */
int text_append(char **out, size_t *len, const char *s, size_t n);

#endif
