/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACQUIRE (esp_acquire.c): a packet of an outbound PROTECT policy whose
 * SA slot is empty is dropped as esp-no-sa and its slot reported once per
 * call of nfv_ipsec_acquires, with the selectors of the packet that
 * noted it first; once the SA is there, packets pass and nothing is
 * reported.
 */
#include <arpa/inet.h>
#include <string.h>

#include "nfv_test.h"
#include "test_esp.h"

#define TRAP_SLOT 5
#define OTHER_SLOT 40

static struct rte_mbuf *acq_pkt_from(uint8_t family, const char *src, const char *dst,
				     uint16_t sport)
{
	uint8_t buf[128];
	uint16_t len = test_build_udp(buf, family, src, dst, sport, 2000, 0);
	struct rte_mbuf *m = test_pkt(buf, len, family);

	CU_ASSERT_FATAL(m != NULL);
	return m;
}

static struct rte_mbuf *acq_pkt(void)
{
	return acq_pkt_from(AF_INET, "10.0.0.1", "10.0.1.1", 1000);
}

static void acq_drop_pkt(struct test_esp *t, struct rte_mbuf *m)
{
	CU_ASSERT_EQUAL(test_run_output(t, m), NFV_DROP_REASON(NFV_DR_ESP_NO_SA));
	rte_pktmbuf_free(m);
}

static void acq_drop(struct test_esp *t)
{
	acq_drop_pkt(t, acq_pkt());
}

/* The acquire's selectors are the packet's: addresses, protocol, ports. */
static void acq_sel_check(const struct nfv_ipsec_acquire *a, uint8_t family,
			  const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	uint8_t s[16] = { 0 }, d[16] = { 0 };

	CU_ASSERT_FATAL(inet_pton(family, src, s) == 1 && inet_pton(family, dst, d) == 1);
	CU_ASSERT_EQUAL(a->family, family);
	CU_ASSERT_EQUAL(a->proto, IPPROTO_UDP);
	CU_ASSERT(a->ports);
	CU_ASSERT_EQUAL(a->sport, sport);
	CU_ASSERT_EQUAL(a->dport, dport);
	CU_ASSERT_EQUAL(memcmp(a->src, s, sizeof(s)), 0);
	CU_ASSERT_EQUAL(memcmp(a->dst, d, sizeof(d)), 0);
}

static void test_acquire(void)
{
	struct nfv_ipsec_sa_conf c;
	struct test_esp t;
	struct nfv_ipsec_acquire ids[4];
	struct rte_mbuf *m;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	/* a trap: PROTECT naming a slot without an SA */
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT,
				    TRAP_SLOT) == 0);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 0);
	acq_drop(&t);
	acq_drop_pkt(&t, acq_pkt_from(AF_INET, "10.0.0.9", "10.0.1.9", 1009));
	acq_drop(&t);
	/* three packets, one report: the first packet's selectors */
	CU_ASSERT_EQUAL_FATAL(nfv_ipsec_acquires(t.ips, ids, 4), 1);
	CU_ASSERT_EQUAL(ids[0].sa_id, TRAP_SLOT);
	acq_sel_check(&ids[0], AF_INET, "10.0.0.1", "10.0.1.1", 1000, 2000);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 0);
	/* no room: reported by a later call, after the next packet, with its selectors */
	acq_drop(&t);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 0), 0);
	acq_drop_pkt(&t, acq_pkt_from(AF_INET, "10.0.0.9", "10.0.1.9", 1009));
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 1);
	acq_sel_check(&ids[0], AF_INET, "10.0.0.9", "10.0.1.9", 1009, 2000);

	/* the negotiated SA arrives in the slot: packets pass, no acquire */
	test_sa_conf(&c, TRAP_SLOT, 0x4000, NFV_IPSEC_DIR_OUT, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.1", "192.0.2.2");
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	m = acq_pkt();
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
	m = test_take(&t, NFV_INJECT_LOCAL_OUT);
	CU_ASSERT(m != NULL);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 0);
	test_esp_teardown(&t);

	/* an inbound SA in the slot is no SA for output, and no acquire either */
	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	test_sa_conf(&c, OTHER_SLOT, 0x4001, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, "192.0.2.2", "192.0.2.1");
	CU_ASSERT_FATAL(nfv_ipsec_sa_add(t.ips, &c) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET, NFV_IPSEC_PROTECT,
				    OTHER_SLOT) == 0);
	acq_drop(&t);
	CU_ASSERT_EQUAL(nfv_ipsec_acquires(t.ips, ids, 4), 0);
	test_esp_teardown(&t);
}

/* IPv6: 16-byte addresses */
static void test_acquire_v6(void)
{
	struct nfv_ipsec_acquire a[2];
	struct test_esp t;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	CU_ASSERT_FATAL(test_sp_any(&t, 1, NFV_IPSEC_DIR_OUT, AF_INET6, NFV_IPSEC_PROTECT,
				    TRAP_SLOT) == 0);
	acq_drop_pkt(&t, acq_pkt_from(AF_INET6, "2001:db8:1::5", "2001:db8:2::7", 4321));
	CU_ASSERT_EQUAL_FATAL(nfv_ipsec_acquires(t.ips, a, 2), 1);
	CU_ASSERT_EQUAL(a[0].sa_id, TRAP_SLOT);
	acq_sel_check(&a[0], AF_INET6, "2001:db8:1::5", "2001:db8:2::7", 4321, 2000);
	test_esp_teardown(&t);
}

/*
 * More slots between two calls than a worker's ring has notes: the
 * newest ESP_ACQ_NOTES are reported with their packets' selectors, the
 * older ones not at all (no acquire without selectors); their next
 * packets note them again.
 */
static void test_acquire_ring(void)
{
	enum { SLOTS = ESP_ACQ_NOTES + 4 };
	struct nfv_ipsec_acquire a[SLOTS];
	uint8_t src[16] = { 10, 0, 0, 0 }, dst[16] = { 10, 0, 1, 0 };
	struct esp_sel sel = {
		.family = AF_INET, .proto = IPPROTO_ICMP, .sport = 8, .dport = 0,
		.ports = true, .src = src, .dst = dst,
	};
	struct test_esp t;
	unsigned int n, i;

	CU_ASSERT_FATAL(test_esp_setup(&t) == 0);
	for (i = 0; i < SLOTS; i++) {
		src[3] = dst[3] = (uint8_t)(100 + i);
		esp_acquire_note(t.ips, 0, 20 + i, &sel);
	}
	n = nfv_ipsec_acquires(t.ips, a, SLOTS);
	CU_ASSERT_EQUAL_FATAL(n, ESP_ACQ_NOTES);
	for (i = 0; i < n; i++) {
		CU_ASSERT(a[i].sa_id >= 20 + SLOTS - ESP_ACQ_NOTES && a[i].sa_id < 20 + SLOTS);
		/* each slot with its own packet's addresses */
		CU_ASSERT_EQUAL(a[i].src[3], a[i].sa_id + 80);
		CU_ASSERT_EQUAL(a[i].dst[3], a[i].sa_id + 80);
		CU_ASSERT_EQUAL(a[i].proto, IPPROTO_ICMP);
		CU_ASSERT_EQUAL(a[i].sport, 8);
	}
	/* the left-out slots' next packets */
	for (i = 0; i < SLOTS - ESP_ACQ_NOTES; i++) {
		src[3] = dst[3] = (uint8_t)(100 + i);
		esp_acquire_note(t.ips, 0, 20 + i, &sel);
	}
	n = nfv_ipsec_acquires(t.ips, a, SLOTS);
	CU_ASSERT_EQUAL_FATAL(n, SLOTS - ESP_ACQ_NOTES);
	for (i = 0; i < n; i++) {
		CU_ASSERT(a[i].sa_id < 20 + SLOTS - ESP_ACQ_NOTES);
		CU_ASSERT_EQUAL(a[i].src[3], a[i].sa_id + 80);
	}
	test_esp_teardown(&t);
}

int test_acquire_register(void)
{
	NFV_TEST_SUITE("ipsec acquire", NULL, NULL,
		{ "a policy without an SA: dropped, reported once", test_acquire },
		{ "the acquire carries an IPv6 packet's selectors", test_acquire_v6 },
		{ "more acquires than notes: none without its selectors", test_acquire_ring });
	return 0;
}
