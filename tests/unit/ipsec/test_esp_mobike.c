/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MOBIKE (RFC 4555) in nfv_ipsec_sa_update (esp_natt.c): an inbound SA's
 * destination, its SAD key, moves make before break (the old key finds
 * the SA until the move grace is over, then only the new one), with one
 * replay window, one set of counters and the same keys; UDP encapsulation
 * turns on and off; what cannot be done is refused with a reason.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

#define OUT_SA 1
#define IN_SA 2
#define SPI 0x4000
#define PEER "192.0.2.1"
#define US "192.0.2.2"		/* our address before the move */
#define US2 "198.51.100.2"	/* ... and after it */
#define US3 "198.51.100.3"

static void mob_outer(struct nfv_ipsec_sa_outer *o, const char *src, const char *dst,
		      bool natt)
{
	memset(o, 0, sizeof(*o));
	o->src.family = o->dst.family = AF_INET;
	CU_ASSERT_FATAL(inet_pton(AF_INET, src, o->src.bytes) == 1);
	CU_ASSERT_FATAL(inet_pton(AF_INET, dst, o->dst.bytes) == 1);
	o->natt = natt;		/* ports 0: 4500 */
}

static int mob_update(struct test_esp *t, uint32_t id, const char *src, const char *dst,
		      bool natt)
{
	struct nfv_ipsec_sa_outer o;

	mob_outer(&o, src, dst, natt);
	return nfv_ipsec_sa_update(t->ips, id, &o);
}

/* The SA the SAD finds for SPI and destination dst, or NULL. */
static struct esp_sa *mob_sad(struct test_esp *t, const char *dst)
{
	uint8_t a[16] = { 0 };

	CU_ASSERT_FATAL(inet_pton(AF_INET, dst, a) == 1);
	return esp_sad_lookup(t->ips->sad, SPI, AF_INET, a);
}

/* The ESP packet sent to dst instead (the ICV does not cover the outer header). */
static struct rte_mbuf *mob_to(struct rte_mbuf *m, const char *dst)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	CU_ASSERT_FATAL(inet_pton(AF_INET, dst, &ip->dst_addr) == 1);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

static void mob_dst_is(struct rte_mbuf *m, const char *dst)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ip->dst_addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, dst);
}

static uint64_t mob_packets(struct test_esp *t, uint32_t id)
{
	struct nfv_ipsec_sa_stats s;

	CU_ASSERT_FATAL(nfv_ipsec_sa_stats(t->ips, id, &s) == 0);
	return s.packets;
}

/* Our address moves: both destinations during the grace, then only the new. */
static void test_mobike_move(void)
{
	struct rte_mbuf *before, *replayed, *m;
	struct test_esp t;
	struct esp_sa *in;
	unsigned int ev;

	test_gcm_pair(&t, SPI, PEER, US, false);
	t.ips->move_grace_tsc = rte_get_tsc_hz() / 50;	/* 20 ms */
	in = t.ips->sas[IN_SA];
	/* sealed before the move, still on its way to the old address */
	before = test_esp_sealed(&t);
	mob_dst_is(before, US);
	replayed = test_pkt_copy4(before);

	/* charon's update_sa of both SAs: the peer sends to US2 from now on */
	CU_ASSERT_EQUAL(mob_update(&t, IN_SA, PEER, US2, false), 0);
	CU_ASSERT_EQUAL(mob_update(&t, OUT_SA, PEER, US2, false), 0);
	CU_ASSERT(mob_sad(&t, US) == in);
	CU_ASSERT(mob_sad(&t, US2) == in);
	m = test_esp_sealed(&t);
	mob_dst_is(m, US2);
	test_in_accept(&t, m);		/* sequence number 2: the same keys */
	test_in_accept(&t, before);	/* 1, to the old address: in the grace */
	CU_ASSERT_EQUAL(mob_packets(&t, IN_SA), 2);
	/* one replay window for both keys */
	test_in_refuse(&t, replayed, NFV_DR_ESP_REPLAY);

	/* the grace is over at the next lifetime poll: only US2 */
	rte_delay_ms(30);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_poll(t.ips, IN_SA, &ev), 0);
	CU_ASSERT(mob_sad(&t, US) == NULL);
	CU_ASSERT(mob_sad(&t, US2) == in);
	test_in_refuse(&t, mob_to(test_esp_sealed(&t), US), NFV_DR_ESP_NO_SA);
	test_in_accept(&t, test_esp_sealed(&t));
	CU_ASSERT_EQUAL(mob_packets(&t, IN_SA), 3);
	test_esp_teardown(&t);
}

/* Back within the grace, then a third address; delete takes every key. */
static void test_mobike_move_again(void)
{
	struct nfv_ipsec_sa_conf c;
	struct test_esp t;
	struct esp_sa *in;

	test_gcm_pair(&t, SPI, PEER, US, false);
	in = t.ips->sas[IN_SA];
	CU_ASSERT_EQUAL(mob_update(&t, IN_SA, PEER, US2, false), 0);
	/* back to US while its key is still there: the two swap */
	CU_ASSERT_EQUAL(mob_update(&t, IN_SA, PEER, US, false), 0);
	CU_ASSERT(mob_sad(&t, US) == in);
	CU_ASSERT(mob_sad(&t, US2) == in);
	/* a third one: the oldest key (US2) goes at once */
	CU_ASSERT_EQUAL(mob_update(&t, IN_SA, PEER, US3, false), 0);
	CU_ASSERT(mob_sad(&t, US) == in);
	CU_ASSERT(mob_sad(&t, US2) == NULL);
	CU_ASSERT(mob_sad(&t, US3) == in);
	CU_ASSERT_EQUAL(mob_update(&t, OUT_SA, PEER, US3, false), 0);
	test_in_accept(&t, test_esp_sealed(&t));

	/* deleted within the grace: neither key is left, both can be added again */
	CU_ASSERT_EQUAL(nfv_ipsec_sa_del(t.ips, IN_SA), 0);
	CU_ASSERT(mob_sad(&t, US) == NULL);
	CU_ASSERT(mob_sad(&t, US3) == NULL);
	test_sa_conf(&c, IN_SA, SPI, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, PEER, US);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_add(t.ips, &c), 0);
	test_sa_conf(&c, 3, SPI, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, PEER, US3);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_add(t.ips, &c), 0);
	test_esp_teardown(&t);
}

static uint8_t mob_proto(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->next_proto_id;
}

/* MOBIKE behind a NAT and out of it: UDP encapsulation on, then off. */
static void test_mobike_encap(void)
{
	struct rte_udp_hdr *udp;
	struct rte_mbuf *raw, *m;
	struct test_esp t;
	struct esp_sa *out;
	uint32_t max;

	test_gcm_pair(&t, SPI, PEER, US, false);
	out = t.ips->sas[OUT_SA];
	out->mtu = 1400;
	max = esp_mtu_inner_max(out, 0);
	raw = test_esp_sealed(&t);
	CU_ASSERT_EQUAL(mob_proto(raw), IPPROTO_ESP);

	/* on: the outbound SA first, as one side's update comes first */
	CU_ASSERT_EQUAL(mob_update(&t, OUT_SA, PEER, US, true), 0);
	CU_ASSERT_EQUAL(esp_mtu_inner_max(out, 0), max - 8);
	m = test_esp_sealed(&t);
	CU_ASSERT_EQUAL_FATAL(mob_proto(m), IPPROTO_UDP);
	udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 20);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->src_port), 4500);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dst_port), 4500);
	/* the inbound SA still wants plain ESP: RFC 3948's check */
	test_in_refuse(&t, m, NFV_DR_ESP_NATT);
	CU_ASSERT_EQUAL(mob_update(&t, IN_SA, PEER, US, true), 0);
	test_in_accept(&t, test_esp_sealed(&t));
	test_in_refuse(&t, raw, NFV_DR_ESP_NATT);

	/* off again */
	CU_ASSERT_EQUAL(mob_update(&t, OUT_SA, PEER, US, false), 0);
	CU_ASSERT_EQUAL(esp_mtu_inner_max(out, 0), max);
	m = test_esp_sealed(&t);
	CU_ASSERT_EQUAL(mob_proto(m), IPPROTO_ESP);
	CU_ASSERT_EQUAL(mob_update(&t, IN_SA, PEER, US, false), 0);
	test_in_accept(&t, m);
	CU_ASSERT_EQUAL(mob_packets(&t, IN_SA), 2);
	test_esp_teardown(&t);
}

/* Refusals change nothing. */
static void test_mobike_refused(void)
{
	struct nfv_ipsec_sa_conf c;
	struct nfv_ipsec_sa_outer o;
	struct nfv_ipsec_sa_info info;
	struct test_esp t;
	struct esp_sa *in, *twin;
	uint8_t us[4];

	test_gcm_pair(&t, SPI, PEER, US, false);
	in = t.ips->sas[IN_SA];
	/* the family: the SA's headers and its SAD key are sized by it */
	mob_outer(&o, PEER, US2, false);
	o.src.family = o.dst.family = AF_INET6;
	CU_ASSERT_EQUAL(nfv_ipsec_sa_update(t.ips, IN_SA, &o), -EAFNOSUPPORT);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_update(t.ips, OUT_SA, &o), -EAFNOSUPPORT);
	o.dst.family = AF_INET;
	CU_ASSERT_EQUAL(nfv_ipsec_sa_update(t.ips, OUT_SA, &o), -EAFNOSUPPORT);

	/* another inbound SA has this SPI at the new destination */
	test_sa_conf(&c, 3, SPI, NFV_IPSEC_DIR_IN, NFV_IPSEC_MODE_TUNNEL,
		     NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, PEER, US2);
	CU_ASSERT_EQUAL_FATAL(nfv_ipsec_sa_add(t.ips, &c), 0);
	twin = t.ips->sas[3];
	/* moved once (US's key in its grace), refused the second time */
	CU_ASSERT_EQUAL(mob_update(&t, IN_SA, PEER, US3, false), 0);
	CU_ASSERT_EQUAL(mob_update(&t, IN_SA, PEER, US2, false), -EADDRINUSE);
	CU_ASSERT(mob_sad(&t, US) == in);
	CU_ASSERT(mob_sad(&t, US3) == in);
	CU_ASSERT(mob_sad(&t, US2) == twin);
	CU_ASSERT_EQUAL(nfv_ipsec_sa_info(t.ips, IN_SA, &info), 0);
	inet_pton(AF_INET, US3, us);
	CU_ASSERT_EQUAL(memcmp(info.dst, us, 4), 0);
	test_in_accept(&t, test_esp_sealed(&t));	/* to US: still in the grace */

	CU_ASSERT_EQUAL(mob_update(&t, 40, PEER, US, false), -ENOENT);
	CU_ASSERT_EQUAL(mob_update(&t, 1000, PEER, US, false), -ENOENT);
	test_esp_teardown(&t);
}

int test_mobike_register(void)
{
	NFV_TEST_SUITE("ipsec MOBIKE: SA update", NULL, NULL,
		{ "our address moves: both keys in the grace, then the new one",
		  test_mobike_move },
		{ "moved back, moved again, deleted within the grace", test_mobike_move_again },
		{ "UDP encapsulation turned on and off", test_mobike_encap },
		{ "refused: the family, a key in use, no SA", test_mobike_refused });
	return 0;
}
