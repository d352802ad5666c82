/* run.c — the command line of `wick run`: a table of options, each
 * checked and stored into struct run; the work is in run_exec.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../lib/number.h"
#include "caps.h"
#include "commands.h"
#include "log.h"
#include "run.h"

enum {
	OPT_NETWORK = OPT_LISTEN_CLI_END, OPT_ROOTFS, OPT_READ_ONLY,
	OPT_HOSTNAME,
	OPT_CAP_ADD, OPT_SECURITY_OPT, OPT_INIT, OPT_NAME, OPT_REPLACE,
	OPT_RM, OPT_CIDFILE, OPT_SDNOTIFY, OPT_SDNOTIFY_TIMEOUT, OPT_QUIET,
	OPT_VERBOSE, OPT_USERNS,
};

static const struct option options[] = {
	LISTEN_CLI_OPTIONS,
	{"network", required_argument, NULL, OPT_NETWORK},
	{"net", required_argument, NULL, OPT_NETWORK},
	{"rootfs", required_argument, NULL, OPT_ROOTFS},
	{"read-only", no_argument, NULL, OPT_READ_ONLY},
	{"volume", required_argument, NULL, 'v'},
	{"env", required_argument, NULL, 'e'},
	{"workdir", required_argument, NULL, 'w'},
	{"hostname", required_argument, NULL, OPT_HOSTNAME},
	{"cap-add", required_argument, NULL, OPT_CAP_ADD},
	{"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
	{"init", no_argument, NULL, OPT_INIT},
	{"name", required_argument, NULL, OPT_NAME},
	{"replace", no_argument, NULL, OPT_REPLACE},
	{"rm", no_argument, NULL, OPT_RM},
	{"detach", no_argument, NULL, 'd'},
	{"cidfile", required_argument, NULL, OPT_CIDFILE},
	{"sdnotify", required_argument, NULL, OPT_SDNOTIFY},
	{"sdnotify-timeout", required_argument, NULL, OPT_SDNOTIFY_TIMEOUT},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"verbose", no_argument, NULL, OPT_VERBOSE},
	{"userns", required_argument, NULL, OPT_USERNS},
	{"help", no_argument, NULL, 'h'},
	{0},
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wick run [OPTIONS] COMMAND [ARG...]\n"
		"Runs COMMAND in a rootless sandbox; sockets passed in "
		"LISTEN_FDS go along.\n\n"
		"  --network=none|host    own network with only loopback "
		"(default), or the host's\n"
		"  --rootfs DIR           root file system (default: the "
		"host's, read-only)\n"
		"  --read-only            no writable layer over --rootfs\n"
		"  -v, --volume SRC:DST[:ro]  bind SRC at DST\n"
		"  -e, --env VAR[=VALUE]  set VAR (from wick's environment "
		"without VALUE)\n"
		"  -w, --workdir DIR      working directory (default /)\n"
		"  --hostname NAME        host name inside (default wick)\n"
		"  --cap-add CAP          keep capability CAP (none by "
		"default)\n"
		"  --security-opt seccomp=unconfined  no system call filter\n"
		"  --userns=host          as root: root inside is host root "
		"(default: an\n"
		"                         unprivileged id range)\n"
		"  --init                 run a small init as pid 1\n"
		"  --name NAME            name for ps/exec/stop/rm\n"
		"  --replace              stop and replace a sandbox of that "
		"name\n"
		"  --rm                   accepted; state always goes when "
		"the sandbox ends\n"
		"  -d, --detach           return once it runs; print its id\n"
		"  --cidfile FILE         write the id to FILE\n"
		"  --sdnotify=container|conmon|ignore  readiness "
		"(default container)\n"
		"  --sdnotify-timeout SECS  wait for READY=1 (default 90)\n"
		"  --quiet, --verbose     fewer or more messages\n\n"
		"With listen options, wick run makes the sockets itself and "
		"starts the sandbox\non the first client, as wick activate "
		"does (-d is --detach here; use\n--datagram):\n%s",
		listen_cli_help);
}

static int bad(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	fprintf(stderr, "wick: run: ");
	vfprintf(stderr, format, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_USAGE;
}

/* What a volume may not cover: the root and the sandbox's own /proc
 * (which hides the host's and whose risky parts are read-only); ".."
 * could reach them. NULL when DST is fine. */
static const char *bad_destination(const char *dst)
{
	const char *p = dst;
	size_t n;

	while (*p == '/')
		p++;
	if (!*p)
		return "cannot bind over the sandbox's root (use --rootfs)";
	for (const char *c = p; *c; c += n) {
		c += strspn(c, "/");
		n = strcspn(c, "/");
		if (n == 2 && !strncmp(c, "..", 2))
			return "'..' is not allowed in the destination";
	}
	if (!strncmp(p, "proc", 4) && (!p[4] || p[4] == '/'))
		return "/proc is the sandbox's own (bind somewhere else)";
	return NULL;
}

/* Drops empty and "." components of the absolute PATH, in place. */
static void normalize(char *path)
{
	char *out = path, *p = path;

	while (*p) {
		size_t len;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len && !(len == 1 && *p == '.')) {
			*out++ = '/';
			memmove(out, p, len);
			out += len;
		}
		p += len;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

static int parse_volume(struct run *r, char *arg)
{
	struct volume *v = &r->volumes[r->sb.n_volumes];
	const char *orig = arg, *why;
	char *dst, *mode;

	if (r->sb.n_volumes >= RUN_MAX_VOLUMES)
		return bad("too many volumes: '%s'", arg);
	/* A copy to cut up: argv stays as ps shows it. */
	arg = strdup(arg);
	if (!arg)
		return bad("%s", "out of memory");
	dst = strchr(arg, ':');
	if (!dst || arg[0] != '/' || dst[1] != '/')
		return bad("volume '%s': want /SRC:/DST[:ro|rw] with absolute "
			   "paths", arg);
	*dst++ = 0;
	mode = strchr(dst, ':');
	if (mode) {
		*mode++ = 0;
		if (strcmp(mode, "ro") && strcmp(mode, "rw"))
			return bad("volume mode '%s': want ro or rw", mode);
	}
	why = bad_destination(dst);
	if (why)
		return bad("volume '%s': %s", orig, why);
	normalize(dst); /* "/x/", "//x" and "/./x" are one place */
	*v = (struct volume){arg, dst, mode && !strcmp(mode, "ro")};
	r->sb.n_volumes++;
	return 0;
}

static size_t depth(const char *path)
{
	size_t n = 0;

	for (const char *p = path; *p; p++)
		n += *p == '/' && p[1] && p[1] != '/';
	return n;
}

static int by_depth(const void *a, const void *b)
{
	const struct volume *x = a, *y = b;
	size_t dx = depth(x->dst), dy = depth(y->dst);

	return dx != dy ? (dx < dy ? -1 : 1) : strcmp(x->dst, y->dst);
}

/* As podman does, volumes are mounted parents first, whatever their order
 * on the command line, so that none hides another; one place twice is
 * an error. */
static int order_volumes(struct run *r)
{
	qsort(r->volumes, r->sb.n_volumes, sizeof(r->volumes[0]), by_depth);
	for (size_t i = 1; i < r->sb.n_volumes; i++)
		if (!strcmp(r->volumes[i - 1].dst, r->volumes[i].dst))
			return bad("volume destination '%s' is given twice "
				   "(bind each place once)",
				   r->volumes[i].dst);
	return 0;
}

static int parse_sdnotify(struct run *r, const char *arg)
{
	if (!strcmp(arg, "container"))
		r->sdnotify = SDNOTIFY_CONTAINER;
	else if (!strcmp(arg, "conmon"))
		r->sdnotify = SDNOTIFY_CONMON;
	else if (!strcmp(arg, "ignore"))
		r->sdnotify = SDNOTIFY_IGNORE;
	else
		return bad("unknown --sdnotify mode '%s' (use container, "
			   "conmon or ignore)", arg);
	return 0;
}

static int parse_seconds(const char *arg, int *out)
{
	unsigned long v;

	if (number_parse(arg, 0, 0, 86400, &v) < 0)
		return bad("'%s' is not a number of seconds (0 to 86400)", arg);
	*out = (int)v;
	return 0;
}

/* Only root can keep host ids; for anyone else they were never there. */
static int parse_userns(struct run *r, const char *arg)
{
	if (strcmp(arg, "host"))
		return bad("unsupported --userns '%s' (only host)", arg);
	if (getuid() != 0)
		return bad("%s", "--userns=host needs root (as a user, root "
				 "inside is already your own uid)");
	r->sb.host_ids = true;
	return 0;
}

static int parse_one(struct run *r, int opt, char *arg)
{
	int cap, st;

	if (opt == 'E')
		opt = OPT_SETENV; /* as in wick activate */
	switch (opt) {
	case OPT_NETWORK:
		if (!strcmp(arg, "none"))
			r->sb.network = NETWORK_NONE;
		else if (!strcmp(arg, "host"))
			r->sb.network = NETWORK_HOST;
		else
			return bad("unknown --network mode '%s' (use none or "
				   "host)", arg);
		return 0;
	case OPT_ROOTFS: r->sb.rootfs = arg; return 0;
	case OPT_READ_ONLY: r->sb.rootfs_ro = true; return 0;
	case 'v': return parse_volume(r, arg);
	case 'e':
		if (r->n_env_opts >= RUN_MAX_ENV || arg[0] == '=')
			return bad("bad or too many -e: '%s'", arg);
		r->env_opts[r->n_env_opts++] = arg;
		return 0;
	case 'w':
		if (arg[0] != '/')
			return bad("workdir '%s' is not an absolute path", arg);
		r->sb.workdir = arg;
		return 0;
	case OPT_HOSTNAME:
		if (strlen(arg) > 64)
			return bad("--hostname is %zu bytes long; the kernel "
				   "allows at most 64", strlen(arg));
		r->sb.hostname = arg;
		return 0;
	case OPT_CAP_ADD:
		cap = caps_parse(arg);
		if (cap < 0)
			return bad("unknown capability '%s' (e.g. "
				   "NET_BIND_SERVICE)", arg);
		r->sb.caps |= 1ULL << cap;
		return 0;
	case OPT_SECURITY_OPT:
		if (strcmp(arg, "seccomp=unconfined"))
			return bad("unsupported --security-opt '%s' (only "
				   "seccomp=unconfined)", arg);
		r->unconfined = true;
		return 0;
	case OPT_INIT: r->sb.init = true; return 0;
	case OPT_NAME:
		if (!strcmp(arg, "units"))
			return bad("name 'units' is taken by the state of "
				   "started units; choose another");
		if (!state_name_valid(arg))
			return bad("bad name '%s' (letters, digits, _ . -; at "
				   "most 64)", arg);
		r->name = arg;
		return 0;
	case OPT_REPLACE: r->replace = true; return 0;
	case OPT_RM: r->rm = true; return 0;
	case 'd': r->detach = true; return 0;
	case OPT_CIDFILE: r->cidfile = arg; return 0;
	case OPT_SDNOTIFY: return parse_sdnotify(r, arg);
	case OPT_SDNOTIFY_TIMEOUT:
		return parse_seconds(arg, &r->notify_timeout);
	case OPT_QUIET: log_level = 0; return 0;
	case OPT_VERBOSE: log_level = 2; return 0;
	case OPT_USERNS: return parse_userns(r, arg);
	}
	st = listen_cli_option(&r->lc, opt, arg);
	if (st < 0)
		return -st;
	r->listening = true;
	return 0;
}

int run_parse(struct run *r, int argc, char **argv, int *first)
{
	int opt, st;

	memset(r, 0, sizeof(*r));
	r->sb.volumes = r->volumes;
	r->notify_timeout = 90;
	r->relay_fd = -1;
	r->sb.go_fd = -1;
	listen_cli_init(&r->lc);
	for (int i = 0; i < 3; i++)
		r->sb.stdio[i] = -1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+l:E:v:e:w:dh", options,
				  NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return -1;
		}
		if (opt == '?' || opt == ':')
			return bad("option '%s' is unknown or needs a value "
				   "(see 'wick run --help')",
				   argv[optind - 1]);
		st = parse_one(r, opt, optarg);
		if (st)
			return st;
	}
	if (optind >= argc)
		return bad("%s", "no COMMAND given (wick run [OPTIONS] COMMAND "
				 "[ARG...])");
	if (r->sb.rootfs_ro && !r->sb.rootfs)
		return bad("%s", "--read-only needs --rootfs (the host's root "
				 "is always read-only)");
	st = order_volumes(r);
	if (st)
		return st;
	*first = optind;
	return 0;
}

/* In the activation's child, with the sockets at 3.. and LISTEN_*
 * set: the whole of `wick run` for this one start. */
static int run_hook(void *data, char **argv)
{
	struct run *r = data;

	/* Killed with its activator, it takes the sandbox along. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	r->sb.argv = argv;
	return run_execute(r);
}

/* --detach: the listening wick goes on in the background once every
 * socket is bound and the name claimed; the foreground prints the id. */
static int detach_listener(struct run *r)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	pid_t pid;

	if (null < 0 || (pid = fork()) < 0) {
		log_error("run: --detach: %s", strerror(errno));
		return 1;
	}
	if (pid > 0) {
		printf("%s\n", r->st.id);
		return 2;
	}
	setsid();
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	close(null);
	return -1;
}

static int listen_state_mark(struct run *r)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	(void)state_put(&r->st, "pid", pid); /* stop signals this wick */
	(void)state_put(&r->st, "listening", "1");
	return 0;
}

/* With a name (or --detach) the listening wick holds the state, so ps
 * shows the sandbox while it waits and stop ends the activation. The
 * name is claimed before any socket is bound: a name in use must not
 * leave clients waiting on a port that nothing will serve. */
static int claim_listen_state(struct run *r, char **argv)
{
	if (!r->name && !r->detach)
		return 0;
	r->sb.argv = argv;
	if (run_claim(r) < 0)
		return 1;
	r->listen_state = true;
	return listen_state_mark(r);
}

/* Once bound: returns 0 to go on listening, 1 on error, 2 in a detached
 * foreground. */
static int listen_state(struct run *r)
{
	int st;

	if (!r->detach)
		return 0;
	st = detach_listener(r);
	if (st >= 0)
		return st;
	r->detach = false; /* each start runs in the foreground */
	return listen_state_mark(r);
}

/* The same, made ahead of the trigger: the sandbox waits for GO_FD. */
static int run_prepare(void *data, char **argv, int go_fd)
{
	struct run *r = data;

	r->sb.go_fd = go_fd;
	return run_hook(data, argv);
}

/* Every start of one sandbox per trigger is prepared ahead, except when
 * the notify relay needs the state directory before the sandbox, or a
 * cidfile would name a sandbox that does not run yet. */
static bool preparable(const struct run *r)
{
	return !r->lc.act.accept && !r->cidfile &&
	       !(r->sdnotify == SDNOTIFY_CONTAINER && getenv("NOTIFY_SOCKET"));
}

static int run_listening(struct run *r, char **argv)
{
	static char text[1024];
	size_t o = 0;
	int st;

	if (r->name && r->lc.act.accept)
		return bad("%s", "--name cannot be used with --accept (one "
				 "sandbox per connection)");
	if (r->detach && r->lc.act.accept)
		return bad("%s", "--detach cannot be used with --accept");
	for (size_t i = 0; i < r->lc.n_listeners && o < sizeof(text); i++)
		o += snprintf(text + o, sizeof(text) - o, "%s%s",
			      i ? "," : "", r->lc.listeners[i].text);
	r->listeners = text;
	/* Before listening: a client must not wait for what cannot start. */
	if (run_check_paths(r) < 0 || run_check_command(r, argv[0]) < 0 ||
	    claim_listen_state(r, argv))
		return 1;
	st = listen_cli_open(&r->lc, argv, false);
	if (st == 0 && r->listen_state)
		st = listen_state(r);
	if (st) {
		if (st == 2)
			return 0; /* the sockets and their files are the
				   * background wick's now */
		if (r->listen_state)
			state_remove(&r->st);
		listen_cli_close(&r->lc);
		return st;
	}
	r->lc.act.exec = run_hook;
	r->lc.act.exec_data = r;
	if (preparable(r))
		r->lc.act.prepare = run_prepare;
	st = activation_run(&r->lc.act);
	if (r->listen_state)
		state_remove(&r->st);
	listen_cli_close(&r->lc);
	return st;
}

int cmd_run(int argc, char **argv)
{
	static struct run r;
	int first, st;

	st = run_parse(&r, argc, argv, &first);
	if (st)
		return st < 0 ? 0 : st;
	if (r.listening)
		return run_listening(&r, argv + first);
	r.sb.argv = argv + first;
	return run_execute(&r);
}
