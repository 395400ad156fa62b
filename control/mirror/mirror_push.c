/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One version of the table to the dataplane (nfv_client_filter_load());
 * kept pending while the dataplane is away.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror_priv.h"
#include "nfv_policy_filter.h"

static int connect_dp(struct nfv_mirror *m)
{
	int ret;

	if (m->connected)
		return 0;
	ret = nfv_client_open(&m->client, m->socket);
	if (ret < 0)
		return ret;
	m->connected = true;
	return 0;
}

static void disconnect_dp(struct nfv_mirror *m)
{
	if (m->connected)
		nfv_client_close(&m->client);
	m->connected = false;
}

static int transfer(struct nfv_mirror *m, const struct nfv_mirror_buf *b)
{
	char origin[128];

	snprintf(origin, sizeof(origin), "mirror %s %.100s",
		 nfv_policy_filter_family_name(m->family), m->table);
	return nfv_client_filter_load(&m->client, b->p, b->len, NFV_FILTER_SOURCE_MIRROR,
				      origin);
}

int mirror_push(struct nfv_mirror *m, const struct nfv_mirror_buf *b)
{
	int ret = connect_dp(m);

	if (ret == 0) {
		ret = transfer(m, b);
		/* the server answered: a refusal is final for this version */
		if (ret < 0 && !m->client.broken && ret != -EPIPE && ret != -ECONNRESET) {
			m->pending = false;
			snprintf(m->st.last_error, sizeof(m->st.last_error), "dataplane: %s",
				 m->client.err);
			return ret;
		}
	}
	if (ret < 0) {
		/* the dataplane is away: try again later */
		snprintf(m->st.last_error, sizeof(m->st.last_error), "dataplane %s: %s",
			 m->socket, m->client.err[0] ? m->client.err : strerror(-ret));
		disconnect_dp(m);
		m->pending = true;
		return ret;
	}
	m->pending = false;
	return 0;
}
