/* unix_address.c — unit test of unix_address_parse(): path names count
 * their NUL, abstract names do not, and the size limits of sun_path. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/unix_address.h"
#include "tap.h"

int main(void)
{
	const size_t base = offsetof(struct sockaddr_un, sun_path);
	struct sockaddr_un un;
	char name[sizeof(un.sun_path) + 2];
	socklen_t len = 0;

	expect("path", unix_address_parse("/run/x", &un, &len), 0);
	expect("path length counts the NUL", len, (long)(base + 7));
	expect("path text", strcmp(un.sun_path, "/run/x"), 0);
	expect("abstract", unix_address_parse("@x", &un, &len), 0);
	expect("abstract length has no NUL", len, (long)(base + 2));
	expect("abstract starts with a NUL", un.sun_path[0], 0);
	expect("abstract name", un.sun_path[1], 'x');
	expect("family", un.sun_family, AF_UNIX);
	expect("'@' alone", unix_address_parse("@", &un, &len), -EINVAL);
	expect("relative name", unix_address_parse("x", &un, &len), -EINVAL);

	memset(name, 'a', sizeof(name));
	name[0] = '/';
	name[sizeof(un.sun_path) - 1] = '\0';
	expect("path of 107 bytes", unix_address_parse(name, &un, &len), 0);
	name[sizeof(un.sun_path) - 1] = 'a';
	name[sizeof(un.sun_path)] = '\0';
	expect("path of 108 bytes", unix_address_parse(name, &un, &len),
	       -ENAMETOOLONG);
	name[0] = '@';
	expect("abstract of 107 bytes after '@'",
	       unix_address_parse(name, &un, &len), 0);
	expect("... fills sun_path", len, (long)sizeof(un));
	name[sizeof(un.sun_path)] = 'a';
	name[sizeof(un.sun_path) + 1] = '\0';
	expect("abstract of 108 bytes after '@'",
	       unix_address_parse(name, &un, &len), -ENAMETOOLONG);
	return failures ? 1 : 0;
}
