/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nft text to nf_tables netlink messages, done outside the process that
 * asks. libnftables only loads rules into a kernel, so the compiler
 * (control/nftc, the nfvpn-nftc program) loads the text into the nf_tables
 * of a network namespace of its own and dumps the ruleset back: tables,
 * chains, sets each followed by its elements, rules, as NFT_MSG_NEW*
 * messages concatenated the way a kernel dump sends them, and the way
 * NFV_MSG_FILTER_LOAD_DATA carries them.
 *
 * This side needs neither libnftables nor privileges: the dataplane runs
 * nfvpn-nftc before the EAL starts; nfvpnd links the compiler and forks it
 * (nfv_nftc_compile() in control/nftc). Both read the result here.
 */
#ifndef NFV_NFTC_H
#define NFV_NFTC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NFV_NFTC_NAME	"nfvpn-nftc"
#define NFV_NFTC_ENV	"NFVPN_NFTC"	/* overrides where nfvpn-nftc is */
/* How long nfv_nftc_collect() waits for a compiler before it kills it. */
#define NFV_NFTC_TIMEOUT_MS 30000
/* The most a compiled ruleset may take, as the dataplane's load buffer. */
#define NFV_NFTC_OUT_MAX (64u << 20)

/* Exit status of the compiler: what went wrong. */
enum nfv_nftc_status {
	NFV_NFTC_OK = 0,
	NFV_NFTC_REFUSED = 1,	/* nft refused the text: its message on stderr */
	NFV_NFTC_USAGE = 2,
	NFV_NFTC_FAILED = 3,	/* no namespace, no nf_tables, a dump that failed */
};

/* A compiled ruleset: the netlink messages, back to back. */
struct nfv_nftc_out {
	uint8_t *msgs;
	size_t len, cap;
};

void nfv_nftc_out_fini(struct nfv_nftc_out *o);

/*
 * Compiles text into out (emptied first). 0, -EINVAL when nft refused the
 * text, another -errno when the compiler could not run; err says why, in
 * nft's own words with name for the text ("rules.nft:3:8-8: Error: syntax
 * error, unexpected newline", then the line and a caret under the column).
 */
typedef int nfv_nftc_fn(const char *text, const char *name, struct nfv_nftc_out *out,
			char *err, size_t errlen);

/* Runs nfvpn-nftc (posix_spawn); no descriptor but its pipes is passed on. */
nfv_nftc_fn nfv_nftc_spawn;

/*
 * nfvpn-nftc --list: the NFT_MSG_NEW* messages msgs (as the dataplane
 * runs them) into out as the text "nft list ruleset" prints, rule
 * counters from ctrs (struct nfv_msg_filter_obj rule records, ctrs_len
 * bytes), with handles as "nft -a" (the input's). 0 or -errno; err says
 * why not.
 */
int nfv_nftc_spawn_list(const void *msgs, size_t len, const void *ctrs, size_t ctrs_len,
			bool handles, struct nfv_nftc_out *out, char *err, size_t errlen);

/*
 * nfvpn-nftc --validate: 0 when libnftnl parses every message of msgs, as
 * the caller's parser is about to (libnftnl exits the process on some
 * malformed attributes: the check runs in a child); -EINVAL with the
 * reason in err otherwise, another -errno when it could not run.
 */
int nfv_nftc_spawn_validate(const void *msgs, size_t len, char *err, size_t errlen);

/*
 * The nfvpn-nftc that nfv_nftc_spawn() runs: $NFVPN_NFTC, else the one in
 * the folder of this program (installed side by side), else the one
 * installed in NFV_NFTC_INSTALLED.
 */
const char *nfv_nftc_path(char *buf, size_t len);

/*
 * Reads a compiler child's stdout (the messages, into out) and stderr (its
 * message, into err) to their end, closes both and reaps pid. Returns as
 * nfv_nftc_fn does, from the child's exit status.
 */
int nfv_nftc_collect(pid_t pid, int out_fd, int err_fd, struct nfv_nftc_out *out,
		     char *err, size_t errlen);

#endif
