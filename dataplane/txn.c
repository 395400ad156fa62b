/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transactions. Changes are applied as they come (each one is published to
 * the workers the way it always is), and the client hands over, before
 * each change, the requests that reverse it. Undoing replays those through
 * the normal request handler on a private socket pair, so every module's
 * changes roll back without the module knowing about transactions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp.h"
#include "events.h"
#include "log.h"
#include "mgmt.h"
#include "txn.h"

struct undo_step {
	uint16_t type;
	uint32_t len;
	uint8_t *payload;
};

struct undo_group {
	unsigned int n;
	struct undo_step *s;
};

struct nfv_txn {
	int fd;			/* owner connection, -1: none */
	uint64_t begin_gen;
	uint32_t changes;
	struct undo_group armed;	/* for the next change */
	struct undo_group *groups;
	unsigned int nb, cap;
};

/* An SA's undo holds its keys: wiped before it is freed. */
static void group_free(struct undo_group *g)
{
	for (unsigned int i = 0; i < g->n; i++) {
		explicit_bzero(g->s[i].payload, g->s[i].len);
		free(g->s[i].payload);
	}
	free(g->s);
	g->s = NULL;
	g->n = 0;
}

static void txn_clear(struct nfv_txn *t)
{
	group_free(&t->armed);
	for (unsigned int i = 0; i < t->nb; i++)
		group_free(&t->groups[i]);
	free(t->groups);
	t->groups = NULL;
	t->nb = t->cap = 0;
	t->changes = 0;
	t->fd = -1;
}

static struct nfv_txn *txn_of(struct nfv_dp *dp, const struct nfv_mgmt_conn *c)
{
	return dp->txn != NULL && dp->txn->fd == c->fd ? dp->txn : NULL;
}

int nfv_txn_begin(struct nfv_dp *dp, struct nfv_mgmt_conn *c, uint64_t expect,
		  struct nfv_msg_txn *out)
{
	if (dp->txn == NULL) {
		dp->txn = calloc(1, sizeof(*dp->txn));
		if (dp->txn == NULL)
			return -ENOMEM;
		dp->txn->fd = -1;
	}
	if (dp->txn->fd >= 0)
		return -EBUSY;
	if (expect != 0 && expect != dp->generation)
		return -ESTALE;
	dp->txn->fd = c->fd;
	dp->txn->begin_gen = dp->generation;
	out->generation = dp->generation;
	return 0;
}

int nfv_txn_undo(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		 const struct nfv_msg_txn_undo *u, uint32_t len)
{
	struct nfv_txn *t = txn_of(dp, c);
	struct undo_step *s;

	if (t == NULL)
		return -ENOENT;
	if (len < sizeof(*u) || u->len > len - sizeof(*u))
		return -EINVAL;
	s = realloc(t->armed.s, (t->armed.n + 1) * sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	t->armed.s = s;
	s = &s[t->armed.n];
	s->type = u->type;
	s->len = u->len;
	s->payload = malloc(u->len ? u->len : 1);
	if (s->payload == NULL)
		return -ENOMEM;
	memcpy(s->payload, u->payload, u->len);
	t->armed.n++;
	return 0;
}

void nfv_txn_after(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		   const struct nfv_msg_hdr *h, int ret)
{
	struct nfv_txn *t = txn_of(dp, c);
	struct undo_group *g;

	if (t == NULL || t->armed.n == 0 || h->type == NFV_MSG_TXN_UNDO ||
	    h->type == NFV_MSG_TXN_BEGIN)
		return;
	if (ret < 0)
		goto drop;
	if (t->nb == t->cap) {
		unsigned int cap = t->cap ? 2 * t->cap : 16;

		g = realloc(t->groups, cap * sizeof(*g));
		if (g == NULL) {
			/* cannot be undone: make the commit impossible instead */
			NFV_LOG(ERR, "transaction: out of memory for undo, will abort");
			t->changes = UINT32_MAX;
			goto drop;
		}
		t->groups = g;
		t->cap = cap;
	}
	t->groups[t->nb++] = t->armed;
	t->armed = (struct undo_group){ 0 };
	if (t->changes != UINT32_MAX)
		t->changes++;
	return;
drop:
	group_free(&t->armed);
}

/* Runs one request through the handler; returns its status. */
static int replay(struct nfv_dp *dp, const struct undo_step *s)
{
	struct nfv_msg_hdr h = {
		.len = s->len, .type = s->type, .version = NFV_MSG_VERSION, .seq = 1,
	};
	struct nfv_msg_hdr rh = { .status = -EIO };
	struct nfv_mgmt_conn *fake;
	int sv[2];

	fake = calloc(1, sizeof(*fake));
	if (fake == NULL)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(fake);
		return -errno;
	}
	fake->fd = sv[0];
	fake->listen_queue = -1;
	nfv_mgmt_handle(dp, fake, &h, s->payload);
	if (recv(sv[1], &rh, sizeof(rh), MSG_DONTWAIT) != (ssize_t)sizeof(rh))
		rh.status = -EIO;
	close(sv[0]);
	close(sv[1]);
	free(fake);
	return rh.status;
}

/* Newest change first, so each undo finds the state its change left. */
static uint32_t rollback(struct nfv_dp *dp, struct nfv_txn *t)
{
	uint32_t failed = 0;

	group_free(&t->armed);
	for (unsigned int g = t->nb; g-- > 0;) {
		for (unsigned int i = 0; i < t->groups[g].n; i++) {
			int ret = replay(dp, &t->groups[g].s[i]);

			if (ret < 0) {
				failed++;
				NFV_LOG(ERR, "transaction: undo step %u of change %u (type %u): %s",
					i, g, t->groups[g].s[i].type, strerror(-ret));
			}
		}
	}
	dp->generation = t->begin_gen;
	return failed;
}

int nfv_txn_commit(struct nfv_dp *dp, struct nfv_mgmt_conn *c, struct nfv_msg_txn *out)
{
	struct nfv_txn *t = txn_of(dp, c);

	if (t == NULL)
		return -ENOENT;
	if (t->changes == UINT32_MAX) {
		out->undo_failed = rollback(dp, t);
		txn_clear(t);
		return -ENOMEM;
	}
	/* the changes bumped it once each: the batch is one generation */
	if (dp->generation != t->begin_gen) {
		dp->generation = t->begin_gen + 1;
		nfv_event_push(dp, NFV_EVENT_GENERATION, UINT16_MAX, dp->generation, "dataplane");
	}
	out->generation = dp->generation;
	out->changes = t->changes;
	txn_clear(t);
	return 0;
}

int nfv_txn_abort(struct nfv_dp *dp, struct nfv_mgmt_conn *c, struct nfv_msg_txn *out)
{
	struct nfv_txn *t = txn_of(dp, c);

	if (t == NULL)
		return -ENOENT;
	out->changes = t->nb;
	out->undo_failed = rollback(dp, t);
	out->generation = dp->generation;
	txn_clear(t);
	return 0;
}

void nfv_txn_conn_closed(struct nfv_dp *dp, struct nfv_mgmt_conn *c)
{
	struct nfv_txn *t = txn_of(dp, c);
	uint32_t failed;

	if (t == NULL)
		return;
	NFV_LOG(WARNING, "transaction: owner went away, undoing %u changes", t->nb);
	failed = rollback(dp, t);
	if (failed)
		NFV_LOG(ERR, "transaction: %u undo steps failed", failed);
	txn_clear(t);
}

void nfv_txn_fini(struct nfv_dp *dp)
{
	if (dp->txn == NULL)
		return;
	txn_clear(dp->txn);
	free(dp->txn);
	dp->txn = NULL;
}
