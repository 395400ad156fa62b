/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the hooks/ipsec suites: a module with one worker, no dataplane. */
#ifndef TEST_ESP_H
#define TEST_ESP_H

#include <stdint.h>

#include "esp.h"
#include "nfv_ipsec.h"

extern struct rte_mempool *test_pool;

struct test_esp {
	struct nfv_ipsec *ips;
	struct nfv_hook_table *table;	/* only drops and inject queues used */
	struct nfv_hook_state state;
	struct rte_rcu_qsbr *qsbr;
};

int test_esp_setup(struct test_esp *t);
void test_esp_teardown(struct test_esp *t);

/* Hex string (spaces allowed) to bytes; returns the length. */
size_t test_hex(const char *s, uint8_t *out, size_t max);

/* A filled SA configuration (keys are zero unless set after). */
void test_sa_conf(struct nfv_ipsec_sa_conf *c, uint32_t id, uint32_t spi,
		  enum nfv_ipsec_dir dir, enum nfv_ipsec_mode mode,
		  enum nfv_ipsec_cipher cipher, enum nfv_ipsec_auth auth,
		  const char *src, const char *dst);
/* An any-to-any policy for family: PROTECT with sa_id/reqid, or action. */
/*
 * Outbound SA 1 (out, id set to 1) and inbound SA 2 (in, or out's twin:
 * the same keys, id and reqid 2), PROTECT policies 1 and 2 for any packet
 * of family. Returns the number of calls that failed.
 */
int test_pair_add(struct test_esp *t, const struct nfv_ipsec_sa_conf *out,
		  const struct nfv_ipsec_sa_conf *in, uint8_t family);
int test_sp_any(struct test_esp *t, uint32_t id, enum nfv_ipsec_dir dir,
		uint8_t family, enum nfv_ipsec_action action, uint32_t sa_or_reqid);

/* Runs one packet through a hook; returns its verdict. */
uint32_t test_run_output(struct test_esp *t, struct rte_mbuf *m);
uint32_t test_run_input(struct test_esp *t, struct rte_mbuf *m);
/* Takes the oldest packet of an inject queue, or NULL. */
struct rte_mbuf *test_take(struct test_esp *t, enum nfv_inject_point p);
uint64_t test_drops(struct test_esp *t, unsigned int reason);

/* A packet from bytes with meta->family set. */
struct rte_mbuf *test_pkt(const uint8_t *data, uint16_t len, uint8_t family);
/* A copy of an IPv4 packet held in one segment. */
struct rte_mbuf *test_pkt_copy4(const struct rte_mbuf *m);
/*
 * An outbound and an inbound AES-GCM-128 tunnel SA from src to dst with
 * one key (test_pair_add: what the first seals, the second opens), natt
 * for UDP encapsulation; fails the test when they cannot be added.
 */
void test_gcm_pair(struct test_esp *t, uint32_t spi, const char *src, const char *dst,
		   bool natt);
/* Input of m: its inner packet reaches PRE_ROUTING; or it is dropped for reason. */
void test_in_accept(struct test_esp *t, struct rte_mbuf *m);
void test_in_refuse(struct test_esp *t, struct rte_mbuf *m, unsigned int reason);
/* A small UDP packet 10.0.0.1 -> 10.0.1.1 as the outbound SA seals it. */
struct rte_mbuf *test_esp_sealed(struct test_esp *t);
/* A small IPv4 or IPv6 UDP packet between two addresses. */
uint16_t test_build_udp(uint8_t *buf, uint8_t family, const char *src,
			const char *dst, uint16_t sport, uint16_t dport,
			uint16_t payload_len);

int test_replay_register(void);
int test_kat_register(void);
int test_kat_alg_register(void);
int test_bad_register(void);
int test_path_register(void);
int test_life_register(void);
int test_hook_register(void);
int test_mtu_register(void);
int test_frag_register(void);
int test_noreplay_register(void);
int test_limits_register(void);
int test_mseg_register(void);
int test_policy_in_register(void);
int test_spd_acl_register(void);
int test_bulk_register(void);
int test_natt_register(void);
int test_mobike_register(void);
int test_acquire_register(void);
int test_use_register(void);
int test_ike_register(void);
int test_flow_register(void);
int test_out_sa_register(void);
/* regressions of bugs the tests found (test_esp_regress.c) */
int test_regress_register(void);

#endif
