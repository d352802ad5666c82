/* state.c — per-sandbox state directories: created under a temporary name
 * with the lock held and renamed into place, so a name is claimed
 * atomically; a directory whose lock nobody holds is stale. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

static int ensure_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid())
		return -EPERM; /* not ours: someone else could read our state */
	return 0;
}

int state_root(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n, r;

	if (getuid() == 0) {
		snprintf(buf, size, "/run/wick");
		r = ensure_dir(buf);
		/* Root of a user namespace cannot write there: it is a user. */
		if (r != -EACCES && r != -EPERM && r != -EROFS)
			return r;
	}
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/wick", xdg);
	else /* e.g. under an activator that scrubs the environment */
		n = snprintf(buf, size, "/tmp/wick-%u", (unsigned)getuid());
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return ensure_dir(buf);
}

bool state_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > STATE_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	/* Started units keep their state in the "units" directory here. */
	if (!strcmp(name, "units"))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
			    "TUVWXYZ0123456789_.-") == n;
}

static int new_id(char *id)
{
	unsigned char raw[STATE_ID_LEN / 2];

	if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
		return -EIO;
	for (size_t i = 0; i < sizeof(raw); i++)
		sprintf(id + 2 * i, "%02x", raw[i]);
	return 0;
}

static int remove_one(const char *path, const struct stat *sb, int flag,
		      struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void remove_tree(const char *path)
{
	/* A leftover is harmless: the next claim of the name takes it
	 * over as stale. */
	(void)nftw(path, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

int state_put(const struct state *st, const char *key, const char *value)
{
	char path[PATH_MAX + 64];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", st->dir, key);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (dprintf(fd, "%s\n", value) < 0)
		r = -EIO;
	close(fd);
	return r;
}

void state_drop(const struct state *st, const char *key)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", st->dir, key);
	(void)unlink(path); /* absent already is as good */
}

int state_get(const struct state *st, const char *key, char *buf,
	      size_t size)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", st->dir, key);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

static int lock_open(const char *dir, int how, bool create)
{
	char path[PATH_MAX + 8];
	int fd;

	snprintf(path, sizeof(path), "%s/lock", dir);
	fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, how | LOCK_NB) < 0) {
		int r = -errno;

		close(fd);
		return r == -EWOULDBLOCK ? -EBUSY : r;
	}
	return fd;
}

bool state_alive(const struct state *st)
{
	int fd = lock_open(st->dir, LOCK_SH, false);

	if (fd == -EBUSY)
		return true;
	if (fd >= 0)
		close(fd);
	return false;
}

int state_remove_stale(struct state *st)
{
	char dead[PATH_MAX];
	int fd = lock_open(st->dir, LOCK_EX, false);

	if (fd < 0)
		return fd;
	/* Out of the name's way first, so a new claim can win at once. */
	snprintf(dead, sizeof(dead), "%s/.dead-%s-%ld", st->root, st->name,
		 (long)getpid());
	if (rename(st->dir, dead) == 0)
		remove_tree(dead);
	close(fd);
	return 0;
}

/* Removes what wicks that were killed (SIGKILL, a crash) left: every
 * directory, half-made ones included, whose lock nobody holds. */
static void sweep(const struct state *st)
{
	struct dirent *d;
	struct stat sb;
	DIR *dir = opendir(st->root);

	while (dir && (d = readdir(dir))) {
		struct state old = *st;
		char name[128];
		size_t n = strlen(d->d_name);

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
		    n >= sizeof(name))
			continue; /* not a name wick makes */
		memcpy(name, d->d_name, n + 1);
		snprintf(old.name, sizeof(old.name), "%.64s", name);
		snprintf(old.dir, sizeof(old.dir), "%s/%s", st->root, name);
		if (!strncmp(d->d_name, ".dead-", 6))
			remove_tree(old.dir); /* a remover died midway */
		else if (!strncmp(d->d_name, ".tmp-", 5) &&
			 (stat(old.dir, &sb) < 0 ||
			  sb.st_mtime > time(NULL) - 60))
			continue; /* maybe another wick's, not locked yet */
		else if ((!strncmp(d->d_name, ".new-", 5) ||
			  !strncmp(d->d_name, ".tmp-", 5) ||
			  state_name_valid(name)) &&
			 !state_alive(&old)) /* else units/, or a stranger */
			(void)state_remove_stale(&old); /* -EBUSY: it lives */
	}
	if (dir)
		closedir(dir);
}

static int claim(struct state *st, const char *tmp)
{
	struct state old = *st;

	old.lock_fd = -1;
	for (int tries = 0; tries < 3; tries++) {
		if (rename(tmp, st->dir) == 0)
			return 0;
		if (errno != EEXIST && errno != ENOTEMPTY)
			return -errno;
		if (state_alive(&old))
			return -EEXIST;
		(void)state_remove_stale(&old); /* raced: try again */
	}
	return -EEXIST;
}

int state_prepare(struct state *st, const char *name)
{
	char tmp[PATH_MAX];
	int r;

	st->lock_fd = -1;
	r = state_root(st->root, sizeof(st->root));
	if (r < 0)
		return r;
	r = new_id(st->id);
	if (r < 0)
		return r;
	snprintf(st->name, sizeof(st->name), "%s", name ? name : "");
	if (!name)
		snprintf(st->name, sizeof(st->name), "wick-%.8s", st->id);
	snprintf(st->dir, sizeof(st->dir), "%s/%s", st->root, st->name);
	snprintf(tmp, sizeof(tmp), "%s/.new-%s", st->root, st->id);

	sweep(st);
	/* Made as .tmp-ID and locked before it becomes .new-ID: a .new-
	 * directory nobody holds the lock of is a dead wick's. */
	snprintf(st->dir, sizeof(st->dir), "%s/.tmp-%s", st->root, st->id);
	if (mkdir(st->dir, 0700) < 0)
		return -errno;
	st->lock_fd = lock_open(st->dir, LOCK_EX, true);
	r = st->lock_fd < 0 ? st->lock_fd : 0;
	if (r == 0)
		r = rename(st->dir, tmp) < 0 ? -errno : 0;
	if (r == 0)
		snprintf(st->dir, sizeof(st->dir), "%s", tmp);
	if (r == 0)
		r = state_put(st, "id", st->id);
	if (r < 0)
		state_remove(st);
	return r;
}

int state_publish(struct state *st)
{
	char tmp[PATH_MAX];
	int r;

	memcpy(tmp, st->dir, sizeof(tmp));
	snprintf(st->dir, sizeof(st->dir), "%s/%s", st->root, st->name);
	r = claim(st, tmp);
	if (r < 0) {
		memcpy(st->dir, tmp, sizeof(tmp));
		state_remove(st);
	}
	return r;
}

int state_create(struct state *st, const char *name)
{
	int r = state_prepare(st, name);

	return r < 0 ? r : state_publish(st);
}

void state_remove(struct state *st)
{
	remove_tree(st->dir);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	st->lock_fd = -1;
}

static int fill(struct state *st, const char *name)
{
	struct stat sb;

	snprintf(st->name, sizeof(st->name), "%s", name);
	snprintf(st->dir, sizeof(st->dir), "%s/%s", st->root, name);
	if (stat(st->dir, &sb) < 0)
		return -errno;
	if (state_get(st, "id", st->id, sizeof(st->id)) < 0)
		st->id[0] = 0;
	return 0;
}

int state_find(struct state *st, const char *name_or_id)
{
	struct dirent *d;
	DIR *dir;
	int r, found = 0;

	st->lock_fd = -1;
	r = state_root(st->root, sizeof(st->root));
	if (r < 0)
		return r;
	if (state_name_valid(name_or_id) && fill(st, name_or_id) == 0)
		return 0;
	if (strlen(name_or_id) < 4 || !(dir = opendir(st->root)))
		return -ENOENT;
	while ((d = readdir(dir))) {
		struct state c = *st;

		if (!state_name_valid(d->d_name) || fill(&c, d->d_name) < 0)
			continue;
		if (!strncmp(c.id, name_or_id, strlen(name_or_id))) {
			*st = c;
			found++;
		}
	}
	closedir(dir);
	return found == 1 ? 0 : -ENOENT;
}

bool state_wait_gone(const struct state *st, int ms)
{
	const struct timespec tick = {0, 20 * 1000 * 1000};

	for (int waited = 0; waited < ms; waited += 20) {
		if (!state_alive(st))
			return true;
		nanosleep(&tick, NULL);
	}
	return !state_alive(st);
}
