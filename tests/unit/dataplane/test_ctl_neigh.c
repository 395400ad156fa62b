/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbours on the control side (control/neigh.c): static entries from the
 * policy and from NEIGH_ADD, the NEIGH listing, NEIGH_DEL, bad ports, and
 * what a static entry does to packets held for resolution.
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_ring.h>

#include "ctl_fake.h"
#include "module.h"
#include "nfv_mbuf.h"

static struct ctl_fake f;
static struct nfv_mgmt_conn *c;

static struct nfv_policy_address addresses[1] = { { .port = "p0" } };
static struct nfv_policy_neighbour neighbours[1] = {
	{ .port = "p0", .mac = { 0x02, 0, 0, 0, 0xaa, 0x01 } },
};

/* p0 has 10.0.0.1/24; the policy has 10.0.0.2 at 02:00:00:00:aa:01 on p0. */
static void setup(void)
{
	ctl_fake_init(&f);
	addresses[0].prefix = ctl_prefix("10.0.0.1/24");
	neighbours[0].addr = ctl_addr("10.0.0.2");
	f.pol.addresses = addresses;
	f.pol.nb_addresses = RTE_DIM(addresses);
	f.pol.neighbours = neighbours;
	f.pol.nb_neighbours = RTE_DIM(neighbours);
	CTL_START(&f, "neighbours");
	c = ctl_conn_open(&f);
}

static struct nfv_policy_neighbour neigh(const char *port, const char *addr, uint8_t last)
{
	struct nfv_policy_neighbour n = { .mac = { 0x02, 0, 0, 0, 0xbb, last } };

	strcpy(n.port, port);
	n.addr = ctl_addr(addr);
	return n;
}

static struct nfv_msg_neigh_key key(const char *port, const char *addr)
{
	struct nfv_msg_neigh_key k = { 0 };

	strcpy(k.port, port);
	k.addr = ctl_addr(addr);
	return k;
}

/* The NEIGH record of (port, addr) in a copy of the listing; false if absent. */
static bool listed(const char *port, const char *addr, struct nfv_msg_neigh *out,
		   uint32_t *count)
{
	struct nfv_addr a = ctl_addr(addr);
	const struct nfv_msg_neigh *l;
	struct ctl_resp r;
	bool found = false;
	uint32_t n;

	CU_ASSERT_EQUAL(ctl_call(&f, c, NFV_MSG_NEIGH, NULL, 0, &r), 0);
	l = ctl_list(&r, sizeof(*l), &n);
	for (uint32_t i = 0; l != NULL && i < n && !found; i++) {
		if (strcmp(l[i].port, port) == 0 && l[i].addr.family == a.family &&
		    memcmp(l[i].addr.bytes, a.bytes, a.family == AF_INET ? 4 : 16) == 0) {
			if (out != NULL)
				*out = l[i];
			found = true;
		}
	}
	if (count != NULL)
		*count = n;
	ctl_resp_free(&r);
	return found;
}

/* What workers would find for (port, addr). */
static bool worker_mac(uint16_t port, const char *addr, struct rte_ether_addr *mac)
{
	struct nfv_addr a = ctl_addr(addr);
	struct nfv_neigh_key k;

	nfv_neigh_key_set(&k, port, a.family, a.bytes);
	return nfv_neigh_mac(&f.dp.neigh, &k, mac);
}

static void test_static(void)
{
	struct nfv_policy_neighbour n;
	struct rte_ether_addr mac;
	struct nfv_msg_neigh e;
	uint64_t gen;
	uint32_t count, ngen;

	setup();
	/* from the policy */
	CU_ASSERT_FATAL(listed("p0", "10.0.0.2", &e, &count));
	CU_ASSERT_EQUAL(count, 1);
	CU_ASSERT_EQUAL(e.state, NFV_NEIGH_PERMANENT);
	CU_ASSERT_EQUAL(memcmp(e.mac, neighbours[0].mac, 6), 0);
	CU_ASSERT_EQUAL(e.held, 0);
	CU_ASSERT(worker_mac(0, "10.0.0.2", &mac));

	gen = f.dp.generation;
	ngen = f.dp.neigh.gen;
	n = neigh("p1", "192.168.1.5", 5);
	CTL_OK(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n));
	/* a first MAC: offloaded flows (nfv_flowtable.h) learn again */
	CU_ASSERT_NOT_EQUAL(f.dp.neigh.gen, ngen);
	n = neigh("p1", "2001:db8::5", 6);
	CTL_OK(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 2);
	CU_ASSERT_FATAL(listed("p1", "2001:db8::5", &e, &count));
	CU_ASSERT_EQUAL(count, 3);
	CU_ASSERT_EQUAL(e.state, NFV_NEIGH_PERMANENT);
	CU_ASSERT_EQUAL(e.mac[5], 6);
	CU_ASSERT_EQUAL(e.addr.family, AF_INET6);
	CU_ASSERT(worker_mac(1, "192.168.1.5", &mac) && mac.addr_bytes[5] == 5);
	CU_ASSERT_FALSE(worker_mac(0, "192.168.1.5", &mac));	/* per port */

	/* the same MAC again changes nothing a flow cached */
	ngen = f.dp.neigh.gen;
	n = neigh("p1", "192.168.1.5", 5);
	CTL_OK(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n));
	CU_ASSERT_EQUAL(f.dp.neigh.gen, ngen);
	/* a new MAC replaces the old one, and flows learn it */
	n = neigh("p1", "192.168.1.5", 9);
	CTL_OK(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n));
	CU_ASSERT_NOT_EQUAL(f.dp.neigh.gen, ngen);
	CU_ASSERT(worker_mac(1, "192.168.1.5", &mac) && mac.addr_bytes[5] == 9);
	CU_ASSERT(listed("p1", "192.168.1.5", NULL, &count));
	CU_ASSERT_EQUAL(count, 3);
	ctl_fake_fini(&f);
}

static void test_del_and_refused(void)
{
	struct nfv_policy_neighbour n;
	struct nfv_msg_neigh_key k;
	struct rte_ether_addr mac;
	uint64_t gen;
	uint32_t count, ngen;

	setup();
	gen = f.dp.generation;
	n = neigh("p9", "10.0.0.3", 3);
	CTL_ERR(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n), -ENOENT, "no port 'p9'");
	/* an address of no family */
	n = neigh("p0", "10.0.0.3", 3);
	n.addr.family = 0;
	CTL_ERR(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n), -EINVAL, "address");
	n = neigh("p0", "224.0.0.5", 3);
	CTL_ERR(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n), -EINVAL, "unicast");
	n = neigh("p0", "::", 3);
	CTL_ERR(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n), -EINVAL, "unicast");
	k = key("p9", "10.0.0.2");
	CTL_ERR(&f, c, NFV_MSG_NEIGH_DEL, &k, sizeof(k), -ENOENT, "no port 'p9'");
	k = key("p1", "10.0.0.2");	/* it is on p0 */
	CTL_ERR(&f, c, NFV_MSG_NEIGH_DEL, &k, sizeof(k), -ENOENT, "no such neighbour");
	CU_ASSERT_EQUAL(f.dp.generation, gen);
	CU_ASSERT(listed("p0", "10.0.0.2", NULL, &count));
	CU_ASSERT_EQUAL(count, 1);

	k = key("p0", "10.0.0.2");
	ngen = f.dp.neigh.gen;
	CTL_OK(&f, c, NFV_MSG_NEIGH_DEL, &k, sizeof(k));
	CU_ASSERT_EQUAL(f.dp.generation, gen + 1);
	CU_ASSERT_NOT_EQUAL(f.dp.neigh.gen, ngen);
	CU_ASSERT_FALSE(listed("p0", "10.0.0.2", NULL, &count));
	CU_ASSERT_EQUAL(count, 0);
	CU_ASSERT_FALSE(worker_mac(0, "10.0.0.2", &mac));
	CTL_ERR(&f, c, NFV_MSG_NEIGH_DEL, &k, sizeof(k), -ENOENT, "no such neighbour");
	/* the slot comes back after the grace period: add again */
	n = neigh("p0", "10.0.0.2", 2);
	CTL_OK(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n));
	CU_ASSERT(worker_mac(0, "10.0.0.2", &mac) && mac.addr_bytes[5] == 2);
	ctl_fake_fini(&f);
}

/*
 * A routed packet whose next hop (port 0, dst) has no MAC yet, as a
 * worker hands it over; id is its IPv4 identification.
 */
static void hand_over_resolve_id(const char *dst, uint16_t id)
{
	uint8_t ip[20] = { 0x45, 0, 0, 20, id >> 8, id & 0xff, 0, 0, 64, 17 };
	struct rte_mbuf *m = nfv_test_mbuf(f.dp.pool, ip, sizeof(ip));
	struct nfv_mbuf_meta *meta;
	struct nfv_addr a = ctl_addr(dst);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	meta = nfv_mbuf_meta(m);
	meta->ctl = NFV_CTL_RESOLVE;
	meta->oport = 0;
	meta->family = AF_INET;
	memcpy(meta->module, a.bytes, 4);
	CU_ASSERT_FATAL(rte_ring_enqueue(f.dp.ctl_ring, m) == 0);
}

static void hand_over_resolve(const char *dst)
{
	hand_over_resolve_id(dst, 0);
}

/* The next frame for worker 0 to send; its ethertype and destination MAC. */
static bool sent(uint16_t *ethertype, struct rte_ether_addr *dst)
{
	struct rte_ether_hdr *eth;
	struct rte_mbuf *m;

	if (rte_ring_dequeue(f.dp.workers[0].ctl_tx, (void **)&m) != 0)
		return false;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	*ethertype = rte_be_to_cpu_16(eth->ether_type);
	*dst = eth->dst_addr;
	CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr, &f.dp.ports[0].mac));
	CU_ASSERT_EQUAL(nfv_mbuf_meta(m)->oport, 0);
	rte_pktmbuf_free(m);
	return true;
}

/*
 * A packet waits for 10.0.0.7 (an ARP probe goes out); NEIGH_ADD of it
 * sends the packet; one held for 10.0.0.8 is dropped, counted, by NEIGH_DEL.
 */
static void test_held_packets(void)
{
	struct nfv_ctl_module *mod = nfv_ctl_module_find("neighbours");
	struct nfv_policy_neighbour n;
	struct nfv_msg_neigh_key k;
	struct rte_ether_addr dst;
	struct nfv_msg_neigh e;
	uint16_t type;

	setup();
	hand_over_resolve("10.0.0.7");
	mod->poll(&f.dp, 0);
	CU_ASSERT_FATAL(listed("p0", "10.0.0.7", &e, NULL));
	CU_ASSERT_EQUAL(e.state, NFV_NEIGH_INCOMPLETE);
	CU_ASSERT_EQUAL(e.held, 1);
	CU_ASSERT_FATAL(sent(&type, &dst));
	CU_ASSERT_EQUAL(type, RTE_ETHER_TYPE_ARP);
	CU_ASSERT(rte_is_broadcast_ether_addr(&dst));
	CU_ASSERT_FALSE(sent(&type, &dst));

	n = neigh("p0", "10.0.0.7", 7);
	CTL_OK(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n));
	CU_ASSERT_FATAL(sent(&type, &dst));
	CU_ASSERT_EQUAL(type, RTE_ETHER_TYPE_IPV4);
	CU_ASSERT_EQUAL(memcmp(dst.addr_bytes, n.mac, 6), 0);
	CU_ASSERT(listed("p0", "10.0.0.7", &e, NULL));
	CU_ASSERT_EQUAL(e.state, NFV_NEIGH_PERMANENT);
	CU_ASSERT_EQUAL(e.held, 0);

	hand_over_resolve("10.0.0.8");
	mod->poll(&f.dp, 0);
	CU_ASSERT(sent(&type, &dst) && type == RTE_ETHER_TYPE_ARP);
	k = key("p0", "10.0.0.8");
	CTL_OK(&f, c, NFV_MSG_NEIGH_DEL, &k, sizeof(k));
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.dp.hooks, NFV_DR_NEIGH_UNRESOLVED), 1);
	CU_ASSERT_FALSE(listed("p0", "10.0.0.8", NULL, NULL));
	CU_ASSERT_FALSE(sent(&type, &dst));
	/* every mbuf is back */
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(f.dp.pool), 0);
	ctl_fake_fini(&f);
}

/* The IPv4 identification of the next frame for worker 0, or -1. */
static int sent_id(void)
{
	struct rte_mbuf *m;
	const uint8_t *ip;
	int id;

	if (rte_ring_dequeue(f.dp.workers[0].ctl_tx, (void **)&m) != 0)
		return -1;
	ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_HDR_LEN);
	id = ip[4] << 8 | ip[5];
	rte_pktmbuf_free(m);
	return id;
}

/*
 * 130 packets wait for one neighbour: the kernel holds its unres_qlen
 * (101) and drops the oldest for each newer one; the MAC, once known,
 * sends the 101 newest in the order they came.
 */
static void test_held_queue_full(void)
{
	struct nfv_policy_neighbour n;
	struct rte_ether_addr dst;
	struct nfv_msg_neigh e;
	uint16_t type;

	setup();
	for (unsigned int i = 0; i < 130; i++)
		hand_over_resolve_id("10.0.0.9", i);
	nfv_ctl_module_find("neighbours")->poll(&f.dp, 0);
	CU_ASSERT_FATAL(listed("p0", "10.0.0.9", &e, NULL));
	CU_ASSERT_EQUAL(e.held, NFV_NEIGH_HOLD);
	CU_ASSERT_EQUAL(nfv_drop_stats_sum(f.dp.hooks, NFV_DR_NEIGH_QUEUE_FULL), 130 - NFV_NEIGH_HOLD);
	CU_ASSERT_EQUAL(f.dp.neigh.held_dropped, 130 - NFV_NEIGH_HOLD);
	CU_ASSERT(sent(&type, &dst) && type == RTE_ETHER_TYPE_ARP);	/* one probe */
	CU_ASSERT_EQUAL(sent_id(), -1);

	n = neigh("p0", "10.0.0.9", 9);
	CTL_OK(&f, c, NFV_MSG_NEIGH_ADD, &n, sizeof(n));
	for (unsigned int i = 130 - NFV_NEIGH_HOLD; i < 130; i++)
		CU_ASSERT_EQUAL(sent_id(), (int)i);
	CU_ASSERT_EQUAL(sent_id(), -1);
	CU_ASSERT(listed("p0", "10.0.0.9", &e, NULL) && e.held == 0);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(f.dp.pool), 0);
	ctl_fake_fini(&f);
}

int main(int argc, char **argv)
{
	(void)argc;
	ctl_test_init(argv[0]);
	NFV_TEST_SUITE("ctl_neigh", NULL, NULL,
		{ "static entries: policy, NEIGH_ADD (IPv4, IPv6, replace), NEIGH", test_static },
		{ "NEIGH_DEL; bad port, bad address, no such neighbour", test_del_and_refused },
		{ "NEIGH_ADD sends held packets, NEIGH_DEL drops them", test_held_packets },
		{ "a full hold queue drops its oldest packet, as the kernel", test_held_queue_full });
	return nfv_test_run();
}
