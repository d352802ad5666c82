/* unit-parse.c — unit tests of the unit-file reader: word splitting and
 * Exec prefixes, $VAR expansion, environment files, the file syntax with
 * drop-ins, templates, specifiers and warnings, and the [Socket] and
 * [Service] settings. Prints TAP lines. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/unit.h"
#include "../../src/unit_config.h"
#include "../../src/unit_exec.h"

static int failed;
static char tmp[] = "/tmp/wick-unit-parse.XXXXXX";

static void __attribute__((format(printf, 2, 3)))
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed |= !ok;
}

static void eq(const char *got, const char *want, const char *what)
{
	bool ok = got && want ? !strcmp(got, want) : got == want;

	check(ok, "%s", what);
	if (!ok)
		printf("# got '%s', want '%s'\n", got ? got : "(null)",
		       want ? want : "(null)");
}

/* The words of TEXT joined with '|', or "ERR". */
static char *joined(const char *text)
{
	static char buf[512];
	char **w;

	if (exec_split(text, &w) < 0)
		return strcpy(buf, "ERR");
	buf[0] = '\0';
	for (size_t i = 0; w[i]; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
			 i ? "|" : "", w[i]);
	strv_free(w);
	return buf;
}

static void test_words(void)
{
	eq(joined("a  b\tc"), "a|b|c", "words split at blanks");
	eq(joined("\"a b\" 'c d' e\"f g\"h"), "a b|c d|ef gh",
	   "quotes group, also inside a word");
	eq(joined("a\\sb \\x41\\101 \"\\t\\\"\""), "a b|AA|\t\"",
	   "C escapes, in and out of quotes");
	eq(joined("''"), "", "an empty quoted word is a word");
	eq(joined("\"open"), "ERR", "unterminated quote is refused");
	eq(joined("a\\q"), "ERR", "unknown escape is refused");
	eq(joined("LOGGING=\"--log-level=info\" B=1"),
	   "LOGGING=--log-level=info|B=1", "Environment= style quoting");
}

static void test_exec(void)
{
	struct exec_command *c = NULL;
	size_t n = 0;

	check(exec_parse("-@/bin/echo name x ; :/bin/true \\; ';'", &c, &n) ==
		      0 &&
		  n == 2,
	      "two commands split at a lone ';'");
	if (n == 2) {
		eq(c[0].path, "/bin/echo", "'@': path is the first word");
		eq(c[0].argv[0], "name", "'@': argv[0] is the second word");
		check(c[0].ignore_failure && !c[0].no_env_expand,
		      "'-' ignores failure");
		check(c[1].no_env_expand, "':' turns off $VAR expansion");
		eq(c[1].argv[1], ";", "'\\;' is a literal semicolon");
		eq(c[1].argv[2], ";", "a quoted ';' is a word");
	}
	exec_commands_free(c, n);
	c = NULL;
	n = 0;
	check(exec_parse("bin/foo", &c, &n) == -EINVAL && n == 0,
	      "a relative path with '/' is refused");
	check(exec_parse("", &c, &n) == -EINVAL, "an empty command is refused");
	check(exec_parse("true x", &c, &n) == 0 && n == 1 &&
		  !strcmp(c[0].path, "true"),
	      "a bare name is looked up in PATH later");
	exec_commands_free(c, n);
}

static void test_env_expand(void)
{
	char *env[] = {"A=x y", "B=2", NULL};
	char *argv[] = {"/bin/cmd", "$A", "-${B}-", "$$B", "$C", "${C}z", NULL};
	char **out = exec_expand_env(argv, env);
	char line[256] = "";

	for (size_t i = 0; out && out[i]; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%s%s", i ? "|" : "", out[i]);
	eq(line, "/bin/cmd|x|y|-2-|$B|z",
	   "$A splits, ${B} substitutes, $$ is '$', unset is empty");
	strv_free(out);
}

static void write_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	if (!f) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void test_env_file(void)
{
	char **env = NULL, path[512];
	size_t n = 0;
	unsigned line = 0;

	write_file("env", "# comment\n; also\nA=1\n  B = 'two words'  \n"
			  "C=\"q\\\"x\" \nD=long\\\nline\nE=trail   \n");
	snprintf(path, sizeof(path), "%s/env", tmp);
	check(env_file_read(path, &env, &n, &line) == 0 && n == 5,
	      "environment file: 5 assignments");
	if (n == 5) {
		eq(env[1], "B=two words", "single quotes keep blanks");
		eq(env[2], "C=q\"x", "double quotes take \\\" escapes");
		eq(env[3], "D=longline", "backslash-newline continues");
		eq(env[4], "E=trail", "trailing blanks go");
	}
	strv_free(env);
	env = NULL;
	n = 0;
	write_file("env", "A=1\nnot an assignment\n");
	check(env_file_read(path, &env, &n, &line) == -EBADMSG && line == 2,
	      "a bad line is reported with its number");
	strv_free(env);
}

static struct unit_path path_of(void)
{
	struct unit_path p = {0};

	(void)unit_path_add(&p, tmp);
	return p;
}

static bool has_warning(const struct unit *u, const char *needle)
{
	for (size_t i = 0; i < u->n_warnings; i++)
		if (strstr(u->warnings[i], needle))
			return true;
	return false;
}

static void test_syntax(void)
{
	struct unit_path p = path_of();
	struct unit u;
	char want[512];
	size_t i = 0;
	const struct unit_entry *e;
	int r;

	mkdir(strcat(strcpy(want, tmp), "/echo@.socket.d"), 0755);
	mkdir(strcat(strcpy(want, tmp), "/echo@a-b.socket.d"), 0755);
	write_file("echo@.socket",
		   "# comment\n; comment\n[Unit]\nDescription=for %i \\\n"
		   "# a comment inside a continuation\n  and %I\n\n"
		   "[Socket]\nListenStream=1\nFoo=bar\nListenStream=%z\n"
		   "Backlog = 7 \n[X-Mine]\nAnything=1\n[Bogus]\nKey=1\n"
		   "[Service]\nType=simple\n");
	write_file("echo@.socket.d/20-b.conf",
		   "[Socket]\nListenStream=\n"
		   "ListenStream=%p:%N:%n:%P:%%\nX-Tool=1\n");
	write_file("echo@a-b.socket.d/10-a.conf", "[Socket]\nListenStream=2\n");
	write_file("echo@a-b.socket.d/30-c.conf", "[Socket]\nBacklog=9\n");
	write_file("echo@.socket.d/30-c.conf", "[Socket]\nBacklog=8\n");
	r = unit_load(&p, "echo@a-b.socket", &u);
	check(r == 0, "template instance loads (%d)", r);
	eq(unit_get(&u, "Unit", "Description"), "for a-b  and a/b",
	   "continuation joined, comment inside skipped, %i and %I");
	eq(unit_get(&u, "Socket", "Backlog"), "9",
	   "the instance's drop-in masks the template's of the same name");
	e = unit_list_next(&u, "Socket", "ListenStream", &i);
	eq(e ? e->value : NULL, "echo:echo@a-b:echo@a-b.socket:echo:%",
	   "empty assignment resets the list; %p %N %n %P %%");
	check(!unit_list_next(&u, "Socket", "ListenStream", &i),
	      "10-a.conf came before the reset in 20-b.conf");
	check(u.n_files == 4, "fragment and three drop-ins read");
	snprintf(want, sizeof(want), "%s/echo@.socket:10: unknown key 'Foo'",
		 tmp);
	check(has_warning(&u, want), "unknown key warned with FILE:LINE");
	snprintf(want, sizeof(want), "%s/echo@.socket:11: bad specifier '%%z'",
		 tmp);
	check(has_warning(&u, want), "bad specifier warned with FILE:LINE");
	check(has_warning(&u, "unknown section [Bogus]"),
	      "unknown section warned");
	check(has_warning(&u, "unknown section [Service]"),
	      "[Service] in a .socket is an unknown section");
	check(!has_warning(&u, "Anything") && !has_warning(&u, "X-Tool"),
	      "X- sections and keys are silent");
	check(u.n_warnings == 4, "nothing else warned (%zu)", u.n_warnings);
	for (size_t k = 0; k < u.n_warnings; k++)
		printf("# %s\n", u.warnings[k]);
	unit_free(&u);
	unit_path_free(&p);
}

static void test_load_errors(void)
{
	struct unit_path p = path_of();
	struct unit u;
	char target[512];

	check(unit_load(&p, "echo@.socket", &u) == -EISDIR,
	      "a template without instance is refused");
	unit_free(&u);
	check(unit_load(&p, "none.socket", &u) == -ENOENT, "missing unit");
	unit_free(&u);
	check(unit_load(&p, "bad", &u) == -EINVAL, "not a unit name");
	unit_free(&u);
	snprintf(target, sizeof(target), "%s/masked.socket", tmp);
	(void)symlink("/dev/null", target);
	check(unit_load(&p, "masked.socket", &u) == -ENOEXEC,
	      "a unit linked to /dev/null is masked");
	unit_free(&u);
	snprintf(target, sizeof(target), "%s/echo@a-b.socket.d/30-c.conf", tmp);
	unlink(target);
	(void)symlink("/dev/null", target);
	check(unit_load(&p, "echo@a-b.socket", &u) == 0 &&
		  !strcmp(unit_get(&u, "Socket", "Backlog"), "7"),
	      "a drop-in linked to /dev/null masks the template's");
	unit_free(&u);
	unit_path_free(&p);
}

static void test_values(void)
{
	uint64_t us = 0;
	bool b = false;
	int sig = 0;

	check(config_timespan("1min 30s", &us) == 0 && us == 90000000,
	      "timespan 1min 30s");
	check(config_timespan("100ms", &us) == 0 && us == 100000,
	      "timespan 100ms");
	check(config_timespan("5", &us) == 0 && us == 5000000,
	      "a bare number is seconds");
	check(config_timespan("5x", &us) == -EINVAL, "bad timespan refused");
	check(config_bool("on", &b) == 0 && b, "boolean on");
	check(config_bool("maybe", &b) == -EINVAL, "bad boolean refused");
	check(config_signal("SIGINT", &sig) == 0 && sig == SIGINT,
	      "signal SIGINT");
	check(config_signal("KILL", &sig) == 0 && sig == SIGKILL,
	      "signal KILL");
}

static void test_config(void)
{
	struct unit_path p = path_of();
	struct socket_config sc;
	struct service_config vc;
	struct unit u;
	int r;

	write_file("pair.socket",
		   "[Socket]\nListenDatagram=127.0.0.1:9\nListenStream=[::1]:9"
		   "\nListenSequentialPacket=@abs\nListenStream=nonsense\n"
		   "Accept=maybe\nSocketMode=0600\nTriggerLimitBurst=3\n");
	r = unit_load(&p, "pair.socket", &u);
	r = r ? r : socket_config_load(&u, &sc);
	check(r == 0 && sc.n_listeners == 3, "three listeners, one bad");
	if (r == 0 && sc.n_listeners == 3) {
		check(sc.listeners[0].type == SOCK_DGRAM &&
			  sc.listeners[1].type == SOCK_STREAM &&
			  sc.listeners[2].type == SOCK_SEQPACKET,
		      "listeners keep the order of their lines");
		check(!sc.accept && sc.opts.socket_mode == 0600 &&
			  sc.trigger_burst == 3,
		      "Accept= stays no after a bad value; mode and burst");
		eq(sc.service, "pair.service", "default service name");
		eq(sc.listeners[0].name, "pair.socket",
		   "default FileDescriptorName is the unit name");
	}
	check(has_warning(&u, "pair.socket:5: ListenStream=nonsense"),
	      "bad address warned with FILE:LINE");
	check(has_warning(&u, "pair.socket:6: invalid Accept=maybe"),
	      "bad boolean warned with FILE:LINE");
	socket_config_free(&sc);
	unit_free(&u);

	write_file("pair.service",
		   "[Service]\nType=notify\nExecStart=\n"
		   "Environment=A=1 \"B=x y\"\nEnvironment=\nEnvironment=C=3\n"
		   "TimeoutSec=5\nTimeoutStopSec=7\n");
	r = unit_load(&p, "pair.service", &u);
	check(r == 0 && service_config_load(&u, &vc) == -ENOEXEC,
	      "no ExecStart= left: the service cannot run");
	service_config_free(&vc);
	unit_free(&u);
	write_file("pair.service",
		   "[Service]\nType=notify\n"
		   "ExecStart=/bin/a\nExecStartPre=-/bin/p\n"
		   "Environment=A=1 \"B=x y\"\nEnvironment=\nEnvironment=C=3\n"
		   "TimeoutSec=5\nTimeoutStopSec=7\nKillSignal=SIGINT\n");
	r = unit_load(&p, "pair.service", &u);
	r = r ? r : service_config_load(&u, &vc);
	check(r == 0 && vc.type == SERVICE_NOTIFY &&
		  vc.notify_access == NOTIFY_MAIN,
	      "Type=notify defaults NotifyAccess=main");
	check(vc.n_env == 1 && !strcmp(vc.env[0], "C=3"),
	      "Environment= reset by an empty assignment");
	check(vc.timeout_start_us == 5000000 && vc.timeout_stop_us == 7000000,
	      "TimeoutSec= then TimeoutStopSec=");
	check(vc.pre.n == 1 && vc.pre.c[0].ignore_failure &&
		  vc.kill_signal == SIGINT,
	      "ExecStartPre= with '-', KillSignal=");
	service_config_free(&vc);
	unit_free(&u);
	unit_path_free(&p);
}

int main(void)
{
	char cmd[600];

	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_words();
	test_exec();
	test_env_expand();
	test_env_file();
	test_syntax();
	test_load_errors();
	test_values();
	test_config();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return failed;
}
