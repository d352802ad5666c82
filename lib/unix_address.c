/* unix_address.c — path and abstract Unix socket names as the kernel
 * wants them in a sockaddr_un. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "unix_address.h"

int unix_address_parse(const char *text, struct sockaddr_un *un,
		       socklen_t *len)
{
	const size_t base = offsetof(struct sockaddr_un, sun_path);
	size_t n = strlen(text);

	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	if (text[0] == '/') {
		/* The length counts the path's NUL, as for any path bind. */
		if (n >= sizeof(un->sun_path))
			return -ENAMETOOLONG;
		memcpy(un->sun_path, text, n + 1);
		*len = (socklen_t)(base + n + 1);
		return 0;
	}
	/* "@name": a leading NUL, then the name without a trailing NUL;
	 * the kernel compares every byte counted in the length, so a
	 * client that counted one more would reach another address. */
	if (text[0] != '@' || n < 2)
		return -EINVAL;
	if (n > sizeof(un->sun_path))
		return -ENAMETOOLONG;
	memcpy(un->sun_path + 1, text + 1, n - 1);
	*len = (socklen_t)(base + n);
	return 0;
}
