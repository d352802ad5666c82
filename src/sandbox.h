/* sandbox.h — starting a command in fresh namespaces (user, mount, pid,
 * uts, ipc, cgroup and, unless the host's is shared, net) with the
 * passed sockets as fds 3.. and nothing else. */
#ifndef WICK_SANDBOX_H
#define WICK_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum network_mode { NETWORK_NONE, NETWORK_HOST };

struct volume {
	const char *src;
	const char *dst;
	bool ro;
};

struct sandbox {
	char **argv;
	char **env;           /* the server's whole environment */
	char *listen_pid_env; /* slot in env: "LISTEN_PID=" + room, or NULL */
	enum network_mode network;
	bool host_ids;        /* --userns=host: root keeps host ids */
	const char *rootfs;   /* NULL: the host's root, read-only */
	bool rootfs_ro;       /* --rootfs without a writable layer */
	struct volume *volumes;
	size_t n_volumes;
	const char *workdir;  /* "/" when NULL */
	const char *hostname; /* NULL: "wick" */
	uint64_t caps;        /* capabilities kept (--cap-add) */
	void *filter;         /* built seccomp filter, NULL: unconfined */
	bool init;            /* a small init as pid 1, the server as pid 2 */
	int n_fds;            /* passed sockets at 3.. */
	const char *notify_dir; /* host dir bound at /run/notify, or NULL */
	int stdio[3];         /* the server's stdio; -1 keeps wick's */
	int go_fd;            /* prepared start: the go pipe whose byte
			       * lets the server run (activate.h); -1 */
	pid_t pid;            /* result: host pid of the sandbox's pid 1 */
};

/* Where set-up failed, as the parent reports it. */
struct sandbox_error {
	int err;         /* errno */
	char what[240];  /* "mount /proc", "cannot run 'x'" … */
};

/* Mount paths inside the sandbox. */
#define SANDBOX_NOTIFY_DIR "/run/notify"
#define SANDBOX_NOTIFY_SOCKET SANDBOX_NOTIFY_DIR "/notify.sock"

/* Creates the sandbox and returns once the command was executed (0, with
 * S->pid set) or set-up failed (-errno, with E filled and nothing left
 * running). The caller reaps S->pid. With S->go_fd set, the sandbox is
 * built at once and the server is executed only after a byte arrives on
 * it; EOF there fails with -ECANCELED. */
int sandbox_start(struct sandbox *s, struct sandbox_error *e);

/* In the child: records a failure for the parent and exits. */
_Noreturn void sandbox_fail(int err, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* In the child after set-up: the restrictions every sandboxed process
 * gets (capabilities, no_new_privs, seccomp), then exec. Only returns
 * through sandbox_fail. */
_Noreturn void sandbox_exec_server(const struct sandbox *s);

/* In the child: takes the ids that are root inside. Until then the child
 * reaches host paths with the caller's own ids, which matters for root,
 * whose sandbox ids are not host root (see idmap.h). */
void sandbox_become_root(void);

/* Steps of the child, one file each. */
/* Builds the mount tree and pivots into it, becoming root inside once the
 * host sources are held; failures go to sandbox_fail. */
void mounts_setup(const struct sandbox *s);
_Noreturn void init_run(const struct sandbox *s);

#endif
