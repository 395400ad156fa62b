/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The names of hooks, verdicts and priorities, and the build-time proof
 * that their values are the kernel's: a policy or an nft ruleset written
 * for Linux means the same here.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>

#include "nfv_netfilter.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/* (int): the enums are of different types, their values must be equal */
#define HOOK_IS_KERNELS(id, nft)					\
	_Static_assert((int)NFV_INET_##id == (int)NF_INET_##id,		\
		       "NFV_INET_" #id " is not the kernel's");
NFV_INET_HOOKS(HOOK_IS_KERNELS)
#undef HOOK_IS_KERNELS
_Static_assert((int)NFV_INET_NUMHOOKS == (int)NF_INET_NUMHOOKS, "the kernel has other hooks");

#define VERDICT_IS_KERNELS(id, value)					\
	_Static_assert(NFV_##id == NF_##id, "NFV_" #id " is not the kernel's");
NFV_VERDICTS(VERDICT_IS_KERNELS)
#undef VERDICT_IS_KERNELS
_Static_assert(NFV_VERDICT_MASK == NF_VERDICT_MASK, "verdict mask");
_Static_assert(NFV_VERDICT_QBITS == NF_VERDICT_QBITS, "verdict argument shift");
_Static_assert(NFV_VERDICT_FLAG_QUEUE_BYPASS == NF_VERDICT_FLAG_QUEUE_BYPASS,
	       "queue bypass flag");

#define PRI_IS_KERNELS(id, value, name)					\
	_Static_assert((int)NFV_IP_PRI_##id == (int)NF_IP_PRI_##id,	\
		       "NFV_IP_PRI_" #id " is not the kernel's");
NFV_IP_PRIORITIES(PRI_IS_KERNELS)
#undef PRI_IS_KERNELS

const char *const nfv_hook_names[NFV_INET_NUMHOOKS] = {
#define HOOK_NAME(id, nft) [NFV_INET_##id] = #id,
	NFV_INET_HOOKS(HOOK_NAME)
#undef HOOK_NAME
};

const char *const nfv_hook_nft_names[NFV_INET_NUMHOOKS] = {
#define HOOK_NFT_NAME(id, nft) [NFV_INET_##id] = nft,
	NFV_INET_HOOKS(HOOK_NFT_NAME)
#undef HOOK_NFT_NAME
};

static const char *const verdict_names[] = {
#define VERDICT_NAME(id, value) [NFV_##id] = #id,
	NFV_VERDICTS(VERDICT_NAME)
#undef VERDICT_NAME
};
_Static_assert(DIM(verdict_names) == NF_STOP, "every verdict but the deprecated NF_STOP");

const struct nfv_ip_priority nfv_ip_priorities[] = {
#define PRI_ROW(id, value, name) { name, value },
	NFV_IP_PRIORITIES(PRI_ROW)
#undef PRI_ROW
};

const unsigned int nfv_ip_priorities_num = DIM(nfv_ip_priorities);

const char *nfv_hook_name(enum nfv_hook hook)
{
	if ((unsigned int)hook >= NFV_INET_NUMHOOKS)
		return "?";
	return nfv_hook_names[hook];
}

int nfv_hook_from_name(const char *name)
{
	for (unsigned int i = 0; i < NFV_INET_NUMHOOKS; i++)
		if (strcasecmp(name, nfv_hook_names[i]) == 0)
			return i;
	return -1;
}

const char *nfv_verdict_name(enum nfv_verdict v)
{
	if ((unsigned int)v >= DIM(verdict_names) || verdict_names[v] == NULL)
		return "?";
	return verdict_names[v];
}

const char *nfv_priority_name(int prio)
{
	for (unsigned int i = 0; i < DIM(nfv_ip_priorities); i++)
		if (nfv_ip_priorities[i].name != NULL && nfv_ip_priorities[i].value == prio)
			return nfv_ip_priorities[i].name;
	return NULL;
}

int nfv_priority_from_name(const char *name, int *prio)
{
	for (unsigned int i = 0; i < DIM(nfv_ip_priorities); i++) {
		if (nfv_ip_priorities[i].name != NULL &&
		    strcasecmp(name, nfv_ip_priorities[i].name) == 0) {
			*prio = nfv_ip_priorities[i].value;
			return 0;
		}
	}
	return -1;
}

/* nft's table families, as nft list ruleset names them. */
static const struct {
	const char *name;
	unsigned int nfproto;
} nft_families[] = {
	{ "ip", NFPROTO_IPV4 }, { "ip6", NFPROTO_IPV6 }, { "inet", NFPROTO_INET },
	{ "arp", NFPROTO_ARP }, { "bridge", NFPROTO_BRIDGE }, { "netdev", NFPROTO_NETDEV },
};

const char *nfv_nft_family_name(unsigned int nfproto)
{
	for (unsigned int i = 0; i < DIM(nft_families); i++)
		if (nft_families[i].nfproto == nfproto)
			return nft_families[i].name;
	return "unknown";
}

int nfv_nft_family_from_name(const char *name)
{
	for (unsigned int i = 0; i < DIM(nft_families); i++)
		if (strcmp(nft_families[i].name, name) == 0)
			return (int)nft_families[i].nfproto;
	return -1;
}
