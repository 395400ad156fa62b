/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT hook entries, as nf_nat_ipv4_fn() / nf_nat_inet_fn(): dstnat at
 * PRE_ROUTING and LOCAL_OUT (priority -100), srcnat at POST_ROUTING and
 * LOCAL_IN (100), registered by filter_hook.c while the ruleset has a nat
 * chain. The nat chains of the hook run, in their priority order, only
 * for a connection's first packet (ct NEW, or RELATED) whose binding of
 * this manip type is not made yet, until one makes it; none made, the
 * null binding is. Every packet, first or later, either direction, is
 * then rewritten from its connection; an ICMP error RELATED to one is
 * translated inside and out. Packets without a connection pass untouched.
 *
 * Both families, as nf_nat_ipv4_ops[] and nf_nat_ipv6_ops[]: a packet
 * runs the nat chains of its family's tables (ip or ip6) and of inet ones.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nat_priv.h"
#include "nfv_mbuf.h"

/* The nat chains of the hook on one packet: nf_nat_inet_fn()'s loop. */
static uint32_t nat_chains(const struct nfv_filter_ruleset *rs, struct rte_mbuf *m,
			   const struct nfv_ct *ct, uint32_t done,
			   const struct nfv_hook_state *state)
{
	const uint16_t *base = rs->nat_base[state->hook];
	struct fpkt p;
	uint32_t v;

	fpkt_init(&p, m);	/* on error: no transport header */
	for (uint16_t k = 0; k < rs->nb_nat_base[state->hook]; k++) {
		uint32_t family = rs->chains[base[k]].family;

		if (family != NFPROTO_INET && family != p.nfproto)
			continue;
		v = fchain_eval(rs, base[k], &p, state, NULL, 0, NULL);
		if (NFV_VERDICT(v) != NFV_ACCEPT)
			return v;
		if (__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & done)
			break;
	}
	return NFV_ACCEPT;
}

static uint32_t nat_one(const struct nfv_filter_ruleset *rs, struct nfv_ct_table *t,
			struct rte_mbuf *m, enum nat_manip manip,
			const struct nfv_hook_state *state)
{
	struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);
	struct nfv_ct *ct = meta->ct;
	uint32_t done = manip == NAT_MANIP_SRC ? IPS_SRC_NAT_DONE : IPS_DST_NAT_DONE;
	uint32_t v;

	if (ct == NULL)
		return NFV_ACCEPT;
	switch (meta->ct_info) {
	case IP_CT_RELATED:
	case IP_CT_RELATED_REPLY:
		if (nat_is_icmp(m))
			return nat_icmp_reply_translation(m, ct, meta->ct_dir, manip) ?
			       NFV_ACCEPT : NFV_DROP_REASON(NFV_DR_NAT_MANGLE);
		/* fall through */
	case IP_CT_NEW:
		if (__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & done)
			break;
		v = nat_chains(rs, m, ct, done, state);
		if (NFV_VERDICT(v) != NFV_ACCEPT)
			return v;
		if (!(__atomic_load_n(&ct->status, __ATOMIC_ACQUIRE) & done)) {
			v = nat_null_binding(t, ct, manip);
			if (v != NFV_ACCEPT)
				return v;
		}
		break;
	default:
		/* nf_nat_oif_changed(): a masqueraded connection's packet
		 * routed out of another port than its first: its source
		 * address may not be that port's; the connection goes */
		if (unlikely(ct->masq_port != UINT16_MAX) && state->hook == NFV_INET_POST_ROUTING &&
		    meta->ct_dir == IP_CT_DIR_ORIGINAL && meta->oport != ct->masq_port) {
			ct_kill(t, ct);
			return NFV_DROP_REASON(NFV_DR_NAT_OIF_CHANGED);
		}
		break;
	}
	return nat_packet(m, ct, meta->ct_dir, manip) ? NFV_ACCEPT :
	       NFV_DROP_REASON(NFV_DR_NAT_MANGLE);
}

void nfv_nat_run(const struct nfv_filter_ruleset *rs, struct rte_mbuf **pkts, uint16_t n,
		 uint32_t *verdicts, const struct nfv_hook_state *state)
{
	enum nat_manip manip = NAT_HOOK_MANIP(state->hook);
	struct nfv_ct_table *t = rs != NULL ? rs->cfg.ct : NULL;

	for (uint16_t i = 0; i < n; i++)
		verdicts[i] = t == NULL ? NFV_ACCEPT : nat_one(rs, t, pkts[i], manip, state);
}
