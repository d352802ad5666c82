/* idmap.c — writing uid_map/gid_map for a new user namespace, directly or
 * through the setuid helpers newuidmap/newgidmap for subordinate ranges. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idmap.h"

static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	ssize_t n;
	int fd, r = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		r = -errno;
	else if ((size_t)n != strlen(text))
		r = -EIO;
	close(fd);
	return r;
}

/* The first "user:start:count" (or "uid:start:count") line for us. */
static int sub_range(const char *file, const char *user, unsigned id,
		     unsigned long *start, unsigned long *count)
{
	char line[256], who[128];
	FILE *f;
	int found = 0;

	f = fopen(file, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127[^:]:%lu:%lu", who, start, count) != 3)
			continue;
		found = (user && !strcmp(who, user)) ||
			strtoul(who, NULL, 10) == id;
		found = found && *count > 0;
	}
	fclose(f);
	return found;
}

/* Starts HELPER for PID's namespace; returns its pid or -errno. */
static pid_t start_helper(const char *helper, pid_t pid, unsigned id,
			  unsigned long start, unsigned long count)
{
	char spid[16], sid[16], sstart[24], scount[24];
	pid_t child;

	snprintf(spid, sizeof(spid), "%d", (int)pid);
	snprintf(sid, sizeof(sid), "%u", id);
	snprintf(sstart, sizeof(sstart), "%lu", start);
	snprintf(scount, sizeof(scount), "%lu", count);
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		execl(helper, helper, spid, "0", sid, "1", "1", sstart, scount,
		      (char *)NULL);
		_exit(127);
	}
	return child;
}

static int finish_helper(pid_t child)
{
	int status;

	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EPERM;
}

/* Both helpers at once: each takes about a millisecond to start, and
 * neither depends on the other's map. */
static int run_helpers(pid_t pid, uid_t uid, gid_t gid,
		       const unsigned long range[4])
{
	pid_t u, g;
	int ru, rg;

	u = start_helper("/usr/bin/newuidmap", pid, uid, range[0], range[1]);
	if (u < 0)
		return u;
	g = start_helper("/usr/bin/newgidmap", pid, gid, range[2], range[3]);
	ru = finish_helper(u);
	if (g < 0)
		return g;
	rg = finish_helper(g);
	return ru < 0 ? ru : rg;
}

static int write_single(pid_t pid, uid_t uid, gid_t gid)
{
	char map[64];
	int r;

	/* An unprivileged gid_map needs setgroups denied first. */
	r = write_file(pid, "setgroups", "deny");
	if (r < 0 && r != -ENOENT)
		return r;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	r = write_file(pid, "uid_map", map);
	if (r < 0)
		return r;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return write_file(pid, "gid_map", map);
}

/* Root's sandbox gets 65536 ids that no one else owns: root's own entry
 * in /etc/subuid and /etc/subgid if there is one, else a fixed range from
 * IDMAP_ROOT_BASE. */
static void root_range(unsigned long *us, unsigned long *gs)
{
	unsigned long count;

	if (!sub_range("/etc/subuid", "root", 0, us, &count) ||
	    count < IDMAP_ROOT_COUNT)
		*us = IDMAP_ROOT_BASE;
	if (!sub_range("/etc/subgid", "root", 0, gs, &count) ||
	    count < IDMAP_ROOT_COUNT)
		*gs = IDMAP_ROOT_BASE;
}

/* Root may write any map, so no helper is needed. */
static int write_root(pid_t pid)
{
	unsigned long us, gs;
	char map[64];
	int r;

	root_range(&us, &gs);
	snprintf(map, sizeof(map), "0 %lu %lu\n", us, IDMAP_ROOT_COUNT);
	r = write_file(pid, "uid_map", map);
	if (r < 0)
		return r;
	snprintf(map, sizeof(map), "0 %lu %lu\n", gs, IDMAP_ROOT_COUNT);
	return write_file(pid, "gid_map", map);
}

int idmap_hand_over(const char *path, bool host_ids)
{
	unsigned long us, gs;

	if (getuid() != 0 || host_ids)
		return 0; /* root inside is already the owner */
	root_range(&us, &gs);
	if (lchown(path, (uid_t)us, (gid_t)gs) < 0)
		return -errno;
	return 0;
}

int idmap_write(pid_t pid, bool host_ids)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct passwd *pw;
	unsigned long range[4];
	int r;

	if (uid == 0 && !host_ids)
		return write_root(pid);
	if (uid == 0) {
		r = write_file(pid, "uid_map", "0 0 4294967295\n");
		if (r == 0)
			r = write_file(pid, "gid_map", "0 0 4294967295\n");
		return r;
	}
	pw = getpwuid(uid);
	if (sub_range("/etc/subuid", pw ? pw->pw_name : NULL, uid, &range[0],
		      &range[1]) &&
	    sub_range("/etc/subgid", pw ? pw->pw_name : NULL, uid, &range[2],
		      &range[3]) &&
	    access("/usr/bin/newuidmap", X_OK) == 0 &&
	    access("/usr/bin/newgidmap", X_OK) == 0)
		return run_helpers(pid, uid, gid, range);
	return write_single(pid, uid, gid);
}
