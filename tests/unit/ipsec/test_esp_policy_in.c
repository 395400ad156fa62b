/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inbound policy check of cleartext packets (esp_policy_in.c), in a
 * real hook table run by nfv_hook_run as the dataplane runs it: a packet
 * that an inbound PROTECT policy covers but that did not come through an
 * SA is dropped at FORWARD and LOCAL_IN, as Linux's xfrm_policy_check().
 */
#include <arpa/inet.h>
#include <string.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

struct pol {
	struct nfv_hook_table *t;
	struct nfv_ipsec *ips;
	struct nfv_hook_state st;
};

static void prefix(struct nfv_prefix *p, uint8_t family, const char *a, uint8_t len)
{
	memset(p, 0, sizeof(*p));
	p->addr.family = family;
	CU_ASSERT_FATAL(inet_pton(family, a, p->addr.bytes) == 1);
	p->len = len;
}

/* An inbound policy src -> dst of family (prefix lengths 24 or 64). */
static int pol_add(struct pol *p, uint32_t id, uint8_t family, const char *src,
		   const char *dst, uint8_t proto, enum nfv_ipsec_action action)
{
	struct nfv_ipsec_sp_conf c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.dir = NFV_IPSEC_DIR_IN;
	c.family = family;
	prefix(&c.src, family, src, family == AF_INET ? 24 : 64);
	prefix(&c.dst, family, dst, family == AF_INET ? 24 : 64);
	c.proto = proto;
	c.action = action;
	c.reqid = 7;
	return nfv_ipsec_sp_add(p->ips, &c);
}

static void pol_setup(struct pol *p)
{
	struct nfv_ipsec_conf conf = { .nb_workers = 1 };

	memset(p, 0, sizeof(*p));
	p->t = nfv_hook_table_create(1);
	CU_ASSERT_FATAL(p->t != NULL);
	CU_ASSERT_FATAL(nfv_ipsec_init(&p->ips, &conf) == 0);
	CU_ASSERT_FATAL(nfv_ipsec_register(p->t, p->ips) == 0);
	p->st.table = p->t;
}

static void pol_teardown(struct pol *p)
{
	nfv_ipsec_unregister(p->t, p->ips);
	CU_ASSERT(nfv_hook_find(p->t, "esp-policy-fwd") == NULL);
	nfv_ipsec_fini(p->ips);
	nfv_hook_table_destroy(p->t);
}

/*
 * One UDP packet through hook; true when it went on. flags go into the
 * metadata (NFV_MBUF_F_SECPATH: it came out of an SA).
 */
static bool pol_pass(struct pol *p, enum nfv_hook hook, uint8_t family,
		     const char *src, const char *dst, uint16_t dport, uint8_t flags)
{
	uint8_t buf[256];
	uint16_t len = test_build_udp(buf, family, src, dst, 1234, dport, 20);
	uint16_t l4 = family == AF_INET ? 20 : 40;
	struct rte_mbuf *m;
	uint16_t n;

	/* to port 4500, IKE starts with the zero non-ESP marker (RFC 3948) */
	if (dport == 4500)
		memset(buf + l4 + 8, 0, 4);
	m = test_pkt(buf, len, family);
	CU_ASSERT_FATAL(m != NULL);
	nfv_mbuf_meta(m)->flags = flags;
	p->st.hook = hook;
	p->st.now = rte_get_tsc_cycles();
	/* online only while it runs: the control calls wait for grace periods */
	nfv_hook_worker_online(p->t, 0);
	n = nfv_hook_run(p->t, &m, 1, &p->st, NFV_HOOK_FROM_START);
	nfv_hook_worker_offline(p->t, 0);
	if (n == 1)
		rte_pktmbuf_free(m);
	return n == 1;
}

static uint64_t refused(struct pol *p, uint32_t id)
{
	uint64_t n = UINT64_MAX;

	CU_ASSERT(nfv_ipsec_sp_stats(p->ips, NFV_IPSEC_DIR_IN, id, &n) == 0);
	return n;
}

static uint64_t drops(struct pol *p, unsigned int reason)
{
	return nfv_drop_stats_sum(p->t, reason);
}

/* The case: cleartext "from" the remote site, IPv4 and IPv6. */
static void test_cleartext_refused(void)
{
	struct pol p;

	pol_setup(&p);
	/* no inbound policy: no entry, nothing to pay */
	CU_ASSERT(nfv_hook_find(p.t, "esp-policy-fwd") == NULL);
	CU_ASSERT(nfv_hook_find(p.t, "esp-policy-in") == NULL);
	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.1.10", "192.168.2.10", 53, 0));

	CU_ASSERT_FATAL(pol_add(&p, 1, AF_INET, "192.168.1.0", "192.168.2.0", 0,
				NFV_IPSEC_PROTECT) == 0);
	CU_ASSERT_FATAL(pol_add(&p, 2, AF_INET6, "2001:db8:1::", "2001:db8:2::", 0,
				NFV_IPSEC_PROTECT) == 0);
	CU_ASSERT(nfv_hook_find(p.t, "esp-policy-fwd") != NULL);
	CU_ASSERT(nfv_hook_find(p.t, "esp-policy-in") != NULL);

	CU_ASSERT(!pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.1.10", "192.168.2.10", 53, 0));
	CU_ASSERT(!pol_pass(&p, NFV_INET_LOCAL_IN, AF_INET, "192.168.1.10", "192.168.2.1", 53, 0));
	CU_ASSERT(!pol_pass(&p, NFV_INET_FORWARD, AF_INET6, "2001:db8:1::10", "2001:db8:2::10", 53, 0));
	CU_ASSERT_EQUAL(drops(&p, NFV_DR_ESP_POLICY_CLEARTEXT), 3);
	CU_ASSERT_EQUAL(refused(&p, 1), 2);
	CU_ASSERT_EQUAL(refused(&p, 2), 1);

	/* the same packets out of an SA were checked at decapsulation */
	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.1.10", "192.168.2.10", 53,
			   NFV_MBUF_F_SECPATH));
	CU_ASSERT(pol_pass(&p, NFV_INET_LOCAL_IN, AF_INET6, "2001:db8:1::10", "2001:db8:2::1", 53,
			   NFV_MBUF_F_SECPATH));
	/* what no policy covers, either way round */
	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.2.10", "192.168.1.10", 53, 0));
	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.3.10", "192.168.2.10", 53, 0));
	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET6, "2001:db8:3::10", "2001:db8:2::10", 53, 0));
	CU_ASSERT_EQUAL(drops(&p, NFV_DR_ESP_POLICY_CLEARTEXT), 3);

	/* deleting the last inbound policy removes the entries */
	CU_ASSERT(nfv_ipsec_sp_del(p.ips, NFV_IPSEC_DIR_IN, 1) == 0);
	CU_ASSERT(nfv_hook_find(p.t, "esp-policy-fwd") != NULL);
	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.1.10", "192.168.2.10", 53, 0));
	CU_ASSERT(nfv_ipsec_sp_del(p.ips, NFV_IPSEC_DIR_IN, 2) == 0);
	CU_ASSERT(nfv_hook_find(p.t, "esp-policy-fwd") == NULL);
	CU_ASSERT(nfv_hook_find(p.t, "esp-policy-in") == NULL);
	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET6, "2001:db8:1::10", "2001:db8:2::10", 53, 0));
	pol_teardown(&p);
}

/* Linux's allow and block: BYPASS passes, DISCARD drops; first match wins. */
static void test_bypass_discard(void)
{
	struct nfv_ipsec_sp_conf c;
	struct pol p;

	pol_setup(&p);
	/* priority 0 before the PROTECT of priority 10: UDP bypasses */
	CU_ASSERT_FATAL(pol_add(&p, 1, AF_INET, "192.168.1.0", "192.168.2.0", 17,
				NFV_IPSEC_BYPASS) == 0);
	memset(&c, 0, sizeof(c));
	c.id = 2;
	c.dir = NFV_IPSEC_DIR_IN;
	c.family = AF_INET;
	c.priority = 10;
	prefix(&c.src, AF_INET, "192.168.1.0", 24);
	prefix(&c.dst, AF_INET, "192.168.2.0", 24);
	c.action = NFV_IPSEC_PROTECT;
	CU_ASSERT_FATAL(nfv_ipsec_sp_add(p.ips, &c) == 0);
	CU_ASSERT_FATAL(pol_add(&p, 3, AF_INET, "192.168.5.0", "192.168.2.0", 0,
				NFV_IPSEC_DISCARD) == 0);

	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.1.10", "192.168.2.10", 53, 0));
	CU_ASSERT(!pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.5.10", "192.168.2.10", 53, 0));
	CU_ASSERT_EQUAL(drops(&p, NFV_DR_SPD_DISCARD), 1);
	CU_ASSERT_EQUAL(refused(&p, 3), 1);
	CU_ASSERT_EQUAL(refused(&p, 1), 0);
	/* a DISCARD policy refuses decrypted packets too (at decapsulation);
	 * here the secpath passes, as the check there already ran */
	CU_ASSERT(pol_pass(&p, NFV_INET_FORWARD, AF_INET, "192.168.5.10", "192.168.2.10", 53,
			   NFV_MBUF_F_SECPATH));
	pol_teardown(&p);
}

/*
 * Host-to-host transport policies cover the IKE daemon's packets too: as
 * charon's sockets bypass the SPD in Linux, UDP 500 and 4500 to a local
 * address pass; everything else the policy covers does not.
 */
static void test_ike_passes_locally(void)
{
	struct pol p;

	pol_setup(&p);
	CU_ASSERT_FATAL(pol_add(&p, 1, AF_INET, "198.51.100.0", "198.51.100.0", 0,
				NFV_IPSEC_PROTECT) == 0);
	CU_ASSERT(pol_pass(&p, NFV_INET_LOCAL_IN, AF_INET, "198.51.100.2", "198.51.100.1", 500, 0));
	CU_ASSERT(pol_pass(&p, NFV_INET_LOCAL_IN, AF_INET, "198.51.100.2", "198.51.100.1", 4500, 0));
	CU_ASSERT(!pol_pass(&p, NFV_INET_LOCAL_IN, AF_INET, "198.51.100.2", "198.51.100.1", 501, 0));
	/* through us, IKE is traffic like any other */
	CU_ASSERT(!pol_pass(&p, NFV_INET_FORWARD, AF_INET, "198.51.100.2", "198.51.100.3", 500, 0));
	CU_ASSERT_EQUAL(refused(&p, 1), 2);
	pol_teardown(&p);
}

int test_policy_in_register(void)
{
	NFV_TEST_SUITE("esp_policy_in", NULL, NULL,
		{ "cleartext under an inbound PROTECT policy is dropped", test_cleartext_refused },
		{ "inbound BYPASS and DISCARD policies", test_bypass_discard },
		{ "IKE to a local address passes a transport policy", test_ike_passes_locally });
	return 0;
}
