/* daemon.c — unit test of wick_listen_fds() and
 * wick_listen_fds_with_names(): every row of the libsystemd 252 compat
 * table, plus malformed environments the table does not cover. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wick/daemon.h>

#define TSV_NAME "libsystemd-252-listen-fds.tsv"
#define PIPE_FD 64 /* well above the fds a case opens */
#define MAX_OPEN 8 /* the compat harness opens fds only up to this many */

struct env_case {
	const char *fds;   /* LISTEN_FDS, "-" for unset */
	const char *pid;   /* self, other, unset, garbage, zero, or a value */
	const char *names; /* LISTEN_FDNAMES, "-" for unset */
	bool unset;
	bool with_names;
	const char *pidfdid; /* LISTEN_PIDFDID, NULL for unset */
	bool extras;         /* also report PIDFDID and fd 3's flag */
};

static int failures;

static void report(bool pass, const char *desc, const char *got,
		   const char *want)
{
	printf("%s - %s\n", pass ? "ok" : "not ok", desc);
	if (!pass) {
		printf("# got:  %s\n# want: %s\n", got, want);
		failures++;
	}
	fflush(stdout);
}

/* A plain decimal up to MAX_OPEN: the compat harness opens that many. */
static int fds_to_open(const char *fds)
{
	size_t n = strspn(fds, "0123456789");

	if (n == 0 || fds[n] != '\0')
		return 0;
	return atoi(fds) <= MAX_OPEN ? atoi(fds) : 0;
}

/* The table's modes; elsewhere "self" inside MODE stands for our pid
 * (" self" and "selfx" test what surrounds the number). */
static const char *pid_value(const char *mode, char *buf, size_t size)
{
	const char *self = strstr(mode, "self");

	if (!strcmp(mode, "other"))
		return "1";
	if (!strcmp(mode, "garbage"))
		return "abc";
	if (!strcmp(mode, "zero"))
		return "0";
	if (!strcmp(mode, "unset"))
		return NULL;
	if (!self)
		return mode;
	snprintf(buf, size, "%.*s%d%s", (int)(self - mode), mode,
		 (int)getpid(), self + 4);
	return buf;
}

/* Runs in the child: environment and fds exactly as the case says. */
static void child_setup(const struct env_case *c)
{
	char pidbuf[64];
	const char *pid = pid_value(c->pid, pidbuf, sizeof(pidbuf));
	int n = fds_to_open(c->fds);

	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDNAMES");
	(void)unsetenv("LISTEN_PIDFDID");
	if (strcmp(c->fds, "-"))
		setenv("LISTEN_FDS", c->fds, 1);
	if (pid)
		setenv("LISTEN_PID", pid, 1);
	if (strcmp(c->names, "-"))
		setenv("LISTEN_FDNAMES", c->names, 1);
	if (c->pidfdid)
		setenv("LISTEN_PIDFDID", c->pidfdid, 1);

	for (int i = 0; i < n; i++) {
		/* Deliberately without O_CLOEXEC: the library must set it. */
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0 || dup2(fd, 3 + i) < 0)
			_exit(3);
		if (fd != 3 + i)
			close(fd);
	}
}

static const char *set_or_not(const char *name)
{
	return getenv(name) ? "set" : "-";
}

/* The line listen-fds-probe/probe.c prints, built from wick's answer. */
static void child_format(const struct env_case *c, FILE *f)
{
	char **names = NULL;
	int r = c->with_names ? wick_listen_fds_with_names(c->unset, &names)
			      : wick_listen_fds(c->unset);

	if (r < 0)
		fprintf(f, "ret=-%s", strerrorname_np(-r));
	else
		fprintf(f, "ret=%d", r);
	if (names) {
		fprintf(f, " names=");
		for (int i = 0; names[i]; i++)
			fprintf(f, "%s[%s]", i ? "," : "", names[i]);
	}
	for (int fd = 3; r > 0 && fd < 3 + r; fd++)
		fprintf(f, " cloexec%d=%d", fd,
			!!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	fprintf(f, " env:FDS=%s PID=%s NAMES=%s", set_or_not("LISTEN_FDS"),
		set_or_not("LISTEN_PID"), set_or_not("LISTEN_FDNAMES"));
	if (c->extras)
		fprintf(f, " PIDFDID=%s fd3=%d", set_or_not("LISTEN_PIDFDID"),
			fcntl(3, F_GETFD));
}

/* Forks so that each case starts from a clean environment and fd table;
 * the child's line comes back through a pipe into OUT. */
static int run_case(const struct env_case *c, char *out, size_t size)
{
	int p[2], status;
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		FILE *f;

		if (dup2(p[1], PIPE_FD) < 0)
			_exit(2);
		close_range(3, PIPE_FD - 1, 0);
		child_setup(c);
		f = fdopen(PIPE_FD, "w");
		if (!f)
			_exit(2);
		child_format(c, f);
		_exit(fclose(f) == 0 ? 0 : 2);
	}
	close(p[1]);
	while (len + 1 < size &&
	       (n = read(p[0], out + len, size - len - 1)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

static void check_case(const char *desc, const struct env_case *c,
		       const char *want)
{
	char got[1024];
	int r = run_case(c, got, sizeof(got));

	if (r < 0)
		snprintf(got, sizeof(got), "(case did not run: %s)",
			 strerror(-r));
	report(r == 0 && !strcmp(got, want), desc, got, want);
}

/* WICK_COMPAT when set; else the shared directory beside the tree (a
 * checkout in /work/main or a worktree in /work/wt/NAME), else beside the
 * current directory. PATH gets the last candidate tried. */
static FILE *open_compat(char *path, size_t size)
{
	const char *dir = getenv("WICK_COMPAT");
	const char *top = getenv("WICK_TOP");
	const char *ups[] = {"..", "../.."};
	FILE *f;

	if (dir) {
		snprintf(path, size, "%s/%s", dir, TSV_NAME);
		return fopen(path, "re");
	}
	for (size_t i = 0; top && i < 2; i++) {
		snprintf(path, size, "%s/%s/shared/compat/%s", top, ups[i],
			 TSV_NAME);
		f = fopen(path, "re");
		if (f)
			return f;
	}
	snprintf(path, size, "../shared/compat/%s", TSV_NAME);
	return fopen(path, "re");
}

/* Splits a TSV line into exactly N fields, keeping empty ones. */
static bool split_fields(char *line, char **field, int n)
{
	int i = 0;

	line[strcspn(line, "\n")] = '\0';
	for (char *p = line; i < n; i++) {
		field[i] = strsep(&p, "\t");
		if (!field[i])
			return false;
	}
	return true;
}

static void compat_rows(void)
{
	char path[4096], line[2048], desc[512], *f[6];
	FILE *tsv = open_compat(path, sizeof(path));
	int row = 0;

	if (!tsv) {
		printf("ok - libsystemd compat rows # SKIP cannot read %s: %s "
		       "(set WICK_COMPAT to the compat directory)\n",
		       path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), tsv)) {
		struct env_case c = {0};

		if (row++ == 0 || line[0] == '\n')
			continue; /* the header */
		if (!split_fields(line, f, 6)) {
			report(false, "compat row parses", line, "6 fields");
			continue;
		}
		c = (struct env_case){f[0], f[1], f[2], !strcmp(f[3], "unset"),
				      !strcmp(f[4], "sd_listen_fds_with_names"),
				      NULL, false};
		snprintf(desc, sizeof(desc),
			 "compat row %d: FDS='%s' PID=%s NAMES='%s' %s %s",
			 row - 1, f[0], f[1], f[2], f[3], f[4]);
		check_case(desc, &c, f[5]);
	}
	fclose(tsv);
}

/* Malformed or edge environments beyond the table; the expected lines use
 * the same syntax with the PIDFDID and fd-3 flags appended. */
static const struct {
	const char *desc;
	struct env_case c;
	const char *want;
} extra[] = {
	{"LISTEN_FDS above INT_MAX-3 is -EINVAL",
	 {"2147483647", "self", "-", false, false, NULL, false},
	 "ret=-EINVAL env:FDS=set PID=set NAMES=-"},
	{"LISTEN_FDS beyond int is -ERANGE",
	 {"4294967296", "self", "-", false, false, NULL, false},
	 "ret=-ERANGE env:FDS=set PID=set NAMES=-"},
	{"LISTEN_FDS in hex is -EINVAL (decimal only, unlike libsystemd)",
	 {"0x1", "self", "-", false, false, NULL, false},
	 "ret=-EINVAL env:FDS=set PID=set NAMES=-"},
	{"LISTEN_FDS with a plus sign is read",
	 {"+1", "self", "-", false, false, NULL, false},
	 "ret=-EBADF env:FDS=set PID=set NAMES=-"},
	{"LISTEN_FDS with trailing space is -EINVAL",
	 {"1 ", "self", "-", false, false, NULL, false},
	 "ret=-EINVAL env:FDS=set PID=set NAMES=-"},
	{"negative LISTEN_PID is -ERANGE",
	 {"1", "-1", "-", false, false, NULL, false},
	 "ret=-ERANGE env:FDS=set PID=set NAMES=-"},
	{"huge LISTEN_PID is -ERANGE",
	 {"1", "99999999999", "-", false, false, NULL, false},
	 "ret=-ERANGE env:FDS=set PID=set NAMES=-"},
	{"LISTEN_PID with leading space is ours",
	 {"1", " self", "-", false, false, NULL, false},
	 "ret=1 cloexec3=1 env:FDS=set PID=set NAMES=-"},
	{"LISTEN_PID with trailing garbage is -EINVAL",
	 {"1", "selfx", "-", false, false, NULL, false},
	 "ret=-EINVAL env:FDS=set PID=set NAMES=-"},
	{"another process's LISTEN_PID leaves fd 3 alone",
	 {"1", "other", "-", false, false, "1", true},
	 "ret=0 env:FDS=set PID=set NAMES=- PIDFDID=set fd3=0"},
	{"unset removes LISTEN_PIDFDID on success",
	 {"1", "self", "a", true, true, "42", true},
	 "ret=1 names=[a] cloexec3=1 env:FDS=- PID=- NAMES=- PIDFDID=- fd3=1"},
	{"unset removes LISTEN_PIDFDID on a names error",
	 {"1", "self", "a:b", true, true, "42", true},
	 "ret=-EINVAL env:FDS=- PID=- NAMES=- PIDFDID=- fd3=1"},
	{"unset removes LISTEN_PIDFDID on a LISTEN_PID error",
	 {"1", "abc", "-", true, false, "42", true},
	 "ret=-EINVAL env:FDS=- PID=- NAMES=- PIDFDID=- fd3=0"},
	{"unset removes everything when not ours",
	 {"1", "other", "x", true, true, "42", true},
	 "ret=0 env:FDS=- PID=- NAMES=- PIDFDID=- fd3=0"},
	{"keep leaves LISTEN_PIDFDID",
	 {"1", "self", "-", false, false, "42", true},
	 "ret=1 cloexec3=1 env:FDS=set PID=set NAMES=- PIDFDID=set fd3=1"},
	{"eight fds with eight names",
	 {"8", "self", "a:b:c:d:e:f:g:h", false, true, NULL, false},
	 "ret=8 names=[a],[b],[c],[d],[e],[f],[g],[h] cloexec3=1 cloexec4=1 "
	 "cloexec5=1 cloexec6=1 cloexec7=1 cloexec8=1 cloexec9=1 cloexec10=1 "
	 "env:FDS=set PID=set NAMES=set"},
};

int main(void)
{
	char **names = (char **)1;

	compat_rows();
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		check_case(extra[i].desc, &extra[i].c, extra[i].want);

	(void)unsetenv("LISTEN_PID");
	report(wick_listen_fds_with_names(0, &names) == 0 && names == NULL,
	       "no LISTEN_PID: 0 and names set to NULL", "other", "0, NULL");
	return failures ? 1 : 0;
}
