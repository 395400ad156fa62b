/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry views of the SAs (/nfvpn/sa), the filter's rules
 * (/nfvpn/filter) and conntrack (/nfvpn/conntrack): the rows of the same
 * listings that nfvpnctl sa, ruleset and ct list show.
 *
 * Those tables belong to the main lcore (the SA array and the ruleset
 * listing change under it, conntrack entries are freed after a QSBR grace
 * period) and the telemetry thread is no QSBR reader, so the thread does
 * not walk them: it asks, and the main lcore runs the listing's walk at
 * its next turn (≤ 1 ms, the poll callback) and hands the rows over under
 * a lock that only these two threads take. Nobody asking costs one load a
 * turn; the caller waits at most TEL_WAIT_MS (a long apply on the main
 * lcore) and then gets an error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_spinlock.h>
#include <rte_telemetry.h>

#include "dp.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_ct.h"
#include "nfv_ipsec_sa.h"
#include "nfv_msg.h"

#define TEL_WAIT_MS 1000
/* rows listed: DPDK's reply holds 16 KiB; the counts cover all */
#define TEL_ROWS_SHOWN 64

enum tel_view { TEL_SA, TEL_FILTER, TEL_CT, TEL_VIEWS };

static const uint16_t view_type[TEL_VIEWS] = {
	[TEL_SA] = NFV_MSG_IPSEC_SAS,
	[TEL_FILTER] = NFV_MSG_FILTER_RULESET,
	[TEL_CT] = NFV_MSG_CT_LIST,
};

/* Written under lock by both threads; rows only by the main lcore. */
static struct {
	rte_spinlock_t lock;
	uint32_t wanted;	/* views asked for, not yet walked: bit per view */
	uint64_t asked[TEL_VIEWS], done[TEL_VIEWS];	/* request numbers */
	struct {
		void *rows;	/* records of the view's listing, malloc'ed */
		uint32_t n, size;
		int err;	/* the walk's -errno, e.g. -ENOTSUP: no filter */
	} v[TEL_VIEWS];
	bool closed;
} tel = { .lock = RTE_SPINLOCK_INITIALIZER };

/* Main lcore: runs the walks asked for and hands their rows over. */
static void views_poll(struct nfv_dp *dp, uint64_t now)
{
	uint32_t wanted;
	uint64_t asked[TEL_VIEWS];

	RTE_SET_USED(now);
	if (__atomic_load_n(&tel.wanted, __ATOMIC_RELAXED) == 0)
		return;
	rte_spinlock_lock(&tel.lock);
	wanted = tel.wanted;
	tel.wanted = 0;
	memcpy(asked, tel.asked, sizeof(asked));
	rte_spinlock_unlock(&tel.lock);
	for (unsigned int k = 0; k < TEL_VIEWS; k++) {
		const struct nfv_mgmt_handler *hd = nfv_mgmt_handler(view_type[k]);
		struct nfv_mgmt_rows rows = { 0 };
		struct nfv_msg_list *l;
		void *copy = NULL, *old;
		uint32_t n = 0;
		int err = 0;

		if (!(wanted & (1u << k)))
			continue;
		if (hd == NULL || hd->list == NULL) {
			err = -ENOTSUP;
		} else if ((l = nfv_buf_put(&rows.b, sizeof(*l))) == NULL) {
			err = -ENOMEM;
		} else {
			l->record_size = hd->record_size;
			err = hd->list(dp, &rows);
			if (err == 0 && rows.b.err)
				err = rows.b.err;
			n = err == 0 ? ((struct nfv_msg_list *)rows.b.p)->count : 0;
			if (n != 0 && (copy = malloc((size_t)n * hd->record_size)) == NULL)
				err = -ENOMEM, n = 0;
			else if (n != 0)
				memcpy(copy, rows.b.p + sizeof(*l), (size_t)n * hd->record_size);
		}
		nfv_buf_fini(&rows.b);
		rte_spinlock_lock(&tel.lock);
		old = tel.v[k].rows;
		tel.v[k].rows = copy;
		tel.v[k].n = n;
		tel.v[k].size = hd != NULL ? hd->record_size : 0;
		tel.v[k].err = err;
		tel.done[k] = asked[k];
		rte_spinlock_unlock(&tel.lock);
		free(old);
	}
}

/*
 * Telemetry thread: asks for a fresh walk of view k, waits for it, and
 * returns a copy of its rows (malloc'ed, or NULL for none) in *rows.
 */
static int view_get(enum tel_view k, void **rows, uint32_t *n)
{
	uint64_t mine;
	int err;

	*rows = NULL;
	*n = 0;
	rte_spinlock_lock(&tel.lock);
	if (tel.closed) {
		rte_spinlock_unlock(&tel.lock);
		return -ESHUTDOWN;
	}
	mine = ++tel.asked[k];
	__atomic_store_n(&tel.wanted, tel.wanted | 1u << k, __ATOMIC_RELAXED);
	rte_spinlock_unlock(&tel.lock);
	for (unsigned int ms = 0;; ms++) {
		rte_spinlock_lock(&tel.lock);
		if (tel.done[k] >= mine || tel.closed)
			break;
		rte_spinlock_unlock(&tel.lock);
		if (ms == TEL_WAIT_MS)
			return -ETIMEDOUT;
		rte_delay_us_sleep(1000);
	}
	err = tel.closed ? -ESHUTDOWN : tel.v[k].err;
	if (err == 0 && tel.v[k].n != 0) {
		*rows = malloc((size_t)tel.v[k].n * tel.v[k].size);
		if (*rows == NULL)
			err = -ENOMEM;
		else
			memcpy(*rows, tel.v[k].rows, (size_t)tel.v[k].n * tel.v[k].size);
		*n = err == 0 ? tel.v[k].n : 0;
	}
	rte_spinlock_unlock(&tel.lock);
	return err;
}

/*
 * DPDK 22.11 nests no dict in a dict: a listing is columns, one array per
 * field (row i of every array is one row), beside its counts.
 */
struct col {
	const char *name;
	bool str;
	struct rte_tel_data *a;
};

static int cols_start(struct col *c, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		c[k].a = rte_tel_data_alloc();
		if (c[k].a == NULL) {
			while (k-- > 0)
				rte_tel_data_free(c[k].a);
			return -ENOMEM;
		}
		rte_tel_data_start_array(c[k].a, c[k].str ? RTE_TEL_STRING_VAL : RTE_TEL_U64_VAL);
	}
	return 0;
}

/* Adds the columns to d, which frees them; frees those it could not add. */
static void cols_end(struct rte_tel_data *d, struct col *c, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++)
		if (rte_tel_data_add_dict_container(d, c[k].name, c[k].a, 0) < 0)
			rte_tel_data_free(c[k].a);
}

enum { SA_NAME, SA_SPI, SA_DIR, SA_STATE, SA_PACKETS, SA_BYTES, SA_REPLAY, SA_AUTH,
       SA_POLICY, SA_EXPIRED, SA_SEQ_OVERFLOW, SA_CRYPTO, SA_COLS };

static const struct col sa_cols[SA_COLS] = {
	[SA_NAME] = { "name", true }, [SA_SPI] = { "spi" }, [SA_DIR] = { "dir", true },
	[SA_STATE] = { "state", true }, [SA_PACKETS] = { "packets" }, [SA_BYTES] = { "bytes" },
	[SA_REPLAY] = { "replay_drops" }, [SA_AUTH] = { "auth_failures" },
	[SA_POLICY] = { "policy_drops" }, [SA_EXPIRED] = { "expired_drops" },
	[SA_SEQ_OVERFLOW] = { "seq_overflow_drops" }, [SA_CRYPTO] = { "crypto_errors" },
};

/* One SA's fields, as strings or u64 */
static void sa_fields(const struct nfv_msg_ipsec_sa *r, const char *str[SA_COLS],
		      uint64_t num[SA_COLS])
{
	const struct nfv_ipsec_sa_stats *s = &r->stats;

	str[SA_NAME] = r->name;
	str[SA_DIR] = nfv_ipsec_dir_name(r->dir);
	str[SA_STATE] = nfv_ipsec_sa_state_name(r->state);
	num[SA_SPI] = r->spi;
	num[SA_PACKETS] = s->packets;
	num[SA_BYTES] = s->bytes;
	num[SA_REPLAY] = s->replay;
	num[SA_AUTH] = s->auth;
	num[SA_POLICY] = s->policy;
	num[SA_EXPIRED] = s->expired;
	num[SA_SEQ_OVERFLOW] = s->seq_overflow;
	num[SA_CRYPTO] = s->crypto;
}

/* /nfvpn/sa: the first TEL_ROWS_SHOWN SAs, in columns; /nfvpn/sa,NAME:
 * that SA, a dict. */
static int tel_sa(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct col c[SA_COLS];
	struct nfv_msg_ipsec_sa *r;
	const char *str[SA_COLS];
	uint64_t num[SA_COLS];
	uint32_t n;
	int ret;

	RTE_SET_USED(cmd);
	ret = view_get(TEL_SA, (void **)&r, &n);
	if (ret < 0)
		return ret;
	for (uint32_t i = 0; i < n; i++)
		r[i].name[sizeof(r[i].name) - 1] = '\0';
	if (params != NULL && params[0] != '\0') {
		ret = -ENOENT;
		for (uint32_t i = 0; i < n && ret < 0; i++) {
			if (strcmp(r[i].name, params) != 0)
				continue;
			sa_fields(&r[i], str, num);
			rte_tel_data_start_dict(d);
			for (unsigned int k = 0; k < SA_COLS; k++)
				if (sa_cols[k].str)
					rte_tel_data_add_dict_string(d, sa_cols[k].name, str[k]);
				else
					rte_tel_data_add_dict_u64(d, sa_cols[k].name, num[k]);
			ret = 0;
		}
		free(r);
		return ret;
	}
	memcpy(c, sa_cols, sizeof(c));
	if (cols_start(c, SA_COLS) < 0) {
		free(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n && i < TEL_ROWS_SHOWN; i++) {
		sa_fields(&r[i], str, num);
		for (unsigned int k = 0; k < SA_COLS; k++)
			if (c[k].str)
				rte_tel_data_add_array_string(c[k].a, str[k]);
			else
				rte_tel_data_add_array_u64(c[k].a, num[k]);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "count", n);
	rte_tel_data_add_dict_u64(d, "shown", RTE_MIN(n, (uint32_t)TEL_ROWS_SHOWN));
	cols_end(d, c, SA_COLS);
	free(r);
	return 0;
}

enum { R_TABLE, R_CHAIN, R_HANDLE, R_PACKETS, R_BYTES, R_COLS };

/* /nfvpn/filter: the ruleset's counts and its first TEL_ROWS_SHOWN rules
 * in columns (table, chain, handle, packets, bytes). -ENOTSUP without a
 * filter section. */
static int tel_filter(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct col c[R_COLS] = {
		[R_TABLE] = { "table", true }, [R_CHAIN] = { "chain", true },
		[R_HANDLE] = { "handle" }, [R_PACKETS] = { "packets" }, [R_BYTES] = { "bytes" },
	};
	uint32_t n, nrules = 0, nchains = 0, nsets = 0;
	struct nfv_msg_filter_obj *o = NULL;
	int ret;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	ret = view_get(TEL_FILTER, (void **)&o, &n);
	if (ret < 0)
		return ret;
	if (cols_start(c, R_COLS) < 0) {
		free(o);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		o[i].table[sizeof(o[i].table) - 1] = o[i].name[sizeof(o[i].name) - 1] = '\0';
		if (o[i].kind == NFV_FILTER_OBJ_CHAIN)
			nchains++;
		else if (o[i].kind == NFV_FILTER_OBJ_SET)
			nsets++;
		if (o[i].kind != NFV_FILTER_OBJ_RULE)
			continue;
		if (nrules++ >= TEL_ROWS_SHOWN)
			continue;
		rte_tel_data_add_array_string(c[R_TABLE].a, o[i].table);
		rte_tel_data_add_array_string(c[R_CHAIN].a, o[i].name);
		rte_tel_data_add_array_u64(c[R_HANDLE].a, o[i].handle);
		rte_tel_data_add_array_u64(c[R_PACKETS].a, o[i].packets);
		rte_tel_data_add_array_u64(c[R_BYTES].a, o[i].bytes);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "chains", nchains);
	rte_tel_data_add_dict_u64(d, "rules", nrules);
	rte_tel_data_add_dict_u64(d, "sets", nsets);
	rte_tel_data_add_dict_u64(d, "shown", RTE_MIN(nrules, (uint32_t)TEL_ROWS_SHOWN));
	cols_end(d, c, R_COLS);
	free(o);
	return 0;
}

static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

/* "tcp 10.0.0.2:40000 > 192.168.0.1:80 ESTABLISHED 119s", the original direction */
static void ct_text(const struct nfv_msg_ct *c, char *buf, size_t len)
{
	int af = c->family == AF_INET6 ? AF_INET6 : AF_INET;
	char s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN], p[8];
	const char *proto = c->proto == 6 ? "tcp" : c->proto == 17 ? "udp" :
			    c->proto == 1 ? "icmp" : c->proto == 58 ? "icmpv6" : NULL;
	bool ports = c->proto == 6 || c->proto == 17 || c->proto == 132 || c->proto == 136;

	if (proto == NULL) {
		snprintf(p, sizeof(p), "%u", c->proto);
		proto = p;
	}
	inet_ntop(af, c->orig.src, s, sizeof(s));
	inet_ntop(af, c->orig.dst, t, sizeof(t));
	if (ports)
		snprintf(buf, len, "%s %s%s%s:%u > %s%s%s:%u %s%s", proto,
			 af == AF_INET6 ? "[" : "", s, af == AF_INET6 ? "]" : "",
			 ntohs(c->orig.sport), af == AF_INET6 ? "[" : "", t,
			 af == AF_INET6 ? "]" : "", ntohs(c->orig.dport),
			 c->proto == 6 ? (c->tcp_state < RTE_DIM(tcp_states) ?
					  tcp_states[c->tcp_state] : "INVALID") : "",
			 c->proto == 6 ? " " : "");
	else
		snprintf(buf, len, "%s %s > %s ", proto, s, t);
	snprintf(buf + strlen(buf), len - strlen(buf), "%us", c->expires_s);
}

/* /nfvpn/conntrack: counts by protocol, and the first TEL_ROWS_SHOWN
 * connections as text. -ENOTSUP without a filter section. */
static int tel_conntrack(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *list = rte_tel_data_alloc();
	uint64_t tcp = 0, udp = 0, icmp = 0, other = 0, est = 0;
	struct nfv_msg_ct *c = NULL;
	uint32_t n;
	int ret;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	ret = list != NULL ? view_get(TEL_CT, (void **)&c, &n) : -ENOMEM;
	if (ret < 0)
		goto out;
	rte_tel_data_start_array(list, RTE_TEL_STRING_VAL);
	for (uint32_t i = 0; i < n; i++) {
		char text[RTE_TEL_MAX_STRING_LEN];

		if (c[i].proto == 6)
			tcp++, est += c[i].tcp_state == NFV_TCP_ESTABLISHED;
		else if (c[i].proto == 17)
			udp++;
		else if (c[i].proto == 1 || c[i].proto == 58)
			icmp++;
		else
			other++;
		if (i < TEL_ROWS_SHOWN) {
			ct_text(&c[i], text, sizeof(text));
			rte_tel_data_add_array_string(list, text);
		}
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "count", n);
	rte_tel_data_add_dict_u64(d, "tcp", tcp);
	rte_tel_data_add_dict_u64(d, "tcp_established", est);
	rte_tel_data_add_dict_u64(d, "udp", udp);
	rte_tel_data_add_dict_u64(d, "icmp", icmp);
	rte_tel_data_add_dict_u64(d, "other", other);
	rte_tel_data_add_dict_u64(d, "shown", RTE_MIN(n, (uint32_t)TEL_ROWS_SHOWN));
	if (rte_tel_data_add_dict_container(d, "connections", list, 0) == 0)
		list = NULL;
out:
	free(c);
	if (list != NULL)
		rte_tel_data_free(list);
	return ret;
}

/* Telemetry is a convenience: without it the dataplane runs on. */
static int views_init(struct nfv_dp *dp)
{
	RTE_SET_USED(dp);
	if (rte_telemetry_register_cmd("/nfvpn/sa", tel_sa,
				       "SAs: state, traffic, drops. Parameters: an SA's name.") ||
	    rte_telemetry_register_cmd("/nfvpn/filter", tel_filter,
				       "Filter rules and their packet and byte counters.") ||
	    rte_telemetry_register_cmd("/nfvpn/conntrack", tel_conntrack,
				       "Conntrack entries: counts and the first 64."))
		NFV_LOG(WARNING, "telemetry views not registered");
	return 0;
}

/* The commands stay registered (DPDK has no unregister): they answer
 * -ESHUTDOWN from now on, and a waiting caller stops waiting. */
static void views_fini(struct nfv_dp *dp)
{
	RTE_SET_USED(dp);
	rte_spinlock_lock(&tel.lock);
	tel.closed = true;
	for (unsigned int k = 0; k < TEL_VIEWS; k++) {
		free(tel.v[k].rows);
		tel.v[k].rows = NULL;
		tel.v[k].n = 0;
	}
	rte_spinlock_unlock(&tel.lock);
}

static struct nfv_ctl_module telemetry_views_module = {
	.name = "telemetry views",
	.order = NFV_CTL_ORDER_TELEMETRY,
	.init = views_init,
	.poll = views_poll,
	.fini = views_fini,
};
NFV_CTL_MODULE(telemetry_views_module);
