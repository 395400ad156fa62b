/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * No memory is unmapped under a worker by EAL's interrupt thread.
 *
 * DPDK 22.11's memif PMD tears a connection down on EAL's interrupt thread
 * when the peer leaves (its socket closes, or it sends DISCONNECT):
 * memif_disconnect() clears the CONNECTED flag, then memif_free_regions()
 * munmap()s the shared regions that hold the rings and the buffers. A
 * worker that read the flag just before is still inside eth_memif_rx() or
 * eth_memif_tx(), reading ring->head or copying a buffer, and touches
 * memory that is gone: SIGSEGV in librte_net_memif (issue 18; before this
 * file, tests/smoke/memif_churn_test.sh killed the dataplane within its
 * 100 disconnects in 3 runs of 4).
 * The PMD has no hook and no lock for a reader; ethdev has no event for it.
 *
 * So the dataplane defines munmap() and exports it (dataplane/meson.build:
 * --export-dynamic-symbol): the PMD, dlopen()ed from EAL's driver
 * directory, binds its munmap() to ours. On the interrupt thread, while
 * workers run, ours first waits for a QSBR grace period of the workers
 * (nfv_hook_synchronize(): each reports a quiescent state once per poll
 * loop, outside any burst). The flag was cleared before the first
 * munmap(), so once every worker has passed a quiescent state, none is
 * inside a burst that saw it set, and a new burst returns at the flag
 * before it reads the rings. Then the real munmap() runs.
 *
 * Why no new reference can appear: a burst that starts after the grace
 * period loads the flag after the worker's quiescent report, which the
 * report's release/acquire orders after the store that cleared it; a
 * worker that comes online later starts after it too. The region
 * pointers that memif frees after munmap() stay in DPDK's heap (read but
 * never dereferenced past the flag check).
 *
 * Any other munmap() (every thread but the interrupt thread, or no worker
 * running) goes straight through; on the interrupt thread the wait costs
 * one grace period, microseconds, and the interrupt thread does nothing
 * else that is urgent. Remove this file when the PMD synchronises its own
 * teardown (DPDK bug to report: memif_disconnect() unmaps under the
 * datapath).
 */
#include <dlfcn.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_interrupts.h>
#include <rte_pause.h>

#include "nfv_hook_table.h"
#include "unmap_guard.h"

typedef int (*munmap_fn)(void *, size_t);

/*
 * guard_hooks: written by the main lcore (start before the workers launch,
 * stop after they were joined), read by the interrupt thread. guard_users:
 * the interrupt thread's munmap()s under way, so that stop returns only
 * when none uses the table any more (the caller frees it later).
 * munmap() has no argument for a context: these are the process's.
 */
static struct nfv_hook_table *guard_hooks;
static unsigned int guard_users;
static unsigned long guard_waits;
static munmap_fn real_munmap;

void nfv_unmap_guard_start(struct nfv_hook_table *hooks)
{
	__atomic_store_n(&guard_hooks, hooks, __ATOMIC_SEQ_CST);
}

void nfv_unmap_guard_stop(void)
{
	__atomic_store_n(&guard_hooks, NULL, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&guard_users, __ATOMIC_SEQ_CST) != 0)
		rte_pause();
}

unsigned long nfv_unmap_guard_waits(void)
{
	return __atomic_load_n(&guard_waits, __ATOMIC_RELAXED);
}

static int munmap_next(void *addr, size_t len)
{
	munmap_fn fn = __atomic_load_n(&real_munmap, __ATOMIC_RELAXED);

	if (fn == NULL) {
		/* libc's (or a sanitizer's interceptor, which calls libc's) */
		fn = (munmap_fn)dlsym(RTLD_NEXT, "munmap");
		if (fn == NULL || fn == munmap)
			return (int)syscall(SYS_munmap, addr, len);
		__atomic_store_n(&real_munmap, fn, __ATOMIC_RELAXED);
	}
	return fn(addr, len);
}

int munmap(void *addr, size_t len)
{
	struct nfv_hook_table *hooks;

	if (!rte_thread_is_intr())
		return munmap_next(addr, len);
	__atomic_fetch_add(&guard_users, 1, __ATOMIC_SEQ_CST);
	hooks = __atomic_load_n(&guard_hooks, __ATOMIC_SEQ_CST);
	if (hooks != NULL) {
		nfv_hook_synchronize(hooks);
		__atomic_fetch_add(&guard_waits, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_sub(&guard_users, 1, __ATOMIC_SEQ_CST);
	return munmap_next(addr, len);
}
