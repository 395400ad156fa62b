/* SPDX-License-Identifier: BSD-3-Clause */
/* routes and neighbours: list, add, delete. */
#include <errno.h>
#include <string.h>

#include "ctl.h"
#include "ctl_json.h"
#include "ctl_table.h"

#define PORT_NAME_RULE "expected a letter then up to 14 letters, digits, '_' or '-'"

static const struct ctl_col route_cols[] = {
	{ "DESTINATION", CTL_LEFT }, { "TYPE", CTL_LEFT },
	{ "GATEWAY", CTL_LEFT }, { "PORT", CTL_LEFT },
};

/* The text of a route's fields; NULL where JSON has null. */
struct route_text {
	char dbuf[NFV_PREFIX_FMT_MAX], vbuf[NFV_ADDR_FMT_MAX], pbuf[NFV_NAME_MAX + 1];
	const char *dst, *via, *port, *type;
};

static void route_text(struct route_text *x, const struct nfv_msg_route *r)
{
	x->dst = nfv_prefix_fmt(&r->dst, x->dbuf, sizeof(x->dbuf));
	x->via = r->has_via ? nfv_addr_fmt(&r->via, x->vbuf, sizeof(x->vbuf)) : NULL;
	x->port = r->port[0] ? CTL_STR(r->port, x->pbuf) : NULL;
	x->type = ctl_fmt_route_type(r->type);
}

static void route_json(struct ctl_json *j, const void *rec)
{
	struct route_text x;

	route_text(&x, rec);
	ctl_json_obj_begin(j, NULL);
	ctl_json_str(j, "dst", x.dst);
	ctl_json_str(j, "type", x.type);
	ctl_json_str(j, "via", x.via);
	ctl_json_str(j, "port", x.port);
	ctl_json_obj_end(j);
}

static void route_row(struct ctl_table *t, const void *rec)
{
	struct route_text x;

	route_text(&x, rec);
	ctl_table_add(t, "%s", x.dst ? x.dst : "?");
	ctl_table_add(t, "%s", x.type);
	ctl_table_add(t, "%s", x.via ? x.via : "-");
	ctl_table_add(t, "%s", x.port ? x.port : "-");
}

int ctl_cmd_routes(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec routes = {
		.type = NFV_MSG_ROUTES, .rec_size = sizeof(struct nfv_msg_route),
		.key = "routes", .json = route_json, .row = route_row,
		.cols = route_cols, .ncols = 4,
	};

	return ctl_show_list(ctl, argc, argv, &routes);
}

static int route_opts(struct ctl *ctl, int argc, char **argv,
		      struct nfv_policy_route *r)
{
	char pbuf[NFV_PREFIX_FMT_MAX];
	bool blackhole = false;
	int i;

	for (i = 0; i < argc; i++) {
		const char *k = argv[i];

		if (strcmp(k, "blackhole") == 0) {
			if (blackhole)
				return ctl_usage(ctl, "blackhole given twice");
			blackhole = true;
			continue;
		}
		if (strcmp(k, "via") != 0 && strcmp(k, "port") != 0)
			return ctl_usage(ctl, "unknown argument \"%s\"; expected via, port or blackhole", k);
		if (i + 1 == argc)
			return ctl_usage(ctl, "%s needs %s", k,
					 k[0] == 'v' ? "an ADDR" : "a port name");
		if ((k[0] == 'v' && r->has_via) || (k[0] == 'p' && r->port[0]))
			return ctl_usage(ctl, "%s given twice", k);
		if (k[0] == 'p') {
			if (!ctl_name_ok(argv[i + 1], NFV_POLICY_PORT_NAME_MAX))
				return ctl_usage(ctl, "bad port name \"%s\": " PORT_NAME_RULE,
						 argv[i + 1]);
			strcpy(r->port, argv[++i]);
			continue;
		}
		if (nfv_addr_parse(argv[i + 1], &r->via) < 0)
			return ctl_usage(ctl, "bad gateway address \"%s\"", argv[i + 1]);
		if (r->via.family != r->dst.addr.family)
			return ctl_usage(ctl, "gateway %s is %s but %s is %s", argv[i + 1],
					 r->via.family == AF_INET ? "IPv4" : "IPv6",
					 nfv_prefix_fmt(&r->dst, pbuf, sizeof(pbuf)),
					 r->dst.addr.family == AF_INET ? "IPv4" : "IPv6");
		if (!nfv_addr_is_unicast(&r->via))
			return ctl_usage(ctl, "gateway %s is not a unicast address", argv[i + 1]);
		r->has_via = true;
		i++;
	}
	if (blackhole && (r->has_via || r->port[0]))
		return ctl_usage(ctl, "a blackhole route takes no via or port");
	if (!blackhole && !r->has_via && !r->port[0])
		return ctl_usage(ctl, "a unicast route needs via ADDR, port P or both");
	r->type = blackhole ? NFV_ROUTE_BLACKHOLE : NFV_ROUTE_UNICAST;
	return 0;
}

/* route add and route replace: the same arguments, another request. */
static int route_set(struct ctl *ctl, int argc, char **argv, uint16_t type)
{
	struct nfv_policy_route r;
	int ret;

	memset(&r, 0, sizeof(r));
	if (argc < 1)
		return ctl_usage(ctl, "missing argument PREFIX");
	ret = ctl_parse_prefix(ctl, argv[0], &r.dst);
	if (ret == 0)
		ret = route_opts(ctl, argc - 1, argv + 1, &r);
	if (ret == 0)
		ret = ctl_request(ctl, type, &r, sizeof(r));
	return ret;
}

/* Refused (exit 1) when PREFIX has a route: the dataplane says so. */
int ctl_cmd_route_add(struct ctl *ctl, int argc, char **argv)
{
	return route_set(ctl, argc, argv, NFV_MSG_ROUTE_ADD);
}

int ctl_cmd_route_replace(struct ctl *ctl, int argc, char **argv)
{
	return route_set(ctl, argc, argv, NFV_MSG_ROUTE_REPLACE);
}

int ctl_cmd_route_del(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_prefix p;
	int ret;

	if (argc < 1)
		return ctl_usage(ctl, "missing argument PREFIX");
	ret = ctl_parse_prefix(ctl, argv[0], &p);
	if (ret == 0)
		ret = ctl_no_args(ctl, argc - 1, argv + 1);
	if (ret == 0)
		ret = ctl_request(ctl, NFV_MSG_ROUTE_DEL, &p, sizeof(p));
	return ret;
}

static const struct ctl_col neigh_cols[] = {
	{ "ADDRESS", CTL_LEFT }, { "MAC", CTL_LEFT }, { "PORT", CTL_LEFT },
	{ "STATE", CTL_LEFT }, { "AGE", CTL_RIGHT }, { "HELD", CTL_RIGHT },
};

static void neigh_json(struct ctl_json *j, const void *rec)
{
	char addr[NFV_ADDR_FMT_MAX], mac[NFV_MAC_FMT_MAX], port[NFV_NAME_MAX + 1];
	const struct nfv_msg_neigh *e = rec;

	ctl_json_obj_begin(j, NULL);
	ctl_json_str(j, "addr", nfv_addr_fmt(&e->addr, addr, sizeof(addr)));
	ctl_json_str(j, "mac", nfv_mac_fmt(e->mac, mac, sizeof(mac)));
	ctl_json_str(j, "port", CTL_STR(e->port, port));
	ctl_json_str(j, "state", ctl_fmt_neigh_state(e->state));
	ctl_json_u64(j, "age_s", e->age_s);
	ctl_json_u64(j, "held", e->held);
	ctl_json_obj_end(j);
}

static void neigh_row(struct ctl_table *t, const void *rec)
{
	char addr[NFV_ADDR_FMT_MAX], mac[NFV_MAC_FMT_MAX], port[NFV_NAME_MAX + 1];
	char num[CTL_NUM_MAX];
	const struct nfv_msg_neigh *e = rec;
	const char *a = nfv_addr_fmt(&e->addr, addr, sizeof(addr));

	ctl_table_add(t, "%s", a ? a : "?");
	ctl_table_add(t, "%s", nfv_mac_fmt(e->mac, mac, sizeof(mac)));
	ctl_table_add(t, "%s", CTL_STR(e->port, port));
	ctl_table_add(t, "%s", ctl_fmt_neigh_state(e->state));
	ctl_table_add(t, "%us", e->age_s);
	ctl_table_add(t, "%s", ctl_fmt_count(e->held, num));
}

int ctl_cmd_neigh(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list_spec neigh = {
		.type = NFV_MSG_NEIGH, .rec_size = sizeof(struct nfv_msg_neigh),
		.key = "neigh", .json = neigh_json, .row = neigh_row,
		.cols = neigh_cols, .ncols = 6,
	};

	return ctl_show_list(ctl, argc, argv, &neigh);
}

/* PORT ADDR, shared by neigh add and neigh del. */
static int neigh_key(struct ctl *ctl, int argc, char **argv, char *port,
		     struct nfv_addr *addr)
{
	if (argc < 1)
		return ctl_usage(ctl, "missing argument PORT");
	if (!ctl_name_ok(argv[0], NFV_POLICY_PORT_NAME_MAX))
		return ctl_usage(ctl, "bad port name \"%s\": " PORT_NAME_RULE, argv[0]);
	strcpy(port, argv[0]);
	if (argc < 2)
		return ctl_usage(ctl, "missing argument ADDR");
	if (nfv_addr_parse(argv[1], addr) < 0)
		return ctl_usage(ctl, "bad address \"%s\": expected an IPv4 or IPv6 address",
				 argv[1]);
	if (!nfv_addr_is_unicast(addr))
		return ctl_usage(ctl, "bad address \"%s\": not a unicast address", argv[1]);
	return 0;
}

int ctl_cmd_neigh_add(struct ctl *ctl, int argc, char **argv)
{
	static const uint8_t zero[6];
	struct nfv_policy_neighbour nb;
	int ret;

	memset(&nb, 0, sizeof(nb));
	ret = neigh_key(ctl, argc, argv, nb.port, &nb.addr);
	if (ret != 0)
		return ret;
	if (argc < 3)
		return ctl_usage(ctl, "missing argument MAC");
	if (nfv_mac_parse(argv[2], nb.mac) < 0 || (nb.mac[0] & 1) ||
	    memcmp(nb.mac, zero, 6) == 0)
		return ctl_usage(ctl, "bad MAC \"%s\": expected a unicast address as 02:00:00:00:00:01",
				 argv[2]);
	ret = ctl_no_args(ctl, argc - 3, argv + 3);
	if (ret == 0)
		ret = ctl_request(ctl, NFV_MSG_NEIGH_ADD, &nb, sizeof(nb));
	return ret;
}

int ctl_cmd_neigh_del(struct ctl *ctl, int argc, char **argv)
{
	struct nfv_msg_neigh_key k;
	int ret;

	memset(&k, 0, sizeof(k));
	ret = neigh_key(ctl, argc, argv, k.port, &k.addr);
	if (ret == 0)
		ret = ctl_no_args(ctl, argc - 2, argv + 2);
	if (ret == 0)
		ret = ctl_request(ctl, NFV_MSG_NEIGH_DEL, &k, sizeof(k));
	return ret;
}
