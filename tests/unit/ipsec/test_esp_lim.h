/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by test_esp_limits.c, test_esp_noreplay.c and test_esp_bug.c. */
#ifndef TEST_ESP_LIM_H
#define TEST_ESP_LIM_H

#include <stdbool.h>
#include <stdint.h>

#include "test_esp.h"

#define LIM_N 8

/* test_esp_setup, then outbound SA 1 and inbound SA 2 (same keys). */
void lim_pair(struct test_esp *t, enum nfv_ipsec_mode mode,
	      const struct nfv_ipsec_lifetime *hard_out,
	      const struct nfv_ipsec_lifetime *hard_in, bool no_replay);
struct rte_mbuf *lim_pkt(enum nfv_ipsec_mode mode, uint16_t len);
uint16_t lim_esp(struct test_esp *t, uint64_t seq, uint8_t *out);
uint32_t lim_in(struct test_esp *t, const uint8_t *p, uint16_t n);
unsigned int lim_out_burst(struct test_esp *t, enum nfv_ipsec_mode mode,
			   unsigned int n, uint16_t len, struct rte_mbuf **esp);
int lim_out_one(struct test_esp *t, enum nfv_ipsec_mode mode, uint16_t len);

#endif
