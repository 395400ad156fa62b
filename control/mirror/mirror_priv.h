/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to control/mirror/: the mirror's state, dump and push. */
#ifndef NFV_MIRROR_PRIV_H
#define NFV_MIRROR_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "nfv_client.h"
#include "nfv_mirror.h"

struct mnl_socket;
struct nlmsghdr;

struct nfv_mirror_buf {
	uint8_t *p;
	size_t len, cap;
};

struct nfv_mirror {
	uint8_t family;
	char table[256];
	char socket[108];
	struct mnl_socket *req;		/* dumps */
	struct mnl_socket *ev;		/* NFNLGRP_NFTABLES */
	uint32_t seq;
	struct nfv_client client;
	bool connected;
	bool pending;			/* a push is owed */
	bool dirty;			/* events of the current transaction touched the table */
	struct nfv_mirror_stats st;
};

int mirror_buf_put(struct nfv_mirror_buf *b, const void *p, size_t len);
/* mirror_dump.c: the table's messages, as the kernel sends them, and the
 * generation they belong to. */
int mirror_dump(struct nfv_mirror *m, struct nfv_mirror_buf *out, uint32_t *gen);
/* The family and table a nf_tables message is about; false if none. */
bool mirror_msg_is_ours(const struct nfv_mirror *m, const struct nlmsghdr *nlh);
/* mirror_push.c: one version to the dataplane. */
int mirror_push(struct nfv_mirror *m, const struct nfv_mirror_buf *b);

#endif
