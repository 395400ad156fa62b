/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet and 802.1Q on input and output.
 *
 * Hook entries see packets that start at the L3 header (nfv_mbuf.h):
 * nfv_eth_pop() removes the L2 header on input, nfv_eth_push() writes it
 * again after POST_ROUTING. Both need the L2 header in the first segment
 * and a writable (unshared) mbuf.
 */
#ifndef NFV_ETH_H
#define NFV_ETH_H

#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "nfv_drop.h"

#define NFV_VLAN_VID_MASK 0x0fff

struct nfv_eth_info {
	/*
	 * The stripped header: still in the headroom, valid until the next
	 * prepend. A pointer rather than copies of the MACs, which would cost
	 * 12 bytes per packet and break rte_is_same_ether_addr() (it reads
	 * them as uint16_t: a strict-aliasing violation on a local copy).
	 */
	const struct rte_ether_hdr *eth;
	uint16_t type;	/* host order; the encapsulated type when tagged */
	uint16_t vlan;	/* 802.1Q VID; 0 when untagged or priority-tagged */
};

/*
 * Parses Ethernet and at most one 802.1Q tag, fills info and strips the L2
 * header so that the data starts at L3; m->l2_len gets its length. A tag
 * that the NIC stripped (RTE_MBUF_F_RX_VLAN_STRIPPED) counts as the tag.
 * A second tag is not parsed: info->type is then 0x8100 or 0x88a8 and the
 * caller drops the frame as an unknown type.
 * Returns 0 or NFV_DR_ETH_SHORT; m is not changed on error.
 */
static inline int nfv_eth_pop(struct rte_mbuf *m, struct nfv_eth_info *info)
{
	const struct rte_ether_hdr *eh;
	const struct rte_vlan_hdr *vh;
	uint16_t l2_len = sizeof(*eh);
	rte_be16_t type;

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eh)))
		return NFV_DR_ETH_SHORT;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	type = eh->ether_type;
	info->vlan = 0;
	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)
		info->vlan = m->vlan_tci & NFV_VLAN_VID_MASK;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		l2_len += sizeof(*vh);
		if (unlikely(rte_pktmbuf_data_len(m) < l2_len))
			return NFV_DR_ETH_SHORT;
		vh = (const struct rte_vlan_hdr *)(eh + 1);
		info->vlan = rte_be_to_cpu_16(vh->vlan_tci) & NFV_VLAN_VID_MASK;
		type = vh->eth_proto;
	}
	info->eth = eh;
	info->type = rte_be_to_cpu_16(type);
	rte_pktmbuf_adj(m, l2_len);
	m->l2_len = l2_len;
	return 0;
}

/*
 * The Ethernet header of a run of packets to one neighbour, made once and
 * written per packet with one fixed-size copy (nfv_eth_push() writes it
 * field by field). len is 14, or 18 with an 802.1Q tag.
 */
struct nfv_eth_tmpl {
	uint8_t hdr[RTE_ETHER_HDR_LEN + sizeof(struct rte_vlan_hdr)];
	uint8_t len;
};

static inline void nfv_eth_tmpl_set(struct nfv_eth_tmpl *t, const struct rte_ether_addr *src,
				    const struct rte_ether_addr *dst, uint16_t type,
				    uint16_t vlan)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)t->hdr;
	struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);

	memset(t, 0, sizeof(*t));
	eh->dst_addr = *dst;
	eh->src_addr = *src;
	t->len = sizeof(*eh);
	if (vlan != 0) {
		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(vlan & NFV_VLAN_VID_MASK);
		vh->eth_proto = rte_cpu_to_be_16(type);
		t->len += sizeof(*vh);
	} else {
		eh->ether_type = rte_cpu_to_be_16(type);
	}
}

/*
 * nfv_eth_push() with a template, for the output stage: 0 or
 * NFV_DR_ETH_NO_HEADROOM. m->l2_len is left as it was (nfv_eth_pop() set
 * it): no tx offload of ours reads it, and the bit-field's
 * read-modify-write cost 7 instructions a packet.
 */
static inline int nfv_eth_tmpl_push(struct rte_mbuf *m, const struct nfv_eth_tmpl *t)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, t->len);

	if (unlikely(p == NULL))
		return NFV_DR_ETH_NO_HEADROOM;
	if (likely(t->len == RTE_ETHER_HDR_LEN))
		memcpy(p, t->hdr, RTE_ETHER_HDR_LEN);
	else
		memcpy(p, t->hdr, sizeof(t->hdr));
	return 0;
}

/*
 * Prepends Ethernet, and an 802.1Q tag (priority 0) when vlan is not 0.
 * type is in host order. Returns 0 or NFV_DR_ETH_NO_HEADROOM.
 */
static inline int nfv_eth_push(struct rte_mbuf *m, const struct rte_ether_addr *src,
			       const struct rte_ether_addr *dst, uint16_t type,
			       uint16_t vlan)
{
	uint16_t l2_len = sizeof(struct rte_ether_hdr);
	struct rte_ether_hdr *eh;
	struct rte_vlan_hdr *vh;

	if (vlan != 0)
		l2_len += sizeof(*vh);
	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, l2_len);
	if (unlikely(eh == NULL))
		return NFV_DR_ETH_NO_HEADROOM;
	eh->dst_addr = *dst;
	eh->src_addr = *src;
	if (vlan != 0) {
		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh = (struct rte_vlan_hdr *)(eh + 1);
		vh->vlan_tci = rte_cpu_to_be_16(vlan & NFV_VLAN_VID_MASK);
		vh->eth_proto = rte_cpu_to_be_16(type);
	} else {
		eh->ether_type = rte_cpu_to_be_16(type);
	}
	m->l2_len = l2_len;
	return 0;
}

/* The MAC an IPv6 multicast address maps to (RFC 2464 7): 33:33 + low 32 bits. */
void nfv_eth_ip6_mcast(const uint8_t ip6[16], struct rte_ether_addr *mac);
/* The MAC an IPv4 multicast address maps to (RFC 1112 6.4): 01:00:5e + low 23 bits. */
void nfv_eth_ip4_mcast(rte_be32_t ip4, struct rte_ether_addr *mac);

#endif
