/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Applying a policy: load, read back what runs, diff, then one transaction
 * (config/nfv_msg.h NFV_MSG_TXN_*). Any failure aborts it, and the dataplane
 * undoes what the batch had done: it stays at the previous generation whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "nfv_policy_steer.h"
#include "nfvpnd.h"

int nfvpnd_dp_connect(struct nfvpnd *d)
{
	int ret = nfv_client_open(&d->dp, d->dp_socket);

	if (ret < 0)
		return ret;
	ret = nfvpnd_events_subscribe(d);
	if (ret < 0) {
		nfv_client_close(&d->dp);
		return ret;
	}
	d->dp_up = true;
	return 0;
}

void nfvpnd_dp_disconnect(struct nfvpnd *d)
{
	if (!d->dp_up)
		return;
	nfv_client_close(&d->dp);
	nfv_client_close(&d->ev);
	d->dp_up = false;
}

void nfvpnd_plan_print(const struct nfv_plan *plan, struct nfvpnd_text *out)
{
	if (plan->nb_refused)
		nfvpnd_printf(out, "%s", plan->refused);
	for (unsigned int i = 0; i < plan->n; i++)
		nfvpnd_printf(out, "%c %s\n", nfv_plan_is_del(plan->ops[i].req.type) ? '-' : '+',
			      plan->ops[i].what);
	if (plan->steer_changed)
		nfvpnd_printf(out, "~ steer: the kernel stub's target and selectors\n");
	if (plan->n == 0 && !plan->steer_changed && plan->nb_refused == 0)
		nfvpnd_printf(out, "no change\n");
}

static int txn(struct nfvpnd *d, uint16_t type, uint64_t expect, struct nfv_msg_txn *res)
{
	struct nfv_msg_txn req = { .expect = expect };
	struct nfv_msg_txn *r = NULL;
	uint32_t len = 0;
	int ret;

	ret = nfv_client_request(&d->dp, type, &req, type == NFV_MSG_TXN_BEGIN ? sizeof(req) : 0,
				 (void **)&r, &len);
	if (ret == 0 && r != NULL && len >= sizeof(*r) && res != NULL)
		*res = *r;
	free(r);
	return ret;
}

/* The TXN_UNDO request that carries m; free it with undo_free. */
static struct nfv_msg_txn_undo *undo_msg(const struct nfv_plan_msg *m, size_t *len)
{
	struct nfv_msg_txn_undo *u;

	*len = sizeof(*u) + m->len;
	u = malloc(*len);
	if (u == NULL)
		return NULL;
	u->type = m->type;
	u->pad = 0;
	u->len = m->len;
	memcpy(u->payload, m->payload, m->len);
	return u;
}

static void undo_free(struct nfv_msg_txn_undo *u, size_t len)
{
	explicit_bzero(u, len);	/* an SA's undo holds its keys */
	free(u);
}

static int send_undo(struct nfvpnd *d, const struct nfv_plan_msg *m)
{
	size_t len;
	struct nfv_msg_txn_undo *u = undo_msg(m, &len);
	int ret;

	if (u == NULL)
		return -ENOMEM;
	ret = nfv_client_request(&d->dp, NFV_MSG_TXN_UNDO, u, (uint32_t)len, NULL, NULL);
	undo_free(u, len);
	return ret;
}

/* A ruleset is too large for one request: nfv_plan_msg says how it goes. */
static bool is_ruleset(const struct nfv_plan_msg *m)
{
	return m->type == NFV_MSG_FILTER_LOAD_COMMIT;
}

static int send_op(struct nfvpnd *d, const struct nfv_plan_op *op)
{
	uint32_t txn = 0;
	int ret;

	/* staging changes nothing: the undo group belongs to the commit */
	if (is_ruleset(&op->req)) {
		ret = nfv_client_filter_stage(&d->dp, op->req.payload, op->req.len, &txn);
		if (ret < 0)
			return ret;
	}
	for (unsigned int i = 0; i < op->nb_undo; i++) {
		if (is_ruleset(&op->undo[i]))
			ret = nfv_client_filter_load_undo(&d->dp, op->undo[i].payload,
							  op->undo[i].len,
							  NFV_FILTER_SOURCE_POLICY, "policy");
		else
			ret = send_undo(d, &op->undo[i]);
		if (ret < 0)
			return ret;
	}
	if (is_ruleset(&op->req))
		return nfv_client_filter_commit(&d->dp, txn, NFV_FILTER_SOURCE_POLICY, "policy");
	return nfv_client_request(&d->dp, op->req.type, op->req.payload, op->req.len, NULL, NULL);
}

int64_t nfvpnd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t nfvpnd_grace_next(const struct nfvpnd *d)
{
	int64_t next = -1;

	for (unsigned int i = 0; i < d->nb_retiring; i++)
		if (next < 0 || d->retiring[i].deadline_ms < next)
			next = d->retiring[i].deadline_ms;
	return next;
}

static const struct nfvpnd_retiring *retiring_find(const struct nfvpnd *d, const char *name)
{
	for (unsigned int i = 0; i < d->nb_retiring; i++)
		if (strcmp(d->retiring[i].name, name) == 0)
			return &d->retiring[i];
	return NULL;
}

/*
 * Make-before-break for inbound SAs: the peer may still send on the SA a
 * rekey replaced, so its deletion waits for the grace period. An SA seen
 * for the first time starts its clock; one whose deadline passed goes now.
 * Returns the list of SAs still waiting, to keep once the plan ran.
 */
static unsigned int grace_defer(struct nfvpnd *d, struct nfv_plan *plan,
				struct nfvpnd_retiring *wait, struct nfvpnd_text *out)
{
	int64_t now = nfvpnd_now_ms();
	unsigned int nb = 0;

	for (unsigned int i = plan->n; i-- > 0;) {
		const struct nfv_plan_op *op = &plan->ops[i];
		const struct nfv_msg_name *nm = op->req.payload;
		const struct nfvpnd_retiring *r;
		int64_t deadline;

		if (op->req.type != NFV_MSG_IPSEC_SA_DEL || nb == NFVPND_RETIRING_MAX)
			continue;
		/* once its replacement runs, the flag is gone: the list remembers */
		r = retiring_find(d, nm->name);
		if (r == NULL && (!(op->flags & NFV_PLAN_F_GRACE) || d->grace_s == 0))
			continue;
		deadline = r ? r->deadline_ms : now + (int64_t)d->grace_s * 1000;
		if (deadline <= now)
			continue;
		snprintf(wait[nb].name, sizeof(wait[nb].name), "%s", nm->name);
		wait[nb++].deadline_ms = deadline;
		nfvpnd_printf(out, "~ sa %s: replaced by a rekey, deleted in %lds\n", nm->name,
			      (long)((deadline - now + 999) / 1000));
		nfv_plan_drop(plan, i);
	}
	return nb;
}

/*
 * The plan's requests are pipelined: up to APPLY_WINDOW messages go out
 * before their answers are read (the dataplane answers in order, and
 * publishes what one read of ours held at once), instead of one round trip
 * per change. Each answer is matched to its change, so a failure is still
 * reported with the change's name.
 */
#define APPLY_WINDOW 256
#define APPLY_WAIT_MS 100	/* how often a wait looks at the signals */

struct apply_pipe {
	struct {
		uint32_t seq;
		uint16_t type;
		unsigned int op;
	} q[APPLY_WINDOW];
	unsigned int head, n;
	int err;		/* the first failure, 0 if none */
};

/*
 * SIGTERM or SIGINT while applying: stop now (the dataplane undoes the open
 * transaction when our connection closes). A SIGHUP is kept for the loop.
 */
static bool quit_asked(struct nfvpnd *d)
{
	struct signalfd_siginfo si;

	while (d->sigfd >= 0 && read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			d->hup_pending = true;
		else
			d->quit = true;
	}
	return d->quit;
}

static int pipe_send(struct nfvpnd *d, struct apply_pipe *p, unsigned int op,
		     uint16_t type, const void *payload, uint32_t len)
{
	struct nfv_client *c = &d->dp;
	unsigned int t = (p->head + p->n) % APPLY_WINDOW;
	int ret;

	if (++c->seq == 0)	/* seq 0 is the server's own */
		c->seq = 1;
	ret = nfv_client_send(c, type, c->seq, payload, len);
	if (ret < 0)
		return ret;
	p->q[t].seq = c->seq;
	p->q[t].type = type;
	p->q[t].op = op;
	p->n++;
	return 0;
}

static int pipe_undo(struct nfvpnd *d, struct apply_pipe *p, unsigned int op,
		     const struct nfv_plan_msg *m)
{
	size_t len;
	struct nfv_msg_txn_undo *u = undo_msg(m, &len);
	int ret;

	if (u == NULL)
		return -ENOMEM;
	ret = pipe_send(d, p, op, NFV_MSG_TXN_UNDO, u, (uint32_t)len);
	undo_free(u, len);
	return ret;
}

/* Reads the oldest answer; a refused change is reported by name. */
static int pipe_recv(struct nfvpnd *d, struct apply_pipe *p, const struct nfv_plan *plan,
		     struct nfvpnd_text *out)
{
	struct nfv_client *c = &d->dp;
	unsigned int h = p->head;
	struct nfv_client_msg m;
	int ret;

	for (;;) {
		if (quit_asked(d))
			return -EINTR;
		ret = nfv_client_recv(c, APPLY_WAIT_MS, &m);
		if (ret == -ETIMEDOUT || ret == -EINTR)
			continue;
		if (ret < 0)
			return ret;
		if (m.hdr.type == NFV_MSG_QUEUE_PACKET && m.hdr.seq == 0) {
			free(m.payload);	/* not a listener: nothing to keep */
			continue;
		}
		break;
	}
	p->head = (p->head + 1) % APPLY_WINDOW;
	p->n--;
	if (m.hdr.seq != p->q[h].seq) {
		snprintf(c->err, sizeof(c->err), "response has seq %u, expected %u",
			 m.hdr.seq, p->q[h].seq);
		c->broken = true;
		ret = -EPROTO;
	} else if (m.hdr.status < 0) {
		const char *text = m.payload;
		size_t n = text != NULL ? strnlen(text, m.hdr.len) : 0;

		snprintf(c->err, sizeof(c->err), "%.*s", (int)n,
			 n ? text : strerror(-m.hdr.status));
		ret = m.hdr.status;
	} else if (m.hdr.type != p->q[h].type) {
		snprintf(c->err, sizeof(c->err), "response of type %u to a request of type %u",
			 m.hdr.type, p->q[h].type);
		ret = -EPROTO;
	} else {
		ret = 0;
	}
	free(m.payload);
	if (ret < 0) {
		nfvpnd_printf(out, "%s: %s\n", plan->ops[p->q[h].op].what, c->err);
		if (p->err == 0)
			p->err = ret;
	}
	return ret == -EPROTO || ret == -EINTR ? ret : 0;
}

/* Reads answers until at most keep are outstanding. */
static int pipe_drain(struct nfvpnd *d, struct apply_pipe *p, const struct nfv_plan *plan,
		      unsigned int keep, struct nfvpnd_text *out)
{
	while (p->n > keep) {
		int ret = pipe_recv(d, p, plan, out);

		if (ret < 0)
			return ret;
	}
	return p->err;
}

/* Sends one change, with its undo steps before it. */
static int pipe_op(struct nfvpnd *d, struct apply_pipe *p, const struct nfv_plan *plan,
		   unsigned int i, struct nfvpnd_text *out)
{
	const struct nfv_plan_op *op = &plan->ops[i];
	int ret;

	/* the filter's staging waits for its answers: it goes alone */
	if (is_ruleset(&op->req)) {
		ret = pipe_drain(d, p, plan, 0, out);
		if (ret < 0)
			return ret;
		ret = send_op(d, op);
		if (ret < 0)
			nfvpnd_printf(out, "%s: %s\n", op->what, d->dp.err);
		return ret;
	}
	if (op->nb_undo + 1 > APPLY_WINDOW)
		return -E2BIG;
	ret = pipe_drain(d, p, plan, APPLY_WINDOW - op->nb_undo - 1, out);
	if (ret < 0)
		return ret;
	for (unsigned int u = 0; u < op->nb_undo && ret == 0; u++)
		ret = pipe_undo(d, p, i, &op->undo[u]);
	if (ret == 0)
		ret = pipe_send(d, p, i, op->req.type, op->req.payload, op->req.len);
	if (ret < 0)
		nfvpnd_printf(out, "%s: %s\n", op->what, d->dp.err);
	return ret;
}

/* Runs the plan in one transaction; steer goes last, before the commit. */
static int run_plan(struct nfvpnd *d, const struct nfv_plan *plan, const struct nfv_policy *pol,
		    uint64_t expect, struct nfvpnd_text *out)
{
	struct nfv_msg_txn res = { 0 };
	struct apply_pipe *p;
	unsigned int i;
	int ret;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	ret = txn(d, NFV_MSG_TXN_BEGIN, expect, &res);
	if (ret < 0) {
		nfvpnd_printf(out, "transaction refused: %s\n", d->dp.err);
		goto out;
	}
	for (i = 0, ret = 0; i < plan->n && ret == 0; i++)
		ret = pipe_op(d, p, plan, i, out);
	if (ret == 0)
		ret = pipe_drain(d, p, plan, 0, out);
	if (ret == -EINTR)
		goto interrupted;
	if (ret < 0)
		goto abort;
	if (plan->steer_changed && d->steer) {
		ret = nfvpnd_steer_program(pol->steer, out);
		if (ret < 0)
			goto abort;
		d->steer_programmed = true;
	}
	ret = txn(d, NFV_MSG_TXN_COMMIT, 0, &res);
	if (ret < 0) {
		nfvpnd_printf(out, "commit: %s\n", d->dp.err);
		goto out;
	}
	d->dp_generation = res.generation;
	nfvpnd_printf(out, "generation %lu: %u changes applied%s\n",
		      (unsigned long)res.generation, plan->n,
		      plan->steer_changed && d->steer ? ", kernel stub programmed" : "");
	goto out;
abort:
	/* what is still in flight was applied or refused: read it first */
	if (!d->dp.broken && pipe_drain(d, p, plan, 0, out) == -EINTR)
		goto interrupted;
	if (txn(d, NFV_MSG_TXN_ABORT, 0, &res) == 0)
		nfvpnd_printf(out, "aborted: %u changes undone, %u undo failures; generation %lu kept\n",
			      res.changes, res.undo_failed, (unsigned long)res.generation);
	else
		nfvpnd_printf(out, "abort: %s\n", d->dp.err);
	goto out;
interrupted:
	/* closing the connection makes the dataplane undo the transaction */
	nfvpnd_printf(out, "interrupted by a signal: the dataplane undoes the transaction\n");
	nfvpnd_dp_disconnect(d);
	ret = -EINTR;
out:
	free(p);
	return ret;
}

int nfvpnd_apply(struct nfvpnd *d, const char *path, bool dry, struct nfvpnd_text *out)
{
	struct nfvpnd_retiring wait[NFVPND_RETIRING_MAX];
	unsigned int nb_wait;
	struct nfv_policy *pol = NULL, *run = NULL;
	struct nfv_plan plan = { 0 };
	uint64_t gen = 0;
	int ret;

	ret = nfvpnd_load(path, &pol, out);
	if (ret < 0)
		return ret;
	if (!d->dp_up && nfvpnd_dp_connect(d) < 0) {
		nfvpnd_printf(out, "dataplane: %s\n", d->dp.err);
		ret = -ENOTCONN;
		goto out;
	}
	ret = nfvpnd_running_read(&d->dp, d->applied, &run, &gen);
	if (ret < 0) {
		nfvpnd_printf(out, "reading the dataplane: %s\n", d->dp.err);
		nfvpnd_dp_disconnect(d);
		goto out;
	}
	ret = nfv_policy_diff(run, d->applied, pol, &plan);
	if (ret < 0) {
		nfvpnd_printf(out, "diff: %s\n", strerror(-ret));
		goto out;
	}
	if (!d->steer_programmed && pol->steer != NULL)
		plan.steer_changed = true;
	nb_wait = grace_defer(d, &plan, wait, out);
	if (dry || plan.nb_refused) {
		nfvpnd_plan_print(&plan, out);
		if (plan.nb_refused)
			ret = -EPERM;
		goto out;
	}
	nfvpnd_plan_print(&plan, out);
	ret = run_plan(d, &plan, pol, gen, out);
	/* what waits now; an SA that went or came back waits no more */
	memcpy(d->retiring, wait, nb_wait * sizeof(wait[0]));
	d->nb_retiring = nb_wait;
	if (ret == 0) {
		nfv_policy_free(d->applied);
		d->applied = pol;
		pol = NULL;
		d->applies++;
	}
out:
	nfv_plan_fini(&plan);
	nfv_policy_free(run);
	nfv_policy_free(pol);
	return ret;
}
