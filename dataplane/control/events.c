/* SPDX-License-Identifier: BSD-3-Clause */
/* The event ring and its subscribers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_string_fns.h>

#include "dp.h"
#include "events.h"
#include "log.h"
#include "mgmt.h"
#include "module.h"
#include "nfv_event.h"

/* What a worker writes: a multiple of 4 bytes, as rte_ring_elem wants. */
struct event_rec {
	uint16_t type;
	uint16_t worker;
	uint32_t pad;
	uint64_t value;
	char object[48];
};

struct nfv_events {
	struct rte_ring *ring;		/* any lcore -> control side */
	uint64_t lost;			/* ring full; atomic */
	uint64_t lost_sent;		/* control side: lost already reported */
	int subs[NFV_EVENTS_SUBS];	/* fds of subscribed connections */
	unsigned int nb_subs;
};

static int events_init(struct nfv_dp *dp)
{
	struct nfv_events *ev = calloc(1, sizeof(*ev));

	if (ev == NULL)
		return -ENOMEM;
	ev->ring = rte_ring_create_elem("nfv_events", sizeof(struct event_rec),
					NFV_EVENTS_RING, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (ev->ring == NULL) {
		free(ev);
		return -rte_errno;
	}
	dp->events = ev;
	return 0;
}

static void events_fini(struct nfv_dp *dp)
{
	if (dp->events == NULL)
		return;
	rte_ring_free(dp->events->ring);
	free(dp->events);
	dp->events = NULL;
}

int nfv_event_push(struct nfv_dp *dp, uint16_t type, uint16_t worker,
		   uint64_t value, const char *object)
{
	struct nfv_events *ev = dp->events;
	struct event_rec r = { .type = type, .worker = worker, .value = value };

	if (ev == NULL)
		return -ENODEV;
	if (object != NULL)
		strlcpy(r.object, object, sizeof(r.object));
	if (rte_ring_mp_enqueue_elem(ev->ring, &r, sizeof(r)) != 0) {
		__atomic_fetch_add(&ev->lost, 1, __ATOMIC_RELAXED);
		return -ENOBUFS;
	}
	return 0;
}

void nfv_event_neigh_failed(struct nfv_dp *dp, uint16_t port, uint8_t family,
			    const uint8_t addr[16], uint64_t dropped)
{
	struct nfv_addr a = { .family = family };
	char obj[48], ab[NFV_ADDR_FMT_MAX];

	memcpy(a.bytes, addr, sizeof(a.bytes));
	snprintf(obj, sizeof(obj), "%s %s", port < dp->nb_ports ? dp->ports[port].name : "?",
		 nfv_addr_fmt(&a, ab, sizeof(ab)));
	nfv_event_push(dp, NFV_EVENT_NEIGH_FAILED, UINT16_MAX, dropped, obj);
}

void nfv_events_send(struct nfv_dp *dp, const struct nfv_msg_event *e)
{
	struct nfv_mgmt *mg = dp->mgmt;

	for (unsigned int s = 0; s < dp->events->nb_subs; s++)
		for (unsigned int i = 0; i < mg->nb_conns; i++)
			if (mg->conns[i].fd == dp->events->subs[s])
				nfv_mgmt_send(&mg->conns[i], NFV_MSG_EVENT, 0, 0, e, sizeof(*e));
}

static void events_run(struct nfv_dp *dp, uint64_t now)
{
	struct nfv_events *ev = dp->events;
	struct event_rec r;
	struct timespec ts;
	uint64_t lost;

	if (ev == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	while (rte_ring_sc_dequeue_elem(ev->ring, &r, sizeof(r)) == 0) {
		struct nfv_msg_event e = {
			.time_ns = ts.tv_sec * 1000000000ull + ts.tv_nsec,
			.type = r.type, .worker = r.worker, .value = r.value,
		};

		memcpy(e.object, r.object, sizeof(e.object));
		e.object[sizeof(e.object) - 1] = '\0';
		strlcpy(e.text, nfv_event_text(r.type), sizeof(e.text));
		if (ev->nb_subs > 0)
			nfv_events_send(dp, &e);
	}
	lost = __atomic_load_n(&ev->lost, __ATOMIC_RELAXED);
	if (lost != ev->lost_sent && ev->nb_subs > 0) {
		struct nfv_msg_event e = {
			.time_ns = ts.tv_sec * 1000000000ull + ts.tv_nsec,
			.type = NFV_EVENT_LOST, .worker = UINT16_MAX,
			.value = lost - ev->lost_sent,
		};

		strlcpy(e.object, "events", sizeof(e.object));
		strlcpy(e.text, nfv_event_text(NFV_EVENT_LOST), sizeof(e.text));
		nfv_events_send(dp, &e);
		ev->lost_sent = lost;
	}
}

static int events_subscribe(struct nfv_dp *dp, struct nfv_mgmt_conn *c)
{
	struct nfv_events *ev = dp->events;

	if (ev == NULL)
		return -ENODEV;
	for (unsigned int s = 0; s < ev->nb_subs; s++)
		if (ev->subs[s] == c->fd)
			return 0;
	if (ev->nb_subs == NFV_EVENTS_SUBS)
		return -EBUSY;
	ev->subs[ev->nb_subs++] = c->fd;
	c->subscribed = true;
	return 0;
}

static void events_unsubscribe(struct nfv_dp *dp, struct nfv_mgmt_conn *c)
{
	struct nfv_events *ev = dp->events;

	for (unsigned int s = 0; ev != NULL && s < ev->nb_subs; s++) {
		if (ev->subs[s] == c->fd) {
			ev->subs[s] = ev->subs[--ev->nb_subs];
			return;
		}
	}
}

static int handle_events(struct nfv_dp *dp, struct nfv_mgmt_conn *c,
			 const struct nfv_msg_hdr *h, const void *payload)
{
	int ret = events_subscribe(dp, c);

	if (ret < 0)
		return nfv_mgmt_error(c, h->seq, ret, "%s", ret == -EBUSY ?
				      "too many event subscribers" : strerror(-ret));
	return nfv_mgmt_ok(c, h);
}

static const struct nfv_mgmt_handler events_handlers[] = {
	{ NFV_MSG_EVENTS, 0, false, "events", handle_events },
};
NFV_MGMT_HANDLERS(events_handlers);

static struct nfv_ctl_module events_module = {
	.name = "events",
	.order = NFV_CTL_ORDER_EVENTS,
	.init = events_init,
	.timer = events_run,
	.conn_closed = events_unsubscribe,
	.fini = events_fini,
};
NFV_CTL_MODULE(events_module);
