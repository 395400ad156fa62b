/* SPDX-License-Identifier: BSD-3-Clause */
/* Plans: building, ordering, freeing; and the table of appliers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy_diff.h"

/* Order matters only through the stages; see docs/nfvpnd.md. */
const struct nfv_applier *const nfv_appliers[] = {
	&nfv_applier_fixed,
	&nfv_applier_neighbours,
	&nfv_applier_routes,
	&nfv_applier_hooks,
	&nfv_applier_ipsec,
	&nfv_applier_filter,
	&nfv_applier_steer,
	NULL,
};

static void *dup_payload(const void *p, uint32_t len)
{
	void *d = malloc(len ? len : 1);

	if (d != NULL && len)
		memcpy(d, p, len);
	return d;
}

struct nfv_plan_op *nfv_plan_add(struct nfv_plan *plan, int stage, uint16_t type,
				 const void *payload, uint32_t len, const char *fmt, ...)
{
	struct nfv_plan_op *op;
	va_list ap;

	if (plan->err)
		return NULL;
	if (plan->n == plan->cap) {
		unsigned int cap = plan->cap ? 2 * plan->cap : 64;

		op = realloc(plan->ops, cap * sizeof(*op));
		if (op == NULL)
			goto nomem;
		plan->ops = op;
		plan->cap = cap;
	}
	op = &plan->ops[plan->n];
	memset(op, 0, sizeof(*op));
	op->stage = stage;
	op->req.type = type;
	op->req.len = len;
	op->req.payload = dup_payload(payload, len);
	if (op->req.payload == NULL)
		goto nomem;
	va_start(ap, fmt);
	vsnprintf(op->what, sizeof(op->what), fmt, ap);
	va_end(ap);
	plan->n++;
	return op;
nomem:
	plan->err = -ENOMEM;
	return NULL;
}

int nfv_plan_undo(struct nfv_plan *plan, struct nfv_plan_op *op, uint16_t type,
		  const void *payload, uint32_t len)
{
	struct nfv_plan_msg *u;

	if (op == NULL)
		return plan->err;
	u = realloc(op->undo, (op->nb_undo + 1) * sizeof(*u));
	if (u == NULL)
		goto nomem;
	op->undo = u;
	u = &u[op->nb_undo];
	u->type = type;
	u->len = len;
	u->payload = dup_payload(payload, len);
	if (u->payload == NULL)
		goto nomem;
	op->nb_undo++;
	return 0;
nomem:
	plan->err = -ENOMEM;
	return -ENOMEM;
}

void nfv_plan_refuse(struct nfv_plan *plan, const char *fmt, ...)
{
	size_t off = strlen(plan->refused);
	va_list ap;

	plan->nb_refused++;
	if (off + 2 >= sizeof(plan->refused))
		return;
	va_start(ap, fmt);
	vsnprintf(plan->refused + off, sizeof(plan->refused) - off - 1, fmt, ap);
	va_end(ap);
	strcat(plan->refused, "\n");
}

/* Insertion sort: stable, and plans are short. */
static void sort_ops(struct nfv_plan *plan)
{
	for (unsigned int i = 1; i < plan->n; i++) {
		struct nfv_plan_op op = plan->ops[i];
		unsigned int j = i;

		while (j > 0 && plan->ops[j - 1].stage > op.stage) {
			plan->ops[j] = plan->ops[j - 1];
			j--;
		}
		plan->ops[j] = op;
	}
}

int nfv_policy_diff(const struct nfv_policy *running, const struct nfv_policy *applied,
		    const struct nfv_policy *new, struct nfv_plan *plan)
{
	int ret;

	for (unsigned int i = 0; nfv_appliers[i] != NULL; i++) {
		const struct nfv_applier *a = nfv_appliers[i];
		const struct nfv_policy *old =
			a->base == NFV_BASE_APPLIED && applied != NULL ? applied : running;

		ret = a->diff(old, new, plan);
		if (ret < 0 || plan->err < 0)
			return ret < 0 ? ret : plan->err;
	}
	sort_ops(plan);
	return 0;
}

/* SA requests carry keys: every payload is wiped before it is freed. */
static void msg_fini(struct nfv_plan_msg *m)
{
	if (m->payload != NULL)
		explicit_bzero(m->payload, m->len);
	free(m->payload);
}

static void op_fini(struct nfv_plan_op *op)
{
	msg_fini(&op->req);
	for (unsigned int j = 0; j < op->nb_undo; j++)
		msg_fini(&op->undo[j]);
	free(op->undo);
}

void nfv_plan_drop(struct nfv_plan *plan, unsigned int i)
{
	if (i >= plan->n)
		return;
	op_fini(&plan->ops[i]);
	memmove(&plan->ops[i], &plan->ops[i + 1], (plan->n - i - 1) * sizeof(plan->ops[0]));
	plan->n--;
}

bool nfv_plan_is_del(uint16_t type)
{
	return type == NFV_MSG_ROUTE_DEL || type == NFV_MSG_NEIGH_DEL ||
	       type == NFV_MSG_HOOK_DEL || type == NFV_MSG_IPSEC_SA_DEL ||
	       type == NFV_MSG_IPSEC_SP_DEL;
}

void nfv_plan_fini(struct nfv_plan *plan)
{
	for (unsigned int i = 0; i < plan->n; i++)
		op_fini(&plan->ops[i]);
	free(plan->ops);
	memset(plan, 0, sizeof(*plan));
}
