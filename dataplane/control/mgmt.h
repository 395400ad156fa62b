/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management socket: a Unix stream socket served by the main lcore,
 * mode 0600 and peer credentials checked (root or our own user only).
 * Messages are those of config/nfv_msg.h.
 */
#ifndef NFV_MGMT_H
#define NFV_MGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "nfv_msg.h"

struct nfv_dp;

#define NFV_MGMT_MAX_CONNS 64
#define NFV_MGMT_IDLE_S_DEFAULT 60	/* --idle-timeout */

/* A growable response payload. */
struct nfv_buf {
	uint8_t *p;
	size_t len, cap;
	int err;	/* sticky -ENOMEM */
};

void *nfv_buf_put(struct nfv_buf *b, size_t len);	/* zeroed room, or NULL */
void nfv_buf_fini(struct nfv_buf *b);

/*
 * The main lcore never waits for a client: responses and events go out
 * with non-blocking sends, what the socket does not take waits in the
 * connection's output queue. A client whose queue passes
 * NFV_MGMT_OUT_SOFT is not read until it drains (its requests wait, the
 * others are served); one past NFV_MGMT_OUT_MAX (an events subscriber or
 * queue listener that stopped reading) is dropped and counted.
 */
#define NFV_MGMT_OUT_SOFT (256u << 10)
#define NFV_MGMT_OUT_MAX (8u << 20)

struct nfv_mgmt_conn {
	int fd;
	int listen_queue;	/* queue number this client listens to, or -1 */
	bool subscribed;	/* events: idle by design, never timed out */
	bool dead;		/* fell behind: closed at the next poll */
	bool corked;		/* answers wait until the batch is published */
	uint64_t last_tsc;	/* the last request handled */
	uint8_t *out;		/* output queue: out[out_off..out_len) unsent */
	size_t out_off, out_len, out_cap;
	size_t rlen;
	uint8_t rbuf[4096 + sizeof(struct nfv_msg_hdr)];
};

struct nfv_mgmt {
	int lfd;
	char path[108];
	unsigned int nb_conns;
	struct nfv_mgmt_conn conns[NFV_MGMT_MAX_CONNS];
	uint64_t idle_tsc;	/* a plain client idle this long is closed */
	uint64_t refused;	/* peers that were not allowed */
	uint64_t slow_dropped;	/* clients dropped: output queue full */
	uint64_t idle_closed;	/* clients closed: idle past the timeout */
	uint64_t evicted;	/* idle clients closed for a new one at the limit */
	uint64_t over_limit;	/* clients refused: every slot busy */
};

/*
 * A request handler: sends its response itself (nfv_mgmt_send, _reply or
 * _error) and returns 0 or the -errno it reported. c is NULL when a
 * transaction's undo replays a request: nothing is sent then.
 */
typedef int (*nfv_mgmt_handler_fn)(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
				   const struct nfv_msg_hdr *h, const void *payload);

/*
 * A listing (routes, SAs, hook entries, counters...): the response is a
 * struct nfv_msg_list and one record per row. A feature writes only the
 * walk of its table, which fills one record of nfv_mgmt_row() per row it
 * lists; the list header, the count, running out of memory and the reply
 * are nfv_mgmt_list()'s. A walk returns 0 or -errno; why, when the walk
 * writes it, is the error's text (else strerror).
 */
struct nfv_mgmt_rows {
	struct nfv_buf b;	/* the list header, then the records */
	char why[128];
};

typedef int (*nfv_mgmt_list_fn)(struct nfv_dp *dp, struct nfv_mgmt_rows *rows);

/* The next record, zeroed and counted; NULL when out of memory (the walk
 * returns -ENOMEM, or goes on: the reply is the error all the same). */
void *nfv_mgmt_row(struct nfv_mgmt_rows *rows);

struct nfv_mgmt_handler {
	uint16_t type;		/* NFV_MSG_* */
	uint16_t min_len;	/* shorter payloads are refused before fn */
	bool changes;		/* changes state: may be replayed as an undo */
	const char *name;
	nfv_mgmt_handler_fn fn;
	/* a listing's (NFV_MGMT_LISTING): fn is nfv_mgmt_list */
	nfv_mgmt_list_fn list;
	uint32_t record_size;
};

/* The handler of every listing: runs the type's walk, replies the list. */
int nfv_mgmt_list(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		  const struct nfv_msg_hdr *h, const void *payload);

/* A listing's row of a handler table: no payload, changes nothing, its
 * records are struct record, walk fills them. */
#define NFV_MGMT_LISTING(type_, name_, record, walk)			\
	{ .type = (type_), .name = (name_), .fn = nfv_mgmt_list,	\
	  .list = (walk), .record_size = sizeof(record) }

#define NFV_MGMT_MAX_TYPES 128

/* Each control file registers its handlers; a type is handled once. */
void nfv_mgmt_register(const struct nfv_mgmt_handler *h, unsigned int n);

#define NFV_MGMT_HANDLERS(tbl) \
	RTE_INIT(nfv_mgmt_handlers_##tbl) { nfv_mgmt_register(tbl, RTE_DIM(tbl)); }

/* The handler of type, or NULL. */
const struct nfv_mgmt_handler *nfv_mgmt_handler(uint16_t type);
/* Checks and runs one request (c NULL: a replay, see above). */
int nfv_mgmt_dispatch(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		      const struct nfv_msg_hdr *h, const void *payload);
/* Sends b as the response, or the error ret (or b's), and frees b. */
int nfv_mgmt_reply(struct nfv_mgmt_conn *c, const struct nfv_msg_hdr *h,
		   struct nfv_buf *b, int ret);

/*
 * The socket itself is a control module (mgmt.c): it replaces and binds
 * dp->socket_path, whose lock main() holds (nfv_sock_lock).
 */
/* The connection on fd, or NULL. */
struct nfv_mgmt_conn *nfv_mgmt_conn_by_fd(struct nfv_dp *dp, int fd);
/* Serves clients for up to timeout_ms. */
void nfv_mgmt_poll(struct nfv_dp *dp, int timeout_ms);
/* Queues one message (sent now where the socket takes it); -errno when
 * the peer is gone or fell behind. */
int nfv_mgmt_send(struct nfv_mgmt_conn *c, uint16_t type, uint32_t seq,
		  int32_t status, const void *payload, size_t len);
/*
 * Answers a request that was carried out: returns 0 whatever the send did,
 * since the handler's status is the change's (a transaction keeps the undo
 * of a change whose client went away; the peer is closed at the next poll).
 */
int nfv_mgmt_ok(struct nfv_mgmt_conn *c, const struct nfv_msg_hdr *h);
/* Sends an NFV_MSG_ERROR with a printf-style message. */
int nfv_mgmt_error(struct nfv_mgmt_conn *c, uint32_t seq, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
