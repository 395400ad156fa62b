/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One version of the table to the dataplane: LOAD_BEGIN, the messages in
 * chunks of at most NFV_MSG_FILTER_CHUNK_MAX bytes, LOAD_COMMIT. The
 * dataplane compiles at commit and keeps its running ruleset on error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror_priv.h"
#include "nfv_policy_filter.h"

static int connect_dp(struct nfv_mirror *m)
{
	int ret;

	if (m->connected)
		return 0;
	ret = nfv_client_open(&m->client, m->socket);
	if (ret < 0)
		return ret;
	m->connected = true;
	return 0;
}

static void disconnect_dp(struct nfv_mirror *m)
{
	if (m->connected)
		nfv_client_close(&m->client);
	m->connected = false;
}

static int transfer(struct nfv_mirror *m, const struct nfv_mirror_buf *b)
{
	struct {
		struct nfv_msg_filter_data h;
		uint8_t data[NFV_MSG_FILTER_CHUNK_MAX];
	} chunk;
	struct nfv_msg_filter_commit cm = { 0 };
	struct nfv_msg_filter_txn *t;
	uint32_t len;
	void *resp;
	int ret;

	ret = nfv_client_request(&m->client, NFV_MSG_FILTER_LOAD_BEGIN, NULL, 0, &resp, &len);
	if (ret < 0)
		return ret;
	if (len < sizeof(*t)) {
		free(resp);
		snprintf(m->client.err, sizeof(m->client.err), "short LOAD_BEGIN answer");
		return -EPROTO;
	}
	t = resp;
	chunk.h.txn = cm.txn = t->txn;
	free(resp);
	for (size_t off = 0; off < b->len; off += chunk.h.len) {
		chunk.h.len = b->len - off < NFV_MSG_FILTER_CHUNK_MAX ?
			      b->len - off : NFV_MSG_FILTER_CHUNK_MAX;
		memcpy(chunk.data, b->p + off, chunk.h.len);
		ret = nfv_client_request(&m->client, NFV_MSG_FILTER_LOAD_DATA, &chunk,
					 sizeof(chunk.h) + chunk.h.len, NULL, NULL);
		if (ret < 0)
			return ret;
	}
	snprintf(cm.origin, sizeof(cm.origin), "mirror %s %.100s",
		 nfv_policy_filter_family_name(m->family), m->table);
	return nfv_client_request(&m->client, NFV_MSG_FILTER_LOAD_COMMIT, &cm, sizeof(cm),
				  NULL, NULL);
}

int mirror_push(struct nfv_mirror *m, const struct nfv_mirror_buf *b)
{
	int ret = connect_dp(m);

	if (ret == 0) {
		ret = transfer(m, b);
		/* the server answered: a refusal is final for this version */
		if (ret < 0 && !m->client.broken && ret != -EPIPE && ret != -ECONNRESET) {
			m->pending = false;
			snprintf(m->st.last_error, sizeof(m->st.last_error), "dataplane: %s",
				 m->client.err);
			return ret;
		}
	}
	if (ret < 0) {
		/* the dataplane is away: try again later */
		snprintf(m->st.last_error, sizeof(m->st.last_error), "dataplane %s: %s",
			 m->socket, m->client.err[0] ? m->client.err : strerror(-ret));
		disconnect_dp(m);
		m->pending = true;
		return ret;
	}
	m->pending = false;
	return 0;
}
