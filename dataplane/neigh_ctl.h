/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP and IPv6 ND on the control side: answer, learn, resolve, age. */
#ifndef NFV_NEIGH_CTL_H
#define NFV_NEIGH_CTL_H

#include <stdint.h>

struct nfv_dp;
struct rte_mbuf;

/* A packet a worker handed over (meta->ctl says why); always consumed. */
void nfv_neigh_ctl_input(struct nfv_dp *dp, struct rte_mbuf *m);
/* Probes, gives up, ages; call a few times a second. */
void nfv_neigh_ctl_timer(struct nfv_dp *dp, uint64_t now);
/* Static entries of the policy. */
int nfv_neigh_ctl_add_static(struct nfv_dp *dp, uint16_t port, const struct nfv_addr *a,
			     const uint8_t mac[6]);
int nfv_neigh_ctl_del(struct nfv_dp *dp, uint16_t port, const struct nfv_addr *a);
/* Sends a frame with its Ethernet header out of port through worker 0. */
void nfv_ctl_send(struct nfv_dp *dp, uint16_t port, struct rte_mbuf *m);
/* Frees held packets of every entry (shutdown). */
void nfv_neigh_ctl_flush(struct nfv_dp *dp);

#endif
