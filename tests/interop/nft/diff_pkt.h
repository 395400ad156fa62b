/* SPDX-License-Identifier: BSD-3-Clause */
/* Deterministic packets for the differential test. */
#ifndef DIFF_PKT_H
#define DIFF_PKT_H

#include <stdint.h>

struct diff_pkt {
	int family;
	uint8_t proto;
	char src[48], dst[48];
	uint16_t sport, dport;	/* ICMP: type, code */
	uint8_t flags;
	uint8_t ttl;
	uint8_t dscp;
	uint16_t payload;
	uint32_t id;		/* ip id / flow label */
	uint8_t frame[1600];
	uint16_t flen;
};

/* Fills d from a seed; id is carried in ip id / flow label. */
void diff_pkt_gen(struct diff_pkt *d, uint32_t seed, uint32_t id);
/* Ethernet frame from a to b (broadcast/multicast MACs for such dst). */
void diff_pkt_frame(struct diff_pkt *d, const uint8_t *src_mac, const uint8_t *dst_mac);
void diff_pkt_describe(const struct diff_pkt *d, char *buf, unsigned int len);

#endif
