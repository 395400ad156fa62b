/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet traces on the control side (control/trace.c): TRACE arms a trace
 * in the hook table, the timer streams what workers recorded to the event
 * subscribers and ends the trace once it is spent or past its deadline;
 * malformed matches are refused, count 0 stops a trace.
 */
#include <string.h>

#include <rte_ip.h>

#include "ctl_fake.h"
#include "module.h"
#include "nfv_trace.h"

static struct ctl_fake f;
static struct nfv_ctl_module *trace_mod;

static void setup(void)
{
	ctl_fake_init(&f);
	CTL_START(&f, "hook entries", "events", "trace");
	trace_mod = nfv_ctl_module_find("trace");
}

static struct nfv_msg_trace trace_req(uint32_t count, uint8_t family, uint8_t proto)
{
	return (struct nfv_msg_trace){ .count = count, .family = family, .proto = proto };
}

/* n UDP (or TCP) packets through FORWARD, as worker 0 runs them. */
static void run_forward(unsigned int n, uint8_t proto)
{
	struct nfv_hook_state st = {
		.table = f.dp.hooks, .worker = 0, .hook = NFV_INET_FORWARD,
	};
	uint8_t pkt[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, proto, 0, 0,
			    10, 0, 0, 1, 10, 0, 1, 1, 0x13, 0x88, 0, 53, 0, 8 };
	struct rte_mbuf *m[8];
	uint16_t left;

	CU_ASSERT_FATAL(n <= RTE_DIM(m));
	((struct rte_ipv4_hdr *)pkt)->hdr_checksum = rte_ipv4_cksum((void *)pkt);
	for (unsigned int i = 0; i < n; i++) {
		m[i] = nfv_test_mbuf(f.dp.pool, pkt, sizeof(pkt));
		CU_ASSERT_PTR_NOT_NULL_FATAL(m[i]);
		nfv_mbuf_meta(m[i])->family = AF_INET;
	}
	nfv_hook_worker_online(f.dp.hooks, 0);
	left = nfv_hook_run(f.dp.hooks, m, n, &st, NFV_HOOK_FROM_START);
	nfv_hook_worker_quiescent(f.dp.hooks, 0);
	nfv_hook_worker_offline(f.dp.hooks, 0);
	CU_ASSERT_EQUAL(left, n);
	for (uint16_t i = 0; i < left; i++)
		rte_pktmbuf_free(m[i]);
}

static void test_trace(void)
{
	struct nfv_policy_hook h = { .name = "cnt", .hook = NFV_INET_FORWARD };
	struct nfv_mgmt_conn *c, *sub;
	struct nfv_msg_trace t;
	struct nfv_msg_event e;
	struct ctl_resp r;

	setup();
	c = ctl_conn_open(&f);
	sub = ctl_conn_open(&f);
	CTL_OK(&f, c, NFV_MSG_HOOK_ADD, &h, sizeof(h));
	CTL_OK(&f, sub, NFV_MSG_EVENTS, NULL, 0);
	/* one UDP packet per worker */
	t = trace_req(1, AF_INET, IPPROTO_UDP);
	CTL_OK(&f, c, NFV_MSG_TRACE, &t, sizeof(t));
	CU_ASSERT_PTR_NOT_NULL(f.dp.trace);
	CU_ASSERT_PTR_EQUAL(f.dp.hooks->trace, f.dp.trace);
	run_forward(1, IPPROTO_TCP);	/* no match */
	run_forward(3, IPPROTO_UDP);	/* the first is marked */

	trace_mod->timer(&f.dp, 1);
	CU_ASSERT_FATAL(ctl_read_push(&f, sub, &r));
	CU_ASSERT_EQUAL(r.h.type, NFV_MSG_EVENT);
	CU_ASSERT_EQUAL_FATAL(r.h.len, sizeof(e));
	memcpy(&e, r.p, sizeof(e));
	CU_ASSERT_EQUAL(e.type, NFV_EVENT_TRACE);
	CU_ASSERT_EQUAL(e.worker, 0);
	CU_ASSERT_STRING_EQUAL(e.object, "cnt");
	CU_ASSERT(strstr(e.text, "FORWARD prio 0 ACCEPT") != NULL);
	CU_ASSERT(strstr(e.text, "10.0.0.1:5000 > 10.0.1.1:53 proto 17") != NULL);
	ctl_resp_free(&r);
	CU_ASSERT(ctl_all_idle(&f));		/* one packet, one entry */
	CU_ASSERT_PTR_NOT_NULL(f.dp.trace);
	/* spent, and a timer period without a record: over */
	trace_mod->timer(&f.dp, 2);
	CU_ASSERT_PTR_NULL(f.dp.trace);
	CU_ASSERT_PTR_NULL(f.dp.hooks->trace);
	run_forward(1, IPPROTO_UDP);
	trace_mod->timer(&f.dp, 3);
	CU_ASSERT(ctl_all_idle(&f));

	/* the deadline ends a trace that is not spent */
	t = trace_req(100, 0, 0);
	CTL_OK(&f, c, NFV_MSG_TRACE, &t, sizeof(t));
	trace_mod->timer(&f.dp, f.dp.trace_deadline - 1);
	CU_ASSERT_PTR_NOT_NULL(f.dp.trace);
	trace_mod->timer(&f.dp, f.dp.trace_deadline + 1);
	CU_ASSERT_PTR_NULL(f.dp.trace);
	/* count 0 stops one; with none running it is fine too */
	CTL_OK(&f, c, NFV_MSG_TRACE, &t, sizeof(t));
	t.count = 0;
	CTL_OK(&f, c, NFV_MSG_TRACE, &t, sizeof(t));
	CU_ASSERT_PTR_NULL(f.dp.trace);
	CTL_OK(&f, c, NFV_MSG_TRACE, &t, sizeof(t));
	ctl_fake_fini(&f);
}

static void test_refused(void)
{
	struct nfv_mgmt_conn *c;
	struct nfv_msg_trace t;
	struct nfv_trace *old;

	setup();
	c = ctl_conn_open(&f);
	t = trace_req(1, 7, 0);
	t.src_len = 8;
	CTL_ERR(&f, c, NFV_MSG_TRACE, &t, sizeof(t), -EINVAL, "malformed trace match");
	t = trace_req(1, AF_INET, 0);
	t.dst_len = 33;
	CTL_ERR(&f, c, NFV_MSG_TRACE, &t, sizeof(t), -EINVAL, "malformed trace match");
	t = trace_req(1, AF_INET6, 0);
	t.src_len = 129;
	CTL_ERR(&f, c, NFV_MSG_TRACE, &t, sizeof(t), -EINVAL, "malformed trace match");
	t = trace_req(100001, 0, 0);
	CTL_ERR(&f, c, NFV_MSG_TRACE, &t, sizeof(t), -EINVAL, "cannot start a trace");
	CU_ASSERT_PTR_NULL(f.dp.trace);
	/* a refused start leaves the running trace; a new one replaces it */
	t = trace_req(5, 0, 0);
	CTL_OK(&f, c, NFV_MSG_TRACE, &t, sizeof(t));
	old = f.dp.trace;
	t.family = 9;
	t.dst_len = 1;
	CTL_ERR(&f, c, NFV_MSG_TRACE, &t, sizeof(t), -EINVAL, "malformed trace match");
	t = trace_req(100001, 0, 0);
	CTL_ERR(&f, c, NFV_MSG_TRACE, &t, sizeof(t), -EINVAL, "cannot start a trace");
	CU_ASSERT_PTR_EQUAL(f.dp.trace, old);
	CU_ASSERT_PTR_EQUAL(f.dp.hooks->trace, old);
	t = trace_req(7, AF_INET6, 0);
	CTL_OK(&f, c, NFV_MSG_TRACE, &t, sizeof(t));
	CU_ASSERT_PTR_NOT_NULL(f.dp.trace);
	CU_ASSERT_PTR_EQUAL(f.dp.hooks->trace, f.dp.trace);
	CU_ASSERT_EQUAL(f.dp.trace->match.family, AF_INET6);
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_trace", NULL, NULL,
		{ "TRACE: records to subscribers, spent, deadline, count 0", test_trace },
		{ "malformed matches and counts are refused", test_refused });
	return nfv_test_run();
}
