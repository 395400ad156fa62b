/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenMetrics text on a loopback TCP port (off unless --metrics PORT):
 * counters per port, hook, hook entry, filter rule and drop reason, read
 * from the dataplane at each scrape. One scrape at a time, answered in
 * turn; a scraper is not a reason to wake the dataplane more often.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nfv_drop.h"
#include "nfv_ipsec_sa.h"
#include "nfv_netfilter.h"
#include "nfvpnd.h"

int nfvpnd_metrics_init(struct nfvpnd *d)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET, .sin_port = htons(d->metrics_port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1;

	d->metrics_lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->metrics_lfd < 0)
		return -errno;
	setsockopt(d->metrics_lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(d->metrics_lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(d->metrics_lfd, 4) < 0) {
		int ret = -errno;

		close(d->metrics_lfd);
		d->metrics_lfd = -1;
		return ret;
	}
	return 0;
}

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

#define COUNTER(t, name, help) \
	nfvpnd_printf(t, "# TYPE %s counter\n# HELP %s %s\n", name, name, help)

static void ports(struct nfvpnd *d, struct nfvpnd_text *t)
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
		COUNTER(t, f[k].name, f[k].help);
		for (uint32_t i = 0; i < n; i++) {
			p[i].name[sizeof(p[i].name) - 1] = '\0';
			nfvpnd_printf(t, "%s_total{port=\"%s\"} %lu\n", f[k].name,
				      esc(p[i].name, e, sizeof(e)),
				      (unsigned long)*(uint64_t *)((char *)&p[i] + f[k].off));
		}
	}
	free(p);
}

static void hooks(struct nfvpnd *d, struct nfvpnd_text *t)
{
	struct nfv_msg_hook *h;
	uint64_t per_hook[NFV_INET_NUMHOOKS] = { 0 };
	char e[96];
	uint32_t n;

	if (nfv_client_list(&d->dp, NFV_MSG_HOOKS, sizeof(*h), (void **)&h, &n) < 0)
		return;
	COUNTER(t, "nfvpn_hook_entry_packets", "packets through a hook entry, by verdict");
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
			nfvpnd_printf(t, "nfvpn_hook_entry_packets_total{hook=\"%s\",entry=\"%s\",priority=\"%d\",verdict=\"%s\"} %lu\n",
				      hk, esc(h[i].name, e, sizeof(e)), h[i].priority, vs[v].v,
				      (unsigned long)vs[v].c);
	}
	COUNTER(t, "nfvpn_hook_packets", "packets into the entries of a hook, summed over entries");
	for (unsigned int k = 0; k < NFV_INET_NUMHOOKS; k++)
		nfvpnd_printf(t, "nfvpn_hook_packets_total{hook=\"%s\"} %lu\n", nfv_hook_names[k],
			      (unsigned long)per_hook[k]);
	free(h);
}

#define DROP_PREFIX_LEN (sizeof(NFV_DROP_COUNTER_PREFIX) - 1)

static void counters(struct nfvpnd *d, struct nfvpnd_text *t)
{
	struct nfv_msg_counter *c;
	char e[96];
	uint32_t n;

	if (nfv_client_list(&d->dp, NFV_MSG_STATS, sizeof(*c), (void **)&c, &n) < 0)
		return;
	COUNTER(t, "nfvpn_drops", "packets dropped, by reason");
	for (uint32_t i = 0; i < n; i++) {
		c[i].name[sizeof(c[i].name) - 1] = '\0';
		if (strncmp(c[i].name, NFV_DROP_COUNTER_PREFIX, DROP_PREFIX_LEN) == 0)
			nfvpnd_printf(t, "nfvpn_drops_total{reason=\"%s\"} %lu\n",
				      esc(c[i].name + DROP_PREFIX_LEN, e, sizeof(e)),
				      (unsigned long)c[i].value);
	}
	COUNTER(t, "nfvpn_dataplane", "other dataplane totals, by name");
	for (uint32_t i = 0; i < n; i++)
		if (strncmp(c[i].name, NFV_DROP_COUNTER_PREFIX, DROP_PREFIX_LEN) != 0)
			nfvpnd_printf(t, "nfvpn_dataplane_total{name=\"%s\"} %lu\n",
				      esc(c[i].name, e, sizeof(e)), (unsigned long)c[i].value);
	free(c);
}

static void rules(struct nfvpnd *d, struct nfvpnd_text *t)
{
	struct nfv_msg_filter_obj *o;
	char e1[160], e2[160];
	uint32_t n;

	if (nfv_client_list(&d->dp, NFV_MSG_FILTER_RULESET, sizeof(*o), (void **)&o, &n) < 0)
		return;
	COUNTER(t, "nfvpn_filter_rule_packets", "packets counted by a filter rule");
	for (uint32_t i = 0; i < n; i++) {
		if (o[i].kind != NFV_FILTER_OBJ_RULE)
			continue;
		o[i].table[sizeof(o[i].table) - 1] = o[i].name[sizeof(o[i].name) - 1] = '\0';
		nfvpnd_printf(t, "nfvpn_filter_rule_packets_total{table=\"%s\",chain=\"%s\",handle=\"%lu\"} %lu\n",
			      esc(o[i].table, e1, sizeof(e1)), esc(o[i].name, e2, sizeof(e2)),
			      (unsigned long)o[i].handle, (unsigned long)o[i].packets);
	}
	free(o);
}

/* Per SA: traffic and each way a packet failed on it; the SA's state. */
static void sas(struct nfvpnd *d, struct nfvpnd_text *t)
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
		COUNTER(t, f[k].name, f[k].help);
		for (uint32_t i = 0; i < n; i++) {
			r[i].name[sizeof(r[i].name) - 1] = '\0';
			nfvpnd_printf(t, "%s_total{sa=\"%s\",spi=\"0x%08x\",dir=\"%s\"} %lu\n",
				      f[k].name, esc(r[i].name, e, sizeof(e)), r[i].spi,
				      nfv_ipsec_dir_name(r[i].dir),
				      (unsigned long)*(const uint64_t *)((const char *)&r[i] + f[k].off));
		}
	}
	nfvpnd_printf(t, "# TYPE nfvpn_sa_state gauge\n# HELP nfvpn_sa_state "
		      "0 active, 1 soft lifetime reached (rekey), 2 expired\n");
	for (uint32_t i = 0; i < n; i++)
		nfvpnd_printf(t, "nfvpn_sa_state{sa=\"%s\",state=\"%s\"} %u\n",
			      esc(r[i].name, e, sizeof(e)), nfv_ipsec_sa_state_name(r[i].state),
			      r[i].state);
	free(r);
}

static void render(struct nfvpnd *d, struct nfvpnd_text *t)
{
	nfvpnd_printf(t, "# TYPE nfvpn_up gauge\n# HELP nfvpn_up 1 when nfvpnd reaches the dataplane\n"
		      "nfvpn_up %d\n", d->dp_up);
	nfvpnd_printf(t, "# TYPE nfvpn_generation gauge\n# HELP nfvpn_generation the running generation\n"
		      "nfvpn_generation %lu\n", (unsigned long)d->dp_generation);
	COUNTER(t, "nfvpnd_reloads", "reloads asked for (SIGHUP, nfvpnctl reload)");
	nfvpnd_printf(t, "nfvpnd_reloads_total %lu\n", (unsigned long)d->reloads);
	COUNTER(t, "nfvpnd_reload_failures", "reloads refused or rolled back");
	nfvpnd_printf(t, "nfvpnd_reload_failures_total %lu\n", (unsigned long)d->reload_failures);
	COUNTER(t, "nfvpnd_events", "dataplane events logged");
	nfvpnd_printf(t, "nfvpnd_events_total %lu\n", (unsigned long)d->events);
	if (d->dp_up) {
		ports(d, t);
		hooks(d, t);
		counters(d, t);
		rules(d, t);
		sas(d, t);
	}
	nfvpnd_printf(t, "# EOF\n");
}

void nfvpnd_metrics_accept(struct nfvpnd *d)
{
	struct timeval tv = { .tv_sec = 2 };
	struct nfvpnd_text body = { 0 };
	char req[1024], head[256];
	ssize_t n;
	int fd, hl;

	fd = accept4(d->metrics_lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	n = recv(fd, req, sizeof(req) - 1, 0);
	if (n <= 0)
		goto out;
	req[n] = '\0';
	if (strncmp(req, "GET /metrics ", 13) != 0 && strncmp(req, "GET / ", 6) != 0) {
		static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";

		send(fd, nf, sizeof(nf) - 1, MSG_NOSIGNAL);
		goto out;
	}
	render(d, &body);
	hl = snprintf(head, sizeof(head),
		      "HTTP/1.0 200 OK\r\nContent-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n"
		      "Content-Length: %zu\r\nConnection: close\r\n\r\n", body.len);
	send(fd, head, hl, MSG_NOSIGNAL);
	if (body.len)
		send(fd, body.p, body.len, MSG_NOSIGNAL);
out:
	nfvpnd_text_fini(&body);
	close(fd);
}
