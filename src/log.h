/* log.h — one line per lifecycle event on stderr, "wick: …". */
#ifndef WICK_LOG_H
#define WICK_LOG_H

/* 0: errors only (-q), 1: lifecycle events (default), 2: debug (-v). */
extern int log_level;

void log_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *format, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Blocks SIGPIPE in the calling process, so that a log line to a closed
 * pipe fails with EPIPE instead of ending wick. */
void block_sigpipe(void);

#endif
