/* SPDX-License-Identifier: BSD-3-Clause */
/* status, ports, stats: what the dataplane runs and how much went through. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_json.h"
#include "ctl_table.h"

static void kv(FILE *f, const char *key, const char *val)
{
	fprintf(f, "%-15s %s\n", key, val);
}

static void kv_count(FILE *f, const char *key, uint64_t v)
{
	char n[CTL_NUM_MAX];

	kv(f, key, ctl_fmt_count(v, n));
}

static void status_json(struct ctl *ctl, const struct nfv_msg_status *s)
{
	struct ctl_json j;

	ctl_json_init(&j, ctl->out, true);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_strn(&j, "version", s->version, sizeof(s->version));
	ctl_json_strn(&j, "policy", s->policy, sizeof(s->policy));
	ctl_json_u64(&j, "uptime_s", s->uptime_s);
	ctl_json_u64(&j, "generation", s->generation);
	ctl_json_u64(&j, "workers", s->workers);
	ctl_json_u64(&j, "ports", s->ports);
	ctl_json_u64(&j, "rx_packets", s->rx_packets);
	ctl_json_u64(&j, "tx_packets", s->tx_packets);
	ctl_json_u64(&j, "forwarded", s->forwarded);
	ctl_json_u64(&j, "local_in", s->local_in);
	ctl_json_u64(&j, "local_out", s->local_out);
	ctl_json_u64(&j, "dropped", s->dropped);
	ctl_json_u64(&j, "mempool_in_use", s->mempool_in_use);
	ctl_json_u64(&j, "mempool_size", s->mempool_size);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
}

static void status_text(struct ctl *ctl, const struct nfv_msg_status *s)
{
	char buf[sizeof(s->policy) + 1], a[CTL_NUM_MAX], b[CTL_NUM_MAX];
	FILE *f = ctl->out;

	kv(f, "version", CTL_STR(s->version, buf));
	kv(f, "policy", CTL_STR(s->policy, buf));
	kv(f, "uptime", ctl_fmt_duration(s->uptime_s, a));
	kv_count(f, "generation", s->generation);
	kv_count(f, "workers", s->workers);
	kv_count(f, "ports", s->ports);
	kv_count(f, "rx_packets", s->rx_packets);
	kv_count(f, "tx_packets", s->tx_packets);
	kv_count(f, "forwarded", s->forwarded);
	kv_count(f, "local_in", s->local_in);
	kv_count(f, "local_out", s->local_out);
	kv_count(f, "dropped", s->dropped);
	fprintf(f, "%-15s %s of %s in use\n", "mempool",
		ctl_fmt_count(s->mempool_in_use, a), ctl_fmt_count(s->mempool_size, b));
}

int ctl_cmd_status(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_msg_status s;
	uint32_t len;
	void *resp;
	int ret;

	ret = ctl_no_args(ctl, argc, argv);
	if (ret == 0)
		ret = ctl_connect(ctl);
	if (ret != 0)
		return ret;
	if (nfv_client_request(&ctl->client, NFV_MSG_STATUS, NULL, 0, &resp, &len) < 0)
		return ctl_fail(ctl);
	if (len < sizeof(s)) {
		snprintf(ctl->client.err, sizeof(ctl->client.err),
			 "status response of %u bytes, expected %zu", len, sizeof(s));
		free(resp);
		return ctl_fail(ctl);
	}
	memcpy(&s, resp, sizeof(s));
	free(resp);
	if (ctl->json)
		status_json(ctl, &s);
	else
		status_text(ctl, &s);
	return 0;
}

/* "10G", "100M": exact, in the largest unit that divides. */
static const char *fmt_speed(uint32_t mbps, char *buf)
{
	if (mbps == 0)
		return "-";
	if (mbps % 1000 == 0)
		snprintf(buf, CTL_NUM_MAX, "%uG", mbps / 1000);
	else
		snprintf(buf, CTL_NUM_MAX, "%uM", mbps);
	return buf;
}

static void port_json(struct ctl_json *j, const void *rec)
{
	const struct nfv_msg_port *p = rec;
	char mac[NFV_MAC_FMT_MAX];

	ctl_json_obj_begin(j, NULL);
	ctl_json_strn(j, "name", p->name, sizeof(p->name));
	ctl_json_u64(j, "port_id", p->port_id);
	ctl_json_strn(j, "device", p->device, sizeof(p->device));
	ctl_json_bool(j, "link_up", p->link_up);
	ctl_json_u64(j, "speed_mbps", p->speed_mbps);
	ctl_json_u64(j, "mtu", p->mtu);
	ctl_json_str(j, "mac", nfv_mac_fmt(p->mac, mac, sizeof(mac)));
	ctl_json_strn(j, "exception_ifname", p->exception_ifname,
		      sizeof(p->exception_ifname));
	ctl_json_u64(j, "rx_packets", p->rx_packets);
	ctl_json_u64(j, "rx_bytes", p->rx_bytes);
	ctl_json_u64(j, "tx_packets", p->tx_packets);
	ctl_json_u64(j, "tx_bytes", p->tx_bytes);
	ctl_json_u64(j, "rx_missed", p->rx_missed);
	ctl_json_u64(j, "rx_errors", p->rx_errors);
	ctl_json_u64(j, "tx_errors", p->tx_errors);
	ctl_json_u64(j, "punted", p->punted);
	ctl_json_u64(j, "from_kernel", p->from_kernel);
	ctl_json_obj_end(j);
}

static const struct ctl_col port_cols[] = {
	{ "NAME", CTL_LEFT }, { "ID", CTL_RIGHT }, { "DEVICE", CTL_LEFT },
	{ "LINK", CTL_LEFT }, { "SPEED", CTL_RIGHT }, { "MTU", CTL_RIGHT },
	{ "MAC", CTL_LEFT }, { "KERNEL-IF", CTL_LEFT },
	{ "RX-PACKETS", CTL_RIGHT }, { "RX-BYTES", CTL_RIGHT },
	{ "TX-PACKETS", CTL_RIGHT }, { "TX-BYTES", CTL_RIGHT },
	{ "RX-MISSED", CTL_RIGHT }, { "RX-ERRORS", CTL_RIGHT },
	{ "TX-ERRORS", CTL_RIGHT }, { "PUNTED", CTL_RIGHT },
	{ "FROM-KERNEL", CTL_RIGHT },
};

static void port_row(struct ctl_table *t, const void *rec)
{
	const struct nfv_msg_port *p = rec;
	char s[sizeof(p->device) + 1], num[CTL_NUM_MAX], mac[NFV_MAC_FMT_MAX];
	/* The counters in the order of the columns. */
	const uint64_t v[] = {
		p->rx_packets, p->rx_bytes, p->tx_packets, p->tx_bytes,
		p->rx_missed, p->rx_errors, p->tx_errors, p->punted, p->from_kernel,
	};
	unsigned int k;

	ctl_table_add(t, "%s", CTL_STR(p->name, s));
	ctl_table_add(t, "%u", p->port_id);
	ctl_table_add(t, "%s", CTL_STR(p->device, s));
	ctl_table_add(t, "%s", p->link_up ? "up" : "down");
	ctl_table_add(t, "%s", fmt_speed(p->speed_mbps, num));
	ctl_table_add(t, "%u", p->mtu);
	ctl_table_add(t, "%s", nfv_mac_fmt(p->mac, mac, sizeof(mac)));
	ctl_table_add(t, "%s", p->exception_ifname[0] ?
		      CTL_STR(p->exception_ifname, s) : "-");
	for (k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		ctl_table_add(t, "%s", ctl_fmt_count(v[k], num));
}

int ctl_cmd_ports(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec ports = {
		.type = NFV_MSG_PORTS, .rec_size = sizeof(struct nfv_msg_port),
		.key = "ports", .json = port_json, .row = port_row,
		.cols = port_cols, .ncols = 17,
	};

	return ctl_show_list(ctl, argc, argv, &ports);
}

static const struct ctl_col stat_cols[] = {
	{ "COUNTER", CTL_LEFT }, { "VALUE", CTL_RIGHT },
};

static void counter_json(struct ctl_json *j, const void *rec)
{
	const struct nfv_msg_counter *c = rec;

	ctl_json_obj_begin(j, NULL);
	ctl_json_strn(j, "name", c->name, sizeof(c->name));
	ctl_json_u64(j, "value", c->value);
	ctl_json_obj_end(j);
}

static void counter_row(struct ctl_table *t, const void *rec)
{
	const struct nfv_msg_counter *c = rec;
	char name[sizeof(c->name) + 1], num[CTL_NUM_MAX];

	ctl_table_add(t, "%s", CTL_STR(c->name, name));
	ctl_table_add(t, "%s", ctl_fmt_count(c->value, num));
}

/*
 * stats [-a|--all]: the counters since the last `clear stats` (since the
 * start before any); the table shows those that are not 0 unless --all,
 * --json all of them: scripts look counters up by name.
 */
int ctl_cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec stats = {
		.type = NFV_MSG_STATS_DELTA, .rec_size = sizeof(struct nfv_msg_counter),
		.key = "counters", .json = counter_json, .row = counter_row,
		.cols = stat_cols, .ncols = 2,
	};
	struct nfv_msg_counter *c;
	bool all = false;
	uint32_t n, k = 0;
	void *recs;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-a") == 0 || strcmp(argv[i], "--all") == 0)
			all = true;
		else
			return ctl_usage(ctl, "unexpected argument \"%s\"", argv[i]);
	}
	ret = ctl_list(ctl, stats.type, stats.rec_size, &recs, &n);
	if (ret != 0)
		return ret;
	c = recs;
	for (uint32_t r = 0; r < n; r++)
		if (all || ctl->json || c[r].value != 0)
			c[k++] = c[r];
	ret = ctl_show_recs(ctl, &stats, recs, k);
	free(recs);
	return ret;
}

int ctl_cmd_clear_stats(struct ctl *ctl, int argc, char **argv)
{
	int ret = ctl_no_args(ctl, argc, argv);

	return ret ? ret : ctl_request(ctl, NFV_MSG_STATS_CLEAR, NULL, 0);
}
