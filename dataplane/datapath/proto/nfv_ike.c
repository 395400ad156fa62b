/* SPDX-License-Identifier: BSD-3-Clause */
/* The rate limit of IKE to the exception path (see nfv_ike.h). */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_udp.h>

#include "nfv_drop.h"
#include "nfv_ike.h"

#define UDP_HDR_LEN		8
#define NON_ESP_MARKER_LEN	4
#define IKE_SPIR_OFF		8	/* initiator SPI, then responder SPI */
#define IKE_SPI_LEN		8

static enum nfv_ike_kind ike_header_kind(const uint8_t *ike, uint32_t len)
{
	static const uint8_t zero[IKE_SPI_LEN];

	if (len < IKE_SPIR_OFF + IKE_SPI_LEN)
		return NFV_IKE_INIT;
	return memcmp(ike + IKE_SPIR_OFF, zero, IKE_SPI_LEN) == 0 ? NFV_IKE_INIT : NFV_IKE_SA;
}

enum nfv_ike_kind nfv_ike_kind(const uint8_t *udp, uint32_t len)
{
	static const uint8_t marker[NON_ESP_MARKER_LEN];
	uint16_t dport;

	if (len < UDP_HDR_LEN)
		return NFV_IKE_NONE;
	dport = rte_be_to_cpu_16(((const struct rte_udp_hdr *)udp)->dst_port);
	if (dport == NFV_IKE_PORT)
		return ike_header_kind(udp + UDP_HDR_LEN, len - UDP_HDR_LEN);
	if (dport != NFV_IKE_NATT_PORT)
		return NFV_IKE_NONE;
	if (len < UDP_HDR_LEN + NON_ESP_MARKER_LEN ||
	    memcmp(udp + UDP_HDR_LEN, marker, NON_ESP_MARKER_LEN) != 0)
		return NFV_IKE_INIT;
	return ike_header_kind(udp + UDP_HDR_LEN + NON_ESP_MARKER_LEN,
			       len - UDP_HDR_LEN - NON_ESP_MARKER_LEN);
}

void nfv_ike_limit_init(struct nfv_ike_limit *l, uint32_t rate, uint64_t hz, uint64_t now)
{
	uint32_t burst = RTE_MAX(rate / 10, 1u);

	l->on = rate != 0;
	nfv_ratelimit_init(&l->init, rate, burst, hz, now);
	nfv_ratelimit_init(&l->sa, rate, burst, hz, now);
}

int nfv_ike_limit_check(struct nfv_ike_limit *l, const uint8_t *udp, uint32_t len,
			uint64_t now)
{
	if (!l->on)
		return 0;
	switch (nfv_ike_kind(udp, len)) {
	case NFV_IKE_INIT:
		return nfv_ratelimit_allow(&l->init, now) ? 0 : NFV_DR_IKE_RATE_INIT;
	case NFV_IKE_SA:
		return nfv_ratelimit_allow(&l->sa, now) ? 0 : NFV_DR_IKE_RATE;
	default:
		return 0;
	}
}
