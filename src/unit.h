/* unit.h — systemd unit files as wick reads them: names and templates,
 * the search path, the syntax with drop-ins, and key lookup. */
#ifndef WICK_UNIT_H
#define WICK_UNIT_H

#include <stdbool.h>
#include <stddef.h>

struct unit_path {
	char **dirs;
	size_t n;
};

/* The default search path, most important first (see wick-units(5)). */
int unit_path_default(struct unit_path *p);
int unit_path_add(struct unit_path *p, const char *dir);
void unit_path_free(struct unit_path *p);

struct unit_name {
	char *prefix;	/* "echo" */
	char *instance; /* "demo"; NULL for a plain unit, "" for a template */
	char *suffix;	/* "socket" */
};

/* Splits NAME ("echo@demo.socket"). Returns 0 or -EINVAL. */
int unit_name_parse(const char *name, struct unit_name *n);

/* Whether NAME looks like a unit of TYPE ("socket", "service"): a name
 * followed by ".TYPE". Only the suffix is checked. */
bool unit_name_is(const char *name, const char *type);
void unit_name_free(struct unit_name *n);

struct unit_entry {
	char *section;
	char *key;
	char *value;	  /* continuations joined, specifiers expanded */
	const char *file; /* one of unit.files */
	unsigned line;
	bool used; /* wick acts on this key */
};

struct unit {
	char *name; /* echo@demo.socket */
	struct unit_name n;
	char *fragment; /* the main file: echo@.socket */
	char **files;	/* the fragment, then the drop-ins in order */
	size_t n_files;
	struct unit_entry *entries;
	size_t n_entries;
	char **warnings; /* "FILE:LINE: text", NULL-terminated */
	size_t n_warnings;
};

/* Finds and reads NAME with its drop-ins. Returns 0, -ENOENT (no file
 * on the path), -EINVAL (bad name), -EISDIR (a template without
 * instance), -ENOEXEC (masked: linked to /dev/null) or the error of
 * reading a file, whose path is then in U->fragment. */
int unit_load(const struct unit_path *p, const char *name, struct unit *u);
void unit_free(struct unit *u);

/* The value of the last assignment of KEY in SECTION, or NULL. */
const char *unit_get(const struct unit *u, const char *section,
		     const char *key);

/* Iterates the assignments of a list key after the last empty one (which
 * resets the list): start with *I = 0; returns NULL at the end. */
const struct unit_entry *unit_list_next(const struct unit *u,
					const char *section, const char *key,
					size_t *i);

/* Records a warning about E (or about U's fragment when E is NULL). */
int unit_warn(struct unit *u, const struct unit_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The kind of a key for wick: 0 unknown, 1 read and used, 2 read and
 * without effect here (listed by `wick cat --unsupported`). Exec and
 * environment keys get their specifiers expanded word by word. */
enum unit_key_kind { KEY_UNKNOWN, KEY_USED, KEY_IGNORED };
enum unit_key_kind unit_key_kind(const char *suffix, const char *section,
				 const char *key, bool *words);

/* Expands % specifiers of U in TEXT. With QUOTE, each expansion is
 * escaped so that word splitting keeps it one word. Returns 0, -ENOMEM,
 * or -EBADMSG with *BAD set to the unknown specifier character. */
int unit_specifier_expand(const struct unit *u, const char *text, bool quote,
			  char **out, char *bad);

/* The runtime directory: $XDG_RUNTIME_DIR, else /run for root. */
const char *unit_runtime_dir(void);

#endif
