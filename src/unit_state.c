/* unit_state.c — the state directories of started units: where they
 * live, the supervisor's lock, small files in them, and listing them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "unit_exec.h"
#include "unit_state.h"

char *unit_state_root(bool create)
{
	const char *rt = unit_runtime_dir();
	char *root;

	if (!rt) {
		errno = ENXIO;
		return NULL;
	}
	if (asprintf(&root, "%s/wick/units", rt) < 0)
		return NULL;
	if (create) {
		char *wick = strndup(root, strlen(root) - strlen("/units"));

		if (!wick || (mkdir(wick, 0700) < 0 && errno != EEXIST) ||
		    (mkdir(root, 0700) < 0 && errno != EEXIST)) {
			int saved = errno;

			free(wick);
			free(root);
			errno = saved;
			return NULL;
		}
		free(wick);
	}
	return root;
}

char *unit_state_dir(const char *name)
{
	char *root = unit_state_root(false), *dir;

	if (!root)
		return NULL;
	if (asprintf(&dir, "%s/%s", root, name) < 0)
		dir = NULL;
	free(root);
	return dir;
}

int unit_state_lock(const char *dir)
{
	char path[4096];
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EBUSY : -errno;

		close(fd);
		return r;
	}
	return fd;
}

bool unit_state_alive(const char *dir)
{
	char path[4096];
	int fd;
	bool alive;

	snprintf(path, sizeof(path), "%s/lock", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	alive = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return alive;
}

int unit_state_write(const char *dir, const char *file, const char *text)
{
	char tmp[4096], path[4096];
	size_t len = strlen(text);
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, file);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		(void)unlink(tmp); /* best effort; the error is reported */
	return r;
}

char *unit_state_read(const char *dir, const char *file)
{
	char path[4096], *text = NULL;
	FILE *f;
	size_t cap = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(text);
		return strdup("");
	}
	return text;
}

pid_t unit_state_pid(const char *dir, const char *file)
{
	char *t = unit_state_read(dir, file);
	long pid = t ? strtol(t, NULL, 10) : 0;

	free(t);
	return pid > 0 ? (pid_t)pid : 0;
}

void unit_state_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];

	/* Bounded by the directory's own entries: a few small files. */
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)unlink(path); /* what stays makes rmdir fail, below */
	}
	if (d)
		closedir(d);
	(void)rmdir(dir); /* a racing start may own it again: fine */
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **unit_state_list(void)
{
	char *root = unit_state_root(false), **v = calloc(1, sizeof(char *));
	DIR *d = root ? opendir(root) : NULL;
	struct dirent *de;
	size_t n = 0;

	while (v && d && (de = readdir(d))) {
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (n + 2) * sizeof(char *));
		if (nv) {
			v = nv;
			v[n + 1] = NULL;
			v[n] = strdup(de->d_name);
		}
		if (!nv || !v[n]) {
			strv_free(v);
			v = NULL;
			break;
		}
		n++;
	}
	if (d)
		closedir(d);
	free(root);
	if (v)
		qsort(v, n, sizeof(char *), cmp);
	return v;
}

char *unit_state_field(const char *info, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = info; p && *p; p += strcspn(p, "\n") + !!*p) {
		if (!strncmp(p, key, len) && p[len] == '=')
			return strndup(p + len + 1, strcspn(p + len + 1, "\n"));
		if (!p[strcspn(p, "\n")])
			break;
	}
	return strdup("");
}

/* NAME.socket for NAME.service (echo@demo.service: echo@demo.socket). */
char *unit_socket_of(const char *service)
{
	char *sock;

	if (asprintf(&sock, "%.*s.socket", (int)(strlen(service) - 8),
		     service) < 0)
		return NULL;
	return sock;
}

/* The state a unit name stands for: its own, or for X.service that of
 * the started X.socket which runs it. Malloc'd, NULL when none. */
char *unit_state_of(const char *name)
{
	char *dir = unit_state_dir(name), *sock, *info, *svc;
	bool runs;

	if (!dir || access(dir, F_OK) == 0 || !unit_name_is(name, "service"))
		return dir;
	free(dir);
	sock = unit_socket_of(name);
	dir = sock ? unit_state_dir(sock) : NULL;
	free(sock);
	info = dir ? unit_state_read(dir, "info") : NULL;
	svc = unit_state_field(info, "service");
	runs = svc && !strcmp(svc, name);
	free(svc);
	free(info);
	if (runs)
		return dir;
	free(dir);
	return unit_state_dir(name);
}
