/* SPDX-License-Identifier: BSD-3-Clause */
/* Local delivery and the pipeline entry points other files call. */
#ifndef NFV_LOCAL_H
#define NFV_LOCAL_H

#include <stdint.h>

struct nfv_worker;
struct rte_mbuf;

/* After LOCAL_IN: answer echo, hand ND to the control side, punt the rest. */
void nfv_local_deliver(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);

/* pipeline.c */
void nfv_pipeline_forward(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
void nfv_pipeline_local_out(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
void nfv_pipeline_route_output(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
void nfv_pipeline_to_control(struct nfv_worker *w, struct rte_mbuf *m, uint8_t why);
void nfv_pipeline_icmp_error(struct nfv_worker *w, struct rte_mbuf *m,
			     uint8_t type, uint8_t code, uint32_t info);
void nfv_pipeline_tx(struct nfv_worker *w, uint16_t port, struct rte_mbuf *m);
void nfv_pipeline_punt(struct nfv_worker *w, uint16_t port, struct rte_mbuf *m);
/* The IPsec module's too_big callback (arg: the struct nfv_dp). */
void nfv_pipeline_too_big(void *arg, unsigned int worker, struct rte_mbuf *m, uint32_t mtu);

#endif
