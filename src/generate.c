/* generate.c — `wick generate systemd [--quadlet] -- wick run -l ADDR …
 * COMMAND`: the same configuration as a .socket/.service pair (or a
 * .socket and a Quadlet .container) for a host that runs systemd. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "address.h"
#include "log.h"

struct socket_line {
	const char *key; /* NULL: a plain -l, typed at the end */
	const char *value;
};

struct gen {
	const char *name;   /* unit name without suffix */
	const char *image;  /* --quadlet: the container image */
	const char *outdir; /* write files there instead of stdout */
	bool quadlet;
	/* from the `wick run` line */
	struct socket_line lines[128]; /* [Socket] keys, in order */
	size_t n_lines, n_listen;
	const char *plain_key; /* the type of -l: -d, --seqpacket */
	bool accept, inetd;
	char *wick;	 /* absolute path of the wick binary */
	char **run_args; /* `run` and its options, -l … taken out */
	size_t n_run_args;
	char **command; /* the service command */
};

/* The activation options of `wick run` (see listen_cli.c) and the
 * [Socket] key each becomes; VALUE is the key's value for a flag. */
static const struct act_opt {
	const char *name;
	const char *alias;
	bool arg;
	const char *key;
	const char *value;
} act_opts[] = {
    {"--listen", "-l", true, NULL, NULL},
    {"--listen-stream", NULL, true, "ListenStream", NULL},
    {"--listen-datagram", NULL, true, "ListenDatagram", NULL},
    {"--listen-seqpacket", NULL, true, "ListenSequentialPacket", NULL},
    /* -d is --detach for `wick run`; only the long form types -l. */
    {"--datagram", NULL, false, NULL, "ListenDatagram"},
    {"--seqpacket", NULL, false, NULL, "ListenSequentialPacket"},
    {"--accept", "-a", false, "Accept", "yes"},
    {"--inetd", NULL, false, "Accept", "yes"},
    {"--fdname", NULL, true, "FileDescriptorName", NULL},
    {"--socket-mode", NULL, true, "SocketMode", NULL},
    {"--backlog", NULL, true, "Backlog", NULL},
    {"--bind-ipv6-only", NULL, true, "BindIPv6Only", NULL},
    {"--reuse-port", NULL, false, "ReusePort", "yes"},
    {"--free-bind", NULL, false, "FreeBind", "yes"},
    {"--max-connections", NULL, true, "MaxConnections", NULL},
    {"--trigger-limit-burst", NULL, true, "TriggerLimitBurst", NULL},
    {"--trigger-limit-interval", NULL, true, "TriggerLimitIntervalSec", NULL},
    {"--receive-buffer", NULL, true, "ReceiveBuffer", NULL},
    {"--send-buffer", NULL, true, "SendBuffer", NULL},
};

/* Options of `wick run` that take a separate argument; the first other
 * word that does not start with '-' begins COMMAND. */
static const char *const run_arg_opts[] = {"--name",
					   "--cidfile",
					   "--sdnotify",
					   "--network",
					   "--cap-add",
					   "--cap-drop",
					   "--rootfs",
					   "--image",
					   "--volume",
					   "-v",
					   "--env",
					   "-e",
					   "--workdir",
					   "-w",
					   "--user",
					   "-u",
					   "--hostname",
					   "--bind",
					   "--ro-bind",
					   "--tmpfs",
					   "--seccomp",
					   "--setenv",
					   "-E",
					   "--security-opt",
					   "--sdnotify-timeout",
					   NULL};

static bool takes_arg(const char *opt)
{
	for (size_t i = 0; run_arg_opts[i]; i++)
		if (!strcmp(opt, run_arg_opts[i]))
			return true;
	return false;
}

/* Matches ARGV[*I] against the activation options: returns the entry
 * and sets *VALUE (from "--opt=V", "-lV" or the next word). */
static const struct act_opt *match(char **argv, int argc, int *i,
				   const char **value)
{
	const char *a = argv[*i];

	for (size_t k = 0; k < sizeof(act_opts) / sizeof(act_opts[0]); k++) {
		const struct act_opt *o = &act_opts[k];
		size_t len = strlen(o->name);

		*value = o->value;
		if (!strcmp(a, o->name) || (o->alias && !strcmp(a, o->alias))) {
			if (o->arg && ++*i < argc)
				*value = argv[*i];
			else if (o->arg)
				*value = NULL;
			return o;
		}
		if (o->arg && !strncmp(a, o->name, len) && a[len] == '=') {
			*value = a + len + 1;
			return o;
		}
		if (o->arg && o->alias && !strncmp(a, o->alias, 2) && a[2]) {
			*value = a + 2;
			return o;
		}
	}
	return NULL;
}

/* Takes an activation option at ARGV[*I] into G. Returns 1 when taken,
 * 0 when the word is not one, -EINVAL when its argument is missing. */
static int take_activation(struct gen *g, char **argv, int argc, int *i)
{
	const char *v;
	const struct act_opt *o = match(argv, argc, i, &v);

	if (!o)
		return 0;
	if (!v || g->n_lines >= 128)
		return -EINVAL;
	if (!o->key && !o->arg) { /* -d, --seqpacket: the type of -l */
		g->plain_key = v;
		return 1;
	}
	g->accept |= o->key && !strcmp(o->key, "Accept");
	g->inetd |= !strcmp(o->name, "--inetd");
	/* One FileDescriptorName= names every socket of a unit. */
	if (o->key && !strcmp(o->key, "FileDescriptorName") && strchr(v, ':'))
		return -EDOM;
	if (!o->key || !strncmp(o->key, "Listen", 6))
		g->n_listen++;
	g->lines[g->n_lines].key = o->key;
	g->lines[g->n_lines++].value = v;
	return 1;
}

static int push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = (char *)s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

/* Splits `wick run [OPTIONS] COMMAND…` into G. Returns 0 or -EINVAL. */
static int parse_run_line(struct gen *g, int argc, char **argv)
{
	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	int i, r = 0;

	base = base ? base + 1 : argc > 0 ? argv[0] : "";
	if (argc < 3 || strcmp(base, "wick") || strcmp(argv[1], "run"))
		return -EINVAL;
	if (push(&g->run_args, &g->n_run_args, "run") < 0)
		return -ENOMEM;
	for (i = 2; i < argc && r >= 0; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		r = take_activation(g, argv, argc, &i);
		if (r != 0)
			continue;
		if (a[0] != '-')
			break;
		r = push(&g->run_args, &g->n_run_args, a);
		if (r == 0 && takes_arg(a) && i + 1 < argc)
			r = push(&g->run_args, &g->n_run_args, argv[++i]);
	}
	if (r < 0 || i >= argc || g->n_listen == 0)
		return r < 0 ? r : -EINVAL;
	if (address_mistaken_for_command(argv[i])) {
		log_error("generate: '%s' is an address, not a command: "
			  "--datagram and --seqpacket take no value (use "
			  "--listen-datagram ADDR)",
			  argv[i]);
		return -EBADMSG;
	}
	for (size_t k = 0; k < g->n_lines; k++)
		if (!g->lines[k].key)
			g->lines[k].key =
			    g->plain_key ? g->plain_key : "ListenStream";
	g->command = argv + i;
	return 0;
}

/* The absolute path of this wick, which the generated units will run. */
static char *wick_path(void)
{
	return realpath("/proc/self/exe", NULL);
}

/* Writes W as one word of a unit's command line: % and $ doubled so
 * that systemd expands neither, quoted when it holds blanks or quotes. */
static void put_word(FILE *f, const char *w, bool first)
{
	bool quote = !*w || strpbrk(w, " \t\n\"'\\") || !strcmp(w, ";");

	fputs(first ? "" : " ", f);
	fputs(quote ? "\"" : "", f);
	for (; *w; w++) {
		if (*w == '%' || *w == '$')
			fputc(*w, f);
		else if (*w == '"' || *w == '\\')
			fputc('\\', f);
		if (*w == '\n')
			fputs("\\n", f);
		else
			fputc(*w, f);
	}
	fputs(quote ? "\"" : "", f);
}

/* A value outside a command line: only % needs doubling. */
static void put_value(FILE *f, const char *v)
{
	for (; *v; v++)
		fputs(*v == '%' ? "%%" : (char[]){*v, 0}, f);
}

static void write_socket(FILE *f, const struct gen *g)
{
	bool accept_said = false;

	fprintf(f, "[Unit]\nDescription=Sockets of %s\n\n[Socket]\n", g->name);
	for (size_t i = 0; i < g->n_lines; i++) {
		/* --accept and --inetd both mean Accept=yes: say it once. */
		if (!strcmp(g->lines[i].key, "Accept")) {
			if (accept_said)
				continue;
			accept_said = true;
		}
		fprintf(f, "%s=", g->lines[i].key);
		put_value(f, g->lines[i].value);
		fputc('\n', f);
	}
	fprintf(f, "\n[Install]\nWantedBy=sockets.target\n");
}

static void write_exec(FILE *f, const struct gen *g, bool with_wick)
{
	bool first = true;

	if (with_wick) {
		put_word(f, g->wick, true);
		for (size_t i = 0; i < g->n_run_args; i++)
			put_word(f, g->run_args[i], false);
		put_word(f, "--", false); /* COMMAND may start with '-' */
		first = false;
	}
	for (size_t i = 0; g->command[i]; i++, first = false)
		put_word(f, g->command[i], first);
	fputc('\n', f);
}

static void write_service(FILE *f, const struct gen *g)
{
	fprintf(f,
		"[Unit]\nDescription=%s, started by its sockets\n"
		"Requires=%s.socket\nAfter=%s.socket\n\n[Service]\n",
		g->name, g->name, g->name);
	/* Accept=yes needs a template service: one instance per connection. */
	if (g->inetd) /* the connection on stdin and stdout */
		fprintf(f, "StandardInput=socket\nStandardOutput=socket\n");
	fprintf(f, "ExecStart=");
	write_exec(f, g, true);
	if (!g->accept)
		fprintf(f, "\n[Install]\nAlso=%s.socket\n", g->name);
}

/* Quadlet turns NAME.container into NAME.service; podman passes the
 * inherited sockets on to the container. */
static void write_container(FILE *f, const struct gen *g)
{
	fprintf(f,
		"[Unit]\nDescription=%s in a container, started by its "
		"sockets\nRequires=%s.socket\nAfter=%s.socket\n\n"
		"[Container]\nImage=",
		g->name, g->name, g->name);
	put_value(f, g->image);
	fprintf(f, "\nNetwork=none\nExec=");
	write_exec(f, g, false);
	fprintf(f, "\n[Install]\nAlso=%s.socket\n", g->name);
}

static int emit(const struct gen *g, const char *suffix,
		void (*writer)(FILE *, const struct gen *))
{
	char path[PATH_MAX];
	FILE *f = stdout;

	if (g->outdir) {
		snprintf(path, sizeof(path), "%s/%s%s.%s", g->outdir, g->name,
			 g->accept && !strcmp(suffix, "service") ? "@" : "",
			 suffix);
		f = fopen(path, "we");
		if (!f) {
			log_error("generate: cannot write %s: %m (check that "
				  "the directory exists and is writable)",
				  path);
			return 1;
		}
	} else {
		printf("# %s%s.%s\n", g->name,
		       g->accept && !strcmp(suffix, "service") ? "@" : "",
		       suffix);
	}
	writer(f, g);
	if (g->outdir && fclose(f) != 0) {
		log_error("generate: writing %s failed: %m", path);
		return 1;
	}
	return 0;
}

static const char gen_usage[] =
    "usage: wick generate systemd [--quadlet --image IMAGE] [--name NAME]\n"
    "                     [--output DIR] -- wick run -l ADDR... [OPTIONS]"
    " COMMAND...\n"
    "Prints NAME.socket and NAME.service (NAME@.service with --accept)\n"
    "for systemd; with --quadlet, NAME.container for podman's Quadlet in\n"
    "place of the service. --output DIR writes the files there.\n";

/* NAME from --name, the run line's --name, or the command's base name. */
static const char *default_name(const struct gen *g)
{
	const char *b;

	for (size_t i = 0; i + 1 < g->n_run_args; i++)
		if (!strcmp(g->run_args[i], "--name"))
			return g->run_args[i + 1];
	b = strrchr(g->command[0], '/');
	return b ? b + 1 : g->command[0];
}

static bool unit_prefix_valid(const char *s)
{
	if (!*s || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (!strchr(
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY"
			"Z0123456789:-_.",
			*s))
			return false;
	return true;
}

static int gen_options(int argc, char **argv, struct gen *g)
{
	static const struct option longopts[] = {
	    {"quadlet", no_argument, NULL, 'Q'},
	    {"image", required_argument, NULL, 'i'},
	    {"name", required_argument, NULL, 'n'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int c;

	if (argc > 1 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("%s", gen_usage);
		return -1;
	}
	if (argc < 2 || strcmp(argv[1], "systemd"))
		return EXIT_USAGE;
	optind = 2;
	while ((c = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		if (c == 'Q')
			g->quadlet = true;
		else if (c == 'i')
			g->image = optarg;
		else if (c == 'n')
			g->name = optarg;
		else if (c == 'o')
			g->outdir = optarg;
		else if (c == 'h') {
			printf("%s", gen_usage);
			return -1;
		} else
			return EXIT_USAGE;
	}
	/* getopt steps over the "--" that must precede the run line. */
	if (optind < 3 || strcmp(argv[optind - 1], "--"))
		return EXIT_USAGE;
	return 0;
}

static int gen_check(struct gen *g)
{
	if (g->quadlet && !g->image) {
		log_error("generate: --quadlet needs --image IMAGE (podman "
			  "runs the command from a container image)");
		return EXIT_USAGE;
	}
	if (g->quadlet && g->accept) {
		log_error("generate: --quadlet cannot express --accept (one "
			  "container per connection); drop one of them");
		return EXIT_USAGE;
	}
	if (!g->name)
		g->name = default_name(g);
	if (!unit_prefix_valid(g->name)) {
		log_error("generate: '%s' cannot be a unit name (use --name "
			  "with letters, digits, ':', '-', '_', '.')",
			  g->name);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_generate(int argc, char **argv)
{
	struct gen g = {0};
	int r = gen_options(argc, argv, &g), i;

	if (r == 0) {
		i = optind - 1;
		r = parse_run_line(&g, argc - i - 1, argv + i + 1);
		if (r == -EDOM)
			log_error("generate: a socket unit has one "
				  "FileDescriptorName= for all its sockets; "
				  "give --fdname a single name");
		else if (r == -EINVAL)
			log_error("generate: after '--' give 'wick run -l ADDR "
				  "[OPTIONS] COMMAND...' (at least one -l and "
				  "a command)");
		r = r < 0 ? EXIT_USAGE : gen_check(&g);
	} else if (r == EXIT_USAGE) {
		fprintf(stderr, "%s", gen_usage);
	}
	if (r == 0 && !(g.wick = wick_path())) {
		log_error("generate: cannot find the wick binary's path: %m");
		r = 1;
	}
	if (r == 0)
		r = emit(&g, "socket", write_socket);
	if (r == 0 && !g.outdir)
		putchar('\n');
	if (r == 0)
		r = emit(&g, g.quadlet ? "container" : "service",
			 g.quadlet ? write_container : write_service);
	free(g.wick);
	free(g.run_args);
	return r < 0 ? 0 : r;
}
