/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The nft compiler: nft text into the nf_tables netlink messages of the
 * ruleset (config/nfv_nftc.h has the format and the side that reads it).
 * Links libnftables; the dataplane never does.
 */
#ifndef NFV_NFTC_COMPILE_H
#define NFV_NFTC_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "nfv_nftc.h"

/*
 * Compiles text in this process, which moves to a network namespace of
 * its own for good (the host's ruleset is never touched): for nfvpn-nftc
 * and forked children only. The messages go to out_fd, nft's error
 * message, calling the text name, to err_fd. Returns an enum
 * nfv_nftc_status, the exit status.
 */
int nfv_nftc_run(const char *text, const char *name, int out_fd, int err_fd);

/*
 * The way back, for nfvpn-nftc --list: the NFT_MSG_NEW* messages msgs (as
 * compiled, or as the dataplane holds them) loaded into a network
 * namespace of this process's own, each counter set from ctrs (struct
 * nfv_msg_filter_obj rule records: family, table, handle, packets,
 * bytes), listed by libnftables to out_fd as "nft list ruleset" prints
 * them; with handles, the input's handles. Returns an enum
 * nfv_nftc_status; err_fd says why not.
 */
int nfv_nftc_list(const void *msgs, size_t len, const void *ctrs, size_t ctrs_len,
		  bool handles, int out_fd, int err_fd);

/*
 * nfvpn-nftc --validate: parses every message of msgs with libnftnl as the
 * dataplane's parser will. libnftnl ends the process (exit 1) on some
 * malformed attributes rather than failing the call, so the dataplane
 * runs this in a child first. Returns an enum nfv_nftc_status.
 */
int nfv_nftc_validate(const void *msgs, size_t len, int err_fd);

/* Moves this process to a network namespace of its own (a user namespace
 * too, without CAP_SYS_ADMIN); 0 or -errno. */
int nfv_nftc_own_netns(void);

/*
 * For single-threaded callers (nfvpnd): nfv_nftc_run() in a forked child,
 * read back with nfv_nftc_collect(). Without CAP_SYS_ADMIN, the namespace
 * is made inside a user namespace of its own (where unprivileged user
 * namespaces are allowed, as by Debian's default).
 */
nfv_nftc_fn nfv_nftc_compile;

#endif
