/* SPDX-License-Identifier: BSD-3-Clause */
/* Management requests of nfvpnd (64..79): transactions, events, built-ins. */
#include <errno.h>
#include <string.h>

#include "builtin.h"
#include "dp.h"
#include "events.h"
#include "mgmt.h"
#include "trace_ctl.h"
#include "txn.h"

static int reply_txn(struct nfv_mgmt_conn *c, const struct nfv_msg_hdr *h,
		     const struct nfv_msg_txn *t)
{
	return nfv_mgmt_send(c, h->type, h->seq, 0, t, sizeof(*t));
}

int nfv_mgmt_nfvpnd(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		    const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_txn t = { 0 };
	struct nfv_buf b = { 0 };
	int ret;

	switch (h->type) {
	case NFV_MSG_TXN_BEGIN:
		if (h->len >= sizeof(t))
			memcpy(&t, payload, sizeof(t));
		ret = nfv_txn_begin(dp, c, t.expect, &t);
		if (ret == -EBUSY)
			return nfv_mgmt_error(c, h->seq, ret, "another transaction is open");
		if (ret == -ESTALE)
			return nfv_mgmt_error(c, h->seq, ret,
					      "generation is %lu, not %lu: diff again",
					      (unsigned long)dp->generation,
					      (unsigned long)t.expect);
		break;
	case NFV_MSG_TXN_UNDO:
		ret = nfv_txn_undo(dp, c, payload, h->len);
		if (ret == 0)
			return nfv_mgmt_send(c, h->type, h->seq, 0, NULL, 0);
		break;
	case NFV_MSG_TXN_COMMIT:
		ret = nfv_txn_commit(dp, c, &t);
		break;
	case NFV_MSG_TXN_ABORT:
		ret = nfv_txn_abort(dp, c, &t);
		break;
	case NFV_MSG_EVENTS:
		ret = nfv_events_subscribe(dp, c);
		if (ret == 0)
			return nfv_mgmt_send(c, h->type, h->seq, 0, NULL, 0);
		break;
	case NFV_MSG_BUILTINS:
		ret = nfv_builtin_list(dp, &b);
		if (ret == 0 && b.err == 0) {
			ret = nfv_mgmt_send(c, h->type, h->seq, 0, b.p, b.len);
			nfv_buf_fini(&b);
			return ret;
		}
		ret = ret ? ret : b.err;
		nfv_buf_fini(&b);
		break;
	case NFV_MSG_TRACE: {
		struct nfv_msg_trace tq = { 0 };
		char why[128] = "";

		memcpy(&tq, payload, RTE_MIN((size_t)h->len, sizeof(tq)));
		ret = nfv_trace_ctl_start(dp, &tq, why, sizeof(why));
		if (ret < 0)
			return nfv_mgmt_error(c, h->seq, ret, "%s", why[0] ? why : strerror(-ret));
		return nfv_mgmt_send(c, h->type, h->seq, 0, NULL, 0);
	}
	default:
		return nfv_mgmt_error(c, h->seq, -EOPNOTSUPP, "unknown request type %u", h->type);
	}
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s",
				      ret == -ENOENT ? "no transaction is open on this connection" :
				      strerror(-ret));
	return reply_txn(c, h, &t);
}
