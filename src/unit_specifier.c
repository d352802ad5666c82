/* unit_specifier.c — the % specifiers of unit files (%i, %n, %t, %h, …)
 * that have a meaning without a running systemd. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "text.h"
#include "unit.h"

const char *unit_runtime_dir(void)
{
	const char *d = getenv("XDG_RUNTIME_DIR");

	if (d && d[0] == '/')
		return d;
	return getuid() == 0 ? "/run" : NULL;
}

/* systemd's unit-name unescaping: '-' is '/', \xHH is a byte. */
static char *unescape_name(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	unsigned v;

	for (; out && *s; s++) {
		if (*s == '-') {
			*o++ = '/';
		} else if (s[0] == '\\' && s[1] == 'x' &&
			   sscanf(s + 2, "%2x", &v) == 1) {
			*o++ = (char)v;
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	if (out)
		*o = '\0';
	return out;
}

static char *read_line(const char *path)
{
	char buf[256];
	FILE *f = fopen(path, "re");

	if (!f)
		return strdup("");
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

/* A field of /etc/os-release (or /usr/lib/os-release), unquoted. */
static char *os_release(const char *field)
{
	char line[512];
	size_t len = strlen(field);
	FILE *f = fopen("/etc/os-release", "re");

	if (!f)
		f = fopen("/usr/lib/os-release", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *v = line + len + 1;

		if (strncmp(line, field, len) || line[len] != '=')
			continue;
		v[strcspn(v, "\n")] = '\0';
		if ((*v == '"' || *v == '\'') && v[1] &&
		    v[strlen(v) - 1] == *v) {
			v[strlen(v) - 1] = '\0';
			v++;
		}
		fclose(f);
		return strdup(v);
	}
	if (f)
		fclose(f);
	return strdup("");
}

static char *home_or_env(const char *env, const char *fallback_under_home,
			 const char *root_dir)
{
	const char *v = getenv(env), *home = getenv("HOME");
	struct passwd *pw = getpwuid(getuid());
	char *out;

	if (getuid() == 0)
		return strdup(root_dir);
	if (v && v[0] == '/')
		return strdup(v);
	if (!home || home[0] != '/')
		home = pw ? pw->pw_dir : "/";
	return asprintf(&out, "%s/%s", home, fallback_under_home) < 0 ? NULL
								      : out;
}

static const char *user_field(char c)
{
	static char num[24];
	struct passwd *pw = getpwuid(getuid());
	struct group *gr = getgrgid(getgid());

	switch (c) {
	case 'u':
		return pw ? pw->pw_name : NULL;
	case 'h':
		return getenv("HOME") && getenv("HOME")[0] == '/'
			   ? getenv("HOME")
		       : pw ? pw->pw_dir
			    : NULL;
	case 's':
		return pw && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh";
	case 'g':
		return gr ? gr->gr_name : NULL;
	case 'U':
		snprintf(num, sizeof(num), "%u", (unsigned)getuid());
		return num;
	case 'G':
		snprintf(num, sizeof(num), "%u", (unsigned)getgid());
		return num;
	}
	return NULL;
}

static char *host_field(char c)
{
	struct utsname un;
	char *id, *p;

	if (uname(&un) < 0)
		return strdup("");
	switch (c) {
	case 'H':
		return strdup(un.nodename);
	case 'l':
		un.nodename[strcspn(un.nodename, ".")] = '\0';
		return strdup(un.nodename);
	case 'v':
		return strdup(un.release);
	case 'a':
		/* systemd's architecture names differ from uname's here. */
		if (!strcmp(un.machine, "x86_64"))
			return strdup("x86-64");
		if (!strcmp(un.machine, "aarch64"))
			return strdup("arm64");
		return strdup(un.machine);
	case 'm':
		return read_line("/etc/machine-id");
	}
	id = read_line("/proc/sys/kernel/random/boot_id");
	for (p = id; id && *p; p++) /* %b: the boot id without dashes */
		if (*p == '-')
			memmove(p, p + 1, strlen(p));
	return id;
}

static char *name_field(const struct unit *u, char c)
{
	const char *inst = u->n.instance ? u->n.instance : "";
	const char *dash = strrchr(u->n.prefix, '-');
	char *s, *t = NULL;

	switch (c) {
	case 'n':
		return strdup(u->name);
	case 'N':
		return strndup(u->name,
			       strlen(u->name) - strlen(u->n.suffix) - 1);
	case 'p':
		return strdup(u->n.prefix);
	case 'P':
		return unescape_name(u->n.prefix);
	case 'i':
		return strdup(inst);
	case 'I':
		return unescape_name(inst);
	case 'j':
		return strdup(dash ? dash + 1 : u->n.prefix);
	case 'J':
		return unescape_name(dash ? dash + 1 : u->n.prefix);
	case 'y':
		return strdup(u->fragment ? u->fragment : "");
	case 'Y':
		s = strdup(u->fragment ? u->fragment : "");
		if (s && (t = strrchr(s, '/')))
			*(t == s ? t + 1 : t) = '\0';
		return s;
	}
	s = unescape_name(*inst ? inst : u->n.prefix); /* %f */
	if (s && asprintf(&t, "/%s", s[0] == '/' ? s + 1 : s) < 0)
		t = NULL;
	free(s);
	return t;
}

static char *dir_field(char c)
{
	const char *t = getenv("TMPDIR");
	const char *rt = unit_runtime_dir();
	char *out, *t2 = NULL;

	switch (c) {
	case 't':
		if (rt)
			return strdup(rt);
		return asprintf(&out, "/run/user/%u", (unsigned)getuid()) < 0
			   ? NULL
			   : out;
	case 'S':
		return home_or_env("XDG_STATE_HOME", ".local/state",
				   "/var/lib");
	case 'C':
		return home_or_env("XDG_CACHE_HOME", ".cache", "/var/cache");
	case 'L':
		if (getuid() == 0)
			return strdup("/var/log");
		out = home_or_env("XDG_STATE_HOME", ".local/state", "");
		if (out && asprintf(&t2, "%s/log", out) < 0)
			t2 = NULL;
		free(out);
		return t2;
	case 'E':
		return home_or_env("XDG_CONFIG_HOME", ".config", "/etc");
	case 'T':
		return strdup(t && t[0] == '/' ? t : "/tmp");
	}
	return strdup(t && t[0] == '/' ? t : "/var/tmp"); /* %V */
}

/* The expansion of %C, or -EBADMSG for a letter wick does not know. */
static int resolve(const struct unit *u, char c, char **out)
{
	static const char *const osr[][2] = {
	    {"o", "ID"},	 {"w", "VERSION_ID"}, {"B", "BUILD_ID"},
	    {"W", "VARIANT_ID"}, {"A", "IMAGE_ID"},   {"M", "IMAGE_VERSION"}};
	const char *v;

	if (c && strchr("nNpPiIjJfyY", c))
		*out = name_field(u, c);
	else if (c && strchr("tSCLETV", c))
		*out = dir_field(c);
	else if (c && strchr("Hlvamb", c))
		*out = host_field(c);
	else if (c && strchr("uhsgUG", c))
		*out = (v = user_field(c)) ? strdup(v) : strdup("");
	else if (c == '%')
		*out = strdup("%");
	else {
		for (size_t i = 0; c && i < sizeof(osr) / sizeof(osr[0]); i++)
			if (osr[i][0][0] == c) {
				*out = os_release(osr[i][1]);
				return *out ? 0 : -ENOMEM;
			}
		return -EBADMSG;
	}
	return *out ? 0 : -ENOMEM;
}

/* Appends V, escaped for word splitting when QUOTE. */
static int put_value(char **out, size_t *len, const char *v, bool quote)
{
	int r = 0;

	for (; r == 0 && *v; v++) {
		const char *esc = NULL;

		if (quote && *v == ' ')
			esc = "\\s";
		else if (quote && *v == '\t')
			esc = "\\t";
		else if (quote && *v == '\n')
			esc = "\\n";
		else if (quote && strchr("\"'\\;", *v))
			r = text_append(out, len, "\\", 1);
		if (r == 0)
			r = esc ? text_append(out, len, esc, 2)
				: text_append(out, len, v, 1);
	}
	return r;
}

int unit_specifier_expand(const struct unit *u, const char *text, bool quote,
			  char **out, char *bad)
{
	size_t len = 0;
	char *res = strdup("");
	int r = res ? 0 : -ENOMEM;

	while (r == 0 && *text) {
		size_t plain = strcspn(text, "%");
		char *v;

		r = text_append(&res, &len, text, plain);
		text += plain;
		if (r < 0 || !*text)
			break;
		r = resolve(u, text[1], &v);
		if (r == -EBADMSG)
			*bad = text[1];
		if (r < 0)
			break;
		r = put_value(&res, &len, v, quote && text[1] != '%');
		free(v);
		text += 2;
	}
	if (r < 0) {
		free(res);
		return r;
	}
	*out = res;
	return 0;
}
