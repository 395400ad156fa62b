/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Just enough netlink TLV handling for the nfvpn family, so that the
 * client links statically without libmnl.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "nfv_steer_msg.h"

static void *nfv_nlmsg_reserve(struct nfv_nlmsg *m, size_t len)
{
	size_t need = m->len + NLMSG_ALIGN(len);
	uint8_t *p;

	if (m->err)
		return NULL;
	if (need > m->cap) {
		size_t cap = m->cap ? m->cap : 4096;

		while (cap < need)
			cap *= 2;
		p = realloc(m->buf, cap);
		if (!p) {
			m->err = -ENOMEM;
			return NULL;
		}
		m->buf = p;
		m->cap = cap;
	}
	p = m->buf + m->len;
	memset(p, 0, NLMSG_ALIGN(len));
	m->len = need;
	nfv_nlmsg_hdr(m)->nlmsg_len = m->len;
	return p;
}

int nfv_nlmsg_init(struct nfv_nlmsg *m, uint16_t type, uint16_t flags,
		   uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	if (!nfv_nlmsg_reserve(m, NLMSG_HDRLEN + GENL_HDRLEN))
		return m->err;
	nlh = nfv_nlmsg_hdr(m);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
	return 0;
}

void nfv_nlmsg_fini(struct nfv_nlmsg *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

void nfv_nlmsg_put(struct nfv_nlmsg *m, uint16_t type, const void *data,
		   size_t len)
{
	struct nlattr *a;

	if (len > UINT16_MAX - NLA_HDRLEN) {
		m->err = -EMSGSIZE;
		return;
	}
	a = nfv_nlmsg_reserve(m, NLA_HDRLEN + len);
	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
}

void nfv_nlmsg_put_u8(struct nfv_nlmsg *m, uint16_t type, uint8_t v)
{
	nfv_nlmsg_put(m, type, &v, sizeof(v));
}

void nfv_nlmsg_put_u16(struct nfv_nlmsg *m, uint16_t type, uint16_t v)
{
	nfv_nlmsg_put(m, type, &v, sizeof(v));
}

void nfv_nlmsg_put_u32(struct nfv_nlmsg *m, uint16_t type, uint32_t v)
{
	nfv_nlmsg_put(m, type, &v, sizeof(v));
}

void nfv_nlmsg_put_str(struct nfv_nlmsg *m, uint16_t type, const char *s)
{
	nfv_nlmsg_put(m, type, s, strlen(s) + 1);
}

size_t nfv_nlmsg_nest_start(struct nfv_nlmsg *m, uint16_t type)
{
	size_t off = m->len;

	nfv_nlmsg_put(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

void nfv_nlmsg_nest_end(struct nfv_nlmsg *m, size_t off)
{
	struct nlattr *a;

	if (m->err)
		return;
	a = (struct nlattr *)(m->buf + off);
	if (m->len - off > UINT16_MAX) {
		m->err = -EMSGSIZE;
		return;
	}
	a->nla_len = m->len - off;
}

int nfv_nla_parse(const struct nlattr **tb, int max, const void *data,
		  size_t len)
{
	const uint8_t *p = data;
	const struct nlattr *a;
	int type;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len >= NLA_HDRLEN) {
		a = (const struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -EINVAL;
		type = a->nla_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

/* Short attributes read as zero rather than past their end. */
#define NFV_NLA_GET(type, a) ({					\
	type __v = 0;						\
	if (nfv_nla_len(a) >= sizeof(__v))			\
		memcpy(&__v, nfv_nla_data(a), sizeof(__v));	\
	__v; })

uint8_t nfv_nla_u8(const struct nlattr *a)
{
	return NFV_NLA_GET(uint8_t, a);
}

uint16_t nfv_nla_u16(const struct nlattr *a)
{
	return NFV_NLA_GET(uint16_t, a);
}

uint32_t nfv_nla_u32(const struct nlattr *a)
{
	return NFV_NLA_GET(uint32_t, a);
}

uint64_t nfv_nla_u64(const struct nlattr *a)
{
	return NFV_NLA_GET(uint64_t, a);
}
