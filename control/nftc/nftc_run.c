/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nft syntax to netlink messages. libnftables only talks to a kernel, so
 * the process enters a fresh network namespace (the host's ruleset is
 * never touched), lets libnftables load the text there (as a file, so
 * that an error says where), dumps the ruleset back over netlink and
 * writes the raw messages out, the same bytes as a kernel dump that the
 * mirror reads (control/mirror).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>
#include <nftables/libnftables.h>

#include "nfv_nftc_compile.h"

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

static void say(int fd, const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	write_all(fd, msg, strlen(msg));
}

/*
 * One dump request; every answer goes to fd, sets also into sets. The
 * sequence number and port id are zeroed: the same text gives the same
 * bytes, and nobody reads them after the dump.
 */
static int dump(struct mnl_socket *nl, int fd, uint16_t type, struct nftnl_set *s,
		struct nftnl_set_list *sets)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct nlmsghdr *nlh;
	uint32_t seq = type;
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
			nlh->nlmsg_seq = 0;
			nlh->nlmsg_pid = 0;
			if (write_all(fd, nlh, nlh->nlmsg_len))
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

static int dump_all(int fd)
{
	/* named objects before the object maps whose elements name them,
	 * flowtables before the rules whose flow add names them */
	static const uint16_t types[] = { NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN,
					  NFT_MSG_GETOBJ, NFT_MSG_GETSET, NFT_MSG_GETFLOWTABLE,
					  NFT_MSG_GETRULE };
	struct nftnl_set_list *sets = nftnl_set_list_alloc();
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct nftnl_set_list_iter *it;
	struct nftnl_set *s;
	int ret = -ENOMEM;

	if (nl == NULL || sets == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
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

/*
 * nft's message, with name where nft says "path:": from a file nft shows
 * line, column and the line itself; from a buffer only its first line.
 */
static void say_nft(int fd, const char *msg, const char *path, const char *name)
{
	char needle[72];
	const char *p = msg, *hit;
	size_t nlen;

	nlen = snprintf(needle, sizeof(needle), "%s:", path);
	while ((hit = strstr(p, needle)) != NULL) {
		write_all(fd, p, hit - p);
		write_all(fd, name, strlen(name));
		write_all(fd, ":", 1);
		p = hit + nlen;
	}
	write_all(fd, p, strlen(p));
}

/* The text as a file nft can read by name, and nft's name of it. */
static int text_file(const char *text, char *path, size_t len)
{
	size_t n = strlen(text);
	int fd = memfd_create("nft", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, text + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			w = -errno;
			close(fd);
			return (int)w;
		}
		off += w;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/*
 * A network namespace of our own: as root, or else inside a user
 * namespace of our own, in which we hold CAP_NET_ADMIN (nfvpnd under
 * systemd has no CAP_SYS_ADMIN; --check may run as any user).
 */
int nfv_nftc_own_netns(void)
{
	if (unshare(CLONE_NEWNET) == 0)
		return 0;
	if (errno != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return -errno;
	return 0;
}

int nfv_nftc_run(const char *text, const char *name, int out_fd, int err_fd)
{
	struct nft_ctx *ctx;
	char path[64];
	int fd, ret;

	ret = nfv_nftc_own_netns();
	if (ret < 0) {
		say(err_fd, "a network namespace of its own: %s (needs CAP_SYS_ADMIN or "
		    "user namespaces)\n", strerror(-ret));
		return NFV_NFTC_FAILED;
	}
	fd = text_file(text, path, sizeof(path));
	if (fd < 0) {
		say(err_fd, "a memfd for the nft text: %s\n", strerror(-fd));
		return NFV_NFTC_FAILED;
	}
	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (ctx == NULL || nft_ctx_buffer_error(ctx)) {
		say(err_fd, "%s\n", "nft_ctx_new failed");
		if (ctx != NULL)
			nft_ctx_free(ctx);
		close(fd);
		return NFV_NFTC_FAILED;
	}
	ret = nft_run_cmd_from_filename(ctx, path);
	close(fd);
	if (ret) {
		say_nft(err_fd, nft_ctx_get_error_buffer(ctx), path, name);
		nft_ctx_free(ctx);
		return NFV_NFTC_REFUSED;
	}
	nft_ctx_free(ctx);
	ret = dump_all(out_fd);
	if (ret) {
		say(err_fd, "dumping the ruleset: %s\n", strerror(-ret));
		return NFV_NFTC_FAILED;
	}
	return NFV_NFTC_OK;
}
