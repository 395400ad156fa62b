/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP for the flowtable's fast path (esp_flow.c): esp-output reports the
 * packets of offloaded flows it seals (flow_learn); nfv_ipsec_flow_sa()
 * leaves to the full pipeline what esp-output would do more with than
 * seal it; nfv_ipsec_flow_output() makes the same ESP packet, byte for
 * byte, with the same counters, and drops what esp-output drops.
 */
#include <string.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

struct learned {
	unsigned int calls;
	uint32_t sa_id;
	uint16_t mtu;
	uint16_t iport;
};

static void learn_cb(void *arg, unsigned int worker, struct rte_mbuf *m, uint32_t sa_id,
		     uint16_t mtu)
{
	struct learned *l = arg;

	CU_ASSERT(worker == 0);
	/* before the metadata becomes the ESP packet's */
	CU_ASSERT(nfv_mbuf_meta(m)->flags & NFV_MBUF_F_FLOW);
	l->calls++;
	l->sa_id = sa_id;
	l->mtu = mtu;
	l->iport = nfv_mbuf_meta(m)->iport;
}

static struct rte_mbuf *flow_pkt(uint16_t payload, bool flow)
{
	uint8_t buf[1600];
	uint16_t n = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 7, 9, payload);
	struct rte_mbuf *m = test_pkt(buf, n, AF_INET);

	CU_ASSERT_FATAL(m != NULL);
	nfv_mbuf_meta(m)->iport = 3;
	if (flow)
		nfv_mbuf_meta(m)->flags |= NFV_MBUF_F_FLOW;
	return m;
}

static void flow_setup(struct test_esp *t, struct learned *l)
{
	struct nfv_ipsec_sa_conf c;

	CU_ASSERT_FATAL(test_esp_setup(t) == 0);
	t->ips->flow_learn = learn_cb;
	t->ips->flow_learn_arg = l;
	test_sa_conf(&c, 1, 0x7000, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t->ips, &c) == 0);
	c.id = 2;
	c.dir = NFV_IPSEC_DIR_IN;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t->ips, &c) == 0);
	CU_ASSERT_FATAL(test_sp_any(t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT, 1) == 0);
}

static void test_flow_same_bytes(void)
{
	struct nfv_ipsec_sa_stats st;
	struct rte_mbuf *m, *slow, *fast;
	struct learned l = { 0 };
	struct test_esp t;
	struct nfv_ipid_bucket ids;
	struct esp_sa *sa;

	flow_setup(&t, &l);
	/* not offloaded: esp-output seals it, nothing is learned */
	CU_ASSERT_EQUAL(test_run_output(&t, flow_pkt(40, false)), NFV_STOLEN);
	rte_pktmbuf_free(test_take(&t, NFV_INJECT_LOCAL_OUT));
	CU_ASSERT(l.calls == 0);
	/* flow add marked it: learned with its SA and the SA's MTU bound */
	sa = esp_sa_get(t.ips, 1);
	ids = t.ips->wk[0].ids.bucket[esp_sa_outer(sa)->ipid_bucket];
	CU_ASSERT_EQUAL(test_run_output(&t, flow_pkt(40, true)), NFV_STOLEN);
	CU_ASSERT(l.calls == 1 && l.sa_id == 1 && l.mtu == UINT16_MAX && l.iport == 3);
	slow = test_take(&t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT_FATAL(slow != NULL);
	CU_ASSERT(!(nfv_mbuf_meta(slow)->flags & NFV_MBUF_F_FLOW));

	/* the same packet on the fast path, with the same sequence number
	 * and outer IPv4 ID: the same ESP packet */
	sa->seq = 2;
	t.ips->wk[0].ids.bucket[esp_sa_outer(sa)->ipid_bucket] = ids;
	m = flow_pkt(40, true);
	CU_ASSERT_FATAL(nfv_ipsec_flow_sa(t.ips, 0, t.state.now, m, 1) == sa);
	nfv_ipsec_flow_output(t.ips, &t.state, &m, &sa, 1);
	fast = test_take(&t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT_FATAL(fast != NULL);
	CU_ASSERT(l.calls == 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(fast), rte_pktmbuf_pkt_len(slow));
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(fast, void *), rte_pktmbuf_mtod(slow, void *),
			 rte_pktmbuf_pkt_len(slow)) == 0);
	CU_ASSERT(nfv_mbuf_meta(fast)->flags ==
		  (NFV_MBUF_F_LOCAL_OUT | NFV_MBUF_F_IPSEC_DONE));
	CU_ASSERT(nfv_mbuf_meta(fast)->sa_index == 1);
	CU_ASSERT(nfv_mbuf_meta(fast)->family == AF_INET);
	/* counted by the SA as esp-output counts */
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0);
	CU_ASSERT_EQUAL(st.packets, 3);
	/* tunnel mode counts the inner packet: three of 68 bytes */
	CU_ASSERT_EQUAL(st.bytes, 3 * (20 + 8 + 40));
	CU_ASSERT(sa->seq == 3);
	rte_pktmbuf_free(slow);
	rte_pktmbuf_free(fast);
	test_esp_teardown(&t);
}

/* What nfv_ipsec_flow_sa() leaves to the full pipeline. */
static void test_flow_fallback(void)
{
	uint64_t now, first_tsc;
	struct learned l = { 0 };
	struct rte_mbuf *m, *seg;
	struct test_esp t;
	struct esp_sa *sa;

	flow_setup(&t, &l);
	now = t.state.now;
	sa = esp_sa_get(t.ips, 1);
	m = flow_pkt(40, true);
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == sa);
	/* no SA there, an inbound SA */
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 9) == NULL);
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 2) == NULL);
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 100000) == NULL);
	/* stopped (hard limit, sequence overflow) */
	sa->dead = 1;
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == NULL);
	sa->dead = 0;
	/* a deadline passed: the soft event, or the hard stop, is the slow
	 * path's to raise */
	first_tsc = sa->first_tsc;
	sa->first_tsc = now;
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == NULL);
	sa->first_tsc = first_tsc;
	/* a hard packet limit reached, a byte limit this packet would pass */
	sa->flags |= ESP_SA_COUNT_LIMITS;
	sa->hard.packets = 5;
	sa->stats[0].packets = 5;
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == NULL);
	sa->stats[0].packets = 4;
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == sa);
	sa->hard.packets = 0;
	sa->hard.bytes = 100;
	sa->stats[0].bytes = 100 - rte_pktmbuf_pkt_len(m);
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == sa);
	sa->stats[0].bytes++;
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == NULL);
	sa->hard.bytes = 0;
	sa->flags &= ~ESP_SA_COUNT_LIMITS;
	sa->stats[0].bytes = sa->stats[0].packets = 0;
	/* the path MTU: what esp-output's cheap bound would not pass */
	sa->mtu = rte_pktmbuf_pkt_len(m) + ESP_OVERHEAD_MAX;
	CU_ASSERT(esp_flow_mtu(sa) == rte_pktmbuf_pkt_len(m));
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == sa);
	sa->mtu--;
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == NULL);
	sa->mtu = 0;
	/* a chain */
	seg = rte_pktmbuf_alloc(test_pool);
	CU_ASSERT_FATAL(seg != NULL && rte_pktmbuf_append(seg, 8) != NULL);
	CU_ASSERT_FATAL(rte_pktmbuf_chain(m, seg) == 0);
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, now, m, 1) == NULL);
	rte_pktmbuf_free(m);
	CU_ASSERT(l.calls == 0);
	test_esp_teardown(&t);
}

/*
 * Count limits on the fast path as on esp-output: the sealing raises the
 * soft flag that sa_poll reports; a hard limit the next packet would
 * reach sends it to the full pipeline, which drops it as expired.
 */
static void test_flow_limits(void)
{
	struct nfv_ipsec_sa_conf c;
	struct learned l = { 0 };
	unsigned int ev = 0;
	struct test_esp t;
	struct rte_mbuf *m;
	struct esp_sa *sa;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	test_sa_conf(&c, 1, 0x7000, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	c.soft.packets = 2;
	c.hard.packets = 4;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT, 1) == 0);
	t.ips->flow_learn = learn_cb;
	t.ips->flow_learn_arg = &l;
	for (int i = 0; i < 4; i++) {
		m = flow_pkt(40, true);
		sa = nfv_ipsec_flow_sa(t.ips, 0, t.state.now, m, 1);
		CU_ASSERT_FATAL(sa != NULL);
		nfv_ipsec_flow_output(t.ips, &t.state, &m, &sa, 1);
		rte_pktmbuf_free(test_take(&t, NFV_INJECT_LOCAL_OUT));
		/* the third packet's sealing sees two counted: the worker's
		 * soft flag; sa_poll sums the counters (soft from two on) */
		CU_ASSERT_EQUAL(!!sa->stats[0].soft, i >= 2);
		CU_ASSERT(nfv_ipsec_sa_poll(t.ips, 1, &ev) == 0);
		CU_ASSERT_EQUAL(ev & NFV_IPSEC_EV_SOFT, i >= 1 ? NFV_IPSEC_EV_SOFT : 0);
	}
	CU_ASSERT(ev & NFV_IPSEC_EV_HARD);
	/* the hard limit (the SA stopped by sa_poll; before a poll, its
	 * count, test_flow_fallback): the full pipeline's, which drops it */
	m = flow_pkt(40, true);
	CU_ASSERT(nfv_ipsec_flow_sa(t.ips, 0, t.state.now, m, 1) == NULL);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_DROP_REASON(NFV_DR_ESP_SA_EXPIRED));
	rte_pktmbuf_free(m);
	test_esp_teardown(&t);
}

/* What the sealing refuses is dropped with esp-output's reason. */
static void test_flow_drop(void)
{
	struct learned l = { 0 };
	struct test_esp t;
	struct rte_mbuf *m;
	struct esp_sa *sa;

	flow_setup(&t, &l);
	sa = esp_sa_get(t.ips, 1);
	/* no headroom for the outer header */
	m = flow_pkt(40, true);
	memmove(rte_pktmbuf_mtod_offset(m, uint8_t *, -(int)rte_pktmbuf_headroom(m)),
		rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m));
	m->data_off = 0;
	CU_ASSERT_FATAL(nfv_ipsec_flow_sa(t.ips, 0, t.state.now, m, 1) == sa);
	nfv_ipsec_flow_output(t.ips, &t.state, &m, &sa, 1);
	CU_ASSERT(test_take(&t, NFV_INJECT_LOCAL_OUT) == NULL);
	CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_NO_HEADROOM), 1);
	CU_ASSERT_EQUAL(sa->stats[0].no_room, 1);
	test_esp_teardown(&t);
}

int test_flow_register(void)
{
	NFV_TEST_SUITE("esp_flow", NULL, NULL,
		{ "flowtable: learned, same ESP packet and counters", test_flow_same_bytes },
		{ "flowtable: what falls back to the full pipeline", test_flow_fallback },
		{ "flowtable: soft and hard count limits", test_flow_limits },
		{ "flowtable: sealing refusals dropped as esp-output", test_flow_drop });
	return 0;
}
