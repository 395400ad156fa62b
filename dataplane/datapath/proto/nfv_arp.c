/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP: parse, answer, ask. */
#include <errno.h>

#include "nfv_arp.h"
#include "nfv_drop.h"
#include "nfv_ip4.h"
#include "nfv_mbuf.h"
#include "nfv_pkt.h"

int nfv_arp_parse(struct rte_mbuf *m, struct nfv_arp_info *info)
{
	const struct rte_arp_hdr *arp;
	uint16_t op;

	if (rte_pktmbuf_pkt_len(m) < sizeof(*arp) || nfv_pkt_pull(m, sizeof(*arp)) != 0)
		return NFV_DR_ARP_BAD;
	arp = rte_pktmbuf_mtod(m, const struct rte_arp_hdr *);
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != sizeof(rte_be32_t))
		return NFV_DR_ARP_BAD;
	op = rte_be_to_cpu_16(arp->arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)
		return NFV_DR_ARP_BAD;
	/* a broadcast or multicast sender would poison neighbour tables */
	if (rte_is_multicast_ether_addr(&arp->arp_data.arp_sha) ||
	    rte_is_zero_ether_addr(&arp->arp_data.arp_sha))
		return NFV_DR_ARP_BAD;
	if (arp->arp_data.arp_sip != 0 && nfv_ip4_src_suspect(arp->arp_data.arp_sip))
		return NFV_DR_ARP_BAD;
	if (nfv_ip4_is_mcast(arp->arp_data.arp_tip))
		return NFV_DR_ARP_BAD;

	info->op = op;
	info->sha = arp->arp_data.arp_sha;
	info->tha = arp->arp_data.arp_tha;
	info->sip = arp->arp_data.arp_sip;
	info->tip = arp->arp_data.arp_tip;
	if (rte_pktmbuf_pkt_len(m) > sizeof(*arp))
		nfv_pkt_trim(m, sizeof(*arp));
	return 0;
}

int nfv_arp_reply(struct rte_mbuf *m, const struct rte_ether_addr *mac,
		  struct rte_ether_addr *dst_mac)
{
	struct rte_arp_hdr *arp = rte_pktmbuf_mtod(m, struct rte_arp_hdr *);
	struct rte_arp_ipv4 *d = &arp->arp_data;
	rte_be32_t ip;

	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
		return NFV_DR_ARP_BAD;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	d->arp_tha = d->arp_sha;
	d->arp_sha = *mac;
	ip = d->arp_tip;
	d->arp_tip = d->arp_sip;
	d->arp_sip = ip;
	*dst_mac = d->arp_tha;
	return 0;
}

int nfv_arp_request(struct rte_mempool *mp, const struct rte_ether_addr *sha,
		    rte_be32_t sip, rte_be32_t tip, struct rte_mbuf **out)
{
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return -ENOBUFS;
	arp = (struct rte_arp_hdr *)rte_pktmbuf_append(m, sizeof(*arp));
	if (arp == NULL) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(rte_be32_t);
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = *sha;
	arp->arp_data.arp_sip = sip;
	memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
	arp->arp_data.arp_tip = tip;

	nfv_mbuf_meta_local(m, 0);
	*out = m;
	return 0;
}
