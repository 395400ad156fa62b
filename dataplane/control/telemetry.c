/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The same counters in DPDK telemetry (dpdk-telemetry.py): /nfvpn/stats,
 * /nfvpn/hooks, /nfvpn/drops. Telemetry callbacks run on DPDK's telemetry
 * thread and only read counters.
 */
#include <ctype.h>
#include <string.h>

#include <rte_spinlock.h>
#include <rte_telemetry.h>

#include "dp.h"
#include "log.h"
#include "module.h"
#include "nfv_drop.h"
#include "stats.h"

/* Telemetry callbacks take no argument: the process has one dataplane. */
static struct nfv_dp *tel_dp;

/* Telemetry names allow letters, digits and '_' only: "ip4-bad-ihl" -> "ip4_bad_ihl". */
static const char *tel_name(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < len; i++)
		out[i] = isalnum((unsigned char)in[i]) ? in[i] : '_';
	out[i] = '\0';
	return out;
}

static int tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct nfv_worker_stats s;

	nfv_stats_workers_sum(tel_dp, &s);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", s.rx);
	rte_tel_data_add_dict_u64(d, "tx", s.tx);
	rte_tel_data_add_dict_u64(d, "forwarded", s.forwarded);
	rte_tel_data_add_dict_u64(d, "local_in", s.local_in);
	rte_tel_data_add_dict_u64(d, "local_out", s.local_out);
	rte_tel_data_add_dict_u64(d, "dropped", nfv_stats_drops_total(tel_dp));
	return 0;
}

static int tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	char name[64];

	for (unsigned int r = 0; r < NFV_DR_MAX; r++)
		rte_tel_data_add_dict_u64(d, tel_name(nfv_drop_reason_name(r), name, sizeof(name)),
					  nfv_drop_stats_sum(tel_dp->hooks, r));
	return 0;
}

/*
 * The hook arrays are freed by the control side after a QSBR grace period,
 * and the telemetry thread is no QSBR reader: it reads a copy that the
 * control side refreshes, under a lock only these two threads take.
 */
#define TEL_HOOKS_MAX 64

static struct {
	rte_spinlock_t lock;
	unsigned int n;
	struct {
		char name[80];
		uint64_t packets;
	} e[TEL_HOOKS_MAX];
} tel_hooks_copy = { .lock = RTE_SPINLOCK_INITIALIZER };

static void telemetry_refresh(struct nfv_dp *dp, uint64_t now)
{
	unsigned int n = 0;

	rte_spinlock_lock(&tel_hooks_copy.lock);
	for (unsigned int h = 0; h < NFV_INET_NUMHOOKS; h++) {
		const struct nfv_hook_entries *es = dp->hooks->hooks[h];

		for (unsigned int i = 0; es != NULL && i < es->num && n < TEL_HOOKS_MAX; i++) {
			struct nfv_hook_stats st;

			nfv_hook_stats_sum(es->regs[i], &st);
			char raw[80];

			snprintf(raw, sizeof(raw), "%s_%s", nfv_hook_name(h), es->regs[i]->name);
			tel_name(raw, tel_hooks_copy.e[n].name, sizeof(tel_hooks_copy.e[n].name));
			tel_hooks_copy.e[n++].packets = st.packets;
		}
	}
	tel_hooks_copy.n = n;
	rte_spinlock_unlock(&tel_hooks_copy.lock);
}

static int tel_hooks(const char *cmd, const char *params, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	rte_spinlock_lock(&tel_hooks_copy.lock);
	for (unsigned int i = 0; i < tel_hooks_copy.n; i++)
		rte_tel_data_add_dict_u64(d, tel_hooks_copy.e[i].name,
					  tel_hooks_copy.e[i].packets);
	rte_spinlock_unlock(&tel_hooks_copy.lock);
	return 0;
}

static int telemetry_register(struct nfv_dp *dp)
{
	tel_dp = dp;
	return rte_telemetry_register_cmd("/nfvpn/stats", tel_stats,
					  "Dataplane packet totals.") ||
	       rte_telemetry_register_cmd("/nfvpn/drops", tel_drops,
					  "Dropped packets by reason.") ||
	       rte_telemetry_register_cmd("/nfvpn/hooks", tel_hooks,
					  "Packets seen by each hook entry.");
}

/* Telemetry is a convenience: without it the dataplane runs on. */
static int telemetry_init(struct nfv_dp *dp)
{
	if (telemetry_register(dp) != 0)
		NFV_LOG(WARNING, "telemetry commands not registered");
	return 0;
}

static struct nfv_ctl_module telemetry_module = {
	.name = "telemetry",
	.order = NFV_CTL_ORDER_TELEMETRY,
	.init = telemetry_init,
	.timer = telemetry_refresh,
};
NFV_CTL_MODULE(telemetry_module);
