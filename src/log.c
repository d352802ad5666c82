/* log.c — wick's diagnostics: one line per event, prefixed "wick: ". */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

int log_level = 1;

static void log_line(const char *format, va_list ap)
	__attribute__((format(printf, 1, 0)));

static void log_line(const char *format, va_list ap)
{
	int saved = errno;
	char line[1024];

	/* One write per line, so lines of concurrent processes never mix. */
	vsnprintf(line, sizeof(line), format, ap);
	fprintf(stderr, "wick: %s\n", line);
	errno = saved;
}

void log_error(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_line(format, ap);
	va_end(ap);
}

void log_info(const char *format, ...)
{
	va_list ap;

	if (log_level < 1)
		return;
	va_start(ap, format);
	log_line(format, ap);
	va_end(ap);
}

void log_debug(const char *format, ...)
{
	va_list ap;

	if (log_level < 2)
		return;
	va_start(ap, format);
	log_line(format, ap);
	va_end(ap);
}

void block_sigpipe(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	(void)sigprocmask(SIG_BLOCK, &set, NULL); /* cannot fail here */
}
