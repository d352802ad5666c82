/* run_command.c — before `wick run -l` listens: is the command there in
 * the sandbox's file system? A client must not wait for a server that
 * cannot start, and a detached run must not report success for one. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "run.h"

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

enum place { LOOK, LOOK_FOLLOW, MADE_DIR, GONE, CANNOT_TELL };

/* What holds the sandbox path P (absolute, no "." or "..", no link in
 * its parents): a volume or the root, at the host path HOST; a mount
 * point wick makes; the empty /tmp and /run; /proc, /dev and /sys,
 * whose contents cannot be known here. */
static enum place place(const struct run *r, const char *p, char *host,
			size_t size)
{
	static const char *const fresh[] = {"/tmp", "/run"};
	static const char *const virtual[] = {"/proc", "/dev", "/sys"};
	size_t best = 0, n;
	int vol = -1;

	for (size_t i = 0; i < r->sb.n_volumes; i++) {
		n = under(p, r->volumes[i].dst);
		if (n > best) {
			best = n;
			vol = (int)i;
		}
	}
	if (vol >= 0) {
		snprintf(host, size, "%s%s", r->volumes[vol].src, p + best);
		/* The bind itself follows a link at its source. */
		return p[best] ? LOOK : LOOK_FOLLOW;
	}
	for (size_t i = 0; i < r->sb.n_volumes; i++)
		if (under(r->volumes[i].dst, p))
			return MADE_DIR; /* on the way to a volume */
	for (size_t i = 0; i < 2; i++)
		if (under(p, fresh[i]))
			return strcmp(p, fresh[i]) ? GONE : MADE_DIR;
	for (size_t i = 0; i < 3; i++)
		if (under(p, virtual[i]))
			return CANNOT_TELL;
	snprintf(host, size, "%s%s", r->sb.rootfs ? r->sb.rootfs : "", p);
	return LOOK;
}

/* Where PATH (relative to CWD) leads in the sandbox, following its links
 * as the sandbox would: through volumes, inside --rootfs. */
static enum where resolve(const struct run *r, const char *path,
			  const char *cwd)
{
	char todo[2][2 * PATH_MAX], cur[PATH_MAX] = "", next[PATH_MAX];
	char host[2 * PATH_MAX], link[PATH_MAX];
	const char *p;
	int links = 0, t = 0;
	enum place kind;
	struct stat st;
	ssize_t n;

	snprintf(todo[t], sizeof(todo[t]), "%s/%s",
		 path[0] == '/' ? "" : cwd, path);
	for (p = todo[t]; *p;) {
		size_t len;
		bool last;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (!len)
			break;
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && !strncmp(p, "..", 2))) {
			if (len == 2 && strrchr(cur, '/'))
				*strrchr(cur, '/') = '\0';
			p += len;
			continue;
		}
		if (snprintf(next, sizeof(next), "%s/%.*s", cur, (int)len,
			     p) >= (int)sizeof(next))
			return UNKNOWN;
		p += len;
		last = !p[strspn(p, "/")];
		kind = place(r, next, host, sizeof(host));
		switch (kind) {
		case GONE:
			return ABSENT;
		case CANNOT_TELL:
			return UNKNOWN;
		case MADE_DIR:
			if (last)
				return ABSENT; /* a directory, not a command */
			memcpy(cur, next, sizeof(cur));
			continue;
		case LOOK_FOLLOW:
		case LOOK:
			if ((kind == LOOK ? lstat : stat)(host, &st) < 0)
				return errno == ENOENT || errno == ENOTDIR
					       ? ABSENT
					       : UNKNOWN;
		}
		if (S_ISLNK(st.st_mode)) {
			n = readlink(host, link, sizeof(link) - 1);
			if (n <= 0 || ++links > 40)
				return UNKNOWN;
			link[n] = '\0';
			/* Go on from the link's target, then what is left. */
			snprintf(todo[!t], sizeof(todo[!t]), "%s/%s%s",
				 link[0] == '/' ? "" : cur, link, p);
			t = !t;
			p = todo[t];
			cur[0] = '\0';
			continue;
		}
		if (last)
			return S_ISREG(st.st_mode) ? PRESENT : ABSENT;
		if (!S_ISDIR(st.st_mode))
			return ABSENT;
		memcpy(cur, next, sizeof(cur));
	}
	return ABSENT; /* a directory, not a command */
}

/* The PATH the server gets, as build_env() makes it: wick's default,
 * then -e and --setenv in order, the last PATH winning (a bare "PATH"
 * copies wick's own). */
static const char *sandbox_path(const struct run *r)
{
	const char *path = RUN_DEFAULT_PATH, *e, *v;

	for (size_t i = 0; i < r->n_env_opts + r->lc.n_setenv; i++) {
		e = i < r->n_env_opts ? r->env_opts[i]
				      : r->lc.setenv[i - r->n_env_opts];
		if (!strncmp(e, "PATH=", 5))
			path = e + 5;
		else if (!strcmp(e, "PATH") && (v = getenv("PATH")))
			path = v;
	}
	return path;
}

static enum where search(const struct run *r, const char *command,
			 const char *path, const char *cwd)
{
	char full[PATH_MAX];
	enum where best = ABSENT, w;
	const char *p, *end;

	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		/* An empty entry is the working directory, as for execvp. */
		snprintf(full, sizeof(full), "%.*s%s%s", (int)(end - p), p,
			 end > p ? "/" : "", command);
		w = resolve(r, full, cwd);
		if (w == PRESENT)
			return PRESENT;
		if (w == UNKNOWN)
			best = UNKNOWN;
		if (!*end)
			return best;
	}
}

int run_check_command(const struct run *r, const char *command)
{
	const char *path = sandbox_path(r);
	const char *cwd = r->sb.workdir ? r->sb.workdir : "/";
	enum where w;

	if (strchr(command, '/'))
		w = resolve(r, command, cwd);
	else
		w = search(r, command, path, cwd);
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
