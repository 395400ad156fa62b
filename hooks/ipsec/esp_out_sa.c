/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The outbound SA of a packet as it is now, for nft's "ipsec out"
 * (hooks/filter/expr/xfrm.c). The kernel answers it from the xfrm bundle
 * of the packet's route, made by the policy lookup at routing; here the
 * policy lookup is esp-output's, after POST_ROUTING, so a rule asks the
 * same question first: the outbound SPD's policy for the packet's
 * selectors, and the SA that esp-output would seal it with.
 */
#include <errno.h>

#include <rte_mbuf.h>

#include "esp.h"
#include "nfv_ipsec.h"
#include "nfv_mbuf.h"

int nfv_ipsec_out_sa(struct nfv_ipsec *ips, struct rte_mbuf *m, uint32_t *sa_id)
{
	const struct esp_sp *sp;
	const struct esp_sa *sa;
	struct esp_sel sel;

	/* an ESP packet esp-output made is not sealed again */
	esp_spd_classify(ips, NFV_IPSEC_DIR_OUT, &m, 1, NFV_MBUF_F_IPSEC_DONE, &sel, &sp, NULL);
	/* esp_output_one()'s choices, without its side effects (no acquire
	 * for a trap policy: the packet is not sent yet) */
	if (sp == NULL || esp_sp_action(sp) != NFV_IPSEC_PROTECT)
		return -ENOENT;
	if ((nfv_mbuf_meta(m)->flags & NFV_MBUF_F_LOCAL_OUT) && esp_sel_ike_port(&sel, sel.sport))
		return -ENOENT;
	sa = esp_sa_get(ips, esp_sp_sa(sp));
	if (sa == NULL || !(sa->flags & ESP_SA_OUT))
		return -ENOENT;
	*sa_id = esp_sp_sa(sp);
	return 0;
}
