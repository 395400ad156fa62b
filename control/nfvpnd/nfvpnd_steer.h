/* SPDX-License-Identifier: BSD-3-Clause */
/* The steer: section as the kernel stub's selectors (control/steer). */
#ifndef NFVPND_STEER_H
#define NFVPND_STEER_H

#include "nfv_policy_steer.h"
#include "nfv_steer.h"

/* One selector; -ENODEV when its iif does not exist (now). */
int nfvpnd_steer_sel(const struct nfv_policy_steer_sel *ps, struct nfv_steer_sel *out);

#endif
