/* unit_exec.c — the command-line syntax of Exec*= and Environment=:
 * word splitting with quotes and C escapes, command prefixes, $VAR
 * expansion at start time, and EnvironmentFile= reading. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_exec.h"

struct buf {
	char *s;
	size_t len, cap;
};

static int buf_put(struct buf *b, char c)
{
	if (b->len + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char *s = realloc(b->s, cap);

		if (!s)
			return -ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes the escape after a backslash at *P; advances *P past it. */
static int unescape(const char **p, char *out)
{
	static const char from[] = "abfnrtv\\\"'s;";
	static const char to[] = "\a\b\f\n\r\t\v\\\"' ;";
	const char *s = *p;
	const char *hit = *s ? strchr(from, *s) : NULL;

	if (hit) {
		*out = to[hit - from];
		*p = s + 1;
		return 0;
	}
	if (s[0] == 'x' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
		*out = (char)(hexval(s[1]) * 16 + hexval(s[2]));
		*p = s + 3;
		return *out ? 0 : -EINVAL;
	}
	if (s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
	    s[2] >= '0' && s[2] <= '7') {
		*out =
		    (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0'));
		*p = s + 3;
		return *out ? 0 : -EINVAL;
	}
	return -EINVAL;
}

int exec_next_word(const char **p, char **word, bool *plain)
{
	struct buf b = {0};
	const char *s = *p;
	char quote = 0, c;
	int r = 0;

	*plain = true;
	while (*s && isspace((unsigned char)*s))
		s++;
	if (!*s) {
		*p = s;
		return 0;
	}
	r = buf_put(&b, 'x'); /* an empty quoted word still is a word */
	if (r < 0)
		return r;
	b.len = 0;
	b.s[0] = '\0';
	for (; r == 0 && *s;) {
		if (!quote && isspace((unsigned char)*s))
			break;
		if (*s == '\\') {
			s++;
			*plain = false;
			r = unescape(&s, &c);
			if (r == 0)
				r = buf_put(&b, c);
		} else if (!quote && (*s == '"' || *s == '\'')) {
			quote = *s++;
			*plain = false;
		} else if (quote && *s == quote) {
			quote = 0;
			s++;
		} else {
			r = buf_put(&b, *s++);
		}
	}
	if (r == 0 && quote)
		r = -EINVAL;
	if (r < 0) {
		free(b.s);
		return r;
	}
	*p = s;
	*word = b.s;
	return 1;
}

static int strv_push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

int exec_split(const char *text, char ***words)
{
	char **v = calloc(1, sizeof(char *));
	size_t n = 0;
	char *w;
	bool plain;
	int r;

	if (!v)
		return -ENOMEM;
	while ((r = exec_next_word(&text, &w, &plain)) > 0) {
		r = strv_push(&v, &n, w);
		if (r < 0) {
			free(w);
			break;
		}
	}
	if (r < 0) {
		strv_free(v);
		return r;
	}
	*words = v;
	return 0;
}

/* Reads the prefix characters of the first word into C; returns the
 * number of characters consumed and whether '@' was among them. */
static size_t exec_prefixes(const char *w, struct exec_command *c,
			    bool *separate_argv0)
{
	size_t i = 0;

	*separate_argv0 = false;
	for (;; i++) {
		if (w[i] == '-')
			c->ignore_failure = true;
		else if (w[i] == ':')
			c->no_env_expand = true;
		else if (w[i] == '+' || w[i] == '!')
			c->privileged = true;
		else if (w[i] == '@')
			*separate_argv0 = true;
		else
			return i;
	}
}

/* Turns the words of one command into C. Takes ownership of WORDS. */
static int exec_build(char **words, size_t n, struct exec_command *c)
{
	bool at;
	size_t skip;

	memset(c, 0, sizeof(*c));
	if (n == 0)
		goto bad;
	skip = exec_prefixes(words[0], c, &at);
	c->path = strdup(words[0] + skip);
	if (!c->path) {
		strv_free(words);
		return -ENOMEM;
	}
	/* A program name without '/' is looked up in PATH, as systemd does
	 * since 239; a relative path with '/' is refused. */
	if (!*c->path || (c->path[0] != '/' && strchr(c->path, '/')) ||
	    (at && n < 2))
		goto bad;
	if (at) {
		free(words[0]);
		memmove(words, words + 1, n * sizeof(char *));
	} else {
		memmove(words[0], words[0] + skip, strlen(words[0]) - skip + 1);
	}
	c->argv = words;
	return 0;
bad:
	strv_free(words);
	free(c->path);
	c->path = NULL;
	return -EINVAL;
}

static int exec_append(struct exec_command **cmds, size_t *n, char **words,
		       size_t nw)
{
	struct exec_command c, *nc;
	int r = exec_build(words, nw, &c);

	if (r < 0)
		return r;
	nc = realloc(*cmds, (*n + 1) * sizeof(*nc));
	if (!nc) {
		exec_command_free(&c);
		return -ENOMEM;
	}
	nc[(*n)++] = c;
	*cmds = nc;
	return 0;
}

int exec_parse(const char *text, struct exec_command **cmds, size_t *n)
{
	char **words = NULL, *w;
	size_t nw = 0, start = *n;
	bool plain;
	int r;

	while ((r = exec_next_word(&text, &w, &plain)) > 0) {
		if (plain && !strcmp(w, ";")) {
			free(w);
			r = exec_append(cmds, n, words, nw);
			words = NULL;
			nw = 0;
			if (r < 0)
				break;
			continue;
		}
		if (!words && !(words = calloc(1, sizeof(char *))))
			r = -ENOMEM;
		if (r >= 0)
			r = strv_push(&words, &nw, w);
		if (r < 0) {
			free(w);
			break;
		}
	}
	if (r == 0)
		return exec_append(cmds, n, words, nw);
	strv_free(words);
	for (; *n > start; (*n)--)
		exec_command_free(&(*cmds)[*n - 1]);
	return r;
}

void exec_command_free(struct exec_command *c)
{
	free(c->path);
	strv_free(c->argv);
	c->path = NULL;
	c->argv = NULL;
}

void exec_commands_free(struct exec_command *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		exec_command_free(&cmds[i]);
	free(cmds);
}

void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}
