/* pty.c — the pseudo-terminal of `wick exec -t`: made inside the sandbox
 * so the command's terminal belongs to it, and relayed byte for byte. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "pty.h"

int pty_open(int *master, int *peer)
{
	struct winsize ws;
	int unlock = 0;

	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return -errno;
	/* TIOCGPTPEER opens the peer through the master, so no path in the
	 * sandbox's /dev/pts is looked up by us. */
	if (ioctl(*master, TIOCSPTLCK, &unlock) < 0 ||
	    (*peer = ioctl(*master, TIOCGPTPEER,
			   O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		int r = -errno;

		close(*master);
		return r;
	}
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(*master, TIOCSWINSZ, &ws); /* a size is a nicety */
	return 0;
}

int pty_attach(int peer)
{
	if (setsid() < 0 || ioctl(peer, TIOCSCTTY, 0) < 0)
		return -errno;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(peer, fd) < 0)
			return -errno;
	close(peer);
	return 0;
}

/* Returns false when the source is done. */
static bool copy(int from, int to)
{
	char buf[4096];
	ssize_t n, w;

	n = read(from, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 && errno == EINTR;
	for (ssize_t o = 0; o < n; o += w) {
		w = write(to, buf + o, n - o);
		if (w < 0 && errno != EINTR)
			return false;
		if (w < 0)
			w = 0;
	}
	return true;
}

void pty_relay(int master)
{
	struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {master, POLLIN, 0}};
	struct termios saved, raw;
	bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;

	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	/* The master reports EIO or a hang-up once the command and all its
	 * children closed the terminal: that ends the relay. */
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !copy(master, STDOUT_FILENO))
			break;
		if ((p[0].revents & POLLIN) && !copy(STDIN_FILENO, master))
			p[0].fd = -1; /* stdin ended; keep showing output */
		else if (p[0].revents & (POLLHUP | POLLERR))
			p[0].fd = -1;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}
