/* unix_address.h — a Unix socket named as "/path" or "@abstract" turned
 * into its sockaddr_un and length; for NOTIFY_SOCKET here and for wick's
 * listen and notify addresses. Internal. */
#ifndef WICK_LIB_UNIX_ADDRESS_H
#define WICK_LIB_UNIX_ADDRESS_H

#include <sys/socket.h>
#include <sys/un.h>

#include "internal.h"

/* Fills UN and LEN for TEXT, which starts with '/' or '@'. Returns 0,
 * -EINVAL (neither form, or "@" alone) or -ENAMETOOLONG. */
WICK_HIDDEN int unix_address_parse(const char *text, struct sockaddr_un *un,
				   socklen_t *len);

#endif
