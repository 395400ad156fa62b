/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transactions. Changes are applied as they come (published to the workers
 * once per batch of requests, mgmt.c), and the client hands over, before
 * each change, the requests that reverse it. Undoing replays those through
 * the request's registered handler with no connection (nothing is sent),
 * so every module's changes roll back without the module knowing about
 * transactions. Only state-changing requests may be undo steps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "dp.h"
#include "events.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
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
	int expired_fd;		/* the owner whose transaction timed out */
	uint64_t last_tsc;	/* the owner's last request */
	uint64_t timeouts;
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
	return dp->txn != NULL && c != NULL && dp->txn->fd == c->fd ? dp->txn : NULL;
}

int nfv_txn_begin(struct nfv_dp *dp, struct nfv_mgmt_conn *c, uint64_t expect,
		  struct nfv_msg_txn *out)
{
	if (dp->txn == NULL) {
		dp->txn = calloc(1, sizeof(*dp->txn));
		if (dp->txn == NULL)
			return -ENOMEM;
		dp->txn->fd = -1;
		dp->txn->expired_fd = -1;
	}
	if (dp->txn->fd >= 0)
		return -EBUSY;
	if (expect != 0 && expect != dp->generation)
		return -ESTALE;
	dp->txn->fd = c->fd;
	dp->txn->expired_fd = -1;
	dp->txn->last_tsc = rte_rdtsc();
	dp->txn->begin_gen = dp->generation;
	out->generation = dp->generation;
	return 0;
}

int nfv_txn_undo(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		 const struct nfv_msg_txn_undo *u, uint32_t len)
{
	struct nfv_txn *t = txn_of(dp, c);
	const struct nfv_mgmt_handler *hd;
	struct undo_step *s;

	if (t == NULL)
		return -ENOENT;
	if (len < sizeof(*u) || u->len > len - sizeof(*u))
		return -EINVAL;
	hd = nfv_mgmt_handler(u->type);
	if (hd == NULL || !hd->changes)
		return -EPERM;
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
	const struct nfv_mgmt_handler *hd = nfv_mgmt_handler(h->type);
	struct nfv_txn *t = txn_of(dp, c);
	struct undo_group *g;

	if (t == NULL)
		return;
	t->last_tsc = rte_rdtsc();
	/*
	 * The armed steps are the next change request's: one that changes
	 * nothing (TXN_UNDO itself, a listing, an unknown type) leaves them.
	 */
	if (t->armed.n == 0 || hd == NULL || !hd->changes)
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

/* Runs one request through its handler; returns its status. */
static int replay(struct nfv_dp *dp, const struct undo_step *s)
{
	struct nfv_msg_hdr h = {
		.len = s->len, .type = s->type, .version = NFV_MSG_VERSION, .seq = 1,
	};

	return nfv_mgmt_dispatch(dp, NULL, &h, s->payload);
}

/*
 * Newest change first, so each undo finds the state its change left. The
 * steps are one batch: the caller's batch end publishes them once.
 */
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

static void txn_conn_closed(struct nfv_dp *dp, struct nfv_mgmt_conn *c)
{
	struct nfv_txn *t = txn_of(dp, c);
	uint32_t failed;

	if (dp->txn != NULL && dp->txn->expired_fd == c->fd)
		dp->txn->expired_fd = -1;	/* the fd number will be reused */

	if (t == NULL)
		return;
	NFV_LOG(WARNING, "transaction: owner went away, undoing %u changes", t->nb);
	failed = rollback(dp, t);
	nfv_ctl_modules_batch_end(dp);
	if (failed)
		NFV_LOG(ERR, "transaction: %u undo steps failed", failed);
	txn_clear(t);
}

bool nfv_txn_expired(const struct nfv_dp *dp, const struct nfv_mgmt_conn *c)
{
	return dp->txn != NULL && c != NULL && dp->txn->expired_fd == c->fd;
}

bool nfv_txn_owner(struct nfv_dp *dp, const struct nfv_mgmt_conn *c)
{
	return txn_of(dp, c) != NULL;
}

uint64_t nfv_txn_timeouts(const struct nfv_dp *dp)
{
	return dp->txn != NULL ? dp->txn->timeouts : 0;
}

/*
 * An owner that stops sending for --txn-timeout seconds would block every
 * other change: its transaction rolls back, as if it had gone away.
 */
static void txn_timer(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_txn *t = dp->txn;
	uint32_t failed;

	if (t == NULL || t->fd < 0 || dp->txn_timeout_s == 0 ||
	    now - t->last_tsc < dp->txn_timeout_s * rte_get_tsc_hz())
		return;
	NFV_LOG(WARNING, "transaction: owner silent for %u s, undoing %u changes",
		dp->txn_timeout_s, t->nb);
	failed = rollback(dp, t);
	nfv_ctl_modules_batch_end(dp);
	if (failed)
		NFV_LOG(ERR, "transaction: %u undo steps failed", failed);
	t->expired_fd = t->fd;
	txn_clear(t);
	t->timeouts++;
}

static void txn_fini(struct nfv_dp *dp)
{
	if (dp->txn == NULL)
		return;
	txn_clear(dp->txn);
	free(dp->txn);
	dp->txn = NULL;
}

static int reply_txn(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		     const struct nfv_msg_hdr *h, const struct nfv_msg_txn *t, int ret)
{
	const struct nfv_txn *x = dp->txn;

	if (ret == -ENOENT && x != NULL && c != NULL && x->expired_fd == c->fd)
		return nfv_mgmt_error(c, h->seq, ret, "the transaction timed out (its owner was "
				      "silent for %u s) and was rolled back", dp->txn_timeout_s);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s",
				      ret == -ENOENT ? "no transaction is open on this connection" :
				      strerror(-ret));
	return nfv_mgmt_send(c, h->type, h->seq, 0, t, sizeof(*t));
}

static int handle_begin(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_txn t = { 0 };
	int ret;

	if (h->len >= sizeof(t))
		memcpy(&t, payload, sizeof(t));
	ret = nfv_txn_begin(dp, c, t.expect, &t);
	if (ret == -EBUSY)
		return nfv_mgmt_error(c, h->seq, ret, "another transaction is open");
	if (ret == -ESTALE)
		return nfv_mgmt_error(c, h->seq, ret, "generation is %lu, not %lu: diff again",
				      (unsigned long)dp->generation, (unsigned long)t.expect);
	return reply_txn(dp, c, h, &t, ret);
}

static int handle_undo(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		       const struct nfv_msg_hdr *h, const void *payload)
{
	int ret = nfv_txn_undo(dp, c, payload, h->len);

	if (ret == -EPERM)
		return nfv_mgmt_error(c, h->seq, ret, "an undo step must be a change request");
	if (ret < 0)
		return reply_txn(dp, c, h, NULL, ret);
	return nfv_mgmt_send(c, h->type, h->seq, 0, NULL, 0);
}

static int handle_commit(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			 const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_txn t = { 0 };

	return reply_txn(dp, c, h, &t, nfv_txn_commit(dp, c, &t));
}

static int handle_abort(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_txn t = { 0 };

	return reply_txn(dp, c, h, &t, nfv_txn_abort(dp, c, &t));
}

static const struct nfv_mgmt_handler txn_handlers[] = {
	{ NFV_MSG_TXN_BEGIN, 0, false, "transaction begin", handle_begin },
	{ NFV_MSG_TXN_UNDO, 0, false, "transaction undo", handle_undo },
	{ NFV_MSG_TXN_COMMIT, 0, false, "transaction commit", handle_commit },
	{ NFV_MSG_TXN_ABORT, 0, false, "transaction abort", handle_abort },
};
NFV_MGMT_HANDLERS(txn_handlers);

static struct nfv_ctl_module txn_module = {
	.name = "transactions",
	.order = NFV_CTL_ORDER_MGMT,
	.timer = txn_timer,
	.conn_closed = txn_conn_closed,
	.fini = txn_fini,
};
NFV_CTL_MODULE(txn_module);
