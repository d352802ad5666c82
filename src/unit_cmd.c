/* unit_cmd.c — the options every unit command shares, loading a unit
 * with its warnings reported, and `wick cat`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "unit_cmd.h"

enum { OPT_UNIT_PATH = 256, OPT_UNSUPPORTED, OPT_ALL };

static int read_options(int argc, char **argv, const char *usage,
			const char *flags, struct unit_cmd_opts *o)
{
	static const struct option longopts[] = {
	    {"unit-path", required_argument, NULL, OPT_UNIT_PATH},
	    {"unsupported", no_argument, NULL, OPT_UNSUPPORTED},
	    {"all", no_argument, NULL, OPT_ALL},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0; /* one line of ours instead of getopt's */
	while ((c = getopt_long(argc, argv, "+qvh", longopts, NULL)) != -1) {
		if (c == OPT_UNIT_PATH && unit_path_add(&o->path, optarg) < 0)
			return 1;
		else if (c == 'q')
			log_level = 0;
		else if (c == 'v')
			log_level = 2;
		else if (c == 'h') {
			printf("%s", usage);
			return -1;
		} else if (c == OPT_UNSUPPORTED && strstr(flags, "unsupported"))
			o->unsupported = true;
		else if (c == OPT_ALL && strstr(flags, "all"))
			o->all = true;
		else if (c != OPT_UNIT_PATH) {
			log_error("%s: option '%s' is unknown or needs a value "
				  "(see 'wick %s --help')",
				  argv[0], argv[optind - 1], argv[0]);
			return EXIT_USAGE;
		}
	}
	/* Without --unit-path the documented default applies; with it,
	 * only the given directories are searched. */
	if (o->path.n == 0 && unit_path_default(&o->path) < 0)
		return 1;
	o->first_arg = optind;
	return 0;
}

int unit_cmd_options(int argc, char **argv, const char *usage,
		     const char *flags, struct unit_cmd_opts *o)
{
	int r = read_options(argc, argv, usage, flags, o);

	if (r == 0 && ((strstr(flags, "unit") && o->first_arg == argc) ||
		       (strstr(flags, "none") && o->first_arg != argc))) {
		fprintf(stderr, "%s", usage);
		r = EXIT_USAGE;
	}
	if (r != 0)
		unit_path_free(&o->path);
	return r;
}

static void report_load_error(const struct unit_cmd_opts *o, const char *name,
			      const struct unit *u, int r)
{
	if (r == -EINVAL)
		log_error("'%s' is not a unit name (use NAME.socket or "
			  "NAME.service, PREFIX@INSTANCE.socket for a "
			  "template's instance)",
			  name);
	else if (r == -ENOENT)
		log_error("%s: no such unit file in %s%s (copy it there or "
			  "add its directory with --unit-path)",
			  name, o->path.n ? o->path.dirs[0] : "",
			  o->path.n > 1 ? " or the rest of the search path"
					: "");
	else if (r == -EISDIR)
		log_error("%s: a template runs only as an instance (name it "
			  "%s@INSTANCE.%s)",
			  u->fragment, u->n.prefix, u->n.suffix);
	else if (r == -ENOEXEC)
		log_error("%s: masked (%s is empty or links to /dev/null)",
			  name, u->fragment);
	else
		log_error("%s: %s (the unit is not usable)",
			  u->fragment ? u->fragment : name, strerror(-r));
}

int unit_cmd_load(const struct unit_cmd_opts *o, const char *name,
		  struct unit *u)
{
	int r = unit_load(&o->path, name, u);

	for (size_t i = 0; i < u->n_warnings; i++)
		log_error("%s", u->warnings[i]);
	if (r < 0) {
		report_load_error(o, name, u, r);
		unit_free(u);
		return 1;
	}
	return 0;
}

/* Prints the entries read from FILE, as wick understood them. */
static void cat_file(const struct unit *u, const char *file)
{
	const char *section = NULL;

	printf("# %s\n", file);
	for (size_t i = 0; i < u->n_entries; i++) {
		const struct unit_entry *e = &u->entries[i];

		if (e->file != file)
			continue;
		if (!section || strcmp(section, e->section))
			printf("%s[%s]\n", section ? "\n" : "", e->section);
		section = e->section;
		printf("%s=%s\n", e->key, e->value);
	}
}

static void cat_unsupported(const struct unit *u)
{
	for (size_t i = 0; i < u->n_entries; i++) {
		const struct unit_entry *e = &u->entries[i];

		if (!e->used)
			printf("%s:%u: [%s] %s=%s\n", e->file, e->line,
			       e->section, e->key, e->value);
	}
}

static const char cat_usage[] =
    "usage: wick cat [--unit-path DIR]... [--unsupported] UNIT...\n"
    "Prints each unit with its drop-ins as wick read it: continuations\n"
    "joined, specifiers expanded, ignored lines left out (a warning on\n"
    "stderr names each). --unsupported lists the keys wick reads but\n"
    "does not act on, as FILE:LINE: [Section] Key=Value.\n";

int cmd_cat(int argc, char **argv)
{
	struct unit_cmd_opts o;
	int r = unit_cmd_options(argc, argv, cat_usage, "unsupported unit", &o);
	int status = 0;

	if (r != 0)
		return unit_cmd_ended(r);
	for (int i = o.first_arg; i < argc; i++) {
		struct unit u;

		if (unit_cmd_load(&o, argv[i], &u)) {
			status = 1;
			continue;
		}
		if (o.unsupported)
			cat_unsupported(&u);
		for (size_t k = 0; !o.unsupported && k < u.n_files; k++)
			cat_file(&u, u.files[k]);
		unit_free(&u);
		fflush(stdout);
	}
	unit_path_free(&o.path);
	return status;
}
