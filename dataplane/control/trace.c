/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trace on the control side. One trace at a time; it is armed until
 * every worker has spent its budget or NFV_MSG_TRACE_MAX_S passed, then
 * disarmed (a grace period: no worker writes any more), drained, freed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <rte_cycles.h>

#include "dp.h"
#include "events.h"
#include "nfv_hook.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_drop.h"
#include "nfv_trace.h"

static void trace_run(struct nfv_dp *dp, uint64_t now);

static void trace_end(struct nfv_dp *dp)
{
	if (dp->trace == NULL)
		return;
	nfv_trace_disarm(dp->hooks);
	trace_run(dp, rte_rdtsc());	/* what was written before the grace period */
	nfv_trace_destroy(dp->trace);
	dp->trace = NULL;
}

static int trace_start(struct nfv_dp *dp, const struct nfv_msg_trace *req,
		       char *why, size_t len)
{
	struct nfv_trace_match m = {
		.family = req->family, .proto = req->proto, .dport = req->dport,
		.src_len = req->src_len, .dst_len = req->dst_len,
	};
	struct nfv_trace *tr;

	if (req->count == 0) {
		trace_end(dp);
		return 0;
	}
	/* a refused request leaves the running trace as it is */
	if ((req->family != AF_INET && req->family != AF_INET6 &&
	     (req->family || req->src_len || req->dst_len)) ||
	    req->src_len > (req->family == AF_INET ? 32 : 128) ||
	    req->dst_len > (req->family == AF_INET ? 32 : 128)) {
		snprintf(why, len, "malformed trace match");
		return -EINVAL;
	}
	memcpy(m.src, req->src, sizeof(m.src));
	memcpy(m.dst, req->dst, sizeof(m.dst));
	tr = nfv_trace_create(&m, req->count, dp->nb_workers);
	if (tr == NULL) {
		snprintf(why, len, "cannot start a trace of %u packets per worker", req->count);
		return -EINVAL;
	}
	trace_end(dp);		/* one trace at a time: the new one replaces it */
	dp->trace = tr;
	dp->trace_deadline = rte_rdtsc() + NFV_MSG_TRACE_MAX_S * rte_get_tsc_hz();
	nfv_trace_arm(dp->hooks, tr);
	return 0;
}

static const char *verdict_text(uint32_t v, char *buf, size_t len)
{
	const char *n = nfv_verdict_name(NFV_VERDICT(v));

	if (NFV_VERDICT(v) == NFV_DROP && NFV_VERDICT_ARG(v))
		snprintf(buf, len, "%s (%s)", n, nfv_drop_reason_name(NFV_VERDICT_ARG(v)));
	else if (NFV_VERDICT(v) == NFV_QUEUE)
		snprintf(buf, len, "%s %u", n, NFV_VERDICT_ARG(v) & 0x7fff);
	else
		snprintf(buf, len, "%s", n);
	return buf;
}

static void send_rec(struct nfv_dp *dp, const struct nfv_trace_rec *r, uint64_t time_ns)
{
	char s[INET6_ADDRSTRLEN + 6], d[INET6_ADDRSTRLEN + 6], v[64], h[48];
	char why[sizeof(r->why) + 4] = "";
	struct nfv_msg_event e = {
		.time_ns = time_ns, .type = NFV_EVENT_TRACE, .worker = r->worker,
		.value = r->id,
	};
	int fam = r->family == AF_INET6 ? AF_INET6 : AF_INET;

	snprintf(e.object, sizeof(e.object), "%s", r->entry);
	inet_ntop(fam, r->src, s, INET6_ADDRSTRLEN);
	inet_ntop(fam, r->dst, d, INET6_ADDRSTRLEN);
	/* ports only for the protocols that have them (not ESP, ICMP, ...) */
	if (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP || r->proto == IPPROTO_SCTP) {
		snprintf(s + strlen(s), 7, ":%u", r->sport);
		snprintf(d + strlen(d), 7, ":%u", r->dport);
	}
	/* an IPv6 line may be cut: the text is for people, value has the id */
	/* a drop by the pipeline itself is in no hook: no hook, no priority */
	h[0] = '\0';
	if (r->hook != NFV_TRACE_HOOK_NONE)
		snprintf(h, sizeof(h), "%s prio %d ", nfv_hook_name(r->hook), r->priority);
	/* what in the entry decided: an nft rule by handle, or a policy */
	if (r->why[0] != '\0')
		snprintf(why, sizeof(why), " [%.*s]", (int)sizeof(r->why), r->why);
	if (snprintf(e.text, sizeof(e.text), "%s%s%s: %s > %s proto %u iport %d oport %d",
		 h, verdict_text(r->verdict, v, sizeof(v)), why,
		 s, d, r->proto, r->iport == UINT16_MAX ? -1 : r->iport,
		 r->oport == UINT16_MAX ? -1 : r->oport) >= (int)sizeof(e.text))
		e.text[sizeof(e.text) - 2] = '~';
	nfv_events_send(dp, &e);
}

static void trace_run(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_trace *tr = dp->trace;
	struct nfv_trace_rec recs[32];
	struct timespec ts;
	unsigned int n, got = 0;

	if (tr == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	while ((n = nfv_trace_read(tr, recs, RTE_DIM(recs))) > 0) {
		got += n;
		for (unsigned int i = 0; i < n; i++)
			send_rec(dp, &recs[i], ts.tv_sec * 1000000000ull + ts.tv_nsec);
	}
	if (__atomic_load_n(&dp->hooks->trace, __ATOMIC_RELAXED) == NULL)
		return;		/* being ended */
	/*
	 * Spent, and a whole timer period (100 ms) without a record: the
	 * marked packets have left; the workers go back to the fast path.
	 */
	if ((nfv_trace_spent(tr, dp->nb_workers) && got == 0) ||
	    now > dp->trace_deadline)
		trace_end(dp);
}

/* Teardown: the management connections may be gone; nothing is sent. */
static void trace_fini(struct nfv_dp *dp)
{
	if (dp->trace == NULL)
		return;
	nfv_trace_disarm(dp->hooks);
	nfv_trace_destroy(dp->trace);
	dp->trace = NULL;
}

static int handle_trace(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_msg_trace tq = { 0 };
	char why[128] = "";
	int ret;

	memcpy(&tq, payload, RTE_MIN((size_t)h->len, sizeof(tq)));
	ret = trace_start(dp, &tq, why, sizeof(why));
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", why[0] ? why : strerror(-ret));
	return nfv_mgmt_ok(c, h);
}

static const struct nfv_mgmt_handler trace_handlers[] = {
	{ NFV_MSG_TRACE, 0, false, "trace", handle_trace },
};
NFV_MGMT_HANDLERS(trace_handlers);

static struct nfv_ctl_module trace_module = {
	.name = "trace",
	.order = NFV_CTL_ORDER_TRACE,
	.timer = trace_run,
	.fini = trace_fini,
};
NFV_CTL_MODULE(trace_module);
