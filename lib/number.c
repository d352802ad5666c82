/* number.c — strict whole-number parsing for values read from the
 * environment, the command line and unit files. Decimal unless asked:
 * systemd's base detection would read "010" as 8, which no activator
 * means. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

/* The number at the start of TEXT as a sign and a magnitude; *END gets
 * what follows the digits. Whitespace is what isspace() skips in the C
 * locale, as strtol() would; we skip it ourselves to see the sign.
 * Returns 0, -EINVAL (no digit of the base) or -ERANGE (overflow). */
static int read_number(const char *text, unsigned flags, bool *minus,
		       unsigned long *v, char **end)
{
	int base = flags & NUMBER_OCTAL ? 8 : 10;
	const char *s = text;

	*minus = false;
	if (!(flags & NUMBER_DIGITS)) {
		s += strspn(s, " \t\n\v\f\r");
		*minus = *s == '-';
		if (*s == '-' || *s == '+')
			s++;
	}
	if (*s < '0' || *s >= '0' + base)
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, end, base);
	return errno == ERANGE ? -ERANGE : 0;
}

int number_parse_int(const char *text, int *out)
{
	unsigned long v, limit;
	bool minus;
	char *end;
	int r;

	r = read_number(text, 0, &minus, &v, &end);
	if (r == -EINVAL || *end != '\0')
		return -EINVAL;
	limit = minus ? (unsigned long)INT_MAX + 1 : INT_MAX;
	if (r < 0 || v > limit)
		return -ERANGE;
	*out = minus ? (int)-(long long)v : (int)v;
	return 0;
}

int number_parse(const char *text, unsigned flags, unsigned long min,
		 unsigned long max, unsigned long *out)
{
	unsigned long v;
	bool minus;
	char *end;
	int r;

	r = read_number(text, flags, &minus, &v, &end);
	if (r == -EINVAL || *end != '\0')
		return -EINVAL;
	/* Every caller counts or names something: below zero is out of
	 * range, but "-0" is 0 as strtol() reads it. */
	if (r < 0 || v < min || v > max || (minus && v != 0))
		return -ERANGE;
	*out = v;
	return 0;
}

int number_parse_size(const char *text, int *out)
{
	unsigned long v, unit = 1;
	bool minus;
	char *end;
	int r;

	r = read_number(text, NUMBER_DIGITS, &minus, &v, &end);
	if (r == -EINVAL)
		return -EINVAL;
	if (*end == 'K')
		unit = 1UL << 10;
	else if (*end == 'M')
		unit = 1UL << 20;
	else if (*end == 'G')
		unit = 1UL << 30;
	if (unit > 1)
		end++;
	if (*end || v == 0)
		return -EINVAL;
	if (r < 0 || v > INT_MAX / unit)
		return -ERANGE;
	*out = (int)(v * unit);
	return 0;
}
