/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Programming nfvpn_stub.ko from the policy: the target, then the whole
 * selector table in one replace, which the stub publishes atomically and
 * which keeps the counters of unchanged selectors.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "nfvpnd.h"
#include "nfvpnd_steer.h"

int nfvpnd_steer_sel(const struct nfv_policy_steer_sel *ps, struct nfv_steer_sel *out)
{
	nfv_steer_sel_init(out, ps->id, ps->family);
	out->proto = ps->proto;
	if (ps->has_src) {
		memcpy(out->src, ps->src.addr.bytes, sizeof(out->src));
		out->src_plen = ps->src.len;
	}
	if (ps->has_dst) {
		memcpy(out->dst, ps->dst.addr.bytes, sizeof(out->dst));
		out->dst_plen = ps->dst.len;
	}
	out->sport_min = ps->sport_min;
	out->sport_max = ps->sport_max;
	out->dport_min = ps->dport_min;
	out->dport_max = ps->dport_max;
	if (ps->iif[0] != '\0') {
		out->iif = if_nametoindex(ps->iif);
		if (out->iif == 0)
			return -ENODEV;
	}
	out->mark = ps->fwmark;
	out->mark_mask = ps->fwmark_mask;
	out->hooks = ps->hooks;		/* NFV_STEER_HOOK_* are NFVPN_HOOK_* */
	out->action = ps->action == NFV_STEER_ACT_PASS ? NFVPN_ACT_PASS : NFVPN_ACT_STEER;
	return 0;
}

int nfvpnd_steer_program(const struct nfv_policy_steer *st, struct nfvpnd_text *out)
{
	struct nfv_steer_sel *sels = NULL;
	struct nfv_steer *h;
	unsigned int n = st ? st->nb_sels : 0;
	int ret;

	ret = nfv_steer_open(&h);
	if (ret < 0) {
		nfvpnd_printf(out, "kernel stub: %s (is nfvpn_stub.ko loaded?)\n", strerror(-ret));
		return ret;
	}
	sels = calloc(n ? n : 1, sizeof(*sels));
	if (sels == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < n; i++) {
		ret = nfvpnd_steer_sel(&st->sels[i], &sels[i]);
		if (ret < 0) {
			nfvpnd_printf(out, "steer selector %u: interface %s does not exist\n",
				      st->sels[i].id, st->sels[i].iif);
			goto out;
		}
	}
	/* selectors first: with no target, steered packets are dropped, not leaked */
	ret = nfv_steer_replace(h, sels, n);
	if (ret == 0)
		ret = nfv_steer_set_target(h, st && st->target[0] ? st->target : NULL,
					   st && st->has_lladdr ? st->lladdr : NULL);
	if (ret < 0)
		nfvpnd_printf(out, "kernel stub: %s\n",
			      nfv_steer_errmsg(h) ? nfv_steer_errmsg(h) : strerror(-ret));
out:
	free(sels);
	nfv_steer_close(h);
	return ret;
}
