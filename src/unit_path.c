/* unit_path.c — where unit files are looked for: the default search
 * path, unit names and templates, and finding the fragment and drop-ins
 * of a unit. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "unit_path.h"

int unit_path_add(struct unit_path *p, const char *dir)
{
	char **nd;

	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->dirs[i], dir))
			return 0;
	nd = realloc(p->dirs, (p->n + 1) * sizeof(char *));
	if (!nd)
		return -ENOMEM;
	p->dirs = nd;
	if (!(p->dirs[p->n] = strdup(dir)))
		return -ENOMEM;
	p->n++;
	return 0;
}

static int add_under(struct unit_path *p, const char *base, const char *sub)
{
	char dir[PATH_MAX];

	if (!base || base[0] != '/')
		return 0;
	if (snprintf(dir, sizeof(dir), "%s/%s", base, sub) >= (int)sizeof(dir))
		return 0;
	return unit_path_add(p, dir);
}

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && h[0] == '/')
		return h;
	pw = getpwuid(getuid());
	return pw ? pw->pw_dir : NULL;
}

/* The user's directories first, as `systemctl --user` reads them; for
 * root the system directories follow, so that both kinds of unit start. */
int unit_path_default(struct unit_path *p)
{
	static const char *const user[] = {"/etc/systemd/user",
					   "/usr/local/lib/systemd/user",
					   "/usr/lib/systemd/user"};
	static const char *const sys[] = {
	    "/etc/systemd/system", "/run/systemd/system",
	    "/usr/local/lib/systemd/system", "/usr/lib/systemd/system"};
	int r;

	r = add_under(p, getenv("XDG_CONFIG_HOME"), "systemd/user");
	if (r == 0)
		r = add_under(p, home_dir(), ".config/systemd/user");
	if (r == 0 && getuid() == 0)
		r = unit_path_add(p, sys[0]);
	for (size_t i = 0; r == 0 && i < 3; i++) {
		r = unit_path_add(p, user[i]);
		if (r == 0 && i == 0)
			r = add_under(p, getenv("XDG_RUNTIME_DIR"),
				      "systemd/user");
	}
	for (size_t i = 1; r == 0 && getuid() == 0 && i < 4; i++)
		r = unit_path_add(p, sys[i]);
	return r;
}

void unit_path_free(struct unit_path *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->dirs[i]);
	free(p->dirs);
	p->dirs = NULL;
	p->n = 0;
}

static bool name_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789:-_.\\",
			    s[i]))
			return false;
	return true;
}

int unit_name_parse(const char *name, struct unit_name *n)
{
	const char *dot = strrchr(name, '.');
	const char *at = strchr(name, '@');

	memset(n, 0, sizeof(*n));
	if (!dot || dot == name || strlen(name) > 255 || strchr(name, '/'))
		return -EINVAL;
	if (strcmp(dot, ".socket") && strcmp(dot, ".service"))
		return -EINVAL;
	if (at && (at > dot || at == name || strchr(at + 1, '@')))
		return -EINVAL;
	if (!name_valid(name, (size_t)((at ? at : dot) - name)) ||
	    (at && !name_valid(at + 1, (size_t)(dot - at - 1))))
		return -EINVAL;
	n->prefix = strndup(name, (size_t)((at ? at : dot) - name));
	n->suffix = strdup(dot + 1);
	n->instance = at ? strndup(at + 1, (size_t)(dot - at - 1)) : NULL;
	if (!n->prefix || !n->suffix || (at && !n->instance)) {
		unit_name_free(n);
		return -ENOMEM;
	}
	return 0;
}

bool unit_name_is(const char *name, const char *type)
{
	size_t n = strlen(name), t = strlen(type);

	return n > t + 1 && name[n - t - 1] == '.' &&
	       !strcmp(name + n - t, type);
}

void unit_name_free(struct unit_name *n)
{
	free(n->prefix);
	free(n->instance);
	free(n->suffix);
	memset(n, 0, sizeof(*n));
}

/* A dangling link counts as found: reading it then names the file. */
static bool is_file(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

int unit_path_find(const struct unit_path *p, const char *file, char **out)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < p->n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", p->dirs[i], file) >=
		    (int)sizeof(path))
			continue;
		if (is_file(path)) {
			*out = strdup(path);
			return *out ? 0 : -ENOMEM;
		}
	}
	return -ENOENT;
}

bool unit_path_masked(const char *path)
{
	char real[PATH_MAX];
	struct stat st;

	if (realpath(path, real) && !strcmp(real, "/dev/null"))
		return true;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

struct dropin {
	char *base, *path;
};

static int dropin_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dropin *)a)->base,
		      ((const struct dropin *)b)->base);
}

static bool dropin_seen(const struct dropin *d, size_t n, const char *base)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].base, base))
			return true;
	return false;
}

/* Adds the *.conf files of DIR not already known by base name. */
static int dropin_scan(const char *dir, struct dropin **d, size_t *n)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!dh)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while (r == 0 && (de = readdir(dh))) {
		size_t len = strlen(de->d_name);
		struct dropin *nd;

		if (len < 6 || strcmp(de->d_name + len - 5, ".conf") ||
		    de->d_name[0] == '.' || dropin_seen(*d, *n, de->d_name))
			continue;
		nd = realloc(*d, (*n + 1) * sizeof(**d));
		if (!nd) {
			r = -ENOMEM;
			break;
		}
		*d = nd;
		nd[*n].base = strdup(de->d_name);
		if (asprintf(&nd[*n].path, "%s/%s", dir, de->d_name) < 0)
			nd[*n].path = NULL;
		if (!nd[*n].base || !nd[*n].path)
			r = -ENOMEM;
		(*n)++;
	}
	closedir(dh);
	return r;
}

static int dropin_list(struct dropin *d, size_t n, char ***files)
{
	char **v = calloc(n + 1, sizeof(char *));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	qsort(d, n, sizeof(*d), dropin_cmp);
	for (size_t i = 0; i < n; i++) {
		if (unit_path_masked(d[i].path))
			continue;
		v[k++] = d[i].path;
		d[i].path = NULL;
	}
	*files = v;
	return 0;
}

int unit_dropins_find(const struct unit_path *p, const char *const *names,
		      char ***files)
{
	struct dropin *d = NULL;
	size_t n = 0;
	char dir[PATH_MAX];
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->n; i++)
		for (size_t k = 0; r == 0 && names[k]; k++)
			if (snprintf(dir, sizeof(dir), "%s/%s.d", p->dirs[i],
				     names[k]) < (int)sizeof(dir))
				r = dropin_scan(dir, &d, &n);
	if (r == 0)
		r = dropin_list(d, n, files);
	for (size_t i = 0; i < n; i++) {
		free(d[i].base);
		free(d[i].path);
	}
	free(d);
	return r;
}
