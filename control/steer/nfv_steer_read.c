/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfv_steer, the read side: the selector dump and the statistics,
 * decoded into struct nfv_steer_sel / nfv_steer_stats.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "nfv_steer.h"
#include "nfv_steer_msg.h"

struct nfv_steer_dump_ctx {
	nfv_steer_dump_cb cb;
	void *arg;
};

static int nfv_steer_parse_sel(const struct nlattr *nest,
			       struct nfv_steer_sel *sel)
{
	const struct nlattr *tb[NFVPN_SEL_A_MAX + 1];
	size_t alen;

	if (nfv_nla_parse(tb, NFVPN_SEL_A_MAX, nfv_nla_data(nest),
			  nfv_nla_len(nest)) ||
	    !tb[NFVPN_SEL_A_ID] || !tb[NFVPN_SEL_A_FAMILY])
		return -EINVAL;
	nfv_steer_sel_init(sel, nfv_nla_u32(tb[NFVPN_SEL_A_ID]),
			   nfv_nla_u8(tb[NFVPN_SEL_A_FAMILY]));
	alen = sel->family == AF_INET6 ? 16 : 4;
	if (tb[NFVPN_SEL_A_PROTO])
		sel->proto = nfv_nla_u8(tb[NFVPN_SEL_A_PROTO]);
	if (tb[NFVPN_SEL_A_SRC] && nfv_nla_len(tb[NFVPN_SEL_A_SRC]) == alen)
		memcpy(sel->src, nfv_nla_data(tb[NFVPN_SEL_A_SRC]), alen);
	if (tb[NFVPN_SEL_A_SRC_PLEN])
		sel->src_plen = nfv_nla_u8(tb[NFVPN_SEL_A_SRC_PLEN]);
	if (tb[NFVPN_SEL_A_DST] && nfv_nla_len(tb[NFVPN_SEL_A_DST]) == alen)
		memcpy(sel->dst, nfv_nla_data(tb[NFVPN_SEL_A_DST]), alen);
	if (tb[NFVPN_SEL_A_DST_PLEN])
		sel->dst_plen = nfv_nla_u8(tb[NFVPN_SEL_A_DST_PLEN]);
	if (tb[NFVPN_SEL_A_SPORT_MIN])
		sel->sport_min = nfv_nla_u16(tb[NFVPN_SEL_A_SPORT_MIN]);
	if (tb[NFVPN_SEL_A_SPORT_MAX])
		sel->sport_max = nfv_nla_u16(tb[NFVPN_SEL_A_SPORT_MAX]);
	if (tb[NFVPN_SEL_A_DPORT_MIN])
		sel->dport_min = nfv_nla_u16(tb[NFVPN_SEL_A_DPORT_MIN]);
	if (tb[NFVPN_SEL_A_DPORT_MAX])
		sel->dport_max = nfv_nla_u16(tb[NFVPN_SEL_A_DPORT_MAX]);
	if (tb[NFVPN_SEL_A_IIF])
		sel->iif = nfv_nla_u32(tb[NFVPN_SEL_A_IIF]);
	if (tb[NFVPN_SEL_A_MARK])
		sel->mark = nfv_nla_u32(tb[NFVPN_SEL_A_MARK]);
	if (tb[NFVPN_SEL_A_MARK_MASK])
		sel->mark_mask = nfv_nla_u32(tb[NFVPN_SEL_A_MARK_MASK]);
	if (tb[NFVPN_SEL_A_HOOKS])
		sel->hooks = nfv_nla_u32(tb[NFVPN_SEL_A_HOOKS]);
	if (tb[NFVPN_SEL_A_ACTION])
		sel->action = nfv_nla_u8(tb[NFVPN_SEL_A_ACTION]);
	if (tb[NFVPN_SEL_A_PACKETS])
		sel->packets = nfv_nla_u64(tb[NFVPN_SEL_A_PACKETS]);
	if (tb[NFVPN_SEL_A_BYTES])
		sel->bytes = nfv_nla_u64(tb[NFVPN_SEL_A_BYTES]);
	return 0;
}

static int nfv_steer_dump_msg(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[NFVPN_A_MAX + 1];
	struct nfv_steer_dump_ctx *ctx = arg;
	struct nfv_steer_sel sel;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		return -EAGAIN;	/* the table changed under the dump */
	if (nfv_nla_parse(tb, NFVPN_A_MAX, (const uint8_t *)NLMSG_DATA(nlh) +
			  GENL_HDRLEN, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN) ||
	    !tb[NFVPN_A_SEL] || nfv_steer_parse_sel(tb[NFVPN_A_SEL], &sel))
		return -EBADMSG;
	return ctx->cb(&sel, ctx->arg);
}

int nfv_steer_dump(struct nfv_steer *st, nfv_steer_dump_cb cb, void *arg)
{
	struct nfv_steer_dump_ctx ctx = { cb, arg };
	struct nfv_nlmsg m;
	int err;

	err = nfv_steer_req(st, &m, NFVPN_CMD_GET_SEL, NLM_F_DUMP);
	if (err)
		return err;
	err = nfv_steer_talk(st, &m, nfv_steer_dump_msg, &ctx);
	nfv_nlmsg_fini(&m);
	return err;
}

static int nfv_steer_stats_msg(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[NFVPN_A_MAX + 1];
	const struct nlattr *sb[NFVPN_STAT_A_MAX + 1];
	struct nfv_steer_stats *out = arg;

	if (nfv_nla_parse(tb, NFVPN_A_MAX, (const uint8_t *)NLMSG_DATA(nlh) +
			  GENL_HDRLEN, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN))
		return -EBADMSG;
	if (tb[NFVPN_A_TARGET_IFNAME])
		snprintf(out->target, sizeof(out->target), "%.*s",
			 (int)nfv_nla_len(tb[NFVPN_A_TARGET_IFNAME]),
			 (const char *)nfv_nla_data(tb[NFVPN_A_TARGET_IFNAME]));
	if (tb[NFVPN_A_TARGET_IFINDEX])
		out->target_ifindex = nfv_nla_u32(tb[NFVPN_A_TARGET_IFINDEX]);
	if (tb[NFVPN_A_GENERATION])
		out->generation = nfv_nla_u32(tb[NFVPN_A_GENERATION]);
	if (tb[NFVPN_A_COUNT])
		out->count = nfv_nla_u32(tb[NFVPN_A_COUNT]);
	if (!tb[NFVPN_A_STATS] ||
	    nfv_nla_parse(sb, NFVPN_STAT_A_MAX, nfv_nla_data(tb[NFVPN_A_STATS]),
			  nfv_nla_len(tb[NFVPN_A_STATS])))
		return -EBADMSG;
#define NFV_STAT(field, attr) \
	if (sb[attr]) out->field = nfv_nla_u64(sb[attr])
	NFV_STAT(steered, NFVPN_STAT_A_STEERED);
	NFV_STAT(steered_bytes, NFVPN_STAT_A_STEERED_BYTES);
	NFV_STAT(no_target, NFVPN_STAT_A_NO_TARGET);
	NFV_STAT(target_down, NFVPN_STAT_A_TARGET_DOWN);
	NFV_STAT(no_headroom, NFVPN_STAT_A_NO_HEADROOM);
	NFV_STAT(xmit_err, NFVPN_STAT_A_XMIT_ERR);
	NFV_STAT(loop, NFVPN_STAT_A_LOOP);
#undef NFV_STAT
	return 0;
}

int nfv_steer_stats(struct nfv_steer *st, struct nfv_steer_stats *out)
{
	struct nfv_nlmsg m;
	int err;

	memset(out, 0, sizeof(*out));
	err = nfv_steer_req(st, &m, NFVPN_CMD_GET_STATS, 0);
	if (err)
		return err;
	err = nfv_steer_talk(st, &m, nfv_steer_stats_msg, out);
	nfv_nlmsg_fini(&m);
	return err;
}
