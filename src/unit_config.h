/* unit_config.h — what a socket unit and its service mean to wick: the
 * keys of [Socket] and [Service] turned into listeners, activation
 * settings and the service's commands. */
#ifndef WICK_UNIT_CONFIG_H
#define WICK_UNIT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "listen.h"
#include "unit.h"
#include "unit_exec.h"

struct socket_config {
	struct listener *listeners;
	size_t n_listeners;
	struct listen_opts opts;
	bool accept;
	unsigned max_connections;
	unsigned max_per_source; /* 0: no limit per source address */
	unsigned trigger_burst;
	uint64_t trigger_interval_us;
	bool remove_on_stop;
	char *service; /* the unit it activates */
	char *fdname;
};

enum service_type {
	SERVICE_SIMPLE,
	SERVICE_EXEC,
	SERVICE_NOTIFY,
	SERVICE_ONESHOT
};
enum service_restart { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS };
enum kill_mode { KILL_CONTROL_GROUP, KILL_MIXED, KILL_PROCESS, KILL_NONE };
enum notify_access { NOTIFY_NONE, NOTIFY_MAIN, NOTIFY_EXEC, NOTIFY_ALL };

struct cmd_list {
	struct exec_command *c;
	size_t n;
};

struct service_config {
	char *name;
	enum service_type type;
	struct cmd_list pre, start, stop, stop_post;
	char **env; /* Environment=, NULL-terminated */
	size_t n_env;
	char **env_files; /* EnvironmentFile=, "-" prefix kept */
	size_t n_env_files;
	char *workdir; /* "-" prefix kept; NULL: unset */
	enum service_restart restart;
	uint64_t restart_us, timeout_start_us, timeout_stop_us;
	enum kill_mode kill_mode;
	int kill_signal;
	enum notify_access notify_access;
	bool private_network, no_new_privileges;
	char *state_dir; /* where the notify socket and main pid live */
	char *wick;	 /* this wick, for PrivateNetwork= (wick run) */
};

/* Reads [Socket] of U. Warnings about bad values go to U (the line is
 * ignored, as systemd does). Returns 0, or -ENOENT when no listener is
 * left, -ENOMEM. */
int socket_config_load(struct unit *u, struct socket_config *c);
void socket_config_free(struct socket_config *c);

/* Reads [Service] of U. Returns 0, -ENOEXEC when no ExecStart= is left
 * (or several without Type=oneshot), -ENOMEM. */
int service_config_load(struct unit *u, struct service_config *c);
void service_config_free(struct service_config *c);

/* Shared value parsers; each returns 0 or -EINVAL. */
int config_bool(const char *v, bool *out);
int config_timespan(const char *v, uint64_t *us);
int config_signal(const char *v, int *sig);

#endif
