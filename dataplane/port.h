/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports of the policy and their exception TUNs: probe, configure, start. */
#ifndef NFV_PORT_H
#define NFV_PORT_H

struct nfv_dp;

/* Probes and starts every port of dp->policy; 0 or -errno, logged. */
int nfv_ports_init(struct nfv_dp *dp);
/* Gives each worker its rx queues: queue w of every port and TUN. */
void nfv_ports_assign(struct nfv_dp *dp);
/* Stops and closes every port and TUN. */
void nfv_ports_fini(struct nfv_dp *dp);

/* kernel_if.c: addresses, routes and link state of the exception TUNs. */
int nfv_kernel_if_setup(struct nfv_dp *dp);

#endif
