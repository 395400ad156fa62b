/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel-table mirror: follows one nftables table of the kernel (the
 * network namespace the caller runs in) and hands every new version of it
 * to nfvpn-dataplane, which compiles it and swaps it in atomically.
 *
 * It dumps the table over NETLINK_NETFILTER (generation-checked, retried
 * when the ruleset changed during the dump), listens to NFNLGRP_NFTABLES,
 * and after each transaction (NFT_MSG_NEWGEN) that touched the table dumps
 * and pushes again. The table travels as the raw netlink messages of the
 * dump (NFV_MSG_FILTER_LOAD_*), parsed by the dataplane with the same code
 * as its nft text.
 *
 * Single-threaded: the caller polls nfv_mirror_fd() and calls
 * nfv_mirror_process() when it is readable, and nfv_mirror_sync() when
 * nfv_mirror_pending() says a push is owed (the dataplane was away).
 */
#ifndef NFV_MIRROR_H
#define NFV_MIRROR_H

#include <stdbool.h>
#include <stdint.h>

struct nfv_mirror_config {
	uint8_t family;		/* NFPROTO_IPV4, NFPROTO_IPV6 or NFPROTO_INET */
	const char *table;
	const char *socket;	/* the dataplane's management socket */
};

struct nfv_mirror_stats {
	uint64_t events;	/* netlink notifications about the table */
	uint64_t dumps;		/* complete dumps */
	uint64_t dump_retries;	/* dumps redone: the ruleset changed meanwhile */
	uint64_t pushes;	/* versions the dataplane applied */
	uint64_t push_errors;	/* refused (compile errors) or not delivered */
	uint64_t overruns;	/* notifications lost (ENOBUFS): resynced */
	uint32_t generation;	/* kernel ruleset generation last pushed */
	uint32_t bytes;		/* size of the last version pushed */
	char last_error[512];
};

struct nfv_mirror;

/* Opens the netlink sockets; does not dump yet. 0 or -errno. */
int nfv_mirror_open(const struct nfv_mirror_config *cfg, struct nfv_mirror **out);
void nfv_mirror_close(struct nfv_mirror *m);
/* The notification socket, to poll for POLLIN. */
int nfv_mirror_fd(const struct nfv_mirror *m);
/* Dumps the table and pushes it now. 0 or -errno (text in stats). */
int nfv_mirror_sync(struct nfv_mirror *m);
/* Reads pending notifications; syncs when a transaction touched the table. */
int nfv_mirror_process(struct nfv_mirror *m);
/* A push failed for want of the dataplane: call nfv_mirror_sync() again. */
bool nfv_mirror_pending(const struct nfv_mirror *m);
const struct nfv_mirror_stats *nfv_mirror_stats(const struct nfv_mirror *m);

#endif
