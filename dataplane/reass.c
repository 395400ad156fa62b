/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly of fragmented datagrams for our own addresses, before
 * LOCAL_IN, as Linux's ip_local_deliver() does for IPv4 and nf_defrag_ipv6
 * does for IPv6 when conntrack is loaded: LOCAL_IN entries (esp-input, the
 * filter) and local delivery see whole datagrams. This is what lets a peer
 * fragment an ESP packet after encryption (Linux does so when the inner
 * packet has no DF) and what echo replies and the kernel path expect.
 *
 * One rte_ip_frag table per worker, no locks: RSS hashes fragments on the
 * IP addresses alone, so all fragments of a datagram reach one worker.
 * Forwarded fragments are never touched. The result is a chain of the
 * fragments' mbufs; modules that need one buffer gather it themselves.
 * Every mbuf the table gives up is counted: ip-reass-failed (overlap,
 * too many fragments, table full), ip-reass-timeout, shutdown.
 */
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>

#include "dp.h"
#include "nfv_ip4.h"
#include "nfv_mbuf.h"
#include "reass.h"

struct nfv_reass {
	struct rte_ip_frag_tbl *tbl;
	uint64_t next_expire;		/* TSC of the next timeout scan */
	uint64_t period;
	struct rte_ip_frag_death_row dr;
};

int nfv_reass_init(struct nfv_worker *w)
{
	unsigned int socket = rte_lcore_to_socket_id(w->lcore);
	uint64_t hz = rte_get_tsc_hz();
	struct nfv_reass *r;

	r = rte_zmalloc_socket("nfv_reass", sizeof(*r), RTE_CACHE_LINE_SIZE, socket);
	if (r == NULL)
		return -ENOMEM;
	/* 4-way buckets as DPDK's ip_reassembly example; entries = buckets * 4 */
	r->tbl = rte_ip_frag_table_create(NFV_REASS_ENTRIES / 4, 4, NFV_REASS_ENTRIES,
					  hz * NFV_REASS_TIMEOUT_S, socket);
	if (r->tbl == NULL) {
		rte_free(r);
		return -ENOMEM;
	}
	r->period = hz / 10;
	w->reass = r;
	return 0;
}

/* Everything the table gave up in this call goes under one reason. */
static void reass_drop_row(struct nfv_worker *w, unsigned int reason)
{
	struct rte_ip_frag_death_row *dr = &w->reass->dr;

	for (uint32_t i = 0; i < dr->cnt; i++)
		nfv_drop(w->dp->hooks, w->id, dr->row[i], reason);
	dr->cnt = 0;
}

void nfv_reass_fini(struct nfv_worker *w)
{
	struct nfv_reass *r = w->reass;

	if (r == NULL)
		return;
	reass_drop_row(w, NFV_DR_SHUTDOWN);
	/* each call stops when the death row is full: repeat until empty */
	for (;;) {
		rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, UINT64_MAX >> 1);
		if (r->dr.cnt == 0)
			break;
		reass_drop_row(w, NFV_DR_SHUTDOWN);
	}
	rte_ip_frag_table_destroy(r->tbl);
	rte_free(r);
	w->reass = NULL;
}

void nfv_reass_expire(struct nfv_worker *w, uint64_t now)
{
	struct nfv_reass *r = w->reass;

	if (likely(now < r->next_expire))
		return;
	r->next_expire = now + r->period;
	for (;;) {
		rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, now);
		if (r->dr.cnt == 0)
			break;
		reass_drop_row(w, NFV_DR_IP_REASS_TIMEOUT);
	}
}

/* One fragment in; the whole datagram out, or NULL while it is incomplete. */
static struct rte_mbuf *reass_one(struct nfv_reass *r, struct rte_mbuf *m, uint64_t now)
{
	struct rte_ipv6_fragment_ext *fh;
	struct rte_ipv4_hdr *ip4;
	struct rte_ipv6_hdr *ip6;

	m->l2_len = 0;
	if (nfv_mbuf_meta(m)->family == AF_INET) {
		ip4 = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		m->l3_len = rte_ipv4_hdr_len(ip4);
		m = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, now, ip4);
		if (m == NULL)
			return NULL;
		/* the library leaves the header checksum zero */
		ip4 = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
		return m;
	}
	ip6 = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	fh = rte_ipv6_frag_get_ipv6_fragment_header(ip6);
	m->l3_len = sizeof(*ip6) + sizeof(*fh);
	return rte_ipv6_frag_reassemble_packet(r->tbl, &r->dr, m, now, ip6, fh);
}

static inline bool is_fragment(struct rte_mbuf *m)
{
	if (nfv_mbuf_meta(m)->family == AF_INET)
		return nfv_ip4_is_fragment(rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *));
	/* only a fragment header right after the fixed header, as DPDK reassembles */
	return rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *)->proto == IPPROTO_FRAGMENT &&
	       rte_pktmbuf_data_len(m) >= sizeof(struct rte_ipv6_hdr) +
					  sizeof(struct rte_ipv6_fragment_ext);
}

uint16_t nfv_reass_local(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	struct nfv_reass *r = w->reass;
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (likely(!is_fragment(m))) {
			pkts[k++] = m;
			continue;
		}
		w->stats.reass_fragments++;
		m = reass_one(r, m, w->st[0].now);
		if (m == NULL)
			continue;
		w->stats.reass_datagrams++;
		pkts[k++] = m;
	}
	if (unlikely(r->dr.cnt > 0))
		reass_drop_row(w, NFV_DR_IP_REASS_FAILED);
	return k;
}
