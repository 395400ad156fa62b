/* SPDX-License-Identifier: BSD-3-Clause */
/* Ethernet: multicast address mapping; pop/push are inline in nfv_eth.h. */
#include <string.h>

#include "nfv_eth.h"

void nfv_eth_ip6_mcast(const uint8_t ip6[16], struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], &ip6[12], 4);
}

void nfv_eth_ip4_mcast(rte_be32_t ip4, struct rte_ether_addr *mac)
{
	const uint8_t *b = (const uint8_t *)&ip4;

	mac->addr_bytes[0] = 0x01;
	mac->addr_bytes[1] = 0x00;
	mac->addr_bytes[2] = 0x5e;
	mac->addr_bytes[3] = b[1] & 0x7f;
	mac->addr_bytes[4] = b[2];
	mac->addr_bytes[5] = b[3];
}
