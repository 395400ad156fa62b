/* SPDX-License-Identifier: BSD-3-Clause */
#include "ft_text.h"
#include "nfv_nftc.h"

int ft_ruleset_from_text(const char *text, const struct nfv_filter_config *cfg,
			 struct nfv_filter_ruleset **out, char *err, size_t errlen)
{
	struct nfv_nftc_out msgs = { 0 };
	struct nfv_nft_objs objs;
	int ret;

	ret = nfv_nftc_spawn(text, "nft", &msgs, err, errlen);
	if (ret < 0)
		return ret;
	ret = nfv_nft_objs_init(&objs);
	if (ret == 0) {
		ret = nfv_nft_objs_add_stream(&objs, msgs.msgs, msgs.len, err, errlen);
		if (ret == 0)
			ret = nfv_filter_ruleset_build(&objs, cfg, out, err, errlen);
		nfv_nft_objs_fini(&objs);
	}
	nfv_nftc_out_fini(&msgs);
	return ret;
}
