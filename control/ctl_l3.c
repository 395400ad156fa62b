/* SPDX-License-Identifier: BSD-3-Clause */
/* routes and neighbours: list, add, delete. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_json.h"
#include "ctl_table.h"

#define PORT_NAME_RULE "expected a letter then up to 14 letters, digits, '_' or '-'"

static const struct ctl_col route_cols[] = {
	{ "DESTINATION", CTL_LEFT }, { "TYPE", CTL_LEFT },
	{ "GATEWAY", CTL_LEFT }, { "PORT", CTL_LEFT },
};

int ctl_cmd_routes(struct ctl *ctl, int argc, char **argv)
{
	char dst[NFV_PREFIX_FMT_MAX], via[NFV_ADDR_FMT_MAX], port[NFV_NAME_MAX + 1];
	struct nfv_msg_route *r;
	struct ctl_table *t = NULL;
	struct ctl_json j;
	uint32_t i, n;
	int ret;

	ret = ctl_no_args(ctl, argc, argv);
	if (ret == 0)
		ret = ctl_list(ctl, NFV_MSG_ROUTES, sizeof(*r), (void **)&r, &n);
	if (ret != 0)
		return ret;
	if (ctl->json) {
		ctl_json_init(&j, ctl->out, true);
		ctl_json_obj_begin(&j, NULL);
		ctl_json_arr_begin(&j, "routes");
	} else if ((t = ctl_table_new(route_cols, 4)) == NULL) {
		ret = CTL_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *d = nfv_prefix_fmt(&r[i].dst, dst, sizeof(dst));
		const char *v = r[i].has_via ?
			nfv_addr_fmt(&r[i].via, via, sizeof(via)) : NULL;
		const char *p = r[i].port[0] ? CTL_STR(r[i].port, port) : NULL;
		const char *type = ctl_fmt_route_type(r[i].type);

		if (ctl->json) {
			ctl_json_obj_begin(&j, NULL);
			ctl_json_str(&j, "dst", d);
			ctl_json_str(&j, "type", type);
			ctl_json_str(&j, "via", v);
			ctl_json_str(&j, "port", p);
			ctl_json_obj_end(&j);
			continue;
		}
		ctl_table_add(t, "%s", d ? d : "?");
		ctl_table_add(t, "%s", type);
		ctl_table_add(t, "%s", v ? v : "-");
		ctl_table_add(t, "%s", p ? p : "-");
	}
	if (ctl->json) {
		ctl_json_arr_end(&j);
		ctl_json_obj_end(&j);
		ctl_json_end(&j);
	} else if (ctl_table_print(t, ctl->out) < 0) {
		ret = CTL_EXIT_FAIL;
	}
out:
	ctl_table_free(t);
	free(r);
	return ret;
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

int ctl_cmd_route_add(struct ctl *ctl, int argc, char **argv)
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
		ret = ctl_request(ctl, NFV_MSG_ROUTE_ADD, &r, sizeof(r));
	return ret;
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

int ctl_cmd_neigh(struct ctl *ctl, int argc, char **argv)
{
	char addr[NFV_ADDR_FMT_MAX], mac[NFV_MAC_FMT_MAX], port[NFV_NAME_MAX + 1];
	char num[CTL_NUM_MAX];
	struct nfv_msg_neigh *e;
	struct ctl_table *t = NULL;
	struct ctl_json j;
	uint32_t i, n;
	int ret;

	ret = ctl_no_args(ctl, argc, argv);
	if (ret == 0)
		ret = ctl_list(ctl, NFV_MSG_NEIGH, sizeof(*e), (void **)&e, &n);
	if (ret != 0)
		return ret;
	if (ctl->json) {
		ctl_json_init(&j, ctl->out, true);
		ctl_json_obj_begin(&j, NULL);
		ctl_json_arr_begin(&j, "neigh");
	} else if ((t = ctl_table_new(neigh_cols, 6)) == NULL) {
		ret = CTL_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *a = nfv_addr_fmt(&e[i].addr, addr, sizeof(addr));

		nfv_mac_fmt(e[i].mac, mac, sizeof(mac));
		CTL_STR(e[i].port, port);
		if (ctl->json) {
			ctl_json_obj_begin(&j, NULL);
			ctl_json_str(&j, "addr", a);
			ctl_json_str(&j, "mac", mac);
			ctl_json_str(&j, "port", port);
			ctl_json_str(&j, "state", ctl_fmt_neigh_state(e[i].state));
			ctl_json_u64(&j, "age_s", e[i].age_s);
			ctl_json_u64(&j, "held", e[i].held);
			ctl_json_obj_end(&j);
			continue;
		}
		ctl_table_add(t, "%s", a ? a : "?");
		ctl_table_add(t, "%s", mac);
		ctl_table_add(t, "%s", port);
		ctl_table_add(t, "%s", ctl_fmt_neigh_state(e[i].state));
		ctl_table_add(t, "%us", e[i].age_s);
		ctl_table_add(t, "%s", ctl_fmt_count(e[i].held, num));
	}
	if (ctl->json) {
		ctl_json_arr_end(&j);
		ctl_json_obj_end(&j);
		ctl_json_end(&j);
	} else if (ctl_table_print(t, ctl->out) < 0) {
		ret = CTL_EXIT_FAIL;
	}
out:
	ctl_table_free(t);
	free(e);
	return ret;
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
