/* SPDX-License-Identifier: BSD-3-Clause */
/* Text forms of the values nfvpnctl prints: exact numbers, netfilter names. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "nfv_netfilter.h"

/* Digits grouped by three: exact, and readable at a glance. */
const char *ctl_fmt_count(uint64_t v, char *buf)
{
	char digits[24];
	size_t n, i, o = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, v);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *ctl_fmt_hook(unsigned int hook)
{
	if (hook >= NFV_INET_NUMHOOKS)
		return "UNKNOWN";
	return nfv_hook_names[hook];
}

/* netfilter's names and nft's, as people type them. */
int ctl_parse_hook(const char *s)
{
	unsigned int i;

	for (i = 0; i < NFV_INET_NUMHOOKS; i++)
		if (strcasecmp(s, nfv_hook_names[i]) == 0 ||
		    strcasecmp(s, nfv_hook_nft_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *ctl_fmt_priority(int prio, char *buf)
{
	const char *name = nfv_priority_name(prio);

	if (name != NULL)
		return name;
	snprintf(buf, CTL_NUM_MAX, "%d", prio);
	return buf;
}

/* "NAME", "NAME+N", "NAME-N" or an integer, as nft accepts them. */
int ctl_parse_priority(const char *s, int *prio)
{
	unsigned int i;
	uint64_t off;
	size_t len;
	int64_t v;
	int ret;

	for (i = 0; i < nfv_ip_priorities_num; i++) {
		const struct nfv_ip_priority *p = &nfv_ip_priorities[i];

		if (p->name == NULL)
			continue;
		len = strlen(p->name);
		if (strncasecmp(s, p->name, len) != 0)
			continue;
		if (s[len] == '\0') {
			*prio = p->value;
			return 0;
		}
		if (s[len] != '+' && s[len] != '-')
			return -EINVAL;
		ret = ctl_parse_uint(s + len + 1, (uint64_t)INT_MAX + 1, &off);
		if (ret < 0)
			return ret;
		v = (int64_t)p->value +
		    (s[len] == '+' ? (int64_t)off : -(int64_t)off);
		if (v < INT_MIN || v > INT_MAX)
			return -ERANGE;
		*prio = (int)v;
		return 0;
	}
	ret = ctl_parse_uint(s[0] == '-' || s[0] == '+' ? s + 1 : s,
			     (uint64_t)INT_MAX + 1, &off);
	if (ret < 0)
		return ret;
	v = s[0] == '-' ? -(int64_t)off : (int64_t)off;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*prio = (int)v;
	return 0;
}

const char *ctl_fmt_proto(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ESP: return "esp";
	case IPPROTO_ICMPV6: return "icmpv6";
	}
	return NULL;
}

int ctl_parse_proto(const char *s, uint8_t *proto)
{
	static const uint8_t known[] = {
		IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ESP, IPPROTO_ICMPV6,
	};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < sizeof(known); i++) {
		if (strcasecmp(s, ctl_fmt_proto(known[i])) == 0) {
			*proto = known[i];
			return 0;
		}
	}
	if (ctl_parse_uint(s, 255, &v) < 0)
		return -EINVAL;
	*proto = (uint8_t)v;
	return 0;
}

const char *ctl_fmt_duration(uint64_t s, char *buf)
{
	uint64_t d = s / 86400;

	s %= 86400;
	if (d > 0)
		snprintf(buf, CTL_NUM_MAX, "%" PRIu64 "d %02u:%02u:%02u", d,
			 (unsigned int)(s / 3600), (unsigned int)(s / 60 % 60),
			 (unsigned int)(s % 60));
	else
		snprintf(buf, CTL_NUM_MAX, "%02u:%02u:%02u", (unsigned int)(s / 3600),
			 (unsigned int)(s / 60 % 60), (unsigned int)(s % 60));
	return buf;
}

const char *ctl_fmt_route_type(uint8_t type)
{
	switch (type) {
	case NFV_ROUTE_UNICAST: return "unicast";
	case NFV_ROUTE_BLACKHOLE: return "blackhole";
	case NFV_ROUTE_CONNECTED: return "connected";
	case NFV_ROUTE_LOCAL: return "local";
	}
	return "unknown";
}

/* As ip-neighbour(8) prints them. */
const char *ctl_fmt_neigh_state(uint8_t state)
{
	switch (state) {
	case NFV_NEIGH_INCOMPLETE: return "INCOMPLETE";
	case NFV_NEIGH_REACHABLE: return "REACHABLE";
	case NFV_NEIGH_STALE: return "STALE";
	case NFV_NEIGH_FAILED: return "FAILED";
	case NFV_NEIGH_PERMANENT: return "PERMANENT";
	}
	return "UNKNOWN";
}

const char *ctl_fmt_action(unsigned int action)
{
	return action < NFV_BUILTIN_MAX ? nfv_builtin_action_names[action] : "unknown";
}

const char *ctl_str(const char *field, size_t size, char *buf)
{
	size_t n = strnlen(field, size);

	memcpy(buf, field, n);
	buf[n] = '\0';
	return buf;
}
