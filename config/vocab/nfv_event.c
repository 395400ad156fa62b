/* SPDX-License-Identifier: BSD-3-Clause */
/* The rows of nfv_event.h, indexed by their wire value. */
#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "nfv_event.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	const char *text;
	int severity;
} events[] = {
#define EVENT_ROW(id, value, name, severity, text)			\
	[NFV_EVENT_##id] = { name, text, LOG_##severity },
	NFV_EVENTS(EVENT_ROW)
#undef EVENT_ROW
};

static bool known(unsigned int type)
{
	return type < DIM(events) && events[type].name != NULL;
}

const char *nfv_event_name(unsigned int type)
{
	return known(type) ? events[type].name : "unknown";
}

int nfv_event_severity(unsigned int type)
{
	return known(type) ? events[type].severity : LOG_NOTICE;
}

const char *nfv_event_text(unsigned int type)
{
	return known(type) ? events[type].text : "event";
}
