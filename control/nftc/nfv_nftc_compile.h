/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The nft compiler: nft text into the nf_tables netlink messages of the
 * ruleset (config/nfv_nftc.h has the format and the side that reads it).
 * Links libnftables; the dataplane never does.
 */
#ifndef NFV_NFTC_COMPILE_H
#define NFV_NFTC_COMPILE_H

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
 * For single-threaded callers (nfvpnd): nfv_nftc_run() in a forked child,
 * read back with nfv_nftc_collect(). Without CAP_SYS_ADMIN, the namespace
 * is made inside a user namespace of its own (where unprivileged user
 * namespaces are allowed, as by Debian's default).
 */
nfv_nftc_fn nfv_nftc_compile;

#endif
