/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * While started, a munmap() on EAL's interrupt thread first waits for the
 * workers' grace period (unmap_guard.c says why: memif unmaps its rings
 * there when a peer leaves).
 */
#ifndef NFV_UNMAP_GUARD_H
#define NFV_UNMAP_GUARD_H

struct nfv_hook_table;

/* before the workers launch; they report quiescence to hooks' QSBR */
void nfv_unmap_guard_start(struct nfv_hook_table *hooks);
/* after they were joined; returns when no munmap() uses hooks any more */
void nfv_unmap_guard_stop(void);
/* how many munmap()s waited (the exit summary prints it) */
unsigned long nfv_unmap_guard_waits(void);

#endif
