/* exec.c — `wick exec NAME COMMAND`: joins a running sandbox's
 * namespaces and runs COMMAND there under the sandbox's restrictions. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "commands.h"
#include "control.h"
#include "log.h"
#include "pty.h"
#include "sandbox.h"
#include "seccomp.h"
#include "spawn.h"
#include "state.h"

/* The user namespace goes first: it grants the rights to join the rest. */
static const struct {
	const char *name;
	int type;
} namespaces[] = {
	{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},
	{"pid", CLONE_NEWPID},   {"net", CLONE_NEWNET},
	{"uts", CLONE_NEWUTS},   {"ipc", CLONE_NEWIPC},
	{"cgroup", CLONE_NEWCGROUP},
};
#define N_NS (sizeof(namespaces) / sizeof(namespaces[0]))

/* Opens every namespace of PID that differs from ours (--network=host
 * shares the host's, which an unprivileged user could not join). */
static int open_namespaces(pid_t pid, int fds[N_NS])
{
	struct stat theirs, ours;
	char path[64];

	for (size_t i = 0; i < N_NS; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid,
			 namespaces[i].name);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return -errno;
		snprintf(path, sizeof(path), "/proc/self/ns/%s",
			 namespaces[i].name);
		if (fstat(fds[i], &theirs) == 0 && stat(path, &ours) == 0 &&
		    theirs.st_ino == ours.st_ino) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
	return 0;
}

static int join(int fds[N_NS])
{
	for (size_t i = 0; i < N_NS; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], namespaces[i].type) < 0) {
			log_error("exec: joining the %s namespace: %s",
				  namespaces[i].name, strerror(errno));
			return -errno;
		}
		close(fds[i]);
	}
	return 0;
}

struct restrictions {
	uint64_t caps;
	void *filter;
	bool tty;     /* -t: a terminal of the sandbox's own */
	int peer;     /* its peer end, for the child */
};

static _Noreturn void child(char **argv, const struct restrictions *rs)
{
	static char *env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		"/sbin:/bin",
		"HOME=/root", "container=wick", NULL, NULL};
	extern char **environ;
	char *term = getenv("TERM");
	sigset_t none;

	/* A terminal's type matters only to a command that has one. */
	if (rs->tty && term && asprintf(&env[3], "TERM=%s", term) < 0)
		env[3] = NULL;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (rs->tty && pty_attach(rs->peer) < 0) {
		log_error("exec: attaching the terminal: %s", strerror(errno));
		_exit(126);
	}
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0 ||
	    caps_restrict(rs->caps) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    (rs->filter && filter_load(rs->filter) < 0)) {
		log_error("exec: restricting the command: %s", strerror(errno));
		_exit(126);
	}
	if (chdir("/") < 0)
		_exit(126);
	environ = env;
	execvp(argv[0], argv);
	log_error("exec: cannot run '%s' in the sandbox: %s", argv[0],
		  strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int load_restrictions(const struct state *st, struct restrictions *rs)
{
	char buf[32] = "";

	rs->caps = 0;
	rs->filter = NULL;
	if (state_get(st, "caps", buf, sizeof(buf)) == 0)
		rs->caps = strtoull(buf, NULL, 16);
	if (state_get(st, "seccomp", buf, sizeof(buf)) == 0 &&
	    !strcmp(buf, "unconfined"))
		return 0;
	if (filter_build(&rs->filter) < 0) {
		log_error("exec: libseccomp.so.2 is not usable (install "
			  "libseccomp2)");
		return -ENOENT;
	}
	return 0;
}

static int run_in(pid_t target, char **argv, struct restrictions *rs)
{
	int fds[N_NS], ws, master = -1, e;
	pid_t pid;

	if (open_namespaces(target, fds) < 0) {
		log_error("exec: the sandbox ended meanwhile");
		return 1;
	}
	if (join(fds) < 0)
		return 1;
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (rs->tty && (e = pty_open(&master, &rs->peer)) < 0) {
		log_error("exec: no terminal in the sandbox: %s", strerror(-e));
		return 1;
	}
	/* Joining a pid namespace applies to children only. */
	pid = fork();
	if (pid < 0) {
		log_error("exec: fork: %s", strerror(errno));
		return 1;
	}
	if (pid == 0)
		child(argv, rs);
	signal(SIGINT, SIG_IGN); /* the terminal's ^C goes to the command */
	signal(SIGQUIT, SIG_IGN);
	if (rs->tty) {
		close(rs->peer);
		pty_relay(master);
		close(master);
	}
	if (waitpid(pid, &ws, 0) < 0)
		return 1;
	return spawn_exit_status(ws);
}

#define EXEC_ARGS "[-i] [-t] NAME COMMAND [ARG...]"
#define EXEC_USAGE "wick exec " EXEC_ARGS

/* Options, then NAME and COMMAND: the index of NAME, or -1 after one
 * line saying what is missing. */
static int parse_exec(int argc, char **argv, bool *tty)
{
	int o = control_long_options("exec", argc, argv, EXEC_ARGS);

	if (o)
		return o > 0 ? -2 : -1;
	optind = 1;
	opterr = 0;
	while ((o = getopt(argc, argv, "+ti")) != -1) {
		if (o == '?') {
			log_error("exec: unknown option '-%c' (%s; -t: a "
				  "terminal of its own, -i: accepted)",
				  optopt, EXEC_USAGE);
			return -1;
		}
		*tty = *tty || o == 't';
	}
	if (argc - optind < 1)
		log_error("exec: no NAME given (%s)", EXEC_USAGE);
	else if (argc - optind < 2)
		log_error("exec: no COMMAND given to run in '%s' (%s)",
			  argv[optind], EXEC_USAGE);
	return argc - optind < 2 ? -1 : optind;
}

int cmd_exec(int argc, char **argv)
{
	struct restrictions rs;
	struct state st;
	char pid[32], mark[8];
	bool tty = false, listening;
	int e;

	optind = parse_exec(argc, argv, &tty);
	if (optind < 0)
		return optind == -2 ? 0 : EXIT_USAGE;
	e = state_find(&st, argv[optind]);
	if (e < 0 && e != -ENOENT) {
		control_state_error("exec", st.root, e);
		return 1;
	}
	if (e < 0 || !state_alive(&st)) {
		log_error("exec: no running sandbox named '%s' (see wick ps)",
			  argv[optind]);
		return 1;
	}
	/* A listening wick's state names its sandbox apart, while one runs. */
	listening = state_get(&st, "listening", mark, sizeof(mark)) == 0;
	if (state_get(&st, listening ? "sandbox" : "pid", pid,
		      sizeof(pid)) < 0) {
		log_error(listening ? "exec: '%s' is listening; its sandbox "
				      "starts with the first client"
				    : "exec: '%s' is still starting",
			  argv[optind]);
		return 1;
	}
	if (load_restrictions(&st, &rs) < 0)
		return 1;
	rs.tty = tty;
	return run_in(atoi(pid), argv + optind + 1, &rs);
}
