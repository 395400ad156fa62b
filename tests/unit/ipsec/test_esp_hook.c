/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The module wired into a real hook table with nfv_ipsec_register(), run by
 * the hook core's burst runner as the dataplane runs it: POST_ROUTING
 * steals and injects at LOCAL_OUT, LOCAL_IN steals and injects at
 * PRE_ROUTING; other packets go on.
 */
#include <string.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

static struct rte_mbuf *take(struct nfv_hook_table *t, enum nfv_inject_point p)
{
	struct nfv_inject_queue *q = &t->inject[0][p];

	if (q->n != 1)
		return NULL;
	q->n = 0;
	return q->pkts[0];
}

static void test_hook_registered(void)
{
	struct nfv_ipsec_conf conf = { .nb_workers = 1 };
	struct nfv_hook_state st = { .worker = 0 };
	struct nfv_ipsec_sa_conf c;
	struct nfv_ipsec_sp_conf sp;
	struct nfv_hook_table *t;
	struct nfv_ipsec *ips;
	struct rte_mbuf *m[2];
	uint8_t buf[256], other[256];
	uint16_t len, olen;

	t = nfv_hook_table_create(1);
	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_FATAL(nfv_ipsec_init(&ips, &conf) == 0);
	CU_ASSERT_FATAL(nfv_ipsec_register(t, ips) == 0);
	CU_ASSERT(nfv_hook_find(t, "esp-output") != NULL);
	CU_ASSERT(nfv_hook_find(t, "esp-input") != NULL);
	st.table = t;

	test_sa_conf(&c, 1, 0x7000, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_256, NFV_IPSEC_AUTH_NONE, "2001:db8:ff::1",
		     "2001:db8:ff::2");
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(ips, &c) == 0);
	c.id = c.reqid = 2;
	c.dir = NFV_IPSEC_DIR_IN;
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(ips, &c) == 0);
	memset(&sp, 0, sizeof(sp));
	sp.family = AF_INET;
	sp.proto = ESP_IPPROTO_UDP;
	sp.dport_min = sp.dport_max = 4789;
	sp.action = NFV_IPSEC_PROTECT;
	sp.id = 1;
	sp.dir = NFV_IPSEC_DIR_OUT;
	sp.sa_id = 1;
	CU_ASSERT_FATAL(nfv_ipsec_sp_add(ips, &sp) == 0);
	sp.dir = NFV_IPSEC_DIR_IN;
	sp.reqid = 2;
	CU_ASSERT_FATAL(nfv_ipsec_sp_add(ips, &sp) == 0);

	len = test_build_udp(buf, AF_INET, "10.0.0.1", "10.0.1.1", 5, 4789, 50);
	olen = test_build_udp(other, AF_INET, "10.0.0.1", "10.0.1.1", 5, 80, 50);
	m[0] = test_pkt(buf, len, AF_INET);
	m[1] = test_pkt(other, olen, AF_INET);
	nfv_hook_worker_online(t, 0);
	st.hook = NFV_INET_POST_ROUTING;
	CU_ASSERT_EQUAL(nfv_hook_run(t, m, 2, &st, NFV_HOOK_FROM_START), 1);
	CU_ASSERT(m[0]->pkt_len == olen);	/* the one without policy goes on */
	rte_pktmbuf_free(m[0]);
	m[0] = take(t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT_FATAL(m[0] != NULL);
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m[0])->family, AF_INET6);

	st.hook = NFV_INET_LOCAL_IN;
	CU_ASSERT_EQUAL(nfv_hook_run(t, m, 1, &st, NFV_HOOK_FROM_START), 0);
	m[0] = take(t, NFV_INJECT_PRE_ROUTING);
	CU_ASSERT_FATAL(m[0] != NULL);
	CU_ASSERT(m[0]->pkt_len == len &&
		  memcmp(rte_pktmbuf_mtod(m[0], uint8_t *), buf, len) == 0);
	rte_pktmbuf_free(m[0]);
	nfv_hook_worker_quiescent(t, 0);
	nfv_hook_worker_offline(t, 0);

	/* the grace periods of delete run on the table's QSBR */
	CU_ASSERT(nfv_ipsec_sa_del(ips, 2) == 0);
	nfv_ipsec_unregister(t, ips);
	CU_ASSERT(nfv_hook_find(t, "esp-output") == NULL);
	nfv_ipsec_fini(ips);
	nfv_hook_table_destroy(t);
}

int test_hook_register(void)
{
	NFV_TEST_SUITE("esp_hook", NULL, NULL,
		{ "registered in a hook table, run by nfv_hook_run", test_hook_registered });
	return 0;
}
