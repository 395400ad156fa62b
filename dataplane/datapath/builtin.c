/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet side of built-in hook entries (control/hooks.c makes them):
 * count, drop, queue or repeat what matches a protocol and port range.
 */
#include <stdbool.h>

#include <rte_ip.h>

#include "builtin.h"
#include "nfv_mbuf.h"

/* Protocol and destination port of a packet starting at its L3 header. */
static bool builtin_match(const struct nfv_builtin *b, struct rte_mbuf *m)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	uint32_t l4off;
	uint8_t proto;
	const rte_be16_t *ports;
	uint16_t dport;

	if (meta->family == AF_INET) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

		proto = ip->next_proto_id;
		l4off = rte_ipv4_hdr_len(ip);
		/* later fragments carry no ports */
		if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))
			l4off = UINT32_MAX;
	} else {
		const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

		proto = ip->proto;
		l4off = sizeof(*ip);
	}
	if (b->conf.proto != 0 && proto != b->conf.proto)
		return false;
	if (b->conf.dport_max == 0)
		return true;
	if ((proto != IPPROTO_UDP && proto != IPPROTO_TCP) ||
	    l4off == UINT32_MAX || rte_pktmbuf_data_len(m) < l4off + 4)
		return false;
	ports = rte_pktmbuf_mtod_offset(m, const rte_be16_t *, l4off);
	dport = rte_be_to_cpu_16(ports[1]);
	return dport >= b->conf.dport_min && dport <= b->conf.dport_max;
}

static void builtin_fn(void *priv, struct rte_mbuf **pkts, uint16_t n,
		       uint32_t *verdicts, const struct nfv_hook_state *state)
{
	const struct nfv_builtin *b = priv;

	if (b->match_all && b->conf.action != NFV_BUILTIN_REPEAT) {
		nfv_verdicts_fill(verdicts, n, b->match_verdict);
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct nfv_mbuf_meta *meta;

		verdicts[i] = NFV_ACCEPT;
		if (!builtin_match(b, pkts[i]))
			continue;
		if (b->conf.action != NFV_BUILTIN_REPEAT) {
			verdicts[i] = b->match_verdict;
			continue;
		}
		/* once per packet: the second call accepts */
		meta = nfv_mbuf_meta(pkts[i]);
		if (!meta->entry_scratch) {
			meta->entry_scratch = 1;
			verdicts[i] = NFV_REPEAT;
		}
	}
}

const struct nfv_hook_ops nfv_builtin_ops = {
	.name = "builtin",
	.fn = builtin_fn,
};
