/* sockaddr_any.h — one storage for a socket address of any family wick
 * and libwick handle, seen through the view its family needs. Internal. */
#ifndef WICK_LIB_SOCKADDR_ANY_H
#define WICK_LIB_SOCKADDR_ANY_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/vm_sockets.h>

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
	struct sockaddr_vm vm;
	struct sockaddr_storage storage;
};

#endif
