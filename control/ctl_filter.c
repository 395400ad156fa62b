/* SPDX-License-Identifier: BSD-3-Clause */
/* ruleset, filter, conntrack: the nftables ruleset the dataplane runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter/nf_tables.h>

#include "ctl.h"
#include "ctl_json.h"
#include "nfv_netfilter.h"
#include "nfv_nftc.h"

static const char *nft_hook_name(uint8_t h)
{
	return h < NFV_INET_NUMHOOKS ? nfv_hook_nft_names[h] : "unknown";
}

/* nft's word for a named object's type */
static const char *obj_type_name(uint32_t type)
{
	static const char *const names[] = {
		[NFT_OBJECT_COUNTER] = "counter", [NFT_OBJECT_QUOTA] = "quota",
		[NFT_OBJECT_CT_HELPER] = "ct helper", [NFT_OBJECT_LIMIT] = "limit",
		[NFT_OBJECT_CONNLIMIT] = "ct count", [NFT_OBJECT_TUNNEL] = "tunnel",
		[NFT_OBJECT_CT_TIMEOUT] = "ct timeout", [NFT_OBJECT_SECMARK] = "secmark",
		[NFT_OBJECT_CT_EXPECT] = "ct expectation", [NFT_OBJECT_SYNPROXY] = "synproxy",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "object";
}

static void obj_json(struct ctl_json *j, const void *rec)
{
	const struct nfv_msg_filter_obj *o = rec;
	static const char *const kinds[] = { "?", "table", "chain", "set", "rule", "object" };

	ctl_json_obj_begin(j, NULL);
	ctl_json_str(j, "kind", kinds[o->kind <= 5 ? o->kind : 0]);
	ctl_json_str(j, "family", nfv_nft_family_name(o->family));
	ctl_json_strn(j, "table", o->table, sizeof(o->table));
	if (o->kind != NFV_FILTER_OBJ_TABLE)
		ctl_json_strn(j, o->kind == NFV_FILTER_OBJ_SET ||
			      o->kind == NFV_FILTER_OBJ_OBJECT ? "name" : "chain", o->name,
			      sizeof(o->name));
	ctl_json_u64(j, "handle", o->handle);
	if (o->kind == NFV_FILTER_OBJ_CHAIN && o->base) {
		ctl_json_str(j, "hook", nft_hook_name(o->hook));
		ctl_json_i64(j, "priority", o->priority);
		ctl_json_str(j, "policy", o->policy == 0 ? "drop" : "accept");
	}
	if (o->kind == NFV_FILTER_OBJ_SET)
		ctl_json_u64(j, "elements", o->nelems);
	if (o->kind == NFV_FILTER_OBJ_OBJECT) {
		ctl_json_str(j, "type", obj_type_name(o->policy));
		if (o->policy == NFT_OBJECT_COUNTER)
			ctl_json_u64(j, "packets", o->packets);
		if (o->policy == NFT_OBJECT_COUNTER || o->policy == NFT_OBJECT_QUOTA)
			ctl_json_u64(j, o->policy == NFT_OBJECT_QUOTA ? "used" : "bytes", o->bytes);
	}
	if (o->kind == NFV_FILTER_OBJ_RULE) {
		ctl_json_strn(j, "expr", o->text, sizeof(o->text));
		ctl_json_u64(j, "packets", o->packets);
		ctl_json_u64(j, "bytes", o->bytes);
	}
	ctl_json_obj_end(j);
}

/* --netlink: the tree of the ruleset, rules as "nft --debug=netlink" shows them. */
static void ruleset_text(FILE *f, const void *recs, uint32_t n)
{
	const struct nfv_msg_filter_obj *o = recs;
	char tb[sizeof(o->table) + 1], nb[sizeof(o->name) + 1], xb[sizeof(o->text) + 1];
	bool in_table = false, in_chain = false;

	for (uint32_t i = 0; i < n; i++, o++) {
		if (o->kind != NFV_FILTER_OBJ_RULE && in_chain) {
			fputs("\t}\n", f);
			in_chain = false;
		}
		switch (o->kind) {
		case NFV_FILTER_OBJ_TABLE:
			if (in_table)
				fputs("}\n", f);
			fprintf(f, "table %s %s { # handle %" PRIu64 "\n", nfv_nft_family_name(o->family),
				CTL_STR(o->table, tb), o->handle);
			in_table = true;
			break;
		case NFV_FILTER_OBJ_SET:
			fprintf(f, "\tset %s { # handle %" PRIu64 ", %u elements\n\t}\n",
				CTL_STR(o->name, nb), o->handle, o->nelems);
			break;
		case NFV_FILTER_OBJ_OBJECT:
			fprintf(f, "\t%s %s { # handle %" PRIu64 "\n", obj_type_name(o->policy),
				CTL_STR(o->name, nb), o->handle);
			if (o->policy == NFT_OBJECT_COUNTER)
				fprintf(f, "\t\tpackets %" PRIu64 " bytes %" PRIu64 "\n",
					o->packets, o->bytes);
			else if (o->policy == NFT_OBJECT_QUOTA)
				fprintf(f, "\t\tused %" PRIu64 " bytes\n", o->bytes);
			fputs("\t}\n", f);
			break;
		case NFV_FILTER_OBJ_CHAIN:
			fprintf(f, "\tchain %s { # handle %" PRIu64 "\n", CTL_STR(o->name, nb),
				o->handle);
			if (o->base)
				fprintf(f, "\t\ttype filter hook %s priority %d; policy %s;\n",
					nft_hook_name(o->hook), o->priority,
					o->policy == 0 ? "drop" : "accept");
			in_chain = true;
			break;
		case NFV_FILTER_OBJ_RULE:
			fprintf(f, "\t\t%s counter packets %" PRIu64 " bytes %" PRIu64
				" # handle %" PRIu64 "\n", CTL_STR(o->text, xb), o->packets,
				o->bytes, o->handle);
			break;
		}
	}
	if (in_chain)
		fputs("\t}\n", f);
	if (in_table)
		fputs("}\n", f);
}

/*
 * nft's own words: the dataplane's netlink messages and counters, listed
 * by libnftables through nfvpn-nftc --list (config/nfv_nftc.h).
 */
static int ruleset_nft(struct ctl *ctl, bool handles)
{
	struct nfv_nftc_out out = { 0 };
	uint32_t n = 0, len = 0;
	void *recs = NULL, *msgs = NULL;
	char err[1024];
	int ret;

	ret = ctl_list(ctl, NFV_MSG_FILTER_RULESET, sizeof(struct nfv_msg_filter_obj), &recs, &n);
	if (ret != 0)
		return ret;
	if (nfv_client_request(&ctl->client, NFV_MSG_FILTER_NLMSGS, NULL, 0, &msgs, &len) < 0) {
		free(recs);
		return ctl_fail(ctl);
	}
	ret = len == 0 ? 0 : nfv_nftc_spawn_list(msgs, len, recs,
						 (size_t)n * sizeof(struct nfv_msg_filter_obj),
						 handles, &out, err, sizeof(err));
	free(msgs);
	free(recs);
	if (ret < 0) {
		fprintf(ctl->err, "nfvpnctl: ruleset: %s\n(nfvpnctl ruleset --netlink lists "
			"it without libnftables)\n", err);
		return CTL_EXIT_FAIL;
	}
	if (out.len > 0)
		fwrite(out.msgs, 1, out.len, ctl->out);
	nfv_nftc_out_fini(&out);
	return CTL_EXIT_OK;
}

int ctl_cmd_ruleset(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec ruleset = {
		.type = NFV_MSG_FILTER_RULESET, .rec_size = sizeof(struct nfv_msg_filter_obj),
		.key = "ruleset", .json = obj_json, .text = ruleset_text,
	};
	bool handles = false, netlink = false;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-a") == 0 || strcmp(argv[i], "--handle") == 0)
			handles = true;
		else if (strcmp(argv[i], "--netlink") == 0)
			netlink = true;
		else
			return ctl_usage(ctl, "unexpected argument \"%s\"", argv[i]);
	}
	if (ctl->json || netlink)
		return ctl_show_list(ctl, 0, NULL, &ruleset);
	return ruleset_nft(ctl, handles);
}

/*
 * Of nft's listing, what nft reset counters|quotas prints: the objects of
 * kind kw ("counter", "quota") in their tables, the rest left out.
 */
static void print_objects(FILE *f, const char *text, size_t len, const char *kw)
{
	char table[1024] = "", line[1024];
	bool shown = false, in_obj = false;
	size_t kwlen = strlen(kw);

	for (size_t at = 0, end; at < len; at = end + 1) {
		const char *nl = memchr(text + at, '\n', len - at);

		end = nl != NULL ? (size_t)(nl - text) : len;
		snprintf(line, sizeof(line), "%.*s", (int)(end - at), text + at);
		if (strncmp(line, "table ", 6) == 0) {
			memcpy(table, line, sizeof(table));
			shown = false;
		} else if (strcmp(line, "}") == 0) {
			if (shown)
				fputs("}\n", f);
		} else if (in_obj || (line[0] == '\t' && !strncmp(line + 1, kw, kwlen) &&
				      line[1 + kwlen] == ' ')) {
			if (!shown)
				fprintf(f, "%s\n", table);
			shown = true;
			in_obj = strcmp(line, "\t}") != 0;
			fprintf(f, "%s\n", line);
		}
	}
}

/*
 * nft reset counters|quotas: each named counter's or quota's values are
 * taken off in the dataplane, and printed as they were, as nft does.
 */
int ctl_cmd_reset(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_msg_filter_reset r = { 0 };
	struct nfv_nftc_out out = { 0 };
	const struct nfv_msg_list *l;
	void *resp = NULL, *msgs = NULL;
	uint32_t rlen = 0, mlen = 0;
	const char *kw;
	char err[1024];
	int ret;

	if (argc != 1 || (strcmp(argv[0], "counters") != 0 && strcmp(argv[0], "quotas") != 0))
		return ctl_usage(ctl, "reset counters|quotas");
	r.type = argv[0][0] == 'c' ? NFT_OBJECT_COUNTER : NFT_OBJECT_QUOTA;
	kw = r.type == NFT_OBJECT_COUNTER ? "counter" : "quota";
	ret = ctl_connect(ctl);
	if (ret != 0)
		return ret;
	/* the messages first: a failure then resets nothing */
	if (nfv_client_request(&ctl->client, NFV_MSG_FILTER_NLMSGS, NULL, 0, &msgs, &mlen) < 0)
		return ctl_fail(ctl);
	if (nfv_client_request(&ctl->client, NFV_MSG_FILTER_OBJ_RESET, &r, sizeof(r), &resp,
			       &rlen) < 0) {
		free(msgs);
		return ctl_fail(ctl);
	}
	l = resp;
	if (rlen < sizeof(*l) || l->record_size != sizeof(struct nfv_msg_filter_obj) ||
	    rlen - sizeof(*l) < (size_t)l->count * l->record_size) {
		free(msgs);
		free(resp);
		fprintf(ctl->err, "nfvpnctl: reset: a malformed answer\n");
		return CTL_EXIT_FAIL;
	}
	ret = mlen == 0 ? 0 : nfv_nftc_spawn_list(msgs, mlen, l + 1,
						  (size_t)l->count * l->record_size, false,
						  &out, err, sizeof(err));
	free(msgs);
	free(resp);
	if (ret < 0) {
		fprintf(ctl->err, "nfvpnctl: reset: the values were reset, but not listed: %s\n",
			err);
		return CTL_EXIT_FAIL;
	}
	print_objects(ctl->out, (const char *)out.msgs, out.len, kw);
	nfv_nftc_out_fini(&out);
	return CTL_EXIT_OK;
}

static int get_info(struct ctl *ctl, struct nfv_msg_filter_info *fi)
{
	uint32_t len;
	void *resp;
	int ret = ctl_connect(ctl);

	if (ret != 0)
		return ret;
	if (nfv_client_request(&ctl->client, NFV_MSG_FILTER_INFO, NULL, 0, &resp, &len) < 0)
		return ctl_fail(ctl);
	memset(fi, 0, sizeof(*fi));
	memcpy(fi, resp, len < sizeof(*fi) ? len : sizeof(*fi));
	free(resp);
	return 0;
}

int ctl_cmd_filter(struct ctl *ctl, int argc, char **argv)
{
	static const char *const sources[] = { "none", "policy", "mirror" };
	struct nfv_msg_filter_info fi;
	char buf[sizeof(fi.last_error) + 1];
	struct ctl_json j;
	int ret;

	ret = ctl_no_args(ctl, argc, argv);
	if (ret == 0)
		ret = get_info(ctl, &fi);
	if (ret != 0)
		return ret;
	if (!ctl->json) {
		FILE *f = ctl->out;

		fprintf(f, "%-15s %s (%s)\n", "source", sources[fi.source <= 2 ? fi.source : 0],
			CTL_STR(fi.origin, buf));
		fprintf(f, "%-15s %u\n", "rules", fi.rules);
		fprintf(f, "%-15s %" PRIu64 " applied, %" PRIu64 " refused\n", "loads", fi.loads,
			fi.load_errors);
		fprintf(f, "%-15s %" PRIu64 "\n", "generation", fi.generation);
		fprintf(f, "%-15s %s\n", "last error", fi.last_error[0] ?
			CTL_STR(fi.last_error, buf) : "-");
		fprintf(f, "%-15s %" PRIu64 "\n", "log records", fi.log_records);
		if (fi.conntrack)
			fprintf(f, "%-15s %u of %u, new %" PRIu64 ", invalid %" PRIu64
				", related %" PRIu64 ", table full %" PRIu64 "\n", "conntrack",
				fi.ct_count, fi.ct_max, fi.ct_new, fi.ct_invalid, fi.ct_related,
				fi.ct_table_full);
		else
			fprintf(f, "%-15s off\n", "conntrack");
		return 0;
	}
	ctl_json_init(&j, ctl->out, true);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_str(&j, "source", sources[fi.source <= 2 ? fi.source : 0]);
	ctl_json_strn(&j, "origin", fi.origin, sizeof(fi.origin));
	ctl_json_u64(&j, "rules", fi.rules);
	ctl_json_u64(&j, "loads", fi.loads);
	ctl_json_u64(&j, "load_errors", fi.load_errors);
	ctl_json_u64(&j, "generation", fi.generation);
	ctl_json_strn(&j, "last_error", fi.last_error, sizeof(fi.last_error));
	ctl_json_u64(&j, "log_records", fi.log_records);
	ctl_json_bool(&j, "conntrack", fi.conntrack);
	ctl_json_u64(&j, "ct_count", fi.ct_count);
	ctl_json_u64(&j, "ct_max", fi.ct_max);
	ctl_json_u64(&j, "ct_new", fi.ct_new);
	ctl_json_u64(&j, "ct_invalid", fi.ct_invalid);
	ctl_json_u64(&j, "ct_related", fi.ct_related);
	ctl_json_u64(&j, "ct_table_full", fi.ct_table_full);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
	return 0;
}

static const char *tcp_state_name(uint8_t s)
{
	static const char *const names[] = {
		"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
		"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
	};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "INVALID";
}

static const char *proto_name(uint8_t p, char *buf)
{
	const char *n = ctl_fmt_proto(p);

	if (n != NULL)
		return n;
	snprintf(buf, CTL_NUM_MAX, "%u", p);
	return buf;
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

/* src, dst and ports (or ICMP type, code, id) of one direction */
static void ct_addr_text(FILE *f, const struct nfv_msg_ct *c, const struct nfv_msg_ct_addr *a)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = c->family == AF_INET6 ? AF_INET6 : AF_INET;

	inet_ntop(af, a->src, s, sizeof(s));
	inet_ntop(af, a->dst, d, sizeof(d));
	fprintf(f, " src=%s dst=%s", s, d);
	if (has_ports(c->proto))
		fprintf(f, " sport=%u dport=%u", ntohs(a->sport), ntohs(a->dport));
	else if (c->proto == 1 || c->proto == 58)
		fprintf(f, " type=%u code=%u id=%u", a->dport >> 8, a->dport & 0xff,
			ntohs(a->sport));
}

static void ct_addr_json(struct ctl_json *j, const char *key, const struct nfv_msg_ct *c,
			 const struct nfv_msg_ct_addr *a)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = c->family == AF_INET6 ? AF_INET6 : AF_INET;

	inet_ntop(af, a->src, s, sizeof(s));
	inet_ntop(af, a->dst, d, sizeof(d));
	ctl_json_obj_begin(j, key);
	ctl_json_str(j, "src", s);
	ctl_json_str(j, "dst", d);
	if (has_ports(c->proto)) {
		ctl_json_u64(j, "sport", ntohs(a->sport));
		ctl_json_u64(j, "dport", ntohs(a->dport));
	} else if (c->proto == 1 || c->proto == 58) {
		ctl_json_u64(j, "type", a->dport >> 8);
		ctl_json_u64(j, "code", a->dport & 0xff);
		ctl_json_u64(j, "id", ntohs(a->sport));
	}
	ctl_json_obj_end(j);
}

/* IPS_SEEN_REPLY, IPS_ASSURED and IPS_OFFLOAD of linux/netfilter/nf_conntrack_common.h */
#define CT_SEEN_REPLY (1u << 1)
#define CT_ASSURED (1u << 2)
#define CT_OFFLOAD (1u << 14)

static void ct_list_text(FILE *f, const void *recs, uint32_t n)
{
	const struct nfv_msg_ct *c = recs;
	char pb[CTL_NUM_MAX];

	for (uint32_t i = 0; i < n; i++, c++) {
		fprintf(f, "%-8s %-3u %u", proto_name(c->proto, pb), c->proto, c->expires_s);
		if (c->proto == 6)
			fprintf(f, " %s", tcp_state_name(c->tcp_state));
		ct_addr_text(f, c, &c->orig);
		/* as conntrack -L, the zone (ctnetlink's CTA_TUPLE_ZONE) after
		 * the tuple when only that direction has it */
		if (c->orig.zone != 0 && c->reply.zone != c->orig.zone)
			fprintf(f, " zone-orig=%u", c->orig.zone);
		if (!(c->status & CT_SEEN_REPLY))
			fputs(" [UNREPLIED]", f);
		ct_addr_text(f, c, &c->reply);
		if (c->reply.zone != 0 && c->reply.zone != c->orig.zone)
			fprintf(f, " zone-reply=%u", c->reply.zone);
		/* as conntrack -L: [OFFLOAD] in place of [ASSURED] */
		if (c->status & CT_OFFLOAD)
			fputs(" [OFFLOAD]", f);
		else if (c->status & CT_ASSURED)
			fputs(" [ASSURED]", f);
		fprintf(f, " mark=%u", c->mark);
		/* CTA_ZONE: the zone of both directions */
		if (c->orig.zone != 0 && c->reply.zone == c->orig.zone)
			fprintf(f, " zone=%u", c->orig.zone);
		if (c->status & CT_OFFLOAD)
			fprintf(f, " offloaded=%" PRIu64 "/%" PRIu64 " bytes=%" PRIu64 "/%" PRIu64,
				c->offload_packets[0], c->offload_packets[1],
				c->offload_bytes[0], c->offload_bytes[1]);
		fputc('\n', f);
	}
}

static void ct_json(struct ctl_json *j, const void *rec)
{
	const struct nfv_msg_ct *c = rec;
	char pb[CTL_NUM_MAX];

	ctl_json_obj_begin(j, NULL);
	ctl_json_str(j, "family", c->family == AF_INET6 ? "ipv6" : "ipv4");
	ctl_json_str(j, "proto", proto_name(c->proto, pb));
	if (c->proto == 6)
		ctl_json_str(j, "state", tcp_state_name(c->tcp_state));
	ctl_json_u64(j, "timeout", c->expires_s);
	ctl_json_u64(j, "status", c->status);
	ctl_json_bool(j, "assured", c->status & CT_ASSURED);
	ctl_json_bool(j, "seen_reply", c->status & CT_SEEN_REPLY);
	ctl_json_bool(j, "offload", c->status & CT_OFFLOAD);
	ctl_json_u64(j, "offload_packets_orig", c->offload_packets[0]);
	ctl_json_u64(j, "offload_packets_reply", c->offload_packets[1]);
	ctl_json_u64(j, "offload_bytes_orig", c->offload_bytes[0]);
	ctl_json_u64(j, "offload_bytes_reply", c->offload_bytes[1]);
	ctl_json_u64(j, "mark", c->mark);
	/* the zone id of each direction's tuple (nf_ct_zone_id()) */
	ctl_json_u64(j, "zone_orig", c->orig.zone);
	ctl_json_u64(j, "zone_reply", c->reply.zone);
	ct_addr_json(j, "orig", c, &c->orig);
	ct_addr_json(j, "reply", c, &c->reply);
	ctl_json_obj_end(j);
}

int ctl_cmd_conntrack(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec conntrack = {
		.type = NFV_MSG_CT_LIST, .rec_size = sizeof(struct nfv_msg_ct),
		.key = "conntrack", .json = ct_json, .text = ct_list_text,
	};

	return ctl_show_list(ctl, argc, argv, &conntrack);
}

int ctl_cmd_conntrack_count(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_msg_filter_info fi;
	struct ctl_json j;
	int ret;

	ret = ctl_no_args(ctl, argc, argv);
	if (ret == 0)
		ret = get_info(ctl, &fi);
	if (ret != 0)
		return ret;
	if (!ctl->json) {
		fprintf(ctl->out, "%u\n", fi.ct_count);
		return 0;
	}
	ctl_json_init(&j, ctl->out, true);
	ctl_json_obj_begin(&j, NULL);
	ctl_json_u64(&j, "count", fi.ct_count);
	ctl_json_u64(&j, "max", fi.ct_max);
	ctl_json_u64(&j, "new", fi.ct_new);
	ctl_json_u64(&j, "invalid", fi.ct_invalid);
	ctl_json_u64(&j, "related", fi.ct_related);
	ctl_json_u64(&j, "table_full", fi.ct_table_full);
	ctl_json_obj_end(&j);
	ctl_json_end(&j);
	return 0;
}

int ctl_cmd_conntrack_flush(struct ctl *ctl, int argc, char **argv)
{
	int ret = ctl_no_args(ctl, argc, argv);

	if (ret == 0)
		ret = ctl_request(ctl, NFV_MSG_CT_FLUSH, NULL, 0);
	return ret;
}
