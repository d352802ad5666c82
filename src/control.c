/* control.c — `wick ps`, `wick stop` and `wick rm`: listing and ending
 * sandboxes through their state directories. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "control.h"
#include "log.h"

static pid_t state_pid(const struct state *st)
{
	char buf[32];

	if (state_get(st, "pid", buf, sizeof(buf)) < 0)
		return 0;
	return atoi(buf);
}

int control_stop(const struct state *st, int secs)
{
	pid_t pid = state_pid(st);

	/* The lock proves the pid is still the sandbox's: its wick holds it
	 * until it has reaped that pid. */
	if (pid <= 0 || !state_alive(st))
		return 0;
	(void)kill(pid, SIGTERM);
	if (state_wait_gone(st, secs * 1000))
		return 0;
	if (state_alive(st))
		(void)kill(pid, SIGKILL);
	return state_wait_gone(st, 5000) ? 0 : -ETIMEDOUT;
}

static void age(time_t created, char *buf, size_t size)
{
	long s = (long)(time(NULL) - created);

	if (created <= 0)
		snprintf(buf, size, "?");
	else if (s < 120)
		snprintf(buf, size, "%lds", s);
	else if (s < 7200)
		snprintf(buf, size, "%ldm", s / 60);
	else if (s < 172800)
		snprintf(buf, size, "%ldh", s / 3600);
	else
		snprintf(buf, size, "%ldd", s / 86400);
}

static const char *status(const struct state *st)
{
	char buf[16];

	if (!state_alive(st))
		return "stale";
	if (state_get(st, "listening", buf, sizeof(buf)) == 0 &&
	    state_get(st, "sandbox", buf, sizeof(buf)) < 0)
		return "listening";
	return "running";
}

static void ps_line(struct state *st)
{
	char cmd[48] = "?", created[32] = "0", lst[1024] = "?", when[32];

	(void)state_get(st, "command", cmd, sizeof(cmd));
	(void)state_get(st, "created", created, sizeof(created));
	(void)state_get(st, "listeners", lst, sizeof(lst));
	age((time_t)atoll(created), when, sizeof(when));
	printf("%-20s %-12.12s %-30.30s %-9s %-6s %s\n", st->name, st->id, cmd,
	       status(st), when, lst);
}

static int usage_one(const char *cmd, const char *text)
{
	fprintf(stderr, "usage: wick %s %s\n", cmd, text);
	return EXIT_USAGE;
}

int cmd_ps(int argc, char **argv)
{
	struct dirent *d;
	struct state st;
	DIR *dir;

	(void)argv;
	if (argc > 1)
		return usage_one("ps", "(no arguments)");
	if (state_root(st.root, sizeof(st.root)) < 0 ||
	    !(dir = opendir(st.root))) {
		log_error("ps: cannot read '%s': %s", st.root, strerror(errno));
		return 1;
	}
	printf("%-20s %-12s %-30s %-9s %-6s %s\n", "NAME", "ID", "COMMAND",
	       "STATUS", "AGE", "LISTENERS");
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.' && state_find(&st, d->d_name) == 0)
			ps_line(&st);
	closedir(dir);
	return 0;
}

/* -t SECS / -f, then one NAME at least. */
static int parse_end(int argc, char **argv, const char *opts, int *secs,
		     bool *force)
{
	char *end;
	int o;

	optind = 1;
	opterr = 0;
	while ((o = getopt(argc, argv, opts)) != -1) {
		if (o == 't') {
			*secs = (int)strtol(optarg, &end, 10);
			if (*end || *secs < 0)
				return -1;
		} else if (o == 'f') {
			*force = true;
		} else {
			return -1;
		}
	}
	return optind < argc ? optind : -1;
}

int cmd_stop(int argc, char **argv)
{
	struct state st;
	int secs = 10, first, status = 0;
	bool force = false;

	first = parse_end(argc, argv, "+t:", &secs, &force);
	if (first < 0)
		return usage_one("stop", "[-t SECONDS] NAME...");
	for (int i = first; i < argc; i++) {
		if (state_find(&st, argv[i]) < 0 || !state_alive(&st)) {
			log_error("stop: no running sandbox named '%s' (see "
				  "wick ps)", argv[i]);
			status = 1;
		} else if (control_stop(&st, secs) < 0) {
			log_error("stop: '%s' did not end even after SIGKILL",
				  argv[i]);
			status = 1;
		} else {
			printf("%s\n", st.name);
		}
	}
	return status;
}

int cmd_rm(int argc, char **argv)
{
	struct state st;
	int secs = 0, first, status = 0;
	bool force = false;

	first = parse_end(argc, argv, "+f", &secs, &force);
	if (first < 0)
		return usage_one("rm", "[-f] NAME...");
	for (int i = first; i < argc; i++) {
		if (state_find(&st, argv[i]) < 0) {
			log_error("rm: no sandbox named '%s' (see wick ps)",
				  argv[i]);
			status = 1;
			continue;
		}
		if (state_alive(&st) && !force) {
			log_error("rm: '%s' is running (stop it first, or use "
				  "rm -f)", argv[i]);
			status = 1;
			continue;
		}
		if (control_stop(&st, 0) < 0 ||
		    (state_remove_stale(&st) < 0 && state_alive(&st))) {
			log_error("rm: '%s' did not end", argv[i]);
			status = 1;
			continue;
		}
		printf("%s\n", st.name);
	}
	return status;
}
