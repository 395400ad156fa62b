/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nft syntax to libnftnl objects. libnftables only talks to a kernel, so a
 * forked child enters a fresh network namespace (the host's ruleset is
 * never touched), lets libnftables load the text there, dumps the ruleset
 * back over netlink and streams the raw messages to the parent, which
 * parses them with the same code as the kernel mirror (nft_nlmsg.c).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>
#include <nftables/libnftables.h>

#include "nfv_filter.h"

enum { FRAME_MSG = 0, FRAME_ERR = 1 };

static int write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= w;
	}
	return 0;
}

static int frame(int fd, uint32_t kind, const void *p, uint32_t len)
{
	uint32_t h[2] = { kind, len };

	return write_all(fd, h, sizeof(h)) || write_all(fd, p, len) ? -1 : 0;
}

/* One dump request; every answer goes to fd, sets also into sets. */
static int dump(struct mnl_socket *nl, int fd, uint16_t type, struct nftnl_set *s,
		struct nftnl_set_list *sets)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct nlmsghdr *nlh;
	uint32_t seq = time(NULL) + type;
	ssize_t n;

	nlh = nftnl_nlmsg_build_hdr(buf, type, s ? nftnl_set_get_u32(s, NFTNL_SET_FAMILY) :
				    NFPROTO_UNSPEC, NLM_F_DUMP | NLM_F_ACK, seq);
	if (s != NULL)
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int len = n;

		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (e->error)
					return e->error;
				continue;
			}
			if (frame(fd, FRAME_MSG, nlh, nlh->nlmsg_len))
				return -EPIPE;
			if (sets != NULL) {
				struct nftnl_set *ns = nftnl_set_alloc();

				if (ns && nftnl_set_nlmsg_parse(nlh, ns) == 0)
					nftnl_set_list_add_tail(ns, sets);
				else if (ns)
					nftnl_set_free(ns);
			}
		}
	}
	return n < 0 ? -errno : 0;
}

static int child_dump(int fd)
{
	static const uint16_t types[] = { NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN,
					  NFT_MSG_GETSET, NFT_MSG_GETRULE };
	struct nftnl_set_list *sets = nftnl_set_list_alloc();
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct nftnl_set_list_iter *it;
	struct nftnl_set *s;
	int ret = -ENOMEM;

	if (nl == NULL || sets == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	for (unsigned int i = 0; i < 4; i++) {
		ret = dump(nl, fd, types[i], NULL,
			   types[i] == NFT_MSG_GETSET ? sets : NULL);
		if (ret)
			goto out;
		/* elements right after the sets, before the rules that use them */
		if (types[i] != NFT_MSG_GETSET)
			continue;
		it = nftnl_set_list_iter_create(sets);
		while (it && ret == 0 && (s = nftnl_set_list_iter_next(it)) != NULL)
			ret = dump(nl, fd, NFT_MSG_GETSETELEM, s, NULL);
		if (it)
			nftnl_set_list_iter_destroy(it);
		if (ret)
			goto out;
	}
out:
	if (nl)
		mnl_socket_close(nl);
	if (sets)
		nftnl_set_list_free(sets);
	return ret;
}

static void child(int fd, const char *text)
{
	struct nft_ctx *ctx;
	char msg[256];
	int ret;

	if (unshare(CLONE_NEWNET)) {
		snprintf(msg, sizeof(msg), "unshare(CLONE_NEWNET): %s", strerror(errno));
		frame(fd, FRAME_ERR, msg, strlen(msg) + 1);
		_exit(1);
	}
	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (ctx == NULL || nft_ctx_buffer_error(ctx)) {
		frame(fd, FRAME_ERR, "nft_ctx_new failed", 19);
		_exit(1);
	}
	if (nft_run_cmd_from_buffer(ctx, text)) {
		const char *e = nft_ctx_get_error_buffer(ctx);

		frame(fd, FRAME_ERR, e, strlen(e) + 1);
		_exit(1);
	}
	ret = child_dump(fd);
	if (ret) {
		snprintf(msg, sizeof(msg), "dumping the ruleset: %s", strerror(-ret));
		frame(fd, FRAME_ERR, msg, strlen(msg) + 1);
		_exit(1);
	}
	_exit(0);
}

static int read_all(int fd, void *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (char *)p + r;
		n -= r;
	}
	return 0;
}

int nfv_nft_objs_from_text(const char *text, struct nfv_nft_objs *objs,
			   char *err, size_t errlen)
{
	uint32_t h[2];
	int fds[2], status, ret = 0;
	char *buf = NULL;
	pid_t pid;

	if (errlen)
		err[0] = '\0';
	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], text);
	}
	close(fds[1]);
	while (read_all(fds[0], h, sizeof(h)) == 0) {
		char *nb = realloc(buf, h[1] + 1);

		if (nb == NULL || read_all(fds[0], nb, h[1])) {
			free(nb);
			buf = NULL;
			ret = -EIO;
			break;
		}
		buf = nb;
		buf[h[1]] = '\0';
		if (h[0] == FRAME_ERR) {
			snprintf(err, errlen, "%s", buf);
			ret = -EINVAL;
		} else if (ret == 0) {
			ret = nfv_nft_objs_add_nlmsg(objs, buf);
			if (ret)
				snprintf(err, errlen, "parsing the dump: %s", strerror(-ret));
		}
	}
	free(buf);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ret = -EIO;
	return ret;
}

int nfv_filter_ruleset_from_text(const char *text,
				 const struct nfv_filter_config *cfg,
				 struct nfv_filter_ruleset **out,
				 char *err, size_t errlen)
{
	struct nfv_nft_objs o;
	int ret;

	ret = nfv_nft_objs_init(&o);
	if (ret)
		return ret;
	ret = nfv_nft_objs_from_text(text, &o, err, errlen);
	if (ret == 0)
		ret = nfv_filter_ruleset_build(&o, cfg, out, err, errlen);
	nfv_nft_objs_fini(&o);
	return ret;
}
