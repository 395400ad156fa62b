/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path MTU, tunnel-mode IPv4 without DF: esp-output fragments the inner
 * packet first and each fragment becomes one ESP packet within the path
 * MTU; decrypted, the fragments reassemble to the original packet.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_ip.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"
#include "test_esp_mtu.h"

#define FRAG_N 8

/* Reassembles IPv4 fragments by hand and compares with orig; failed checks. */
static unsigned int frag_reassemble(struct rte_mbuf **f, unsigned int n,
				    const uint8_t *orig, uint16_t len)
{
	uint8_t out[2048] = { 0 };
	unsigned int bad = 0, i;
	uint32_t data = 0, end = 0;
	struct rte_ipv4_hdr *ip;

	for (i = 0; i < n; i++) {
		uint16_t fo, tl;

		ip = rte_pktmbuf_mtod(f[i], struct rte_ipv4_hdr *);
		fo = ntohs(ip->fragment_offset);
		tl = ntohs(ip->total_length);
		bad += f[i]->pkt_len != tl || f[i]->nb_segs != 1;
		bad += rte_ipv4_cksum(ip) != 0;		/* a valid header checksum */
		bad += ip->packet_id != htons(0x1234);
		/* every fragment but the last has MF and 8-byte aligned data */
		bad += !!(fo & RTE_IPV4_HDR_MF_FLAG) != (i + 1 < n);
		bad += i + 1 < n && (tl - 20) % 8 != 0;
		bad += (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) * 8 != data;
		if (bad || 20 + data + tl - 20 > sizeof(out))
			return bad + 1;
		memcpy(out + 20 + data, (uint8_t *)ip + 20, tl - 20);
		data += tl - 20;
	}
	end = 20 + data;
	/* the header of the first fragment, made whole again */
	ip = rte_pktmbuf_mtod(f[0], struct rte_ipv4_hdr *);
	memcpy(out, ip, 20);
	ip = (struct rte_ipv4_hdr *)out;
	ip->total_length = htons(end);
	ip->fragment_offset = 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	bad += end != len;
	bad += memcmp(out, orig, len) != 0;
	return bad;
}

static void frag_case(enum nfv_ipsec_cipher c, enum nfv_ipsec_auth a, uint8_t outer,
		      bool natt, uint16_t mtu, uint16_t len, unsigned int n,
		      const uint16_t *esp_len)
{
	struct rte_mbuf *f[FRAG_N];
	struct nfv_ipsec_sa_stats st;
	uint32_t inner_bytes = 0;
	struct test_esp t;
	struct mtu_rec rec;
	uint8_t buf[2048];
	struct rte_mbuf *m;
	unsigned int i;

	mtu_setup(&t, &rec);
	mtu_pair(&t, NFV_IPSEC_MODE_TUNNEL, c, a, outer, AF_INET, natt, mtu);
	m = mtu_pkt(buf, NFV_IPSEC_MODE_TUNNEL, outer, AF_INET, len, false);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
	CU_ASSERT_EQUAL(rec.calls, 0);
	for (i = 0; i < n; i++) {
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->pkt_len, esp_len[i]);
		CU_ASSERT(m->pkt_len <= mtu);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->family, outer);
		CU_ASSERT_EQUAL(test_run_input(&t, m), NFV_STOLEN);
		f[i] = test_take(&t, NFV_INJECT_PRE_ROUTING);
		CU_ASSERT_FATAL(f[i] != NULL);
		CU_ASSERT_EQUAL(nfv_mbuf_meta(f[i])->family, AF_INET);
		inner_bytes += f[i]->pkt_len;
	}
	CU_ASSERT_PTR_NULL(test_take(&t, NFV_INJECT_LOCAL_OUT));
	CU_ASSERT_EQUAL(frag_reassemble(f, n, buf, len), 0);
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(f[i]);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 1, &st) == 0);
	CU_ASSERT(st.packets == n && st.bytes == inner_bytes);
	CU_ASSERT(nfv_ipsec_sa_stats(t.ips, 2, &st) == 0);
	CU_ASSERT(st.packets == n && st.bytes == inner_bytes);
	mtu_teardown(&t, &rec);
}

/*
 * Fragment data is floor(inner_mtu - 20, 8) bytes (RFC 791); each ESP packet
 * is outer + [UDP] + 8 + IV + (fragment + 2 padded to align) + ICV.
 */
static void test_frag_gcm_v4(void)
{
	/* inner_mtu 946 (test_esp_mtu.c): 920-byte pieces of 1980: 920, 920,
	 * 140; fragments 940, 940, 160; ESP 20 + 8 + 8 + 944 + 16 = 996 and
	 * 20 + 8 + 8 + 164 + 16 = 216 */
	static const uint16_t esp[] = { 996, 996, 216 };

	frag_case(NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, AF_INET, false,
		  1000, 2000, 3, esp);
}

static void test_frag_cbc_4in6(void)
{
	/* 1280 - (40 + 8 + 16 + 16) = 1200, aligned 16, - 2: inner_mtu 1198;
	 * pieces of floor(1178, 8) = 1176: 1176, 804; fragments 1196, 824;
	 * ESP 40 + 8 + 16 + 1200 + 16 = 1280 and 40 + 8 + 16 + 832 + 16 = 912 */
	static const uint16_t esp[] = { 1280, 912 };

	frag_case(NFV_IPSEC_AES_CBC_256, NFV_IPSEC_HMAC_SHA256_128, AF_INET6, false,
		  1280, 2000, 2, esp);
}

static void test_frag_natt(void)
{
	/* 576 - (20 + 8 + 8 + 8 + 16) = 516, - 2: inner_mtu 514; pieces of 488
	 * of 1380: 488, 488, 404; fragments 508, 508, 424; ESP 20 + 8 + 8 + 8 +
	 * 512 + 16 = 572 and 20 + 8 + 8 + 8 + 428 + 16 = 488 */
	static const uint16_t esp[] = { 572, 572, 488 };

	frag_case(NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE, AF_INET, true,
		  576, 1400, 3, esp);
}

/* More fragments than ESP_FRAG_MAX: refused whole, nothing leaks. */
static void test_frag_too_many(void)
{
	struct test_esp t;
	struct mtu_rec rec;
	uint8_t buf[2048];
	struct rte_mbuf *m;

	/* 300 - 52 = 248, - 2 = 246: pieces of 224, 1980 bytes need 9 */
	mtu_setup(&t, &rec);
	mtu_pair(&t, NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, NFV_IPSEC_AUTH_NONE,
		 AF_INET, AF_INET, false, 300);
	CU_ASSERT_EQUAL(esp_mtu_inner_max(esp_sa_get(t.ips, 1), 20), 246);
	m = mtu_pkt(buf, NFV_IPSEC_MODE_TUNNEL, AF_INET, AF_INET, 2000, false);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
	CU_ASSERT_EQUAL(test_drops(&t, NFV_DR_ESP_FRAG_FAILED), 1);
	CU_ASSERT_PTR_NULL(test_take(&t, NFV_INJECT_LOCAL_OUT));
	CU_ASSERT_EQUAL(rec.calls, 0);
	/* 8 pieces of 224 (1792 bytes + 20) still go */
	m = mtu_pkt(buf, NFV_IPSEC_MODE_TUNNEL, AF_INET, AF_INET, 1812, false);
	CU_ASSERT_EQUAL(test_run_output(&t, m), NFV_STOLEN);
	for (int i = 0; i < ESP_FRAG_MAX; i++) {
		m = test_take(&t, NFV_INJECT_LOCAL_OUT);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(m->pkt_len, 20 + 8 + 8 + 248 + 16);	/* 244 + 2 = 246 -> 248 */
		rte_pktmbuf_free(m);
	}
	CU_ASSERT_PTR_NULL(test_take(&t, NFV_INJECT_LOCAL_OUT));
	mtu_teardown(&t, &rec);
}

int test_frag_register(void)
{
	NFV_TEST_SUITE("esp_frag", NULL, NULL,
		{ "AES-GCM 4-in-4: fragments, decrypt, reassemble", test_frag_gcm_v4 },
		{ "AES-CBC+HMAC 4-in-6 at 1280", test_frag_cbc_4in6 },
		{ "NAT-T at 576", test_frag_natt },
		{ "more than ESP_FRAG_MAX fragments", test_frag_too_many });
	return 0;
}
