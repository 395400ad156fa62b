/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's events (struct nfv_msg_event), one row each: the wire
 * value, the name nfvpnd logs and nfvpnctl events prints, the syslog
 * severity nfvpnd logs it at (LOG_<severity>), and the text the dataplane
 * sends with it. The values travel on the wire: append only.
 */
#ifndef NFV_EVENT_H
#define NFV_EVENT_H

/* object and value: what the dataplane fills in for each. */
#define NFV_EVENTS(X)									\
	/* object: SA; value: the limit reached */					\
	X(SA_SOFT, 1, "sa-soft-expire", NOTICE, "SA soft lifetime reached: rekey")	\
	X(SA_HARD, 2, "sa-hard-expire", WARNING,					\
	  "SA hard lifetime reached: SA no longer used")				\
	/* object: "queue N"; value: packets lost since the last event */		\
	X(QUEUE_OVERFLOW, 3, "queue-overflow", WARNING, "queue full: packets not queued") \
	/* object: "port address"; value: packets dropped */				\
	X(NEIGH_FAILED, 4, "neigh-failed", NOTICE,					\
	  "neighbour resolution failed: held packets dropped")				\
	/* value: the new generation */							\
	X(GENERATION, 5, "generation", INFO, "new generation applied")			\
	/* value: events lost (ring or subscriber full) */				\
	X(LOST, 6, "events-lost", WARNING, "events lost")				\
	/* value: packet id; object: the entry; text: the rest (trace_ctl.c) */		\
	X(TRACE, 7, "trace", DEBUG, "packet trace")					\
	/* object: the inbound SA; value: the peer's new UDP port; text: its new	\
	 * address (sent by ipsec.c, not this row's text) */				\
	X(SA_MAPPING, 8, "sa-mapping", NOTICE,						\
	  "NAT-T: an authenticated packet came from a new peer address or port")	\
	/* object: the outbound policy; value: its reqid */				\
	X(SP_ACQUIRE, 9, "sp-acquire", INFO,						\
	  "acquire: a packet of a PROTECT policy without an SA (dropped)")

enum nfv_event_type {
#define NFV_EVENT_ENUM(id, value, name, severity, text) NFV_EVENT_##id = value,
	NFV_EVENTS(NFV_EVENT_ENUM)
#undef NFV_EVENT_ENUM
};

/* "sa-soft-expire"; "unknown" when type is none of the rows. */
const char *nfv_event_name(unsigned int type);
/* A syslog priority (LOG_NOTICE when unknown). */
int nfv_event_severity(unsigned int type);
/* The text the dataplane sends; "event" when unknown. */
const char *nfv_event_text(unsigned int type);

#endif
