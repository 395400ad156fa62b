/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keys and cleartext stay out of core dumps. The process is made
 * non-dumpable before the policy (and its keys) is read, unless the
 * operator asks for dumps to debug; and every page of DPDK memory — SAs
 * with their expanded keys, mbufs with cleartext — is MADV_DONTDUMP even
 * then, including pages DPDK maps later.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include <rte_errno.h>
#include <rte_memory.h>

#include "coredump.h"
#include "log.h"

int nfv_coredump_init(bool allow)
{
	if (allow)
		return 0;
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ? -errno : 0;
}

static void dontdump(void *addr, size_t len)
{
	if (madvise(addr, len, MADV_DONTDUMP) < 0)
		NFV_LOG(WARNING, "madvise(MADV_DONTDUMP) of %zu bytes at %p: %s", len, addr,
			strerror(errno));
}

static int memseg_dontdump(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
			   void *arg)
{
	dontdump(ms->addr, ms->len);
	return 0;
}

static void mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	if (type == RTE_MEM_EVENT_ALLOC)
		dontdump((void *)(uintptr_t)addr, len);
}

int nfv_coredump_exclude_dpdk(void)
{
	int ret;

	ret = rte_memseg_walk(memseg_dontdump, NULL);
	if (ret < 0)
		return -EINVAL;
	/* legacy or --no-huge memory never grows: no callbacks there */
	if (rte_mem_event_callback_register("nfv_dontdump", mem_event, NULL) < 0 &&
	    rte_errno != ENOTSUP)
		return -rte_errno;
	return 0;
}
