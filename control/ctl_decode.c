/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decodes what queue listen prints about a packet, in tcpdump's words.
 * The bytes come from the dataplane, possibly cut at copy_range: every
 * read is checked against cap.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl_decode.h"

struct out {
	char *buf;
	size_t size, len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *icmp_name(unsigned int ip, uint8_t type)
{
	if (ip == 4) {
		switch (type) {
		case 0: return "echo reply";
		case 3: return "unreachable";
		case 8: return "echo request";
		case 11: return "time exceeded";
		}
		return NULL;
	}
	switch (type) {
	case 1: return "unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	}
	return NULL;
}

/* The L4 part of the line; l4 holds n bytes of plen (the IP payload). */
static void decode_l4(struct ctl_decoded *d, struct out *o, const uint8_t *l4,
		      uint32_t n, uint32_t plen)
{
	static const char tcp_flags[] = "FSRP.UEW";
	const char *name;
	unsigned int i;

	switch (d->proto) {
	case IPPROTO_TCP:
		if (n < 20)
			break;
		d->sport = be16(l4);
		d->dport = be16(l4 + 2);
		put(o, ".%d > %s.%d: tcp [", d->sport, d->dst, d->dport);
		/* tcpdump's order: FIN SYN RST PSH, '.' for ACK, URG ECE CWR. */
		for (i = 0; i < 8; i++) {
			static const uint8_t bit[] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80 };

			if (l4[13] & bit[i])
				put(o, "%c", tcp_flags[i]);
		}
		put(o, "] seq %u", be32(l4 + 4));
		if (l4[13] & 0x10)
			put(o, " ack %u", be32(l4 + 8));
		put(o, " win %u len %u", be16(l4 + 14),
		    plen > (uint32_t)(l4[12] >> 4) * 4 ? plen - (uint32_t)(l4[12] >> 4) * 4 : 0);
		return;
	case IPPROTO_UDP:
		if (n < 8)
			break;
		d->sport = be16(l4);
		d->dport = be16(l4 + 2);
		put(o, ".%d > %s.%d: udp len %u", d->sport, d->dst, d->dport,
		    be16(l4 + 4) >= 8 ? be16(l4 + 4) - 8u : 0);
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (n < 4)
			break;
		name = icmp_name(d->ip, l4[0]);
		put(o, " > %s: %s ", d->dst, d->proto == IPPROTO_ICMP ? "icmp" : "icmpv6");
		if (name != NULL)
			put(o, "%s", name);
		else
			put(o, "type %u", l4[0]);
		if (l4[1] != 0 || name == NULL)
			put(o, " code %u", l4[1]);
		if (n >= 8 && name != NULL && strncmp(name, "echo", 4) == 0)
			put(o, " id %u seq %u", be16(l4 + 4), be16(l4 + 6));
		return;
	case IPPROTO_ESP:
		if (n < 8)
			break;
		put(o, " > %s: esp spi 0x%08x seq %u", d->dst, be32(l4), be32(l4 + 4));
		return;
	default:
		put(o, " > %s: proto %d len %u", d->dst, d->proto, plen);
		return;
	}
	put(o, " > %s: %s [truncated]", d->dst,
	    d->proto == IPPROTO_TCP ? "tcp" : d->proto == IPPROTO_UDP ? "udp" :
	    d->proto == IPPROTO_ESP ? "esp" : d->proto == IPPROTO_ICMP ? "icmp" : "icmpv6");
}

static void decode_ipv4(const uint8_t *p, uint32_t cap, struct ctl_decoded *d,
			struct out *o)
{
	uint32_t ihl = (uint32_t)(p[0] & 0x0f) * 4, tot = be16(p + 2);
	uint16_t frag = be16(p + 6);

	inet_ntop(AF_INET, p + 12, d->src, sizeof(d->src));
	inet_ntop(AF_INET, p + 16, d->dst, sizeof(d->dst));
	d->proto = p[9];
	put(o, "IP %s", d->src);
	if (ihl < 20 || tot < ihl) {
		put(o, " > %s: bad header length", d->dst);
		return;
	}
	/* Only the first fragment holds the L4 header. */
	if (frag & 0x1fff) {
		put(o, " > %s: proto %d fragment offset %u", d->dst, d->proto,
		    (frag & 0x1fffu) * 8);
		return;
	}
	if (cap > tot)
		cap = tot;
	decode_l4(d, o, p + ihl, cap > ihl ? cap - ihl : 0, tot - ihl);
}

static bool ipv6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60;
}

static void decode_ipv6(const uint8_t *p, uint32_t cap, struct ctl_decoded *d,
			struct out *o)
{
	uint32_t off = 40, plen = be16(p + 4), hlen;
	uint8_t nh = p[6];
	unsigned int i;

	inet_ntop(AF_INET6, p + 8, d->src, sizeof(d->src));
	inet_ntop(AF_INET6, p + 24, d->dst, sizeof(d->dst));
	put(o, "IP6 %s", d->src);
	if (cap > 40 + plen)
		cap = 40 + plen;
	/* Skip extension headers to the upper layer, as far as we have them. */
	for (i = 0; i < 8 && ipv6_ext(nh); i++) {
		if (cap < off + 8) {
			d->proto = nh;
			put(o, " > %s: ext header %u [truncated]", d->dst, nh);
			return;
		}
		if (nh == 44 && (be16(p + off + 2) & 0xfff8)) {
			d->proto = p[off];
			put(o, " > %s: proto %d fragment offset %u", d->dst, d->proto,
			    be16(p + off + 2) & 0xfff8u);
			return;
		}
		hlen = nh == 44 ? 8 : nh == 51 ? (p[off + 1] + 2u) * 4 : (p[off + 1] + 1u) * 8;
		nh = p[off];
		off += hlen;
	}
	d->proto = nh;
	if (off > 40 + plen) {
		put(o, " > %s: bad extension header length", d->dst);
		return;
	}
	decode_l4(d, o, p + off, cap > off ? cap - off : 0, 40 + plen - off);
}

void ctl_decode(const uint8_t *p, uint32_t cap, struct ctl_decoded *d)
{
	struct out o = { .buf = d->line, .size = sizeof(d->line) };

	memset(d, 0, sizeof(*d));
	d->proto = d->sport = d->dport = -1;
	if (cap < 1) {
		put(&o, "empty");
		return;
	}
	d->ip = p[0] >> 4;
	if (d->ip == 4 && cap >= 20) {
		decode_ipv4(p, cap, d, &o);
	} else if (d->ip == 6 && cap >= 40) {
		decode_ipv6(p, cap, d, &o);
	} else if (d->ip == 4 || d->ip == 6) {
		put(&o, "IP%s [truncated]", d->ip == 6 ? "6" : "");
		d->ip = 0;
	} else {
		put(&o, "not IP (version %u)", d->ip);
		d->ip = 0;
	}
}
