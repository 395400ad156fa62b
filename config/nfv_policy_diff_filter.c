/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter: applier. The rules of filter.nft/filter.file change at run
 * time: the new text, compiled (nfv_policy_filter_compile()), replaces the
 * ruleset in one swap (no packet sees half of it); its undo is the
 * previous text's ruleset. Where the rules come from (text or mirror) and
 * the connection tracker are set at start.
 *
 * Diffs against what nfvpnd applied (the dataplane cannot give the text
 * back); before the first apply it knows only what runs (no text): the
 * policy's text is then loaded once, which restarts the rule counters.
 */
#include <string.h>

#include "nfv_policy_diff.h"
#include "nfv_policy_filter.h"

static int diff_filter(const struct nfv_policy *old, const struct nfv_policy *new,
		       struct nfv_plan *plan)
{
	const struct nfv_policy_filter *o = old->filter, *n = new->filter;
	struct nfv_plan_op *op;

	if (o == NULL && n == NULL)
		return 0;
	if (o == NULL || n == NULL) {
		nfv_plan_refuse(plan, "filter: section %s; it is set when the dataplane starts",
				n ? "added" : "removed");
		return 0;
	}
	if (o->source != n->source || o->conntrack != n->conntrack ||
	    (o->conntrack && o->ct_max != n->ct_max) ||
	    (o->nft != NULL && o->log_rate != n->log_rate)) {
		nfv_plan_refuse(plan, "filter: source, conntrack or log_rate changed; "
				"restart the dataplane");
		return 0;
	}
	if (n->source != NFV_FILTER_SRC_NFT || n->nft == NULL)
		return 0;	/* the mirror pushes its table itself */
	if (o->nft != NULL && strcmp(o->nft, n->nft) == 0)
		return 0;
	if (!n->compiled) {
		nfv_plan_refuse(plan, "filter: the nft text was not compiled (a bug)");
		return 0;
	}
	op = nfv_plan_add(plan, NFV_STAGE_FILTER, NFV_MSG_FILTER_LOAD_COMMIT, n->nlmsgs.msgs,
			  (uint32_t)n->nlmsgs.len,
			  "filter load %s (%zu bytes of nft, %zu of netlink)",
			  n->file[0] ? n->file : "filter.nft", strlen(n->nft), n->nlmsgs.len);
	if (op != NULL && o->nft != NULL && o->compiled)
		nfv_plan_undo(plan, op, NFV_MSG_FILTER_LOAD_COMMIT, o->nlmsgs.msgs,
			      (uint32_t)o->nlmsgs.len);
	return plan->err;
}

const struct nfv_applier nfv_applier_filter = { "filter", NFV_BASE_APPLIED, diff_filter };
