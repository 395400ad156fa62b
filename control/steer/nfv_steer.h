/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client of the nfvpn_stub generic netlink family (kernel/uapi/nfvpn.h):
 * sets the steering target and the selector table of the caller's
 * network namespace. Plain netlink sockets, no library, so that a static
 * binary can be built from it. Every call returns 0 or -errno; when the
 * kernel explained a refusal, nfv_steer_errmsg() returns its message.
 */
#ifndef NFV_STEER_H
#define NFV_STEER_H

#include <stddef.h>
#include <stdint.h>

#include "nfvpn.h"

struct nfv_steer;

struct nfv_steer_sel {
	uint32_t id;
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t proto;			/* 0: any */
	uint8_t src[16], dst[16];	/* network order; 4 bytes used for AF_INET */
	uint8_t src_plen, dst_plen;	/* 0: any */
	uint16_t sport_min, sport_max;	/* 0-65535: any */
	uint16_t dport_min, dport_max;
	uint32_t iif;			/* ifindex, 0: any */
	uint32_t mark, mark_mask;	/* mask 0: any */
	uint32_t hooks;			/* NFVPN_HOOK_*, 0: both */
	uint8_t action;			/* enum nfvpn_action */
	uint64_t packets, bytes;	/* filled by nfv_steer_dump() */
};

struct nfv_steer_stats {
	char target[16];		/* "" when no target */
	uint32_t target_ifindex;
	uint32_t generation;
	uint32_t count;
	uint64_t steered, steered_bytes;
	uint64_t no_target, target_down, no_headroom, xmit_err, loop;
};

typedef int (*nfv_steer_dump_cb)(const struct nfv_steer_sel *sel, void *arg);

int nfv_steer_open(struct nfv_steer **out);
void nfv_steer_close(struct nfv_steer *st);
const char *nfv_steer_errmsg(const struct nfv_steer *st);

/* Selector matching everything of @family (ports: full range). */
void nfv_steer_sel_init(struct nfv_steer_sel *sel, uint32_t id, uint8_t family);

/* @ifname NULL clears the target; @lladdr (6 bytes) only for Ethernet targets. */
int nfv_steer_set_target(struct nfv_steer *st, const char *ifname,
			 const uint8_t *lladdr);
/* Insert before index @pos, or append when @pos < 0. */
int nfv_steer_add(struct nfv_steer *st, const struct nfv_steer_sel *sel, int pos);
int nfv_steer_del(struct nfv_steer *st, uint32_t id);
int nfv_steer_flush(struct nfv_steer *st);
/* Swap the whole table at once; counters stay with unchanged selectors. */
int nfv_steer_replace(struct nfv_steer *st, const struct nfv_steer_sel *sels,
		      unsigned int n);
/* Calls @cb for each selector in table order; a non-zero @cb return stops. */
int nfv_steer_dump(struct nfv_steer *st, nfv_steer_dump_cb cb, void *arg);
int nfv_steer_stats(struct nfv_steer *st, struct nfv_steer_stats *out);

/*
 * Text form "id N [family inet|inet6] [proto P] [src A/L] [dst A/L]
 * [sport A-B] [dport A-B] [iif IFNAME] [mark M/MASK] [hook pre|out|all]
 * [action steer|pass]" from argv-style words; @err explains a refusal.
 */
int nfv_steer_sel_parse(struct nfv_steer_sel *sel, int argc, char **argv,
			char *err, size_t errlen);
/* One line, the parse form plus "packets N bytes N". */
int nfv_steer_sel_format(const struct nfv_steer_sel *sel, char *buf, size_t len);

#endif /* NFV_STEER_H */
