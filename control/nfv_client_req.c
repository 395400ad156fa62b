/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requests over the management socket: one in flight, matched by seq, the
 * server's error text kept for the user; queue packets that come between
 * are set aside in order for the listener.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfv_client.h"

__attribute__((format(printf, 3, 4)))
static int req_err(struct nfv_client *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return err;
}

static bool is_queue_packet(const struct nfv_client_msg *m)
{
	return m->hdr.type == NFV_MSG_QUEUE_PACKET && m->hdr.seq == 0;
}

/* Checks a queue packet's own framing; takes m->payload on success. */
static int take_packet(struct nfv_client *c, struct nfv_client_msg *m,
		       struct nfv_msg_queue_packet **pkt, uint32_t *len)
{
	const struct nfv_msg_queue_packet *p = m->payload;

	uint32_t cap;

	if (m->hdr.len < sizeof(*p) || p->cap_len > m->hdr.len - sizeof(*p)) {
		cap = m->hdr.len < sizeof(*p) ? 0 : p->cap_len;
		free(m->payload);
		c->broken = true;
		return req_err(c, -EPROTO, "malformed queue packet: %u bytes, %u captured",
			       m->hdr.len, cap);
	}
	*pkt = m->payload;
	*len = m->hdr.len;
	return 0;
}

static int stash_packet(struct nfv_client *c, struct nfv_client_msg *m)
{
	struct nfv_client_pkt *e = calloc(1, sizeof(*e));
	int ret;

	if (e == NULL) {
		free(m->payload);
		return req_err(c, -ENOMEM, "out of memory");
	}
	ret = take_packet(c, m, &e->pkt, &e->len);
	if (ret < 0) {
		free(e);
		return ret;
	}
	if (c->pkt_tail != NULL)
		c->pkt_tail->next = e;
	else
		c->pkt_head = e;
	c->pkt_tail = e;
	return 0;
}

/* The server's status as our return value, with its text in c->err. */
static int server_error(struct nfv_client *c, const struct nfv_client_msg *m)
{
	const char *text = m->payload;
	size_t n = text != NULL ? strnlen(text, m->hdr.len) : 0;
	int err = m->hdr.status;

	if (n == 0)
		return req_err(c, err, "%s", strerror(-err));
	return req_err(c, err, "%.*s", (int)n, text);
}

int nfv_client_request(struct nfv_client *c, uint16_t type, const void *req,
		       uint32_t req_len, void **resp, uint32_t *resp_len)
{
	struct nfv_client_msg m;
	int ret;

	if (resp != NULL)
		*resp = NULL;
	if (resp_len != NULL)
		*resp_len = 0;
	if (++c->seq == 0)	/* seq 0 is the server's own */
		c->seq = 1;
	ret = nfv_client_send(c, type, c->seq, req, req_len);
	if (ret < 0)
		return ret;
	for (;;) {
		ret = nfv_client_recv(c, -1, &m);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			return ret;
		if (!is_queue_packet(&m))
			break;
		ret = stash_packet(c, &m);
		if (ret < 0)
			return ret;
	}

	/* a refusal at accept time answers before our request was read */
	if (m.hdr.seq == 0 && m.hdr.type == NFV_MSG_ERROR && m.hdr.status < 0) {
		ret = server_error(c, &m);
		c->broken = true;
		goto out;
	}
	if (m.hdr.seq != c->seq) {
		ret = req_err(c, -EPROTO, "response has seq %u, expected %u",
			      m.hdr.seq, c->seq);
		c->broken = true;
		goto out;
	}
	if (m.hdr.status < 0) {
		ret = server_error(c, &m);
		goto out;
	}
	if (m.hdr.status > 0 || m.hdr.type != type) {
		ret = req_err(c, -EPROTO, "response of type %u, status %d to a request of type %u",
			      m.hdr.type, m.hdr.status, type);
		goto out;
	}
	if (resp != NULL) {
		*resp = m.payload;
		m.payload = NULL;
	}
	if (resp_len != NULL)
		*resp_len = m.hdr.len;
	ret = 0;
out:
	free(m.payload);
	return ret;
}

int nfv_client_list(struct nfv_client *c, uint16_t type, size_t rec_size,
		    void **recs, uint32_t *count)
{
	const struct nfv_msg_list *l;
	uint32_t len, i;
	size_t rs, cp;
	uint8_t *out;
	void *resp;
	int ret;

	*recs = NULL;
	*count = 0;
	ret = nfv_client_request(c, type, NULL, 0, &resp, &len);
	if (ret < 0)
		return ret;
	l = resp;
	if (len < sizeof(*l)) {
		ret = req_err(c, -EPROTO, "list response of %u bytes, shorter than its header", len);
		goto out;
	}
	rs = l->record_size;
	if ((rs == 0 && l->count != 0) ||
	    (rs != 0 && l->count > (len - sizeof(*l)) / rs) ||
	    (uint64_t)l->count * rs != len - sizeof(*l)) {
		ret = req_err(c, -EPROTO, "list response of %u bytes cannot hold %u records of %zu bytes",
			      len, l->count, rs);
		goto out;
	}
	out = calloc(l->count ? l->count : 1, rec_size);
	if (out == NULL) {
		ret = req_err(c, -ENOMEM, "out of memory");
		goto out;
	}
	/* Records may grow at their end in a later version: keep what we know. */
	cp = rs < rec_size ? rs : rec_size;
	for (i = 0; i < l->count; i++)
		memcpy(out + i * rec_size, (const uint8_t *)(l + 1) + i * rs, cp);
	*recs = out;
	*count = l->count;
out:
	free(resp);
	return ret;
}

int nfv_client_recv_packet(struct nfv_client *c, int timeout_ms,
			   struct nfv_msg_queue_packet **pkt, uint32_t *len)
{
	struct nfv_client_pkt *e = c->pkt_head;
	struct nfv_client_msg m;
	int ret;

	if (e != NULL) {
		c->pkt_head = e->next;
		if (c->pkt_head == NULL)
			c->pkt_tail = NULL;
		*pkt = e->pkt;
		*len = e->len;
		free(e);
		return 0;
	}
	ret = nfv_client_recv(c, timeout_ms, &m);
	if (ret < 0)
		return ret;
	if (!is_queue_packet(&m)) {
		free(m.payload);
		c->broken = true;
		return req_err(c, -EPROTO, "unexpected message of type %u, seq %u",
			       m.hdr.type, m.hdr.seq);
	}
	return take_packet(c, &m, pkt, len);
}
