/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Selector matching, free of skbs and locks so that the same file builds
 * into the module and into the userspace unit test.
 */
#ifndef _NFVPN_SELECTOR_H
#define _NFVPN_SELECTOR_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/socket.h>
#include <linux/in.h>
#else
#include "selector_compat.h"
#endif

#include "uapi/nfvpn.h"

/* What the hook extracted from one packet. Addresses in network order. */
struct nfvpn_key {
	__be32 src[4];
	__be32 dst[4];
	u32 mark;
	int iif;		/* 0 on LOCAL_OUT */
	u16 sport;		/* host order, valid if has_ports */
	u16 dport;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 proto;		/* L4 protocol after IPv6 extension headers */
	u8 hook;		/* one NFVPN_HOOK_* bit */
	bool has_ports;		/* false for non-first fragments, ICMP... */
};

/* One prepared selector; IPv4 uses word 0 of the address arrays. */
struct nfvpn_sel {
	__be32 src[4];
	__be32 src_mask[4];
	__be32 dst[4];
	__be32 dst_mask[4];
	u32 mark;
	u32 mark_mask;		/* 0: mark not matched */
	int iif;		/* 0: any */
	u32 id;
	u16 sport_min;
	u16 sport_max;
	u16 dport_min;
	u16 dport_max;
	u8 family;
	u8 proto;		/* 0: any */
	u8 src_plen;
	u8 dst_plen;
	u8 hooks;		/* NFVPN_HOOK_* mask */
	u8 action;		/* enum nfvpn_action */
	bool need_ports;	/* a port range is narrower than 0-65535 */
};

/*
 * Check a selector filled from the wire and derive its masks; host bits
 * of the prefixes are cleared. Returns 0 or -EINVAL with *why set.
 */
int nfvpn_sel_prepare(struct nfvpn_sel *sel, const char **why);

bool nfvpn_sel_match(const struct nfvpn_sel *sel, const struct nfvpn_key *key);

/* Index of the first selector of @sels matching @key, or -1. */
int nfvpn_sel_lookup(const struct nfvpn_sel *sels, unsigned int n,
		     const struct nfvpn_key *key);

bool nfvpn_proto_has_ports(u8 proto);

#endif /* _NFVPN_SELECTOR_H */
