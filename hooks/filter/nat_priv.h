/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT internals, as the kernel's nf_nat: a binding is chosen once, for the
 * first packet of a connection (nat_core.c, nf_nat_setup_info()), and
 * stored in the connection as its changed reply tuple and the status bits
 * IPS_SRC_NAT / IPS_DST_NAT (+ _DONE); every packet of both directions is
 * then rewritten from the connection (nat_manip.c, nf_nat_packet()), ICMP
 * errors about it inside and out (nf_nat_icmp_reply_translation(),
 * nf_nat_icmpv6_reply_translation()). The nat chains run from the NAT
 * hook entries (nat_hook.c). IPv4 and IPv6 share every step; only the
 * header rewrite (nat_manip.c) and the address choice's word count differ.
 */
#ifndef NFV_NAT_PRIV_H
#define NFV_NAT_PRIV_H

#include <stdint.h>

#include <linux/netfilter/nf_nat.h>

#include "ct_priv.h"

/* enum nf_nat_manip_type */
enum nat_manip {
	NAT_MANIP_SRC,
	NAT_MANIP_DST,
};

/* HOOK2MANIP(): dstnat at PRE_ROUTING and LOCAL_OUT, srcnat at the others */
#define NAT_HOOK_MANIP(hook) \
	((hook) == NFV_INET_PRE_ROUTING || (hook) == NFV_INET_LOCAL_OUT ? \
	 NAT_MANIP_DST : NAT_MANIP_SRC)

/* struct nf_nat_range2: addresses and ports in network order, an IPv4
 * address in the first 4 bytes and the rest 0, as a tuple holds it */
struct nat_range {
	uint32_t flags;		/* NF_NAT_RANGE_* */
	uint8_t min_addr[16];
	uint8_t max_addr[16];
	uint16_t min_proto;
	uint16_t max_proto;
};

/*
 * nf_nat_setup_info(): a tuple for the manip in range that no other
 * connection uses, the reply changed to match; once per manip type (the
 * DONE bit), under ct->lock. NFV_ACCEPT, or a drop verdict (no free tuple).
 */
uint32_t nat_setup(struct nfv_ct_table *t, struct nfv_ct *ct,
		   const struct nat_range *r, enum nat_manip manip);
/* nf_nat_alloc_null_binding(): the current address kept, a port changed
 * only where the tuple clashes */
uint32_t nat_null_binding(struct nfv_ct_table *t, struct nfv_ct *ct, enum nat_manip manip);
/* The tuple that get_unique_tuple() picks (tests). */
void nat_unique_tuple(struct nfv_ct_table *t, struct nfv_ct_tuple *tuple,
		      const struct nfv_ct_tuple *orig, const struct nat_range *r,
		      const struct nfv_ct *ct, enum nat_manip manip);

/* nat_saddr.c: the address of the ports' (ifs) that masquerade takes for
 * daddr out of oport, or redirect of iport; false: none */
struct nfv_filter_ifaces;
bool nat_ipv6_saddr(const struct nfv_filter_ifaces *ifs, uint16_t oport,
		    const uint8_t *daddr, uint8_t *saddr);
bool nat_ipv6_redirect_addr(const struct nfv_filter_ifaces *ifs, uint16_t iport,
			    const uint8_t *daddr, uint8_t *addr);

/* nat_manip.c; false: the packet could not be rewritten (drop it) */
bool nat_packet(struct rte_mbuf *m, const struct nfv_ct *ct, uint8_t dir,
		enum nat_manip manip);
/* The packet is ICMP (IPv4) or ICMPv6 past its extension headers
 * (IPv6): what nf_nat_ipv4_fn() and nf_nat_ipv6_fn() translate as an
 * error when it is RELATED. */
bool nat_is_icmp(struct rte_mbuf *m);
bool nat_icmp_reply_translation(struct rte_mbuf *m, const struct nfv_ct *ct,
				uint8_t dir, enum nat_manip manip);
/* RFC 1624 incremental update of the checksum at sum (network order) for
 * len bytes (even) changing from old to new */
void nat_csum_replace(uint8_t *sum, const void *old, const void *new, unsigned int len);

#endif
