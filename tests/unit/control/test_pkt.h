/* SPDX-License-Identifier: BSD-3-Clause */
/* Packets for the queue tests, built byte by byte in network order. */
#ifndef TEST_PKT_H
#define TEST_PKT_H

#include <stddef.h>
#include <stdint.h>

/* IPv4 header (20 bytes) + l4 of l4_len bytes; total length len. */
size_t pkt_ipv4(uint8_t *b, const char *src, const char *dst, uint8_t proto,
		const uint8_t *l4, size_t l4_len, uint16_t len);
/* IPv6 header (40 bytes) + l4; payload length len - 40. */
size_t pkt_ipv6(uint8_t *b, const char *src, const char *dst, uint8_t nh,
		const uint8_t *l4, size_t l4_len, uint16_t len);
void pkt_tcp(uint8_t *l4, uint16_t sport, uint16_t dport, uint32_t seq,
	     uint32_t ack, uint8_t flags, uint16_t win);
void pkt_udp(uint8_t *l4, uint16_t sport, uint16_t dport, uint16_t len);
void pkt_icmp(uint8_t *l4, uint8_t type, uint8_t code, uint16_t id, uint16_t seq);

#endif
