/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfv_steer: requests of the nfvpn generic netlink family over a plain
 * NETLINK_GENERIC socket, one request in flight at a time.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "nfv_steer.h"
#include "nfv_steer_msg.h"

#define NFV_STEER_RCVBUF	(128 * 1024)
/* A full table is one message of up to ~700 KiB. */
#define NFV_STEER_SNDBUF	(2 * 1024 * 1024)

struct nfv_steer {
	int fd;
	uint16_t family;
	uint32_t seq;
	char errmsg[256];
	uint8_t rbuf[NFV_STEER_RCVBUF];
};

const char *nfv_steer_errmsg(const struct nfv_steer *st)
{
	return st->errmsg;
}

static void nfv_steer_save_extack(struct nfv_steer *st,
				  const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= nlh->nlmsg_len ||
	    nfv_nla_parse(tb, NLMSGERR_ATTR_MAX, (const uint8_t *)nlh + off,
			  nlh->nlmsg_len - off))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(st->errmsg, sizeof(st->errmsg), "%.*s",
			 (int)nfv_nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nfv_nla_data(tb[NLMSGERR_ATTR_MSG]));
}

/* Send @m and read until its ack, error or end of dump. */
int nfv_steer_talk(struct nfv_steer *st, struct nfv_nlmsg *m,
			  nfv_steer_msg_cb cb, void *arg)
{
	struct nlmsghdr *nlh = nfv_nlmsg_hdr(m);
	uint32_t seq = ++st->seq;
	int stop = 0;
	ssize_t n;

	if (m->err)
		return m->err;
	st->errmsg[0] = '\0';
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(st->fd, m->buf, m->len, 0) < 0)
		return -errno;

	for (;;) {
		n = recv(st->fd, st->rbuf, sizeof(st->rbuf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (nlh = (struct nlmsghdr *)st->rbuf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return stop < 0 ? stop : 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error)
					nfv_steer_save_extack(st, nlh);
				if (e->error || !(nlh->nlmsg_flags & NLM_F_MULTI))
					return e->error ? e->error :
					       (stop < 0 ? stop : 0);
				continue;
			}
			if (cb && !stop)
				stop = cb(nlh, arg);
		}
	}
}

static int nfv_steer_resolve_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	uint16_t *id = arg;

	if (nfv_nla_parse(tb, CTRL_ATTR_MAX, (const uint8_t *)NLMSG_DATA(nlh) +
			  GENL_HDRLEN, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN))
		return -EINVAL;
	if (tb[CTRL_ATTR_FAMILY_ID])
		*id = nfv_nla_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

int nfv_steer_open(struct nfv_steer **out)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nfv_nlmsg m;
	struct nfv_steer *st;
	int one = 1, sz = NFV_STEER_SNDBUF, err;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (st->fd < 0) {
		err = -errno;
		goto err_free;
	}
	if (bind(st->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto err_close;
	}
	/* Best effort: the kernel then explains refusals in one line. */
	setsockopt(st->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(st->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(st->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(st->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));

	err = nfv_nlmsg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	if (err)
		goto err_close;
	nfv_nlmsg_put_str(&m, CTRL_ATTR_FAMILY_NAME, NFVPN_GENL_NAME);
	err = nfv_steer_talk(st, &m, nfv_steer_resolve_cb, &st->family);
	nfv_nlmsg_fini(&m);
	if (!err && !st->family)
		err = -ENOENT;
	if (err) {
		if (err == -ENOENT)
			snprintf(st->errmsg, sizeof(st->errmsg),
				 "generic netlink family \"%s\" not found: is nfvpn_stub loaded?",
				 NFVPN_GENL_NAME);
		goto err_close;
	}
	*out = st;
	return 0;

err_close:
	close(st->fd);
err_free:
	/* Keep the message for the caller's diagnostics on stderr. */
	if (st->errmsg[0])
		fprintf(stderr, "nfv_steer: %s\n", st->errmsg);
	free(st);
	return err;
}

void nfv_steer_close(struct nfv_steer *st)
{
	if (!st)
		return;
	close(st->fd);
	free(st);
}

void nfv_steer_sel_init(struct nfv_steer_sel *sel, uint32_t id, uint8_t family)
{
	memset(sel, 0, sizeof(*sel));
	sel->id = id;
	sel->family = family;
	sel->sport_max = UINT16_MAX;
	sel->dport_max = UINT16_MAX;
}

int nfv_steer_req(struct nfv_steer *st, struct nfv_nlmsg *m,
			 uint8_t cmd, uint16_t flags)
{
	return nfv_nlmsg_init(m, st->family, flags, cmd, NFVPN_GENL_VERSION);
}

static void nfv_steer_put_sel(struct nfv_nlmsg *m, const struct nfv_steer_sel *sel)
{
	size_t alen = sel->family == AF_INET6 ? 16 : 4;
	size_t nest = nfv_nlmsg_nest_start(m, NFVPN_A_SEL);

	nfv_nlmsg_put_u32(m, NFVPN_SEL_A_ID, sel->id);
	nfv_nlmsg_put_u8(m, NFVPN_SEL_A_FAMILY, sel->family);
	if (sel->proto)
		nfv_nlmsg_put_u8(m, NFVPN_SEL_A_PROTO, sel->proto);
	if (sel->src_plen) {
		nfv_nlmsg_put(m, NFVPN_SEL_A_SRC, sel->src, alen);
		nfv_nlmsg_put_u8(m, NFVPN_SEL_A_SRC_PLEN, sel->src_plen);
	}
	if (sel->dst_plen) {
		nfv_nlmsg_put(m, NFVPN_SEL_A_DST, sel->dst, alen);
		nfv_nlmsg_put_u8(m, NFVPN_SEL_A_DST_PLEN, sel->dst_plen);
	}
	if (sel->sport_min || sel->sport_max != UINT16_MAX) {
		nfv_nlmsg_put_u16(m, NFVPN_SEL_A_SPORT_MIN, sel->sport_min);
		nfv_nlmsg_put_u16(m, NFVPN_SEL_A_SPORT_MAX, sel->sport_max);
	}
	if (sel->dport_min || sel->dport_max != UINT16_MAX) {
		nfv_nlmsg_put_u16(m, NFVPN_SEL_A_DPORT_MIN, sel->dport_min);
		nfv_nlmsg_put_u16(m, NFVPN_SEL_A_DPORT_MAX, sel->dport_max);
	}
	if (sel->iif)
		nfv_nlmsg_put_u32(m, NFVPN_SEL_A_IIF, sel->iif);
	if (sel->mark_mask) {
		nfv_nlmsg_put_u32(m, NFVPN_SEL_A_MARK, sel->mark);
		nfv_nlmsg_put_u32(m, NFVPN_SEL_A_MARK_MASK, sel->mark_mask);
	}
	if (sel->hooks)
		nfv_nlmsg_put_u32(m, NFVPN_SEL_A_HOOKS, sel->hooks);
	if (sel->action)
		nfv_nlmsg_put_u8(m, NFVPN_SEL_A_ACTION, sel->action);
	nfv_nlmsg_nest_end(m, nest);
}

int nfv_steer_set_target(struct nfv_steer *st, const char *ifname,
			 const uint8_t *lladdr)
{
	struct nfv_nlmsg m;
	int err;

	err = nfv_steer_req(st, &m, NFVPN_CMD_SET_TARGET, 0);
	if (err)
		return err;
	if (ifname)
		nfv_nlmsg_put_str(&m, NFVPN_A_TARGET_IFNAME, ifname);
	else
		nfv_nlmsg_put_u32(&m, NFVPN_A_TARGET_IFINDEX, 0);
	if (lladdr)
		nfv_nlmsg_put(&m, NFVPN_A_TARGET_LLADDR, lladdr, 6);
	err = nfv_steer_talk(st, &m, NULL, NULL);
	nfv_nlmsg_fini(&m);
	return err;
}

int nfv_steer_add(struct nfv_steer *st, const struct nfv_steer_sel *sel, int pos)
{
	struct nfv_nlmsg m;
	int err;

	err = nfv_steer_req(st, &m, NFVPN_CMD_ADD_SEL, 0);
	if (err)
		return err;
	nfv_steer_put_sel(&m, sel);
	if (pos >= 0)
		nfv_nlmsg_put_u32(&m, NFVPN_A_POSITION, pos);
	err = nfv_steer_talk(st, &m, NULL, NULL);
	nfv_nlmsg_fini(&m);
	return err;
}

int nfv_steer_del(struct nfv_steer *st, uint32_t id)
{
	struct nfv_nlmsg m;
	int err;

	err = nfv_steer_req(st, &m, NFVPN_CMD_DEL_SEL, 0);
	if (err)
		return err;
	nfv_nlmsg_put_u32(&m, NFVPN_A_SEL_ID, id);
	err = nfv_steer_talk(st, &m, NULL, NULL);
	nfv_nlmsg_fini(&m);
	return err;
}

int nfv_steer_flush(struct nfv_steer *st)
{
	struct nfv_nlmsg m;
	int err;

	err = nfv_steer_req(st, &m, NFVPN_CMD_FLUSH_SEL, 0);
	if (err)
		return err;
	err = nfv_steer_talk(st, &m, NULL, NULL);
	nfv_nlmsg_fini(&m);
	return err;
}

int nfv_steer_replace(struct nfv_steer *st, const struct nfv_steer_sel *sels,
		      unsigned int n)
{
	struct nfv_nlmsg m;
	unsigned int i;
	int err;

	err = nfv_steer_req(st, &m, NFVPN_CMD_REPLACE, 0);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		nfv_steer_put_sel(&m, &sels[i]);
	err = nfv_steer_talk(st, &m, NULL, NULL);
	nfv_nlmsg_fini(&m);
	return err;
}
