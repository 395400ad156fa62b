/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 addresses that masquerade and redirect take, as the kernel
 * finds them: masquerade the source address that the output port would
 * use for the packet's destination (nf_nat_masquerade_ipv6() through
 * ipv6_dev_get_saddr(), RFC 6724 section 5), redirect the input port's
 * first address of the destination's scope (nf_nat_redirect_ipv6()).
 *
 * The candidates are the ports' addresses of the policy (the dataplane
 * has no link-local ones unless the policy gives them). Of RFC 6724's
 * rules those that tell them apart here: 1 (the destination itself),
 * 2 (appropriate scope), 5 (the output port's), 6 (matching label, the
 * default policy table), 8 (longest matching prefix, up to the address's
 * prefix length); the kernel's rules about deprecated, home, temporary
 * and optimistic addresses have no such addresses to rank. A tie keeps
 * the first candidate, ports and addresses in the policy's order.
 */
#include <string.h>
#include <netinet/in.h>

#include "nat_priv.h"
#include "nfv_filter.h"

enum {
	SCOPE_LINK = 0x2,	/* link-local, and loopback */
	SCOPE_SITE = 0x5,
	SCOPE_GLOBAL = 0xe,
};

/* __ipv6_addr_type()'s scope of a unicast address, or of a multicast
 * one's scope field */
static unsigned int addr_scope(const uint8_t *a)
{
	static const uint8_t loopback[16] = { [15] = 1 };

	if (a[0] == 0xff)
		return a[1] & 0xf;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return SCOPE_LINK;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return SCOPE_SITE;
	if (memcmp(a, loopback, 16) == 0)
		return SCOPE_LINK;
	return SCOPE_GLOBAL;
}

/* The leading bits a and b share. */
static unsigned int common_prefix(const uint8_t *a, const uint8_t *b)
{
	for (unsigned int i = 0; i < 16; i++)
		if (a[i] != b[i])
			return i * 8 + __builtin_clz((unsigned int)(a[i] ^ b[i])) - 24;
	return 128;
}

/* RFC 6724's default policy table: the label of the longest prefix */
static unsigned int addr_label(const uint8_t *a)
{
	static const struct {
		uint8_t prefix[16];
		uint8_t plen;
		uint8_t label;
	} table[] = {
		{ { [15] = 1 }, 128, 0 },			/* ::1 */
		{ { [10] = 0xff, [11] = 0xff }, 96, 4 },	/* ::ffff:0:0/96 */
		{ { 0 }, 96, 3 },				/* ::/96 */
		{ { 0x20, 0x01 }, 32, 5 },			/* 2001::/32 */
		{ { 0x20, 0x02 }, 16, 2 },			/* 2002::/16 */
		{ { 0x3f, 0xfe }, 16, 12 },			/* 3ffe::/16 */
		{ { 0xfe, 0xc0 }, 10, 11 },			/* fec0::/10 */
		{ { 0xfc }, 7, 13 },				/* fc00::/7 */
	};

	/* longest prefixes first: the first that holds a is its */
	for (unsigned int i = 0; i < RTE_DIM(table); i++)
		if (common_prefix(a, table[i].prefix) >= table[i].plen)
			return table[i].label;
	return 1;	/* ::/0 */
}

/* A candidate's score, rule by rule, higher first; 0 where it must not be used */
static uint64_t score(const uint8_t *daddr, const uint8_t *sa, unsigned int plen,
		      bool on_oif)
{
	unsigned int ds = addr_scope(daddr), ss = addr_scope(sa), pfx;
	uint64_t s;

	/* rule 1 */
	s = memcmp(daddr, sa, 16) == 0 ? 1 : 0;
	/* rule 2: the smallest scope at least the destination's, else the
	 * largest below it */
	s = s << 5 | (ss >= ds ? 16 + (15 - ss) : ss);
	/* rule 5 */
	s = s << 1 | on_oif;
	/* rule 6 */
	s = s << 1 | (addr_label(sa) == addr_label(daddr));
	/* rule 8 */
	pfx = RTE_MIN(common_prefix(daddr, sa), plen);
	return s << 8 | pfx;
}

bool nat_ipv6_saddr(const struct nfv_filter_ifaces *ifs, uint16_t oport,
		    const uint8_t *daddr, uint8_t *saddr)
{
	bool oif_only = addr_scope(daddr) <= SCOPE_LINK || daddr[0] == 0xff;
	uint64_t best = 0, s;

	if (ifs == NULL || oport >= ifs->nb_ports)
		return false;
	/* link-local and multicast destinations: the output port's alone */
	for (uint16_t p = 0; p < ifs->nb_ports; p++) {
		if (oif_only && p != oport)
			continue;
		for (uint8_t k = 0; k < ifs->port[p].nb_ip6; k++) {
			s = score(daddr, ifs->port[p].ip6[k].addr, ifs->port[p].ip6[k].plen,
				  p == oport) + 1;
			if (s > best) {
				best = s;
				memcpy(saddr, ifs->port[p].ip6[k].addr, 16);
			}
		}
	}
	return best != 0;
}

bool nat_ipv6_redirect_addr(const struct nfv_filter_ifaces *ifs, uint16_t iport,
			    const uint8_t *daddr, uint8_t *addr)
{
	unsigned int scope = addr_scope(daddr);

	if (ifs == NULL || iport >= ifs->nb_ports)
		return false;
	for (uint8_t k = 0; k < ifs->port[iport].nb_ip6; k++) {
		if (addr_scope(ifs->port[iport].ip6[k].addr) == scope) {
			memcpy(addr, ifs->port[iport].ip6[k].addr, 16);
			return true;
		}
	}
	return false;
}
