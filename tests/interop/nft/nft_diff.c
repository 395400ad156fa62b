/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential test against the kernel's nf_tables.
 *
 *   [AF_PACKET on dfa] --veth--> [dfb: prerouting]
 *        witness first (prio -1000): records ip id / flowlabel as received
 *        the corpus ruleset (prerouting chains)
 *        witness last (prio 1000): records what was accepted
 *
 * In a private network namespace, every corpus file is loaded into the
 * kernel and into our engine; the same generated packets (their number in
 * ip id / IPv6 flow label) are sent through the veth pair and given to our
 * engine at PRE_ROUTING. The verdicts must be identical.
 * Usage: nft_diff [-n packets-per-ruleset] ruleset.nft...
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "nfv_filter.h"
#include "nfv_mbuf.h"
#include "ft_text.h"
#include "nfv_test.h"

#include "diff_pkt.h"

static const char witness[] =
	"table inet w {\n"
	" set r4 { typeof ip id; size 65535; flags dynamic; }\n"
	" set r6 { typeof ip6 flowlabel; size 65535; flags dynamic; }\n"
	" set a4 { typeof ip id; size 65535; flags dynamic; }\n"
	" set a6 { typeof ip6 flowlabel; size 65535; flags dynamic; }\n"
	" chain first { type filter hook prerouting priority -1000;\n"
	"  meta nfproto ipv4 add @r4 { ip id }; meta nfproto ipv6 add @r6 { ip6 flowlabel }; }\n"
	" chain last { type filter hook prerouting priority 1000;\n"
	"  meta nfproto ipv4 add @a4 { ip id }; meta nfproto ipv6 add @a6 { ip6 flowlabel }; }\n"
	"}\n";

static int sh(const char *cmd)
{
	int ret = system(cmd);

	if (ret != 0)
		fprintf(stderr, "nft_diff: '%s' failed (%d)\n", cmd, ret);
	return ret;
}

static int nft_load(const char *text)
{
	FILE *p = popen("nft -f -", "w");

	if (p == NULL)
		return -1;
	fputs(text, p);
	return pclose(p);
}

/* Marks seen[id] for every element of set inet w <name>. */
static int nft_set_read(const char *name, uint8_t *seen, unsigned int max)
{
	char cmd[128], buf[65536];
	FILE *p;
	size_t n;
	char *s;

	snprintf(cmd, sizeof(cmd), "nft list set inet w %s", name);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	if (pclose(p))
		return -1;
	s = strstr(buf, "elements = {");
	if (s == NULL)
		return 0;
	for (s += 12; *s && *s != '}'; ) {
		char *end;
		unsigned long v = strtoul(s, &end, 0);

		if (end == s) {
			s++;
			continue;
		}
		if (v < max)
			seen[v] = 1;
		s = end;
	}
	return 0;
}

static int ifinfo(int fd, const char *name, uint8_t *mac, int *ifindex)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	*ifindex = if_nametoindex(name);
	return *ifindex ? 0 : -1;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *t;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	t = malloc(n + 1);
	if (t && fread(t, 1, n, f) != (size_t)n) {
		free(t);
		t = NULL;
	}
	if (t)
		t[n] = '\0';
	fclose(f);
	return t;
}

static struct nfv_filter_ifaces ifaces;
static struct rte_mempool *pool;
static int pfd, a_ifindex;
static uint8_t a_mac[6], b_mac[6];

/* One ruleset: returns the number of differing packets, or -1. */
static int run_one(const char *path, unsigned int nb, unsigned int seed,
		   unsigned int *total, unsigned int *dropped)
{
	struct nfv_filter_config cfg = { .nb_workers = 1, .hz = 1000, .ifaces = &ifaces };
	struct nfv_hook_state st = { .hook = NFV_INET_PRE_ROUTING, .now = 1 };
	static uint8_t r4[65536], r6[65536], a4[65536], a6[65536];
	struct nfv_filter_ruleset *rs = NULL;
	struct diff_pkt *pk = calloc(nb, sizeof(*pk));
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = a_ifindex,
				  .sll_halen = 6 };
	char err[512], *text = read_file(path);
	int bad = 0, prio;

	if (text == NULL || pk == NULL)
		return -1;
	if (ft_ruleset_from_text(text, &cfg, &rs, err, sizeof(err))) {
		fprintf(stderr, "%s: our engine: %s\n", path, err);
		return -1;
	}
	if (sh("nft flush ruleset") || nft_load(text) || nft_load(witness))
		return -1;
	for (unsigned int i = 0; i < nb; i++) {
		diff_pkt_gen(&pk[i], seed * 100003u + i, i + 1);
		diff_pkt_frame(&pk[i], a_mac, b_mac);
		memcpy(to.sll_addr, pk[i].frame, 6);
		if (sendto(pfd, pk[i].frame, pk[i].flen, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			return -1;
	}
	usleep(300 * 1000);
	memset(r4, 0, sizeof(r4));
	memset(r6, 0, sizeof(r6));
	memset(a4, 0, sizeof(a4));
	memset(a6, 0, sizeof(a6));
	if (nft_set_read("r4", r4, 65536) || nft_set_read("r6", r6, 65536) ||
	    nft_set_read("a4", a4, 65536) || nft_set_read("a6", a6, 65536))
		return -1;
	for (unsigned int i = 0; i < nb; i++) {
		struct rte_mbuf *m = nfv_test_mbuf(pool, pk[i].frame + 14, pk[i].flen - 14);
		bool v6 = pk[i].family == AF_INET6;
		uint8_t *recv = v6 ? r6 : r4, *acc = v6 ? a6 : a4;
		bool ours = true;
		uint32_t v;

		if (m == NULL)
			return -1;
		nfv_mbuf_meta(m)->family = pk[i].family;
		nfv_mbuf_meta(m)->iport = 0;
		/* every priority a corpus chain may use at prerouting */
		for (prio = -10; prio <= 10 && ours; prio++) {
			nfv_filter_ruleset_run(rs, prio, &m, 1, &v, &st);
			ours = NFV_VERDICT(v) == NFV_ACCEPT;
		}
		rte_pktmbuf_free(m);
		if (!recv[i + 1]) {
			fprintf(stderr, "%s: packet %u never reached the kernel's prerouting\n",
				path, i + 1);
			bad++;
			continue;
		}
		*dropped += !acc[i + 1];
		if (ours != !!acc[i + 1]) {
			char desc[256];

			diff_pkt_describe(&pk[i], desc, sizeof(desc));
			fprintf(stderr, "%s: packet %u %s: kernel %s, nfvpn %s\n", path, i + 1,
				desc, acc[i + 1] ? "accept" : "drop", ours ? "accept" : "drop");
			bad++;
		}
	}
	*total += nb;
	nfv_filter_ruleset_free(rs);
	free(pk);
	free(text);
	return bad;
}

int main(int argc, char **argv)
{
	unsigned int nb = 64, total = 0, files = 0, dropped;
	int bad = 0, argi = 1, b_ifindex, ret;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		nb = atoi(argv[2]);
		argi = 3;
	}
	if (nb == 0 || nb > 60000 || argi >= argc) {
		fprintf(stderr, "usage: %s [-n packets] ruleset.nft...\n", argv[0]);
		return 2;
	}
	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET)");
		return 1;
	}
	if (sh("ip link add dfa type veth peer name dfb") || sh("ip link set dfa up") ||
	    sh("ip link set dfb up") || sh("ip addr add 10.200.0.1/24 dev dfb") ||
	    sh("sysctl -qw net.ipv6.conf.dfa.disable_ipv6=1"))
		return 1;
	nfv_test_eal_init(argv[0]);
	pool = nfv_test_pool("diff_pool", 1023);
	pfd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (pool == NULL || pfd < 0 || ifinfo(pfd, "dfa", a_mac, &a_ifindex) ||
	    ifinfo(pfd, "dfb", b_mac, &b_ifindex)) {
		fprintf(stderr, "nft_diff: setup failed\n");
		return 1;
	}
	ifaces.nb_ports = 1;
	snprintf(ifaces.port[0].name, NFV_IFNAMSIZ, "dfb");
	ifaces.port[0].ifindex = b_ifindex;
	ifaces.port[0].type = 1;	/* ARPHRD_ETHER */
	for (; argi < argc; argi++, files++) {
		dropped = 0;
		ret = run_one(argv[argi], nb, files + 1, &total, &dropped);
		if (ret < 0) {
			fprintf(stderr, "%s: could not run\n", argv[argi]);
			return 1;
		}
		printf("%-48s %s (kernel dropped %u of %u)\n", argv[argi],
		       ret ? "DIFFERS" : "same", dropped, nb);
		bad += ret;
	}
	printf("%u rulesets, %u packets, %d differences\n", files, total, bad);
	return bad ? 1 : 0;
}
