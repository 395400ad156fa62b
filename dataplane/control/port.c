/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: any DPDK port named by its devargs (a PCI address or a vdev),
 * probed at start-up, one rx and one tx queue per worker, RSS when the
 * port has it. Each port gets an exception TUN (net_tun, a TAP without
 * Ethernet) for the traffic the kernel must see: the dataplane owns L2
 * (ARP, ND), the kernel only sees IP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_string_fns.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "dp.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "stats.h"

/* The port named by devargs, probing it when it does not exist yet. */
static int port_probe(const char *devargs, uint16_t *port_id)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	size_t len = strcspn(devargs, ",");
	int ret;

	if (len >= sizeof(name))
		return -ENAMETOOLONG;
	memcpy(name, devargs, len);
	name[len] = '\0';
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	ret = rte_dev_probe(devargs);
	if (ret < 0)
		return ret;
	return rte_eth_dev_get_port_by_name(name, port_id);
}

/* What a frame adds to the MTU, as ethdev computes it. */
static uint32_t port_l2_overhead(const struct rte_eth_dev_info *info)
{
	if (info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu)
		return info->max_rx_pktlen - info->max_mtu;
	return RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
}

static int port_configure(struct nfv_dp *dp, uint16_t port_id, uint16_t mtu,
			  uint16_t rxd, uint16_t txd, bool rss)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	int ret;

	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret < 0)
		return ret;
	if (dp->nb_workers > info.max_rx_queues || dp->nb_workers > info.max_tx_queues)
		return -ENOTSUP;
	if (rss && dp->nb_workers > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
			info.flow_type_rss_offloads;
	}
	/*
	 * A frame bigger than one mbuf arrives as a chain (jumbo MTU): ask
	 * for scattered rx where the PMD can, and multi-segment tx always
	 * where offered, since reassembled and fragmented packets are chains.
	 */
	if (mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN >
	    RTE_MBUF_DEFAULT_DATAROOM && (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER))
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	conf.txmode.offloads |= info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/*
	 * Only an MTU the device can take (ethdev checks it against its max
	 * frame); a bigger one is refused by set_mtu below and the port keeps
	 * its own, as before.
	 */
	if (mtu >= info.min_mtu && mtu <= info.max_mtu &&
	    mtu + port_l2_overhead(&info) <= info.max_rx_pktlen)
		conf.rxmode.mtu = mtu;
	ret = rte_eth_dev_configure(port_id, dp->nb_workers, dp->nb_workers, &conf);
	if (ret < 0)
		return ret;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rxd, &txd);
	if (ret < 0)
		return ret;
	for (unsigned int q = 0; q < dp->nb_workers; q++) {
		unsigned int socket = rte_lcore_to_socket_id(dp->workers[q].lcore);

		ret = rte_eth_rx_queue_setup(port_id, q, rxd, socket, NULL, dp->pool);
		if (ret < 0)
			return ret;
		ret = rte_eth_tx_queue_setup(port_id, q, txd, socket, NULL);
		if (ret < 0)
			return ret;
	}
	ret = rte_eth_dev_set_mtu(port_id, mtu);
	if (ret < 0 && ret != -ENOTSUP && ret != -EINVAL)
		return ret;
	return 0;
}

/*
 * DPDK's af_packet PMD joins a fanout group with PACKET_FANOUT_FLAG_DEFRAG:
 * the kernel hands it IPv4 datagrams whole, cut to the ring's frame when
 * longer (docs/policy.md, ports).
 */
static bool port_kernel_defrag(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	return rte_eth_dev_info_get(port_id, &info) == 0 && info.driver_name != NULL &&
	       strcmp(info.driver_name, "net_af_packet") == 0;
}

static int tun_create(struct nfv_dp *dp, struct nfv_dp_port *p,
		      const struct nfv_policy_port *pp)
{
	char devargs[64];
	int ret;

	strlcpy(p->tun_ifname, pp->exception_ifname, sizeof(p->tun_ifname));
	snprintf(devargs, sizeof(devargs), "net_tun_nfv%u,iface=%s", p->idx, p->tun_ifname);
	ret = port_probe(devargs, &p->tun_id);
	if (ret < 0)
		return ret;
	ret = port_configure(dp, p->tun_id, p->mtu, 512, 512, false);
	if (ret < 0)
		return ret;
	return rte_eth_dev_start(p->tun_id);
}

static int port_init(struct nfv_dp *dp, struct nfv_dp_port *p,
		     const struct nfv_policy_port *pp)
{
	struct rte_ether_addr mac;
	uint16_t mtu;
	int ret;

	strlcpy(p->name, pp->name, sizeof(p->name));
	strlcpy(p->device, pp->device, sizeof(p->device));
	p->mtu = pp->mtu;
	/* none yet: a failed start closes only what was probed */
	p->port_id = UINT16_MAX;
	p->tun_id = UINT16_MAX;
	ret = port_probe(pp->device, &p->port_id);
	if (ret < 0) {
		NFV_LOG(ERR, "port %s: cannot probe '%s': %s", pp->name, pp->device,
			rte_strerror(-ret));
		return ret;
	}
	ret = port_configure(dp, p->port_id, pp->mtu, pp->rx_desc, pp->tx_desc, true);
	if (ret < 0) {
		NFV_LOG(ERR, "port %s: cannot configure: %s", pp->name, rte_strerror(-ret));
		return ret;
	}
	/*
	 * A device that refuses the MTU may still carry such frames (memif
	 * reports 1518-byte frames and chains bigger ones): the policy's MTU
	 * stays what output checks against, and the operator is told.
	 */
	if (rte_eth_dev_get_mtu(p->port_id, &mtu) == 0 && mtu != p->mtu)
		NFV_LOG(WARNING, "port %s: device '%s' refuses MTU %u (it reports %u); "
			"frames up to %u bytes are sent anyway, as the policy says",
			pp->name, pp->device, p->mtu, mtu, p->mtu);
	if (pp->has_mac) {
		memcpy(mac.addr_bytes, pp->mac, sizeof(pp->mac));
		ret = rte_eth_dev_default_mac_addr_set(p->port_id, &mac);
		if (ret < 0 && ret != -ENOTSUP)
			return ret;
	}
	ret = rte_eth_dev_start(p->port_id);
	if (ret < 0) {
		NFV_LOG(ERR, "port %s: cannot start: %s", pp->name, rte_strerror(-ret));
		return ret;
	}
	if (pp->has_mac)
		memcpy(p->mac.addr_bytes, pp->mac, sizeof(pp->mac));
	else
		rte_eth_macaddr_get(p->port_id, &p->mac);
	if (pp->promiscuous)
		rte_eth_promiscuous_enable(p->port_id);
	p->kernel_defrag = port_kernel_defrag(p->port_id);
	/* IPv6 ND needs the solicited-node groups */
	rte_eth_allmulticast_enable(p->port_id);
	if (pp->exception) {
		ret = tun_create(dp, p, pp);
		if (ret < 0) {
			NFV_LOG(ERR, "port %s: cannot create exception interface %s: %s",
				pp->name, pp->exception_ifname, rte_strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static void ports_assign(struct nfv_dp *dp);

static int ports_init(struct nfv_dp *dp)
{
	const struct nfv_policy *pol = dp->policy;
	int ret;

	if (pol->nb_ports > NFV_MAX_PORTS) {
		NFV_LOG(ERR, "%u ports in the policy, at most %u are supported",
			pol->nb_ports, NFV_MAX_PORTS);
		return -E2BIG;
	}
	for (unsigned int i = 0; i < pol->nb_ports; i++) {
		dp->ports[i].idx = i;
		dp->nb_ports = i + 1;
		ret = port_init(dp, &dp->ports[i], &pol->ports[i]);
		if (ret < 0)
			return ret;
	}
	ports_assign(dp);
	return 0;
}

static void ports_assign(struct nfv_dp *dp)
{
	for (unsigned int w = 0; w < dp->nb_workers; w++) {
		struct nfv_worker *wk = &dp->workers[w];

		wk->nb_rxq = 0;
		for (unsigned int i = 0; i < dp->nb_ports; i++) {
			const struct nfv_dp_port *p = &dp->ports[i];

			wk->rxq[wk->nb_rxq++] = (struct nfv_rxq){
				.port_id = p->port_id, .queue = w, .port_idx = i };
			if (p->tun_id != UINT16_MAX)
				wk->rxq[wk->nb_rxq++] = (struct nfv_rxq){
					.port_id = p->tun_id, .queue = w,
					.port_idx = i, .tun = true };
		}
	}
}

static void ports_stop(struct nfv_dp *dp)
{
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		struct nfv_dp_port *p = &dp->ports[i];

		if (p->port_id == UINT16_MAX)
			continue;
		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		if (p->tun_id != UINT16_MAX) {
			rte_eth_dev_stop(p->tun_id);
			rte_eth_dev_close(p->tun_id);
		}
	}
}

static int list_ports(struct nfv_dp *dp, struct nfv_mgmt_rows *rows)
{
	struct nfv_worker_stats sum;

	nfv_stats_workers_sum(dp, &sum);
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		const struct nfv_dp_port *p = &dp->ports[i];
		struct nfv_msg_port *r = nfv_mgmt_row(rows);
		struct rte_eth_stats st = { 0 };
		struct rte_eth_link link = { 0 };

		if (r == NULL)
			return -ENOMEM;
		rte_eth_stats_get(p->port_id, &st);
		rte_eth_link_get_nowait(p->port_id, &link);
		strlcpy(r->name, p->name, sizeof(r->name));
		strlcpy(r->device, p->device, sizeof(r->device));
		strlcpy(r->exception_ifname, p->tun_ifname, sizeof(r->exception_ifname));
		memcpy(r->mac, p->mac.addr_bytes, 6);
		r->port_id = p->port_id;
		r->mtu = p->mtu;
		r->link_up = link.link_status;
		r->speed_mbps = link.link_speed;
		r->rx_packets = st.ipackets;
		r->tx_packets = st.opackets;
		r->rx_bytes = st.ibytes;
		r->tx_bytes = st.obytes;
		r->rx_missed = st.imissed;
		r->rx_errors = st.ierrors;
		r->tx_errors = st.oerrors;
		r->punted = sum.punted[i];
		r->from_kernel = sum.from_kernel[i];
	}
	return 0;
}

static const struct nfv_mgmt_handler port_handlers[] = {
	NFV_MGMT_LISTING(NFV_MSG_PORTS, "ports", struct nfv_msg_port, list_ports),
};
NFV_MGMT_HANDLERS(port_handlers);

static struct nfv_ctl_module ports_module = {
	.name = "ports",
	.order = NFV_CTL_ORDER_PORTS,
	.init = ports_init,
	.stop = ports_stop,
};
NFV_CTL_MODULE(ports_module);
