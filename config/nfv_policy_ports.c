/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane and ports sections. */
#include <ctype.h>
#include <string.h>

#include "nfv_policy_priv.h"

enum { DP_K_NEIGH_TIMEOUT, DP_K_ICMP_RATE, DP_K_IKE_RATE, DP_K_MAX };

static const char *const dp_keys[DP_K_MAX] = { "neigh_timeout", "icmp_rate", "ike_rate" };

static const struct nfv_yschema dp_schema = { dp_keys, DP_K_MAX, 0 };

static const char *const port_keys[NFV_PORT_K_MAX] = {
	"name", "device", "mtu", "mac", "promiscuous", "exception",
	"exception_ifname", "rx_desc", "tx_desc",
};

static const struct nfv_yschema port_schema = {
	port_keys, NFV_PORT_K_MAX,
	1u << NFV_PORT_K_NAME | 1u << NFV_PORT_K_DEVICE,
};

#define EXC_PREFIX "nfv-"
#define IFNAME_MAX 15	/* IFNAMSIZ - 1 */

void nfv_read_dataplane(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_ymarks m;
	struct nfv_yitem it = { .schema = &dp_schema, .m = &m, .path = "dataplane" };
	int64_t v;

	if (n == NULL || nfv_yis_null(n) || !nfv_ymap_read(ld, n, &it))
		return;
	if (nfv_yget_int(ld, &it, DP_K_NEIGH_TIMEOUT, 1, 86400, &v))
		ld->p->neigh_timeout_s = (uint32_t)v;
	if (nfv_yget_int(ld, &it, DP_K_ICMP_RATE, 0, 100000, &v))
		ld->p->icmp_rate = (uint32_t)v;
	if (nfv_yget_int(ld, &it, DP_K_IKE_RATE, 0, 10000000, &v))
		ld->p->ike_rate = (uint32_t)v;
}

static void read_desc(struct nfv_ploader *ld, struct nfv_yitem *it,
		      unsigned int k, uint16_t *out)
{
	char path[96];
	int64_t v;

	if (!nfv_yget_int(ld, it, k, 64, 8192, &v))
		return;
	if (v & (v - 1)) {
		nfv_ynok(it, k);
		nfv_yerror(ld, it->m->val[k],
			   "%s: %lld is not a power of two in 64..8192",
			   nfv_ypath(it, k, path, sizeof(path)), (long long)v);
		return;
	}
	*out = (uint16_t)v;
}

/* DPDK splits devargs at blanks; none belongs in a device string. */
static void check_device(struct nfv_ploader *ld, struct nfv_yitem *it,
			 const char *dev)
{
	char path[96];
	const char *c;

	for (c = dev; *c != '\0'; c++) {
		if (isspace((unsigned char)*c) || !isprint((unsigned char)*c)) {
			nfv_ynok(it, NFV_PORT_K_DEVICE);
			nfv_yerror(ld, it->m->val[NFV_PORT_K_DEVICE],
				   "%s: \"%.40s\" contains a blank or control character; expected a PCI address or vdev devargs",
				   nfv_ypath(it, NFV_PORT_K_DEVICE, path, sizeof(path)),
				   dev);
			return;
		}
	}
}

/* What the kernel takes for a TUN name, minus '/', ':' and blanks. */
static bool ifname_valid(const char *s)
{
	const char *c;

	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (c = s; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' &&
		    *c != '.')
			return false;
	return true;
}

static void read_exception(struct nfv_ploader *ld, struct nfv_yitem *it,
			   struct nfv_policy_port *port)
{
	char path[96];

	nfv_yget_bool(ld, it, NFV_PORT_K_EXCEPTION, &port->exception);
	if (it->val[NFV_PORT_K_EXC_IFNAME] != NULL) {
		if (!nfv_yget_str(ld, it, NFV_PORT_K_EXC_IFNAME,
				  port->exception_ifname,
				  sizeof(port->exception_ifname)))
			return;
		if (!ifname_valid(port->exception_ifname)) {
			nfv_ynok(it, NFV_PORT_K_EXC_IFNAME);
			nfv_yerror(ld, it->m->val[NFV_PORT_K_EXC_IFNAME],
				   "%s: \"%s\" is not a valid interface name; expected letters, digits, '_', '-' or '.'",
				   nfv_ypath(it, NFV_PORT_K_EXC_IFNAME, path, sizeof(path)),
				   port->exception_ifname);
			port->exception_ifname[0] = '\0';
		}
		return;
	}
	if (!NFV_YOK(it->m, NFV_PORT_K_NAME))
		return;
	if (strlen(EXC_PREFIX) + strlen(port->name) > IFNAME_MAX) {
		if (port->exception)
			nfv_yerror(ld, it->m->val[NFV_PORT_K_NAME],
				   "%s: the default exception_ifname \"" EXC_PREFIX "%s\" is longer than %u characters; set exception_ifname",
				   nfv_ypath(it, NFV_PORT_K_NAME, path, sizeof(path)),
				   port->name, IFNAME_MAX);
		return;
	}
	/* Length checked above; memcpy keeps -Wformat-truncation quiet. */
	memcpy(port->exception_ifname, EXC_PREFIX, strlen(EXC_PREFIX));
	memcpy(port->exception_ifname + strlen(EXC_PREFIX), port->name,
	       strlen(port->name) + 1);
}

static void read_port(struct nfv_ploader *ld, struct nfv_yitem *it, void *obj)
{
	struct nfv_policy_port *port = obj;
	int64_t v;

	port->mark = it->m->map;
	port->mtu = NFV_POLICY_DEFAULT_MTU;
	port->rx_desc = NFV_POLICY_DEFAULT_DESC;
	port->tx_desc = NFV_POLICY_DEFAULT_DESC;
	port->exception = true;

	nfv_yget_name(ld, it, NFV_PORT_K_NAME, NFV_POLICY_PORT_NAME_MAX,
		      port->name);
	if (nfv_yget_str(ld, it, NFV_PORT_K_DEVICE, port->device,
			 sizeof(port->device)))
		check_device(ld, it, port->device);
	if (nfv_yget_int(ld, it, NFV_PORT_K_MTU, 68, 9600, &v))
		port->mtu = (uint16_t)v;
	port->has_mac = nfv_yget_mac(ld, it, NFV_PORT_K_MAC, port->mac);
	nfv_yget_bool(ld, it, NFV_PORT_K_PROMISC, &port->promiscuous);
	read_exception(ld, it, port);
	read_desc(ld, it, NFV_PORT_K_RX_DESC, &port->rx_desc);
	read_desc(ld, it, NFV_PORT_K_TX_DESC, &port->tx_desc);
}

void nfv_read_ports(struct nfv_ploader *ld, yaml_node_t *n)
{
	struct nfv_policy *p = ld->p;

	if (n == NULL)
		return;	/* reported as a missing key */
	p->ports = nfv_yread_seq(ld, n, "ports", NFV_SEC_PORTS, &port_schema,
				 sizeof(*p->ports), &p->nb_ports, read_port);
	if (p->nb_ports == 0 && ld->err == 0 &&
	    (n->type == YAML_SEQUENCE_NODE || nfv_yis_null(n)))
		nfv_yerror(ld, nfv_ymark(n),
			   "ports: at least one port is required");
}
