/* number.c — unit test of the shared number parsers: the environment
 * readers' leniency (space, sign), the unit files' digits-only form,
 * octal modes, ranges with and without zero, and sizes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "../../lib/number.h"
#include "tap.h"

struct ucase {
	const char *text;
	unsigned flags;
	unsigned long min, max;
	int ret;
	unsigned long value;
};

static void test_parse(void)
{
	static const struct ucase cases[] = {
		{"42", 0, 0, 100, 0, 42},
		{" \t42", 0, 0, 100, 0, 42},
		{"+42", 0, 0, 100, 0, 42},
		{"-0", 0, 0, 100, 0, 0},
		{"-1", 0, 0, 100, -ERANGE, 0},
		{"0", 0, 1, 100, -ERANGE, 0},
		{"-0", 0, 1, 100, -ERANGE, 0},
		{"101", 0, 0, 100, -ERANGE, 0},
		{"100", 0, 0, 100, 0, 100},
		{"99999999999999999999999", 0, 0, 100, -ERANGE, 0},
		{"99999999999999999999999x", 0, 0, 100, -EINVAL, 0},
		{"", 0, 0, 100, -EINVAL, 0},
		{"+", 0, 0, 100, -EINVAL, 0},
		{"- 1", 0, 0, 100, -EINVAL, 0},
		{"4 ", 0, 0, 100, -EINVAL, 0},
		{"4k", 0, 0, 100, -EINVAL, 0},
		{"010", 0, 0, 100, 0, 10},
		{" 42", NUMBER_DIGITS, 0, 100, -EINVAL, 0},
		{"+42", NUMBER_DIGITS, 0, 100, -EINVAL, 0},
		{"42", NUMBER_DIGITS, 0, 100, 0, 42},
		{"0660", NUMBER_OCTAL, 0, 07777, 0, 0660},
		{"8", NUMBER_OCTAL, 0, 07777, -EINVAL, 0},
		{"0x10", NUMBER_OCTAL, 0, 07777, -EINVAL, 0},
		{"17777", NUMBER_OCTAL, 0, 07777, -ERANGE, 0},
		{" 0755", NUMBER_OCTAL | NUMBER_DIGITS, 0, 07777, -EINVAL, 0},
		{"0755", NUMBER_OCTAL | NUMBER_DIGITS, 0, 07777, 0, 0755},
	};
	char desc[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ucase *c = &cases[i];
		unsigned long v = 12345;
		int r = number_parse(c->text, c->flags, c->min, c->max, &v);

		snprintf(desc, sizeof(desc),
			 "number_parse('%s', %#x, %lu..%lu)", c->text,
			 c->flags, c->min, c->max);
		expect(desc, r, c->ret);
		if (c->ret == 0)
			expect(" ... value", (long)v, (long)c->value);
		else
			expect(" ... leaves the output alone", (long)v, 12345);
	}
}

static void test_int(void)
{
	int v = 0;

	expect("int: ' -7'", number_parse_int(" -7", &v), 0);
	expect("int: ' -7' value", v, -7);
	expect("int: INT_MIN", number_parse_int("-2147483648", &v), 0);
	expect("int: INT_MIN value", v, INT_MIN);
	expect("int: INT_MAX", number_parse_int("2147483647", &v), 0);
	expect("int: INT_MAX value", v, INT_MAX);
	expect("int: INT_MAX + 1", number_parse_int("2147483648", &v),
	       -ERANGE);
	expect("int: INT_MIN - 1", number_parse_int("-2147483649", &v),
	       -ERANGE);
	expect("int: '-'", number_parse_int("-", &v), -EINVAL);
	expect("int: '3x'", number_parse_int("3x", &v), -EINVAL);
}

static void test_size(void)
{
	int v = 0;

	expect("size: 4096", number_parse_size("4096", &v), 0);
	expect("size: 4096 value", v, 4096);
	expect("size: 4K", number_parse_size("4K", &v), 0);
	expect("size: 4K value", v, 4096);
	expect("size: 2M", number_parse_size("2M", &v), 0);
	expect("size: 2M value", v, 2 << 20);
	expect("size: 1G", number_parse_size("1G", &v), 0);
	expect("size: 1G value", v, 1 << 30);
	expect("size: 2G is over INT_MAX", number_parse_size("2G", &v),
	       -ERANGE);
	expect("size: 0", number_parse_size("0", &v), -EINVAL);
	expect("size: 0K", number_parse_size("0K", &v), -EINVAL);
	expect("size: 4k (lower case)", number_parse_size("4k", &v), -EINVAL);
	expect("size: 4KB", number_parse_size("4KB", &v), -EINVAL);
	expect("size: ' 4'", number_parse_size(" 4", &v), -EINVAL);
	expect("size: '+4'", number_parse_size("+4", &v), -EINVAL);
	expect("size: overflow", number_parse_size("99999999999999999999999",
						   &v), -ERANGE);
}

int main(void)
{
	test_parse();
	test_int();
	test_size();
	return failures ? 1 : 0;
}
