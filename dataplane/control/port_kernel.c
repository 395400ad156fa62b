/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel side of the exception TUNs: each gets the addresses of its
 * port, so that a socket bound to them receives what the dataplane punts,
 * and the routes through its port, so that what the kernel sends to those
 * destinations comes back through the TUN into LOCAL_OUT.
 *
 * This runs once at start-up on the control side, through iproute2: it is
 * what an operator would type, and it keeps netlink plumbing out of here.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "dp.h"
#include "log.h"
#include "module.h"

extern char **environ;

static int run_ip(const char *const argv[])
{
	pid_t pid;
	int status, ret;

	ret = posix_spawnp(&pid, "ip", NULL, NULL, (char *const *)argv, environ);
	if (ret != 0)
		return -ret;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static int tun_setup(const struct nfv_dp *dp, const struct nfv_dp_port *p)
{
	const struct nfv_policy *pol = dp->policy;
	char mtu[8], pfx[INET6_ADDRSTRLEN + 4];
	int ret;

	snprintf(mtu, sizeof(mtu), "%u", p->mtu);
	ret = run_ip((const char *[]){ "ip", "link", "set", "dev", p->tun_ifname,
				       "mtu", mtu, "up", NULL });
	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < pol->nb_addresses; i++) {
		const struct nfv_policy_address *a = &pol->addresses[i];

		if (strcmp(a->port, p->name) != 0)
			continue;
		nfv_prefix_fmt(&a->prefix, pfx, sizeof(pfx));
		/* no DAD: the dataplane answers ND for this address, not the TUN */
		ret = run_ip((const char *[]){ "ip", "addr", "replace", pfx, "dev",
					       p->tun_ifname,
					       a->prefix.addr.family == AF_INET6 ? "nodad" : NULL,
					       NULL });
		if (ret < 0)
			return ret;
	}
	for (unsigned int i = 0; i < pol->nb_routes; i++) {
		const struct nfv_policy_route *r = &pol->routes[i];

		if (r->type != NFV_ROUTE_UNICAST || strcmp(r->port, p->name) != 0)
			continue;
		nfv_prefix_fmt(&r->dst, pfx, sizeof(pfx));
		ret = run_ip((const char *[]){ "ip", r->dst.addr.family == AF_INET6 ? "-6" : "-4",
					       "route", "replace", pfx, "dev", p->tun_ifname,
					       NULL });
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int kernel_if_setup(struct nfv_dp *dp)
{
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		const struct nfv_dp_port *p = &dp->ports[i];
		int ret;

		if (p->tun_id == UINT16_MAX)
			continue;
		ret = tun_setup(dp, p);
		if (ret < 0) {
			NFV_LOG(ERR, "exception interface %s: ip failed: %s",
				p->tun_ifname, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static struct nfv_ctl_module kernel_if_module = {
	.name = "exception ports",
	.order = NFV_CTL_ORDER_KERNEL,
	.init = kernel_if_setup,
};
NFV_CTL_MODULE(kernel_if_module);
