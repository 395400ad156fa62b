/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mirror's life: netlink sockets, notifications, and a dump and push
 * after every transaction that touched the table (or lost notifications).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mirror_priv.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>

int nfv_mirror_open(const struct nfv_mirror_config *cfg, struct nfv_mirror **out)
{
	int group = NFNLGRP_NFTABLES, rcvbuf = 4 << 20, ret = -ENOMEM;
	struct nfv_mirror *m;

	if (cfg->table == NULL || strlen(cfg->table) >= sizeof(m->table) ||
	    cfg->socket == NULL || strlen(cfg->socket) >= sizeof(m->socket))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->family = cfg->family;
	snprintf(m->table, sizeof(m->table), "%s", cfg->table);
	snprintf(m->socket, sizeof(m->socket), "%s", cfg->socket);
	m->client.fd = -1;
	m->pending = true;
	m->req = mnl_socket_open(NETLINK_NETFILTER);
	m->ev = mnl_socket_open(NETLINK_NETFILTER);
	if (m->req == NULL || m->ev == NULL)
		goto err;
	if (mnl_socket_bind(m->req, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(m->ev, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(m->ev, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		ret = -errno;
		goto err;
	}
	/* a large transaction sends one notification per rule */
	setsockopt(mnl_socket_get_fd(m->ev), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		   sizeof(rcvbuf));
	*out = m;
	return 0;
err:
	nfv_mirror_close(m);
	return ret;
}

void nfv_mirror_close(struct nfv_mirror *m)
{
	if (m == NULL)
		return;
	if (m->connected)
		nfv_client_close(&m->client);
	if (m->req != NULL)
		mnl_socket_close(m->req);
	if (m->ev != NULL)
		mnl_socket_close(m->ev);
	free(m);
}

int nfv_mirror_fd(const struct nfv_mirror *m)
{
	return mnl_socket_get_fd(m->ev);
}

bool nfv_mirror_pending(const struct nfv_mirror *m)
{
	return m->pending;
}

const struct nfv_mirror_stats *nfv_mirror_stats(const struct nfv_mirror *m)
{
	return &m->st;
}

int nfv_mirror_sync(struct nfv_mirror *m)
{
	struct nfv_mirror_buf b = { 0 };
	uint32_t gen = 0;
	int ret;

	ret = mirror_dump(m, &b, &gen);
	if (ret < 0) {
		snprintf(m->st.last_error, sizeof(m->st.last_error), "dumping table %s: %s",
			 m->table, strerror(-ret));
		m->pending = true;
	} else {
		ret = mirror_push(m, &b);
		if (ret == 0) {
			m->st.pushes++;
			m->st.generation = gen;
			m->st.bytes = b.len;
		} else {
			m->st.push_errors++;
		}
	}
	free(b.p);
	return ret;
}

int nfv_mirror_process(struct nfv_mirror *m)
{
	static char buf[1 << 16];
	bool sync = false;
	ssize_t n;

	for (;;) {
		struct nlmsghdr *nlh;
		int len;

		n = recv(mnl_socket_get_fd(m->ev), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			/* notifications were lost: only a full dump is right */
			m->st.overruns++;
			sync = true;
			continue;
		}
		if (n <= 0)
			break;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
				continue;
			if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWGEN) {
				/* the end of a transaction */
				sync |= m->dirty;
				m->dirty = false;
			} else if (mirror_msg_is_ours(m, nlh)) {
				m->st.events++;
				m->dirty = true;
			}
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -errno;
	return sync || m->pending ? nfv_mirror_sync(m) : 0;
}
