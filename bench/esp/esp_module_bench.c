/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESP module alone, without ports or pipeline: cycles per packet of
 * the esp-output and esp-input entries on bursts of 32 packets in cache,
 * AES-128-GCM tunnel (4-in-4). Next to esp_raw (the crypto alone) it
 * shows the module's own cost (SPD, SA, framing, batch), which
 * bench/esp/run.sh cannot separate from the pipeline.
 *
 *   esp_module_bench [SIZE] [ROUNDS] [out|in|both] [POLICIES] [acl|walk]
 *                     (defaults 64 bytes, 200000 bursts, both directions,
 *                      no other policy, the classifier when one is built)
 *
 * POLICIES adds that many host-to-host policies per direction ahead of the
 * one the traffic matches (a remote-access concentrator's SPD): "acl" lets
 * the SPD build its rte_acl classifier (from 16 policies on), "walk" keeps
 * the walk of every policy, to compare.
 *
 * Rebuilding the packets between rounds costs the same in every mode and
 * is measured alone and subtracted.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_udp.h>

#include "esp.h"
#include "nfv_hook_table.h"
#include "nfv_ipsec.h"
#include "nfv_mbuf.h"

#define BURST 32

static uint8_t inner[2048];
static uint16_t inner_len;
static uint8_t sealed[BURST][2048];
static uint16_t sealed_len[BURST];

static void addr4(struct nfv_addr *a, uint32_t host)
{
	uint32_t be = rte_cpu_to_be_32(host);

	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	memcpy(a->bytes, &be, 4);
}

static void make_inner(unsigned int size)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)inner;
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	inner_len = size;
	memset(inner, 0x5a, sizeof(inner));
	ip->version_ihl = 0x45;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(size);
	ip->packet_id = 0;
	ip->fragment_offset = 0;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000005);
	ip->dst_addr = rte_cpu_to_be_32(0x64000009);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(1000);
	udp->dst_port = rte_cpu_to_be_16(9);
	udp->dgram_len = rte_cpu_to_be_16(size - 20);
	udp->dgram_cksum = 0;
}

/* Puts data back into the burst as if it had just been received. */
static void refill(struct rte_mbuf **m, bool enc)
{
	for (unsigned int i = 0; i < BURST; i++) {
		const uint8_t *src = enc ? inner : sealed[i];
		uint16_t len = enc ? inner_len : sealed_len[i];

		rte_pktmbuf_reset(m[i]);
		memcpy(rte_pktmbuf_append(m[i], len), src, len);
		nfv_mbuf_meta_reset(m[i], 0);
		nfv_mbuf_meta(m[i])->family = AF_INET;
	}
}

static int setup(struct nfv_ipsec **ips, struct nfv_hook_table *t)
{
	struct nfv_ipsec_conf conf = { .nb_workers = 1, .max_sa = 8 };
	struct nfv_ipsec_sa_conf sa;
	struct nfv_ipsec_sp_conf sp;
	struct rte_rcu_qsbr *q;

	q = rte_zmalloc("bench_qsbr", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	if (q == NULL || rte_rcu_qsbr_init(q, 1) != 0)
		return -1;
	conf.qsbr = q;
	if (nfv_ipsec_init(ips, &conf) < 0)
		return -1;
	t->nb_workers = 1;
	memset(&sa, 0, sizeof(sa));
	sa.id = 1;
	sa.spi = 0x1001;
	sa.reqid = 1;
	sa.dir = NFV_IPSEC_DIR_OUT;
	sa.mode = NFV_IPSEC_MODE_TUNNEL;
	sa.cipher = NFV_IPSEC_AES_GCM_128;
	sa.auth = NFV_IPSEC_AUTH_NONE;
	sa.key_len = 20;
	for (unsigned int i = 0; i < sa.key_len; i++)
		sa.key[i] = i;
	addr4(&sa.src, 0xc0000201);
	addr4(&sa.dst, 0xc00002c8);
	if (nfv_ipsec_sa_add(*ips, &sa) < 0)
		return -1;
	/* the inbound twin: same keys, the local end is dst */
	sa.id = 2;
	sa.dir = NFV_IPSEC_DIR_IN;
	sa.no_replay = true;	/* the same packets come back every round */
	if (nfv_ipsec_sa_add(*ips, &sa) < 0)
		return -1;
	memset(&sp, 0, sizeof(sp));
	sp.family = AF_INET;
	sp.src.addr.family = sp.dst.addr.family = AF_INET;
	sp.action = NFV_IPSEC_PROTECT;
	sp.id = 1;
	sp.dir = NFV_IPSEC_DIR_OUT;
	sp.sa_id = 1;
	if (nfv_ipsec_sp_add(*ips, &sp) < 0)
		return -1;
	sp.dir = NFV_IPSEC_DIR_IN;
	sp.reqid = 1;
	return nfv_ipsec_sp_add(*ips, &sp);
}

/*
 * n policies per direction before the matching one (priority -1): one
 * peer each, 172.16.0.0/12 to 172.32.0.0/12 host to host, never matched.
 */
static int add_fillers(struct nfv_ipsec *ips, unsigned int n)
{
	struct nfv_ipsec_sp_conf sp;

	for (unsigned int i = 0; i < n; i++) {
		memset(&sp, 0, sizeof(sp));
		sp.family = AF_INET;
		sp.priority = -1;
		sp.action = NFV_IPSEC_PROTECT;
		sp.sa_id = 1;
		sp.reqid = 1;
		addr4(&sp.src.addr, 0xac100000 + i);
		addr4(&sp.dst.addr, 0xac200000 + i);
		sp.src.len = sp.dst.len = 32;
		for (unsigned int d = 0; d < 2; d++) {
			sp.id = 1000 + 2 * i + d;
			sp.dir = d ? NFV_IPSEC_DIR_IN : NFV_IPSEC_DIR_OUT;
			if (nfv_ipsec_sp_add(ips, &sp) < 0)
				return -1;
		}
	}
	return 0;
}

/* Takes back what the entry injected, so that the burst can run again. */
static unsigned int take_back(struct nfv_hook_table *t, enum nfv_inject_point p,
			      struct rte_mbuf **m)
{
	struct nfv_inject_queue *q = &t->inject[0][p];
	unsigned int n = q->n;

	memcpy(m, q->pkts, n * sizeof(m[0]));
	q->n = 0;
	return n;
}

int main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "-m", "1024", "--no-pci", "--no-shconf",
			"--log-level", "lib.eal:error", "-l", "0" };
	unsigned int size = argc > 1 ? (unsigned int)atoi(argv[1]) : 64;
	unsigned long rounds = argc > 2 ? strtoul(argv[2], NULL, 0) : 200000;
	struct nfv_hook_state st = { .worker = 0 };
	struct rte_mbuf *m[BURST];
	uint32_t v[BURST];
	struct nfv_hook_table *t;
	struct rte_mempool *mp;
	struct nfv_ipsec *ips;
	const char *dirs = argc > 3 ? argv[3] : "both";
	unsigned int npol = argc > 4 ? (unsigned int)atoi(argv[4]) : 0;
	bool walk = argc > 5 && strcmp(argv[5], "walk") == 0;
	size_t acl_bytes = 0;
	uint64_t c0, reset_enc, reset_dec, enc = 0, dec = 0;

	if (rte_eal_init(RTE_DIM(eal), eal) < 0 || size < 28 || size > 1500)
		return 1;
	mp = rte_pktmbuf_pool_create("bench", 1024, 0, NFV_MBUF_PRIV_SIZE,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	t = calloc(1, sizeof(*t));
	if (mp == NULL || t == NULL || setup(&ips, t) < 0 ||
	    rte_pktmbuf_alloc_bulk(mp, m, BURST) != 0)
		return 1;
	st.table = t;
	if (add_fillers(ips, npol) < 0)
		return 1;
	if (!walk) {
		struct rte_malloc_socket_stats a, b;

		rte_malloc_get_socket_stats(rte_socket_id(), &a);
		nfv_ipsec_spd_sync(ips);
		rte_malloc_get_socket_stats(rte_socket_id(), &b);
		acl_bytes = b.heap_allocsz_bytes - a.heap_allocsz_bytes;
	}
	make_inner(size);

	/* one encrypted burst, kept as the input of decryption */
	refill(m, true);
	st.hook = NFV_INET_POST_ROUTING;
	st.now = rte_rdtsc();
	esp_output_process(ips, m, BURST, v, &st);
	if (take_back(t, NFV_INJECT_LOCAL_OUT, m) != BURST)
		return 1;
	for (unsigned int i = 0; i < BURST; i++) {
		sealed_len[i] = rte_pktmbuf_pkt_len(m[i]);
		memcpy(sealed[i], rte_pktmbuf_mtod(m[i], void *), sealed_len[i]);
	}

	c0 = rte_rdtsc();
	for (unsigned long r = 0; r < rounds; r++)
		refill(m, true);
	reset_enc = rte_rdtsc() - c0;
	c0 = rte_rdtsc();
	for (unsigned long r = 0; strcmp(dirs, "in") != 0 && r < rounds; r++) {
		refill(m, true);
		st.now = rte_rdtsc();
		esp_output_process(ips, m, BURST, v, &st);
		if (take_back(t, NFV_INJECT_LOCAL_OUT, m) != BURST)
			return 1;
	}
	enc = rte_rdtsc() - c0;

	c0 = rte_rdtsc();
	for (unsigned long r = 0; r < rounds; r++)
		refill(m, false);
	reset_dec = rte_rdtsc() - c0;
	st.hook = NFV_INET_LOCAL_IN;
	c0 = rte_rdtsc();
	for (unsigned long r = 0; strcmp(dirs, "out") != 0 && r < rounds; r++) {
		refill(m, false);
		st.now = rte_rdtsc();
		esp_input_process(ips, m, BURST, v, &st);
		if (take_back(t, NFV_INJECT_PRE_ROUTING, m) != BURST)
			return 1;
	}
	dec = rte_rdtsc() - c0;
	if (strcmp(dirs, "out") != 0 &&
	    memcmp(rte_pktmbuf_mtod(m[0], void *), inner, inner_len) != 0) {
		fprintf(stderr, "decryption did not give the packet back\n");
		return 1;
	}
	printf("size %u, %u more policies (%s, %.1f MiB):", size, npol,
	       npol >= 16 && !walk ? "classifier" : "walk", acl_bytes / 1048576.0);
	if (strcmp(dirs, "in") != 0)
		printf(" esp-output %.1f cycles/packet", (double)(enc - reset_enc) / rounds / BURST);
	if (strcmp(dirs, "out") != 0)
		printf(" esp-input %.1f cycles/packet", (double)(dec - reset_dec) / rounds / BURST);
	printf(" (TSC %.2f GHz, %lu bursts of %d)\n", rte_get_tsc_hz() / 1e9, rounds, BURST);
	rte_pktmbuf_free_bulk(m, BURST);
	return 0;
}
