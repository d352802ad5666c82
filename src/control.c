/* control.c — `wick ps`, `wick stop` and `wick rm`: listing and ending
 * sandboxes through their state directories. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/number.h"
#include "commands.h"
#include "control.h"
#include "log.h"

void control_state_error(const char *cmd, const char *root, int err)
{
	struct passwd *pw;
	struct stat st;

	if (err != -EPERM || lstat(root, &st) < 0) {
		log_error("%s: state directory '%s': %s", cmd, root,
			  strerror(-err));
	} else if (!S_ISDIR(st.st_mode)) {
		log_error("%s: state directory '%s' is not a directory "
			  "(remove it)", cmd, root);
	} else {
		pw = getpwuid(st.st_uid);
		log_error("%s: state directory '%s' belongs to %s (uid %u), "
			  "not to you (uid %u): remove it, or set "
			  "XDG_RUNTIME_DIR to a directory of your own",
			  cmd, root, pw ? pw->pw_name : "another user",
			  (unsigned)st.st_uid, (unsigned)getuid());
	}
}

/* state_find, reporting what is wrong: 0, or 1 after one line. */
static int find(const char *cmd, struct state *st, const char *name,
		bool running)
{
	int e = state_find(st, name);

	if (e < 0 && e != -ENOENT) {
		control_state_error(cmd, st->root, e);
		return 1;
	}
	if (e < 0 || (running && !state_alive(st))) {
		log_error("%s: no %ssandbox named '%s' (see wick ps)", cmd,
			  running ? "running " : "", name);
		return 1;
	}
	return 0;
}

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

/* The command as given when it fits the column; else the program's base
 * name and its arguments, so a long directory does not push the name
 * itself out of view. */
static const char *short_command(const char *cmd)
{
	const char *end = strchrnul(cmd, ' '), *base = cmd;

	if (strlen(cmd) <= 30)
		return cmd;
	for (const char *p = cmd; p < end; p++)
		if (*p == '/')
			base = p + 1;
	return base;
}

static void ps_line(struct state *st)
{
	char cmd[256] = "?", created[32] = "0", lst[1024] = "?", when[32];

	(void)state_get(st, "command", cmd, sizeof(cmd));
	(void)state_get(st, "created", created, sizeof(created));
	(void)state_get(st, "listeners", lst, sizeof(lst));
	age((time_t)atoll(created), when, sizeof(when));
	printf("%-20s %-12.12s %-30.30s %-9s %-6s %s\n", st->name, st->id,
	       short_command(cmd), status(st), when, lst);
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
	int e;

	(void)argv;
	if (argc > 1)
		return usage_one("ps", "(no arguments)");
	e = state_root(st.root, sizeof(st.root));
	if (e == 0 && !(dir = opendir(st.root)))
		e = -errno;
	if (e < 0) {
		control_state_error("ps", st.root, e);
		return 1;
	}
	printf("%-20s %-12s %-30s %-9s %-6s %s\n", "NAME", "ID", "COMMAND",
	       "STATUS", "AGE", "LISTENERS");
	while ((d = readdir(dir)))
		if (state_name_valid(d->d_name) &&
		    state_find(&st, d->d_name) == 0)
			ps_line(&st);
	closedir(dir);
	return 0;
}

/* -t SECS / -f, then one NAME at least: the index of the first NAME,
 * or -1 after one line saying what is wrong. */
int control_long_options(const char *cmd, int argc, char **argv,
			 const char *usage)
{
	for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (argv[i][1] != '-')
			continue;
		if (!strcmp(argv[i], "--help")) {
			printf("usage: wick %s %s\n", cmd, usage);
			return 1;
		}
		log_error("%s: option '%s' is unknown (wick %s %s)", cmd,
			  argv[i], cmd, usage);
		return -1;
	}
	return 0;
}

static int parse_end(int argc, char **argv, const char *opts, int *secs,
		     bool *force)
{
	const char *cmd = argv[0], *use = opts[2] == 't'
						  ? "[-t SECONDS] NAME..."
						  : "[-f] NAME...";
	unsigned long v;
	int o = control_long_options(cmd, argc, argv, use);

	if (o)
		return o > 0 ? -2 : -1;
	optind = 1;
	opterr = 0;
	while ((o = getopt(argc, argv, opts)) != -1) {
		if (o == 't') {
			if (number_parse(optarg, 0, 0, 86400, &v) < 0) {
				log_error("%s: -t '%s' is not a number of "
					  "seconds (0 to 86400)", cmd, optarg);
				return -1;
			}
			*secs = (int)v;
		} else if (o == 'f') {
			*force = true;
		} else {
			log_error("%s: option '-%c' is unknown or needs a "
				  "value (wick %s %s)",
				  cmd, optopt, cmd, use);
			return -1;
		}
	}
	if (optind < argc)
		return optind;
	log_error("%s: no NAME given (wick %s %s)", cmd, cmd, use);
	return -1;
}

int cmd_stop(int argc, char **argv)
{
	struct state st;
	int secs = 10, first, status = 0;
	bool force = false;

	first = parse_end(argc, argv, "+:t:", &secs, &force);
	if (first < 0)
		return first == -2 ? 0 : EXIT_USAGE;
	for (int i = first; i < argc; i++) {
		if (find("stop", &st, argv[i], true)) {
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

	first = parse_end(argc, argv, "+:f", &secs, &force);
	if (first < 0)
		return first == -2 ? 0 : EXIT_USAGE;
	for (int i = first; i < argc; i++) {
		if (find("rm", &st, argv[i], false)) {
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
