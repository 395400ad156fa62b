/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nft text to a ruleset the way the dataplane gets one: nfvpn-nftc (meson
 * sets NFVPN_NFTC to the one built), the netlink parser, the compiler.
 * For the filter suites, the bench and tests/interop/nft.
 */
#ifndef FT_TEXT_H
#define FT_TEXT_H

#include <stddef.h>

#include "nfv_filter.h"

/* As nfv_filter_ruleset_build(); err also holds nft's own messages. */
int ft_ruleset_from_text(const char *text, const struct nfv_filter_config *cfg,
			 struct nfv_filter_ruleset **out, char *err, size_t errlen);

#endif
