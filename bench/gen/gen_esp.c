/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --esp: ESP frames of one outbound SA, to drive the dataplane's inbound
 * path. The encryption is the dataplane's own (hooks/ipsec): a private hook
 * table holds its "esp-output" entry, one SA and a PROTECT policy for all
 * traffic; a built burst loses its Ethernet header, goes through
 * POST_ROUTING, and the ESP packets that the entry re-injects at LOCAL_OUT
 * get the Ethernet header back. Linked into nfvpn-gen whole: the
 * constructor registers the encapsulation.
 *
 * SPEC: spi=N,key=HEX[,cipher=aes-gcm-128|aes-gcm-256|aes-ccm-128|aes-ccm-256|
 *       chacha20-poly1305|aes-cbc-128|aes-cbc-256][,auth=hmac-sha256-128|hmac-sha384-192|
 *       hmac-sha512-256,auth-key=HEX],dst=ADDR[,src=ADDR][,transport][,esn][,natt]
 * (the algorithms' names are the policy's, config/vocab/nfv_ipsec_alg.h)
 * (src is required in tunnel mode; SPIs below 256 are reserved)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "nfv_gen.h"
#include "nfv_hook.h"
#include "nfv_hook_table.h"
#include "nfv_ipsec.h"
#include "nfv_mbuf.h"

#define GEN_ESP_WORKER 0

struct gen_esp {
	struct nfv_hook_table *t;
	struct nfv_ipsec *ips;
	bool registered;
};

static int hex_parse(const char *s, uint8_t *out, uint8_t *len)
{
	size_t n = strlen(s), i;

	if (n % 2 != 0 || n / 2 > NFV_IPSEC_KEY_MAX || n == 0)
		return -EINVAL;
	for (i = 0; i < n / 2; i++) {
		char b[3] = { s[2 * i], s[2 * i + 1], 0 };
		char *end;

		out[i] = strtoul(b, &end, 16);
		if (*end != '\0')
			return -EINVAL;
	}
	*len = n / 2;
	return 0;
}

static int addr_parse(const char *s, struct nfv_addr *a)
{
	a->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	return inet_pton(a->family, s, a->bytes) == 1 ? 0 : -EINVAL;
}

/* Fills sa from spec; keys stay in sa only, wiped by the caller. */
static int esp_spec_parse(const char *spec, struct nfv_ipsec_sa_conf *sa)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	bool have_spi = false, transport = false;
	int ret = 0, v;

	if (copy == NULL)
		return -ENOMEM;
	memset(sa, 0, sizeof(*sa));
	sa->dir = NFV_IPSEC_DIR_OUT;
	sa->cipher = NFV_IPSEC_AES_GCM_128;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && ret == 0;
	     tok = strtok_r(NULL, ",", &save)) {
		char *val = strchr(tok, '=');

		if (val != NULL)
			*val++ = '\0';
		if (strcmp(tok, "spi") == 0 && val) {
			char *end;
			unsigned long spi = strtoul(val, &end, 0);

			ret = *end || spi == 0 || spi > UINT32_MAX ? -EINVAL : 0;
			sa->spi = spi;
			have_spi = true;
		} else if (strcmp(tok, "key") == 0 && val) {
			ret = hex_parse(val, sa->key, &sa->key_len);
		} else if (strcmp(tok, "auth-key") == 0 && val) {
			ret = hex_parse(val, sa->auth_key, &sa->auth_key_len);
		} else if (strcmp(tok, "cipher") == 0 && val) {
			v = nfv_ipsec_cipher_from_name(val);
			ret = v < 0 ? -EINVAL : 0;
			sa->cipher = v;
		} else if (strcmp(tok, "auth") == 0 && val) {
			v = nfv_ipsec_auth_from_name(val);
			ret = v < 0 ? -EINVAL : 0;
			sa->auth = v;
		} else if (strcmp(tok, "src") == 0 && val) {
			ret = addr_parse(val, &sa->src);
		} else if (strcmp(tok, "dst") == 0 && val) {
			ret = addr_parse(val, &sa->dst);
		} else if (strcmp(tok, "transport") == 0 && !val) {
			transport = true;
		} else if (strcmp(tok, "esn") == 0 && !val) {
			sa->esn = true;
		} else if (strcmp(tok, "natt") == 0 && !val) {
			sa->natt = true;
		} else {
			ret = -EINVAL;
		}
	}
	explicit_bzero(copy, strlen(spec));
	free(copy);
	if (ret == 0 && (!have_spi || sa->key_len == 0))
		ret = -EINVAL;
	sa->mode = transport ? NFV_IPSEC_MODE_TRANSPORT : NFV_IPSEC_MODE_TUNNEL;
	if (ret == 0 && (sa->dst.family == 0 ||
			 (!transport && sa->src.family != sa->dst.family)))
		ret = -EINVAL;	/* a tunnel needs both outer addresses */
	return ret;
}

static void gen_esp_fini(void *priv)
{
	struct gen_esp *e = priv;

	if (e == NULL)
		return;
	/* no worker is online: unregistering waits for nobody */
	if (e->registered)
		nfv_ipsec_unregister(e->t, e->ips);
	if (e->ips != NULL)
		nfv_ipsec_fini(e->ips);
	if (e->t != NULL)
		nfv_hook_table_destroy(e->t);
	rte_free(e);
}

static int gen_esp_init(void **priv, const char *spec, struct rte_mempool *mp)
{
	struct nfv_ipsec_conf ic = { .nb_workers = 1, .max_sa = 4, .socket_id = SOCKET_ID_ANY };
	struct nfv_ipsec_sa_conf sa;
	struct nfv_ipsec_sp_conf sp = {
		.dir = NFV_IPSEC_DIR_OUT,
		.action = NFV_IPSEC_PROTECT,
		.sa_id = 0,
	};
	struct gen_esp *e;
	int ret, fam;

	RTE_SET_USED(mp);
	*priv = NULL;
	ret = esp_spec_parse(spec, &sa);
	if (ret < 0)
		goto out_wipe;
	e = rte_zmalloc("gen_esp", sizeof(*e), 0);
	if (e == NULL) {
		ret = -ENOMEM;
		goto out_wipe;
	}
	*priv = e;
	e->t = nfv_hook_table_create(1);
	if (e->t == NULL) {
		ret = -ENOMEM;
		goto err;
	}
	ret = nfv_ipsec_init(&e->ips, &ic);
	if (ret < 0)
		goto err;
	ret = nfv_ipsec_register(e->t, e->ips);
	if (ret < 0)
		goto err;
	e->registered = true;
	ret = nfv_ipsec_sa_add(e->ips, &sa);
	if (ret < 0)
		goto err;
	/* every generated packet, of either family, goes through SA 0 */
	for (fam = 0; fam < 2; fam++) {
		sp.id = fam + 1;
		sp.family = fam ? AF_INET6 : AF_INET;
		sp.src.addr.family = sp.dst.addr.family = sp.family;
		ret = nfv_ipsec_sp_add(e->ips, &sp);
		if (ret < 0)
			goto err;
	}
	goto out_wipe;
err:
	gen_esp_fini(e);
	*priv = NULL;
out_wipe:
	explicit_bzero(&sa, sizeof(sa));
	return ret;
}

static uint16_t gen_esp_process(void *priv, struct rte_mbuf **pkts, uint16_t n)
{
	struct gen_esp *e = priv;
	struct nfv_inject_queue *q = &e->t->inject[GEN_ESP_WORKER][NFV_INJECT_LOCAL_OUT];
	const struct nfv_hook_state st = {
		.hook = NFV_INET_POST_ROUTING,
		.worker = GEN_ESP_WORKER,
		.now = rte_rdtsc(),
		.table = e->t,
	};
	struct rte_ether_hdr eth;
	uint16_t i, kept, out;

	if (n == 0)
		return 0;
	/* the frames of a run share their addresses */
	memcpy(&eth, rte_pktmbuf_mtod(pkts[0], void *), sizeof(eth));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ether_hdr *h = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		uint8_t fam = h->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) ?
			      AF_INET6 : AF_INET;

		rte_pktmbuf_adj(m, sizeof(*h));
		nfv_mbuf_meta_reset(m, UINT16_MAX);
		nfv_mbuf_meta(m)->family = fam;
	}
	/* unprotected packets stay at the front; ESP ones come back injected */
	kept = nfv_hook_run(e->t, pkts, n, &st, NFV_HOOK_FROM_START);
	for (i = 0; i < q->n; i++)
		pkts[kept + i] = q->pkts[i];	/* no more than were stolen */
	kept += q->n;
	q->n = 0;
	for (i = 0, out = 0; i < kept; i++) {
		struct rte_mbuf *m = pkts[i];
		struct rte_ether_hdr *h = (struct rte_ether_hdr *)
			rte_pktmbuf_prepend(m, sizeof(*h));

		if (unlikely(h == NULL)) {
			rte_pktmbuf_free(m);
			continue;
		}
		*h = eth;
		h->ether_type = rte_cpu_to_be_16((((uint8_t *)(h + 1))[0] >> 4) == 6 ?
						 RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
		pkts[out++] = m;
	}
	return out;
}

static const struct nfv_gen_encap gen_esp_encap = {
	.name = "esp",
	.mbuf_priv_size = NFV_MBUF_PRIV_SIZE,
	.init = gen_esp_init,
	.process = gen_esp_process,
	.fini = gen_esp_fini,
};

RTE_INIT(gen_esp_register)
{
	nfv_gen_encap_register(&gen_esp_encap);
}
