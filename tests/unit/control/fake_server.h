/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stand-in for nfvpn-dataplane's management socket: a Unix socket in a
 * temporary directory, served by a thread that answers each request with
 * the next scripted byte stream, written in chunks to force short reads.
 */
#ifndef FAKE_SERVER_H
#define FAKE_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nfv_msg.h"

#define FAKE_STEPS 32
#define FAKE_REQS 32
#define FAKE_REQ_MAX 1024

struct fake_step {
	uint8_t *bytes;		/* one or more whole or broken messages */
	size_t len;
	size_t chunk;		/* write at most this much at a time; 0: all */
	bool close;		/* hang up after writing */
};

struct fake_req {
	struct nfv_msg_hdr hdr;
	uint8_t payload[FAKE_REQ_MAX];
};

struct fake_server {
	char dir[64];
	char path[108];
	int lfd;
	pthread_t thread;
	pthread_mutex_t lock;
	struct fake_step steps[FAKE_STEPS];
	unsigned int nb_steps, next_step;
	struct fake_req reqs[FAKE_REQS];
	unsigned int nb_reqs;
};

/* Starts the server; returns 0 or -errno. */
int fake_start(struct fake_server *s);
void fake_stop(struct fake_server *s);
/* Drops the script and the recorded requests. */
void fake_reset(struct fake_server *s);

/* Appends a message to the step being built (the last one). */
void fake_msg(struct fake_server *s, uint16_t type, uint32_t seq, int32_t status,
	      const void *payload, uint32_t len);
/* A message whose header says len but which carries n bytes. */
void fake_msg_raw(struct fake_server *s, const struct nfv_msg_hdr *h,
		  const void *payload, size_t n);
/* Starts the reply to the next request. */
void fake_step(struct fake_server *s, size_t chunk, bool close);

/* A response: seq of the request it answers, type echoed. */
void fake_reply(struct fake_server *s, uint16_t type, uint32_t seq,
		const void *payload, uint32_t len);
/* A list response of n records of size each. */
void fake_reply_list(struct fake_server *s, uint16_t type, uint32_t seq,
		     const void *recs, uint32_t n, uint32_t size);
/* An NFV_MSG_ERROR response with text. */
void fake_reply_error(struct fake_server *s, uint32_t seq, int err, const char *text);

#endif
