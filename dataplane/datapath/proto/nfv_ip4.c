/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 checks off the fast path: options, chained headers, odd sources. */
#include <netinet/in.h>

#include "nfv_ip4.h"

/*
 * RFC 1812 5.3.7: no forwarding from 0/8, 127/8, multicast or class E
 * (which holds the limited broadcast). {0,0} is allowed only towards the
 * limited broadcast, where a host that does not know its address yet sends
 * BOOTP/DHCP (RFC 1122 3.2.1.3, RFC 2131 4.1).
 */
int nfv_ip4_check_src_slow(const struct rte_ipv4_hdr *ip)
{
	if (ip->src_addr == 0 && ip->dst_addr == RTE_BE32(INADDR_BROADCAST))
		return 0;
	return NFV_DR_IP4_SRC;
}

int nfv_ip4_check_slow(struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t pkt_len = rte_pktmbuf_pkt_len(m);
	uint16_t tot, hlen;

	if (nfv_pkt_pull(m, sizeof(*ip)) != 0)
		return NFV_DR_IP4_SHORT;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	if ((ip->version_ihl >> 4) != 4)
		return NFV_DR_IP4_VERSION;
	hlen = rte_ipv4_hdr_len(ip);
	if (hlen < sizeof(*ip))
		return NFV_DR_IP4_IHL;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < hlen || tot > pkt_len)
		return NFV_DR_IP4_TOTAL_LEN;
	if (nfv_pkt_pull(m, hlen) != 0)
		return NFV_DR_IP4_SHORT;
	/* the pull may have moved the data */
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	if (rte_raw_cksum(ip, hlen) != 0xffff)
		return NFV_DR_IP4_CSUM;
	if (nfv_ip4_src_suspect(ip->src_addr) && nfv_ip4_check_src_slow(ip) != 0)
		return NFV_DR_IP4_SRC;
	if (tot < pkt_len && nfv_pkt_trim(m, tot) != 0)
		return NFV_DR_IP4_TOTAL_LEN;
	return 0;
}
