/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Text form of a selector, as the CLI and test scripts write it:
 *   id N [family inet|inet6] [proto udp|tcp|icmp|ipv6-icmp|N]
 *   [src ADDR[/LEN]] [dst ADDR[/LEN]] [sport A[-B]] [dport A[-B]]
 *   [iif IFNAME] [mark M[/MASK]] [hook pre|out|all] [action steer|pass]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_steer.h"

static int nfv_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int nfv_parse_range(const char *s, uint16_t *min, uint16_t *max)
{
	char buf[32], *dash;
	uint32_t a, b;

	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (nfv_parse_u32(buf, UINT16_MAX, &a) ||
	    nfv_parse_u32(dash ? dash : buf, UINT16_MAX, &b))
		return -EINVAL;
	*min = a;
	*max = b;
	return 0;
}

static int nfv_parse_prefix(const char *s, struct nfv_steer_sel *sel,
			    uint8_t *addr, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	uint8_t family = strchr(s, ':') ? AF_INET6 : AF_INET;
	uint32_t len = family == AF_INET ? 32 : 128;

	if (sel->family && sel->family != family)
		return -EINVAL;
	sel->family = family;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		if (nfv_parse_u32(slash, len, &len))
			return -EINVAL;
	}
	if (inet_pton(family, buf, addr) != 1)
		return -EINVAL;
	*plen = len;
	return 0;
}

static int nfv_parse_proto(const char *s, uint8_t *proto)
{
	static const struct { const char *name; uint8_t num; } names[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
		{ "icmp", IPPROTO_ICMP }, { "ipv6-icmp", IPPROTO_ICMPV6 },
		{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP },
		{ "udplite", IPPROTO_UDPLITE },
	};
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i].name)) {
			*proto = names[i].num;
			return 0;
		}
	}
	if (nfv_parse_u32(s, UINT8_MAX, &v))
		return -EINVAL;
	*proto = v;
	return 0;
}

int nfv_steer_sel_parse(struct nfv_steer_sel *sel, int argc, char **argv,
			char *err, size_t errlen)
{
	uint32_t family = 0;
	bool has_id = false;
	const char *key, *val;
	char *slash;
	int i, rc;

	nfv_steer_sel_init(sel, 0, 0);
	for (i = 0; i < argc; i += 2) {
		key = argv[i];
		val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val) {
			snprintf(err, errlen, "'%s' needs a value", key);
			return -EINVAL;
		}
		rc = 0;
		if (!strcmp(key, "id")) {
			rc = nfv_parse_u32(val, UINT32_MAX, &sel->id);
			has_id = true;
		} else if (!strcmp(key, "family")) {
			family = !strcmp(val, "inet") ? AF_INET :
				 !strcmp(val, "inet6") ? AF_INET6 : 0;
			rc = family ? 0 : -EINVAL;
		} else if (!strcmp(key, "proto")) {
			rc = nfv_parse_proto(val, &sel->proto);
		} else if (!strcmp(key, "src")) {
			rc = nfv_parse_prefix(val, sel, sel->src, &sel->src_plen);
		} else if (!strcmp(key, "dst")) {
			rc = nfv_parse_prefix(val, sel, sel->dst, &sel->dst_plen);
		} else if (!strcmp(key, "sport")) {
			rc = nfv_parse_range(val, &sel->sport_min, &sel->sport_max);
		} else if (!strcmp(key, "dport")) {
			rc = nfv_parse_range(val, &sel->dport_min, &sel->dport_max);
		} else if (!strcmp(key, "iif")) {
			sel->iif = if_nametoindex(val);
			rc = sel->iif ? 0 : -ENODEV;
		} else if (!strcmp(key, "mark")) {
			sel->mark_mask = UINT32_MAX;
			slash = strchr(val, '/');
			if (slash) {
				rc = nfv_parse_u32(slash + 1, UINT32_MAX, &sel->mark_mask);
				*slash = '\0';
			}
			rc = rc ? rc : nfv_parse_u32(val, UINT32_MAX, &sel->mark);
			if (slash)
				*slash = '/';
		} else if (!strcmp(key, "hook")) {
			sel->hooks = !strcmp(val, "pre") ? NFVPN_HOOK_PRE_ROUTING :
				     !strcmp(val, "out") ? NFVPN_HOOK_LOCAL_OUT :
				     !strcmp(val, "all") ? NFVPN_HOOK_ALL : 0;
			rc = sel->hooks ? 0 : -EINVAL;
		} else if (!strcmp(key, "action")) {
			rc = !strcmp(val, "steer") ? 0 : -EINVAL;
			sel->action = NFVPN_ACT_STEER;
			if (!strcmp(val, "pass")) {
				sel->action = NFVPN_ACT_PASS;
				rc = 0;
			}
		} else {
			snprintf(err, errlen, "unknown selector key '%s'", key);
			return -EINVAL;
		}
		if (rc) {
			snprintf(err, errlen, "bad value '%s' for '%s'", val, key);
			return rc;
		}
	}
	if (family && sel->family && family != sel->family) {
		snprintf(err, errlen, "family does not match the addresses");
		return -EINVAL;
	}
	if (family)
		sel->family = family;
	if (!has_id || !sel->family) {
		snprintf(err, errlen, "a selector needs an id and a family or an address");
		return -EINVAL;
	}
	return 0;
}

int nfv_steer_sel_format(const struct nfv_steer_sel *sel, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t off = 0;

#define NFV_OUT(...) do {						\
		int __n = snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__); \
		if (__n > 0)						\
			off += __n;					\
	} while (0)
	NFV_OUT("id %u family %s", sel->id,
		sel->family == AF_INET6 ? "inet6" : "inet");
	if (sel->proto)
		NFV_OUT(" proto %u", sel->proto);
	if (sel->src_plen)
		NFV_OUT(" src %s/%u", inet_ntop(sel->family, sel->src, a, sizeof(a)),
			sel->src_plen);
	if (sel->dst_plen)
		NFV_OUT(" dst %s/%u", inet_ntop(sel->family, sel->dst, a, sizeof(a)),
			sel->dst_plen);
	if (sel->sport_min || sel->sport_max != UINT16_MAX)
		NFV_OUT(" sport %u-%u", sel->sport_min, sel->sport_max);
	if (sel->dport_min || sel->dport_max != UINT16_MAX)
		NFV_OUT(" dport %u-%u", sel->dport_min, sel->dport_max);
	if (sel->iif)
		NFV_OUT(" iif %u", sel->iif);
	if (sel->mark_mask)
		NFV_OUT(" mark 0x%x/0x%x", sel->mark, sel->mark_mask);
	NFV_OUT(" hook %s action %s packets %llu bytes %llu",
		sel->hooks == NFVPN_HOOK_PRE_ROUTING ? "pre" :
		sel->hooks == NFVPN_HOOK_LOCAL_OUT ? "out" : "all",
		sel->action == NFVPN_ACT_PASS ? "pass" : "steer",
		(unsigned long long)sel->packets, (unsigned long long)sel->bytes);
#undef NFV_OUT
	return off < len ? 0 : -ENOSPC;
}
