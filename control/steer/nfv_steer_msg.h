/* SPDX-License-Identifier: BSD-3-Clause */
/* Netlink message building and parsing for nfv_steer (internal). */
#ifndef NFV_STEER_MSG_H
#define NFV_STEER_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

/* A growing buffer holding one request. */
struct nfv_nlmsg {
	uint8_t *buf;
	size_t len, cap;
	int err;		/* sticky: -ENOMEM once a put failed */
};

int nfv_nlmsg_init(struct nfv_nlmsg *m, uint16_t type, uint16_t flags,
		   uint8_t cmd, uint8_t version);
void nfv_nlmsg_fini(struct nfv_nlmsg *m);
void nfv_nlmsg_put(struct nfv_nlmsg *m, uint16_t type, const void *data,
		   size_t len);
void nfv_nlmsg_put_u8(struct nfv_nlmsg *m, uint16_t type, uint8_t v);
void nfv_nlmsg_put_u16(struct nfv_nlmsg *m, uint16_t type, uint16_t v);
void nfv_nlmsg_put_u32(struct nfv_nlmsg *m, uint16_t type, uint32_t v);
void nfv_nlmsg_put_str(struct nfv_nlmsg *m, uint16_t type, const char *s);
/* Returns the nest offset for nfv_nlmsg_nest_end(). */
size_t nfv_nlmsg_nest_start(struct nfv_nlmsg *m, uint16_t type);
void nfv_nlmsg_nest_end(struct nfv_nlmsg *m, size_t off);
static inline struct nlmsghdr *nfv_nlmsg_hdr(struct nfv_nlmsg *m)
{
	return (struct nlmsghdr *)m->buf;
}

/*
 * Index the attributes in [@data, @data + @len) by type into @tb[0..max];
 * unknown types are skipped. Returns -EINVAL on a malformed stream.
 */
int nfv_nla_parse(const struct nlattr **tb, int max, const void *data,
		  size_t len);
static inline const void *nfv_nla_data(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}
static inline size_t nfv_nla_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}
uint8_t nfv_nla_u8(const struct nlattr *a);
uint16_t nfv_nla_u16(const struct nlattr *a);
uint32_t nfv_nla_u32(const struct nlattr *a);
uint64_t nfv_nla_u64(const struct nlattr *a);

struct nfv_steer;

/* Called for each reply message (not for acks); non-zero stops. */
typedef int (*nfv_steer_msg_cb)(const struct nlmsghdr *nlh, void *arg);

/* Start a request of the nfvpn family on @st. */
int nfv_steer_req(struct nfv_steer *st, struct nfv_nlmsg *m, uint8_t cmd,
		  uint16_t flags);
/* Send @m and read until its ack, error or end of dump; 0 or -errno. */
int nfv_steer_talk(struct nfv_steer *st, struct nfv_nlmsg *m,
		   nfv_steer_msg_cb cb, void *arg);

#endif /* NFV_STEER_MSG_H */
