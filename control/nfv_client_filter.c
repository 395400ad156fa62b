/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A ruleset to the dataplane: LOAD_BEGIN, the messages in chunks of at
 * most NFV_MSG_FILTER_CHUNK_MAX bytes, LOAD_COMMIT. The dataplane compiles
 * at commit and keeps its running ruleset on error. Sent as it is, or
 * wrapped in TXN_UNDO requests, to be replayed if a transaction aborts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_client.h"

struct load {
	struct nfv_client *c;
	bool undo;
	uint8_t *req;		/* the request's payload, in buf */
	/* the largest request: a chunk, behind a TXN_UNDO header when undo */
	_Alignas(8) uint8_t buf[sizeof(struct nfv_msg_txn_undo) +
				sizeof(struct nfv_msg_filter_data) + NFV_MSG_FILTER_CHUNK_MAX];
};

static int load_send(struct load *l, uint16_t type, uint32_t len, void **resp, uint32_t *rlen)
{
	struct nfv_msg_txn_undo *u = (struct nfv_msg_txn_undo *)l->buf;

	if (!l->undo)
		return nfv_client_request(l->c, type, l->req, len, resp, rlen);
	u->type = type;
	u->pad = 0;
	u->len = len;
	return nfv_client_request(l->c, NFV_MSG_TXN_UNDO, u, sizeof(*u) + len, NULL, NULL);
}

/* The transaction number; an undo group cannot know it yet. */
static int begin(struct load *l, uint32_t *txn)
{
	struct nfv_msg_filter_txn *t = NULL;
	uint32_t len = 0;
	int ret;

	*txn = NFV_MSG_FILTER_TXN_OPEN;
	if (l->undo)
		return load_send(l, NFV_MSG_FILTER_LOAD_BEGIN, 0, NULL, NULL);
	ret = load_send(l, NFV_MSG_FILTER_LOAD_BEGIN, 0, (void **)&t, &len);
	if (ret < 0)
		return ret;
	if (len < sizeof(*t)) {
		free(t);
		snprintf(l->c->err, sizeof(l->c->err), "short LOAD_BEGIN answer");
		return -EPROTO;
	}
	*txn = t->txn;
	free(t);
	return 0;
}

static struct load *load_new(struct nfv_client *c, bool undo)
{
	struct load *l = malloc(sizeof(*l));

	if (l == NULL)
		return NULL;
	l->c = c;
	l->undo = undo;
	l->req = undo ? l->buf + sizeof(struct nfv_msg_txn_undo) : l->buf;
	return l;
}

static int stage(struct load *l, const void *msgs, size_t len, uint32_t *txn)
{
	struct nfv_msg_filter_data *d = (struct nfv_msg_filter_data *)l->req;
	uint32_t n;
	int ret;

	ret = begin(l, txn);
	for (size_t off = 0; ret == 0 && off < len; off += n) {
		n = len - off < NFV_MSG_FILTER_CHUNK_MAX ? len - off : NFV_MSG_FILTER_CHUNK_MAX;
		d->txn = *txn;
		d->len = n;
		memcpy(d->data, (const uint8_t *)msgs + off, n);
		ret = load_send(l, NFV_MSG_FILTER_LOAD_DATA, sizeof(*d) + n, NULL, NULL);
	}
	return ret;
}

static int commit(struct load *l, uint32_t txn, uint8_t source, const char *origin)
{
	struct nfv_msg_filter_commit *cm = (struct nfv_msg_filter_commit *)l->req;

	memset(cm, 0, sizeof(*cm));
	cm->txn = txn;
	cm->source = source;
	snprintf(cm->origin, sizeof(cm->origin), "%s", origin);
	return load_send(l, NFV_MSG_FILTER_LOAD_COMMIT, sizeof(*cm), NULL, NULL);
}

static int load(struct nfv_client *c, bool undo, const void *msgs, size_t len,
		uint8_t source, const char *origin)
{
	struct load *l = load_new(c, undo);
	uint32_t txn;
	int ret;

	if (l == NULL)
		return -ENOMEM;
	ret = stage(l, msgs, len, &txn);
	if (ret == 0)
		ret = commit(l, txn, source, origin);
	free(l);
	return ret;
}

int nfv_client_filter_load(struct nfv_client *c, const void *msgs, size_t len,
			   uint8_t source, const char *origin)
{
	return load(c, false, msgs, len, source, origin);
}

int nfv_client_filter_load_undo(struct nfv_client *c, const void *msgs, size_t len,
				uint8_t source, const char *origin)
{
	return load(c, true, msgs, len, source, origin);
}

int nfv_client_filter_stage(struct nfv_client *c, const void *msgs, size_t len,
			    uint32_t *txn)
{
	struct load *l = load_new(c, false);
	int ret;

	if (l == NULL)
		return -ENOMEM;
	ret = stage(l, msgs, len, txn);
	free(l);
	return ret;
}

int nfv_client_filter_commit(struct nfv_client *c, uint32_t txn, uint8_t source,
			     const char *origin)
{
	struct load *l = load_new(c, false);
	int ret;

	if (l == NULL)
		return -ENOMEM;
	ret = commit(l, txn, source, origin);
	free(l);
	return ret;
}
