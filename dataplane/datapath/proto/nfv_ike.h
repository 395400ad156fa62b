/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rate limit of IKE on its way to the kernel (charon's sockets behind
 * the exception TUN). A flood of IKE_SA_INITs from spoofed sources must
 * cost the fast path a few cycles a packet and the TUN and charon no more
 * than the configured rate, and must not starve the peers that already
 * have an IKE SA: their rekeys, DPD and deletes. So two token buckets per
 * worker, told apart by the IKE header's responder SPI (RFC 7296 3.1):
 * zero in a message that opens an IKE SA (IKE_SA_INIT, IKEv1's first
 * message), set in every message of an existing one. A flood of forged
 * SPIs fills the second bucket only: new IKE SAs still come up.
 */
#ifndef NFV_IKE_H
#define NFV_IKE_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_ratelimit.h"

#define NFV_IKE_PORT		500
#define NFV_IKE_NATT_PORT	4500	/* RFC 3948: IKE after a zero non-ESP marker */

enum nfv_ike_kind {
	NFV_IKE_NONE,	/* not UDP to 500 or 4500 */
	NFV_IKE_INIT,	/* responder SPI zero, or no IKE header to read */
	NFV_IKE_SA,	/* responder SPI set: a message of an IKE SA */
};

/*
 * The kind of a UDP datagram for us: udp points at its UDP header, len
 * bytes of which (header included) are readable. UDP to 4500 that is no
 * IKE (ESP in UDP of an unknown SA, a keepalive) counts as INIT: it goes
 * to the same kernel socket.
 */
enum nfv_ike_kind nfv_ike_kind(const uint8_t *udp, uint32_t len);

struct nfv_ike_limit {
	bool on;			/* false: ike_rate 0, unlimited */
	struct nfv_ratelimit init;	/* NFV_IKE_INIT */
	struct nfv_ratelimit sa;	/* NFV_IKE_SA */
};

/*
 * rate packets per second for each kind (0: unlimited), bursts of a
 * tenth of it; hz and now as for nfv_ratelimit_init().
 */
void nfv_ike_limit_init(struct nfv_ike_limit *l, uint32_t rate, uint64_t hz, uint64_t now);

/*
 * 0 when the datagram (as for nfv_ike_kind) may go to the kernel, or the
 * drop reason of an IKE packet over its kind's rate.
 */
int nfv_ike_limit_check(struct nfv_ike_limit *l, const uint8_t *udp, uint32_t len,
			uint64_t now);

#endif
