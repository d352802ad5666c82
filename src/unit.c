/* unit.c — reading a unit as systemd does: the fragment and its drop-ins,
 * sections, comments, continuations and assignments; warnings name
 * FILE:LINE and the line is ignored. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "unit.h"
#include "unit_exec.h"
#include "unit_path.h"

int unit_warn(struct unit *u, const struct unit_entry *e, const char *fmt, ...)
{
	char *text, *line, **nw;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (e)
		r = asprintf(&line, "%s:%u: %s", e->file, e->line, text);
	else
		r = asprintf(&line, "%s: %s", u->fragment, text);
	free(text);
	if (r < 0)
		return -ENOMEM;
	nw = realloc(u->warnings, (u->n_warnings + 2) * sizeof(char *));
	if (!nw) {
		free(line);
		return -ENOMEM;
	}
	nw[u->n_warnings++] = line;
	nw[u->n_warnings] = NULL;
	u->warnings = nw;
	return 0;
}

static char *strip(char *s)
{
	char *end;

	s += strspn(s, " \t\r\n");
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		*--end = '\0';
	return s;
}

/* Section state while reading one file. */
struct reader {
	struct unit *u;
	const char *file;
	char *section; /* NULL: none yet, or one being ignored */
	bool quiet;    /* inside an X- or unknown section */
};

static int add_entry(struct unit *u, struct unit_entry *e)
{
	struct unit_entry *ne;

	ne = realloc(u->entries, (u->n_entries + 1) * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	ne[u->n_entries++] = *e;
	u->entries = ne;
	return 0;
}

static int section_line(struct reader *rd, struct unit_entry *at, char *l)
{
	size_t len = strlen(l);
	static const char *const known[] = {"Unit", "Install", "Socket",
					    "Service"};

	free(rd->section);
	rd->section = NULL;
	rd->quiet = false;
	if (l[len - 1] != ']' || len < 3)
		return unit_warn(rd->u, at, "invalid section header '%s'", l);
	l[len - 1] = '\0';
	l++;
	if (!strncmp(l, "X-", 2)) {
		rd->quiet = true; /* extension sections are for other tools */
		return 0;
	}
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(l, known[i]) &&
		    (i < 2 || !strcasecmp(l, rd->u->n.suffix)))
			return (rd->section = strdup(l)) ? 0 : -ENOMEM;
	rd->quiet = true; /* warned once here, not for each of its keys */
	return unit_warn(rd->u, at, "unknown section [%s], ignoring its lines",
			 l);
}

static int assignment(struct reader *rd, struct unit_entry *e, char *l)
{
	char *eq = strchr(l, '='), *bad_value = NULL;
	enum unit_key_kind kind;
	bool words;
	char bad = 0;
	int r;

	if (rd->quiet)
		return 0;
	if (!rd->section)
		return unit_warn(rd->u, e,
				 "assignment before any section, "
				 "ignoring");
	if (!eq)
		return unit_warn(rd->u, e, "missing '=', ignoring the line");
	*eq = '\0';
	e->key = strip(l);
	if (!strncmp(e->key, "X-", 2))
		return 0;
	kind = unit_key_kind(rd->u->n.suffix, rd->section, e->key, &words);
	if (kind == KEY_UNKNOWN)
		return unit_warn(rd->u, e,
				 "unknown key '%s' in section [%s], "
				 "ignoring",
				 e->key, rd->section);
	r = unit_specifier_expand(rd->u, strip(eq + 1), words, &bad_value,
				  &bad);
	if (r == -EBADMSG)
		return unit_warn(rd->u, e,
				 "bad specifier '%%%c' in %s=, "
				 "ignoring",
				 bad ? bad : ' ', e->key);
	if (r < 0)
		return r;
	e->used = kind == KEY_USED;
	e->value = bad_value;
	e->key = strdup(e->key);
	e->section = strdup(rd->section);
	if (!e->key || !e->section || add_entry(rd->u, e) < 0) {
		free(e->key);
		free(e->section);
		free(e->value);
		return -ENOMEM;
	}
	return 0;
}

static int logical_line(struct reader *rd, unsigned line, char *text)
{
	struct unit_entry e = {.file = rd->file, .line = line};
	char *l = strip(text);

	if (!*l)
		return 0;
	if (*l == '[')
		return section_line(rd, &e, l);
	return assignment(rd, &e, l);
}

/* Joins continued lines: a trailing backslash becomes a space, and
 * comment lines inside a continuation are skipped, as systemd does. */
static int parse_text(struct reader *rd, char *text)
{
	char *cont = NULL, *line = text, *next, *l;
	size_t clen = 0;
	unsigned n = 0, start = 0;
	int r = 0;

	for (; r == 0 && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n++;
		l = strip(line);
		if (*l == '#' || *l == ';' || (!cont && !*l))
			continue;
		size_t len = strlen(l);
		bool more = len && l[len - 1] == '\\';
		char *nc = realloc(cont, clen + len + 2);

		if (!nc) {
			r = -ENOMEM;
			break;
		}
		if (!cont)
			start = n;
		cont = nc;
		memcpy(cont + clen, l, len + 1);
		clen += len;
		if (more) {
			cont[clen - 1] = ' ';
			if (next)
				continue;
		}
		r = logical_line(rd, start, cont);
		free(cont);
		cont = NULL;
		clen = 0;
	}
	free(cont);
	return r;
}

static int unit_read_file(struct unit *u, const char *path)
{
	struct reader rd = {.u = u};
	char *text = NULL, **nf;
	int r;

	nf = realloc(u->files, (u->n_files + 2) * sizeof(char *));
	if (!nf)
		return -ENOMEM;
	u->files = nf;
	if (!(nf[u->n_files] = strdup(path)))
		return -ENOMEM;
	rd.file = nf[u->n_files++];
	nf[u->n_files] = NULL;
	/* Unit files are small; 4 MiB bounds a mistake. */
	r = text_read_file(path, 4u << 20, &text);
	if (r < 0)
		return r;
	r = parse_text(&rd, text);
	free(rd.section);
	free(text);
	return r;
}

static int unit_find(const struct unit_path *p, struct unit *u, char **template)
{
	int r = unit_path_find(p, u->name, &u->fragment);

	if (r == -ENOENT && u->n.instance) {
		if (asprintf(template, "%s@.%s", u->n.prefix, u->n.suffix) < 0)
			return -ENOMEM;
		r = unit_path_find(p, *template, &u->fragment);
	}
	if (r == 0 && unit_path_masked(u->fragment))
		r = -ENOEXEC;
	return r;
}

int unit_load(const struct unit_path *p, const char *name, struct unit *u)
{
	char *template = NULL, **dropins = NULL;
	const char *names[3] = {name, NULL, NULL};
	int r;

	memset(u, 0, sizeof(*u));
	r = unit_name_parse(name, &u->n);
	if (r < 0)
		return r;
	u->name = strdup(name);
	if (!u->name)
		return -ENOMEM;
	r = unit_find(p, u, &template);
	if (r == 0 && u->n.instance && !*u->n.instance)
		r = -EISDIR;
	if (r < 0)
		goto out;
	names[1] = template;
	if (!template && u->n.instance &&
	    asprintf(&template, "%s@.%s", u->n.prefix, u->n.suffix) >= 0)
		names[1] = template;
	r = unit_dropins_find(p, names, &dropins);
	if (r == 0)
		r = unit_read_file(u, u->fragment);
	for (size_t i = 0; r == 0 && dropins[i]; i++) {
		r = unit_read_file(u, dropins[i]);
		if (r < 0) { /* name the drop-in that failed */
			free(u->fragment);
			u->fragment = strdup(dropins[i]);
		}
	}
out:
	strv_free(dropins);
	free(template);
	return r;
}

void unit_free(struct unit *u)
{
	for (size_t i = 0; i < u->n_entries; i++) {
		free(u->entries[i].section);
		free(u->entries[i].key);
		free(u->entries[i].value);
	}
	free(u->entries);
	strv_free(u->files);
	strv_free(u->warnings);
	unit_name_free(&u->n);
	free(u->fragment);
	free(u->name);
	memset(u, 0, sizeof(*u));
}

static bool entry_is(const struct unit_entry *e, const char *section,
		     const char *key)
{
	return !strcmp(e->section, section) && !strcmp(e->key, key);
}

const char *unit_get(const struct unit *u, const char *section, const char *key)
{
	for (size_t i = u->n_entries; i > 0; i--)
		if (entry_is(&u->entries[i - 1], section, key))
			return u->entries[i - 1].value;
	return NULL;
}

const struct unit_entry *unit_list_next(const struct unit *u,
					const char *section, const char *key,
					size_t *i)
{
	if (*i == 0) /* start after the last empty assignment */
		for (size_t k = u->n_entries; k > 0; k--)
			if (entry_is(&u->entries[k - 1], section, key) &&
			    !*u->entries[k - 1].value) {
				*i = k;
				break;
			}
	for (; *i < u->n_entries; (*i)++)
		if (entry_is(&u->entries[*i], section, key) &&
		    *u->entries[*i].value)
			return &u->entries[(*i)++];
	return NULL;
}
