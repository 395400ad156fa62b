/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One process per Unix socket path: PATH.lock beside the socket, flock()ed
 * for the life of the process and holding its pid. The dataplane and nfvpnd
 * take it before they unlink and bind PATH, so a second instance cannot take
 * the socket of one that runs; a socket left by a dead process (its lock
 * went with it) is replaced as before.
 */
#ifndef NFV_SOCK_LOCK_H
#define NFV_SOCK_LOCK_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>

struct nfv_sock_lock {
	int fd;			/* -1: not held */
	pid_t holder;		/* after -EADDRINUSE: the holder's pid, 0 if unknown */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 8];	/* PATH.lock */
};

/*
 * Creates the socket's directory (0700) when missing and takes PATH.lock.
 * -EADDRINUSE when another process holds it (l->holder says which), other
 * -errno when the lock file cannot be made.
 */
int nfv_sock_lock(struct nfv_sock_lock *l, const char *sock_path);
/* Why nfv_sock_lock() returned err, for a message: "in use by pid 123, ...". */
void nfv_sock_lock_why(const struct nfv_sock_lock *l, int err, char *buf, size_t size);
/* Removes the lock file if it is still ours, then lets it go. */
void nfv_sock_unlock(struct nfv_sock_lock *l);

#endif
