/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One consistent dump of the mirrored table: tables, chains, sets, the
 * elements of each set, rules, in the order the dataplane's parser needs
 * (a set before its elements and before the rules that use it). The
 * ruleset generation is read before and after; a dump that straddled a
 * transaction (or was flagged NLM_F_DUMP_INTR) is done again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "mirror_priv.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>

#define DUMP_TRIES 16

int mirror_buf_put(struct nfv_mirror_buf *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 1u << 16;
		uint8_t *np;

		while (cap < b->len + len)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL)
			return -ENOMEM;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	return 0;
}

/* Attribute 1 of every nf_tables object message is its table's name. */
static const char *msg_table(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == 1 && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	return NULL;
}

bool mirror_msg_is_ours(const struct nfv_mirror *m, const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *g;
	const char *t;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*g)))
		return false;
	g = mnl_nlmsg_get_payload(nlh);
	t = msg_table(nlh);
	return g->nfgen_family == m->family && t != NULL && strcmp(t, m->table) == 0;
}

struct dump_ctx {
	struct nfv_mirror *m;
	struct nfv_mirror_buf *out;	/* our messages go here */
	struct nfv_mirror_buf *sets;	/* NUL-separated set names */
	uint32_t gen;
	bool intr;
};

static int on_msg(const struct nlmsghdr *nlh, struct dump_ctx *c)
{
	const struct nlattr *a;
	int ret;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		c->intr = true;
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWGEN) {
		mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
			if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
			    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				c->gen = ntohl(mnl_attr_get_u32(a));
		return 0;
	}
	if (!mirror_msg_is_ours(c->m, nlh))
		return 0;
	ret = mirror_buf_put(c->out, nlh, NLMSG_ALIGN(nlh->nlmsg_len));
	if (ret == 0 && c->sets != NULL && NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWSET) {
		mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
			if (mnl_attr_get_type(a) == NFTA_SET_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				ret = mirror_buf_put(c->sets, mnl_attr_get_str(a),
						     strlen(mnl_attr_get_str(a)) + 1);
	}
	return ret;
}

/* One request; every answer of ours through on_msg until DONE or the ack. */
static int request(struct nfv_mirror *m, uint16_t type, uint16_t flags, const char *set,
		   struct dump_ctx *c)
{
	static char buf[1 << 16];
	uint32_t seq = ++m->seq, portid = mnl_socket_get_portid(m->req);
	struct nlmsghdr *nlh;
	ssize_t n;
	int ret;

	nlh = nftnl_nlmsg_build_hdr(buf, type, type == NFT_MSG_GETGEN ? AF_UNSPEC : m->family,
				    flags | NLM_F_ACK, seq);
	if (type != NFT_MSG_GETGEN)
		mnl_attr_put_strz(nlh, 1, m->table);	/* the kernel filters by table */
	if (set != NULL)
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	if (mnl_socket_sendto(m->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((n = mnl_socket_recvfrom(m->req, buf, sizeof(buf))) > 0) {
		int len = (int)n;

		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portid)
				continue;	/* a late answer to an earlier request */
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				/* the ack ends a plain request; a missing table is empty */
				return e->error == -ENOENT ? 0 : e->error;
			}
			ret = on_msg(nlh, c);
			if (ret < 0)
				return ret;
		}
	}
	return n < 0 ? -errno : -EPIPE;
}

static int dump_once(struct nfv_mirror *m, struct nfv_mirror_buf *out, uint32_t *gen)
{
	struct nfv_mirror_buf sets = { 0 };
	struct dump_ctx c = { .m = m, .out = out };
	uint32_t gen0;
	int ret;

	out->len = 0;
	ret = request(m, NFT_MSG_GETGEN, 0, NULL, &c);
	gen0 = c.gen;
	if (ret == 0)
		ret = request(m, NFT_MSG_GETTABLE, NLM_F_DUMP, NULL, &c);
	if (ret == 0)
		ret = request(m, NFT_MSG_GETCHAIN, NLM_F_DUMP, NULL, &c);
	/* named objects before the object maps whose elements name them */
	if (ret == 0)
		ret = request(m, NFT_MSG_GETOBJ, NLM_F_DUMP, NULL, &c);
	c.sets = &sets;
	if (ret == 0)
		ret = request(m, NFT_MSG_GETSET, NLM_F_DUMP, NULL, &c);
	c.sets = NULL;
	for (size_t off = 0; ret == 0 && off < sets.len; off += strlen((char *)sets.p + off) + 1)
		ret = request(m, NFT_MSG_GETSETELEM, NLM_F_DUMP, (char *)sets.p + off, &c);
	/* flowtables before the rules whose flow add names them */
	if (ret == 0)
		ret = request(m, NFT_MSG_GETFLOWTABLE, NLM_F_DUMP, NULL, &c);
	if (ret == 0)
		ret = request(m, NFT_MSG_GETRULE, NLM_F_DUMP, NULL, &c);
	if (ret == 0)
		ret = request(m, NFT_MSG_GETGEN, 0, NULL, &c);
	free(sets.p);
	if (ret < 0)
		return ret;
	*gen = c.gen;
	return c.intr || c.gen != gen0 ? -EAGAIN : 0;
}

int mirror_dump(struct nfv_mirror *m, struct nfv_mirror_buf *out, uint32_t *gen)
{
	int ret = -EAGAIN;

	for (unsigned int i = 0; i < DUMP_TRIES && ret == -EAGAIN; i++) {
		ret = dump_once(m, out, gen);
		if (ret == -EAGAIN)
			m->st.dump_retries++;
	}
	if (ret == 0)
		m->st.dumps++;
	return ret;
}
