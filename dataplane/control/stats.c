/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters: per-worker sums, the NFV_MSG_STATS list, the exit summary, and
 * `nfvpnctl clear stats`. Workers own their counters and nobody else writes
 * them, so a clear never touches them: NFV_MSG_STATS_CLEAR records what the
 * list shows now as a baseline (on the main lcore, its only writer), and
 * NFV_MSG_STATS_DELTA lists each counter less its baseline. NFV_MSG_STATS
 * stays the raw, monotonic totals that metrics scrapers expect.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mempool.h>

#include "dp.h"
#include "filter.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_build.h"
#include "nfv_drop.h"
#include "nfv_flowtable.h"
#include "stats.h"
#include "txn.h"

void nfv_stats_workers_sum(const struct nfv_dp *dp, struct nfv_worker_stats *sum)
{
	const uint64_t *src;
	uint64_t *dst = (uint64_t *)sum;
	const size_t nb = offsetof(struct nfv_worker_stats, from_kernel[NFV_MAX_PORTS]) /
			  sizeof(uint64_t);

	memset(sum, 0, sizeof(*sum));
	for (unsigned int w = 0; w < dp->nb_workers; w++) {
		src = (const uint64_t *)&dp->workers[w].stats;
		for (size_t i = 0; i < nb; i++)
			dst[i] += src[i];
	}
}

uint64_t nfv_stats_drops_total(const struct nfv_dp *dp)
{
	uint64_t total = 0;

	for (unsigned int r = 0; r < NFV_DR_MAX; r++)
		total += nfv_drop_stats_sum(dp->hooks, r);
	return total;
}

static int put_counter(struct nfv_mgmt_rows *rows, const char *name, uint64_t value)
{
	struct nfv_msg_counter *c = nfv_mgmt_row(rows);

	if (c == NULL)
		return -ENOMEM;
	strlcpy(c->name, name, sizeof(c->name));
	c->value = value;
	return 0;
}

static int list_counters(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	struct nfv_worker_stats s;
	char name[sizeof(((struct nfv_msg_counter *)0)->name)];
	int ret = 0;

	nfv_stats_workers_sum(dp, &s);
	ret |= put_counter(rows, "rx", s.rx);
	ret |= put_counter(rows, "tx", s.tx);
	ret |= put_counter(rows, "forwarded", s.forwarded);
	ret |= put_counter(rows, "local_in", s.local_in);
	ret |= put_counter(rows, "local_out", s.local_out);
	ret |= put_counter(rows, "echo_replies", s.echo_replies);
	ret |= put_counter(rows, "icmp_errors", s.icmp_errors);
	ret |= put_counter(rows, "to_control", s.to_control);
	ret |= put_counter(rows, "reass.fragments", s.reass_fragments);
	ret |= put_counter(rows, "reass.datagrams", s.reass_datagrams);
	ret |= put_counter(rows, "fragmented", s.fragmented);
	ret |= put_counter(rows, "flow.offloaded", s.offloaded);
	if (dp->flowtable != NULL) {
		struct nfv_flowtable_stats fs;

		nfv_flowtable_stats_sum(dp->flowtable, &fs);
		ret |= put_counter(rows, "flow.connections", fs.offloaded);
		ret |= put_counter(rows, "flow.learned", fs.learned);
		ret |= put_counter(rows, "flow.teardown_fin_rst", fs.teardown_tcp);
		ret |= put_counter(rows, "flow.teardown_timeout", fs.teardown_timeout);
		ret |= put_counter(rows, "flow.teardown_route", fs.teardown_route);
		ret |= put_counter(rows, "flow.mtu_fallback", fs.mtu_fallback);
	}
	if (nfv_filter_ctl(dp) != NULL)
		ret |= put_counter(rows, "filter.dynset_full",
				   nfv_filter_ctl_dynset_full(nfv_filter_ctl(dp)));
	ret |= put_counter(rows, "dropped", nfv_stats_drops_total(dp));
	ret |= put_counter(rows, "neigh.resolve_failed", dp->neigh.resolve_failed);
	ret |= put_counter(rows, "neigh.held_dropped", dp->neigh.held_dropped);
	ret |= put_counter(rows, "mempool.in_use", rte_mempool_in_use_count(dp->pool));
	if (dp->mgmt != NULL) {
		ret |= put_counter(rows, "mgmt.clients", dp->mgmt->nb_conns);
		ret |= put_counter(rows, "mgmt.refused", dp->mgmt->refused);
		ret |= put_counter(rows, "mgmt.slow_dropped", dp->mgmt->slow_dropped);
		ret |= put_counter(rows, "mgmt.idle_closed", dp->mgmt->idle_closed);
		ret |= put_counter(rows, "mgmt.evicted", dp->mgmt->evicted);
		ret |= put_counter(rows, "mgmt.over_limit", dp->mgmt->over_limit);
	}
	ret |= put_counter(rows, "txn.timeouts", nfv_txn_timeouts(dp));
	for (unsigned int w = 0; w < dp->nb_workers; w++) {
		const struct nfv_worker_stats *ws = &dp->workers[w].stats;

		snprintf(name, sizeof(name), "worker%u.loops", w);
		ret |= put_counter(rows, name, ws->loops);
		snprintf(name, sizeof(name), "worker%u.busy_loops", w);
		ret |= put_counter(rows, name, ws->busy_loops);
	}
	for (unsigned int r = 0; r < NFV_DR_MAX; r++) {
		snprintf(name, sizeof(name), NFV_DROP_COUNTER_PREFIX "%s",
			 nfv_drop_reason_name(r));
		ret |= put_counter(rows, name, nfv_drop_stats_sum(dp->hooks, r));
	}
	return ret ? -ENOMEM : 0;
}

void nfv_stats_print(struct nfv_dp *dp, FILE *f)
{
	struct nfv_worker_stats s;
	double secs = (double)(rte_rdtsc() - dp->start_tsc) / rte_get_tsc_hz();

	nfv_stats_workers_sum(dp, &s);
	fprintf(f, "nfvpn-dataplane: %.1f s, %u worker(s)\n", secs, dp->nb_workers);
	fprintf(f, "  rx %lu  tx %lu  forwarded %lu  local_in %lu  local_out %lu  dropped %lu\n",
		s.rx, s.tx, s.forwarded, s.local_in, s.local_out, nfv_stats_drops_total(dp));
	fprintf(f, "  echo replies %lu  icmp errors %lu  to control %lu\n",
		s.echo_replies, s.icmp_errors, s.to_control);
	for (unsigned int w = 0; w < dp->nb_workers; w++) {
		const struct nfv_worker_stats *ws = &dp->workers[w].stats;
		double busy = (double)(ws->last_rx_tsc - ws->first_rx_tsc) / rte_get_tsc_hz();

		if (busy > 0)
			fprintf(f, "  worker %u: %.3f Mpps rx over %.2f s of traffic\n", w,
				ws->rx / busy / 1e6, busy);
	}
	for (unsigned int p = 0; p < dp->nb_ports; p++)
		fprintf(f, "  port %-8s rx %lu tx %lu punted %lu from-kernel %lu\n",
			dp->ports[p].name, s.port_rx[p], s.port_tx[p], s.punted[p],
			s.from_kernel[p]);
	fprintf(f, "  hook entries:\n");
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		const struct nfv_hook_entries *es = dp->hooks->hooks[h];

		for (unsigned int i = 0; es != NULL && i < es->num; i++) {
			struct nfv_hook_stats st;

			nfv_hook_stats_sum(es->regs[i], &st);
			fprintf(f, "    %-12s %6d %-24s packets %lu accepted %lu dropped %lu "
				"stolen %lu queued %lu\n", nfv_hook_name(h), es->e[i].priority,
				es->regs[i]->name, st.packets, st.accepted, st.dropped,
				st.stolen, st.queued);
		}
	}
	fprintf(f, "  drops by reason:\n");
	for (unsigned int r = 0; r < NFV_DR_MAX; r++) {
		uint64_t n = nfv_drop_stats_sum(dp->hooks, r);

		if (n > 0)
			fprintf(f, "    %-28s %lu\n", nfv_drop_reason_name(r), n);
	}
}

static int show_status(struct nfv_dp *dp, struct nfv_buf *b)
{
	struct nfv_msg_status *s = nfv_buf_put(b, sizeof(*s));
	struct nfv_worker_stats sum;

	if (s == NULL)
		return -ENOMEM;
	nfv_stats_workers_sum(dp, &sum);
	strlcpy(s->version, NFV_VERSION, sizeof(s->version));
	strlcpy(s->policy, dp->policy_path, sizeof(s->policy));
	s->uptime_s = (rte_rdtsc() - dp->start_tsc) / rte_get_tsc_hz();
	s->generation = dp->generation;
	s->workers = dp->nb_workers;
	s->ports = dp->nb_ports;
	s->rx_packets = sum.rx;
	s->tx_packets = sum.tx;
	s->forwarded = sum.forwarded;
	s->local_in = sum.local_in;
	s->local_out = sum.local_out;
	s->dropped = nfv_stats_drops_total(dp);
	s->mempool_in_use = rte_mempool_in_use_count(dp->pool);
	s->mempool_size = dp->pool->size;
	return 0;
}

static int handle_status(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			 const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_buf b = { 0 };

	return nfv_mgmt_reply(c, h, &b, show_status(dp, &b));
}


/* The counters at the last NFV_MSG_STATS_CLEAR. Main lcore only. */
struct nfv_stats_base {
	unsigned int n;
	struct nfv_msg_counter c[];
};

/* Levels, not totals: shown as they are, never less a baseline. */
static bool is_gauge(const char *name)
{
	return strcmp(name, "mempool.in_use") == 0 || strcmp(name, "mgmt.clients") == 0;
}

/* The baseline of name, 0 when it has none; hint: where it was last time. */
static uint64_t base_of(const struct nfv_stats_base *b, const char *name, unsigned int hint)
{
	if (hint < b->n && strncmp(b->c[hint].name, name, sizeof(b->c[0].name)) == 0)
		return b->c[hint].value;
	for (unsigned int i = 0; i < b->n; i++)
		if (strncmp(b->c[i].name, name, sizeof(b->c[0].name)) == 0)
			return b->c[i].value;
	return 0;
}

static struct nfv_msg_counter *rows_counters(struct nfv_mgmt_rows *rows, unsigned int *n)
{
	struct nfv_msg_list *l = (struct nfv_msg_list *)rows->b.p;

	*n = l->count;
	return (struct nfv_msg_counter *)(l + 1);
}

static int list_delta(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	const struct nfv_stats_base *b = dp->stats_base;
	struct nfv_msg_counter *c;
	unsigned int n;
	int ret = list_counters(dp, rows);

	if (ret < 0 || b == NULL)
		return ret;
	c = rows_counters(rows, &n);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t v = is_gauge(c[i].name) ? 0 : base_of(b, c[i].name, i);

		/* never below 0: a counter below its base shows its value */
		c[i].value = c[i].value >= v ? c[i].value - v : c[i].value;
	}
	return 0;
}

static int handle_clear(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_mgmt_rows rows = { 0 };
	struct nfv_msg_list *l = nfv_buf_put(&rows.b, sizeof(*l));
	struct nfv_stats_base *b = NULL;
	struct nfv_msg_counter *cs;
	unsigned int n = 0;
	int ret = -ENOMEM;

	(void)payload;
	if (l == NULL)
		goto out;
	l->record_size = sizeof(struct nfv_msg_counter);
	ret = list_counters(dp, &rows);
	if (ret < 0)
		goto out;
	cs = rows_counters(&rows, &n);
	b = malloc(sizeof(*b) + n * sizeof(b->c[0]));
	if (b == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	b->n = n;
	memcpy(b->c, cs, n * sizeof(b->c[0]));
	free(dp->stats_base);
	dp->stats_base = b;
	ret = 0;
out:
	nfv_buf_fini(&rows.b);
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	return nfv_mgmt_ok(c, h);
}

static void stats_fini(struct nfv_dp *dp)
{
	free(dp->stats_base);
	dp->stats_base = NULL;
}

static const struct nfv_mgmt_handler stats_handlers[] = {
	{ NFV_MSG_STATUS, 0, false, "status", handle_status },
	NFV_MGMT_LISTING(NFV_MSG_STATS, "stats", struct nfv_msg_counter, list_counters),
	NFV_MGMT_LISTING(NFV_MSG_STATS_DELTA, "stats since clear", struct nfv_msg_counter,
			 list_delta),
	{ NFV_MSG_STATS_CLEAR, 0, false, "stats clear", handle_clear },
};
NFV_MGMT_HANDLERS(stats_handlers);

static struct nfv_ctl_module stats_module = {
	.name = "counters",
	.order = NFV_CTL_ORDER_STATS,
	.fini = stats_fini,
};
NFV_CTL_MODULE(stats_module);
