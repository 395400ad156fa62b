/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The metrics' text (nfvpnd_metrics.c serves it): counters per port, hook,
 * hook entry, filter rule, drop reason and SA, read from the dataplane at
 * each scrape, as OpenMetrics 1.0 or as Prometheus text 0.0.4. The two
 * differ only in a counter family's name (without or with _total) and the
 * closing # EOF.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_drop.h"
#include "nfv_ipsec_sa.h"
#include "nfv_netfilter.h"
#include "nfvpnd.h"

/* One scrape's text, in the format the scraper asked for. */
struct scrape {
	struct nfvpnd_text t;
	bool om;	/* OpenMetrics */
};

/* A label value: quotes, backslashes and newlines escaped. */
static const char *esc(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s != '\0' && o + 3 < len; s++) {
		if (*s == '"' || *s == '\\' || *s == '\n') {
			buf[o++] = '\\';
			buf[o++] = *s == '\n' ? 'n' : *s;
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

/*
 * A counter family's metadata. OpenMetrics names the family without the
 * _total of its samples; Prometheus text 0.0.4 names it as its samples.
 */
static void counter(struct scrape *s, const char *name, const char *help)
{
	const char *sfx = s->om ? "" : "_total";

	nfvpnd_printf(&s->t, "# TYPE %s%s counter\n# HELP %s%s %s\n", name, sfx, name, sfx,
		      help);
}

static void ports(struct nfvpnd *d, struct scrape *s)
{
	static const struct { const char *name, *help; size_t off; } f[] = {
		{ "nfvpn_port_rx_packets", "packets received", offsetof(struct nfv_msg_port, rx_packets) },
		{ "nfvpn_port_tx_packets", "packets sent", offsetof(struct nfv_msg_port, tx_packets) },
		{ "nfvpn_port_rx_bytes", "bytes received", offsetof(struct nfv_msg_port, rx_bytes) },
		{ "nfvpn_port_tx_bytes", "bytes sent", offsetof(struct nfv_msg_port, tx_bytes) },
		{ "nfvpn_port_rx_missed", "packets the NIC dropped", offsetof(struct nfv_msg_port, rx_missed) },
		{ "nfvpn_port_punted", "packets sent to the kernel", offsetof(struct nfv_msg_port, punted) },
	};
	struct nfv_msg_port *p;
	char e[96];
	uint32_t n;

	if (nfv_client_list(&d->dp, NFV_MSG_PORTS, sizeof(*p), (void **)&p, &n) < 0)
		return;
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
		counter(s, f[k].name, f[k].help);
		for (uint32_t i = 0; i < n; i++) {
			p[i].name[sizeof(p[i].name) - 1] = '\0';
			nfvpnd_printf(&s->t, "%s_total{port=\"%s\"} %lu\n", f[k].name,
				      esc(p[i].name, e, sizeof(e)),
				      (unsigned long)*(uint64_t *)((char *)&p[i] + f[k].off));
		}
	}
	free(p);
}

static void hooks(struct nfvpnd *d, struct scrape *s)
{
	struct nfv_msg_hook *h;
	uint64_t per_hook[NFV_INET_NUMHOOKS] = { 0 };
	char e[96];
	uint32_t n;

	if (nfv_client_list(&d->dp, NFV_MSG_HOOKS, sizeof(*h), (void **)&h, &n) < 0)
		return;
	counter(s, "nfvpn_hook_entry_packets", "packets through a hook entry, by verdict");
	for (uint32_t i = 0; i < n; i++) {
		const char *hk = nfv_hook_name(h[i].hook);
		const struct { const char *v; uint64_t c; } vs[] = {
			{ "accept", h[i].accepted }, { "drop", h[i].dropped },
			{ "stolen", h[i].stolen }, { "queue", h[i].queued },
			{ "repeat", h[i].repeated },
		};

		h[i].name[sizeof(h[i].name) - 1] = '\0';
		if (h[i].hook < NFV_INET_NUMHOOKS)
			per_hook[h[i].hook] += h[i].packets;
		for (size_t v = 0; v < sizeof(vs) / sizeof(vs[0]); v++)
			nfvpnd_printf(&s->t, "nfvpn_hook_entry_packets_total{hook=\"%s\",entry=\"%s\",priority=\"%d\",verdict=\"%s\"} %lu\n",
				      hk, esc(h[i].name, e, sizeof(e)), h[i].priority, vs[v].v,
				      (unsigned long)vs[v].c);
	}
	counter(s, "nfvpn_hook_packets", "packets into the entries of a hook, summed over entries");
	for (unsigned int k = 0; k < NFV_INET_NUMHOOKS; k++)
		nfvpnd_printf(&s->t, "nfvpn_hook_packets_total{hook=\"%s\"} %lu\n", nfv_hook_names[k],
			      (unsigned long)per_hook[k]);
	free(h);
}

#define DROP_PREFIX_LEN (sizeof(NFV_DROP_COUNTER_PREFIX) - 1)

static void counters(struct nfvpnd *d, struct scrape *s)
{
	struct nfv_msg_counter *c;
	char e[96];
	uint32_t n;

	if (nfv_client_list(&d->dp, NFV_MSG_STATS, sizeof(*c), (void **)&c, &n) < 0)
		return;
	counter(s, "nfvpn_drops", "packets dropped, by reason");
	for (uint32_t i = 0; i < n; i++) {
		c[i].name[sizeof(c[i].name) - 1] = '\0';
		if (strncmp(c[i].name, NFV_DROP_COUNTER_PREFIX, DROP_PREFIX_LEN) == 0)
			nfvpnd_printf(&s->t, "nfvpn_drops_total{reason=\"%s\"} %lu\n",
				      esc(c[i].name + DROP_PREFIX_LEN, e, sizeof(e)),
				      (unsigned long)c[i].value);
	}
	counter(s, "nfvpn_dataplane", "other dataplane totals, by name");
	for (uint32_t i = 0; i < n; i++)
		if (strncmp(c[i].name, NFV_DROP_COUNTER_PREFIX, DROP_PREFIX_LEN) != 0)
			nfvpnd_printf(&s->t, "nfvpn_dataplane_total{name=\"%s\"} %lu\n",
				      esc(c[i].name, e, sizeof(e)), (unsigned long)c[i].value);
	free(c);
}

static void rules(struct nfvpnd *d, struct scrape *s)
{
	struct nfv_msg_filter_obj *o;
	char e1[160], e2[160];
	uint32_t n;

	if (nfv_client_list(&d->dp, NFV_MSG_FILTER_RULESET, sizeof(*o), (void **)&o, &n) < 0)
		return;
	counter(s, "nfvpn_filter_rule_packets", "packets counted by a filter rule");
	for (uint32_t i = 0; i < n; i++) {
		if (o[i].kind != NFV_FILTER_OBJ_RULE)
			continue;
		o[i].table[sizeof(o[i].table) - 1] = o[i].name[sizeof(o[i].name) - 1] = '\0';
		nfvpnd_printf(&s->t, "nfvpn_filter_rule_packets_total{table=\"%s\",chain=\"%s\",handle=\"%lu\"} %lu\n",
			      esc(o[i].table, e1, sizeof(e1)), esc(o[i].name, e2, sizeof(e2)),
			      (unsigned long)o[i].handle, (unsigned long)o[i].packets);
	}
	free(o);
}

/* Per SA: traffic and each way a packet failed on it; the SA's state. */
static void sas(struct nfvpnd *d, struct scrape *s)
{
	static const struct { const char *name, *help; size_t off; } f[] = {
#define SAF(n, h, m) { "nfvpn_sa_" n, h, offsetof(struct nfv_msg_ipsec_sa, stats.m) }
		SAF("packets", "packets encrypted or decrypted by an SA", packets),
		SAF("bytes", "inner bytes encrypted or decrypted by an SA", bytes),
		SAF("replay_drops", "packets refused by the anti-replay window", replay),
		SAF("auth_failures", "packets whose ICV did not verify", auth),
		SAF("policy_drops", "decrypted packets the inbound policy refused", policy),
		SAF("expired_drops", "packets refused after the hard lifetime", expired),
		SAF("seq_overflow_drops", "packets refused at sequence number overflow", seq_overflow),
		SAF("crypto_errors", "packets the crypto library failed", crypto),
#undef SAF
	};
	struct nfv_msg_ipsec_sa *r;
	char e[160];
	uint32_t n;

	if (nfv_client_list(&d->dp, NFV_MSG_IPSEC_SAS, sizeof(*r), (void **)&r, &n) < 0)
		return;
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
		counter(s, f[k].name, f[k].help);
		for (uint32_t i = 0; i < n; i++) {
			r[i].name[sizeof(r[i].name) - 1] = '\0';
			nfvpnd_printf(&s->t, "%s_total{sa=\"%s\",spi=\"0x%08x\",dir=\"%s\"} %lu\n",
				      f[k].name, esc(r[i].name, e, sizeof(e)), r[i].spi,
				      nfv_ipsec_dir_name(r[i].dir),
				      (unsigned long)*(const uint64_t *)((const char *)&r[i] + f[k].off));
		}
	}
	nfvpnd_printf(&s->t, "# TYPE nfvpn_sa_state gauge\n# HELP nfvpn_sa_state "
		      "0 active, 1 soft lifetime reached (rekey), 2 expired\n");
	for (uint32_t i = 0; i < n; i++)
		nfvpnd_printf(&s->t, "nfvpn_sa_state{sa=\"%s\",state=\"%s\"} %u\n",
			      esc(r[i].name, e, sizeof(e)), nfv_ipsec_sa_state_name(r[i].state),
			      r[i].state);
	free(r);
}

void nfvpnd_metrics_render(struct nfvpnd *d, struct nfvpnd_text *t, bool om)
{
	struct scrape sc = { .om = om }, *s = &sc;

	nfvpnd_printf(&s->t, "# TYPE nfvpn_up gauge\n# HELP nfvpn_up 1 when nfvpnd reaches the dataplane\n"
		      "nfvpn_up %d\n", d->dp_up);
	nfvpnd_printf(&s->t, "# TYPE nfvpn_generation gauge\n# HELP nfvpn_generation the running generation\n"
		      "nfvpn_generation %lu\n", (unsigned long)d->dp_generation);
	counter(s, "nfvpnd_reloads", "reloads asked for (SIGHUP, nfvpnctl reload)");
	nfvpnd_printf(&s->t, "nfvpnd_reloads_total %lu\n", (unsigned long)d->reloads);
	counter(s, "nfvpnd_reload_failures", "reloads refused or rolled back");
	nfvpnd_printf(&s->t, "nfvpnd_reload_failures_total %lu\n", (unsigned long)d->reload_failures);
	counter(s, "nfvpnd_events", "dataplane events logged");
	nfvpnd_printf(&s->t, "nfvpnd_events_total %lu\n", (unsigned long)d->events);
	if (d->dp_up) {
		ports(d, s);
		hooks(d, s);
		counters(d, s);
		rules(d, s);
		sas(d, s);
	}
	if (s->om)
		nfvpnd_printf(&s->t, "# EOF\n");
	*t = sc.t;
}
