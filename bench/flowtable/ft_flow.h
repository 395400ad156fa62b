/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A flowtable ruleset as the netlink messages a kernel dump (or the nft
 * compiler) gives, built with libnftnl: the tests' way to a flowtable
 * where the kernel has none (CONFIG_NF_FLOW_TABLE off: nft cannot load
 * one, so nfvpn-nftc cannot compile one).
 *
 *   table inet t {
 *     flowtable ft { hook ingress priority 0; devices = { devs... }; }
 *     chain forward { type filter hook <hook> priority 0; counter [flow add @<use>] }
 *   }
 */
#ifndef FT_FLOW_H
#define FT_FLOW_H

#include <stddef.h>

struct ft_flow_spec {
	const char *const *devs;	/* NULL-terminated */
	int hook;			/* the base chain's: NF_INET_FORWARD normally */
	const char *use;		/* flow add @use; NULL: no flow add rule */
};

/* Writes the messages to buf; returns their length, or 0 if cap is short. */
size_t ft_flow_msgs(void *buf, size_t cap, const struct ft_flow_spec *spec);

#endif
