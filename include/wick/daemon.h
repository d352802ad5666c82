/* <wick/daemon.h> — the server side of socket activation and readiness
 * notification, compatible with systemd's sd-daemon semantics and needing
 * nothing but libc. Every function returns a negative errno on failure. */
#ifndef WICK_DAEMON_H
#define WICK_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The first inherited file descriptor, as with SD_LISTEN_FDS_START. */
#define WICK_LISTEN_FDS_START 3

/* Number of sockets passed in LISTEN_FDS when LISTEN_PID is this process;
 * 0 when LISTEN_PID or LISTEN_FDS is unset or LISTEN_PID names another
 * process. Errors: -EINVAL for a LISTEN_PID or LISTEN_FDS that is not a
 * decimal number or a LISTEN_FDS below 1, -ERANGE for LISTEN_PID=0 or an
 * out-of-range number, -EBADF when a promised fd is not open. The fds get
 * FD_CLOEXEC. When unset_environment is non-zero, LISTEN_PID, LISTEN_FDS,
 * LISTEN_FDNAMES and LISTEN_PIDFDID are removed on every return path. */
int wick_listen_fds(int unset_environment);

/* As wick_listen_fds(), and *names receives a NULL-terminated array of
 * LISTEN_FDNAMES entries ("unknown" for each when the variable is absent;
 * empty entries are kept). A name count other than the fd count gives
 * -EINVAL. *names is NULL unless the result is > 0; the caller frees each
 * string and the array. With names NULL this is wick_listen_fds(). */
int wick_listen_fds_with_names(int unset_environment, char ***names);

/* Sends STATE (e.g. "READY=1") to NOTIFY_SOCKET: an absolute path, an
 * "@abstract" name or "vsock:CID:PORT" (decimal; a seqpacket connection,
 * or a datagram where seqpacket is not supported). Returns 0 when
 * NOTIFY_SOCKET is unset, > 0 when sent, -EINVAL for a malformed
 * NOTIFY_SOCKET or a NULL state. When unset_environment is non-zero,
 * NOTIFY_SOCKET is removed on every return path. */
int wick_notify(int unset_environment, const char *state);
int wick_notifyf(int unset_environment, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* As wick_notify(), with the sender's credentials set to PID when
 * non-zero (MAINPID-style relaying needs privilege for a foreign pid;
 * without it the message is sent again with the caller's own). */
int wick_pid_notify(pid_t pid, int unset_environment, const char *state);

/* Predicates: 1 when FD matches, 0 when not, negative errno on error
 * (-EBADF for a negative fd, -EINVAL for a negative type or, in
 * wick_is_socket_inet(), a family other than 0, AF_INET and AF_INET6).
 * family 0, type 0, port 0, path NULL and cid VMADDR_CID_ANY match
 * anything; listening < 0 matches either state. The argument order is
 * that of sd_is_socket() and friends. For wick_is_socket_unix(), a length
 * of 0 means strlen(path); an empty path matches an unnamed socket; a path
 * starting with NUL is an abstract name of exactly length bytes. */
int wick_is_socket(int fd, int family, int type, int listening);
int wick_is_socket_inet(int fd, int family, int type, int listening,
			uint16_t port);
int wick_is_socket_unix(int fd, int type, int listening, const char *path,
			size_t length);
int wick_is_socket_vsock(int fd, int type, int listening, unsigned int cid,
			 unsigned int port);

#ifdef __cplusplus
}
#endif
#endif
