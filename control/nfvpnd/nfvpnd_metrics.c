/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Metrics over HTTP (off unless --metrics [ADDR:]PORT; nfvpnd_metrics_text.c
 * writes them): OpenMetrics text when the scraper's Accept names
 * application/openmetrics-text (as Prometheus does), Prometheus text 0.0.4
 * otherwise.
 *
 * HTTP is libmicrohttpd's, run from nfvpnd's poll loop (MHD_USE_EPOLL
 * without an internal thread): its epoll fd is one more fd in the loop and
 * MHD_run() answers requests on nfvpnd's thread, so a scrape reads the
 * daemon's state and its dataplane connection without a lock, between two
 * control requests, never during one. A scrape takes the loop as long as
 * the dataplane takes to answer the listings.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nfvpnd.h"

#define METRICS_CONN_MAX 16
#define METRICS_CONN_TIMEOUT_S 5

static const char om_type[] = "application/openmetrics-text; version=1.0.0; charset=utf-8";
static const char prom_type[] = "text/plain; version=0.0.4; charset=utf-8";

int nfvpnd_metrics_parse(const char *arg, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	const char *colon = strrchr(arg, ':'), *port = colon ? colon + 1 : arg;
	char host[INET6_ADDRSTRLEN + 2];
	size_t hlen = colon ? (size_t)(colon - arg) : 0;
	unsigned long p;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (port[0] < '0' || port[0] > '9')
		return -EINVAL;
	p = strtoul(port, &end, 10);
	if (*end != '\0' || p < 1 || p > 65535 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, arg, hlen);
	host[hlen] = '\0';
	if (colon == NULL) {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_port = htons(p);
		return 0;
	}
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -EINVAL;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p);
		return 0;
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -EINVAL;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(p);
	return 0;
}

const char *nfvpnd_metrics_url(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6)
		snprintf(buf, len, "http://[%s]:%u/metrics",
			 inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a)), ntohs(s6->sin6_port));
	else
		snprintf(buf, len, "http://%s:%u/metrics",
			 inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a)), ntohs(s4->sin_port));
	return buf;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code, const char *type,
			     void *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result plain(struct MHD_Connection *conn, unsigned int code, const char *text)
{
	char *s = strdup(text);

	return reply(conn, code, "text/plain; charset=utf-8", s, s ? strlen(s) : 0);
}

/* GET /metrics (or /): the scrape; anything else 404 or 405. */
static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **req)
{
	struct nfvpnd *d = cls;
	const char *accept;
	struct nfvpnd_text t = { 0 };
	bool om;

	/* the first call has the headers only: answer once a body, if any, is read */
	if (*req == NULL) {
		*req = conn;
		return MHD_YES;
	}
	if (*upload_len != 0) {
		*upload_len = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return plain(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (strcmp(url, "/metrics") != 0 && strcmp(url, "/") != 0)
		return plain(conn, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n");
	accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	om = accept != NULL && strstr(accept, "application/openmetrics-text") != NULL;
	nfvpnd_metrics_render(d, &t, om);
	if (t.p == NULL)
		return plain(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	return reply(conn, MHD_HTTP_OK, om ? om_type : prom_type, t.p, t.len);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	nfvpnd_log(LOG_WARNING, "metrics: %s", line);
}

int nfvpnd_metrics_init(struct nfvpnd *d)
{
	const struct sockaddr_storage *ss = &d->metrics_sa;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;

	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d->metrics = MHD_start_daemon(flags, 0, NULL, NULL, answer, d,
				      MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
				      MHD_OPTION_CONNECTION_LIMIT, (unsigned int)METRICS_CONN_MAX,
				      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)METRICS_CONN_TIMEOUT_S,
				      MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				      MHD_OPTION_END);
	if (d->metrics == NULL)
		return -EADDRNOTAVAIL;	/* MHD logged why */
	info = MHD_get_daemon_info(d->metrics, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL) {
		nfvpnd_metrics_fini(d);
		return -ENOTSUP;
	}
	d->metrics_fd = info->epoll_fd;
	return 0;
}

int nfvpnd_metrics_timeout(struct nfvpnd *d)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (d->metrics == NULL || MHD_get_timeout(d->metrics, &ms) != MHD_YES)
		return -1;
	return ms > 60000 ? 60000 : (int)ms;
}

void nfvpnd_metrics_run(struct nfvpnd *d)
{
	if (d->metrics != NULL)
		MHD_run(d->metrics);
}

void nfvpnd_metrics_fini(struct nfvpnd *d)
{
	if (d->metrics != NULL)
		MHD_stop_daemon(d->metrics);
	d->metrics = NULL;
	d->metrics_fd = -1;
}
