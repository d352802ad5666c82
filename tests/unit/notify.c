/* notify.c — unit test of wick_notify(), wick_notifyf() and
 * wick_pid_notify(): messages arrive intact at a path, an abstract and
 * (where the kernel can loop it back) a VSOCK socket; malformed
 * NOTIFY_SOCKET values fail cleanly; unset removes the variable. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#include <wick/daemon.h>

static int failures;

static void check(bool pass, const char *desc)
{
	printf("%s - %s\n", pass ? "ok" : "not ok", desc);
	failures += !pass;
	fflush(stdout);
}

static void expect_int(const char *desc, int got, int want)
{
	check(got == want, desc);
	if (got != want)
		printf("# got %d (%s), want %d\n", got,
		       got < 0 ? strerrorname_np(-got) : "-", want);
}

/* A Unix datagram socket that asks for the sender's credentials. */
static int receiver(const struct sockaddr_un *sa, socklen_t len)
{
	int one = 1;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (const struct sockaddr *)sa, len) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		printf("# receiver: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

/* One message within 2 s into BUF; *pid gets the credentials' pid. */
static bool receive(int fd, char *buf, size_t size, pid_t *pid)
{
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {buf, size - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = control,
			    .msg_controllen = sizeof(control)};
	struct pollfd p = {fd, POLLIN, 0};
	ssize_t n;

	*pid = 0;
	if (poll(&p, 1, 2000) != 1)
		return false;
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return false;
	buf[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c;
	     c = CMSG_NXTHDR(&mh, c)) {
		struct ucred cred;

		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_CREDENTIALS)
			continue;
		memcpy(&cred, CMSG_DATA(c), sizeof(cred));
		*pid = cred.pid;
	}
	return true;
}

static void expect_message(int fd, const char *desc, const char *want,
			   pid_t want_pid)
{
	char buf[512];
	pid_t pid;
	bool got = receive(fd, buf, sizeof(buf), &pid);

	check(got && !strcmp(buf, want) && pid == want_pid, desc);
	if (!got)
		printf("# nothing arrived\n");
	else if (strcmp(buf, want) || pid != want_pid)
		printf("# got '%s' from pid %d, want '%s' from pid %d\n", buf,
		       (int)pid, want, (int)want_pid);
}

static void test_unset(void)
{
	(void)unsetenv("NOTIFY_SOCKET");
	expect_int("NOTIFY_SOCKET unset: 0", wick_notify(0, "READY=1"), 0);
	expect_int("NOTIFY_SOCKET unset, unset flag: 0",
		   wick_notify(1, "READY=1"), 0);
}

static void test_path(const char *dir)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", dir);
	fd = receiver(&sa, sizeof(sa));
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);

	expect_int("path: sent", wick_notify(0, "READY=1"), 1);
	expect_message(fd, "path: READY=1 arrives with our pid", "READY=1",
		       getpid());
	check(getenv("NOTIFY_SOCKET") != NULL, "path: kept without unset");

	expect_int("notifyf: sent",
		   wick_notifyf(0, "STATUS=%s %d", "serving", 42), 1);
	expect_message(fd, "notifyf: formatted text arrives",
		       "STATUS=serving 42", getpid());

	expect_int("NULL state: -EINVAL", wick_notify(0, NULL), -EINVAL);

	expect_int("path with unset: sent", wick_notify(1, "STOPPING=1"), 1);
	expect_message(fd, "path with unset: arrives", "STOPPING=1",
		       getpid());
	check(getenv("NOTIFY_SOCKET") == NULL,
	      "path with unset: NOTIFY_SOCKET removed");
	close(fd);
}

static void test_abstract(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char name[64], env[80];
	int n, fd;

	/* Bound without a trailing NUL: a sender that counted one would
	 * name a different socket and be refused. */
	n = snprintf(name, sizeof(name), "wick-notify-test-%d", (int)getpid());
	memcpy(sa.sun_path + 1, name, (size_t)n);
	fd = receiver(&sa, (socklen_t)(offsetof(struct sockaddr_un,
						sun_path) + 1 + n));
	snprintf(env, sizeof(env), "@%s", name);
	setenv("NOTIFY_SOCKET", env, 1);

	expect_int("abstract: sent", wick_notify(0, "READY=1"), 1);
	expect_message(fd, "abstract: READY=1 arrives", "READY=1", getpid());
	close(fd);
	expect_int("abstract with nobody bound: -ECONNREFUSED",
		   wick_notify(0, "READY=1"), -ECONNREFUSED);
}

/* As root a foreign pid is sent as is; without privilege the kernel
 * refuses it and the message goes with our own pid. */
static void test_pid_notify(const char *dir)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	pid_t child;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/pid", dir);
	fd = receiver(&sa, sizeof(sa));
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);

	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	expect_int("pid_notify for a child: sent",
		   wick_pid_notify(child, 0, "MAINPID=x"), 1);
	expect_message(fd, geteuid() == 0
			   ? "pid_notify as root: child's pid in credentials"
			   : "pid_notify unprivileged: falls back to own pid",
		       "MAINPID=x", geteuid() == 0 ? child : getpid());
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	expect_int("pid_notify for ourselves: sent",
		   wick_pid_notify(getpid(), 0, "READY=1"), 1);
	expect_message(fd, "pid_notify for ourselves: our pid", "READY=1",
		       getpid());
	close(fd);
}

static const struct {
	const char *value;
	int want;
} bad[] = {
	{"", -EINVAL},
	{"relative/path", -EINVAL},
	{"@", -EINVAL},
	{"/nonexistent-wick-dir/notify", -ENOENT},
	{"vsock:", -EINVAL},
	{"vsock:1", -EINVAL},
	{"vsock:1:", -EINVAL},
	{"vsock::5", -EINVAL},
	{"vsock:abc:5", -EINVAL},
	{"vsock:-1:5", -EINVAL},
	{"vsock:1:0x10", -EINVAL},
	{"vsock:1:4294967296", -ERANGE},
	{"vsock:1:5:6", -EINVAL},
	{"tcp:127.0.0.1:5", -EINVAL},
};

static void test_bad(const char *dir)
{
	char desc[256], longpath[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("NOTIFY_SOCKET", bad[i].value, 1);
		snprintf(desc, sizeof(desc), "NOTIFY_SOCKET='%s': %s",
			 bad[i].value, strerrorname_np(-bad[i].want));
		expect_int(desc, wick_notify(0, "READY=1"), bad[i].want);
	}
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longpath, 1);
	expect_int("path longer than sun_path: -ENAMETOOLONG",
		   wick_notify(0, "READY=1"), -ENAMETOOLONG);
	longpath[0] = '@';
	setenv("NOTIFY_SOCKET", longpath, 1);
	expect_int("abstract name longer than sun_path: -ENAMETOOLONG",
		   wick_notify(0, "READY=1"), -ENAMETOOLONG);

	snprintf(longpath, sizeof(longpath), "%s", dir);
	setenv("NOTIFY_SOCKET", longpath, 1);
	expect_int("a directory, not a socket: -ECONNREFUSED",
		   wick_notify(0, "READY=1"), -ECONNREFUSED);

	setenv("NOTIFY_SOCKET", "relative", 1);
	expect_int("malformed with unset: -EINVAL", wick_notify(1, "READY=1"),
		   -EINVAL);
	check(getenv("NOTIFY_SOCKET") == NULL,
	      "malformed with unset: NOTIFY_SOCKET removed");
}

static bool not_here(int e)
{
	return e == ESOCKTNOSUPPORT || e == ENODEV || e == EAFNOSUPPORT ||
	       e == ETIMEDOUT || e == ECONNRESET || e == EOPNOTSUPP ||
	       e == EPROTONOSUPPORT || e == EHOSTUNREACH || e == ENETUNREACH;
}

/* VSOCK to the local CID works only with a loopback transport. */
static void test_vsock(void)
{
	struct sockaddr_vm vm = {.svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_ANY,
				 .svm_port = 40000 + (unsigned)getpid() % 9999};
	int fd = socket(AF_VSOCK, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	char env[64], buf[64] = "";
	int r, c = -1;

	if (fd < 0 || bind(fd, (struct sockaddr *)&vm, sizeof(vm)) < 0 ||
	    listen(fd, 4) < 0) {
		printf("ok - vsock notify # SKIP no VSOCK seqpacket listener "
		       "here: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(env, sizeof(env), "vsock:%u:%u", VMADDR_CID_LOCAL,
		 vm.svm_port);
	setenv("NOTIFY_SOCKET", env, 1);
	r = wick_notify(1, "READY=1");
	if (r < 0 && not_here(-r)) {
		printf("ok - vsock notify # SKIP no VSOCK loopback here "
		       "(sending gives %s)\n", strerrorname_np(-r));
	} else {
		expect_int("vsock: sent", r, 1);
		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c >= 0)
			(void)!recv(c, buf, sizeof(buf) - 1, 0);
		check(!strcmp(buf, "READY=1"), "vsock: READY=1 arrives");
	}
	check(getenv("NOTIFY_SOCKET") == NULL, "vsock: unset removes it");
	if (c >= 0)
		close(c);
	close(fd);
}

int main(void)
{
	char dir[] = "/tmp/wick-notify.XXXXXX";
	char path[300];

	if (!mkdtemp(dir)) {
		printf("not ok - temporary directory: %s\n", strerror(errno));
		return 1;
	}
	test_unset();
	test_path(dir);
	test_abstract();
	test_pid_notify(dir);
	test_bad(dir);
	test_vsock();

	snprintf(path, sizeof(path), "%s/notify", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pid", dir);
	unlink(path);
	rmdir(dir);
	return failures ? 1 : 0;
}
