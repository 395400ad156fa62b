/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter section of the policy: where the nftables ruleset comes from
 * (nft text in the policy, an nft file, or a kernel table to mirror) and
 * the connection tracker's size. See docs/policy.md and docs/filter.md.
 */
#ifndef NFV_POLICY_FILTER_H
#define NFV_POLICY_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_nftc.h"
#include "nfv_policy.h"

enum nfv_filter_source {
	NFV_FILTER_SRC_NFT = 1,		/* filter.nft or filter.file: text below */
	NFV_FILTER_SRC_MIRROR,		/* filter.mirror: pushed by the mirror */
};

#define NFV_POLICY_FILTER_TABLE_MAX	64
#define NFV_POLICY_FILTER_NFT_MAX	(8u << 20)
#define NFV_POLICY_DEFAULT_CT_MAX	65536
#define NFV_POLICY_DEFAULT_LOG_RATE	50

struct nfv_policy_filter {
	struct nfv_mark mark;		/* of the filter mapping */
	struct nfv_mark src_mark;	/* of the nft, file or mirror value */
	enum nfv_filter_source source;
	char *nft;			/* NFT: the text (file already read) */
	/* NFT: the text as netlink messages once compiled (nfv_policy_filter_compile()) */
	bool compiled;
	struct nfv_nftc_out nlmsgs;
	char file[256];			/* NFT from a file: its path, else "" */
	uint8_t mirror_family;		/* MIRROR: NFPROTO_IPV4/IPV6/INET */
	char mirror_table[NFV_POLICY_FILTER_TABLE_MAX];
	bool conntrack;			/* default true */
	uint32_t ct_max;		/* connections, default 65536 */
	uint32_t log_rate;		/* log records per second per worker */
};

void nfv_policy_filter_free(struct nfv_policy_filter *f);
/* "inet nfvpn" -> family and name; 0 or -EINVAL. */
int nfv_policy_filter_table_parse(const char *s, uint8_t *family,
				  char *name, size_t size);
const char *nfv_policy_filter_family_name(uint8_t family);
/*
 * Compiles the nft text of p's filter section into its compiled messages
 * with compile (nfv_nftc_spawn, or nfvpnd's nfv_nftc_compile); nothing to
 * do without text. Returns as compile does, with
 * "policy.yaml:L:C: filter: <why>" in err, at the nft or file value.
 */
int nfv_policy_filter_compile(struct nfv_policy *p, nfv_nftc_fn *compile,
			      char *err, size_t errlen);

#endif
