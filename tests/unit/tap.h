/* tap.h — the TAP line of a C unit test's case: "ok - DESC" or "not ok -
 * DESC" with what was got and wanted; main returns failures ? 1 : 0. */
#ifndef WICK_TEST_TAP_H
#define WICK_TEST_TAP_H

#include <stdio.h>

static int failures;

static inline void expect(const char *desc, long got, long want)
{
	printf("%s - %s\n", got == want ? "ok" : "not ok", desc);
	if (got != want) {
		printf("# got %ld, want %ld\n", got, want);
		failures++;
	}
}

#endif
