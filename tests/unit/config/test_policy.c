/* SPDX-License-Identifier: BSD-3-Clause */
/* Text forms, and good policies read back field by field. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_policy.h"
#include "nfv_policy_ipsec.h"
#include "nfv_test.h"

static void test_addr_text(void)
{
	char buf[NFV_ADDR_FMT_MAX];
	struct nfv_addr a;

	CU_ASSERT_EQUAL(nfv_addr_parse("10.0.0.1", &a), 0);
	CU_ASSERT_EQUAL(a.family, AF_INET);
	CU_ASSERT(a.bytes[0] == 10 && a.bytes[1] == 0 && a.bytes[2] == 0 && a.bytes[3] == 1);
	CU_ASSERT_STRING_EQUAL(nfv_addr_fmt(&a, buf, sizeof(buf)), "10.0.0.1");
	CU_ASSERT_EQUAL(nfv_addr_parse("2001:DB8:0:0::1", &a), 0);
	CU_ASSERT_EQUAL(a.family, AF_INET6);
	CU_ASSERT(a.bytes[0] == 0x20 && a.bytes[1] == 0x01 && a.bytes[15] == 1);
	CU_ASSERT_STRING_EQUAL(nfv_addr_fmt(&a, buf, sizeof(buf)), "2001:db8::1");
	CU_ASSERT_EQUAL(nfv_addr_parse("10.0.0.256", &a), -EINVAL);
	CU_ASSERT_EQUAL(nfv_addr_parse("10.0.0", &a), -EINVAL);
	CU_ASSERT_EQUAL(nfv_addr_parse("010.0.0.1", &a), -EINVAL);
	CU_ASSERT_EQUAL(nfv_addr_parse("fe80::1%eth0", &a), -EINVAL);
	CU_ASSERT_EQUAL(nfv_addr_parse("", &a), -EINVAL);
	CU_ASSERT_EQUAL(nfv_addr_parse("10.0.0.1/24", &a), -EINVAL);
	CU_ASSERT_EQUAL(a.family, 0);
}

static void test_prefix_text(void)
{
	char buf[NFV_PREFIX_FMT_MAX];
	struct nfv_prefix p;
	struct nfv_addr a;

	CU_ASSERT_EQUAL(nfv_prefix_parse("10.1.2.3/24", &p), 0);
	CU_ASSERT_EQUAL(p.len, 24);
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&p, buf, sizeof(buf)), "10.1.2.3/24");
	CU_ASSERT_TRUE(nfv_prefix_clear_host(&p));
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&p, buf, sizeof(buf)), "10.1.2.0/24");
	CU_ASSERT_FALSE(nfv_prefix_clear_host(&p));

	CU_ASSERT_EQUAL(nfv_prefix_parse("10.1.2.3", &p), 0);
	CU_ASSERT_EQUAL(p.len, 32);
	CU_ASSERT_EQUAL(nfv_prefix_parse("2001:db8::/32", &p), 0);
	CU_ASSERT_EQUAL(p.len, 32);
	CU_ASSERT_EQUAL(p.addr.family, AF_INET6);
	CU_ASSERT_EQUAL(nfv_prefix_parse("2001:db8::1", &p), 0);
	CU_ASSERT_EQUAL(p.len, 128);
	CU_ASSERT_EQUAL(nfv_prefix_parse("0.0.0.0/0", &p), 0);
	CU_ASSERT_EQUAL(p.len, 0);

	CU_ASSERT_EQUAL(nfv_prefix_parse("10.0.0.0/33", &p), -EINVAL);
	CU_ASSERT_EQUAL(nfv_prefix_parse("::/129", &p), -EINVAL);
	CU_ASSERT_EQUAL(nfv_prefix_parse("10.0.0.0/", &p), -EINVAL);
	CU_ASSERT_EQUAL(nfv_prefix_parse("10.0.0.0/+8", &p), -EINVAL);
	CU_ASSERT_EQUAL(nfv_prefix_parse("10.0.0.0/8x", &p), -EINVAL);
	CU_ASSERT_EQUAL(nfv_prefix_parse("/8", &p), -EINVAL);

	/* Prefix lengths off a byte boundary. */
	CU_ASSERT_EQUAL(nfv_prefix_parse("10.0.0.0/9", &p), 0);
	CU_ASSERT_EQUAL(nfv_addr_parse("10.127.255.255", &a), 0);
	CU_ASSERT_TRUE(nfv_prefix_contains(&p, &a));
	CU_ASSERT_EQUAL(nfv_addr_parse("10.128.0.0", &a), 0);
	CU_ASSERT_FALSE(nfv_prefix_contains(&p, &a));
	CU_ASSERT_EQUAL(nfv_addr_parse("::a00:1", &a), 0);
	CU_ASSERT_FALSE(nfv_prefix_contains(&p, &a));
	CU_ASSERT_EQUAL(nfv_prefix_parse("2001:db8::ff/121", &p), 0);
	CU_ASSERT_TRUE(nfv_prefix_clear_host(&p));
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&p, buf, sizeof(buf)), "2001:db8::80/121");
	CU_ASSERT_EQUAL(nfv_prefix_parse("0.0.0.0/0", &p), 0);
	CU_ASSERT_EQUAL(nfv_addr_parse("192.0.2.1", &a), 0);
	CU_ASSERT_TRUE(nfv_prefix_contains(&p, &a));
}

static void test_mac_text(void)
{
	uint8_t mac[6] = { 0 }, want[6] = { 0x02, 0, 0xab, 0xcd, 0xef, 0x01 };
	char buf[NFV_MAC_FMT_MAX];

	CU_ASSERT_EQUAL(nfv_mac_parse("02:00:AB:cd:ef:01", mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, want, 6), 0);
	CU_ASSERT_STRING_EQUAL(nfv_mac_fmt(mac, buf, sizeof(buf)), "02:00:ab:cd:ef:01");
	CU_ASSERT_EQUAL(nfv_mac_parse("02:00:ab:cd:ef", mac), -EINVAL);
	CU_ASSERT_EQUAL(nfv_mac_parse("02:00:ab:cd:ef:01:02", mac), -EINVAL);
	CU_ASSERT_EQUAL(nfv_mac_parse("2:0:ab:cd:ef:1", mac), -EINVAL);
	CU_ASSERT_EQUAL(nfv_mac_parse("02-00-ab-cd-ef-01", mac), -EINVAL);
	CU_ASSERT_EQUAL(nfv_mac_parse("02:00:ab:cd:ef:0g", mac), -EINVAL);
	/* A failed parse leaves the output alone. */
	CU_ASSERT_EQUAL(memcmp(mac, want, 6), 0);
}

static void test_addr_kinds(void)
{
	struct nfv_addr a, b;

	CU_ASSERT_EQUAL(nfv_addr_parse("10.0.0.1", &a), 0);
	CU_ASSERT_TRUE(nfv_addr_is_unicast(&a));
	CU_ASSERT_EQUAL(nfv_addr_parse("10.0.0.1", &b), 0);
	CU_ASSERT_TRUE(nfv_addr_equal(&a, &b));
	CU_ASSERT_EQUAL(nfv_addr_parse("::ffff:10.0.0.1", &b), 0);
	CU_ASSERT_FALSE(nfv_addr_equal(&a, &b));
	CU_ASSERT_EQUAL(nfv_addr_parse("0.0.0.0", &a), 0);
	CU_ASSERT_FALSE(nfv_addr_is_unicast(&a));
	CU_ASSERT_EQUAL(nfv_addr_parse("239.1.1.1", &a), 0);
	CU_ASSERT_FALSE(nfv_addr_is_unicast(&a));
	CU_ASSERT_EQUAL(nfv_addr_parse("255.255.255.255", &a), 0);
	CU_ASSERT_FALSE(nfv_addr_is_unicast(&a));
	CU_ASSERT_EQUAL(nfv_addr_parse("::", &a), 0);
	CU_ASSERT_FALSE(nfv_addr_is_unicast(&a));
	CU_ASSERT_EQUAL(nfv_addr_parse("ff02::1", &a), 0);
	CU_ASSERT_FALSE(nfv_addr_is_unicast(&a));
}

static const char full_policy[] =
	"dataplane:\n"
	"  neigh_timeout: 60\n"
	"  icmp_rate: 0\n"
	"ports:\n"
	"  - name: p0\n"
	"    device: \"net_tap0,iface=dtap0\"\n"
	"    mtu: 9000\n"
	"    mac: \"02:00:00:00:00:01\"\n"
	"    promiscuous: true\n"
	"    exception: false\n"
	"    exception_ifname: kern0\n"
	"    rx_desc: 512\n"
	"    tx_desc: 2048\n"
	"  - name: wan_1\n"
	"    device: 0000:01:00.0\n"
	"addresses:\n"
	"  - { port: p0, address: 10.0.0.1/24 }\n"
	"  - { port: p0, address: \"2001:db8::1/64\", vlan: 42 }\n"
	"  - { port: wan_1, address: 10.0.0.129/25 }\n"
	"routes:\n"
	"  - { dst: 192.168.0.0/16, via: 10.0.0.2 }\n"
	"  - { dst: default, via: 10.0.0.254, port: p0 }\n"
	"  - { dst: 10.9.0.0/16, type: blackhole }\n"
	"  - { dst: 10.7.0.0/16, port: wan_1 }\n"
	"  - { dst: default, via: \"2001:db8::fe\" }\n"
	"  - { dst: 172.16.0.0/12, via: 10.0.0.200 }\n"
	"neighbours:\n"
	"  - { port: p0, address: 10.0.0.2, mac: \"02:00:00:00:00:02\" }\n"
	"  - { port: wan_1, address: 10.0.0.2, mac: \"02:00:00:00:00:03\" }\n"
	"queues:\n"
	"  - { num: 0, size: 512, timeout_ms: 250, default: accept, bypass: true }\n"
	"  - { num: 65535 }\n"
	"hooks:\n"
	"  - { name: count-pre, hook: PRE_ROUTING, priority: -300, action: count, match: { proto: udp, dport: 5000-5010 } }\n"
	"  - { name: q0, hook: forward, priority: 0, action: queue, queue: 0, bypass: true, match: { proto: 17, dport: 9 } }\n"
	"  - { name: d, hook: Local_In, priority: first, action: drop }\n"
	"  - { name: r, hook: LOCAL_OUT, priority: last, action: repeat, match: { proto: esp } }\n"
	"  - { name: s, hook: POST_ROUTING, priority: snat, action: count, match: { proto: icmpv6 } }\n";

static struct nfv_policy *parse_ok(const char *yaml)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = NULL;
	int ret;

	ret = nfv_policy_parse("test.yaml", yaml, strlen(yaml), &p, &errs);
	if (ret != 0)
		nfv_policy_errors_print(stdout, "test.yaml", &errs);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(errs.n, 0);
	nfv_policy_errors_fini(&errs);
	return p;
}

static void test_full_ports(void)
{
	struct nfv_policy *p = parse_ok(full_policy);
	const struct nfv_policy_port *port;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_STRING_EQUAL(p->path, "test.yaml");
	CU_ASSERT_EQUAL(p->neigh_timeout_s, 60);
	CU_ASSERT_EQUAL(p->icmp_rate, 0);
	CU_ASSERT_FATAL(p->nb_ports == 2);
	port = &p->ports[0];
	CU_ASSERT_EQUAL(port->mark.line, 5);
	CU_ASSERT_EQUAL(port->mark.column, 5);
	CU_ASSERT_STRING_EQUAL(port->name, "p0");
	CU_ASSERT_STRING_EQUAL(port->device, "net_tap0,iface=dtap0");
	CU_ASSERT_EQUAL(port->mtu, 9000);
	CU_ASSERT_TRUE(port->has_mac);
	CU_ASSERT_EQUAL(memcmp(port->mac, mac, 6), 0);
	CU_ASSERT_TRUE(port->promiscuous);
	CU_ASSERT_FALSE(port->exception);
	CU_ASSERT_STRING_EQUAL(port->exception_ifname, "kern0");
	CU_ASSERT_EQUAL(port->rx_desc, 512);
	CU_ASSERT_EQUAL(port->tx_desc, 2048);
	/* Defaults. */
	port = &p->ports[1];
	CU_ASSERT_STRING_EQUAL(port->name, "wan_1");
	CU_ASSERT_STRING_EQUAL(port->device, "0000:01:00.0");
	CU_ASSERT_EQUAL(port->mtu, 1500);
	CU_ASSERT_FALSE(port->has_mac);
	CU_ASSERT_FALSE(port->promiscuous);
	CU_ASSERT_TRUE(port->exception);
	CU_ASSERT_STRING_EQUAL(port->exception_ifname, "nfv-wan_1");
	CU_ASSERT_EQUAL(port->rx_desc, 1024);
	CU_ASSERT_EQUAL(port->tx_desc, 1024);
	CU_ASSERT_EQUAL(nfv_policy_port_index(p, "wan_1"), 1);
	CU_ASSERT_EQUAL(nfv_policy_port_index(p, "p9"), -1);
	nfv_policy_free(p);
}

static void test_full_l3(void)
{
	struct nfv_policy *p = parse_ok(full_policy);
	const struct nfv_policy_route *r;
	char buf[NFV_PREFIX_FMT_MAX];
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 3 };

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_FATAL(p->nb_addresses == 3);
	CU_ASSERT_STRING_EQUAL(p->addresses[0].port, "p0");
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&p->addresses[0].prefix, buf, sizeof(buf)), "10.0.0.1/24");
	CU_ASSERT_EQUAL(p->addresses[0].vlan, 0);
	CU_ASSERT_EQUAL(p->addresses[0].mark.line, 17);
	CU_ASSERT_EQUAL(p->addresses[0].mark.column, 5);
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&p->addresses[1].prefix, buf, sizeof(buf)), "2001:db8::1/64");
	CU_ASSERT_EQUAL(p->addresses[1].vlan, 42);

	CU_ASSERT_FATAL(p->nb_routes == 6);
	r = &p->routes[0];
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&r->dst, buf, sizeof(buf)), "192.168.0.0/16");
	CU_ASSERT_EQUAL(r->type, NFV_ROUTE_UNICAST);
	CU_ASSERT_TRUE(r->has_via);
	CU_ASSERT_STRING_EQUAL(nfv_addr_fmt(&r->via, buf, sizeof(buf)), "10.0.0.2");
	CU_ASSERT_STRING_EQUAL(r->port, "p0");	/* inferred from 10.0.0.1/24 */
	r = &p->routes[1];
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&r->dst, buf, sizeof(buf)), "0.0.0.0/0");
	CU_ASSERT_STRING_EQUAL(r->port, "p0");
	r = &p->routes[2];
	CU_ASSERT_EQUAL(r->type, NFV_ROUTE_BLACKHOLE);
	CU_ASSERT_FALSE(r->has_via);
	CU_ASSERT_STRING_EQUAL(r->port, "");
	r = &p->routes[3];
	CU_ASSERT_FALSE(r->has_via);
	CU_ASSERT_STRING_EQUAL(r->port, "wan_1");
	r = &p->routes[4];
	CU_ASSERT_STRING_EQUAL(nfv_prefix_fmt(&r->dst, buf, sizeof(buf)), "::/0");
	CU_ASSERT_STRING_EQUAL(r->port, "p0");
	/* The longest prefix holding via wins: 10.0.0.129/25 on wan_1. */
	CU_ASSERT_STRING_EQUAL(p->routes[5].port, "wan_1");

	CU_ASSERT_FATAL(p->nb_neighbours == 2);
	CU_ASSERT_STRING_EQUAL(p->neighbours[1].port, "wan_1");
	CU_ASSERT_STRING_EQUAL(nfv_addr_fmt(&p->neighbours[1].addr, buf, sizeof(buf)), "10.0.0.2");
	CU_ASSERT_EQUAL(memcmp(p->neighbours[1].mac, mac, 6), 0);
	nfv_policy_free(p);
}

static void test_full_hooks(void)
{
	struct nfv_policy *p = parse_ok(full_policy);
	const struct nfv_policy_hook *h;

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_FATAL(p->nb_queues == 2);
	CU_ASSERT_EQUAL(p->queues[0].num, 0);
	CU_ASSERT_EQUAL(p->queues[0].size, 512);
	CU_ASSERT_EQUAL(p->queues[0].timeout_ms, 250);
	CU_ASSERT_EQUAL(p->queues[0].default_verdict, NFV_QUEUE_DEFAULT_ACCEPT);
	CU_ASSERT_TRUE(p->queues[0].bypass);
	CU_ASSERT_EQUAL(p->queues[1].num, 65535);
	CU_ASSERT_EQUAL(p->queues[1].size, 1024);
	CU_ASSERT_EQUAL(p->queues[1].timeout_ms, 1000);
	CU_ASSERT_EQUAL(p->queues[1].default_verdict, NFV_QUEUE_DEFAULT_DROP);
	CU_ASSERT_FALSE(p->queues[1].bypass);
	CU_ASSERT_EQUAL(nfv_policy_queue_index(p, 65535), 1);
	CU_ASSERT_EQUAL(nfv_policy_queue_index(p, 7), -1);

	CU_ASSERT_FATAL(p->nb_hooks == 5);
	h = &p->hooks[0];
	CU_ASSERT_STRING_EQUAL(h->name, "count-pre");
	CU_ASSERT_EQUAL(h->hook, 0);
	CU_ASSERT_EQUAL(h->priority, -300);
	CU_ASSERT_EQUAL(h->action, NFV_BUILTIN_COUNT);
	CU_ASSERT_EQUAL(h->proto, 17);
	CU_ASSERT_EQUAL(h->dport_min, 5000);
	CU_ASSERT_EQUAL(h->dport_max, 5010);
	h = &p->hooks[1];
	CU_ASSERT_EQUAL(h->hook, 2);
	CU_ASSERT_EQUAL(h->action, NFV_BUILTIN_QUEUE);
	CU_ASSERT_EQUAL(h->queue, 0);
	CU_ASSERT_TRUE(h->queue_bypass);
	CU_ASSERT_EQUAL(h->proto, 17);
	CU_ASSERT_EQUAL(h->dport_min, 9);
	CU_ASSERT_EQUAL(h->dport_max, 9);
	h = &p->hooks[2];
	CU_ASSERT_EQUAL(h->hook, 1);
	CU_ASSERT_EQUAL(h->priority, INT_MIN);
	CU_ASSERT_EQUAL(h->action, NFV_BUILTIN_DROP);
	CU_ASSERT_EQUAL(h->proto, 0);
	CU_ASSERT_EQUAL(h->dport_min, 0);
	CU_ASSERT_EQUAL(h->dport_max, 0);
	h = &p->hooks[3];
	CU_ASSERT_EQUAL(h->hook, 3);
	CU_ASSERT_EQUAL(h->priority, INT_MAX);
	CU_ASSERT_EQUAL(h->action, NFV_BUILTIN_REPEAT);
	CU_ASSERT_EQUAL(h->proto, 50);
	h = &p->hooks[4];
	CU_ASSERT_EQUAL(h->hook, 4);
	CU_ASSERT_EQUAL(h->priority, 100);
	CU_ASSERT_EQUAL(h->proto, 58);
	nfv_policy_free(p);
}

static void test_minimal_defaults(void)
{
	static const char yaml[] =
		"ports:\n"
		"  - { name: p0, device: net_ring0 }\n"
		"dataplane:\n"
		"addresses:\n"
		"routes: ~\n"
		"hooks:\n"
		"  - { name: all, hook: FORWARD, action: count, match: }\n";
	struct nfv_policy *p = parse_ok(yaml);

	CU_ASSERT_FATAL(p != NULL);
	CU_ASSERT_EQUAL(p->neigh_timeout_s, 300);
	CU_ASSERT_EQUAL(p->icmp_rate, 100);
	CU_ASSERT_EQUAL(p->ike_rate, NFV_POLICY_DEFAULT_IKE_RATE);
	CU_ASSERT_EQUAL(p->nb_ports, 1);
	CU_ASSERT_EQUAL(p->nb_addresses, 0);
	CU_ASSERT_PTR_NULL(p->addresses);
	CU_ASSERT_EQUAL(p->nb_routes, 0);
	CU_ASSERT_EQUAL(p->nb_neighbours, 0);
	CU_ASSERT_EQUAL(p->nb_queues, 0);
	CU_ASSERT_FATAL(p->nb_hooks == 1);
	CU_ASSERT_EQUAL(p->hooks[0].priority, 0);
	CU_ASSERT_EQUAL(p->hooks[0].proto, 0);
	CU_ASSERT_EQUAL(p->hooks[0].dport_min, 0);
	nfv_policy_free(p);
}

static void test_ike_rate(void)
{
	static const char *const yaml[] = {
		"dataplane: { ike_rate: 0 }\nports: [{ name: p0, device: net_ring0 }]\n",
		"dataplane: { ike_rate: 5000 }\nports: [{ name: p0, device: net_ring0 }]\n",
		"dataplane: { ike_rate: 10000000 }\nports: [{ name: p0, device: net_ring0 }]\n",
	};
	static const uint32_t want[] = { 0, 5000, 10000000 };

	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct nfv_policy *p = parse_ok(yaml[i]);

		CU_ASSERT_FATAL(p != NULL);
		CU_ASSERT_EQUAL(p->ike_rate, want[i]);
		CU_ASSERT_EQUAL(p->icmp_rate, NFV_POLICY_DEFAULT_ICMP_RATE);
		nfv_policy_free(p);
	}
}

static void test_errors_print(void)
{
	static const char yaml[] =
		"ports:\n"
		"  - { name: p0, device: net_ring0, mtu: 67 }\n"
		"bogus: 1\n";
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = (struct nfv_policy *)1;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL(nfv_policy_parse("x.yaml", yaml, strlen(yaml), &p, &errs), -EINVAL);
	CU_ASSERT_PTR_NULL(p);
	f = open_memstream(&out, &len);
	CU_ASSERT_FATAL(f != NULL);
	nfv_policy_errors_print(f, "x.yaml", &errs);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(out,
		"x.yaml:2:41: ports[0].mtu: 67 is out of range 68..9600\n"
		"x.yaml:3:1: bogus: unknown key; expected one of dataplane, ports, addresses, routes, neighbours, queues, hooks, filter, steer, ipsec\n");
	free(out);
	/* The error list is reused by the next load. */
	CU_ASSERT_EQUAL(nfv_policy_parse("x.yaml", "ports: []", 9, &p, &errs), -EINVAL);
	CU_ASSERT_EQUAL(errs.n, 1);
	nfv_policy_errors_fini(&errs);
	CU_ASSERT_PTR_NULL(errs.v);
	CU_ASSERT_EQUAL(errs.n, 0);
}

static void test_load_missing(void)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = (struct nfv_policy *)1;

	CU_ASSERT_EQUAL(nfv_policy_load("/nonexistent/policy.yaml", &p, &errs), -ENOENT);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_FATAL(errs.n == 1);
	CU_ASSERT_EQUAL(errs.v[0].mark.line, 0);
	CU_ASSERT_EQUAL(errs.v[0].mark.column, 0);
	CU_ASSERT_STRING_EQUAL(errs.v[0].msg, "cannot read the policy: No such file or directory");
	nfv_policy_errors_fini(&errs);
}

/* The VmFlags of the mapping of /proc/self/smaps that holds addr, or "". */
static void vm_flags(const void *addr, char *out, size_t len)
{
	unsigned long a = (unsigned long)addr, lo, hi;
	char line[512];
	bool in = false;
	FILE *f;

	out[0] = '\0';
	f = fopen("/proc/self/smaps", "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = a >= lo && a < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(out, len, "%.200s", line + 8);
			break;
		}
	}
	fclose(f);
}

/* The loaded SAs (their keys) live in pages kept out of core dumps. */
static void test_keys_dontdump(void)
{
	static const char yaml[] =
		"ports:\n  - { name: p0, device: net_ring0 }\n"
		"ipsec:\n  sas:\n"
		"    - { name: a, spi: 0x100, direction: in, src: 192.0.2.2, dst: 192.0.2.1, algorithm: aes-gcm-128, key: \"000102030405060708090a0b0c0d0e0f\", salt: \"01020304\" }\n";
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = NULL;
	char flags[256];

	CU_ASSERT_FATAL(nfv_policy_parse("k.yaml", yaml, strlen(yaml), &p, &errs) == 0);
	CU_ASSERT_FATAL(p->ipsec != NULL && p->ipsec->nb_sas == 1);
	CU_ASSERT_EQUAL(p->ipsec->sas[0].key[15], 0x0f);
	vm_flags(p->ipsec->sas, flags, sizeof(flags));
	CU_ASSERT_PTR_NOT_NULL(strstr(flags, " dd"));
	if (strstr(flags, " dd") == NULL)
		fprintf(stderr, "VmFlags of the SAs: %s\n", flags);
	nfv_policy_free(p);
	nfv_policy_errors_fini(&errs);
}

/* AES-CCM (RFC 4309): the key, then the 3-byte salt its row asks for. */
static void test_ipsec_ccm(void)
{
	static const char yaml[] =
		"ports:\n  - { name: p0, device: net_ring0 }\n"
		"ipsec:\n  sas:\n"
		"    - { name: a, spi: 0x100, direction: in, src: 192.0.2.2, dst: 192.0.2.1, algorithm: aes-ccm-128, key: \"000102030405060708090a0b0c0d0e0f\", salt: \"a0a1a2\", esn: true }\n"
		"    - { name: b, spi: 0x101, direction: out, src: 192.0.2.1, dst: 192.0.2.2, algorithm: AES-CCM-256, key: \"101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\", salt: \"b0b1b2\" }\n";
	struct nfv_policy_errors errs = { 0 };
	struct nfv_policy *p = NULL;
	const struct nfv_policy_sa *sa;

	CU_ASSERT_FATAL(nfv_policy_parse("ccm.yaml", yaml, strlen(yaml), &p, &errs) == 0);
	CU_ASSERT_FATAL(p->ipsec != NULL && p->ipsec->nb_sas == 2);
	sa = &p->ipsec->sas[0];
	CU_ASSERT_EQUAL(sa->cipher, NFV_IPSEC_AES_CCM_128);
	CU_ASSERT_EQUAL(sa->auth, NFV_IPSEC_AUTH_NONE);
	CU_ASSERT_EQUAL(sa->key_len, 19);
	CU_ASSERT(memcmp(sa->key + 15, "\x0f\xa0\xa1\xa2", 4) == 0);
	CU_ASSERT(sa->esn);
	sa = &p->ipsec->sas[1];
	CU_ASSERT_EQUAL(sa->cipher, NFV_IPSEC_AES_CCM_256);
	CU_ASSERT_EQUAL(sa->key_len, 35);
	CU_ASSERT(memcmp(sa->key + 31, "\x2f\xb0\xb1\xb2", 4) == 0);
	nfv_policy_free(p);
	nfv_policy_errors_fini(&errs);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	NFV_TEST_SUITE("config_text", NULL, NULL,
		{ "addr", test_addr_text },
		{ "prefix", test_prefix_text },
		{ "mac", test_mac_text },
		{ "addr_kinds", test_addr_kinds });
	NFV_TEST_SUITE("config_policy", NULL, NULL,
		{ "full_ports", test_full_ports },
		{ "full_l3", test_full_l3 },
		{ "full_hooks", test_full_hooks },
		{ "minimal_defaults", test_minimal_defaults },
		{ "ike_rate", test_ike_rate },
		{ "errors_print", test_errors_print },
		{ "load_missing", test_load_missing },
		{ "keys_dontdump", test_keys_dontdump },
		{ "ipsec_ccm", test_ipsec_ccm });
	return nfv_test_run();
}
