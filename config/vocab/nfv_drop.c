/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The names of nfv_drop.h's rows, and the build-time proof that every
 * reason fits where the dataplane carries one: the argument of a DROP
 * verdict (NFV_DROP_REASON(), as the kernel's NF_DROP_ERR), which a
 * trace record keeps too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nfv_drop.h"
#include "nfv_netfilter.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const drop_names[] = {
#define DROP_NAME(id, name) [NFV_DR_##id] = name,
	NFV_DROP_REASONS(DROP_NAME)
#undef DROP_NAME
};
_Static_assert(DIM(drop_names) == NFV_DR_MAX, "a drop reason without a name");

/* a verdict of 0 (plain NFV_DROP) and an unknown argument count as hook-drop */
_Static_assert(NFV_DR_UNSPEC == 0, "reason 0 is the unspecified one");
_Static_assert(NFV_DR_MAX <= (UINT32_MAX >> NFV_VERDICT_QBITS),
	       "a drop reason does not fit the verdict's argument");
_Static_assert(NFV_VERDICT_ARG(NFV_DROP_REASON(NFV_DR_MAX - 1)) == NFV_DR_MAX - 1 &&
	       NFV_VERDICT(NFV_DROP_REASON(NFV_DR_MAX - 1)) == NFV_DROP,
	       "NFV_DROP_REASON() does not round-trip");

const char *nfv_drop_reason_name(unsigned int reason)
{
	return reason < NFV_DR_MAX ? drop_names[reason] : "?";
}

int nfv_drop_reason_by_name(const char *name)
{
	for (unsigned int r = 0; r < NFV_DR_MAX; r++)
		if (strcmp(drop_names[r], name) == 0)
			return (int)r;
	return -1;
}
