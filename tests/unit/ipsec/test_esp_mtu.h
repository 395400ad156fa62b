/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the path MTU suites (test_esp_mtu.c, test_esp_frag.c). */
#ifndef TEST_ESP_MTU_H
#define TEST_ESP_MTU_H

#include <stdbool.h>
#include <stdint.h>

#include "test_esp.h"

/* What the too_big callback saw, and the pool use before the test. */
struct mtu_rec {
	unsigned int calls;
	unsigned int worker;
	uint32_t mtu;
	uint32_t len;
	unsigned int in_use;
};

void mtu_setup(struct test_esp *t, struct mtu_rec *rec);
void mtu_teardown(struct test_esp *t, const struct mtu_rec *rec);
const char *mtu_addr(uint8_t family, int which);
void mtu_pair(struct test_esp *t, enum nfv_ipsec_mode mode, enum nfv_ipsec_cipher c,
	      enum nfv_ipsec_auth a, uint8_t outer, uint8_t inner, bool natt,
	      uint16_t mtu);
struct rte_mbuf *mtu_pkt(uint8_t *buf, enum nfv_ipsec_mode mode, uint8_t outer,
			 uint8_t inner, uint16_t len, bool df);

#endif
