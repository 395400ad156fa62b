/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "ipsec:" section of the policy: SAs and security policies, validated.
 * No DPDK and no hooks/ipsec here; the enums are the vocabulary's
 * (config/vocab/nfv_ipsec_alg.h, nfv_ipsec_sa.h), which hooks/ipsec uses too, so
 * the dataplane copies these values into struct nfv_ipsec_sa_conf/_sp_conf.
 *
 * Keys live in these structs: nfv_policy_ipsec_free() wipes them, and no
 * message of the loader ever prints them.
 */
#ifndef NFV_POLICY_IPSEC_H
#define NFV_POLICY_IPSEC_H

#include <stdbool.h>
#include <stdint.h>

#include "nfv_ipsec_alg.h"
#include "nfv_ipsec_sa.h"
#include "nfv_policy.h"

/*
 * The names of the SAs and policies that the IKE daemon installs through
 * its plugin (control/charon, docs/ike.md): charon owns them, nfvpnd's
 * apply leaves them alone, and a policy file may not use the prefix.
 */
#define NFV_IPSEC_IKE_PREFIX "ike-"

static inline bool nfv_ipsec_name_is_ike(const char *name)
{
	return __builtin_strncmp(name, NFV_IPSEC_IKE_PREFIX,
				 sizeof(NFV_IPSEC_IKE_PREFIX) - 1) == 0;
}

struct nfv_policy_sa {
	struct nfv_mark mark;
	struct nfv_mark name_mark, spi_mark;	/* for duplicate messages */
	char name[NFV_NAME_MAX];
	uint32_t spi;
	uint32_t reqid;			/* default: index + 1 */
	uint8_t dir;			/* enum nfv_ipsec_dir */
	uint8_t mode;			/* enum nfv_ipsec_mode */
	uint8_t cipher;			/* enum nfv_ipsec_cipher */
	uint8_t auth;			/* enum nfv_ipsec_auth */
	struct nfv_addr src;		/* outer (tunnel) or the hosts' (transport) */
	struct nfv_addr dst;
	/* AEAD: key || salt (RFC 4106/4309/7634 KEYMAT, the row's salt_len); CBC: the AES key */
	uint8_t key[NFV_IPSEC_KEY_MAX];
	uint8_t key_len;
	uint8_t auth_key[NFV_IPSEC_KEY_MAX];
	uint8_t auth_key_len;
	bool esn;
	bool natt;
	uint16_t natt_sport, natt_dport;	/* default 4500 */
	uint32_t replay_window;		/* absent: NFV_IPSEC_REPLAY_DEFAULT */
	bool replay_off;		/* replay_window: 0, as Linux: no anti-replay */
	struct nfv_ipsec_lifetime soft, hard;
};

struct nfv_policy_sp {
	struct nfv_mark mark;
	struct nfv_mark name_mark;
	char name[NFV_NAME_MAX];
	int32_t priority;		/* lower first, default 0 */
	uint8_t dir;			/* enum nfv_ipsec_dir */
	uint8_t action;			/* enum nfv_ipsec_action */
	uint8_t proto;			/* 0: any */
	struct nfv_prefix src, dst;	/* same family */
	uint16_t sport_min, sport_max;	/* 0, 0: any */
	uint16_t dport_min, dport_max;
	int32_t sa;			/* PROTECT: index in sas, else -1 */
	char sa_ref[NFV_NAME_MAX];	/* as written: a name or an SPI */
	struct nfv_mark sa_mark;
};

struct nfv_policy_ipsec {
	struct nfv_policy_sa *sas;
	/*
	 * sas is the loader's: its own pages, MADV_DONTDUMP (no key in a core
	 * dump), wiped and unmapped by nfv_policy_ipsec_free. false: calloc'd
	 * by whoever built the section by hand, wiped and freed.
	 */
	bool sas_mapped;
	unsigned int nb_sas;
	struct nfv_policy_sp *sps;
	unsigned int nb_sps;
	/* ipsec.key_file as written (relative to the policy's folder), or "" */
	char key_file[256];
	bool key_file_missing;		/* NFV_POLICY_NO_KEYS and it does not exist */
	unsigned int inline_keys;	/* SAs whose key is in the policy itself */
};

/* Wipes the keys (explicit_bzero) and frees; NULL is fine. */
void nfv_policy_ipsec_free(struct nfv_policy_ipsec *ips);
/* Index of the SA named name, or -1. */
int nfv_policy_sa_index(const struct nfv_policy_ipsec *ips, const char *name);

/* The section reader, called by the top-level dispatch of the loader. */
struct nfv_ploader;
struct yaml_node_s;
void nfv_read_ipsec(struct nfv_ploader *ld, struct yaml_node_s *n);

#endif
