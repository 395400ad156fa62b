/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-gen: EAL, options, set-up and teardown around one loop on the main
 * lcore that transmits what the pacing allows and receives what comes back.
 * With --trials, one set-up serves many runs (nfvpn-bench's search): the
 * port stays connected, since DPDK 22.11's memif may crash a peer whose
 * partner comes and goes.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "nfv_build.h"
#include "nfv_gen.h"

#define GEN_POOL_SIZE	8191	/* rx and tx rings, a burst, caches */
#define GEN_POOL_CACHE	256

static volatile sig_atomic_t gen_stop;	/* 1: stop sending, 2: stop at once */

static void gen_on_signal(int sig)
{
	RTE_SET_USED(sig);
	if (gen_stop < 2)
		gen_stop++;
}

struct gen_ctx {
	struct nfv_gen_conf conf;
	struct nfv_gen_clock clk;
	struct rte_mempool *mp;
	uint16_t txp, rxp;
	bool txp_probed, rxp_probed, txp_own, rxp_own;
	struct nfv_gen_tmpl tmpl;
	struct nfv_gen_tx tx;
	struct nfv_gen_rx rx;
	struct nfv_gen_result res;
};

#define GEN_WARMUP_MS	50

/*
 * Polls the receive side before the first frame is sent, dropping what
 * comes: a memif client hands its receive buffers to the peer only in its
 * receive call, so a peer answering the very first frame would find none;
 * and frames left over from an earlier run are not this run's.
 */
static void gen_warmup(struct gen_ctx *g)
{
	uint64_t end = nfv_gen_clock_now(&g->clk) + GEN_WARMUP_MS * g->clk.hz / 1000;
	struct rte_mbuf *pkts[NFV_GEN_BURST];
	uint16_t n;

	while (nfv_gen_clock_now(&g->clk) < end && gen_stop == 0) {
		n = rte_eth_rx_burst(g->rxp, 0, pkts, NFV_GEN_BURST);
		if (n != 0)
			rte_pktmbuf_free_bulk(pkts, n);
	}
}

static void gen_run(struct gen_ctx *g)
{
	const uint64_t hz = g->clk.hz;
	uint64_t now = nfv_gen_clock_now(&g->clk), end = UINT64_MAX, drain_end = 0;
	struct rte_mbuf *pkts[NFV_GEN_BURST];
	bool sending = true;
	uint16_t n;

	if (g->conf.duration > 0)
		end = now + (uint64_t)(g->conf.duration * hz);
	for (;;) {
		if (sending) {
			if (gen_stop != 0 || now >= end || nfv_gen_tx_done(&g->tx)) {
				sending = false;
				g->res.tx_ticks = g->tx.started ? now - g->tx.start : 0;
				g->res.interrupted = gen_stop != 0;
				drain_end = now + g->conf.drain_ms * hz / 1000;
			} else {
				nfv_gen_tx_poll(&g->tx, now);
			}
		}
		n = rte_eth_rx_burst(g->rxp, 0, pkts, NFV_GEN_BURST);
		now = nfv_gen_clock_now(&g->clk);
		if (n != 0) {
			nfv_gen_rx_process(&g->rx, pkts, n, now);
			rte_pktmbuf_free_bulk(pkts, n);
		}
		if (!sending && (now >= drain_end || gen_stop > 1 ||
				 g->rx.st.unique >= g->tx.pkts))
			break;
	}
}

static int gen_setup(struct gen_ctx *g)
{
	struct nfv_gen_conf *c = &g->conf;
	const struct nfv_gen_encap *encap = NULL;
	int ret;

	nfv_gen_clock_tsc(&g->clk);
	if (c->esp != NULL) {
		encap = nfv_gen_encap_find("esp");
		if (encap == NULL) {
			fprintf(stderr, "nfvpn-gen: --esp: no ESP encapsulation is linked\n");
			return -ENOTSUP;
		}
	}
	g->mp = rte_pktmbuf_pool_create("nfv_gen_pool", GEN_POOL_SIZE, GEN_POOL_CACHE,
					encap ? encap->mbuf_priv_size : 0,
					RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (g->mp == NULL)
		return -rte_errno;
	ret = nfv_gen_port_open(c->port, g->mp, &g->txp, &g->txp_probed);
	if (ret < 0) {
		fprintf(stderr, "nfvpn-gen: port %s: %s\n", c->port, strerror(-ret));
		return ret;
	}
	g->txp_own = true;
	g->rxp = g->txp;
	if (c->rx_port != NULL && strcmp(c->rx_port, c->port) != 0) {
		ret = nfv_gen_port_open(c->rx_port, g->mp, &g->rxp, &g->rxp_probed);
		if (ret < 0) {
			fprintf(stderr, "nfvpn-gen: rx port %s: %s\n", c->rx_port, strerror(-ret));
			return ret;
		}
		g->rxp_own = true;
	}
	if (!c->smac_set)
		rte_eth_macaddr_get(g->txp, &c->flow.smac);
	ret = nfv_gen_tmpl_init(&g->tmpl, &c->flow, &c->sizes);
	if (ret < 0) {
		fprintf(stderr, "nfvpn-gen: templates: %s\n", strerror(-ret));
		return ret;
	}
	ret = nfv_gen_tx_init(&g->tx, &g->tmpl, g->mp, c->rate,
			      c->count ? c->count : UINT64_MAX, g->clk.hz);
	if (ret < 0)
		return ret;
	g->tx.port = g->txp;
	ret = nfv_gen_rx_init(&g->rx, c->flow.nflows);
	if (ret < 0)
		return ret;
	if (encap != NULL) {
		ret = encap->init(&g->tx.encap_priv, c->esp, g->mp);
		if (ret < 0) {
			/* not the spec: it holds the keys */
			fprintf(stderr, "nfvpn-gen: --esp: %s\n", ret == -EINVAL ?
				"bad SA spec (see bench/README.md)" : strerror(-ret));
			return ret;
		}
		g->tx.encap = encap;
	}
	ret = nfv_gen_port_wait_link(g->txp, c->link_wait_ms);
	if (ret == 0 && g->rxp != g->txp)
		ret = nfv_gen_port_wait_link(g->rxp, c->link_wait_ms);
	if (ret < 0)
		fprintf(stderr, "nfvpn-gen: link down after %u ms\n", c->link_wait_ms);
	return ret;
}

/* Each step undoes what gen_setup() may have done, in reverse order. */
static void gen_teardown(struct gen_ctx *g)
{
	nfv_gen_tx_fini(&g->tx);	/* frees pending packets, closes the encap */
	if (g->rxp_own)
		nfv_gen_port_close(g->rxp, g->rxp_probed);
	if (g->txp_own)
		nfv_gen_port_close(g->txp, g->txp_probed);
	nfv_gen_rx_fini(&g->rx);
	nfv_gen_tmpl_fini(&g->tmpl);
	/* with the ports closed, every mbuf must be back */
	if (g->mp != NULL && rte_mempool_in_use_count(g->mp) != 0)
		fprintf(stderr, "nfvpn-gen: %u mbufs not returned to the pool\n",
			rte_mempool_in_use_count(g->mp));
	rte_mempool_free(g->mp);
}

static int gen_report(struct gen_ctx *g)
{
	FILE *f;
	int ret;

	g->res.conf = &g->conf;
	g->res.tx = &g->tx;
	g->res.rx = &g->rx;
	g->res.hz = g->clk.hz;
	if (!g->conf.quiet)
		nfv_gen_report_print(stdout, &g->res);
	if (g->conf.json == NULL)
		return 0;
	f = fopen(g->conf.json, "w");
	if (f == NULL) {
		fprintf(stderr, "nfvpn-gen: %s: %s\n", g->conf.json, strerror(errno));
		return -errno;
	}
	ret = nfv_gen_report_json(f, &g->res);
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	return ret;
}

/*
 * --trials: stdin lists the runs, one "RATE DURATION JSON" line each; after
 * each run its JSON is written and "done JSON" printed. Ends at EOF, on a
 * signal, or on a bad line (exit status 2).
 */
static int gen_trials(struct gen_ctx *g)
{
	static char json[4096];
	char line[4200];
	int ret;

	while (gen_stop == 0 && fgets(line, sizeof(line), stdin) != NULL) {
		if (nfv_gen_trial_parse(line, &g->conf.rate, &g->conf.duration,
					json, sizeof(json)) < 0) {
			fprintf(stderr, "nfvpn-gen: --trials: bad line: %s", line);
			return 2;
		}
		g->conf.json = json;
		g->conf.quiet = true;
		nfv_gen_tx_reset(&g->tx, g->conf.rate);
		nfv_gen_rx_fini(&g->rx);
		ret = nfv_gen_rx_init(&g->rx, g->conf.flow.nflows);
		if (ret < 0)
			return 1;
		memset(&g->res, 0, sizeof(g->res));
		gen_warmup(g);
		gen_run(g);
		if (gen_report(g) != 0)
			return 1;
		printf("done %s\n", json);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct gen_ctx g;	/* the histogram is large for a stack */
	int ret, status = 1;

	/* before the EAL, which takes --help for its own and refuses --version */
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("nfvpn-gen (nfvpn) %s\n%s, -march=%s\n", NFV_VERSION, rte_version(),
		       NFV_MARCH);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		nfv_gen_usage(stdout, argv[0]);
		return 0;
	}
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "nfvpn-gen: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	ret = nfv_gen_args_parse(&g.conf, argc, argv, stderr);
	if (ret != 0) {
		status = ret > 0 ? 0 : 2;
		goto out_eal;
	}
	signal(SIGINT, gen_on_signal);
	signal(SIGTERM, gen_on_signal);
	if (gen_setup(&g) == 0) {
		if (g.conf.trials) {
			status = gen_trials(&g);
		} else {
			gen_warmup(&g);
			gen_run(&g);
			status = gen_report(&g) == 0 ? 0 : 1;
		}
	}
	gen_teardown(&g);
out_eal:
	rte_eal_cleanup();
	return status;
}
