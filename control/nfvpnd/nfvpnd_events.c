/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's events, on a connection of their own (so that a request
 * never has to skip them), logged one line each with key=value fields that
 * journalctl -o verbose and a grep both read. Its end tells nfvpnd that the
 * dataplane went away.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_event.h"
#include "nfvpnd.h"

int nfvpnd_events_subscribe(struct nfvpnd *d)
{
	int ret = nfv_client_open(&d->ev, d->dp_socket);

	if (ret < 0)
		return ret;
	ret = nfv_client_request(&d->ev, NFV_MSG_EVENTS, NULL, 0, NULL, NULL);
	if (ret < 0)
		nfv_client_close(&d->ev);
	return ret;
}

int nfvpnd_events_read(struct nfvpnd *d)
{
	struct nfv_client_msg m;
	int ret;

	ret = nfv_client_recv(&d->ev, 0, &m);
	if (ret == -ETIMEDOUT)
		return 0;
	if (ret < 0)
		return ret;
	/* trace records are for the nfvpnctl trace that asked, not the log */
	if (m.hdr.type == NFV_MSG_EVENT && m.hdr.len >= sizeof(struct nfv_msg_event) &&
	    ((struct nfv_msg_event *)m.payload)->type != NFV_EVENT_TRACE) {
		struct nfv_msg_event *e = m.payload;

		e->object[sizeof(e->object) - 1] = '\0';
		e->text[sizeof(e->text) - 1] = '\0';
		d->events++;
		nfvpnd_log(nfv_event_severity(e->type), "event=%s object=\"%s\" value=%lu worker=%d: %s",
			   nfv_event_name(e->type), e->object, (unsigned long)e->value,
			   e->worker == UINT16_MAX ? -1 : e->worker, e->text);
	}
	free(m.payload);
	return 0;
}
