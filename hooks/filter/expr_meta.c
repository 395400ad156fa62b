/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * meta and ct keys, stored in registers the way nft_meta_get_eval() and
 * nft_ct_get_eval() store them (host order words, 8 and 16-bit stores
 * zeroing the rest of the register).
 */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/if_packet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "filter_prog.h"
#include "nfv_ct.h"
#include "nfv_mbuf.h"

static uint8_t pkttype(const struct fpkt *p)
{
	uint8_t d[4];
	const uint8_t *a;

	if (p->nfproto == NFPROTO_IPV6) {
		a = rte_pktmbuf_read(p->m, 24, 1, d);
		return a && a[0] == 0xff ? PACKET_MULTICAST : PACKET_HOST;
	}
	a = rte_pktmbuf_read(p->m, 16, 4, d);
	if (a == NULL)
		return PACKET_HOST;
	if ((a[0] & 0xf0) == 0xe0)
		return PACKET_MULTICAST;
	if (a[0] == 0xff && a[1] == 0xff && a[2] == 0xff && a[3] == 0xff)
		return PACKET_BROADCAST;
	return PACKET_HOST;
}

static bool port_ok(const struct nfv_filter_ruleset *rs, uint16_t port)
{
	return rs->cfg.ifaces != NULL && port < rs->cfg.ifaces->nb_ports;
}

bool fmeta_get(const struct nfv_filter_ruleset *rs, const struct fpkt *p,
	       const struct nfv_hook_state *st, uint8_t key, uint32_t *dst)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	uint16_t port = meta->iport;
	uint16_t v16;

	switch (key) {
	case NFT_META_LEN:
		*dst = p->len;
		return true;
	case NFT_META_PROTOCOL:
		*dst = 0;
		v16 = rte_cpu_to_be_16(p->nfproto == NFPROTO_IPV6 ?
				       RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
		memcpy(dst, &v16, 2);
		return true;
	case NFT_META_MARK:
		*dst = meta->mark;
		return true;
	case NFT_META_NFPROTO:
		*dst = p->nfproto;
		return true;
	case NFT_META_L4PROTO:
		if (!p->has_l4)
			return false;
		*dst = p->l4proto;
		return true;
	case NFT_META_PKTTYPE:
		*dst = pkttype(p);
		return true;
	case NFT_META_SECPATH:
		*dst = !!(meta->flags & NFV_MBUF_F_SECPATH);
		return true;
	case NFT_META_CPU:
		*dst = st->worker;
		return true;
	case NFT_META_OIF:
	case NFT_META_OIFNAME:
	case NFT_META_OIFTYPE:
		port = meta->oport;
		break;
	}
	/* interface keys: no device, no match, as in the kernel */
	if (!port_ok(rs, port))
		return false;
	switch (key) {
	case NFT_META_IIF:
	case NFT_META_OIF:
		*dst = rs->cfg.ifaces->port[port].ifindex;
		return true;
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
		memcpy(dst, rs->cfg.ifaces->port[port].name, NFV_IFNAMSIZ);
		return true;
	case NFT_META_IIFTYPE:
	case NFT_META_OIFTYPE:
		*dst = rs->cfg.ifaces->port[port].type;
		return true;
	}
	return false;
}

void fmeta_set(const struct fpkt *p, uint8_t key, const uint32_t *src)
{
	if (key == NFT_META_MARK)
		nfv_mbuf_meta(p->m)->mark = *src;
}

bool fct_get(const struct fpkt *p, uint8_t key, uint8_t dir, uint32_t *dst)
{
	const struct nfv_mbuf_meta *meta = nfv_mbuf_meta(p->m);
	const struct nfv_ct *ct = meta->ct;

	if (key == NFT_CT_STATE) {
		/* nft_ct_get_eval(): untracked is a state of no connection */
		*dst = ct != NULL ? NF_CT_STATE_BIT(meta->ct_info) :
		       meta->ct_info == NFV_CT_UNTRACKED ? NF_CT_STATE_UNTRACKED_BIT :
		       NF_CT_STATE_INVALID_BIT;
		return true;
	}
	if (ct == NULL)
		return false;
	switch (key) {
	case NFT_CT_DIRECTION:
		*dst = meta->ct_info >= IP_CT_IS_REPLY;
		return true;
	case NFT_CT_STATUS:
		*dst = __atomic_load_n(&ct->status, __ATOMIC_RELAXED);
		return true;
	case NFT_CT_MARK:
		*dst = __atomic_load_n(&ct->mark, __ATOMIC_RELAXED);
		return true;
	}
	return false;
}

void fct_set(const struct fpkt *p, uint8_t key, const uint32_t *src)
{
	struct nfv_ct *ct = nfv_mbuf_meta(p->m)->ct;

	if (ct != NULL && key == NFT_CT_MARK)
		__atomic_store_n(&ct->mark, *src, __ATOMIC_RELAXED);
}
