/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Events for nfvpnd: SA expiry, queue overflows, neighbour resolution
 * failures. Workers and the control side push small records to an MP/SC
 * ring (no allocation, no syscall); the control side drains it a few times
 * a second and streams NFV_MSG_EVENT to the connections that sent
 * NFV_MSG_EVENTS.
 */
#ifndef NFV_EVENTS_H
#define NFV_EVENTS_H

#include <stdint.h>

#include "nfv_msg.h"

struct nfv_dp;
struct nfv_mgmt_conn;

#define NFV_EVENTS_RING 1024
#define NFV_EVENTS_SUBS 8

/*
 * Any lcore: records an event; object is copied (47 characters at most).
 * Returns -ENOBUFS (and counts it) when the ring is full.
 */
int nfv_event_push(struct nfv_dp *dp, uint16_t type, uint16_t worker,
		   uint64_t value, const char *object);
/* Control side: a neighbour given up after its probes. */
void nfv_event_neigh_failed(struct nfv_dp *dp, uint16_t port, uint8_t family,
			    const uint8_t addr[16], uint64_t dropped);
/* Control side: sends e to every subscriber now. */
void nfv_events_send(struct nfv_dp *dp, const struct nfv_msg_event *e);

#endif
