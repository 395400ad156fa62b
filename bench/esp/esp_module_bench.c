/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESP module alone, without ports or pipeline: cycles per packet of
 * the esp-output and esp-input entries on bursts of 32 packets in cache,
 * AES-128-GCM tunnel (4-in-4). Next to esp_raw (the crypto alone) it
 * shows the module's own cost (SPD, SA, framing, batch), which
 * bench/esp/run.sh cannot separate from the pipeline.
 *
 *   esp_module_bench [SIZE] [ROUNDS] [out|in|both] [POLICIES] [acl|walk] [PEERS [SPREAD]]
 *                     (defaults 64 bytes, 200000 bursts, both directions,
 *                      no other policy, the classifier when one is built,
 *                      one SA each way)
 *
 * POLICIES adds that many host-to-host policies per direction ahead of the
 * one the traffic matches (a remote-access concentrator's SPD): "acl" lets
 * the SPD build its rte_acl classifier (from 16 policies on), "walk" keeps
 * the walk of every policy, to compare.
 *
 * PEERS (1 or more) sets the module up as bench/esp/mkpolicy_ra.py's
 * remote-access concentrator instead: per peer an SA each way and a
 * PROTECT policy each way for each of two networks (PEERS 5000: 10,000
 * SAs, 20,000 policies, added in one batch), and spreads the traffic over
 * every peer: the packets of a burst go to (come from) 32 peers in a
 * shuffled order of all of them, so that consecutive packets never share
 * an SA unless PEERS is small. The inbound packets are each peer's own
 * ESP, sealed beforehand by a second module that plays the peers. PEERS 1
 * is the one-SA rate of the same set-up, to compare with; SPREAD sends
 * the traffic to (from) the first SPREAD peers only (the tables' size
 * alone, without the misses of many SAs).
 *
 * Rebuilding the packets between rounds costs the same in every mode and
 * is measured alone and subtracted. Times are the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID) in TSC cycles: on a shared machine the time
 * the bench is not scheduled does not count (the TSC alone would).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The thread's CPU time in TSC cycles. */
static uint64_t cpu_cycles(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)((ts.tv_sec * 1e9 + ts.tv_nsec) * (rte_get_tsc_hz() / 1e9));
}

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

/*
 * The remote-access set-up (PEERS given): peer i has outer address
 * 100.64.i/250.i%250+1 and virtual address 10.200.i/250.i%250+1, as
 * mkpolicy_ra.py; the concentrator is 198.51.100.10 and the traffic's
 * inside host 10.0.0.5.
 */
struct ra {
	unsigned int peers;
	unsigned int spread;		/* the traffic's peers: 0 .. spread-1 */
	uint32_t *order;		/* [ROUNDS_ORDER]: the peer of each packet */
	uint8_t (*clear)[2048];		/* [peers]: 10.0.0.5 -> va */
	uint8_t (*sealed)[2048];	/* [peers]: ESP of va -> 10.0.0.5 */
	uint16_t *sealed_len;
	uint16_t clear_len;
};

#define RA_ORDER (1u << 16)	/* the order of peers repeats after this many packets */

static uint32_t ra_host(uint8_t a, uint8_t b, unsigned int i)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (i / 250) << 8 | (i % 250 + 1);
}

static void ra_key(struct nfv_ipsec_sa_conf *sa, unsigned int i)
{
	sa->key_len = 20;
	for (unsigned int b = 0; b < sa->key_len; b++)
		sa->key[b] = (uint8_t)(i * 7 + b);
}

static void ra_sa(struct nfv_ipsec_sa_conf *sa, uint32_t id, uint32_t spi,
		  enum nfv_ipsec_dir dir, uint32_t src, uint32_t dst, unsigned int peer)
{
	memset(sa, 0, sizeof(*sa));
	sa->id = id;
	sa->spi = spi;
	sa->reqid = peer + 1;
	sa->dir = dir;
	sa->mode = NFV_IPSEC_MODE_TUNNEL;
	sa->cipher = NFV_IPSEC_AES_GCM_128;
	sa->auth = NFV_IPSEC_AUTH_NONE;
	/* the same packets come back every round */
	sa->no_replay = dir == NFV_IPSEC_DIR_IN;
	ra_key(sa, peer);
	addr4(&sa->src, src);
	addr4(&sa->dst, dst);
}

static void ra_sp(struct nfv_ipsec_sp_conf *sp, uint32_t id, enum nfv_ipsec_dir dir,
		  uint32_t src, uint8_t slen, uint32_t dst, uint8_t dlen)
{
	memset(sp, 0, sizeof(*sp));
	sp->id = id;
	sp->dir = dir;
	sp->family = AF_INET;
	sp->action = NFV_IPSEC_PROTECT;
	addr4(&sp->src.addr, src);
	addr4(&sp->dst.addr, dst);
	sp->src.len = slen;
	sp->dst.len = dlen;
}

static struct nfv_ipsec *ra_module(unsigned int max_sa)
{
	struct nfv_ipsec_conf conf = { .nb_workers = 1, .max_sa = max_sa };
	struct rte_rcu_qsbr *q;
	struct nfv_ipsec *ips;

	q = rte_zmalloc("bench_qsbr", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	if (q == NULL || rte_rcu_qsbr_init(q, 1) != 0)
		return NULL;
	conf.qsbr = q;
	return nfv_ipsec_init(&ips, &conf) < 0 ? NULL : ips;
}

/* The concentrator: SAs 2i (out) and 2i+1 (in), four policies a peer, one batch. */
static int ra_setup(struct nfv_ipsec **out, unsigned int peers)
{
	const uint32_t gw = 0xc633640a, nets[2] = { 0x0a000000, 0xac100000 };
	const uint8_t nlen[2] = { 8, 12 };
	struct nfv_ipsec_sp_conf *sps = calloc(4 * peers, sizeof(*sps));
	struct nfv_ipsec_sa_conf sa;
	struct nfv_ipsec *ips = ra_module(2 * peers);
	uint32_t n = 0;
	int rc = -1;

	if (sps == NULL || ips == NULL)
		goto out;
	for (unsigned int i = 0; i < peers; i++) {
		ra_sa(&sa, 2 * i, 0x20000 + i, NFV_IPSEC_DIR_OUT, gw, ra_host(100, 64, i), i);
		if (nfv_ipsec_sa_add(ips, &sa) < 0)
			goto out;
		ra_sa(&sa, 2 * i + 1, 0x10000 + i, NFV_IPSEC_DIR_IN, ra_host(100, 64, i), gw, i);
		if (nfv_ipsec_sa_add(ips, &sa) < 0)
			goto out;
		for (unsigned int k = 0; k < 2; k++) {
			/* ids apart from the fillers' */
			ra_sp(&sps[n], (1u << 30) + n, NFV_IPSEC_DIR_OUT, nets[k], nlen[k],
			      ra_host(10, 200, i), 32);
			sps[n++].sa_id = 2 * i;
			ra_sp(&sps[n], (1u << 30) + n, NFV_IPSEC_DIR_IN, ra_host(10, 200, i), 32,
			      nets[k], nlen[k]);
			sps[n++].reqid = i + 1;
		}
	}
	rc = nfv_ipsec_sp_add_bulk(ips, sps, n);
	*out = ips;
out:
	free(sps);
	return rc;
}

static void ra_inner(uint8_t *p, unsigned int size, uint32_t src, uint32_t dst)
{
	make_inner(size);
	memcpy(p, inner, size);
	((struct rte_ipv4_hdr *)p)->src_addr = rte_cpu_to_be_32(src);
	((struct rte_ipv4_hdr *)p)->dst_addr = rte_cpu_to_be_32(dst);
	((struct rte_ipv4_hdr *)p)->hdr_checksum = 0;
	((struct rte_ipv4_hdr *)p)->hdr_checksum = rte_ipv4_cksum((struct rte_ipv4_hdr *)p);
}

/*
 * The packets: each peer's cleartext, and its ESP made by a module that
 * plays the peers (SA i: the concentrator's inbound SA i, policy va_i ->
 * any); and the shuffled order of peers.
 */
static int ra_traffic(struct ra *ra, unsigned int size, struct rte_mempool *mp)
{
	struct nfv_hook_table *t = calloc(1, sizeof(*t));
	struct nfv_hook_state st = { .worker = 0, .hook = NFV_INET_POST_ROUTING };
	struct nfv_ipsec *peer = ra_module(ra->peers);
	struct nfv_ipsec_sp_conf *sps = calloc(ra->peers, sizeof(*sps));
	struct nfv_ipsec_sa_conf sa;
	struct rte_mbuf *m[BURST];
	uint32_t v[BURST], seed = 12345;

	ra->order = malloc(RA_ORDER * sizeof(ra->order[0]));
	ra->clear = malloc(ra->peers * sizeof(ra->clear[0]));
	ra->sealed = malloc(ra->peers * sizeof(ra->sealed[0]));
	ra->sealed_len = malloc(ra->peers * sizeof(ra->sealed_len[0]));
	if (t == NULL || peer == NULL || sps == NULL || ra->order == NULL ||
	    ra->clear == NULL || ra->sealed == NULL || ra->sealed_len == NULL)
		return -1;
	t->nb_workers = 1;
	st.table = t;
	ra->clear_len = size;
	for (unsigned int i = 0; i < ra->peers; i++) {
		ra_sa(&sa, i, 0x10000 + i, NFV_IPSEC_DIR_OUT, ra_host(100, 64, i), 0xc633640a, i);
		if (nfv_ipsec_sa_add(peer, &sa) < 0)
			return -1;
		ra_sp(&sps[i], i + 1, NFV_IPSEC_DIR_OUT, ra_host(10, 200, i), 32, 0, 0);
		sps[i].sa_id = i;
		ra_inner(ra->clear[i], size, 0x0a000005, ra_host(10, 200, i));
	}
	if (nfv_ipsec_sp_add_bulk(peer, sps, ra->peers) < 0)
		return -1;
	nfv_ipsec_spd_sync(peer);
	for (unsigned int i = 0; i < ra->peers; i += BURST) {
		unsigned int k = RTE_MIN((unsigned int)BURST, ra->peers - i);

		if (rte_pktmbuf_alloc_bulk(mp, m, k) != 0)
			return -1;
		for (unsigned int j = 0; j < k; j++) {
			ra_inner(rte_pktmbuf_mtod(m[j], uint8_t *), size, ra_host(10, 200, i + j),
				 0x0a000005);
			rte_pktmbuf_append(m[j], size);
			nfv_mbuf_meta_reset(m[j], 0);
			nfv_mbuf_meta(m[j])->family = AF_INET;
		}
		st.now = rte_rdtsc();
		esp_output_process(peer, m, k, v, &st);
		if (take_back(t, NFV_INJECT_LOCAL_OUT, m) != k)
			return -1;
		for (unsigned int j = 0; j < k; j++) {
			ra->sealed_len[i + j] = rte_pktmbuf_pkt_len(m[j]);
			memcpy(ra->sealed[i + j], rte_pktmbuf_mtod(m[j], void *),
			       ra->sealed_len[i + j]);
		}
		rte_pktmbuf_free_bulk(m, k);
	}
	/* every peer once per pass, each pass shuffled (Fisher-Yates) */
	for (uint32_t base = 0; base < RA_ORDER; base += ra->spread) {
		uint32_t n = RTE_MIN(ra->spread, RA_ORDER - base);

		for (uint32_t i = 0; i < n; i++)
			ra->order[base + i] = i;
		for (uint32_t i = n; i > 1; i--) {
			uint32_t j;

			seed = seed * 1103515245u + 12345u;
			j = (seed >> 8) % i;
			RTE_SWAP(ra->order[base + i - 1], ra->order[base + j]);
		}
	}
	nfv_ipsec_fini(peer);
	free(sps);
	free(t);
	return 0;
}

/* Round r's burst of the remote-access traffic, as if just received. */
static void ra_refill(const struct ra *ra, struct rte_mbuf **m, bool enc, unsigned long r)
{
	for (unsigned int i = 0; i < BURST; i++) {
		uint32_t peer = ra->order[(r * BURST + i) % RA_ORDER];
		const uint8_t *src = enc ? ra->clear[peer] : ra->sealed[peer];
		uint16_t len = enc ? ra->clear_len : ra->sealed_len[peer];

		rte_pktmbuf_reset(m[i]);
		memcpy(rte_pktmbuf_append(m[i], len), src, len);
		nfv_mbuf_meta_reset(m[i], 0);
		nfv_mbuf_meta(m[i])->family = AF_INET;
	}
}

static struct ra ra_state;

/* The burst of round r: the one-SA bench's, or the remote-access traffic. */
static void burst_fill(struct rte_mbuf **m, bool enc, unsigned long r)
{
	if (ra_state.peers)
		ra_refill(&ra_state, m, enc, r);
	else
		refill(m, enc);
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
	unsigned int peers = argc > 6 ? (unsigned int)atoi(argv[6]) : 0;
	size_t acl_bytes = 0;
	uint64_t c0, reset_enc, reset_dec, enc = 0, dec = 0;

	if (rte_eal_init(RTE_DIM(eal), eal) < 0 || size < 28 || size > 1500)
		return 1;
	mp = rte_pktmbuf_pool_create("bench", 1024, 0, NFV_MBUF_PRIV_SIZE,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	t = calloc(1, sizeof(*t));
	if (mp == NULL || t == NULL)
		return 1;
	t->nb_workers = 1;
	ra_state.peers = peers;
	ra_state.spread = argc > 7 ? (unsigned int)atoi(argv[7]) : peers;
	if (ra_state.spread == 0 || ra_state.spread > peers)
		ra_state.spread = peers;
	if ((peers ? ra_setup(&ips, peers) : setup(&ips, t)) < 0 ||
	    (peers && ra_traffic(&ra_state, size, mp) < 0) ||
	    rte_pktmbuf_alloc_bulk(mp, m, BURST) != 0) {
		fprintf(stderr, "set-up failed\n");
		return 1;
	}
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
	st.hook = NFV_INET_POST_ROUTING;
	for (unsigned int k = 0; peers == 0 && k < 1; k++) {
		refill(m, true);
		st.now = rte_rdtsc();
		esp_output_process(ips, m, BURST, v, &st);
		if (take_back(t, NFV_INJECT_LOCAL_OUT, m) != BURST)
			return 1;
		for (unsigned int i = 0; i < BURST; i++) {
			sealed_len[i] = rte_pktmbuf_pkt_len(m[i]);
			memcpy(sealed[i], rte_pktmbuf_mtod(m[i], void *), sealed_len[i]);
		}
	}

	c0 = cpu_cycles();
	for (unsigned long r = 0; r < rounds; r++)
		burst_fill(m, true, r);
	reset_enc = cpu_cycles() - c0;
	c0 = cpu_cycles();
	for (unsigned long r = 0; strcmp(dirs, "in") != 0 && r < rounds; r++) {
		burst_fill(m, true, r);
		st.now = rte_rdtsc();
		esp_output_process(ips, m, BURST, v, &st);
		if (take_back(t, NFV_INJECT_LOCAL_OUT, m) != BURST)
			return 1;
	}
	enc = cpu_cycles() - c0;

	c0 = cpu_cycles();
	for (unsigned long r = 0; r < rounds; r++)
		burst_fill(m, false, r);
	reset_dec = cpu_cycles() - c0;
	st.hook = NFV_INET_LOCAL_IN;
	c0 = cpu_cycles();
	for (unsigned long r = 0; strcmp(dirs, "out") != 0 && r < rounds; r++) {
		burst_fill(m, false, r);
		st.now = rte_rdtsc();
		esp_input_process(ips, m, BURST, v, &st);
		if (take_back(t, NFV_INJECT_PRE_ROUTING, m) != BURST)
			return 1;
	}
	dec = cpu_cycles() - c0;
	if (strcmp(dirs, "out") != 0 && peers == 0 &&
	    memcmp(rte_pktmbuf_mtod(m[0], void *), inner, inner_len) != 0) {
		fprintf(stderr, "decryption did not give the packet back\n");
		return 1;
	}
	/* the last burst came from these peers: their own packets back */
	for (unsigned int i = 0; strcmp(dirs, "out") != 0 && peers && i < BURST; i++) {
		uint32_t peer = ra_state.order[((rounds - 1) * BURST + i) % RA_ORDER];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m[i], const struct rte_ipv4_hdr *);

		if (ip->src_addr != rte_cpu_to_be_32(ra_host(10, 200, peer)) ||
		    rte_pktmbuf_pkt_len(m[i]) != size) {
			fprintf(stderr, "decryption did not give peer %u's packet back\n", peer);
			return 1;
		}
	}
	if (peers)
		printf("size %u, %u peers (%u SAs, %u policies), traffic of %u, %u more policies (%s, %.1f MiB):",
		       size, peers, 2 * peers, 4 * peers, ra_state.spread, npol,
		       4 * peers + npol >= 16 && !walk ? "classifier" : "walk",
		       acl_bytes / 1048576.0);
	else
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
