/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the dataplane/datapath/proto suites. */
#ifndef PROTO_TEST_H
#define PROTO_TEST_H

#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>

#include "nfv_test.h"
#include "proto_vectors.h"

/* Compares the whole packet in m with exp; prints the first difference. */
static inline int proto_pkt_equal(const struct rte_mbuf *m, const uint8_t *exp, size_t len)
{
	static uint8_t buf[16384];
	const uint8_t *p;
	size_t i;

	if (rte_pktmbuf_pkt_len(m) != len) {
		fprintf(stderr, "\n  length %u, expected %zu\n", rte_pktmbuf_pkt_len(m), len);
		return 0;
	}
	p = rte_pktmbuf_read(m, 0, len, buf);
	if (p == NULL)
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] != exp[i]) {
			fprintf(stderr, "\n  byte %zu: 0x%02x, expected 0x%02x\n", i, p[i], exp[i]);
			return 0;
		}
	}
	return 1;
}

/* RTE_IPV4() shifts an int into the sign bit, which UBSan reports. */
#define PROTO_IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#define PROTO_ASSERT_PKT(m, vec) CU_ASSERT(proto_pkt_equal((m), (vec), sizeof(vec)))

/* A packet from a vector, or the suite fails right there. */
#define PROTO_MBUF(mp, vec) proto_mbuf((mp), (vec), sizeof(vec))

static inline struct rte_mbuf *proto_mbuf(struct rte_mempool *mp, const void *data, size_t len)
{
	struct rte_mbuf *m = nfv_test_mbuf(mp, data, (uint16_t)len);

	CU_ASSERT_FATAL(m != NULL);
	return m;
}

#endif
