/* number.c — strict decimal parsing for values read from the environment.
 * Decimal only: systemd's base detection would read "010" as 8, which no
 * activator means. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

/* Whitespace as isspace() sees it in the C locale, which is what
 * strtol() would skip anyway; we skip it ourselves to inspect the sign. */
static const char *skip_space(const char *s)
{
	return s + strspn(s, " \t\n\v\f\r");
}

static int digits_follow(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	return *s >= '0' && *s <= '9';
}

int number_parse_int(const char *text, int *out)
{
	const char *s = skip_space(text);
	char *end;
	long v;

	if (!digits_follow(s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

int number_parse_unsigned(const char *text, unsigned long max,
			  unsigned long *out)
{
	const char *s = skip_space(text);
	char *end;
	unsigned long v;

	if (!digits_follow(s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	/* strtoul() wraps "-1" to ULONG_MAX; a negative value is out of
	 * range for an unsigned quantity. */
	if (errno == ERANGE || v > max || (*s == '-' && v != 0))
		return -ERANGE;
	*out = v;
	return 0;
}
