/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management socket: a Unix stream socket served by the main lcore,
 * mode 0600 and peer credentials checked (root or our own user only).
 * Messages are those of config/nfv_msg.h.
 */
#ifndef NFV_MGMT_H
#define NFV_MGMT_H

#include <stddef.h>
#include <stdint.h>

#include "nfv_msg.h"

struct nfv_dp;

#define NFV_MGMT_MAX_CONNS 32

/* A growable response payload. */
struct nfv_buf {
	uint8_t *p;
	size_t len, cap;
	int err;	/* sticky -ENOMEM */
};

void *nfv_buf_put(struct nfv_buf *b, size_t len);	/* zeroed room, or NULL */
void nfv_buf_fini(struct nfv_buf *b);
/* Starts a list payload; returns its header, whose count the caller bumps. */
struct nfv_msg_list *nfv_buf_list(struct nfv_buf *b, uint32_t record_size);

struct nfv_mgmt_conn {
	int fd;
	size_t rlen;
	uint8_t rbuf[4096 + sizeof(struct nfv_msg_hdr)];
	int listen_queue;	/* queue number this client listens to, or -1 */
};

struct nfv_mgmt {
	int lfd;
	char path[108];
	unsigned int nb_conns;
	struct nfv_mgmt_conn conns[NFV_MGMT_MAX_CONNS];
	uint64_t refused;	/* peers that were not allowed */
};

/* Replaces and binds path: the caller holds its lock (nfv_sock_lock). */
int nfv_mgmt_init(struct nfv_dp *dp, const char *path);
void nfv_mgmt_fini(struct nfv_dp *dp);
/* Serves clients for up to timeout_ms. */
void nfv_mgmt_poll(struct nfv_dp *dp, int timeout_ms);
/* Sends one message; -errno when the peer is gone or too slow. */
int nfv_mgmt_send(struct nfv_mgmt_conn *c, uint16_t type, uint32_t seq,
		  int32_t status, const void *payload, size_t len);
/* Sends an NFV_MSG_ERROR with a printf-style message. */
int nfv_mgmt_error(struct nfv_mgmt_conn *c, uint32_t seq, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* mgmt_show.c: the request handlers; return 0 or -errno (error sent). */
int nfv_mgmt_handle(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		    const struct nfv_msg_hdr *h, const void *payload);

#endif
