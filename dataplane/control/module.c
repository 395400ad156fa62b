/* SPDX-License-Identifier: BSD-3-Clause */
/* The registry of control modules, kept sorted by start-up order. */
#include <stdbool.h>
#include <string.h>

#include "dp.h"
#include "log.h"
#include "module.h"

/* The control side's log type (log.h): here, so that the library is whole without main.c. */
RTE_LOG_REGISTER(nfv_dp_logtype, nfvpn.dataplane, INFO);

static STAILQ_HEAD(, nfv_ctl_module) modules = STAILQ_HEAD_INITIALIZER(modules);
static unsigned int nb_modules;
/* how many init() ran, in order: teardown visits these only */
static unsigned int nb_started;

void nfv_ctl_module_register(struct nfv_ctl_module *m)
{
	struct nfv_ctl_module *prev = NULL, *it;

	STAILQ_FOREACH(it, &modules, next) {
		if (it->order > m->order)
			break;
		prev = it;
	}
	if (prev == NULL)
		STAILQ_INSERT_HEAD(&modules, m, next);
	else
		STAILQ_INSERT_AFTER(&modules, prev, m, next);
	nb_modules++;
}

struct nfv_ctl_module *nfv_ctl_module_find(const char *name)
{
	struct nfv_ctl_module *m;

	STAILQ_FOREACH(m, &modules, next)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

int nfv_ctl_modules_init(struct nfv_dp *dp, const char **failed)
{
	struct nfv_ctl_module *m;
	int ret;

	nb_started = 0;
	STAILQ_FOREACH(m, &modules, next) {
		/* counted first: a failed init cleans up in its fini */
		nb_started++;
		ret = m->init != NULL ? m->init(dp) : 0;
		if (ret < 0) {
			*failed = m->name;
			return ret;
		}
	}
	return 0;
}

/* The n-th module from the start; NULL past the end. */
static struct nfv_ctl_module *nth(unsigned int n)
{
	struct nfv_ctl_module *m;

	STAILQ_FOREACH(m, &modules, next)
		if (n-- == 0)
			return m;
	return NULL;
}

void nfv_ctl_modules_stop(struct nfv_dp *dp)
{
	for (unsigned int i = nb_started; i-- > 0;) {
		struct nfv_ctl_module *m = nth(i);

		if (m->stop != NULL)
			m->stop(dp);
	}
}

void nfv_ctl_modules_fini(struct nfv_dp *dp)
{
	for (unsigned int i = nb_started; i-- > 0;) {
		struct nfv_ctl_module *m = nth(i);

		if (m->fini != NULL)
			m->fini(dp);
	}
	nb_started = 0;
}

void nfv_ctl_modules_conn_closed(struct nfv_dp *dp, struct nfv_mgmt_conn *c)
{
	struct nfv_ctl_module *m;

	STAILQ_FOREACH(m, &modules, next)
		if (m->conn_closed != NULL)
			m->conn_closed(dp, c);
}

void nfv_ctl_modules_batch_end(struct nfv_dp *dp)
{
	struct nfv_ctl_module *m;

	STAILQ_FOREACH(m, &modules, next)
		if (m->batch_end != NULL)
			m->batch_end(dp);
}

void nfv_ctl_modules_poll(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_ctl_module *m;

	STAILQ_FOREACH(m, &modules, next)
		if (m->poll != NULL)
			m->poll(dp, now);
}

void nfv_ctl_modules_timer(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_ctl_module *m;

	STAILQ_FOREACH(m, &modules, next)
		if (m->timer != NULL)
			m->timer(dp, now);
}
