/* unit_status.c — `wick status` and `wick list-sockets`: what the state
 * directories of started units say, checked against their locks. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "unit_cmd.h"
#include "unit_exec.h"
#include "unit_state.h"

static void print_listen(const char *listen, const char *indent)
{
	for (const char *p = listen; p && *p;) {
		size_t len = strcspn(p, "\n");
		const char *sp = memchr(p, ' ', len);

		if (sp)
			printf("%s%.*s (%.*s)\n", indent,
			       (int)(len - (size_t)(sp - p) - 1), sp + 1,
			       (int)(sp - p), p);
		p += len + (p[len] == '\n');
		indent = "            ";
	}
}

/* One log line for the terminal: what the service printed is not
 * trusted, so control bytes (escape sequences, NUL) are shown as \xNN,
 * and a very long line is cut. */
static void print_line(const char *p, size_t len, bool cut_before)
{
	size_t shown = 0;

	fputs(cut_before ? "  …" : "  ", stdout);
	for (size_t i = 0; i < len && shown < 240; i++, shown++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 && c != '\t')
			printf("\\x%02x", c);
		else if (c == 0x7f)
			fputs("\\x7f", stdout);
		else
			putchar(c);
	}
	puts(len > 240 ? " …" : "");
}

/* The last lines of the supervisor's log, as systemctl status shows the
 * journal's: a service that keeps failing says why right here. Reads at
 * most the last 64 KiB, however long the log has grown. */
static void print_log_tail(const char *dir, int lines)
{
	static char buf[65536];
	char path[4096];
	size_t n, start, end;
	ssize_t got;
	off_t size;
	int fd;

	snprintf(path, sizeof(path), "%s/log", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	got = size <= 0 ? -1
			: pread(fd, buf, sizeof(buf),
				size > (off_t)sizeof(buf)
					? size - (off_t)sizeof(buf)
					: 0);
	close(fd);
	if (got <= 0)
		return;
	n = (size_t)got;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	start = n;
	while (start > 0 && lines > 0)
		if (buf[--start] == '\n')
			lines--;
	if (buf[start] == '\n')
		start++;
	putchar('\n');
	for (; start < n; start = end + 1) {
		char *nl = memchr(buf + start, '\n', n - start);

		end = nl ? (size_t)(nl - buf) : n;
		/* The first line read may have begun before the buffer. */
		print_line(buf + start, end - start,
			   start == 0 && size > (off_t)sizeof(buf));
	}
}

/* Prints one unit; returns 0 when it runs, 3 when not (as systemctl). */
static int status_one(const char *name)
{
	char *dir = unit_state_of(name), *info, *listen, *svc, *desc, *frag;
	pid_t pid, main_pid;
	bool alive;

	if (!dir || access(dir, F_OK) < 0) {
		printf("%s: not started\n", name);
		free(dir);
		return 3;
	}
	alive = unit_state_alive(dir);
	info = unit_state_read(dir, "info");
	listen = unit_state_read(dir, "listen");
	pid = unit_state_pid(dir, "pid");
	main_pid = unit_state_pid(dir, "main-pid");
	svc = unit_state_field(info, "service");
	desc = unit_state_field(info, "description");
	frag = unit_state_field(info, "fragment");
	printf("%s%s%s\n", name, desc && *desc ? " - " : "", desc ? desc : "");
	printf("    Loaded: %s\n", frag ? frag : "?");
	if (alive)
		printf("    Active: active, supervisor pid %d\n", (int)pid);
	else
		printf("    Active: failed (its supervisor is gone; 'wick stop "
		       "%s' clears the state)\n",
		       name);
	print_listen(listen, "    Listen: ");
	if (alive && main_pid > 0 && kill(main_pid, 0) == 0)
		printf("   Service: %s, running as pid %d\n", svc,
		       (int)main_pid);
	else
		printf("   Service: %s, waiting for a client\n", svc);
	print_log_tail(dir, 5);
	free(info);
	free(listen);
	free(svc);
	free(desc);
	free(frag);
	free(dir);
	return alive ? 0 : 3;
}

static const char status_usage[] =
    "usage: wick status [UNIT...]\n"
    "Shows each started unit (all without arguments): its supervisor,\n"
    "sockets and service. Exits 3 when a named unit is not running.\n";

int cmd_status(int argc, char **argv)
{
	struct unit_cmd_opts o;
	int r = unit_cmd_options(argc, argv, status_usage, "all", &o);
	int status = 0;
	char **all = NULL;

	if (r != 0)
		return unit_cmd_ended(r);
	unit_path_free(&o.path);
	if (o.first_arg == argc) {
		all = unit_state_list();
		for (size_t i = 0; all && all[i]; i++) {
			if (i)
				putchar('\n');
			(void)status_one(all[i]);
		}
		strv_free(all);
		return 0;
	}
	for (int i = o.first_arg; i < argc; i++) {
		if (i > o.first_arg)
			putchar('\n');
		r = status_one(argv[i]);
		status = status ? status : r;
	}
	return status;
}

static const char list_usage[] =
    "usage: wick list-sockets\n"
    "Lists the sockets of every started unit and what they activate.\n";

int cmd_list_sockets(int argc, char **argv)
{
	struct unit_cmd_opts o;
	int r = unit_cmd_options(argc, argv, list_usage, "none", &o);
	char **all;
	size_t n = 0;

	if (r != 0)
		return unit_cmd_ended(r);
	unit_path_free(&o.path);
	all = unit_state_list();
	printf("%-40s %-10s %-30s %s\n", "LISTEN", "TYPE", "UNIT", "ACTIVATES");
	for (size_t i = 0; all && all[i]; i++) {
		char *dir = unit_state_dir(all[i]);
		char *listen = dir ? unit_state_read(dir, "listen") : NULL;
		char *info = dir ? unit_state_read(dir, "info") : NULL;
		char *svc = unit_state_field(info, "service");

		for (const char *p = listen; p && *p;) {
			size_t len = strcspn(p, "\n");
			const char *sp = memchr(p, ' ', len);

			if (sp) {
				printf("%-40.*s %-10.*s %-30s %s\n",
				       (int)(len - (size_t)(sp - p) - 1),
				       sp + 1, (int)(sp - p), p, all[i], svc);
				n++;
			}
			p += len + (p[len] == '\n');
		}
		free(dir);
		free(listen);
		free(info);
		free(svc);
	}
	strv_free(all);
	printf("\n%zu sockets listed.\n", n);
	return 0;
}
