/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-dataplane [EAL args] -- --config FILE [--socket PATH]
 *
 * Start-up in numbered steps, teardown in reverse; the policy is validated
 * (its nft text compiled) before the EAL starts, so a bad policy applies
 * nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <systemd/sd-daemon.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_version.h>

#include "coredump.h"
#include "dp.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_build.h"
#include "txn.h"
#include "nfv_mbuf.h"
#include "nfv_policy_filter.h"
#include "nfv_sock_lock.h"
#include "reass.h"
#include "stats.h"
#include "unmap_guard.h"

static struct nfv_dp *signal_dp;

static void on_signal(int sig)
{
	if (signal_dp != NULL)
		__atomic_store_n(&signal_dp->quit, true, __ATOMIC_RELAXED);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [EAL options] -- --config FILE [--socket PATH]\n"
		"  --config FILE   the YAML policy (required)\n"
		"  --socket PATH   management socket (default %s)\n"
		"  --pool-size N   mbufs in the packet pool (default: computed)\n"
		"  --idle-timeout S  close a management client silent for S s (default %u, 0: never)\n"
		"  --txn-timeout S   roll back a transaction whose owner is silent for S s\n"
		"                    (default %u, 0: never)\n"
		"  --allow-core-dumps  stay dumpable for debugging (DPDK memory, which\n"
		"                    holds the SA keys, is never dumped)\n"
		"  --test-id-seed N  tests only: IPv4 IDs and flow labels of the packets\n"
		"                    we make up from the secret N, the same every run\n"
		"  --version       print the version and exit\n",
		prog, NFV_MSG_SOCKET_DEFAULT, NFV_MGMT_IDLE_S_DEFAULT, NFV_TXN_IDLE_S_DEFAULT);
}

static int parse_seconds(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > 86400 || s[0] == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		return -EINVAL;
	return 0;
}

/* Application options: after "--" when EAL options come first. */
static int parse_args(struct nfv_dp *dp, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "pool-size", required_argument, NULL, 'p' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "txn-timeout", required_argument, NULL, 't' },
		{ "allow-core-dumps", no_argument, NULL, 'D' },
		{ "test-id-seed", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	dp->socket_path = NFV_MSG_SOCKET_DEFAULT;
	dp->idle_timeout_s = NFV_MGMT_IDLE_S_DEFAULT;
	dp->txn_timeout_s = NFV_TXN_IDLE_S_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dp->policy_path = optarg;
			break;
		case 's':
			dp->socket_path = optarg;
			break;
		case 'p':
			dp->pool_size = strtoul(optarg, NULL, 0);
			break;
		case 'D':
			dp->allow_core_dumps = true;
			break;
		case 'S':
			if (parse_seed(optarg, &dp->id_key.k0) < 0) {
				fprintf(stderr, "%s: --test-id-seed: '%s' is not a number\n",
					argv[0], optarg);
				return -EINVAL;
			}
			dp->id_key.k1 = 0;
			dp->id_key_fixed = true;
			break;
		case 'i':
		case 't':
			if (parse_seconds(optarg, c == 'i' ? &dp->idle_timeout_s :
					  &dp->txn_timeout_s) < 0) {
				fprintf(stderr, "%s: --%s: '%s' is not a number of seconds\n",
					argv[0], c == 'i' ? "idle-timeout" : "txn-timeout", optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		case 'V':
			printf("nfvpn-dataplane (nfvpn) %s\n%s, -march=%s\n", NFV_VERSION,
			       rte_version(), NFV_MARCH);
			exit(0);
		default:
			usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return -EINVAL;
	}
	if (dp->policy_path == NULL) {
		fprintf(stderr, "%s: --config FILE is required\n", argv[0]);
		usage(stderr, argv[0]);
		return -EINVAL;
	}
	return 0;
}

static unsigned int pool_size(const struct nfv_dp *dp)
{
	const struct nfv_policy *pol = dp->policy;
	unsigned int n = 8192 + NFV_CTL_RING;

	for (unsigned int i = 0; i < pol->nb_ports; i++)
		n += (pol->ports[i].rx_desc + pol->ports[i].tx_desc + 1024 + 2 * NFV_TXBUF) *
		     dp->nb_workers;
	for (unsigned int i = 0; i < pol->nb_queues; i++)
		n += pol->queues[i].size;
	n += dp->nb_workers * (NFV_INJECT_MAX * NFV_INJECT_DEPTH + 2048);
	/* what reassembly may hold: a fragment flood must not starve rx */
	n += dp->nb_workers * NFV_REASS_ENTRIES * RTE_LIBRTE_IP_FRAG_MAX_FRAG;
	return rte_align32pow2(n) - 1;
}

static int workers_init(struct nfv_dp *dp)
{
	unsigned int lcore, w = 0;
	char name[RTE_RING_NAMESIZE];

	dp->nb_workers = RTE_MIN(rte_lcore_count() - 1, (unsigned int)NFV_MAX_WORKERS);
	if (dp->nb_workers == 0) {
		NFV_LOG(ERR, "no worker lcore: give the EAL at least two (e.g. -l 0,1)");
		return -EINVAL;
	}
	dp->workers = rte_zmalloc("nfv_workers", dp->nb_workers * sizeof(dp->workers[0]),
				  RTE_CACHE_LINE_SIZE);
	if (dp->workers == NULL)
		return -ENOMEM;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct nfv_worker *wk;

		if (w == dp->nb_workers)
			break;
		wk = &dp->workers[w];
		wk->dp = dp;
		wk->id = w;
		wk->lcore = lcore;
		snprintf(name, sizeof(name), "nfv_ctltx_%u", w);
		wk->ctl_tx = rte_ring_create(name, 1024, rte_lcore_to_socket_id(lcore),
					     RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (wk->ctl_tx == NULL)
			return -ENOMEM;
		w++;
	}
	return 0;
}

static int dp_init(struct nfv_dp *dp)
{
	const char *failed = "?";
	unsigned int size;
	int ret;

	/* 1. workers and their rings */
	ret = workers_init(dp);
	if (ret < 0)
		return ret;
	/* 2. the packet pool, with our metadata in each mbuf */
	size = dp->pool_size ? dp->pool_size : pool_size(dp);
	dp->pool = rte_pktmbuf_pool_create("nfv_pool", size, 256, NFV_MBUF_PRIV_SIZE,
					   RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (dp->pool == NULL) {
		NFV_LOG(ERR, "cannot create a pool of %u mbufs: %s", size,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	/*
	 * A few mbufs of one big segment: ESP needs a jumbo frame or a
	 * reassembled datagram in one buffer (hooks/ipsec/esp_seg.c).
	 */
	dp->big_pool = rte_pktmbuf_pool_create("nfv_big", NFV_BIG_POOL_SIZE, 32,
					       NFV_MBUF_PRIV_SIZE, NFV_BIG_MBUF_SIZE,
					       rte_socket_id());
	if (dp->big_pool == NULL) {
		NFV_LOG(ERR, "cannot create a pool of %u big mbufs: %s", NFV_BIG_POOL_SIZE,
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	/* the secret of the IDs we make up, unless a test fixed it */
	if (!dp->id_key_fixed &&
	    getrandom(&dp->id_key, sizeof(dp->id_key), 0) != (ssize_t)sizeof(dp->id_key)) {
		NFV_LOG(ERR, "cannot draw the secret of IP IDs: %s", strerror(errno));
		return -EIO;
	}
	/* jumps in ticks of a millisecond, as Linux's of a jiffy */
	dp->id_tick_cycles = dp->id_key_fixed ? 0 : RTE_MAX(rte_get_tsc_hz() / 1000, 1ul);
	for (unsigned int w = 0; w < dp->nb_workers; w++) {
		ret = nfv_reass_init(&dp->workers[w]);
		if (ret < 0)
			return ret;
		dp->workers[w].icmp.mp = dp->pool;
		nfv_ipid_init(&dp->workers[w].icmp.ids, &dp->id_key, NFV_IPID_ICMP, w,
			      dp->id_tick_cycles);
		nfv_ratelimit_init(&dp->workers[w].icmp.rl, dp->policy->icmp_rate,
				   RTE_MAX(dp->policy->icmp_rate / 10, 1u), rte_get_tsc_hz(),
				   rte_rdtsc());
		nfv_ike_limit_init(&dp->workers[w].ike, dp->policy->ike_rate,
				   rte_get_tsc_hz(), rte_rdtsc());
	}
	/* 3. the hook table and the control ring */
	dp->hooks = nfv_hook_table_create(dp->nb_workers);
	if (dp->hooks == NULL)
		return -ENOMEM;
	dp->ctl_ring = rte_ring_create("nfv_ctl", NFV_CTL_RING, rte_socket_id(), RING_F_SC_DEQ);
	if (dp->ctl_ring == NULL)
		return -ENOMEM;
	/* 4. every control module in order: ports, filter, routes, ... socket */
	ret = nfv_ctl_modules_init(dp, &failed);
	if (ret < 0)
		NFV_LOG(ERR, "start-up of %s failed", failed);
	return ret;
}

/*
 * Teardown in reverse; workers have stopped (or never started), so no grace
 * period is owed. Every step skips what a failed start did not make; the
 * summary is for a run that happened (ran) only.
 */
static int dp_fini(struct nfv_dp *dp, bool ran)
{
	unsigned int in_use;

	/* clients first, then what holds packets, then the ports */
	nfv_ctl_modules_stop(dp);
	if (dp->hooks != NULL)
		nfv_ctl_drain(dp);
	/* what reassembly still holds is dropped before the summary counts it */
	for (unsigned int w = 0; dp->workers != NULL && w < dp->nb_workers; w++)
		nfv_reass_fini(&dp->workers[w]);
	if (ran)
		nfv_stats_print(dp, stdout);
	nfv_ctl_modules_fini(dp);
	nfv_hook_table_destroy(dp->hooks);
	rte_ring_free(dp->ctl_ring);
	for (unsigned int w = 0; dp->workers != NULL && w < dp->nb_workers; w++)
		rte_ring_free(dp->workers[w].ctl_tx);
	in_use = dp->pool ? rte_mempool_in_use_count(dp->pool) : 0;
	in_use += dp->big_pool ? rte_mempool_in_use_count(dp->big_pool) : 0;
	if (ran) {
		printf("mbufs in use at exit: %u\n", in_use);
		fflush(stdout);
	}
	rte_mempool_free(dp->pool);
	rte_mempool_free(dp->big_pool);
	rte_free(dp->workers);
	if (ran && in_use != 0) {
		NFV_LOG(ERR, "shutdown: %u mbufs were not returned to their pools", in_use);
		return -EBUSY;
	}
	return 0;
}

/* Workers poll, the main lcore serves the socket until SIGINT/SIGTERM. */
static int dp_run(struct nfv_dp *dp)
{
	unsigned int lcore;
	int ret = 0;

	NFV_LOG(INFO, "%u port(s), %u worker(s), policy %s, socket %s", dp->nb_ports,
		dp->nb_workers, dp->policy_path, dp->socket_path);
	printf("nfvpn-dataplane: running\n");
	fflush(stdout);
	/* a memif peer that leaves unmaps nothing under a worker */
	nfv_unmap_guard_start(dp->hooks);
	for (unsigned int w = 0; w < dp->nb_workers; w++) {
		ret = rte_eal_remote_launch(nfv_worker_main, &dp->workers[w],
					    dp->workers[w].lcore);
		if (ret < 0) {
			NFV_LOG(ERR, "worker %u: cannot launch on lcore %u: %s", w,
				dp->workers[w].lcore, strerror(-ret));
			/* those launched stop at quit */
			__atomic_store_n(&dp->quit, true, __ATOMIC_RELAXED);
			break;
		}
	}
	if (ret == 0) {
		/* under systemd (Type=notify): the ports are up, the workers poll */
		sd_notifyf(0, "READY=1\nSTATUS=%u port(s), %u worker(s), socket %s",
			   dp->nb_ports, dp->nb_workers, dp->socket_path);
		nfv_ctl_loop(dp);
		sd_notify(0, "STOPPING=1");
	}
	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_wait_lcore(lcore);
	nfv_unmap_guard_stop();
	NFV_LOG(INFO, "unmaps on the interrupt thread that waited for the workers: %lu",
		nfv_unmap_guard_waits());
	return ret;
}

int main(int argc, char **argv)
{
	struct nfv_policy_errors errs = { 0 };
	struct nfv_sock_lock lock;
	struct nfv_dp dp = { 0 };
	int app_argc = argc, sep, ret;
	char **app_argv = argv;
	char why[256], nft_why[1280];

	/* the policy first: a bad one stops us before anything starts */
	for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (sep < argc) {
		app_argv = &argv[sep];
		app_argc = argc - sep;
		app_argv[0] = argv[0];
	}
	if (parse_args(&dp, app_argc, app_argv) < 0)
		return 2;
	/* before any key is read */
	if (nfv_coredump_init(dp.allow_core_dumps) < 0) {
		fprintf(stderr, "%s: cannot make the process non-dumpable: %s\n", argv[0],
			strerror(errno));
		return 1;
	}
	ret = nfv_policy_load(dp.policy_path, &dp.policy, &errs);
	if (ret < 0) {
		nfv_policy_errors_print(stderr, dp.policy_path, &errs);
		nfv_policy_errors_fini(&errs);
		return 2;
	}
	/*
	 * nft text to netlink messages by nfvpn-nftc while we are one thread
	 * and hold nothing of the EAL: libnftables and its namespace stay out
	 * of this process, and a syntax error stops us here too.
	 */
	ret = nfv_policy_filter_compile(dp.policy, nfv_nftc_spawn, nft_why, sizeof(nft_why));
	if (ret < 0) {
		fprintf(stderr, "%s\n", nft_why);
		nfv_policy_free(dp.policy);
		return ret == -EINVAL ? 2 : 1;
	}
	dp.icmp_rate = dp.policy->icmp_rate;
	/*
	 * One dataplane per socket, before the EAL: a second one must neither
	 * take the socket of one that runs nor probe its ports.
	 */
	ret = nfv_sock_lock(&lock, dp.socket_path);
	if (ret < 0) {
		nfv_sock_lock_why(&lock, ret, why, sizeof(why));
		fprintf(stderr, "%s: socket %s: %s; not starting\n", argv[0], dp.socket_path, why);
		goto err_lock;
	}

	ret = rte_eal_init(sep < argc ? sep : argc, argv);
	if (ret < 0) {
		fprintf(stderr, "%s: EAL initialisation failed: %s\n", argv[0],
			rte_strerror(rte_errno));
		goto err_eal;
	}
	dp.start_tsc = rte_rdtsc();
	ret = nfv_coredump_exclude_dpdk();
	if (ret < 0) {
		NFV_LOG(ERR, "cannot keep DPDK memory out of core dumps: %s", strerror(-ret));
		goto err_init;
	}
	signal_dp = &dp;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	ret = dp_init(&dp);
	if (ret < 0) {
		NFV_LOG(ERR, "start-up failed: %s", strerror(-ret));
		goto err_init;
	}
	ret = dp_run(&dp);
	if (dp_fini(&dp, true) < 0 && ret == 0)
		ret = -EBUSY;
	rte_eal_cleanup();
	nfv_sock_unlock(&lock);
	nfv_policy_free(dp.policy);
	return ret < 0 ? 1 : 0;

err_init:
	/* what dp_init made, nothing launched: no summary */
	dp_fini(&dp, false);
	rte_eal_cleanup();
err_eal:
	nfv_sock_unlock(&lock);
err_lock:
	nfv_policy_free(dp.policy);
	return 1;
}
