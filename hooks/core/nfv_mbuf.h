/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-packet state carried in the mbuf private area between hook entries,
 * the pipeline and the modules. Every mempool of the dataplane is created
 * with NFV_MBUF_PRIV_SIZE of private area; nfv_mbuf_meta() has no check.
 *
 * As skb->data in netfilter, the packet data seen by every hook entry starts
 * at the L3 header: the Ethernet (and 802.1Q) header is removed on input and
 * written again after POST_ROUTING. meta->family says which L3 it is.
 */
#ifndef NFV_MBUF_H
#define NFV_MBUF_H

#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

enum nfv_mbuf_flags {
	NFV_MBUF_F_SECPATH = 1u << 0,	/* came out of ESP decapsulation */
	NFV_MBUF_F_LOCAL_OUT = 1u << 1,	/* born on this host (LOCAL_OUT) */
	NFV_MBUF_F_IPSEC_DONE = 1u << 2,/* already ESP-encapsulated, skip SPD */
	NFV_MBUF_F_VLAN = 1u << 3,	/* arrived with an 802.1Q tag */
	NFV_MBUF_F_TRACE = 1u << 4,	/* traced (nfv_trace.h): trace_id is set */
	NFV_MBUF_F_FLOW = 1u << 5,	/* flow add: learn its flow at output */
	NFV_MBUF_F_PRIORITY = 1u << 6,	/* meta priority set: priority holds it */
	/* of an offloaded flow, but its direction not learned yet: the
	 * kernel's flowtable forwards it, conntrack does not see it */
	NFV_MBUF_F_FLOW_UNLEARNED = 1u << 7,
};

struct nfv_mbuf_meta {
	uint16_t iport;		/* input port index, UINT16_MAX when local */
	uint16_t oport;		/* output port index once routed */
	uint16_t vlan;		/* 802.1Q VID when NFV_MBUF_F_VLAN */
	uint8_t family;		/* AF_INET or AF_INET6 of the L3 header */
	uint8_t flags;		/* enum nfv_mbuf_flags */
	uint32_t mark;		/* meta mark */
	/* index in the next-hop table once routed; before, at PRE_ROUTING
	 * and LOCAL_OUT, where the route stage that follows writes it before
	 * any read, the zone of a conntrack template (hooks/filter nfv_ct.h) */
	uint32_t nexthop;
	/* QUEUE resume point: the entry after this one in this hook */
	uint8_t queue_hook;
	uint8_t queue_worker;	/* the worker that queued it, which resumes it */
	uint16_t queue_num;
	int32_t queue_prio;
	/* owned by hooks/filter (conntrack) and hooks/ipsec (SA) */
	void *ct;
	uint8_t ct_info;	/* with no ct: 0, untracked or a template */
	uint8_t ct_dir;
	uint8_t ctl;		/* why the packet goes to the control side */
	uint8_t entry_scratch;	/* free for the entry running now */
	uint32_t sa_index;
	uint64_t module[2];	/* scratch for the entry that STOLE the packet */
	uint32_t trace_id;	/* NFV_MBUF_F_TRACE: the packet's id in the trace */
	uint32_t priority;	/* NFV_MBUF_F_PRIORITY: skb->priority that nft set */
};
/*
 * One cache line, right after the mbuf's two: a packet costs no more lines
 * of metadata than this, and the data that follows starts line-aligned.
 */
_Static_assert(sizeof(struct nfv_mbuf_meta) <= 64, "the metadata is one cache line");

#define NFV_MBUF_PRIV_SIZE RTE_ALIGN(sizeof(struct nfv_mbuf_meta), RTE_MBUF_PRIV_ALIGN)

static inline struct nfv_mbuf_meta *nfv_mbuf_meta(struct rte_mbuf *m)
{
	return (struct nfv_mbuf_meta *)rte_mbuf_to_priv(m);
}

/* Resets the metadata of a packet entering the pipeline from a port. */
static inline void nfv_mbuf_meta_reset(struct rte_mbuf *m, uint16_t iport)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);

	memset(meta, 0, sizeof(*meta));
	meta->iport = iport;
	meta->oport = UINT16_MAX;
}

/* Resets the metadata of a packet made here, for LOCAL_OUT (family 0: not IP). */
static inline void nfv_mbuf_meta_local(struct rte_mbuf *m, uint8_t family)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);

	nfv_mbuf_meta_reset(m, UINT16_MAX);
	meta->family = family;
	meta->flags = NFV_MBUF_F_LOCAL_OUT;
}

/*
 * Writes len bytes at off of m's data, across segments (the way back of
 * rte_pktmbuf_read()); 0, or -1 when m is shorter. The mbuf is this
 * worker's: the dataplane never shares packet data between mbufs it edits.
 */
static inline int nfv_mbuf_write(struct rte_mbuf *m, uint32_t off, const void *src,
				 uint32_t len)
{
	const uint8_t *s = (const uint8_t *)src;

	if (off + len > rte_pktmbuf_pkt_len(m))
		return -1;
	if (likely(off + len <= rte_pktmbuf_data_len(m))) {
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, off), s, len);
		return 0;
	}
	for (; m != NULL && len > 0; m = m->next) {
		uint32_t n;

		if (off >= rte_pktmbuf_data_len(m)) {
			off -= rte_pktmbuf_data_len(m);
			continue;
		}
		n = RTE_MIN(len, rte_pktmbuf_data_len(m) - off);
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, off), s, n);
		s += n;
		len -= n;
		off = 0;
	}
	return len == 0 ? 0 : -1;
}

#endif
