/* unit_service.h — one run of a unit's service, as the activation
 * engine's exec hook: ExecStartPre, ExecStart with the sockets, Type=
 * notify readiness, Restart=, ExecStop and ExecStopPost. */
#ifndef WICK_UNIT_SERVICE_H
#define WICK_UNIT_SERVICE_H

/* DATA is a struct service_config. Runs in the child the engine forked,
 * with the sockets at fds 3.. and LISTEN_* set; returns the exit status
 * of the service (128+N for signal N), after ExecStopPost has run. */
int unit_service_run(void *data, char **argv);

#endif
