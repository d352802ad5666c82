/* unit_start.c — `wick start` and `wick stop`: a started socket unit is a
 * supervising wick process (the activation engine, with the unit's
 * service as its hook) and a state directory that `status` reads. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "activate.h"
#include "commands.h"
#include "log.h"
#include "unit_cmd.h"
#include "unit_config.h"
#include "unit_service.h"
#include "unit_state.h"

/* Everything one started unit needs, loaded before anything runs. */
struct started {
	struct unit sock, svc;
	struct socket_config sc;
	struct service_config vc;
	char *dir;
	int lock;
	bool now; /* started as its service: run that at once */
};

/* The service a socket activates. Accept=yes names a template; wick
 * loads it with the socket's instance (or "0") for its specifiers. */
static char *service_unit_name(const struct started *s)
{
	const char *at = strchr(s->sc.service, '@');
	char *name;

	/* A template is PREFIX@.service; echo@.x.service is an instance. */
	if (!at || at[1] != '.' || strchr(at + 2, '.'))
		return strdup(s->sc.service);
	if (asprintf(&name, "%.*s@%s%s", (int)(at - s->sc.service),
		     s->sc.service,
		     s->sock.n.instance ? s->sock.n.instance : "0", at + 1) < 0)
		return NULL;
	return name;
}

static int load_pair(const struct unit_cmd_opts *o, const char *name,
		     struct started *s)
{
	size_t seen;
	char *svc;
	int r;

	if (unit_cmd_load(o, name, &s->sock))
		return 1;
	seen = s->sock.n_warnings;
	r = socket_config_load(&s->sock, &s->sc);
	for (size_t i = seen; i < s->sock.n_warnings; i++)
		log_error("%s", s->sock.warnings[i]);
	if (r == -ENOENT) {
		log_error("%s: no listener left (ListenStream=, "
			  "ListenDatagram= or ListenSequentialPacket=); "
			  "nothing started",
			  s->sock.fragment);
		return 1;
	}
	svc = r == 0 ? service_unit_name(s) : NULL;
	if (!svc || unit_cmd_load(o, svc, &s->svc)) {
		if (svc)
			log_error(
			    "%s: its service %s cannot be loaded; nothing "
			    "started",
			    name, svc);
		free(svc);
		return 1;
	}
	free(svc);
	seen = s->svc.n_warnings;
	r = service_config_load(&s->svc, &s->vc);
	for (size_t i = seen; i < s->svc.n_warnings; i++)
		log_error("%s", s->svc.warnings[i]);
	if (r == -ENOEXEC)
		log_error("%s: no usable ExecStart= (exactly one is needed "
			  "unless Type=oneshot); nothing started",
			  s->svc.fragment);
	return r < 0 ? 1 : 0;
}

static int open_listeners(struct started *s)
{
	char where[ADDRESS_TEXT_MAX], why[ADDRESS_TEXT_MAX + 128];

	activation_block_signals();
	for (size_t i = 0; i < s->sc.n_listeners; i++) {
		struct listener *l = &s->sc.listeners[i];
		int r = listener_open(l, &s->sc.opts);

		if (r == 0)
			continue;
		address_format(&l->addr, where, sizeof(where));
		log_error("%s: listen %s (%s): %s; nothing started",
			  s->sock.name, where, listener_type_name(l->type),
			  listener_error_in(s->sc.listeners, i, r, why,
					    sizeof(why)));
		while (i-- > 0)
			listener_close(&s->sc.listeners[i]);
		return 1;
	}
	return 0;
}

/* The service's own stop runs ExecStop= and a kill, each bounded by
 * TimeoutStopSec=, then ExecStopPost=: the engine waits for all three
 * before it kills (0: TimeoutStopSec=infinity, never). */
static uint64_t engine_stop_timeout(const struct service_config *c)
{
	if (c->timeout_stop_us == UINT64_MAX ||
	    c->timeout_stop_us > UINT64_MAX / 4)
		return 0;
	return 3 * c->timeout_stop_us + 5000000;
}

/* The files `status` and `list-sockets` read. */
static int write_state(const struct started *s)
{
	char where[ADDRESS_TEXT_MAX], *info, *listen = NULL;
	const char *desc = unit_get(&s->sock, "Unit", "Description");
	size_t len = 0;
	FILE *f = open_memstream(&listen, &len);
	int r;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < s->sc.n_listeners; i++) {
		address_format(&s->sc.listeners[i].addr, where, sizeof(where));
		fprintf(f, "%s %s\n",
			listener_type_name(s->sc.listeners[i].type), where);
	}
	fclose(f);
	if (asprintf(
		&info,
		"service=%s\nfragment=%s\nfiles=%zu\n"
		"description=%s\nstop-timeout-ms=%llu\n",
		s->vc.name, s->sock.fragment, s->sock.n_files, desc ? desc : "",
		(unsigned long long)(engine_stop_timeout(&s->vc) / 1000)) < 0) {
		free(listen);
		return -ENOMEM;
	}
	r = unit_state_write(s->dir, "listen", listen);
	if (r == 0)
		r = unit_state_write(s->dir, "info", info);
	free(listen);
	free(info);
	return r;
}

static void redirect_output(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/log", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		(void)dup2(fd, 1);
		(void)dup2(fd, 2);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)dup2(fd, 0);
		close(fd);
	}
}

/* The supervisor: runs the activation engine until `wick stop`, then
 * releases the sockets and removes the state directory. */
static __attribute__((noreturn)) void supervisor(struct started *s)
{
	char *argv[] = {s->vc.name, NULL};
	struct activation a;
	int status;

	(void)setsid(); /* no terminal's signals; stop comes by pid */
	redirect_output(s->dir);
	activation_default(&a);
	a.listeners = s->sc.listeners;
	a.n_listeners = s->sc.n_listeners;
	a.accept = s->sc.accept;
	a.max_connections = s->sc.max_connections;
	a.max_per_source = s->sc.max_per_source;
	a.trigger_burst = s->sc.trigger_burst;
	a.trigger_interval_us = s->sc.trigger_interval_us;
	a.stop_timeout_us = engine_stop_timeout(&s->vc);
	a.argv = argv;
	a.exec = unit_service_run;
	a.exec_data = &s->vc;
	a.now = s->now;
	log_info("%s: supervising (pid %d), activates %s", s->sock.name,
		 (int)getpid(), s->vc.name);
	status = activation_run(&a);
	for (size_t i = 0; i < s->sc.n_listeners; i++) {
		if (!s->sc.remove_on_stop) /* systemd's default keeps it */
			s->sc.listeners[i].made_path = false;
		listener_close(&s->sc.listeners[i]);
	}
	unit_state_remove(s->dir);
	_exit(status);
}

static void started_free(struct started *s)
{
	socket_config_free(&s->sc);
	service_config_free(&s->vc);
	unit_free(&s->sock);
	unit_free(&s->svc);
	free(s->dir);
	if (s->lock >= 0)
		close(s->lock);
}

static int prepare(struct started *s, const char *name)
{
	char *root = unit_state_root(true);

	if (!root) {
		log_error("%s: no runtime directory for the state (%s; set "
			  "XDG_RUNTIME_DIR)",
			  name, strerror(errno));
		return 1;
	}
	free(root);
	s->dir = unit_state_dir(name);
	s->lock = s->dir ? unit_state_lock(s->dir) : -ENOMEM;
	if (s->lock == -EBUSY) {
		pid_t pid = unit_state_pid(s->dir, "pid");
		char by[32] = "";

		if (pid > 0) /* 0: the other start has not written it yet */
			snprintf(by, sizeof(by), " (supervisor pid %d)",
				 (int)pid);
		log_error("%s: already started%s; 'wick stop %s' first", name,
			  by, name);
	}
	else if (s->lock < 0)
		log_error("%s: cannot lock its state in %s: %s", name,
			  s->dir ? s->dir : "?", strerror(-s->lock));
	if (s->lock < 0)
		return 1;
	s->vc.state_dir = strdup(s->dir);
	s->vc.wick = realpath("/proc/self/exe", NULL);
	return s->vc.state_dir && s->vc.wick ? 0 : 1;
}

/* Starts the socket unit NAME; given SERVICE (`wick start X.service`),
 * that must be the one it activates, and it runs at once. */
static int start_one(const struct unit_cmd_opts *o, const char *name,
		     const char *service)
{
	struct started s = {.lock = -1, .now = service != NULL};
	char pid[24];
	pid_t child;
	int r = 1;

	if (load_pair(o, name, &s))
		goto out;
	if (service && (s.sc.accept || strcmp(s.vc.name, service))) {
		log_error("%s: %s activates %s%s, so it cannot start it; "
			  "nothing started (start %s itself)",
			  service, name, s.vc.name,
			  s.sc.accept ? " once per connection" : "", name);
		goto out;
	}
	if (prepare(&s, name))
		goto out;
	if (write_state(&s) < 0 || open_listeners(&s)) {
		unit_state_remove(s.dir);
		goto out;
	}
	fflush(NULL);
	child = fork();
	if (child == 0)
		supervisor(&s);
	for (size_t i = 0; i < s.sc.n_listeners; i++) {
		s.sc.listeners[i].made_path = false; /* the child's now */
		listener_close(&s.sc.listeners[i]);
	}
	if (child < 0) {
		log_error("%s: cannot start its supervisor: %m", name);
		unit_state_remove(s.dir);
		goto out;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)child);
	(void)unit_state_write(s.dir, "pid", pid); /* status shows "?" */
	log_info("started %s (supervisor pid %d), %s %s", name, (int)child,
		 service ? "runs" : "activates", s.vc.name);
	r = 0;
out:
	started_free(&s);
	return r;
}

/* As systemd pulls in a service's socket unit when the service starts,
 * `wick start X.service` starts X.socket with X.service running at once;
 * the socket stays when the service exits, until `wick stop`. */
static int start_service(const struct unit_cmd_opts *o, const char *name)
{
	char *sock = unit_socket_of(name);
	struct unit u;
	int r;

	if (!sock || unit_cmd_load(o, name, &u)) {
		free(sock);
		return 1; /* the service itself is missing: said */
	}
	unit_free(&u);
	memset(&u, 0, sizeof(u));
	r = unit_load(&o->path, sock, &u);
	unit_free(&u);
	if (r == -ENOENT) {
		log_error("%s: wick starts a service through its socket unit "
			  "and finds no %s (write one, or run the command "
			  "with 'wick run')",
			  name, sock);
		free(sock);
		return 1;
	}
	r = start_one(o, sock, name);
	free(sock);
	return r;
}

/* Waits up to MS for the supervisor of DIR to let go of its lock. */
static bool wait_released(const char *dir, int ms)
{
	for (int waited = 0; waited < ms; waited += 20) {
		if (!unit_state_alive(dir))
			return true;
		usleep(20000);
	}
	return !unit_state_alive(dir);
}

/* How long `stop` waits: the engine's stop timeout and 5 s more, 30 s
 * by default, 10 minutes at most (TimeoutStopSec=infinity included). */
static int stop_wait_ms(const char *dir)
{
	char *info = unit_state_read(dir, "info");
	char *v = unit_state_field(info, "stop-timeout-ms");
	long long ms = v && *v ? strtoll(v, NULL, 10) : 25000;

	free(v);
	free(info);
	if (ms <= 0 || ms > 595000)
		ms = 595000;
	return (int)ms + 5000;
}

static int stop_one(const char *name)
{
	char *dir = unit_state_of(name), *own = unit_state_dir(name);
	pid_t pid = dir ? unit_state_pid(dir, "pid") : 0;
	bool via = dir && own && strcmp(dir, own); /* X.service's X.socket */
	int r = 0, wait_ms;

	free(own);

	if (!dir || access(dir, F_OK) < 0) {
		log_info("%s: not started", name);
		free(dir);
		return 0;
	}
	if (!unit_state_alive(dir)) {
		log_info("%s: its supervisor is gone; removing its state",
			 name);
	} else if (pid <= 0 || kill(pid, SIGTERM) < 0) {
		log_error("%s: cannot signal its supervisor (pid %d): %s", name,
			  (int)pid, pid > 0 ? strerror(errno) : "no pid file");
		r = 1;
	} else if (!wait_released(dir, wait_ms = stop_wait_ms(dir))) {
		/* The engine kills a service that outlives its stop timeout;
		 * waiting longer than that means the supervisor hangs. */
		log_error("%s: supervisor pid %d did not exit within %ds; "
			  "killing it",
			  name, (int)pid, wait_ms / 1000);
		(void)kill(pid, SIGKILL);
		(void)wait_released(dir, 5000);
	}
	if (r == 0) {
		unit_state_remove(dir);
		log_info("stopped %s%s", name,
			 via ? " and the socket unit that runs it" : "");
	}
	free(dir);
	return r;
}

static const char start_usage[] =
    "usage: wick start [--unit-path DIR]... UNIT.socket|UNIT.service...\n"
    "Listens on the unit's sockets and starts its service on the first\n"
    "client (at once for UNIT.service, whose UNIT.socket then listens),\n"
    "supervised by a background wick process; 'wick stop UNIT' ends it.\n"
    "Units are looked for in --unit-path DIRs, else in the default path\n"
    "(see wick-units(5)).\n";

static const char stop_usage[] =
    "usage: wick stop UNIT...\n"
    "Stops the service (ExecStop=, then KillSignal=), runs ExecStopPost=,\n"
    "closes the sockets and removes the unit's state.\n";

int cmd_start(int argc, char **argv)
{
	struct unit_cmd_opts o;
	int r = unit_cmd_options(argc, argv, start_usage, "unit", &o);
	int status = 0;

	if (r != 0)
		return unit_cmd_ended(r);
	for (int i = o.first_arg; i < argc; i++) {
		if (unit_name_is(argv[i], "service")) {
			status |= start_service(&o, argv[i]);
		} else if (unit_name_is(argv[i], "socket")) {
			status |= start_one(&o, argv[i], NULL);
		} else {
			log_error("%s: wick starts socket units (NAME.socket) "
				  "and services through them (NAME.service)",
				  argv[i]);
			status = 1;
		}
	}
	unit_path_free(&o.path);
	return status;
}

int cmd_unit_stop(int argc, char **argv)
{
	struct unit_cmd_opts o;
	int r = unit_cmd_options(argc, argv, stop_usage, "unit", &o);
	int status = 0;

	if (r != 0)
		return unit_cmd_ended(r);
	for (int i = o.first_arg; i < argc; i++)
		status |= stop_one(argv[i]);
	unit_path_free(&o.path);
	return status;
}

/* `wick stop` ends sandboxes by name and started units: operands named
 * like units (NAME.socket, NAME.service) make it the unit command. */
int cmd_stop_any(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (unit_name_is(argv[i], "socket") ||
		    unit_name_is(argv[i], "service"))
			return cmd_unit_stop(argc, argv);
	return cmd_stop(argc, argv);
}
