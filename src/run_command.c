/* run_command.c — before `wick run -l` listens: is the command there in
 * the sandbox's file system? A client must not wait for a server that
 * cannot start, and a detached run must not report success for one. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "run.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
		     "/sbin:/bin"

enum where { ABSENT, PRESENT, UNKNOWN };

/* The length of TOP when PATH is TOP or lies below it, else 0. */
static size_t under(const char *path, const char *top)
{
	size_t n = strlen(top);

	while (n > 1 && top[n - 1] == '/')
		n--;
	if (strncmp(path, top, n) || (path[n] && path[n] != '/'))
		return 0;
	return n;
}

static enum where regular(int dirfd, const char *path, bool in_root)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = in_root ? RESOLVE_IN_ROOT : 0,
	};
	struct stat st;
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? ABSENT : UNKNOWN;
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	close(fd);
	return S_ISREG(st.st_mode) ? PRESENT : ABSENT;
}

/* Where the absolute sandbox PATH lands: in a volume's source, in one of
 * the sandbox's own fresh file systems, or in its root. */
static enum where look(const struct run *r, const char *path)
{
	static const char *const fresh[] = {"/tmp", "/run"};
	static const char *const virtual[] = {"/proc", "/dev", "/sys"};
	char host[PATH_MAX];
	size_t best = 0, n;
	int vol = -1, root;
	enum where w;

	for (size_t i = 0; i < r->sb.n_volumes; i++) {
		n = under(path, r->volumes[i].dst);
		if (n > best) {
			best = n;
			vol = (int)i;
		}
	}
	if (vol >= 0) {
		snprintf(host, sizeof(host), "%s%s", r->volumes[vol].src,
			 path + best);
		return regular(AT_FDCWD, host, false);
	}
	for (size_t i = 0; i < 2; i++)
		if (under(path, fresh[i]))
			return ABSENT; /* empty when the server starts */
	for (size_t i = 0; i < 3; i++)
		if (under(path, virtual[i]))
			return UNKNOWN;
	if (!r->sb.rootfs)
		return regular(AT_FDCWD, path, false);
	root = open(r->sb.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return UNKNOWN;
	w = regular(root, path, true); /* links resolve as inside */
	close(root);
	return w;
}

/* The PATH the server gets: the last -e PATH=…, else wick's default. */
static const char *sandbox_path(const struct run *r)
{
	const char *path = DEFAULT_PATH;

	for (size_t i = 0; i < r->n_env_opts; i++)
		if (!strncmp(r->env_opts[i], "PATH=", 5))
			path = r->env_opts[i] + 5;
	return path;
}

static enum where search(const struct run *r, const char *command,
			 const char *path)
{
	char full[PATH_MAX];
	enum where best = ABSENT, w;
	const char *p, *end;

	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if (*p != '/')
			return UNKNOWN; /* relative to the working directory */
		snprintf(full, sizeof(full), "%.*s/%s", (int)(end - p), p,
			 command);
		w = look(r, full);
		if (w == PRESENT)
			return PRESENT;
		if (w == UNKNOWN)
			best = UNKNOWN;
	}
	return best;
}

int run_check_command(const struct run *r, const char *command)
{
	const char *path = sandbox_path(r);
	enum where w;

	if (strchr(command, '/'))
		w = command[0] == '/' ? look(r, command) : UNKNOWN;
	else
		w = search(r, command, path);
	if (w != ABSENT)
		return 0;
	if (strchr(command, '/'))
		log_error("run: command '%s' does not exist in the sandbox "
			  "(check the path; /tmp and /run start empty there: "
			  "bind its directory in with -v)",
			  command);
	else
		log_error("run: command '%s' is not in the sandbox's PATH "
			  "(%s; give its full path, or bind it in with -v)",
			  command, path);
	return -ENOENT;
}
