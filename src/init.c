/* init.c — `--init`: a small pid 1 inside the sandbox that starts the
 * server as pid 2, forwards signals to it, reaps every orphan and exits
 * with the server's status. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "sandbox.h"
#include "seccomp.h"
#include "spawn.h"

static const int forwarded[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGUSR1,
				SIGUSR2, SIGTERM, SIGWINCH, SIGCONT};

/* pid 1 drops signals that have no handler, even when they come from
 * outside; a handler that never runs (they stay blocked) keeps them. */
static void unused_handler(int sig)
{
	(void)sig;
}

static void reap(pid_t server, int *status, bool *done)
{
	int ws;
	pid_t p;

	while ((p = waitpid(-1, &ws, WNOHANG)) > 0)
		if (p == server) {
			*status = spawn_exit_status(ws);
			*done = true;
		}
}

static _Noreturn void supervise(pid_t server, const sigset_t *set)
{
	bool done = false;
	int status = 1, sig;
	siginfo_t info;

	while (!done) {
		sig = sigwaitinfo(set, &info);
		if (sig < 0)
			continue; /* EINTR: all we wait for is blocked */
		if (sig == SIGCHLD)
			reap(server, &status, &done);
		else
			(void)kill(server, sig); /* it may be gone already */
	}
	/* Leaving pid 1 ends every other process of the sandbox. */
	_exit(status);
}

void init_run(const struct sandbox *s)
{
	struct sigaction sa = {.sa_handler = unused_handler};
	sigset_t set;
	pid_t server;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		sigaddset(&set, forwarded[i]);
		sigaction(forwarded[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &set, NULL);

	server = fork();
	if (server < 0)
		sandbox_fail(errno, "starting the server under --init");
	if (server == 0)
		sandbox_exec_server(s);

	/* The init holds nothing of the server's: no sockets, no pipe, no
	 * capabilities. */
	close_range(3, ~0U, 0);
	r = caps_restrict(0);
	(void)r; /* an init that keeps capabilities still only waits */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (s->filter)
		(void)filter_load(s->filter); /* as above */
	supervise(server, &set);
}
