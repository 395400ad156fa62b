/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The run's results: a human summary and the JSON that nfvpn-bench reads
 * (schema in bench/README.md). Loss is counted against what the port took:
 * packets the generator could not send are not the device's loss.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "nfv_gen.h"

uint64_t nfv_gen_result_lost(const struct nfv_gen_result *r)
{
	return r->tx->pkts > r->rx->st.unique ? r->tx->pkts - r->rx->st.unique : 0;
}

static double secs(const struct nfv_gen_result *r)
{
	return r->hz ? (double)r->tx_ticks / (double)r->hz : 0;
}

static double per_sec(const struct nfv_gen_result *r, double v)
{
	double s = secs(r);

	return s > 0 ? v / s : 0;
}

static double ns(const struct nfv_gen_result *r, uint64_t ticks)
{
	return r->hz ? (double)ticks * 1e9 / (double)r->hz : 0;
}

static double avg_ticks(const struct nfv_gen_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0;
}

void nfv_gen_report_print(FILE *f, const struct nfv_gen_result *r)
{
	const struct nfv_gen_rx_stats *st = &r->rx->st;
	const struct nfv_gen_hist *h = &r->rx->lat;
	uint64_t lost = nfv_gen_result_lost(r);

	fprintf(f, "nfvpn-gen: %u %s flow(s), size %s, rate %s%s\n",
		r->conf->flow.nflows, r->conf->flow.family == AF_INET6 ? "IPv6" : "IPv4",
		r->conf->size_spec, r->conf->rate ? "paced" : "max",
		r->interrupted ? " (interrupted)" : "");
	fprintf(f, "  tx  %12" PRIu64 " pkts %14" PRIu64 " bytes  %.3f s  %.0f pps  %.3f Mbit/s\n",
		r->tx->pkts, r->tx->bytes, secs(r), per_sec(r, r->tx->pkts),
		per_sec(r, r->tx->bytes * 8.0) / 1e6);
	fprintf(f, "  rx  %12" PRIu64 " pkts %14" PRIu64 " bytes  (%" PRIu64 " signed, %"
		PRIu64 " other)\n", st->pkts, st->bytes, st->sig, st->other);
	fprintf(f, "  lost %" PRIu64 " (%.6f%%)  reordered %" PRIu64 " (late %" PRIu64
		")  duplicates %" PRIu64 "\n", lost,
		r->tx->pkts ? 100.0 * lost / r->tx->pkts : 0.0, st->reorder, st->late, st->dup);
	if (h->count == 0) {
		fprintf(f, "  latency: no samples\n");
		return;
	}
	fprintf(f, "  latency ns: min %.0f avg %.0f max %.0f  p50 %.0f p99 %.0f p99.9 %.0f\n",
		ns(r, h->min), avg_ticks(h) * 1e9 / r->hz, ns(r, h->max),
		ns(r, nfv_gen_hist_quantile(h, 0.5)), ns(r, nfv_gen_hist_quantile(h, 0.99)),
		ns(r, nfv_gen_hist_quantile(h, 0.999)));
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s != NULL && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* The non-empty buckets as [lower_ns, upper_ns, count]: nfvpn-bench plots them. */
static void json_hist(FILE *f, const struct nfv_gen_result *r, const struct nfv_gen_hist *h)
{
	bool first = true;
	unsigned int i;

	fprintf(f, "    \"histogram\": [");
	for (i = 0; i < NFV_GEN_HIST_BUCKETS; i++) {
		if (h->bucket[i] == 0)
			continue;
		fprintf(f, "%s[%.1f, %.1f, %" PRIu64 "]", first ? "" : ", ",
			ns(r, nfv_gen_hist_lower(i)), ns(r, nfv_gen_hist_upper(i)), h->bucket[i]);
		first = false;
	}
	fprintf(f, "]");
}

int nfv_gen_report_json(FILE *f, const struct nfv_gen_result *r)
{
	const struct nfv_gen_conf *c = r->conf;
	const struct nfv_gen_rx_stats *st = &r->rx->st;
	const struct nfv_gen_hist *h = &r->rx->lat;
	uint64_t lost = nfv_gen_result_lost(r);
	unsigned int i;

	fprintf(f, "{\n  \"version\": 1,\n  \"config\": {\"port\": ");
	json_str(f, c->port);
	fprintf(f, ", \"rx_port\": ");
	json_str(f, c->rx_port ? c->rx_port : c->port);
	fprintf(f, ", \"family\": \"%s\", \"flows\": %u, \"size\": ",
		c->flow.family == AF_INET6 ? "ipv6" : "ipv4", c->flow.nflows);
	json_str(f, c->size_spec);
	fprintf(f, ", \"sizes\": [");
	for (i = 0; i < c->sizes.n; i++)
		fprintf(f, "%s%u", i ? ", " : "", c->sizes.len[i]);
	fprintf(f, "], \"rate_pps\": %" PRIu64 ", \"duration_s\": %g, \"count\": %" PRIu64
		", \"esp\": %s},\n", c->rate, c->duration, c->count, c->esp ? "true" : "false");
	fprintf(f, "  \"duration_s\": %.6f,\n  \"interrupted\": %s,\n", secs(r),
		r->interrupted ? "true" : "false");
	fprintf(f, "  \"tx\": {\"packets\": %" PRIu64 ", \"bytes\": %" PRIu64
		", \"pps\": %.1f, \"bps\": %.1f, \"l1_bps\": %.1f, \"alloc_fail\": %" PRIu64
		", \"encap_drop\": %" PRIu64 "},\n", r->tx->pkts, r->tx->bytes,
		per_sec(r, r->tx->pkts), per_sec(r, r->tx->bytes * 8.0),
		per_sec(r, (r->tx->bytes + 20.0 * r->tx->pkts) * 8.0),
		r->tx->alloc_fail, r->tx->encap_drop);
	fprintf(f, "  \"rx\": {\"packets\": %" PRIu64 ", \"bytes\": %" PRIu64
		", \"signed\": %" PRIu64 ", \"unique\": %" PRIu64 ", \"lost\": %" PRIu64
		", \"loss_ratio\": %.9f, \"reordered\": %" PRIu64 ", \"late\": %" PRIu64
		", \"duplicates\": %" PRIu64 ", \"other\": %" PRIu64 "},\n",
		st->pkts, st->bytes, st->sig, st->unique, lost,
		r->tx->pkts ? (double)lost / r->tx->pkts : 0.0, st->reorder, st->late,
		st->dup, st->other);
	fprintf(f, "  \"latency_ns\": {\"samples\": %" PRIu64 ", \"min\": %.1f, \"avg\": %.1f"
		", \"max\": %.1f, \"p50\": %.1f, \"p99\": %.1f, \"p999\": %.1f,\n",
		h->count, h->count ? ns(r, h->min) : 0.0,
		r->hz ? avg_ticks(h) * 1e9 / r->hz : 0.0, ns(r, h->max),
		ns(r, nfv_gen_hist_quantile(h, 0.5)), ns(r, nfv_gen_hist_quantile(h, 0.99)),
		ns(r, nfv_gen_hist_quantile(h, 0.999)));
	json_hist(f, r, h);
	fprintf(f, "}\n}\n");
	return ferror(f) ? -EIO : 0;
}
