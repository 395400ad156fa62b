/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-gen --esp (gen_esp.c on hooks/ipsec): SA specs are checked, and a
 * built burst comes out as ESP frames of the SA: Ethernet kept, outer
 * header, SPI, sequence numbers from 1, sizes RFC 4303 gives. That they
 * decrypt is tests/smoke/gen_esp_test.sh's part (scapy).
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nfv_gen.h"
#include "nfv_test.h"

static struct rte_mempool *mp;
static const struct nfv_gen_encap *esp;

#define GCM_KEY "00112233445566778899aabbccddeeff01020304"

static void test_registered(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(esp);
	CU_ASSERT(esp->mbuf_priv_size > 0);
	CU_ASSERT_PTR_NULL(nfv_gen_encap_find("no-such"));
}

static void test_bad_specs(void)
{
	static const char *const bad[] = {
		"",
		"key=" GCM_KEY ",src=192.0.2.1,dst=192.0.2.2",		/* no spi */
		"spi=4097,src=192.0.2.1,dst=192.0.2.2",			/* no key */
		"spi=4097,key=0011zz,src=192.0.2.1,dst=192.0.2.2",		/* not hex */
		"spi=4097,key=001,src=192.0.2.1,dst=192.0.2.2",		/* odd */
		"spi=4097,key=" GCM_KEY ",src=192.0.2.1",			/* no dst */
		"spi=4097,key=" GCM_KEY ",src=192.0.2.1,dst=2001:db8::1",	/* mixed */
		"spi=4097,key=" GCM_KEY ",cipher=rot13,src=192.0.2.1,dst=192.0.2.2",
		"spi=4097,key=" GCM_KEY ",colour=blue,src=192.0.2.1,dst=192.0.2.2",
		"spi=0,key=" GCM_KEY ",src=192.0.2.1,dst=192.0.2.2",
		"spi=255,key=" GCM_KEY ",src=192.0.2.1,dst=192.0.2.2",	/* reserved */
		"spi=4097,key=" GCM_KEY ",transport",			/* no dst */
		"spi=4097,key=0011,src=192.0.2.1,dst=192.0.2.2",		/* short key */
	};
	unsigned int i;
	void *priv;

	CU_ASSERT_PTR_NOT_NULL_FATAL(esp);
	/* the control: the same spec, complete, is taken */
	CU_ASSERT_EQUAL_FATAL(esp->init(&priv, "spi=4097,key=" GCM_KEY
					",src=192.0.2.1,dst=192.0.2.2", mp), 0);
	esp->fini(priv);
	for (i = 0; i < RTE_DIM(bad); i++) {
		priv = (void *)1;
		CU_ASSERT(esp->init(&priv, bad[i], mp) < 0);
		CU_ASSERT_PTR_NULL(priv);
		if (priv != NULL && priv != (void *)1)
			esp->fini(priv);
	}
}

/* Builds 8 frames of family with sizes, encapsulates them and checks. */
static void check_burst(int family, const char *spec, int outer, const char *osrc,
			const char *odst, uint32_t spi, uint16_t trailer_align)
{
	struct nfv_gen_flow_conf fc = { .family = family, .nflows = 3 };
	struct rte_mbuf *pkts[8];
	uint16_t inner_len[8];
	struct nfv_gen_sizes sizes;
	struct nfv_gen_tmpl t;
	struct nfv_gen_tx tx;
	uint8_t want_src[16], want_dst[16];
	unsigned int ohl = outer == AF_INET ? 20 : 40;
	uint16_t n, i;
	void *priv = NULL;

	CU_ASSERT_FATAL(nfv_gen_addr_range_parse(family == AF_INET ? "10.0.0.0/24" :
						 "fd00::/120", family, &fc.src) == 0);
	CU_ASSERT_FATAL(nfv_gen_addr_range_parse(family == AF_INET ? "10.1.0.1" : "fd01::1",
						 family, &fc.dst) == 0);
	CU_ASSERT_FATAL(nfv_gen_port_range_parse("1024-1030", &fc.sport) == 0);
	CU_ASSERT_FATAL(nfv_gen_port_range_parse("5000", &fc.dport) == 0);
	rte_ether_unformat_addr("02:00:00:00:00:02", &fc.dmac);
	rte_ether_unformat_addr("02:00:00:00:00:01", &fc.smac);
	CU_ASSERT_FATAL(nfv_gen_sizes_parse(family == AF_INET ? "64,570,1518" : "84,570,1518",
					    &sizes) == 0);
	CU_ASSERT_FATAL(nfv_gen_tmpl_init(&t, &fc, &sizes) == 0);
	CU_ASSERT_FATAL(nfv_gen_tx_init(&tx, &t, mp, 0, UINT64_MAX, 1000) == 0);
	CU_ASSERT_EQUAL_FATAL(esp->init(&priv, spec, mp), 0);
	inet_pton(outer, osrc, want_src);
	inet_pton(outer, odst, want_dst);

	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(mp, pkts, 8) == 0);
	nfv_gen_tx_build(&tx, pkts, 8, 0);
	for (i = 0; i < 8; i++)
		inner_len[i] = pkts[i]->pkt_len - RTE_ETHER_HDR_LEN;
	n = esp->process(priv, pkts, 8);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	for (i = 0; i < n; i++) {
		const uint8_t *d = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		const uint8_t *ip = d + RTE_ETHER_HDR_LEN, *e = ip + ohl;
		uint32_t be_spi, be_seq, payload;

		CU_ASSERT(memcmp(d, &fc.dmac, 6) == 0 && memcmp(d + 6, &fc.smac, 6) == 0);
		CU_ASSERT_EQUAL((d[12] << 8 | d[13]), outer == AF_INET ?
				RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
		if (outer == AF_INET) {
			CU_ASSERT_EQUAL(ip[0], 0x45);
			CU_ASSERT_EQUAL(ip[9], IPPROTO_ESP);
			CU_ASSERT(memcmp(ip + 12, want_src, 4) == 0);
			CU_ASSERT(memcmp(ip + 16, want_dst, 4) == 0);
			CU_ASSERT_EQUAL((uint32_t)(ip[2] << 8 | ip[3]), pkts[i]->pkt_len - RTE_ETHER_HDR_LEN);
			/* a valid header sums to 0xffff, whose complement is 0 */
			CU_ASSERT_EQUAL(rte_ipv4_cksum((const struct rte_ipv4_hdr *)ip), 0);
		} else {
			CU_ASSERT_EQUAL(ip[0] >> 4, 6);
			CU_ASSERT_EQUAL(ip[6], IPPROTO_ESP);
			CU_ASSERT(memcmp(ip + 8, want_src, 16) == 0);
			CU_ASSERT(memcmp(ip + 24, want_dst, 16) == 0);
			CU_ASSERT_EQUAL((uint32_t)(ip[4] << 8 | ip[5]),
					pkts[i]->pkt_len - RTE_ETHER_HDR_LEN - 40);
		}
		memcpy(&be_spi, e, 4);
		memcpy(&be_seq, e + 4, 4);
		CU_ASSERT_EQUAL(ntohl(be_spi), spi);
		CU_ASSERT_EQUAL(ntohl(be_seq), i + 1u);
		/* ESP header, IV, inner, padding to the block, pad length, next header, ICV */
		payload = pkts[i]->pkt_len - RTE_ETHER_HDR_LEN - ohl - 8;
		CU_ASSERT(payload >= inner_len[i] + 2u + 16u);
		CU_ASSERT(payload <= inner_len[i] + 2u + 16u + 16u + trailer_align);
	}
	rte_pktmbuf_free_bulk(pkts, n);
	esp->fini(priv);
	nfv_gen_tx_fini(&tx);
	nfv_gen_tmpl_fini(&t);
}

static void test_gcm_v4_in_v4(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(esp);
	check_burst(AF_INET, "spi=0x1001,key=" GCM_KEY ",src=192.0.2.1,dst=192.0.2.2",
		    AF_INET, "192.0.2.1", "192.0.2.2", 0x1001, 4);
}

static void test_cbc_v6_in_v6(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(esp);
	check_burst(AF_INET6, "spi=770,cipher=aes-cbc-128,key=000102030405060708090a0b0c0d0e0f,"
		    "auth=hmac-sha256-128,auth-key=0000000000000000000000000000000000000000000000000000000000000007,"
		    "src=2001:db8::1,dst=2001:db8::2",
		    AF_INET6, "2001:db8::1", "2001:db8::2", 770, 16);
}

int main(int argc, char **argv)
{
	nfv_test_eal_init(argv[0]);
	mp = nfv_test_pool("gen_esp", 1023);
	esp = nfv_gen_encap_find("esp");
	if (mp == NULL || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("gen_esp", NULL, NULL,
		{ "registered", test_registered },
		{ "bad SA specs", test_bad_specs },
		{ "AES-GCM tunnel, IPv4 in IPv4", test_gcm_v4_in_v4 },
		{ "AES-CBC+SHA-256 tunnel, IPv6 in IPv6", test_cbc_v6_in_v6 });
	return nfv_test_run();
}
