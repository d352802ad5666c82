/* unit_config.c — the [Socket] and [Service] keys turned into wick's
 * settings, with systemd's defaults; a bad value is a warning naming
 * FILE:LINE and that assignment is ignored. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/number.h"
#include "unit_config.h"

int config_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
	static const char *const no[] = {"0", "no", "n", "false", "f", "off"};

	for (size_t i = 0; i < 6; i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = true, 0;
		if (!strcasecmp(v, no[i]))
			return *out = false, 0;
	}
	return -EINVAL;
}

static int unit_factor(const char *u, size_t len, uint64_t *f)
{
	static const struct {
		const char *name;
		uint64_t us;
	} units[] = {{"us", 1},
		     {"usec", 1},
		     {"ms", 1000},
		     {"msec", 1000},
		     {"", 1000000},
		     {"s", 1000000},
		     {"sec", 1000000},
		     {"second", 1000000},
		     {"seconds", 1000000},
		     {"m", 60000000},
		     {"min", 60000000},
		     {"minute", 60000000},
		     {"minutes", 60000000},
		     {"h", 3600000000},
		     {"hr", 3600000000},
		     {"hour", 3600000000},
		     {"hours", 3600000000},
		     {"d", 86400000000},
		     {"day", 86400000000},
		     {"days", 86400000000}};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == len &&
		    !strncmp(units[i].name, u, len)) {
			*f = units[i].us;
			return 0;
		}
	return -EINVAL;
}

/* "90", "5s", "1min 30s", "100ms", "infinity"; a bare number is seconds. */
int config_timespan(const char *v, uint64_t *us)
{
	uint64_t total = 0, f;
	char *end;

	if (!strcmp(v, "infinity")) {
		*us = UINT64_MAX;
		return 0;
	}
	while (*v) {
		unsigned long long n;
		size_t len;

		v += strspn(v, " ");
		if (*v < '0' || *v > '9')
			return -EINVAL;
		n = strtoull(v, &end, 10);
		v = end + strspn(end, " ");
		len = strspn(v, "abcdefghijklmnopqrstuvwxyz");
		if (unit_factor(v, len, &f) < 0 || n > UINT64_MAX / f)
			return -EINVAL;
		total += n * f;
		v += len;
	}
	*us = total;
	return 0;
}

int config_signal(const char *v, int *sig)
{
	const char *name = strncmp(v, "SIG", 3) ? v : v + 3;
	unsigned long n;

	if (number_parse(v, 0, 1, NSIG - 1, &n) == 0) {
		*sig = (int)n;
		return 0;
	}
	for (int s = 1; s < NSIG; s++) {
		const char *abbrev = sigabbrev_np(s);

		if (abbrev && !strcmp(abbrev, name)) {
			*sig = s;
			return 0;
		}
	}
	return -EINVAL;
}

/* Unit files take digits only: no sign, and the value is trimmed. */
static int parse_uint(const char *v, unsigned max, unsigned *out)
{
	unsigned long n;
	int r = number_parse(v, NUMBER_DIGITS, 0, max, &n);

	if (r == 0)
		*out = (unsigned)n;
	return r;
}

static int parse_mode(const char *v, mode_t *out)
{
	unsigned long n;
	int r = number_parse(v, NUMBER_DIGITS | NUMBER_OCTAL, 0, 07777, &n);

	if (r == 0)
		*out = (mode_t)n;
	return r;
}

/* The value of KEY, parsed by an int (*)(const char *, T *); a bad one
 * is warned about and the previous good one (or the default) stays. */
#define GET(u, sec_, key_, parse_, dst_)                                       \
	do {                                                                   \
		for (size_t i_ = 0; i_ < (u)->n_entries; i_++) {               \
			struct unit_entry *e_ = &(u)->entries[i_];             \
			if (strcmp(e_->section, sec_) ||                       \
			    strcmp(e_->key, key_) || !*e_->value)              \
				continue;                                      \
			if (parse_(e_->value, dst_) < 0)                       \
				(void)unit_warn(u, e_,                         \
						"invalid %s=%s, "              \
						"ignoring",                    \
						key_, e_->value);              \
		}                                                              \
	} while (0)

static int listen_type(const char *key)
{
	if (!strcmp(key, "ListenStream"))
		return SOCK_STREAM;
	if (!strcmp(key, "ListenDatagram"))
		return SOCK_DGRAM;
	if (!strcmp(key, "ListenSequentialPacket"))
		return SOCK_SEQPACKET;
	return 0;
}

/* Index after the last empty assignment of KEY (a reset), or 0. */
static size_t reset_point(const struct unit *u, const char *key)
{
	for (size_t i = u->n_entries; i > 0; i--)
		if (!strcmp(u->entries[i - 1].section, "Socket") &&
		    !strcmp(u->entries[i - 1].key, key) &&
		    !*u->entries[i - 1].value)
			return i;
	return 0;
}

static const char *address_problem(int r)
{
	switch (r) {
	case -ERANGE:
		return "port or number out of range";
	case -ENAMETOOLONG:
		return "path too long for a socket";
	case -ENODEV:
		return "no such network interface";
	}
	return "not an address wick knows";
}

/* The listeners in the order of their lines, as systemd orders fds. */
static int socket_listeners(struct unit *u, struct socket_config *c)
{
	size_t from[3] = {reset_point(u, "ListenStream"),
			  reset_point(u, "ListenDatagram"),
			  reset_point(u, "ListenSequentialPacket")};

	for (size_t i = 0; i < u->n_entries; i++) {
		struct unit_entry *e = &u->entries[i];
		int type =
		    strcmp(e->section, "Socket") ? 0 : listen_type(e->key);
		size_t k = type == SOCK_STREAM ? 0 : type == SOCK_DGRAM ? 1 : 2;
		int r;

		if (!type || i < from[k] || !*e->value)
			continue;
		r = listener_append(&c->listeners, &c->n_listeners, e->value,
				    type);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			(void)unit_warn(u, e, "%s=%s: %s, ignoring", e->key,
					e->value, address_problem(r));
	}
	return c->n_listeners ? 0 : -ENOENT;
}

static int parse_backlog(const char *v, int *out)
{
	unsigned n;
	int r = parse_uint(v, 1u << 30, &n);

	if (r == 0)
		*out = (int)n;
	return r;
}

static int parse_burst(const char *v, unsigned *out)
{
	return parse_uint(v, 1u << 30, out);
}

static int parse_fdname(const char *v, char **out)
{
	if (strlen(v) > 255 || strchr(v, ':'))
		return -EINVAL;
	for (const char *p = v; *p; p++)
		if (*p < ' ' || *p > '~')
			return -EINVAL;
	free(*out);
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

static int parse_service_name(const char *v, char **out)
{
	struct unit_name n;
	int r = unit_name_parse(v, &n);

	if (r < 0 || strcmp(n.suffix, "service") ||
	    (n.instance && !*n.instance))
		r = -EINVAL;
	unit_name_free(&n);
	if (r == 0) {
		free(*out);
		*out = strdup(v);
	}
	return r;
}

static int default_service(const struct unit *u, struct socket_config *c)
{
	int r;

	if (c->accept) /* one instance per connection of PREFIX@.service */
		r = asprintf(&c->service, "%s@.service", u->n.prefix);
	else if (u->n.instance)
		r = asprintf(&c->service, "%s@%s.service", u->n.prefix,
			     u->n.instance);
	else
		r = asprintf(&c->service, "%s.service", u->n.prefix);
	return r < 0 ? -ENOMEM : 0;
}

int socket_config_load(struct unit *u, struct socket_config *c)
{
	int r;

	memset(c, 0, sizeof(*c));
	listen_opts_default(&c->opts);
	c->max_connections = 64;
	c->trigger_interval_us = 2000000;
	GET(u, "Socket", "Accept", config_bool, &c->accept);
	c->trigger_burst = c->accept ? 200 : 20;
	GET(u, "Socket", "Backlog", parse_backlog, &c->opts.backlog);
	GET(u, "Socket", "SocketMode", parse_mode, &c->opts.socket_mode);
	GET(u, "Socket", "DirectoryMode", parse_mode, &c->opts.directory_mode);
	GET(u, "Socket", "BindIPv6Only", listen_parse_ipv6_only,
	    &c->opts.ipv6_only);
	GET(u, "Socket", "ReusePort", config_bool, &c->opts.reuse_port);
	GET(u, "Socket", "FreeBind", config_bool, &c->opts.free_bind);
	GET(u, "Socket", "ReceiveBuffer", number_parse_size,
	    &c->opts.receive_buffer);
	GET(u, "Socket", "SendBuffer", number_parse_size,
	    &c->opts.send_buffer);
	GET(u, "Socket", "MaxConnections", parse_burst, &c->max_connections);
	GET(u, "Socket", "MaxConnectionsPerSource", parse_burst,
	    &c->max_per_source);
	GET(u, "Socket", "TriggerLimitBurst", parse_burst, &c->trigger_burst);
	GET(u, "Socket", "TriggerLimitIntervalSec", config_timespan,
	    &c->trigger_interval_us);
	GET(u, "Socket", "RemoveOnStop", config_bool, &c->remove_on_stop);
	GET(u, "Socket", "FileDescriptorName", parse_fdname, &c->fdname);
	GET(u, "Socket", "Service", parse_service_name, &c->service);
	if (!c->fdname && !(c->fdname = strdup(u->name)))
		return -ENOMEM;
	if (!c->service && default_service(u, c) < 0)
		return -ENOMEM;
	if (c->max_connections == 0)
		c->max_connections = 64;
	r = socket_listeners(u, c);
	for (size_t i = 0; r == 0 && i < c->n_listeners; i++)
		c->listeners[i].name = c->fdname;
	return r;
}

void socket_config_free(struct socket_config *c)
{
	free(c->listeners);
	free(c->service);
	free(c->fdname);
	memset(c, 0, sizeof(*c));
}

static int parse_type(const char *v, enum service_type *t)
{
	static const char *const names[] = {"simple", "exec", "notify",
					    "oneshot"};

	for (int i = 0; i < 4; i++)
		if (!strcmp(v, names[i])) {
			*t = (enum service_type)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_restart(const char *v, enum service_restart *r)
{
	static const char *const names[] = {"no", "on-failure", "always"};

	for (int i = 0; i < 3; i++)
		if (!strcmp(v, names[i])) {
			*r = (enum service_restart)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_kill_mode(const char *v, enum kill_mode *m)
{
	static const char *const names[] = {"control-group", "mixed", "process",
					    "none"};

	for (int i = 0; i < 4; i++)
		if (!strcmp(v, names[i])) {
			*m = (enum kill_mode)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_notify_access(const char *v, enum notify_access *a)
{
	static const char *const names[] = {"none", "main", "exec", "all"};

	for (int i = 0; i < 4; i++)
		if (!strcmp(v, names[i])) {
			*a = (enum notify_access)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_string(const char *v, char **out)
{
	free(*out);
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

static int exec_list(struct unit *u, const char *key, struct cmd_list *l)
{
	const struct unit_entry *e;
	size_t i = 0;

	while ((e = unit_list_next(u, "Service", key, &i)))
		if (exec_parse(e->value, &l->c, &l->n) < 0)
			(void)unit_warn(u, e,
					"invalid command line in %s=, "
					"ignoring",
					key);
	return 0;
}

static int env_list(struct unit *u, struct service_config *c)
{
	const struct unit_entry *e;
	char **words;
	size_t i = 0;
	int r = 0;

	while (r == 0 &&
	       (e = unit_list_next(u, "Service", "Environment", &i))) {
		if (exec_split(e->value, &words) < 0) {
			(void)unit_warn(u, e,
					"bad quoting in Environment=, "
					"ignoring");
			continue;
		}
		for (char **w = words; r == 0 && *w; w++)
			if (!env_assignment_valid(*w))
				(void)unit_warn(u, e,
						"'%s' is not NAME=VALUE, "
						"ignoring it",
						*w);
			else
				r = env_set(&c->env, &c->n_env, *w);
		strv_free(words);
	}
	i = 0;
	while (r == 0 &&
	       (e = unit_list_next(u, "Service", "EnvironmentFile", &i))) {
		char **nf = realloc(c->env_files,
				    (c->n_env_files + 2) * sizeof(char *));

		if (!nf)
			return -ENOMEM;
		c->env_files = nf;
		nf[c->n_env_files + 1] = NULL;
		if (!(nf[c->n_env_files] = strdup(e->value)))
			return -ENOMEM;
		c->n_env_files++;
	}
	return r;
}

/* Keys read but not enforced yet say so once, at the unit's file. */
static void warn_unenforced(struct unit *u)
{
	static const char *const keys[] = {"RestrictAddressFamilies",
					   "DynamicUser"};
	bool on;

	for (size_t i = 0; i < 2; i++) {
		const char *v = unit_get(u, "Service", keys[i]);

		if (v && *v && (config_bool(v, &on) < 0 || on))
			(void)unit_warn(u, NULL,
					"%s=%s is not enforced by "
					"wick; the service runs without it",
					keys[i], v);
	}
}

int service_config_load(struct unit *u, struct service_config *c)
{
	memset(c, 0, sizeof(*c));
	c->name = strdup(u->name);
	c->restart_us = 100000;
	c->timeout_start_us = c->timeout_stop_us = 90000000;
	c->kill_signal = SIGTERM;
	if (!c->name)
		return -ENOMEM;
	GET(u, "Service", "Type", parse_type, &c->type);
	c->notify_access =
	    c->type == SERVICE_NOTIFY ? NOTIFY_MAIN : NOTIFY_NONE;
	GET(u, "Service", "NotifyAccess", parse_notify_access,
	    &c->notify_access);
	GET(u, "Service", "Restart", parse_restart, &c->restart);
	GET(u, "Service", "RestartSec", config_timespan, &c->restart_us);
	GET(u, "Service", "TimeoutSec", config_timespan, &c->timeout_start_us);
	GET(u, "Service", "TimeoutSec", config_timespan, &c->timeout_stop_us);
	GET(u, "Service", "TimeoutStartSec", config_timespan,
	    &c->timeout_start_us);
	GET(u, "Service", "TimeoutStopSec", config_timespan,
	    &c->timeout_stop_us);
	GET(u, "Service", "KillMode", parse_kill_mode, &c->kill_mode);
	GET(u, "Service", "KillSignal", config_signal, &c->kill_signal);
	GET(u, "Service", "PrivateNetwork", config_bool, &c->private_network);
	GET(u, "Service", "NoNewPrivileges", config_bool,
	    &c->no_new_privileges);
	GET(u, "Service", "WorkingDirectory", parse_string, &c->workdir);
	warn_unenforced(u);
	if (env_list(u, c) < 0 || exec_list(u, "ExecStartPre", &c->pre) < 0 ||
	    exec_list(u, "ExecStart", &c->start) < 0 ||
	    exec_list(u, "ExecStop", &c->stop) < 0 ||
	    exec_list(u, "ExecStopPost", &c->stop_post) < 0)
		return -ENOMEM;
	if (c->start.n == 0 || (c->start.n > 1 && c->type != SERVICE_ONESHOT))
		return -ENOEXEC;
	return 0;
}

static void cmd_list_free(struct cmd_list *l)
{
	exec_commands_free(l->c, l->n);
	l->c = NULL;
	l->n = 0;
}

void service_config_free(struct service_config *c)
{
	cmd_list_free(&c->pre);
	cmd_list_free(&c->start);
	cmd_list_free(&c->stop);
	cmd_list_free(&c->stop_post);
	strv_free(c->env);
	strv_free(c->env_files);
	free(c->workdir);
	free(c->name);
	free(c->state_dir);
	free(c->wick);
	memset(c, 0, sizeof(*c));
}
