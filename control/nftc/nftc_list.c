/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Netlink messages to nft text, the way back of nftc_run.c: nfvpnctl
 * ruleset shows the dataplane's ruleset in nft's own words. libnftables
 * prints only what a kernel holds, so the messages go into the nf_tables
 * of a network namespace of our own (one transaction, each rule's counter
 * set to the dataplane's figures) and libnftables lists them there.
 *
 * Handles: the kernel numbers what it is given anew; with handles asked
 * for, the listing's "# handle N" are mapped back to the dataplane's own
 * (those of nfvpnctl trace and of the policy's compiler), per table by
 * chain and set name and by a rule's place in its chain.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <nftables/libnftables.h>

#include "nfv_msg.h"
#include "nfv_netfilter.h"
#include "nfv_nftc_compile.h"

/* What one object was called and numbered, in the input and in the kernel. */
struct obj_id {
	uint32_t family;
	char table[NFT_TABLE_MAXNAMELEN];
	char name[NFT_CHAIN_MAXNAMELEN];	/* chain or set; "" for a table */
	uint32_t pos;		/* a rule: its place in its chain */
	uint8_t kind;		/* enum nfv_msg_filter_kind */
	uint64_t handle;
};

struct obj_ids {
	struct obj_id *v;
	size_t n, cap;
};

static struct obj_id *ids_add(struct obj_ids *ids)
{
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? 2 * ids->cap : 64;
		void *nv = realloc(ids->v, cap * sizeof(*ids->v));

		if (nv == NULL)
			return NULL;
		ids->v = nv;
		ids->cap = cap;
	}
	memset(&ids->v[ids->n], 0, sizeof(ids->v[0]));
	return &ids->v[ids->n++];
}

static void copy_name(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static bool same_chain(const struct obj_id *a, const struct obj_id *b)
{
	return a->kind == NFV_FILTER_OBJ_RULE && a->family == b->family &&
	       strcmp(a->table, b->table) == 0 && strcmp(a->name, b->name) == 0;
}

/* A rule's place: how many rules of its chain came before it. */
static uint32_t rule_pos(const struct obj_ids *ids, const struct obj_id *r)
{
	uint32_t pos = 0;

	/* a dump lists a chain's rules one after the other */
	if (ids->n > 0 && same_chain(&ids->v[ids->n - 1], r))
		return ids->v[ids->n - 1].pos + 1;
	for (size_t i = 0; i < ids->n; i++) {
		if (same_chain(&ids->v[i], r))
			pos++;
	}
	return pos;
}

/* Records the identity of one NFT_MSG_NEW* message (table, chain, set, rule). */
static int id_of(struct obj_ids *ids, uint16_t type, const void *obj)
{
	struct obj_id id = { 0 };
	struct obj_id *o;

	switch (type) {
	case NFT_MSG_NEWTABLE:
		id.kind = NFV_FILTER_OBJ_TABLE;
		id.family = nftnl_table_get_u32(obj, NFTNL_TABLE_FAMILY);
		copy_name(id.table, sizeof(id.table), nftnl_table_get_str(obj, NFTNL_TABLE_NAME));
		id.handle = nftnl_table_get_u64(obj, NFTNL_TABLE_HANDLE);
		break;
	case NFT_MSG_NEWCHAIN:
		id.kind = NFV_FILTER_OBJ_CHAIN;
		id.family = nftnl_chain_get_u32(obj, NFTNL_CHAIN_FAMILY);
		copy_name(id.table, sizeof(id.table), nftnl_chain_get_str(obj, NFTNL_CHAIN_TABLE));
		copy_name(id.name, sizeof(id.name), nftnl_chain_get_str(obj, NFTNL_CHAIN_NAME));
		id.handle = nftnl_chain_get_u64(obj, NFTNL_CHAIN_HANDLE);
		break;
	case NFT_MSG_NEWSET:
		id.kind = NFV_FILTER_OBJ_SET;
		id.family = nftnl_set_get_u32(obj, NFTNL_SET_FAMILY);
		copy_name(id.table, sizeof(id.table), nftnl_set_get_str(obj, NFTNL_SET_TABLE));
		copy_name(id.name, sizeof(id.name), nftnl_set_get_str(obj, NFTNL_SET_NAME));
		id.handle = nftnl_set_get_u64(obj, NFTNL_SET_HANDLE);
		break;
	case NFT_MSG_NEWRULE:
		id.kind = NFV_FILTER_OBJ_RULE;
		id.family = nftnl_rule_get_u32(obj, NFTNL_RULE_FAMILY);
		copy_name(id.table, sizeof(id.table), nftnl_rule_get_str(obj, NFTNL_RULE_TABLE));
		copy_name(id.name, sizeof(id.name), nftnl_rule_get_str(obj, NFTNL_RULE_CHAIN));
		id.handle = nftnl_rule_get_u64(obj, NFTNL_RULE_HANDLE);
		id.pos = rule_pos(ids, &id);
		break;
	case NFT_MSG_NEWOBJ:
		/* libnftnl's object getters take no const; they only read */
		id.kind = NFV_FILTER_OBJ_OBJECT;
		id.family = nftnl_obj_get_u32((struct nftnl_obj *)obj, NFTNL_OBJ_FAMILY);
		copy_name(id.table, sizeof(id.table),
			  nftnl_obj_get_str((struct nftnl_obj *)obj, NFTNL_OBJ_TABLE));
		copy_name(id.name, sizeof(id.name),
			  nftnl_obj_get_str((struct nftnl_obj *)obj, NFTNL_OBJ_NAME));
		id.handle = nftnl_obj_get_u64((struct nftnl_obj *)obj, NFTNL_OBJ_HANDLE);
		break;
	default:
		return 0;
	}
	o = ids_add(ids);
	if (o == NULL)
		return -ENOMEM;
	*o = id;
	return 0;
}

static const struct obj_id *id_find(const struct obj_ids *ids, const struct obj_id *k)
{
	for (size_t i = 0; i < ids->n; i++) {
		const struct obj_id *o = &ids->v[i];

		if (o->kind == k->kind && o->family == k->family &&
		    strcmp(o->table, k->table) == 0 && strcmp(o->name, k->name) == 0 &&
		    o->pos == k->pos)
			return o;
	}
	return NULL;
}

/* The dataplane's counters of a rule, by family, table and handle. */
static const struct nfv_msg_filter_obj *counters_find(const struct nfv_msg_filter_obj *ctrs,
						      size_t n, uint32_t family,
						      const char *table, uint64_t handle)
{
	for (size_t i = 0; i < n; i++)
		if (ctrs[i].kind == NFV_FILTER_OBJ_RULE && ctrs[i].handle == handle &&
		    ctrs[i].family == family &&
		    strncmp(ctrs[i].table, table, sizeof(ctrs[i].table)) == 0)
			return &ctrs[i];
	return NULL;
}

/* The dataplane's values of a named object, by family, table and name. */
static const struct nfv_msg_filter_obj *object_find(const struct nfv_msg_filter_obj *ctrs,
						    size_t n, uint32_t family,
						    const char *table, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (ctrs[i].kind == NFV_FILTER_OBJ_OBJECT && ctrs[i].family == family &&
		    strncmp(ctrs[i].table, table, sizeof(ctrs[i].table)) == 0 &&
		    strncmp(ctrs[i].name, name, sizeof(ctrs[i].name)) == 0)
			return &ctrs[i];
	return NULL;
}

/*
 * A counter's or a quota's values as the dataplane has them now; without
 * the dataplane's (nfvpn-nftc --list alone), the messages' own.
 */
static void object_prepare(struct nftnl_obj *ob, const struct nfv_msg_filter_obj *c)
{
	if (c == NULL)
		return;
	switch (nftnl_obj_get_u32(ob, NFTNL_OBJ_TYPE)) {
	case NFT_OBJECT_COUNTER:
		nftnl_obj_set_u64(ob, NFTNL_OBJ_CTR_PKTS, c->packets);
		nftnl_obj_set_u64(ob, NFTNL_OBJ_CTR_BYTES, c->bytes);
		break;
	case NFT_OBJECT_QUOTA:
		nftnl_obj_set_u64(ob, NFTNL_OBJ_QUOTA_CONSUMED, c->bytes);
		break;
	}
}

/* An exthdr write as the kernel takes it: without the flags its dump adds. */
static struct nftnl_expr *exthdr_write_copy(const struct nftnl_expr *e)
{
	static const uint16_t keep[] = { NFTNL_EXPR_EXTHDR_SREG, NFTNL_EXPR_EXTHDR_TYPE,
					 NFTNL_EXPR_EXTHDR_OFFSET, NFTNL_EXPR_EXTHDR_LEN,
					 NFTNL_EXPR_EXTHDR_OP };
	struct nftnl_expr *n = nftnl_expr_alloc("exthdr");

	for (size_t i = 0; n != NULL && i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (!nftnl_expr_is_set(e, keep[i]))
			continue;
		if (keep[i] == NFTNL_EXPR_EXTHDR_TYPE)
			nftnl_expr_set_u8(n, keep[i], nftnl_expr_get_u8(e, keep[i]));
		else
			nftnl_expr_set_u32(n, keep[i], nftnl_expr_get_u32(e, keep[i]));
	}
	return n;
}

/* The kernel's limit of expressions in a rule (NFT_RULE_MAXEXPRS). */
#define RULE_MAX_EXPRS 128

/*
 * The dataplane's figures into the rule's counters; and what a dump says
 * that a new rule may not: an exthdr write dumps its flags (0), which the
 * kernel refuses to be given (nft_exthdr_tcp_set_init()). The expressions
 * are taken out and put back in order, a write replaced by its copy.
 */
static int rule_prepare(struct nftnl_rule *r, const struct nfv_msg_filter_obj *c)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *v[RULE_MAX_EXPRS], *e;
	unsigned int n = 0;
	int ret = 0;

	if (it == NULL)
		return -ENOMEM;
	while ((e = nftnl_expr_iter_next(it)) != NULL && n < RULE_MAX_EXPRS)
		v[n++] = e;
	nftnl_expr_iter_destroy(it);
	if (e != NULL)
		return -E2BIG;
	for (unsigned int i = 0; i < n; i++)
		nftnl_rule_del_expr(v[i]);
	for (unsigned int i = 0; i < n; i++) {
		const char *name = nftnl_expr_get_str(v[i], NFTNL_EXPR_NAME);

		if (strcmp(name, "exthdr") == 0 && nftnl_expr_is_set(v[i], NFTNL_EXPR_EXTHDR_SREG) &&
		    nftnl_expr_is_set(v[i], NFTNL_EXPR_EXTHDR_FLAGS)) {
			e = exthdr_write_copy(v[i]);
			if (e == NULL) {
				ret = -ENOMEM;
				e = v[i];
			} else {
				nftnl_expr_free(v[i]);
			}
			v[i] = e;
		} else if (strcmp(name, "counter") == 0) {
			nftnl_expr_set_u64(v[i], NFTNL_EXPR_CTR_PACKETS, c ? c->packets : 0);
			nftnl_expr_set_u64(v[i], NFTNL_EXPR_CTR_BYTES, c ? c->bytes : 0);
		}
		nftnl_rule_add_expr(r, v[i]);
	}
	return ret;
}

/* The transaction being built: messages back to back, with room to grow. */
struct batch {
	uint8_t *buf;
	size_t len, cap;
	uint32_t seq;
	/* what each message was, by seq - 1, to say which one the kernel refused */
	char (*what)[96];
	size_t nwhat, what_cap;
};

#define BATCH_ROOM (256u << 10)	/* more than any one message of a dump */

static void *batch_room(struct batch *b)
{
	if (b->cap - b->len < BATCH_ROOM) {
		size_t cap = b->cap ? 2 * b->cap : 4 * BATCH_ROOM;
		void *nb = realloc(b->buf, cap);

		if (nb == NULL)
			return NULL;
		b->buf = nb;
		b->cap = cap;
	}
	return b->buf + b->len;
}

static int batch_note(struct batch *b, const char *fmt, const char *a, const char *c)
{
	if (b->nwhat == b->what_cap) {
		size_t cap = b->what_cap ? 2 * b->what_cap : 256;
		void *nw = realloc(b->what, cap * sizeof(*b->what));

		if (nw == NULL)
			return -ENOMEM;
		b->what = nw;
		b->what_cap = cap;
	}
	snprintf(b->what[b->nwhat++], sizeof(b->what[0]), fmt, a ? a : "", c ? c : "");
	return 0;
}

/* Rebuilds one message of a dump as a request of the transaction. */
static int batch_add(struct batch *b, const struct nlmsghdr *in,
		     const struct nfv_msg_filter_obj *ctrs, size_t nctrs, struct obj_ids *ids)
{
	uint16_t type = NFNL_MSG_TYPE(in->nlmsg_type);
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(in);
	uint16_t flags = NLM_F_CREATE;
	struct nlmsghdr *nlh;
	void *obj = NULL;
	int ret = -EINVAL;

	if (batch_room(b) == NULL)
		return -ENOMEM;
	switch (type) {
	case NFT_MSG_NEWTABLE:
		obj = nftnl_table_alloc();
		if (obj == NULL || nftnl_table_nlmsg_parse(in, obj) < 0) {
			if (obj != NULL)
				nftnl_table_free(obj);
			break;
		}
		ret = id_of(ids, type, obj);
		nftnl_table_unset(obj, NFTNL_TABLE_HANDLE);
		nftnl_table_unset(obj, NFTNL_TABLE_USE);
		nlh = nftnl_nlmsg_build_hdr((char *)b->buf + b->len, type, g->nfgen_family,
					    flags, ++b->seq);
		nftnl_table_nlmsg_build_payload(nlh, obj);
		if (ret == 0)
			ret = batch_note(b, "table %s%s", nftnl_table_get_str(obj,
					 NFTNL_TABLE_NAME), NULL);
		nftnl_table_free(obj);
		break;
	case NFT_MSG_NEWCHAIN:
		obj = nftnl_chain_alloc();
		if (obj == NULL || nftnl_chain_nlmsg_parse(in, obj) < 0) {
			if (obj != NULL)
				nftnl_chain_free(obj);
			break;
		}
		ret = id_of(ids, type, obj);
		nftnl_chain_unset(obj, NFTNL_CHAIN_HANDLE);
		nftnl_chain_unset(obj, NFTNL_CHAIN_USE);
		nlh = nftnl_nlmsg_build_hdr((char *)b->buf + b->len, type, g->nfgen_family,
					    flags, ++b->seq);
		nftnl_chain_nlmsg_build_payload(nlh, obj);
		if (ret == 0)
			ret = batch_note(b, "chain %s %s", nftnl_chain_get_str(obj,
					 NFTNL_CHAIN_TABLE), nftnl_chain_get_str(obj,
					 NFTNL_CHAIN_NAME));
		nftnl_chain_free(obj);
		break;
	case NFT_MSG_NEWSET:
		obj = nftnl_set_alloc();
		if (obj == NULL || nftnl_set_nlmsg_parse(in, obj) < 0) {
			if (obj != NULL)
				nftnl_set_free(obj);
			break;
		}
		ret = id_of(ids, type, obj);
		nftnl_set_unset(obj, NFTNL_SET_HANDLE);
		/* the kernel wants one for a new set; rules name it all the same */
		nftnl_set_set_u32(obj, NFTNL_SET_ID, b->seq + 1);
		nlh = nftnl_nlmsg_build_hdr((char *)b->buf + b->len, type, g->nfgen_family,
					    flags, ++b->seq);
		nftnl_set_nlmsg_build_payload(nlh, obj);
		if (ret == 0)
			ret = batch_note(b, "set %s %s", nftnl_set_get_str(obj, NFTNL_SET_TABLE),
					 nftnl_set_get_str(obj, NFTNL_SET_NAME));
		nftnl_set_free(obj);
		break;
	case NFT_MSG_NEWSETELEM:
		/* elements carry no handle: the message as it is, a request now */
		if (in->nlmsg_len > BATCH_ROOM)
			return -E2BIG;
		nlh = (struct nlmsghdr *)(b->buf + b->len);
		memcpy(nlh, in, in->nlmsg_len);
		nlh->nlmsg_flags = NLM_F_REQUEST | flags;
		nlh->nlmsg_seq = ++b->seq;
		nlh->nlmsg_pid = 0;
		ret = batch_note(b, "elements of a set%s%s", NULL, NULL);
		break;
	case NFT_MSG_NEWRULE:
		obj = nftnl_rule_alloc();
		if (obj == NULL || nftnl_rule_nlmsg_parse(in, obj) < 0) {
			if (obj != NULL)
				nftnl_rule_free(obj);
			break;
		}
		ret = id_of(ids, type, obj);
		if (ret == 0)
			ret = rule_prepare(obj, counters_find(ctrs, nctrs,
					   nftnl_rule_get_u32(obj, NFTNL_RULE_FAMILY),
					   nftnl_rule_get_str(obj, NFTNL_RULE_TABLE),
					   nftnl_rule_get_u64(obj, NFTNL_RULE_HANDLE)));
		nftnl_rule_unset(obj, NFTNL_RULE_HANDLE);
		nftnl_rule_unset(obj, NFTNL_RULE_POSITION);
		nlh = nftnl_nlmsg_build_hdr((char *)b->buf + b->len, type, g->nfgen_family,
					    flags | NLM_F_APPEND, ++b->seq);
		nftnl_rule_nlmsg_build_payload(nlh, obj);
		if (ret == 0)
			ret = batch_note(b, "a rule of chain %s %s", nftnl_rule_get_str(obj,
					 NFTNL_RULE_TABLE), nftnl_rule_get_str(obj,
					 NFTNL_RULE_CHAIN));
		nftnl_rule_free(obj);
		break;
	case NFT_MSG_NEWOBJ:
		obj = nftnl_obj_alloc();
		if (obj == NULL || nftnl_obj_nlmsg_parse(in, obj) < 0) {
			if (obj != NULL)
				nftnl_obj_free(obj);
			break;
		}
		ret = id_of(ids, type, obj);
		object_prepare(obj, object_find(ctrs, nctrs, nftnl_obj_get_u32(obj, NFTNL_OBJ_FAMILY),
						nftnl_obj_get_str(obj, NFTNL_OBJ_TABLE),
						nftnl_obj_get_str(obj, NFTNL_OBJ_NAME)));
		/* the kernel numbers a new object itself (nf_tables_newobj() reads
		 * no handle), and this libnftnl exports no nftnl_obj_unset() */
		nlh = nftnl_nlmsg_build_hdr((char *)b->buf + b->len, type, g->nfgen_family,
					    flags, ++b->seq);
		nftnl_obj_nlmsg_build_payload(nlh, obj);
		if (ret == 0)
			ret = batch_note(b, "object %s %s", nftnl_obj_get_str(obj, NFTNL_OBJ_TABLE),
					 nftnl_obj_get_str(obj, NFTNL_OBJ_NAME));
		nftnl_obj_free(obj);
		break;
	case NFT_MSG_NEWFLOWTABLE:
		/* its devices must exist in this namespace's kernel, which has
		 * none of the dataplane's ports: a kernel without flowtables
		 * (CONFIG_NF_FLOW_TABLE) refuses it anyway. Listed by --netlink */
		obj = nftnl_flowtable_alloc();
		if (obj == NULL || nftnl_flowtable_nlmsg_parse(in, obj) < 0) {
			if (obj != NULL)
				nftnl_flowtable_free(obj);
			break;
		}
		nftnl_flowtable_unset(obj, NFTNL_FLOWTABLE_HANDLE);
		nftnl_flowtable_unset(obj, NFTNL_FLOWTABLE_USE);
		nlh = nftnl_nlmsg_build_hdr((char *)b->buf + b->len, type, g->nfgen_family,
					    flags, ++b->seq);
		nftnl_flowtable_nlmsg_build_payload(nlh, obj);
		ret = batch_note(b, "flowtable %s %s", nftnl_flowtable_get_str(obj,
				 NFTNL_FLOWTABLE_TABLE), nftnl_flowtable_get_str(obj,
				 NFTNL_FLOWTABLE_NAME));
		nftnl_flowtable_free(obj);
		break;
	default:
		/* nothing else is in a ruleset the dataplane runs */
		return -EPROTONOSUPPORT;
	}
	if (ret < 0)
		return ret;
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return 0;
}

/* One transaction; the first error the kernel gives, naming its object. */
static int batch_send(struct mnl_socket *nl, struct batch *b, int err_fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int sz = (int)b->len + 4096, fd = mnl_socket_get_fd(nl);
	ssize_t n;

	/* the whole transaction goes in one send, as nft sends it */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (mnl_socket_sendto(nl, b->buf, b->len) < 0) {
		dprintf(err_fd, "loading the ruleset into nf_tables: %s\n", strerror(errno));
		return -errno;
	}
	/* nfnetlink ran the batch in the send; only errors are answered */
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		int len = (int)n;

		for (struct nlmsghdr *nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			uint32_t seq = nlh->nlmsg_seq;

			if (nlh->nlmsg_type != NLMSG_ERROR || e->error == 0)
				continue;
			dprintf(err_fd, "nf_tables refused %s: %s\n",
				seq >= 2 && seq - 2 < b->nwhat ? b->what[seq - 2] : "the ruleset",
				strerror(-e->error));
			return e->error;
		}
	}
	return 0;
}

/* The kernel's handles of what it holds now, in dump order. */
static int kernel_ids(struct mnl_socket *nl, struct obj_ids *ids)
{
	static const uint16_t types[] = { NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN,
					  NFT_MSG_GETOBJ, NFT_MSG_GETSET, NFT_MSG_GETRULE };
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];

	for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, types[i], NFPROTO_UNSPEC,
							     NLM_F_DUMP, 1000 + i);
		bool done = false;
		ssize_t n;

		if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
			return -errno;
		while (!done && (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
			int len = (int)n;

			for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
			     nlh = mnl_nlmsg_next(nlh, &len)) {
				uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);
				void *obj = NULL;
				int ret = -EINVAL;

				if (nlh->nlmsg_type == NLMSG_DONE) {
					done = true;
					break;
				}
				if (nlh->nlmsg_type == NLMSG_ERROR)
					return ((const struct nlmsgerr *)
						mnl_nlmsg_get_payload(nlh))->error;
				switch (type) {
				case NFT_MSG_NEWTABLE:
					obj = nftnl_table_alloc();
					if (obj && nftnl_table_nlmsg_parse(nlh, obj) == 0)
						ret = id_of(ids, type, obj);
					nftnl_table_free(obj);
					break;
				case NFT_MSG_NEWCHAIN:
					obj = nftnl_chain_alloc();
					if (obj && nftnl_chain_nlmsg_parse(nlh, obj) == 0)
						ret = id_of(ids, type, obj);
					nftnl_chain_free(obj);
					break;
				case NFT_MSG_NEWSET:
					obj = nftnl_set_alloc();
					if (obj && nftnl_set_nlmsg_parse(nlh, obj) == 0)
						ret = id_of(ids, type, obj);
					nftnl_set_free(obj);
					break;
				case NFT_MSG_NEWRULE:
					obj = nftnl_rule_alloc();
					if (obj && nftnl_rule_nlmsg_parse(nlh, obj) == 0)
						ret = id_of(ids, type, obj);
					nftnl_rule_free(obj);
					break;
				case NFT_MSG_NEWOBJ:
					obj = nftnl_obj_alloc();
					if (obj && nftnl_obj_nlmsg_parse(nlh, obj) == 0)
						ret = id_of(ids, type, obj);
					nftnl_obj_free(obj);
					break;
				}
				if (ret < 0)
					return ret;
			}
		}
		if (!done)
			return -EIO;
	}
	return 0;
}

/* The handle the input gave the object the kernel calls (family, table, khandle). */
static bool handle_back(const struct obj_ids *in, const struct obj_ids *kern, uint32_t family,
			const char *table, bool is_table, uint64_t khandle, uint64_t *out)
{
	for (size_t i = 0; i < kern->n; i++) {
		const struct obj_id *k = &kern->v[i], *o;

		if (k->handle != khandle || k->family != family || strcmp(k->table, table) ||
		    (k->kind == NFV_FILTER_OBJ_TABLE) != is_table)
			continue;
		o = id_find(in, k);
		if (o == NULL)
			return false;
		*out = o->handle;
		return true;
	}
	return false;
}

/*
 * nft's listing with the input's handles: each "# handle K" of a table
 * line names that table; every other one an object of the table above it.
 */
static int write_mapped(int fd, const char *text, const struct obj_ids *in,
			const struct obj_ids *kern)
{
	static const char tag[] = "# handle ";
	char table[NFT_TABLE_MAXNAMELEN] = "";
	uint32_t family = 0;
	const char *line = text;

	while (*line != '\0') {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) + 1 : strlen(line);
		const char *start = line, *mark, *end;
		char fam[16], name[NFT_TABLE_MAXNAMELEN];
		uint64_t kh = 0, h;
		bool is_table;

		while (*start == '\t' || *start == ' ')
			start++;
		is_table = strncmp(start, "table ", 6) == 0;
		if (is_table && sscanf(start, "table %15s %255s", fam, name) == 2 &&
		    nfv_nft_family_from_name(fam) >= 0) {
			family = (uint32_t)nfv_nft_family_from_name(fam);
			snprintf(table, sizeof(table), "%s", name);
		}
		mark = memmem(line, len, tag, sizeof(tag) - 1);
		if (mark == NULL) {
			dprintf(fd, "%.*s", (int)len, line);
			line += len;
			continue;
		}
		end = mark + sizeof(tag) - 1;
		while (*end >= '0' && *end <= '9')
			kh = kh * 10 + (uint64_t)(*end++ - '0');
		if (handle_back(in, kern, family, table, is_table, kh, &h))
			dprintf(fd, "%.*s%s%" PRIu64, (int)(mark - line), line, tag, h);
		else
			dprintf(fd, "%.*s%s?", (int)(mark - line), line, tag);
		dprintf(fd, "%.*s", (int)(line + len - end), end);
		line += len;
	}
	return 0;
}

static int list_ruleset(int out_fd, int err_fd, bool handles, const struct obj_ids *in,
			struct mnl_socket *nl)
{
	struct obj_ids kern = { 0 };
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *text;
	int ret = NFV_NFTC_FAILED;

	if (ctx == NULL || nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		dprintf(err_fd, "nft_ctx_new failed\n");
		goto out;
	}
	if (handles)
		nft_ctx_output_set_flags(ctx, nft_ctx_output_get_flags(ctx) |
					 NFT_CTX_OUTPUT_HANDLE);
	if (nft_run_cmd_from_buffer(ctx, "list ruleset") != 0) {
		dprintf(err_fd, "nft list ruleset: %s", nft_ctx_get_error_buffer(ctx));
		goto out;
	}
	text = nft_ctx_get_output_buffer(ctx);
	if (!handles) {
		dprintf(out_fd, "%s", text);
		ret = NFV_NFTC_OK;
		goto out;
	}
	if (kernel_ids(nl, &kern) < 0) {
		dprintf(err_fd, "dumping the handles back: %s\n", strerror(errno));
		goto out;
	}
	write_mapped(out_fd, text, in, &kern);
	ret = NFV_NFTC_OK;
out:
	free(kern.v);
	if (ctx != NULL)
		nft_ctx_free(ctx);
	return ret;
}

int nfv_nftc_list(const void *msgs, size_t len, const void *ctrs, size_t ctrs_len,
		  bool handles, int out_fd, int err_fd)
{
	const struct nfv_msg_filter_obj *cv = ctrs;
	size_t nctrs = ctrs_len / sizeof(*cv);
	struct batch b = { 0 };
	struct obj_ids in = { 0 };
	struct mnl_socket *nl = NULL;
	int left = (int)len, ret;
	const struct nlmsghdr *nlh;

	ret = nfv_nftc_own_netns();
	if (ret < 0) {
		dprintf(err_fd, "a network namespace of its own: %s (needs CAP_SYS_ADMIN or "
			"user namespaces)\n", strerror(-ret));
		return NFV_NFTC_FAILED;
	}
	ret = NFV_NFTC_FAILED;
	if (batch_room(&b) == NULL)
		goto out;
	nftnl_batch_begin((char *)b.buf, ++b.seq);
	b.len += NLMSG_ALIGN(((struct nlmsghdr *)b.buf)->nlmsg_len);
	/* a length of 2^31 or more passes mnl_nlmsg_ok() and steps by 0 */
	for (nlh = msgs; mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= (uint32_t)left;
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		int r = batch_add(&b, nlh, cv, nctrs, &in);

		if (r < 0) {
			dprintf(err_fd, "message %u (type %u) of the ruleset: %s\n",
				b.seq, NFNL_MSG_TYPE(nlh->nlmsg_type), strerror(-r));
			goto out;
		}
	}
	if (left != 0) {
		dprintf(err_fd, "the ruleset ends in the middle of a message\n");
		goto out;
	}
	if (batch_room(&b) == NULL)
		goto out;
	nftnl_batch_end((char *)b.buf + b.len, ++b.seq);
	b.len += NLMSG_ALIGN(((struct nlmsghdr *)(b.buf + b.len))->nlmsg_len);
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		dprintf(err_fd, "a netfilter netlink socket: %s\n", strerror(errno));
		goto out;
	}
	if (batch_send(nl, &b, err_fd) < 0)
		goto out;
	ret = list_ruleset(out_fd, err_fd, handles, &in, nl);
out:
	if (nl != NULL)
		mnl_socket_close(nl);
	free(b.buf);
	free(b.what);
	free(in.v);
	return ret;
}

/* Parses one message as the dataplane will; 0, or -1 when libnftnl refuses it. */
static int validate_one(const struct nlmsghdr *nlh)
{
	void *obj;
	int ret = -1;

	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWTABLE:
		obj = nftnl_table_alloc();
		if (obj != NULL) {
			ret = nftnl_table_nlmsg_parse(nlh, obj);
			nftnl_table_free(obj);
		}
		return ret < 0 ? -1 : 0;
	case NFT_MSG_NEWCHAIN:
		obj = nftnl_chain_alloc();
		if (obj != NULL) {
			ret = nftnl_chain_nlmsg_parse(nlh, obj);
			nftnl_chain_free(obj);
		}
		return ret < 0 ? -1 : 0;
	case NFT_MSG_NEWSET:
		obj = nftnl_set_alloc();
		if (obj != NULL) {
			ret = nftnl_set_nlmsg_parse(nlh, obj);
			nftnl_set_free(obj);
		}
		return ret < 0 ? -1 : 0;
	case NFT_MSG_NEWSETELEM:
		obj = nftnl_set_alloc();
		if (obj != NULL) {
			ret = nftnl_set_elems_nlmsg_parse(nlh, obj);
			nftnl_set_free(obj);
		}
		return ret < 0 ? -1 : 0;
	case NFT_MSG_NEWRULE:
		obj = nftnl_rule_alloc();
		if (obj != NULL) {
			ret = nftnl_rule_nlmsg_parse(nlh, obj);
			nftnl_rule_free(obj);
		}
		return ret < 0 ? -1 : 0;
	case NFT_MSG_NEWFLOWTABLE:
		obj = nftnl_flowtable_alloc();
		if (obj != NULL) {
			ret = nftnl_flowtable_nlmsg_parse(nlh, obj);
			nftnl_flowtable_free(obj);
		}
		return ret < 0 ? -1 : 0;
	case NFT_MSG_NEWOBJ:
		obj = nftnl_obj_alloc();
		if (obj != NULL) {
			ret = nftnl_obj_nlmsg_parse(nlh, obj);
			nftnl_obj_free(obj);
		}
		return ret < 0 ? -1 : 0;
	}
	/* what the dataplane's parser skips is no danger to it */
	return 0;
}

int nfv_nftc_validate(const void *msgs, size_t len, int err_fd)
{
	int left = (int)len;
	unsigned int n = 0;
	const struct nlmsghdr *nlh;

	if (len > INT32_MAX) {
		dprintf(err_fd, "%zu bytes of messages\n", len);
		return NFV_NFTC_REFUSED;
	}
	/* a message libnftnl finds malformed ends this process (its
	 * abi_breakage() exits): the dataplane runs this first, apart */
	/* a length of 2^31 or more passes mnl_nlmsg_ok() and steps by 0 */
	for (nlh = msgs; mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= (uint32_t)left;
	     nlh = mnl_nlmsg_next(nlh, &left), n++) {
		if (validate_one(nlh) < 0) {
			dprintf(err_fd, "message %u (type %u) is malformed\n", n,
				NFNL_MSG_TYPE(nlh->nlmsg_type));
			return NFV_NFTC_REFUSED;
		}
	}
	if (left != 0) {
		dprintf(err_fd, "trailing bytes after the last netlink message (%u)\n", n);
		return NFV_NFTC_REFUSED;
	}
	return NFV_NFTC_OK;
}

