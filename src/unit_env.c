/* unit_env.c — a service's environment: NAME=VALUE lists, $VAR and
 * ${VAR} expansion in command lines, and EnvironmentFile= parsing. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "unit_exec.h"

static bool name_char(char c, bool first)
{
	return c == '_' || isalpha((unsigned char)c) ||
	       (!first && isdigit((unsigned char)c));
}

bool env_assignment_valid(const char *text)
{
	const char *eq = strchr(text, '=');

	if (!eq || eq == text)
		return false;
	for (const char *p = text; p < eq; p++)
		if (!name_char(*p, p == text))
			return false;
	return true;
}

static const char *env_lookup(char *const *env, const char *name, size_t len)
{
	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], name, len) && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

int env_set(char ***env, size_t *n, const char *assignment)
{
	size_t len = strcspn(assignment, "=");
	char *copy = strdup(assignment), **nv;

	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*env)[i], assignment, len + 1)) {
			free((*env)[i]);
			(*env)[i] = copy;
			return 0;
		}
	nv = realloc(*env, (*n + 2) * sizeof(char *));
	if (!nv) {
		free(copy);
		return -ENOMEM;
	}
	nv[(*n)++] = copy;
	nv[*n] = NULL;
	*env = nv;
	return 0;
}


/* Replaces ${NAME} in W; "$$" stands for one '$'. */
static char *expand_braces(const char *w, char *const *env)
{
	char *out = strdup("");
	size_t olen = 0;
	int r = out ? 0 : -ENOMEM;

	while (r == 0 && *w) {
		const char *end =
		    w[0] == '$' && w[1] == '{' ? strchr(w + 2, '}') : NULL;
		const char *v;

		if (end) {
			v = env_lookup(env, w + 2, (size_t)(end - w - 2));
			r = v ? text_append(&out, &olen, v, strlen(v)) : 0;
			w = end + 1;
		} else if (w[0] == '$' && w[1] == '$') {
			r = text_append(&out, &olen, "$", 1);
			w += 2;
		} else {
			r = text_append(&out, &olen, w++, 1);
		}
	}
	if (r < 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* A word that is exactly $NAME becomes the whitespace-separated words of
 * the value: returns 1 and appends them, 0 when W is not such a word. */
static int expand_whole(const char *w, char *const *env, char ***out, size_t *n)
{
	const char *v, *p;
	char *word, **nv;
	size_t len;

	if (w[0] != '$' || !name_char(w[1], true))
		return 0;
	for (p = w + 1; *p; p++)
		if (!name_char(*p, false))
			return 0;
	v = env_lookup(env, w + 1, strlen(w + 1));
	while (v && *v) {
		v += strspn(v, " \t\n");
		len = strcspn(v, " \t\n");
		if (!len)
			break;
		word = strndup(v, len);
		nv = word ? realloc(*out, (*n + 2) * sizeof(char *)) : NULL;
		if (!nv) {
			free(word);
			return -ENOMEM;
		}
		nv[(*n)++] = word;
		nv[*n] = NULL;
		*out = nv;
		v += len;
	}
	return 1;
}

char **exec_expand_env(char *const *argv, char *const *env)
{
	char **out = calloc(1, sizeof(char *)), **nv;
	size_t n = 0;

	for (size_t i = 0; out && argv[i]; i++) {
		char *w;
		int r = i ? expand_whole(argv[i], env, &out, &n) : 0;

		if (r > 0)
			continue;
		w = r == 0 ? expand_braces(argv[i], env) : NULL;
		nv = w ? realloc(out, (n + 2) * sizeof(char *)) : NULL;
		if (!nv) {
			free(w);
			strv_free(out);
			return NULL;
		}
		nv[n++] = w;
		nv[n] = NULL;
		out = nv;
	}
	return out;
}

/* Reads VALUE at *P up to the end of its line: quotes and backslashes
 * as a shell-like file writes them; trailing blanks of unquoted text go. */
static int env_value(const char **p, char **value)
{
	const char *s = *p;
	char *out = strdup("");
	size_t olen = 0, keep = 0;
	char quote = 0;
	int r = out ? 0 : -ENOMEM;

	for (; r == 0 && *s && (quote || *s != '\n'); s++) {
		if (!quote && (*s == '"' || *s == '\'')) {
			quote = *s;
		} else if (quote && *s == quote) {
			quote = 0;
			keep = olen;
		} else if (*s == '\\' && quote != '\'' && s[1]) {
			s++;
			if (*s != '\n')
				r = text_append(&out, &olen, s, 1);
			keep = olen;
		} else {
			r = text_append(&out, &olen, s, 1);
			if (quote || !isspace((unsigned char)*s))
				keep = olen;
		}
	}
	if (r == 0 && quote)
		r = -EBADMSG;
	if (r < 0) {
		free(out);
		return r;
	}
	out[keep] = '\0';
	*p = s;
	*value = out;
	return 0;
}

static unsigned line_of(const char *start, const char *p)
{
	unsigned line = 1;

	for (; start < p; start++)
		line += *start == '\n';
	return line;
}

static int env_text_parse(const char *text, char ***env, size_t *n,
			  unsigned *bad_line)
{
	const char *p = text;

	while (*p) {
		const char *key, *eq;
		char *value, *assign;
		int r;

		p += strspn(p, " \t\r\n");
		if (*p == '#' || *p == ';') {
			p += strcspn(p, "\n");
			continue;
		}
		if (!*p)
			break;
		key = p;
		eq = p + strcspn(p, "=\n");
		if (*eq != '=' || eq == key) {
			*bad_line = line_of(text, key);
			return -EBADMSG;
		}
		while (eq > key && isspace((unsigned char)eq[-1]))
			eq--;
		p = strchr(key, '=') + 1;
		p += strspn(p, " \t");
		r = env_value(&p, &value);
		if (r < 0) {
			*bad_line = line_of(text, key);
			return r;
		}
		r = asprintf(&assign, "%.*s=%s", (int)(eq - key), key, value);
		free(value);
		if (r < 0)
			return -ENOMEM;
		if (!env_assignment_valid(assign)) {
			free(assign);
			*bad_line = line_of(text, key);
			return -EBADMSG;
		}
		r = env_set(env, n, assign);
		free(assign);
		if (r < 0)
			return r;
	}
	return 0;
}

int env_file_read(const char *path, char ***env, size_t *n, unsigned *bad_line)
{
	char *text;
	int r;

	/* Environment files are small; 1 MiB bounds a mistaken path. */
	r = text_read_file(path, 1u << 20, &text);
	if (r < 0)
		return r;
	r = env_text_parse(text, env, n, bad_line);
	free(text);
	return r;
}
