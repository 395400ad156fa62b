/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local delivery, after LOCAL_IN. The dataplane itself answers ICMP and
 * ICMPv6 echo (the reply is born at LOCAL_OUT, as the kernel's is) and
 * neighbour discovery (on the control side); everything else for our
 * addresses — IKE, SSH, BGP — goes to the kernel through the exception TUN
 * of the port it came in on; IKE within the worker's rate (nfv_ike.h).
 */
#include <netinet/in.h>

#include <rte_ip.h>

#include "dp.h"
#include "local.h"
#include "nfv_icmp.h"
#include "nfv_ike.h"
#include "nfv_ip6.h"
#include "nfv_mbuf.h"

static void echo_reply(struct nfv_worker *w, struct rte_mbuf *m, int reason)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);

	if (unlikely(reason != 0)) {
		nfv_drop(w->dp->hooks, w->id, m, reason);
		return;
	}
	meta->flags = NFV_MBUF_F_LOCAL_OUT;
	meta->iport = UINT16_MAX;
	w->stats.echo_replies++;
	nfv_hook_inject(&w->st[NFV_INET_LOCAL_IN], NFV_INJECT_LOCAL_OUT, m);
}

/*
 * UDP at offset off of m for the kernel: true when it is IKE over the
 * worker's rate, dropped and counted. The rest of a datagram that the
 * kernel reassembles (no UDP header) passes: its first fragment did not.
 */
static bool ike_over_rate(struct nfv_worker *w, struct rte_mbuf *m, uint32_t off)
{
	uint32_t len = rte_pktmbuf_data_len(m);
	int reason;

	if (!w->ike.on || len <= off)
		return false;
	reason = nfv_ike_limit_check(&w->ike, rte_pktmbuf_mtod_offset(m, const uint8_t *, off),
				     len - off, w->st[0].now);
	if (likely(reason == 0))
		return false;
	nfv_drop(w->dp->hooks, w->id, m, reason);
	return true;
}

static void deliver4(struct nfv_worker *w, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t hl = rte_ipv4_hdr_len(ip);
	const uint8_t *type;

	if (ip->next_proto_id == IPPROTO_ICMP && rte_pktmbuf_data_len(m) > hl) {
		type = rte_pktmbuf_mtod_offset(m, const uint8_t *, hl);
		if (*type == NFV_ICMP4_ECHO_REQUEST) {
			echo_reply(w, m, nfv_icmp4_echo_reply(m, 0));
			return;
		}
	}
	if (ip->next_proto_id == IPPROTO_UDP &&
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
	    ike_over_rate(w, m, hl))
		return;
	nfv_pipeline_punt(w, nfv_mbuf_meta(m)->iport, m);
}

static void deliver6(struct nfv_worker *w, struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct nfv_ip6_upper up;
	const uint8_t *type;

	if (nfv_ip6_upper(m, &up) != 0) {
		nfv_drop(w->dp->hooks, w->id, m, NFV_DR_IP6_SHORT);
		return;
	}
	if (up.proto == IPPROTO_ICMPV6 && !up.later_fragment &&
	    rte_pktmbuf_data_len(m) > up.off) {
		type = rte_pktmbuf_mtod_offset(m, const uint8_t *, up.off);
		if (*type == NFV_ICMP6_NS || *type == NFV_ICMP6_NA) {
			nfv_pipeline_to_control(w, m, NFV_CTL_ND);
			return;
		}
		if (*type == NFV_ICMP6_ECHO_REQUEST) {
			const uint8_t *src = NULL;

			/* a request to a multicast group is answered from the port */
			if (nfv_ip6_is_mcast(ip->dst_addr)) {
				if (meta->iport >= w->dp->nb_ports ||
				    !w->dp->ports[meta->iport].has_ip6) {
					nfv_drop(w->dp->hooks, w->id, m, NFV_DR_LOCAL_UNHANDLED);
					return;
				}
				src = w->dp->ports[meta->iport].ip6;
			}
			echo_reply(w, m, nfv_icmp6_echo_reply(m, src));
			return;
		}
	}
	if (nfv_ip6_is_mcast(ip->dst_addr)) {
		/* the kernel has its own multicast: only ND is ours */
		nfv_drop(w->dp->hooks, w->id, m, NFV_DR_LOCAL_UNHANDLED);
		return;
	}
	if (up.proto == IPPROTO_UDP && !up.later_fragment && ike_over_rate(w, m, up.off))
		return;
	nfv_pipeline_punt(w, meta->iport, m);
}

void nfv_local_deliver(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		if (nfv_mbuf_meta(pkts[i])->family == AF_INET)
			deliver4(w, pkts[i]);
		else
			deliver6(w, pkts[i]);
	}
}

/* The solicited-node and all-nodes groups of our IPv6 addresses. */
bool nfv_dp_is_local6_mcast(const struct nfv_dp *dp, const uint8_t dst[16])
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t snm[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	if (memcmp(dst, all_nodes, 16) == 0)
		return true;
	if (memcmp(dst, snm, 13) != 0)
		return false;
	for (unsigned int p = 0; p < dp->nb_ports; p++)
		for (unsigned int i = 0; i < dp->ports[p].nb_ip6; i++)
			if (memcmp(dp->ports[p].ip6_all[i] + 13, dst + 13, 3) == 0)
				return true;
	return false;
}

/*
 * The IPsec module's callback, from esp-output on a worker: the inner
 * packet m does not fit its SA's path; answer as a router whose next hop
 * has MTU mtu (RFC 1191, 8201).
 */
void nfv_pipeline_too_big(void *arg, unsigned int worker, struct rte_mbuf *m, uint32_t mtu)
{
	struct nfv_dp *dp = arg;
	struct nfv_worker *w = &dp->workers[worker];

	if (nfv_mbuf_meta(m)->family == AF_INET)
		nfv_pipeline_icmp_error(w, m, NFV_ICMP4_DEST_UNREACH, NFV_ICMP4_FRAG_NEEDED, mtu);
	else
		nfv_pipeline_icmp_error(w, m, NFV_ICMP6_PKT_TOO_BIG, 0, mtu);
}
