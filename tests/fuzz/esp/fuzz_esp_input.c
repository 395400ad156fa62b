/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the "esp-input" entry on whatever the fuzzer gives.
 *
 * Byte 0 chooses: bits 0-2 the SA (five inbound SAs: GCM tunnel v4, GCM
 * tunnel v6 + ESN, GCM transport v4 + NAT-T, CBC/SHA-256 tunnel v4,
 * ChaCha20 transport v6), bit 3 "sealed". Raw: the rest is the packet from
 * its L3 header. Sealed (GCM SAs): the rest is a 4-byte sequence number and
 * the ESP plaintext (inner packet, padding, pad length, next header), which
 * the harness encrypts with the SA's key, so that the fuzzer reaches what
 * follows a correct ICV: padding, next header, inner headers, policy.
 * Every packet must come back: freed, dropped or injected; a leaked mbuf
 * aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "esp.h"
#include "nfv_hook_table.h"
#include "nfv_mbuf.h"

#define FUZZ_MAX 1800	/* fits one mbuf segment with the outer headers */

static struct nfv_hook_table *tab;
static struct nfv_ipsec *ips;
static struct rte_mempool *mp;
static IMB_MGR *mgr;
static struct gcm_key_data gkd;

static const uint8_t gcm_key[16] = "fuzz-key-0123456";
static const uint8_t gcm_salt[4] = { 1, 2, 3, 4 };
static const uint8_t local4[4] = { 192, 0, 2, 1 }, peer4[4] = { 192, 0, 2, 2 };
static const uint8_t local6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

struct fuzz_sa {
	uint8_t family, mode, cipher, natt, esn;
};

static const struct fuzz_sa sas[5] = {
	{ AF_INET, NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, 0, 0 },
	{ AF_INET6, NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_GCM_128, 0, 1 },
	{ AF_INET, NFV_IPSEC_MODE_TRANSPORT, NFV_IPSEC_AES_GCM_128, 1, 0 },
	{ AF_INET, NFV_IPSEC_MODE_TUNNEL, NFV_IPSEC_AES_CBC_128, 0, 0 },
	{ AF_INET6, NFV_IPSEC_MODE_TRANSPORT, NFV_IPSEC_CHACHA20_POLY1305, 0, 0 },
};

static void addr(struct nfv_addr *a, uint8_t family, bool local)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	if (family == AF_INET)
		memcpy(a->bytes, local ? local4 : peer4, 4);
	else
		memcpy(a->bytes, local ? local6 : peer6, 16);
}

static void setup(void)
{
	char prefix[64];
	char *argv[] = {
		"fuzz_esp_input", "--no-huge", "--no-pci", "-m", "256",
		"--log-level", "lib.eal:error", "--file-prefix", prefix,
		"-l", "0", "--no-telemetry",
	};
	struct nfv_ipsec_conf conf = { .nb_workers = 1, .max_sa = 16, .socket_id = SOCKET_ID_ANY };
	unsigned int i;

	snprintf(prefix, sizeof(prefix), "fuzzesp%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv), argv) < 0)
		abort();
	tab = nfv_hook_table_create(1);
	mp = rte_pktmbuf_pool_create("fuzz", 256, 0, NFV_MBUF_PRIV_SIZE,
				     RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (tab == NULL || mp == NULL || nfv_ipsec_init(&ips, &conf) < 0)
		abort();
	for (i = 0; i < RTE_DIM(sas); i++) {
		struct nfv_ipsec_sa_conf c = {
			.id = i, .spi = 0x100 + i, .reqid = 1, .dir = NFV_IPSEC_DIR_IN,
			.mode = sas[i].mode, .cipher = sas[i].cipher, .esn = sas[i].esn,
			.natt = sas[i].natt, .replay_window = 64,
		};

		addr(&c.src, sas[i].family, false);
		addr(&c.dst, sas[i].family, true);
		memset(c.key, 0x5a, sizeof(c.key));
		if (c.cipher == NFV_IPSEC_AES_GCM_128) {
			memcpy(c.key, gcm_key, 16);
			memcpy(c.key + 16, gcm_salt, 4);
			c.key_len = 20;
		} else if (c.cipher == NFV_IPSEC_CHACHA20_POLY1305) {
			c.key_len = 36;
		} else {
			c.key_len = 16;
			c.auth = NFV_IPSEC_HMAC_SHA256_128;
			c.auth_key_len = 32;
			memset(c.auth_key, 0xa5, 32);
		}
		if (nfv_ipsec_sa_add(ips, &c) < 0)
			abort();
	}
	mgr = alloc_mb_mgr(0);
	if (mgr == NULL)
		abort();
	init_mb_mgr_auto(mgr, NULL);
	IMB_AES128_GCM_PRE(mgr, gcm_key, &gkd);
}

/* Outer header (+ UDP for NAT-T) for SA i around len bytes of ESP. */
static uint32_t outer(uint8_t *p, unsigned int i, uint32_t len)
{
	uint32_t udp = sas[i].natt ? 8 : 0;
	uint32_t hl = sas[i].family == AF_INET ? 20 : 40;

	memset(p, 0, hl + udp);
	if (sas[i].family == AF_INET) {
		p[0] = 0x45;
		*(uint16_t *)(p + 2) = htons(hl + udp + len);
		p[8] = 64;
		p[9] = udp ? 17 : 50;
		memcpy(p + 12, peer4, 4);
		memcpy(p + 16, local4, 4);
	} else {
		p[0] = 0x60;
		*(uint16_t *)(p + 4) = htons(udp + len);
		p[6] = udp ? 17 : 50;
		p[7] = 64;
		memcpy(p + 8, peer6, 16);
		memcpy(p + 24, local6, 16);
	}
	if (udp) {
		*(uint16_t *)(p + hl) = htons(4500);
		*(uint16_t *)(p + hl + 2) = htons(4500);
		*(uint16_t *)(p + hl + 4) = htons(8 + len);
	}
	return hl + udp;
}

/* A correct ESP packet of SA i (GCM) around plaintext d[4..n). */
static size_t seal(uint8_t *buf, unsigned int i, const uint8_t *d, size_t n)
{
	struct gcm_context_data ctx;
	uint8_t iv[12], aad[8];
	uint32_t off, seq, spi = htonl(0x100 + i);
	size_t plen;

	if (n < 4 || sas[i].cipher != NFV_IPSEC_AES_GCM_128)
		return 0;
	memcpy(&seq, d, 4);
	plen = n - 4;
	off = outer(buf, i, 8 + 8 + plen + 16);
	memcpy(buf + off, &spi, 4);
	memcpy(buf + off + 4, &seq, 4);
	memcpy(buf + off + 8, d, 4);		/* IV: seq twice */
	memcpy(buf + off + 12, d, 4);
	memcpy(iv, gcm_salt, 4);
	memcpy(iv + 4, buf + off + 8, 8);
	memcpy(aad, &spi, 4);
	memcpy(aad + 4, &seq, 4);
	/* with ESN the AAD is SPI || seq hi || seq lo; hi is 0 at start */
	if (sas[i].esn) {
		uint8_t aad12[12] = { 0 };

		memcpy(aad12, &spi, 4);
		memcpy(aad12 + 8, &seq, 4);
		IMB_AES128_GCM_ENC(mgr, &gkd, &ctx, buf + off + 16, d + 4, plen, iv,
				   aad12, 12, buf + off + 16 + plen, 16);
	} else {
		IMB_AES128_GCM_ENC(mgr, &gkd, &ctx, buf + off + 16, d + 4, plen, iv,
				   aad, 8, buf + off + 16 + plen, 16);
	}
	return off + 16 + plen + 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[FUZZ_MAX + 128];
	struct nfv_hook_state st = {
		.hook = NFV_INET_LOCAL_IN, .worker = 0, .table = NULL,
	};
	struct nfv_inject_queue *q;
	struct rte_mbuf *m;
	uint32_t verdict;
	unsigned int i;
	size_t len;

	if (tab == NULL)
		setup();
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	i = (data[0] & 7) % RTE_DIM(sas);
	if (data[0] & 8) {
		len = seal(buf, i, data + 1, size - 1);
		if (len == 0)
			return 0;
	} else {
		len = size - 1;
		memcpy(buf, data + 1, len);
	}
	m = rte_pktmbuf_alloc(mp);
	if (m == NULL || rte_pktmbuf_append(m, (uint16_t)len) == NULL)
		abort();
	memcpy(rte_pktmbuf_mtod(m, void *), buf, len);
	nfv_mbuf_meta_reset(m, 0);
	nfv_mbuf_meta(m)->family = len && (buf[0] >> 4) == 6 ? AF_INET6 : AF_INET;
	st.table = tab;
	st.now = rte_rdtsc();
	esp_input_process(ips, &m, 1, &verdict, &st);
	if (NFV_VERDICT(verdict) != NFV_STOLEN)
		rte_pktmbuf_free(m);
	for (unsigned int p = 0; p < NFV_INJECT_MAX; p++) {
		q = &tab->inject[0][p];
		for (uint16_t k = 0; k < q->n; k++)
			rte_pktmbuf_free(q->pkts[k]);
		q->n = 0;
	}
	if (rte_mempool_in_use_count(mp) != 0)
		abort();	/* a packet was neither freed nor handed on */
	return 0;
}
