/* SPDX-License-Identifier: BSD-3-Clause */
/* IP reassembly of datagrams for our own addresses (reass.c). */
#ifndef NFV_REASS_H
#define NFV_REASS_H

#include <stdint.h>

#include <rte_mbuf.h>

struct nfv_worker;

/* Linux's ipfrag_time: how long an incomplete datagram is held */
#define NFV_REASS_TIMEOUT_S	30
/*
 * Datagrams in reassembly per worker (Linux's ipfrag_high_thresh): a new
 * one beyond it first evicts the oldest down to NFV_REASS_LOW (its
 * ipfrag_low_thresh), counted as ip-reass-evicted.
 */
#define NFV_REASS_ENTRIES	256
#define NFV_REASS_LOW		192
/* datagrams in reassembly per source address; more: ip-reass-source-limit */
#define NFV_REASS_PER_SRC	32

int nfv_reass_init(struct nfv_worker *w);
/* Drops (counted as shutdown) what is held and frees the table. */
void nfv_reass_fini(struct nfv_worker *w);
/*
 * Worker side, before LOCAL_IN: fragments are taken into the table; a
 * datagram made whole takes the place of its last fragment. Returns the
 * packets left in pkts, in order.
 */
uint16_t nfv_reass_local(struct nfv_worker *w, struct rte_mbuf **pkts, uint16_t n);
/* Worker side, now and then: drops datagrams older than the timeout. */
void nfv_reass_expire(struct nfv_worker *w, uint64_t now);

#endif
