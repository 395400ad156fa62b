/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "filter_test.h"
#include "nfv_mbuf.h"
#include "nfv_test.h"

struct rte_mempool *ft_pool;
struct nfv_hook_table *ft_table;
struct nfv_filter_ifaces ft_ifaces = {
	.nb_ports = 2,
	.port = { { "eth0", 10, 1 }, { "wan1", 11, 1 } },
};

void ft_init(const char *prog)
{
	nfv_test_eal_init(prog);
	ft_pool = nfv_test_pool("ft_pool", 4095);
	ft_table = rte_zmalloc("ft_table", sizeof(*ft_table), 0);
	if (ft_pool == NULL || ft_table == NULL) {
		fprintf(stderr, "%s: no memory\n", prog);
		exit(1);
	}
	ft_table->nb_workers = 1;
}

void ft_inject_flush(void)
{
	struct nfv_inject_queue *q = &ft_table->inject[0][NFV_INJECT_LOCAL_OUT];

	for (uint16_t i = 0; i < q->n; i++)
		rte_pktmbuf_free(q->pkts[i]);
	q->n = 0;
}

struct rte_mbuf *tp_build(const struct tp *d)
{
	uint8_t buf[1600] = { 0 };
	int v6 = d->family == AF_INET6;
	uint16_t hl = v6 ? 40 : 20, l4len, optlen = 0, qlen = 0;
	uint8_t *l4 = buf + hl;
	struct rte_mbuf *m;

	if (d->proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4;

		optlen = d->wscale >= 0 && (d->flags & RTE_TCP_SYN_FLAG) ? 4 : 0;
		t->src_port = rte_cpu_to_be_16(d->sport);
		t->dst_port = rte_cpu_to_be_16(d->dport);
		t->sent_seq = rte_cpu_to_be_32(d->seq);
		t->recv_ack = rte_cpu_to_be_32(d->ack);
		t->data_off = ((20 + optlen) / 4) << 4;
		t->tcp_flags = d->flags;
		t->rx_win = rte_cpu_to_be_16(d->win ? d->win : 65535);
		if (optlen) {
			l4[20] = 1;
			l4[21] = 3;
			l4[22] = 3;
			l4[23] = d->wscale;
		}
		l4len = 20 + optlen;
	} else if (d->proto == IPPROTO_UDP) {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)l4;

		u->src_port = rte_cpu_to_be_16(d->sport);
		u->dst_port = rte_cpu_to_be_16(d->dport);
		u->dgram_len = rte_cpu_to_be_16(8 + d->payload);
		l4len = 8;
	} else {
		l4[0] = d->type;
		l4[1] = d->code;
		l4[4] = d->dport >> 8;
		l4[5] = d->dport & 0xff;
		l4len = 8;
		if (d->quote != NULL) {
			qlen = rte_pktmbuf_pkt_len(d->quote) < 200 ?
			       rte_pktmbuf_pkt_len(d->quote) : 200;
			memcpy(l4 + 8, rte_pktmbuf_mtod(d->quote, void *), qlen);
		}
	}
	l4len += d->payload + qlen;
	if (v6) {
		buf[0] = 0x60;
		buf[4] = l4len >> 8;
		buf[5] = l4len & 0xff;
		buf[6] = d->proto;
		buf[7] = 64;
		inet_pton(AF_INET6, d->src ? d->src : "2001:db8::1", buf + 8);
		inet_pton(AF_INET6, d->dst ? d->dst : "2001:db8::2", buf + 24);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;

		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16(20 + l4len);
		ip->time_to_live = 64;
		ip->next_proto_id = d->proto;
		inet_pton(AF_INET, d->src ? d->src : "10.0.0.1", &ip->src_addr);
		inet_pton(AF_INET, d->dst ? d->dst : "10.0.0.2", &ip->dst_addr);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	/* valid layer 4 checksums: conntrack checks them at PRE_ROUTING */
	if (d->proto == IPPROTO_TCP || d->proto == IPPROTO_UDP || d->proto == IPPROTO_ICMPV6) {
		uint16_t ck = v6 ? rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)buf, l4) :
			      rte_ipv4_udptcp_cksum((struct rte_ipv4_hdr *)buf, l4);

		memcpy(l4 + (d->proto == IPPROTO_TCP ? 16 : d->proto == IPPROTO_UDP ? 6 : 2),
		       &ck, 2);
	} else if (d->proto == IPPROTO_ICMP) {
		uint16_t ck = ~rte_raw_cksum(l4, l4len);

		memcpy(l4 + 2, &ck, 2);
	}
	m = nfv_test_mbuf(ft_pool, buf, hl + l4len);
	if (m != NULL) {
		struct nfv_mbuf_meta *meta = nfv_mbuf_meta(m);

		meta->family = v6 ? AF_INET6 : AF_INET;
		meta->iport = d->iport;
		meta->oport = d->oport;
		meta->mark = d->mark;
		meta->flags = d->meta_flags;
	}
	return m;
}

uint64_t ft_clock_now;

static uint64_t ft_clock(void)
{
	return ft_clock_now;
}

struct nfv_filter_config ft_config(void)
{
	struct nfv_filter_config c = {
		.nb_workers = 1,
		.hz = 1000,
		.ifaces = &ft_ifaces,
		.clock = ft_clock,
	};

	return c;
}

struct nfv_filter_ruleset *ft_ruleset(const char *text)
{
	struct nfv_filter_config cfg = ft_config();
	struct nfv_filter_ruleset *rs = NULL;
	char err[512];
	int ret;

	ret = ft_ruleset_from_text(text, &cfg, &rs, err, sizeof(err));
	if (ret)
		fprintf(stderr, "ruleset: %d %s\n", ret, err);
	CU_ASSERT_FATAL(ret == 0 && rs != NULL);
	return rs;
}

int ft_suite_ruleset(const char *text, const struct nfv_filter_config *cfg,
		     struct nfv_filter_ruleset **rs)
{
	struct nfv_filter_config def = ft_config();
	char err[512];

	if (ft_ruleset_from_text(text, cfg != NULL ? cfg : &def, rs, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "ruleset: %s\n", err);
	return 1;
}

int ft_suite_free(struct nfv_filter_ruleset **rs)
{
	nfv_filter_ruleset_free(*rs);
	*rs = NULL;
	return 0;
}

uint32_t ft_run(const struct nfv_filter_ruleset *rs, enum nfv_hook hook, int prio,
		struct rte_mbuf *m, uint64_t now)
{
	struct nfv_hook_state st = { .hook = hook, .worker = 0, .now = now,
				     .table = ft_table };
	uint32_t v = 0xdead;

	nfv_filter_ruleset_run(rs, prio, &m, 1, &v, &st);
	return v;
}

uint32_t ft_ct(struct nfv_ct_table *t, struct rte_mbuf *m, uint64_t now)
{
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = now,
				     .table = ft_table };
	uint32_t v = 0xdead, c = 0xdead;

	nfv_conntrack_in_process(t, &m, 1, &v, &st);
	st.hook = NFV_INET_LOCAL_IN;
	if (NFV_VERDICT(v) == NFV_ACCEPT)
		nfv_conntrack_confirm_process(t, &m, 1, &c, &st);
	return v;
}
