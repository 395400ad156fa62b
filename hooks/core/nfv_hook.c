/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of hooks, verdicts and drop reasons, for the control side. */
#include <strings.h>

#include <rte_common.h>

#include "nfv_drop.h"
#include "nfv_hook.h"

static const char *const hook_names[NFV_INET_NUMHOOKS] = {
	[NFV_INET_PRE_ROUTING] = "PRE_ROUTING",
	[NFV_INET_LOCAL_IN] = "LOCAL_IN",
	[NFV_INET_FORWARD] = "FORWARD",
	[NFV_INET_LOCAL_OUT] = "LOCAL_OUT",
	[NFV_INET_POST_ROUTING] = "POST_ROUTING",
};

static const char *const verdict_names[] = {
	[NFV_DROP] = "DROP",
	[NFV_ACCEPT] = "ACCEPT",
	[NFV_STOLEN] = "STOLEN",
	[NFV_QUEUE] = "QUEUE",
	[NFV_REPEAT] = "REPEAT",
};

static const char *const drop_names[NFV_DR_MAX] = {
#define NFV_DROP_NAME(name, str) [NFV_DR_##name] = str,
	NFV_DROP_REASONS(NFV_DROP_NAME)
#undef NFV_DROP_NAME
};

const char *nfv_hook_name(enum nfv_hook hook)
{
	if ((unsigned int)hook >= NFV_INET_NUMHOOKS)
		return "?";
	return hook_names[hook];
}

int nfv_hook_from_name(const char *name)
{
	for (unsigned int i = 0; i < NFV_INET_NUMHOOKS; i++)
		if (strcasecmp(name, hook_names[i]) == 0)
			return i;
	return -1;
}

const char *nfv_verdict_name(enum nfv_verdict v)
{
	if ((unsigned int)v >= RTE_DIM(verdict_names))
		return "?";
	return verdict_names[v];
}

const char *nfv_drop_reason_name(unsigned int reason)
{
	if (reason >= NFV_DR_MAX)
		return "?";
	return drop_names[reason];
}
