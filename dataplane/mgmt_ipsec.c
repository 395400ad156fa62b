/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management requests of the VPN stage: list, add and delete SAs and
 * policies while the workers run. An SA request carries keys: they are
 * wiped from the request buffer once the module has its copy.
 */
#include <errno.h>
#include <string.h>

#include "dp.h"
#include "ipsec_apply.h"
#include "mgmt.h"

static int send_list(struct nfv_mgmt_conn *c, const struct nfv_msg_hdr *h,
		     struct nfv_buf *b, int ret)
{
	if (ret == 0 && b->err)
		ret = b->err;
	if (ret < 0) {
		nfv_buf_fini(b);
		return nfv_mgmt_error(c, h->seq, ret, "%s", strerror(-ret));
	}
	ret = nfv_mgmt_send(c, h->type, h->seq, 0, b->p, b->len);
	nfv_buf_fini(b);
	return ret;
}

static int sa_add(struct nfv_dp *dp, const struct nfv_msg_hdr *h, const void *payload,
		  char *why, size_t len)
{
	struct nfv_policy_sa sa;
	int ret;

	if (h->len < sizeof(sa)) {
		snprintf(why, len, "short SA request");
		return -EINVAL;
	}
	memcpy(&sa, payload, sizeof(sa));
	/* the connection's buffer is ours until the next read */
	explicit_bzero((void *)(uintptr_t)payload, sizeof(sa));
	sa.name[sizeof(sa.name) - 1] = '\0';
	if (sa.key_len > sizeof(sa.key) || sa.auth_key_len > sizeof(sa.auth_key) ||
	    sa.dir >= NFV_IPSEC_DIR_MAX || sa.mode >= NFV_IPSEC_MODE_MAX ||
	    sa.cipher >= NFV_IPSEC_CIPHER_MAX || sa.auth >= NFV_IPSEC_AUTH_MAX) {
		explicit_bzero(&sa, sizeof(sa));
		snprintf(why, len, "malformed SA request");
		return -EINVAL;
	}
	ret = nfv_ipsec_dp_sa_add(dp, &sa, why, len);
	explicit_bzero(&sa, sizeof(sa));
	return ret;
}

static int sp_add(struct nfv_dp *dp, const struct nfv_msg_hdr *h, const void *payload,
		  char *why, size_t len)
{
	struct nfv_msg_ipsec_sp_add r;

	if (h->len < sizeof(r)) {
		snprintf(why, len, "short policy request");
		return -EINVAL;
	}
	memcpy(&r, payload, sizeof(r));
	r.sp.name[sizeof(r.sp.name) - 1] = '\0';
	r.sa[sizeof(r.sa) - 1] = '\0';
	if (r.sp.dir >= NFV_IPSEC_DIR_MAX || r.sp.action >= NFV_IPSEC_ACTION_MAX ||
	    r.sp.src.addr.family != r.sp.dst.addr.family ||
	    (r.sp.src.addr.family != AF_INET && r.sp.src.addr.family != AF_INET6)) {
		snprintf(why, len, "malformed policy request");
		return -EINVAL;
	}
	return nfv_ipsec_dp_sp_add(dp, &r.sp, r.sa, why, len);
}

static int del(struct nfv_dp *dp, const struct nfv_msg_hdr *h, const void *payload,
	       char *why, size_t len)
{
	struct nfv_msg_name n;

	if (h->len < sizeof(n)) {
		snprintf(why, len, "short delete request");
		return -EINVAL;
	}
	memcpy(&n, payload, sizeof(n));
	n.name[sizeof(n.name) - 1] = '\0';
	if (h->type == NFV_MSG_IPSEC_SA_DEL)
		return nfv_ipsec_dp_sa_del(dp, n.name, why, len);
	return nfv_ipsec_dp_sp_del(dp, n.name, why, len);
}

int nfv_mgmt_ipsec(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
		   const struct nfv_msg_hdr *h, const void *payload)
{
	struct nfv_buf b = { 0 };
	char why[200] = "";
	int ret;

	switch (h->type) {
	case NFV_MSG_IPSEC_SAS:
		return send_list(c, h, &b, nfv_ipsec_dp_sa_list(dp, &b));
	case NFV_MSG_IPSEC_SPS:
		return send_list(c, h, &b, nfv_ipsec_dp_sp_list(dp, &b));
	case NFV_MSG_IPSEC_SA_ADD:
		ret = sa_add(dp, h, payload, why, sizeof(why));
		break;
	case NFV_MSG_IPSEC_SP_ADD:
		ret = sp_add(dp, h, payload, why, sizeof(why));
		break;
	case NFV_MSG_IPSEC_SA_DEL:
	case NFV_MSG_IPSEC_SP_DEL:
		ret = del(dp, h, payload, why, sizeof(why));
		break;
	default:
		return nfv_mgmt_error(c, h->seq, -EOPNOTSUPP, "unknown request type %u",
				      h->type);
	}
	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", why[0] ? why : strerror(-ret));
	return nfv_mgmt_send(c, h->type, h->seq, 0, NULL, 0);
}
