/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names of drop reasons, for the control side. Those of hooks, verdicts
 * and priorities are the vocabulary's (config/vocab/nfv_netfilter.h).
 */
#include "nfv_drop.h"

static const char *const drop_names[NFV_DR_MAX] = {
#define NFV_DROP_NAME(name, str) [NFV_DR_##name] = str,
	NFV_DROP_REASONS(NFV_DROP_NAME)
#undef NFV_DROP_NAME
};

const char *nfv_drop_reason_name(unsigned int reason)
{
	if (reason >= NFV_DR_MAX)
		return "?";
	return drop_names[reason];
}
