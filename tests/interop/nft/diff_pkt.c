/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets for the differential test: addresses, ports, flags, TTLs and
 * lengths drawn from small pools that the corpus rulesets talk about, so
 * that most rules both match and miss.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <rte_ip.h>

#include "diff_pkt.h"

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

#define PICK(s, arr) (arr[next(s) % (sizeof(arr) / sizeof(arr[0]))])

static const char *const src4[] = { "10.1.2.3", "10.1.200.9", "10.2.0.1", "10.3.2.1",
	"10.3.2.7", "10.4.0.1", "10.5.5.5", "10.6.0.9", "10.0.2.7", "10.9.9.9" };
static const char *const dst4[] = { "10.2.0.1", "10.2.0.2", "10.2.3.5", "10.2.3.200",
	"10.4.0.1", "10.4.9.9", "10.0.3.7", "10.1.0.1", "10.200.0.1",
	"255.255.255.255", "224.0.0.251" };
static const char *const src6[] = { "2001:db8:1::5", "2001:db8:1:ff::1", "2001:db8:2::1",
	"2001:db8:3::7" };
static const char *const dst6[] = { "2001:db8:2::9", "2001:db8:2:1::9", "2001:db8:9::1",
	"ff02::fb" };
static const uint16_t ports[] = { 22, 53, 54, 80, 443, 1000, 1500, 2500, 5353, 8080,
	8001, 99, 445, 20, 7 };
static const uint8_t tcpflags[] = { 0x02, 0x12, 0x10, 0x11, 0x01, 0x04, 0x14, 0x18 };
static const uint8_t icmp4[][2] = { { 8, 0 }, { 0, 0 }, { 3, 3 }, { 3, 1 }, { 13, 0 },
	{ 11, 0 } };
static const uint8_t icmp6[][2] = { { 128, 0 }, { 129, 0 }, { 135, 0 }, { 1, 4 } };
static const uint8_t ttls[] = { 1, 5, 64, 201, 255 };

void diff_pkt_gen(struct diff_pkt *d, uint32_t seed, uint32_t id)
{
	uint32_t s = seed * 2654435761u + 1, r;

	memset(d, 0, sizeof(*d));
	next(&s);
	d->id = id;
	d->family = next(&s) % 10 < 7 ? AF_INET : AF_INET6;
	r = next(&s) % 20;
	d->proto = r < 9 ? IPPROTO_TCP : r < 16 ? IPPROTO_UDP :
		   d->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	if (d->family == AF_INET) {
		snprintf(d->src, sizeof(d->src), "%s", PICK(&s, src4));
		snprintf(d->dst, sizeof(d->dst), "%s", PICK(&s, dst4));
		if (next(&s) % 4 == 0)	/* anywhere in 10.1-6.0-3.x */
			snprintf(d->src, sizeof(d->src), "10.%u.%u.%u", 1 + next(&s) % 6,
				 next(&s) % 4, next(&s) % 256);
	} else {
		snprintf(d->src, sizeof(d->src), "%s", PICK(&s, src6));
		snprintf(d->dst, sizeof(d->dst), "%s", PICK(&s, dst6));
	}
	if (d->proto == IPPROTO_TCP || d->proto == IPPROTO_UDP) {
		d->sport = next(&s) % 3 ? PICK(&s, ports) : next(&s) % 65536;
		d->dport = next(&s) % 4 ? PICK(&s, ports) : next(&s) % 1100;
		d->flags = PICK(&s, tcpflags);
	} else if (d->proto == IPPROTO_ICMP) {
		r = next(&s) % 6;
		d->sport = icmp4[r][0];
		d->dport = icmp4[r][1];
	} else {
		r = next(&s) % 4;
		d->sport = icmp6[r][0];
		d->dport = icmp6[r][1];
	}
	d->ttl = PICK(&s, ttls);
	d->dscp = next(&s) % 5 == 0 ? 46 : 0;
	d->payload = next(&s) % 350;
}

void diff_pkt_frame(struct diff_pkt *d, const uint8_t *src_mac, const uint8_t *dst_mac)
{
	uint8_t *f = d->frame, *l3 = f + 14, *l4;
	uint16_t hl = d->family == AF_INET ? 20 : 40, l4len;
	uint8_t a[16];

	memset(f, 0, sizeof(d->frame));
	memcpy(f, dst_mac, 6);
	if (!strcmp(d->dst, "255.255.255.255"))
		memset(f, 0xff, 6);
	else if (!strcmp(d->dst, "224.0.0.251"))
		memcpy(f, "\x01\x00\x5e\x00\x00\xfb", 6);
	else if (!strcmp(d->dst, "ff02::fb"))
		memcpy(f, "\x33\x33\x00\x00\x00\xfb", 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = d->family == AF_INET ? 0x08 : 0x86;
	f[13] = d->family == AF_INET ? 0x00 : 0xdd;
	l4 = l3 + hl;
	if (d->proto == IPPROTO_TCP) {
		l4[0] = d->sport >> 8, l4[1] = d->sport;
		l4[2] = d->dport >> 8, l4[3] = d->dport;
		l4[7] = 1;
		l4[12] = 5 << 4;
		l4[13] = d->flags;
		l4[14] = 0xff, l4[15] = 0xff;
		l4len = 20;
	} else if (d->proto == IPPROTO_UDP) {
		l4[0] = d->sport >> 8, l4[1] = d->sport;
		l4[2] = d->dport >> 8, l4[3] = d->dport;
		l4[4] = (8 + d->payload) >> 8, l4[5] = 8 + d->payload;
		l4len = 8;
	} else {
		l4[0] = d->sport;
		l4[1] = d->dport;
		l4len = 8;
	}
	l4len += d->payload;
	if (d->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

		ip->version_ihl = 0x45;
		ip->type_of_service = d->dscp << 2;
		ip->total_length = htons(hl + l4len);
		ip->packet_id = htons(d->id);
		ip->time_to_live = d->ttl;
		ip->next_proto_id = d->proto;
		inet_pton(AF_INET, d->src, &ip->src_addr);
		inet_pton(AF_INET, d->dst, &ip->dst_addr);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		l3[0] = 0x60 | (d->dscp >> 2);
		l3[1] = (d->dscp << 6) | ((d->id >> 16) & 0xf);
		l3[2] = d->id >> 8;
		l3[3] = d->id;
		l3[4] = l4len >> 8;
		l3[5] = l4len;
		l3[6] = d->proto;
		l3[7] = d->ttl;
		inet_pton(AF_INET6, d->src, a);
		memcpy(l3 + 8, a, 16);
		inet_pton(AF_INET6, d->dst, a);
		memcpy(l3 + 24, a, 16);
	}
	d->flen = 14 + hl + l4len;
}

void diff_pkt_describe(const struct diff_pkt *d, char *buf, unsigned int len)
{
	snprintf(buf, len, "%s proto %u %s:%u > %s:%u flags %#x ttl %u dscp %u len %u",
		 d->family == AF_INET ? "ip" : "ip6", d->proto, d->src, d->sport, d->dst,
		 d->dport, d->flags, d->ttl, d->dscp,
		 d->flen - 14);
}
