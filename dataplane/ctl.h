/* SPDX-License-Identifier: BSD-3-Clause */
/* The main lcore's loop: management socket, control ring, timers. */
#ifndef NFV_CTL_H
#define NFV_CTL_H

struct nfv_dp;

void nfv_ctl_loop(struct nfv_dp *dp);
/* Frees what is left in the control rings once workers have stopped. */
void nfv_ctl_drain(struct nfv_dp *dp);

#endif
