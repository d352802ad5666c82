/* text.c — reads small files whole and grows strings, for the unit,
 * specifier and environment-file readers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

int text_read_file(const char *path, size_t max, char **text)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t got = 1;
	char *t = NULL, *nt;
	int r = 0;

	if (fd < 0)
		return -errno;
	while (r == 0 && got > 0 && len < max) {
		nt = realloc(t, len + 8193);
		if (!nt) {
			r = -ENOMEM;
			break;
		}
		t = nt;
		got = read(fd, t + len, 8192);
		if (got < 0)
			r = -errno;
		else
			len += (size_t)got;
	}
	close(fd);
	if (r == 0 && len >= max)
		r = -EFBIG;
	if (r < 0) {
		free(t);
		return r;
	}
	t[len] = '\0';
	*text = t;
	return 0;
}

int text_append(char **out, size_t *len, const char *s, size_t n)
{
	char *o = realloc(*out, *len + n + 1);

	if (!o)
		return -ENOMEM;
	memcpy(o + *len, s, n);
	*len += n;
	o[*len] = '\0';
	*out = o;
	return 0;
}
