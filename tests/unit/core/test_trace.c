/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tracing in the burst runner: the first matching packets of a worker's
 * budget are marked, every entry they meet writes its verdict, a marked
 * packet keeps its id in the next hook, nothing is recorded unarmed.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_mbuf.h>

#include "nfv_hook_table.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "nfv_trace.h"

static struct rte_mempool *pool;

static void accept_all(void *priv, struct rte_mbuf **pkts, uint16_t n, uint32_t *v,
		       const struct nfv_hook_state *st)
{
	for (uint16_t i = 0; i < n; i++)
		v[i] = NFV_ACCEPT;
}

/* drops UDP to port 5001 with a named reason */
static void drop_5001(void *priv, struct rte_mbuf **pkts, uint16_t n, uint32_t *v,
		      const struct nfv_hook_state *st)
{
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(pkts[i], const uint8_t *);

		v[i] = p[9] == IPPROTO_UDP && p[22] == 0x13 && p[23] == 0x89 ?
		       NFV_DROP_REASON(NFV_DR_NO_ROUTE) : NFV_ACCEPT;
	}
}

static struct rte_mbuf *udp4(uint8_t dst2, uint16_t dport)
{
	uint8_t b[28] = {
		0x45, 0, 0, 28, 0, 0, 0, 0, 64, IPPROTO_UDP, 0, 0,
		10, 0, 0, 2, 10, dst2, 0, 1,
		0x30, 0x39, (uint8_t)(dport >> 8), (uint8_t)dport, 0, 8, 0, 0,
	};
	struct rte_mbuf *m = nfv_test_mbuf(pool, b, sizeof(b));

	if (m != NULL) {
		nfv_mbuf_meta_reset(m, 0);
		nfv_mbuf_meta(m)->family = AF_INET;
	}
	return m;
}

static void test_trace_path(void)
{
	struct nfv_hook_ops ops[] = {
		{ "raw-accept", NFV_INET_PRE_ROUTING, NFV_IP_PRI_RAW, accept_all, NULL },
		{ "drop-5001", NFV_INET_PRE_ROUTING, NFV_IP_PRI_FILTER, drop_5001, NULL },
		{ "fwd-count", NFV_INET_FORWARD, NFV_IP_PRI_FILTER, accept_all, NULL },
	};
	struct nfv_trace_match m = { .family = AF_INET, .dst_len = 16, .dst = { 10, 2 } };
	struct nfv_hook_state pre = { .hook = NFV_INET_PRE_ROUTING, .worker = 0 };
	struct nfv_hook_state fwd = { .hook = NFV_INET_FORWARD, .worker = 0 };
	struct nfv_hook_table *t = nfv_hook_table_create(1);
	struct nfv_trace_rec r[16];
	struct rte_mbuf *pkts[4];
	struct nfv_trace *tr;
	uint32_t id1, id2;
	uint16_t n;

	CU_ASSERT_FATAL(t != NULL);
	pre.table = fwd.table = t;
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, ops, RTE_DIM(ops), NULL), 0);
	tr = nfv_trace_create(&m, 2, 1);
	CU_ASSERT_FATAL(tr != NULL);
	nfv_trace_arm(t, tr);
	/* 10.2.0.1:5000 and :5001 use the budget; the third and 10.9/16 do not */
	pkts[0] = udp4(2, 5000);
	pkts[1] = udp4(2, 5001);
	pkts[2] = udp4(2, 5000);
	pkts[3] = udp4(9, 5000);
	CU_ASSERT_FATAL(pkts[0] && pkts[1] && pkts[2] && pkts[3]);
	n = nfv_hook_run(t, pkts, 4, &pre, NFV_HOOK_FROM_START);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_TRUE(nfv_trace_spent(tr, 1));
	CU_ASSERT_EQUAL_FATAL(nfv_trace_read(tr, r, 16), 4);
	id1 = r[0].id;
	id2 = r[1].id;
	CU_ASSERT_NOT_EQUAL(id1, 0);
	CU_ASSERT_NOT_EQUAL(id1, id2);
	/* entry by entry, every traced packet, in the order they ran */
	CU_ASSERT_STRING_EQUAL(r[0].entry, "raw-accept");
	CU_ASSERT_STRING_EQUAL(r[1].entry, "raw-accept");
	CU_ASSERT_EQUAL(r[0].priority, NFV_IP_PRI_RAW);
	CU_ASSERT_EQUAL(r[0].hook, NFV_INET_PRE_ROUTING);
	CU_ASSERT_EQUAL(r[0].verdict, NFV_ACCEPT);
	CU_ASSERT_STRING_EQUAL(r[2].entry, "drop-5001");
	CU_ASSERT_EQUAL(r[2].id, id1);
	CU_ASSERT_EQUAL(r[2].verdict, NFV_ACCEPT);
	CU_ASSERT_EQUAL(r[3].id, id2);
	CU_ASSERT_EQUAL(r[3].verdict, NFV_DROP_REASON(NFV_DR_NO_ROUTE));
	CU_ASSERT_EQUAL(r[3].dport, 5001);
	CU_ASSERT_EQUAL(r[3].proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(memcmp(r[3].dst, (uint8_t[]){ 10, 2, 0, 1 }, 4), 0);
	/* the same packet in the next hook keeps its id; others stay untraced */
	n = nfv_hook_run(t, pkts, n, &fwd, NFV_HOOK_FROM_START);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL_FATAL(nfv_trace_read(tr, r, 16), 1);
	CU_ASSERT_EQUAL(r[0].id, id1);
	CU_ASSERT_STRING_EQUAL(r[0].entry, "fwd-count");
	CU_ASSERT_EQUAL(r[0].hook, NFV_INET_FORWARD);
	/* unarmed: nothing recorded, even for a marked packet */
	nfv_trace_disarm(t);
	n = nfv_hook_run(t, pkts, n, &fwd, NFV_HOOK_FROM_START);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(nfv_trace_read(tr, r, 16), 0);
	CU_ASSERT_EQUAL(tr->lost, 0);
	nfv_trace_destroy(tr);
	rte_pktmbuf_free_bulk(pkts, n);
	nfv_hook_table_destroy(t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

/*
 * A marked packet dropped outside any entry (no route, a full queue, a
 * failed decryption after STOLEN) ends its trace with the reason; the
 * runner's own drop of a DROP verdict adds nothing (test_trace_path counts
 * its records); an unmarked packet or an ended trace records nothing.
 */
static void test_trace_drop(void)
{
	struct nfv_hook_ops ops = { "raw-accept", NFV_INET_PRE_ROUTING, NFV_IP_PRI_RAW,
				    accept_all, NULL };
	struct nfv_trace_match m = { .family = AF_INET };
	struct nfv_hook_state pre = { .hook = NFV_INET_PRE_ROUTING, .worker = 0 };
	struct nfv_hook_table *t = nfv_hook_table_create(1);
	struct nfv_trace_rec r[4];
	struct rte_mbuf *pkts[3];
	struct nfv_trace *tr;

	CU_ASSERT_FATAL(t != NULL);
	pre.table = t;
	CU_ASSERT_EQUAL_FATAL(nfv_hook_register(t, &ops, 1, NULL), 0);
	tr = nfv_trace_create(&m, 2, 1);
	CU_ASSERT_FATAL(tr != NULL);
	nfv_trace_arm(t, tr);
	pkts[0] = udp4(2, 5000);
	pkts[1] = udp4(2, 5001);
	CU_ASSERT_FATAL(pkts[0] && pkts[1]);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_run(t, pkts, 2, &pre, NFV_HOOK_FROM_START), 2);
	CU_ASSERT_EQUAL_FATAL(nfv_trace_read(tr, r, 4), 2);
	/* the budget is spent: a third packet is not marked, its drop is silent */
	pkts[2] = udp4(2, 5002);
	CU_ASSERT_FATAL(pkts[2] != NULL);
	CU_ASSERT_EQUAL_FATAL(nfv_hook_run(t, &pkts[2], 1, &pre, NFV_HOOK_FROM_START), 1);
	nfv_drop(t, 0, pkts[2], NFV_DR_NO_ROUTE);
	CU_ASSERT_EQUAL(nfv_trace_read(tr, r, 4), 0);
	/* the marked one: one record, the pipeline's, with the reason */
	nfv_drop(t, 0, pkts[0], NFV_DR_MTU_EXCEEDED);
	CU_ASSERT_EQUAL_FATAL(nfv_trace_read(tr, r, 4), 1);
	CU_ASSERT_NOT_EQUAL(r[0].id, 0);
	CU_ASSERT_EQUAL(r[0].hook, NFV_TRACE_HOOK_NONE);
	CU_ASSERT_STRING_EQUAL(r[0].entry, "dataplane");
	CU_ASSERT_EQUAL(r[0].verdict, NFV_DROP_REASON(NFV_DR_MTU_EXCEEDED));
	CU_ASSERT_EQUAL(r[0].dport, 5000);
	CU_ASSERT_EQUAL(t->drops[0].count[NFV_DR_MTU_EXCEEDED], 1);
	CU_ASSERT_EQUAL(t->drops[0].count[NFV_DR_NO_ROUTE], 1);
	/* marked, but the trace has ended: counted, not recorded */
	nfv_trace_disarm(t);
	nfv_drop(t, 0, pkts[1], NFV_DR_NO_ROUTE);
	CU_ASSERT_EQUAL(nfv_trace_read(tr, r, 4), 0);
	CU_ASSERT_EQUAL(t->drops[0].count[NFV_DR_NO_ROUTE], 2);
	CU_ASSERT_EQUAL(tr->lost, 0);
	nfv_trace_destroy(tr);
	nfv_hook_table_destroy(t);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	pool = nfv_test_pool("test_trace", 256);
	if (pool == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("trace", NULL, NULL,
		{ "marked packets: every entry's verdict, across hooks", test_trace_path },
		{ "a marked packet dropped by the pipeline", test_trace_drop });
	return nfv_test_run();
}
