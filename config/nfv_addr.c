/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Text forms of addresses, prefixes and MACs, as ip(8) writes them. Parsers
 * are strict: a policy that means something else than it says is refused.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nfv_policy.h"

static unsigned int addr_bits(const struct nfv_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

int nfv_addr_parse(const char *s, struct nfv_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -EINVAL;
}

/* "ADDR/LEN", or a bare ADDR meaning a host prefix as ip-address(8) does. */
int nfv_prefix_parse(const char *s, struct nfv_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int len = 0;
	const char *d;

	memset(p, 0, sizeof(*p));
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (nfv_addr_parse(buf, &p->addr) < 0)
		return -EINVAL;
	if (slash == NULL) {
		p->len = addr_bits(&p->addr);
		return 0;
	}
	d = slash + 1;
	if (*d == '\0' || strlen(d) > 3)
		goto err;
	for (; *d != '\0'; d++) {
		if (!isdigit((unsigned char)*d))
			goto err;
		len = len * 10 + (unsigned int)(*d - '0');
	}
	if (len > addr_bits(&p->addr))
		goto err;
	p->len = len;
	return 0;
err:
	memset(p, 0, sizeof(*p));
	return -EINVAL;
}

int nfv_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int i, j, v;
	uint8_t out[6];

	for (i = 0; i < 6; i++) {
		v = 0;
		for (j = 0; j < 2; j++, s++) {
			if (!isxdigit((unsigned char)*s))
				return -EINVAL;
			v = v * 16 + (unsigned int)(isdigit((unsigned char)*s) ?
				*s - '0' : tolower((unsigned char)*s) - 'a' + 10);
		}
		out[i] = (uint8_t)v;
		if (*s != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		if (i < 5)
			s++;
	}
	memcpy(mac, out, 6);
	return 0;
}

const char *nfv_addr_fmt(const struct nfv_addr *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return NULL;
	return inet_ntop(a->family, a->bytes, buf, (socklen_t)len);
}

const char *nfv_prefix_fmt(const struct nfv_prefix *p, char *buf, size_t len)
{
	size_t n;

	if (nfv_addr_fmt(&p->addr, buf, len) == NULL)
		return NULL;
	n = strlen(buf);
	if ((size_t)snprintf(buf + n, len - n, "/%u", p->len) >= len - n)
		return NULL;
	return buf;
}

const char *nfv_mac_fmt(const uint8_t mac[6], char *buf, size_t len)
{
	if (len < NFV_MAC_FMT_MAX)
		return NULL;
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

bool nfv_addr_equal(const struct nfv_addr *a, const struct nfv_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, addr_bits(a) / 8) == 0;
}

bool nfv_prefix_contains(const struct nfv_prefix *p, const struct nfv_addr *a)
{
	unsigned int full = p->len / 8, rest = p->len % 8;
	uint8_t mask;

	if (p->addr.family != a->family)
		return false;
	if (memcmp(p->addr.bytes, a->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((p->addr.bytes[full] ^ a->bytes[full]) & mask) == 0;
}

bool nfv_prefix_clear_host(struct nfv_prefix *p)
{
	unsigned int i, rest, bits = addr_bits(&p->addr);
	bool had = false;
	uint8_t keep;

	for (i = p->len / 8; i < bits / 8; i++) {
		rest = i == p->len / 8 ? p->len % 8 : 0;
		keep = rest ? (uint8_t)(0xff << (8 - rest)) : 0;
		if (p->addr.bytes[i] & ~keep)
			had = true;
		p->addr.bytes[i] &= keep;
	}
	return had;
}

bool nfv_addr_is_unicast(const struct nfv_addr *a)
{
	static const uint8_t zero[16];

	if (a->family == AF_INET) {
		if (memcmp(a->bytes, zero, 4) == 0)
			return false;
		if ((a->bytes[0] & 0xf0) == 0xe0)	/* 224/4 */
			return false;
		return !(a->bytes[0] == 255 && a->bytes[1] == 255 &&
			 a->bytes[2] == 255 && a->bytes[3] == 255);
	}
	if (memcmp(a->bytes, zero, 16) == 0)
		return false;
	return a->bytes[0] != 0xff;			/* ff00::/8 */
}
