/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ipsec: applier. SAs are never changed in place: a rekey is a new SA
 * (new name, new SPI, usually the same reqid) that the policies switch to.
 * Make before break, as IKE daemons do with XFRM:
 *   1. every new SA is installed (inbound first matters: the peer may
 *      switch before we do),
 *   2. each changed policy is swapped without a moment in which no policy
 *      matches: add "name~" (same selector and priority, so it ranks after
 *      the old one), delete "name", add "name" again, delete "name~",
 *   3. SAs nothing uses any more go; an inbound SA that a new inbound SA
 *      between the same gateways replaces is flagged NFV_PLAN_F_GRACE:
 *      nfvpnd keeps it until the peer has had time to switch.
 */
#include <stdio.h>
#include <string.h>

#include "nfv_ipsec_sa.h"
#include "nfv_policy_diff.h"
#include "nfv_policy_ipsec.h"

static const struct nfv_policy_sa *find_sa(const struct nfv_policy *p, const char *name)
{
	const struct nfv_policy_ipsec *ips = p->ipsec;

	for (unsigned int i = 0; ips != NULL && i < ips->nb_sas; i++)
		if (strcmp(ips->sas[i].name, name) == 0)
			return &ips->sas[i];
	return NULL;
}

static const struct nfv_policy_sp *find_sp(const struct nfv_policy *p, const char *name)
{
	const struct nfv_policy_ipsec *ips = p->ipsec;

	for (unsigned int i = 0; ips != NULL && i < ips->nb_sps; i++)
		if (strcmp(ips->sps[i].name, name) == 0)
			return &ips->sps[i];
	return NULL;
}

/* A loaded policy names its SA by index; one read back, in sa_ref. */
const char *nfv_policy_sp_sa_name(const struct nfv_policy *p, const struct nfv_policy_sp *sp)
{
	if (sp->action != NFV_IPSEC_PROTECT)
		return "";
	if (sp->sa >= 0 && p->ipsec != NULL && (unsigned int)sp->sa < p->ipsec->nb_sas)
		return p->ipsec->sas[sp->sa].name;
	return sp->sa_ref;
}

static uint32_t replay_of(const struct nfv_policy_sa *s)
{
	if (s->dir == NFV_IPSEC_DIR_OUT || s->replay_off)
		return 0;
	return s->replay_window ? s->replay_window : NFV_IPSEC_REPLAY_DEFAULT;
}

static bool lifetime_equal(const struct nfv_ipsec_lifetime *a,
			   const struct nfv_ipsec_lifetime *b)
{
	return a->bytes == b->bytes && a->packets == b->packets && a->seconds == b->seconds;
}

/* Keys count only when both sides know them (a read-back SA has none). */
static bool sa_equal(const struct nfv_policy_sa *a, const struct nfv_policy_sa *b)
{
	if (a->spi != b->spi || a->reqid != b->reqid || a->dir != b->dir || a->mode != b->mode ||
	    a->cipher != b->cipher || a->auth != b->auth || a->esn != b->esn ||
	    a->natt != b->natt || replay_of(a) != replay_of(b) ||
	    !nfv_addr_equal(&a->src, &b->src) || !nfv_addr_equal(&a->dst, &b->dst) ||
	    !lifetime_equal(&a->soft, &b->soft) || !lifetime_equal(&a->hard, &b->hard))
		return false;
	if (a->natt && (a->natt_sport != b->natt_sport || a->natt_dport != b->natt_dport))
		return false;
	if (a->key_len && b->key_len &&
	    (a->key_len != b->key_len || memcmp(a->key, b->key, a->key_len) != 0 ||
	     a->auth_key_len != b->auth_key_len ||
	     memcmp(a->auth_key, b->auth_key, a->auth_key_len) != 0))
		return false;
	return true;
}

static bool prefix_equal(const struct nfv_prefix *a, const struct nfv_prefix *b)
{
	return a->len == b->len && nfv_addr_equal(&a->addr, &b->addr);
}

static bool sp_equal(const struct nfv_policy *po, const struct nfv_policy_sp *a,
		     const struct nfv_policy *pn, const struct nfv_policy_sp *b)
{
	return a->priority == b->priority && a->dir == b->dir && a->action == b->action &&
	       a->proto == b->proto && prefix_equal(&a->src, &b->src) &&
	       prefix_equal(&a->dst, &b->dst) && a->sport_min == b->sport_min &&
	       a->sport_max == b->sport_max && a->dport_min == b->dport_min &&
	       a->dport_max == b->dport_max &&
	       strcmp(nfv_policy_sp_sa_name(po, a), nfv_policy_sp_sa_name(pn, b)) == 0;
}

static struct nfv_msg_name msg_name(const char *s)
{
	struct nfv_msg_name n = { 0 };

	snprintf(n.name, sizeof(n.name), "%s", s);
	return n;
}

static struct nfv_msg_ipsec_sp_add sp_msg(const struct nfv_policy *p,
					  const struct nfv_policy_sp *sp, const char *name)
{
	struct nfv_msg_ipsec_sp_add m;

	memset(&m, 0, sizeof(m));
	m.sp = *sp;
	snprintf(m.sp.name, sizeof(m.sp.name), "%s", name);
	m.sp.sa = -1;
	snprintf(m.sa, sizeof(m.sa), "%s", nfv_policy_sp_sa_name(p, sp));
	return m;
}

static void sp_add_op(struct nfv_plan *plan, const struct nfv_policy *p,
		      const struct nfv_policy_sp *sp, const char *name, const char *why)
{
	struct nfv_msg_ipsec_sp_add m = sp_msg(p, sp, name);
	struct nfv_msg_name nm = msg_name(name);
	struct nfv_plan_op *op;

	op = nfv_plan_add(plan, NFV_STAGE_SA_OUT_SWITCH, NFV_MSG_IPSEC_SP_ADD, &m, sizeof(m),
			  "sp add %s %s%s%s%s", name, nfv_ipsec_dir_names[sp->dir],
			  m.sa[0] ? " sa " : "", m.sa, why);
	nfv_plan_undo(plan, op, NFV_MSG_IPSEC_SP_DEL, &nm, sizeof(nm));
}

static void sp_del_op(struct nfv_plan *plan, const struct nfv_policy *p,
		      const struct nfv_policy_sp *sp, const char *name, const char *why)
{
	struct nfv_msg_ipsec_sp_add m = sp_msg(p, sp, name);
	struct nfv_msg_name nm = msg_name(name);
	struct nfv_plan_op *op;

	op = nfv_plan_add(plan, NFV_STAGE_SA_OUT_SWITCH, NFV_MSG_IPSEC_SP_DEL, &nm, sizeof(nm),
			  "sp del %s%s", name, why);
	nfv_plan_undo(plan, op, NFV_MSG_IPSEC_SP_ADD, &m, sizeof(m));
}

static const char *sa_fmt(const struct nfv_policy_sa *s, char *buf, size_t len)
{
	char a[NFV_ADDR_FMT_MAX], b[NFV_ADDR_FMT_MAX];

	snprintf(buf, len, "%s spi 0x%x %s %s -> %s", s->name, s->spi,
		 nfv_ipsec_dir_names[s->dir], nfv_addr_fmt(&s->src, a, sizeof(a)),
		 nfv_addr_fmt(&s->dst, b, sizeof(b)));
	return buf;
}

/* A new inbound SA between the same gateways: old is being rekeyed. */
static bool replaced_inbound(const struct nfv_policy *old, const struct nfv_policy *new,
			     const struct nfv_policy_sa *o)
{
	const struct nfv_policy_ipsec *ips = new->ipsec;

	if (o->dir != NFV_IPSEC_DIR_IN)
		return false;
	for (unsigned int i = 0; ips != NULL && i < ips->nb_sas; i++) {
		const struct nfv_policy_sa *n = &ips->sas[i];

		if (n->dir == NFV_IPSEC_DIR_IN && find_sa(old, n->name) == NULL &&
		    nfv_addr_equal(&n->src, &o->src) && nfv_addr_equal(&n->dst, &o->dst))
			return true;
	}
	return false;
}

static void diff_sas(const struct nfv_policy *old, const struct nfv_policy *new,
		     struct nfv_plan *plan)
{
	const struct nfv_policy_ipsec *ni = new->ipsec, *oi = old->ipsec;
	struct nfv_plan_op *op;
	char s[200];
	unsigned int i;

	for (i = 0; ni != NULL && i < ni->nb_sas; i++) {
		const struct nfv_policy_sa *n = &ni->sas[i];
		const struct nfv_policy_sa *o = find_sa(old, n->name);
		struct nfv_msg_name nm = msg_name(n->name);

		if (o != NULL) {
			if (!sa_equal(o, n))
				nfv_plan_refuse(plan, "sa %s: changed in place; rekey with a new SA "
						"(new name and SPI) and switch the policies to it",
						n->name);
			continue;
		}
		op = nfv_plan_add(plan, NFV_STAGE_SA_IN_ADD, NFV_MSG_IPSEC_SA_ADD, n, sizeof(*n),
				  "sa add %s", sa_fmt(n, s, sizeof(s)));
		nfv_plan_undo(plan, op, NFV_MSG_IPSEC_SA_DEL, &nm, sizeof(nm));
	}
	for (i = 0; oi != NULL && i < oi->nb_sas; i++) {
		const struct nfv_policy_sa *o = &oi->sas[i];
		struct nfv_msg_name nm = msg_name(o->name);

		if (find_sa(new, o->name) != NULL)
			continue;
		op = nfv_plan_add(plan, NFV_STAGE_SA_OLD_DEL, NFV_MSG_IPSEC_SA_DEL, &nm, sizeof(nm),
				  "sa del %s", sa_fmt(o, s, sizeof(s)));
		/* without its keys (not applied by us) it cannot come back */
		if (op != NULL && o->key_len)
			nfv_plan_undo(plan, op, NFV_MSG_IPSEC_SA_ADD, o, sizeof(*o));
		if (op != NULL && replaced_inbound(old, new, o))
			op->flags |= NFV_PLAN_F_GRACE;
	}
}

static void diff_sps(const struct nfv_policy *old, const struct nfv_policy *new,
		     struct nfv_plan *plan)
{
	const struct nfv_policy_ipsec *ni = new->ipsec, *oi = old->ipsec;
	char tmp[NFV_NAME_MAX + 2];
	unsigned int i;

	for (i = 0; ni != NULL && i < ni->nb_sps; i++) {
		const struct nfv_policy_sp *n = &ni->sps[i];
		const struct nfv_policy_sp *o = find_sp(old, n->name);

		if (o == NULL) {
			sp_add_op(plan, new, n, n->name, "");
			continue;
		}
		if (sp_equal(old, o, new, n))
			continue;
		/* the swap: some policy matches at every step */
		snprintf(tmp, sizeof(tmp), "%.*s~", NFV_NAME_MAX - 2, n->name);
		if (find_sp(old, tmp) != NULL || find_sp(new, tmp) != NULL) {
			nfv_plan_refuse(plan, "sp %s: cannot be swapped, %s is taken", n->name, tmp);
			continue;
		}
		sp_add_op(plan, new, n, tmp, " (swap 1/4)");
		sp_del_op(plan, old, o, o->name, " (swap 2/4)");
		sp_add_op(plan, new, n, n->name, " (swap 3/4)");
		sp_del_op(plan, new, n, tmp, " (swap 4/4)");
	}
	for (i = 0; oi != NULL && i < oi->nb_sps; i++) {
		const struct nfv_policy_sp *o = &oi->sps[i];

		if (find_sp(new, o->name) == NULL)
			sp_del_op(plan, old, o, o->name, "");
	}
}

static int diff_ipsec(const struct nfv_policy *old, const struct nfv_policy *new,
		      struct nfv_plan *plan)
{
	diff_sas(old, new, plan);
	diff_sps(old, new, plan);
	return plan->err;
}

const struct nfv_applier nfv_applier_ipsec = { "ipsec", NFV_BASE_RUNNING, diff_ipsec };
