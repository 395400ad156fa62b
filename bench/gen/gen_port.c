/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: any ethdev, named after a --vdev/-a of the EAL or given as devargs
 * that are probed here (net_memif, net_ring, net_pcap, net_tap, ...). One
 * receive and one transmit queue; the generator polls both from one lcore.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "nfv_gen.h"

#define GEN_NB_RXD 1024
#define GEN_NB_TXD 1024

static int port_setup(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf = { 0 };
	uint16_t nb_rxd = GEN_NB_RXD, nb_txd = GEN_NB_TXD;
	int socket = rte_eth_dev_socket_id(port);
	int ret;

	if (socket < 0)
		socket = SOCKET_ID_ANY;
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret < 0)
		return ret;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (ret < 0)
		return ret;
	ret = rte_eth_rx_queue_setup(port, 0, nb_rxd, socket, NULL, mp);
	if (ret < 0)
		return ret;
	ret = rte_eth_tx_queue_setup(port, 0, nb_txd, socket, NULL);
	if (ret < 0)
		return ret;
	/* not every PMD has it (memif, ring); frames are ours anyway */
	rte_eth_promiscuous_enable(port);
	return rte_eth_dev_start(port);
}

int nfv_gen_port_open(const char *spec, struct rte_mempool *mp, uint16_t *port,
		      bool *probed)
{
	char name[RTE_DEV_NAME_MAX_LEN];
	size_t len = strcspn(spec, ",");
	int ret;

	*probed = false;
	if (rte_eth_dev_get_port_by_name(spec, port) != 0) {
		if (len >= sizeof(name))
			return -ENAMETOOLONG;
		memcpy(name, spec, len);
		name[len] = '\0';
		ret = rte_dev_probe(spec);
		if (ret < 0)
			return ret;
		*probed = true;
		if (rte_eth_dev_get_port_by_name(name, port) != 0) {
			ret = -ENODEV;
			goto err_remove;
		}
	}
	ret = port_setup(*port, mp);
	if (ret < 0)
		goto err_close;
	return 0;

err_close:
	nfv_gen_port_close(*port, *probed);
	return ret;
err_remove:
	rte_eal_hotplug_remove("vdev", name);
	return ret;
}

int nfv_gen_port_wait_link(uint16_t port, unsigned int timeout_ms)
{
	struct rte_eth_link link;
	unsigned int waited = 0;

	for (;;) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		rte_delay_ms(10);
		waited += 10;
	}
}

void nfv_gen_port_close(uint16_t port, bool probed)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (rte_eth_dev_info_get(port, &info) == 0)
		dev = info.device;
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	/* a device we probed goes too, so a memif server removes its socket */
	if (probed && dev != NULL)
		rte_dev_remove(dev);
}
