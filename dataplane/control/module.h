/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control modules: each feature of the main lcore (ports, routes,
 * neighbours, hook entries, queues, IPsec, filter, trace, ...) is one file
 * that registers one of these, and its message handlers (mgmt.h), from a
 * constructor. main.c starts them in order, the control loop runs their
 * callbacks, teardown goes in reverse; no feature calls another's file.
 */
#ifndef NFV_MODULE_H
#define NFV_MODULE_H

#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>

struct nfv_dp;
struct nfv_mgmt_conn;

/* Start-up order: a module may use what lower orders made. */
enum nfv_ctl_order {
	NFV_CTL_ORDER_PORTS = 10,	/* devices configured, not started */
	NFV_CTL_ORDER_FILTER = 20,	/* conntrack confirm before ESP output */
	NFV_CTL_ORDER_ROUTES = 30,	/* addresses, routes, the first FIB */
	NFV_CTL_ORDER_NEIGH = 40,
	NFV_CTL_ORDER_QUEUES = 50,
	NFV_CTL_ORDER_HOOKS = 60,	/* built-in entries; may name a queue */
	NFV_CTL_ORDER_IPSEC = 70,
	NFV_CTL_ORDER_KERNEL = 80,	/* exception ports, after addresses */
	NFV_CTL_ORDER_EVENTS = 90,
	NFV_CTL_ORDER_TRACE = 95,
	NFV_CTL_ORDER_STATS = 97,	/* the counters' baseline (stats clear) */
	NFV_CTL_ORDER_MGMT = 100,	/* clients last: everything is there */
	NFV_CTL_ORDER_TELEMETRY = 110,
	NFV_CTL_ORDER_CAPTURE = 120,	/* rte_pdump for dpdk-dumpcap: ports are there */
};

struct nfv_ctl_module {
	const char *name;
	int order;			/* enum nfv_ctl_order */
	/* start-up: build the module's state and apply dp->policy's part */
	int (*init)(struct nfv_dp *dp);
	/* every turn of the control loop (≤ 1 ms apart) */
	void (*poll)(struct nfv_dp *dp, uint64_t now);
	/* every 100 ms */
	void (*timer)(struct nfv_dp *dp, uint64_t now);
	/* a management connection goes away: forget what it owned */
	void (*conn_closed)(struct nfv_dp *dp, struct nfv_mgmt_conn *c);
	/*
	 * after a batch of requests (what one read of a connection held, or a
	 * transaction's rollback), before their answers go out: publish what
	 * the batch changed, once
	 */
	void (*batch_end)(struct nfv_dp *dp);
	/* workers stopped, before the summary: let go of held packets */
	void (*stop)(struct nfv_dp *dp);
	/* after the summary: free everything (also after a failed start) */
	void (*fini)(struct nfv_dp *dp);
	STAILQ_ENTRY(nfv_ctl_module) next;
};

void nfv_ctl_module_register(struct nfv_ctl_module *m);
/* By name; for tests, which start one module on a fake dataplane. */
struct nfv_ctl_module *nfv_ctl_module_find(const char *name);

#define NFV_CTL_MODULE(m) \
	RTE_INIT(nfv_ctl_module_init_##m) { nfv_ctl_module_register(&(m)); }

/* main.c: init of every module in order; on failure the name of the one. */
int nfv_ctl_modules_init(struct nfv_dp *dp, const char **failed);
void nfv_ctl_modules_stop(struct nfv_dp *dp);
void nfv_ctl_modules_fini(struct nfv_dp *dp);
/* mgmt.c */
void nfv_ctl_modules_conn_closed(struct nfv_dp *dp, struct nfv_mgmt_conn *c);
/* mgmt.c, txn.c */
void nfv_ctl_modules_batch_end(struct nfv_dp *dp);
/* loop.c */
void nfv_ctl_modules_poll(struct nfv_dp *dp, uint64_t now);
void nfv_ctl_modules_timer(struct nfv_dp *dp, uint64_t now);

/* loop.c: the main lcore's loop until dp->quit. */
void nfv_ctl_loop(struct nfv_dp *dp);
/* Frees what is left in the control rings once workers have stopped. */
void nfv_ctl_drain(struct nfv_dp *dp);

#endif
