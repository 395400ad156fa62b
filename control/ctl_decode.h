/* SPDX-License-Identifier: BSD-3-Clause */
/* A one-line decode of a queued packet's IPv4/IPv6 and L4 headers. */
#ifndef NFV_CTL_DECODE_H
#define NFV_CTL_DECODE_H

#include <arpa/inet.h>
#include <stdint.h>

struct ctl_decoded {
	unsigned int ip;	/* 4, 6, or 0 when not IP or cut short */
	char src[INET6_ADDRSTRLEN];
	char dst[INET6_ADDRSTRLEN];
	int proto;		/* -1 when unknown */
	int sport, dport;	/* -1 when none */
	char line[192];		/* tcpdump-like */
};

/* p holds cap bytes of the packet from its L3 header. */
void ctl_decode(const uint8_t *p, uint32_t cap, struct ctl_decoded *d);

#endif
