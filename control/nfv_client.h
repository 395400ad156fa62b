/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client side of the management socket (config/nfv_msg.h): one
 * connection, one request in flight at a time. Unsolicited
 * NFV_MSG_QUEUE_PACKET messages that arrive while a response is awaited are
 * kept in arrival order and handed out by nfv_client_recv_packet().
 * A client that pipelines (nfvpnd's apply) sends and reads with
 * nfv_client_send/recv itself, taking its seqs from c->seq: the server
 * answers in order.
 */
#ifndef NFV_CLIENT_H
#define NFV_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nfv_msg.h"

#define NFV_CLIENT_ERR_MAX 256

/* A queue packet that arrived while a response was awaited. */
struct nfv_client_pkt {
	struct nfv_client_pkt *next;
	uint32_t len;
	struct nfv_msg_queue_packet *pkt;
};

struct nfv_client {
	int fd;
	uint32_t seq;		/* of the last request; never 0 */
	bool broken;		/* framing lost: every call fails */
	char path[108];		/* sizeof(sun_path) */
	/* Why the last call failed: the server's text or ours. */
	char err[NFV_CLIENT_ERR_MAX];
	struct nfv_client_pkt *pkt_head, *pkt_tail;
};

/* One message as read from the socket; payload is malloc'ed (NULL if len 0). */
struct nfv_client_msg {
	struct nfv_msg_hdr hdr;
	void *payload;
};

/* The path a client uses: the option, else $NFVPN_SOCKET, else the default. */
const char *nfv_client_socket_path(const char *opt);

/* Connects to path. Returns 0 or -errno with c->err set. */
int nfv_client_open(struct nfv_client *c, const char *path);
void nfv_client_close(struct nfv_client *c);

/*
 * Sends a request and waits for its response. On success returns 0 and, if
 * resp is not NULL, the response payload in *resp (free() it) and its size
 * in *resp_len. A server error returns its -errno status with its text in
 * c->err; a local or protocol error returns -errno with c->err set too.
 */
int nfv_client_request(struct nfv_client *c, uint16_t type, const void *req,
		       uint32_t req_len, void **resp, uint32_t *resp_len);

/*
 * A list request: checks the nfv_msg_list header and returns count records
 * of rec_size bytes each in *recs (free() it), whatever record_size the
 * server uses: longer records are cut, shorter ones zero-filled.
 */
int nfv_client_list(struct nfv_client *c, uint16_t type, size_t rec_size,
		    void **recs, uint32_t *count);

/*
 * The next NFV_MSG_QUEUE_PACKET of this connection, kept or read within
 * timeout_ms (-1: no limit). Returns 0 with *pkt (free() it) and *len,
 * -ETIMEDOUT, -EINTR when a signal came, or another -errno.
 */
int nfv_client_recv_packet(struct nfv_client *c, int timeout_ms,
			   struct nfv_msg_queue_packet **pkt, uint32_t *len);

/*
 * A ruleset, the nf_tables netlink messages of a dump (the mirror's, or
 * nft text compiled by nfvpnd), as LOAD_BEGIN, LOAD_DATA chunks and
 * LOAD_COMMIT. source is enum nfv_msg_filter_source; origin is what
 * nfvpnctl filter shows. Returns as nfv_client_request().
 */
int nfv_client_filter_load(struct nfv_client *c, const void *msgs, size_t len,
			   uint8_t source, const char *origin);
/*
 * The same requests as one undo group of the nfvpnd transaction open on c
 * (NFV_MSG_TXN_UNDO each, for the change that follows).
 */
int nfv_client_filter_load_undo(struct nfv_client *c, const void *msgs, size_t len,
				uint8_t source, const char *origin);
/*
 * nfv_client_filter_load() in two steps, for a transaction whose change
 * is the commit alone: its undo group goes between them.
 */
int nfv_client_filter_stage(struct nfv_client *c, const void *msgs, size_t len,
			    uint32_t *txn);
int nfv_client_filter_commit(struct nfv_client *c, uint32_t txn, uint8_t source,
			     const char *origin);

/* Low level, for tests and nfvpnd: one whole message, or -errno. */
int nfv_client_send(struct nfv_client *c, uint16_t type, uint32_t seq,
		    const void *payload, uint32_t len);
int nfv_client_recv(struct nfv_client *c, int timeout_ms,
		    struct nfv_client_msg *m);

#endif
