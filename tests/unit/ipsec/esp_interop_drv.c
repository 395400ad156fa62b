/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Driver for tests/interop/esp/esp_interop.py: reads one case a line,
 *   enc|dec cipher auth tunnel|transport esn natt spi src dst key authkey seq pkt
 * (cipher and auth: the names of config/vocab/nfv_ipsec_alg.h)
 * runs the packet through our output (enc) or input (dec) hook with a fresh
 * SA built from the line, and prints "OK <hex>" or "ERR <why>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "nfv_mbuf.h"
#include "nfv_test.h"
#include "test_esp.h"

struct rte_mempool *test_pool;

static void print_hex(const char *tag, struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	printf("%s ", tag);
	for (uint32_t i = 0; i < m->pkt_len; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static void run_case(char *line)
{
	static uint8_t pkt[4096];
	char op[8], cip[32], au[32], mode[16], src[64], dst[64], key[256], akey[256];
	char *hex = malloc(strlen(line) + 1);
	unsigned int esn, natt, spi;
	struct nfv_ipsec_sa_conf c;
	unsigned long long seq;
	struct test_esp t;
	struct rte_mbuf *m;
	int ci, ai, enc;
	size_t len;
	uint32_t v;

	if (hex == NULL || sscanf(line, "%7s %31s %31s %15s %u %u %x %63s %63s %255s %255s %llu %s",
				  op, cip, au, mode, &esn, &natt, &spi, src, dst, key,
				  akey, &seq, hex) != 13) {
		printf("ERR parse\n");
		goto out;
	}
	ci = nfv_ipsec_cipher_from_name(cip);
	ai = nfv_ipsec_auth_from_name(au);
	enc = strcmp(op, "enc") == 0;
	len = test_hex(hex, pkt, sizeof(pkt));
	if (ci < 0 || ai < 0 || test_esp_setup(&t) < 0) {
		printf("ERR setup\n");
		goto out;
	}
	test_sa_conf(&c, 1, spi, enc ? NFV_IPSEC_DIR_OUT : NFV_IPSEC_DIR_IN,
		     strcmp(mode, "tunnel") == 0 ? NFV_IPSEC_MODE_TUNNEL :
		     NFV_IPSEC_MODE_TRANSPORT, ci, ai, src, dst);
	c.key_len = test_hex(key, c.key, sizeof(c.key));
	c.auth_key_len = test_hex(akey, c.auth_key, sizeof(c.auth_key));
	c.esn = esn;
	c.natt = natt;
	if (nfv_ipsec_sa_add(t.ips, &c) < 0 ||
	    test_sp_any(&t, 1, c.dir, AF_INET, NFV_IPSEC_PROTECT, 1) < 0 ||
	    test_sp_any(&t, 2, c.dir, AF_INET6, NFV_IPSEC_PROTECT, 1) < 0) {
		printf("ERR sa\n");
		goto teardown;
	}
	if (enc)
		esp_sa_get(t.ips, 1)->seq = seq;
	else
		esp_sa_get(t.ips, 1)->replay.top = seq - 1;
	m = test_pkt(pkt, len, (pkt[0] >> 4) == 6 ? AF_INET6 : AF_INET);
	v = enc ? test_run_output(&t, m) : test_run_input(&t, m);
	if (v != NFV_STOLEN) {
		printf("ERR verdict %u reason %s\n", NFV_VERDICT(v),
		       nfv_drop_reason_name(NFV_VERDICT_ARG(v)));
		rte_pktmbuf_free(m);
		goto teardown;
	}
	m = test_take(&t, enc ? NFV_INJECT_LOCAL_OUT : NFV_INJECT_PRE_ROUTING);
	if (m == NULL) {
		const char *why = "lost";

		for (unsigned int r = 0; r < NFV_DR_MAX; r++)
			if (test_drops(&t, r))
				why = nfv_drop_reason_name(r);
		printf("ERR dropped %s\n", why);
		goto teardown;
	}
	print_hex("OK", m);
	rte_pktmbuf_free(m);
teardown:
	test_esp_teardown(&t);
out:
	free(hex);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;

	nfv_test_eal_init(argv[0]);
	test_pool = nfv_test_pool("esp_interop", 1024);
	if (test_pool == NULL)
		return 1;
	while (getline(&line, &cap, stdin) > 0)
		run_case(line);
	free(line);
	return 0;
}
