/* SPDX-License-Identifier: BSD-3-Clause */
/* The IKE classifier and its two rate limits (nfv_ike.h). */
#include <stdint.h>
#include <string.h>

#include "nfv_drop.h"
#include "nfv_ike.h"
#include "nfv_test.h"

#define HZ 1000000ull	/* a fake 1 MHz TSC */

/* a UDP datagram to dport: 8 bytes of header, then payload */
struct dgram {
	uint8_t b[64];
	uint32_t len;
};

static void dgram(struct dgram *d, uint16_t dport, const uint8_t *payload, uint32_t plen)
{
	memset(d, 0, sizeof(*d));
	d->b[0] = 0x01;		/* sport 500 */
	d->b[1] = 0xf4;
	d->b[2] = dport >> 8;
	d->b[3] = dport & 0xff;
	memcpy(d->b + 8, payload, plen);
	d->len = 8 + plen;
}

/* an IKE header's first 28 bytes: SPIi, SPIr, next payload, version, type */
static void ike_hdr(uint8_t *h, uint64_t spir)
{
	memset(h, 0, 28);
	memset(h, 0xa5, 8);
	for (int i = 0; i < 8; i++)
		h[8 + i] = spir >> (56 - 8 * i);
	h[16] = 33;	/* SA */
	h[17] = 0x20;	/* IKEv2 */
	h[18] = 34;	/* IKE_SA_INIT */
}

static void test_kind(void)
{
	uint8_t p[40] = { 0 };
	struct dgram d;

	/* port 500: the responder SPI tells */
	ike_hdr(p, 0);
	dgram(&d, 500, p, 28);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_INIT);
	ike_hdr(p, 0x0102030405060708ull);
	dgram(&d, 500, p, 28);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_SA);
	ike_hdr(p, 1);
	dgram(&d, 500, p, 28);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_SA);
	/* too short for a responder SPI: as a new one */
	dgram(&d, 500, p, 15);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_INIT);
	dgram(&d, 500, p, 16);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_SA);
	dgram(&d, 500, p, 0);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_INIT);

	/* port 4500: after the zero non-ESP marker */
	memset(p, 0, 4);
	ike_hdr(p + 4, 0);
	dgram(&d, 4500, p, 32);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_INIT);
	ike_hdr(p + 4, 0x42);
	dgram(&d, 4500, p, 32);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_SA);
	/* the responder SPI 4 bytes further than on 500 */
	dgram(&d, 4500, p, 19);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_INIT);
	/* ESP in UDP (a non-zero SPI where the marker is), a keepalive:
	 * not IKE, but for the same kernel socket */
	p[0] = 0xc0;
	dgram(&d, 4500, p, 32);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_INIT);
	p[0] = 0xff;
	dgram(&d, 4500, p, 1);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_INIT);

	/* other ports, a source port of 500, a truncated header */
	dgram(&d, 53, p, 28);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_NONE);
	dgram(&d, 501, p, 28);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, d.len), NFV_IKE_NONE);
	dgram(&d, 500, p, 28);
	CU_ASSERT_EQUAL(nfv_ike_kind(d.b, 7), NFV_IKE_NONE);
}

static unsigned int pass(struct nfv_ike_limit *l, const struct dgram *d, uint64_t now,
			 unsigned int tries, int *reason)
{
	unsigned int n = 0;
	int r;

	*reason = 0;
	while (tries-- > 0) {
		r = nfv_ike_limit_check(l, d->b, d->len, now);
		if (r == 0)
			n++;
		else
			*reason = r;
	}
	return n;
}

static void test_limit(void)
{
	struct nfv_ike_limit l;
	struct dgram init, sa, other;
	uint8_t p[28];
	int reason;

	ike_hdr(p, 0);
	dgram(&init, 500, p, 28);
	ike_hdr(p, 7);
	dgram(&sa, 500, p, 28);
	dgram(&other, 22, p, 28);

	/* 100/s, bursts of 10, per kind */
	nfv_ike_limit_init(&l, 100, HZ, 0);
	CU_ASSERT_TRUE(l.on);
	CU_ASSERT_EQUAL(pass(&l, &init, 0, 1000, &reason), 10);
	CU_ASSERT_EQUAL(reason, NFV_DR_IKE_RATE_INIT);
	/* a flood of new IKE SAs leaves the existing ones their own rate */
	CU_ASSERT_EQUAL(pass(&l, &sa, 0, 1000, &reason), 10);
	CU_ASSERT_EQUAL(reason, NFV_DR_IKE_RATE);
	/* what is no IKE is never limited */
	CU_ASSERT_EQUAL(pass(&l, &other, 0, 1000, &reason), 1000);
	CU_ASSERT_EQUAL(reason, 0);
	/* 50 ms: 5 more of each */
	CU_ASSERT_EQUAL(pass(&l, &init, HZ / 20, 1000, &reason), 5);
	CU_ASSERT_EQUAL(pass(&l, &sa, HZ / 20, 1000, &reason), 5);
	/* a flood for 10 s, 100 tries a ms: the burst plus 100/s */
	unsigned int n = 0;
	for (uint64_t t = HZ; t <= 11 * HZ; t += HZ / 1000)
		n += pass(&l, &init, t, 100, &reason);
	CU_ASSERT_EQUAL(n, 10 + 100 * 10);

	/* 0: unlimited */
	nfv_ike_limit_init(&l, 0, HZ, 0);
	CU_ASSERT_FALSE(l.on);
	CU_ASSERT_EQUAL(pass(&l, &init, 0, 100000, &reason), 100000);
	CU_ASSERT_EQUAL(pass(&l, &sa, 0, 100000, &reason), 100000);

	/* a rate under 10: bursts of 1 */
	nfv_ike_limit_init(&l, 5, HZ, 0);
	CU_ASSERT_EQUAL(pass(&l, &init, 0, 100, &reason), 1);
	CU_ASSERT_EQUAL(pass(&l, &init, HZ / 5, 100, &reason), 1);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("proto_ike", NULL, NULL,
		{ "IKE kinds by port, marker and responder SPI", test_kind },
		{ "two rate limits, 0 unlimited", test_limit });
	return nfv_test_run();
}
