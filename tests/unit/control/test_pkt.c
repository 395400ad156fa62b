/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <string.h>

#include "test_pkt.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

size_t pkt_ipv4(uint8_t *b, const char *src, const char *dst, uint8_t proto,
		const uint8_t *l4, size_t l4_len, uint16_t len)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, len);
	b[8] = 64;
	b[9] = proto;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	memcpy(b + 20, l4, l4_len);
	return 20 + l4_len;
}

size_t pkt_ipv6(uint8_t *b, const char *src, const char *dst, uint8_t nh,
		const uint8_t *l4, size_t l4_len, uint16_t len)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	put16(b + 4, (uint16_t)(len - 40));
	b[6] = nh;
	b[7] = 64;
	inet_pton(AF_INET6, src, b + 8);
	inet_pton(AF_INET6, dst, b + 24);
	memcpy(b + 40, l4, l4_len);
	return 40 + l4_len;
}

void pkt_tcp(uint8_t *l4, uint16_t sport, uint16_t dport, uint32_t seq,
	     uint32_t ack, uint8_t flags, uint16_t win)
{
	memset(l4, 0, 20);
	put16(l4, sport);
	put16(l4 + 2, dport);
	put32(l4 + 4, seq);
	put32(l4 + 8, ack);
	l4[12] = 5 << 4;
	l4[13] = flags;
	put16(l4 + 14, win);
}

void pkt_udp(uint8_t *l4, uint16_t sport, uint16_t dport, uint16_t len)
{
	memset(l4, 0, 8);
	put16(l4, sport);
	put16(l4 + 2, dport);
	put16(l4 + 4, len);
}

void pkt_icmp(uint8_t *l4, uint8_t type, uint8_t code, uint16_t id, uint16_t seq)
{
	memset(l4, 0, 8);
	l4[0] = type;
	l4[1] = code;
	put16(l4 + 4, id);
	put16(l4 + 6, seq);
}
