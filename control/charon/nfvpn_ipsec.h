/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * charon's kernel_ipsec_t on nfvpn-dataplane: the SAs and policies that
 * charon negotiates go to the dataplane's SAD and SPD over its management
 * socket instead of the kernel's XFRM (docs/ike.md).
 */
#ifndef NFVPN_IPSEC_H_
#define NFVPN_IPSEC_H_

#include <kernel/kernel_ipsec.h>

typedef struct nfvpn_ipsec_t nfvpn_ipsec_t;

struct nfvpn_ipsec_t {
	kernel_ipsec_t interface;
};

/* The constructor that kernel_ipsec_register() calls; NULL on failure. */
nfvpn_ipsec_t *nfvpn_ipsec_create(void);

#endif
