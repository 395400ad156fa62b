/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every packet the dataplane frees is counted under one of these reasons.
 * One list for all modules so that a reason is an array index on the fast
 * path (hooks/core's per-worker counters, the argument of
 * NFV_DROP_REASON()) and a stable name for nfvpnctl, telemetry and metrics:
 * the dataplane lists each as the counter "drop.<name>" (NFV_MSG_STATS),
 * nfvpnd exports it as nfvpn_drops_total{reason="<name>"}, DPDK telemetry
 * as <name> with '-' written '_'.
 * Append only in the section of your module; never reuse a value: the
 * names are the interface (scripts, alerts), the values are not sent.
 */
#ifndef NFV_DROP_H
#define NFV_DROP_H

#define NFV_DROP_REASONS(X)						\
	X(UNSPEC,		"unspecified")				\
	/* hooks/core */						\
	X(HOOK,			"hook-drop")				\
	X(REPEAT_LIMIT,		"repeat-limit")				\
	X(QUEUE_FULL,		"queue-full")				\
	X(QUEUE_NO_LISTENER,	"queue-no-listener")			\
	X(QUEUE_VERDICT_DROP,	"queue-verdict-drop")			\
	X(QUEUE_TIMEOUT,	"queue-timeout")			\
	X(INJECT_FULL,		"inject-queue-full")			\
	/* dataplane: L2 */						\
	X(ETH_SHORT,		"eth-short")				\
	X(ETH_TYPE,		"eth-unknown-type")			\
	X(ETH_DST,		"eth-not-for-us")			\
	X(VLAN_UNKNOWN,		"vlan-unknown")				\
	X(ARP_BAD,		"arp-malformed")			\
	X(CONTROL_RING_FULL,	"control-ring-full")			\
	X(ETH_NO_HEADROOM,	"eth-no-headroom")			\
	/* IPv4 longer than the frame on a port whose kernel reassembles */\
	X(PORT_TRUNCATED,	"port-frame-truncated")			\
	/* dataplane: IPv4 (RFC 1812 5.2.2) */				\
	X(IP4_SHORT,		"ip4-short")				\
	X(IP4_VERSION,		"ip4-bad-version")			\
	X(IP4_IHL,		"ip4-bad-ihl")				\
	X(IP4_TOTAL_LEN,	"ip4-bad-total-length")			\
	X(IP4_CSUM,		"ip4-bad-checksum")			\
	X(IP4_TTL,		"ip4-ttl-exceeded")			\
	X(IP4_SRC,		"ip4-bad-source")			\
	X(IP4_FRAG,		"ip4-fragment-for-us")			\
	/* dataplane: IPv6 (RFC 8200) */				\
	X(IP6_SHORT,		"ip6-short")				\
	X(IP6_VERSION,		"ip6-bad-version")			\
	X(IP6_PAYLOAD_LEN,	"ip6-bad-payload-length")		\
	X(IP6_HOP_LIMIT,	"ip6-hop-limit-exceeded")		\
	X(IP6_SRC,		"ip6-bad-source")			\
	X(ND_BAD,		"nd-malformed")				\
	/* dataplane: routing and local delivery */			\
	X(NO_ROUTE,		"no-route")				\
	X(ROUTE_BLACKHOLE,	"route-blackhole")			\
	X(NEIGH_UNRESOLVED,	"neighbour-unresolved")			\
	X(NEIGH_QUEUE_FULL,	"neighbour-queue-full")			\
	X(LOCAL_UNHANDLED,	"local-unhandled")			\
	X(PUNT_FAILED,		"punt-failed")				\
	X(ICMP_BAD,		"icmp-malformed")			\
	X(MTU_EXCEEDED,		"mtu-exceeded")				\
	X(TX_FULL,		"tx-queue-full")			\
	X(SHUTDOWN,		"shutdown")				\
	X(KERNEL_MCAST,		"kernel-multicast")			\
	/* hooks/ipsec */						\
	X(ESP_SHORT,		"esp-truncated")			\
	X(ESP_NO_SA,		"esp-unknown-spi")			\
	X(ESP_REPLAY,		"esp-replay")				\
	X(ESP_AUTH,		"esp-auth-failed")			\
	X(ESP_PAD,		"esp-bad-padding")			\
	X(ESP_NEXT_HDR,		"esp-bad-next-header")			\
	X(ESP_POLICY,		"esp-policy-mismatch")			\
	X(ESP_NATT,		"esp-natt-mismatch")			\
	X(ESP_SA_EXPIRED,	"esp-sa-expired")			\
	X(ESP_SEQ_OVERFLOW,	"esp-seq-overflow")			\
	X(ESP_NO_HEADROOM,	"esp-no-headroom")			\
	X(ESP_CRYPTO,		"esp-crypto-error")			\
	X(SPD_DISCARD,		"spd-discard")				\
	X(ESP_LINEARIZE,	"esp-linearize-failed")			\
	X(ESP_KEEPALIVE,	"esp-natt-keepalive")			\
	X(ESP_TOO_BIG,		"esp-too-big")				\
	X(ESP_FRAG_FAILED,	"esp-fragment-failed")			\
	/* hooks/filter */						\
	X(FILTER_RULE,		"filter-rule-drop")			\
	X(FILTER_POLICY,	"filter-chain-policy")			\
	X(FILTER_REJECT,	"filter-reject")			\
	X(CT_INVALID,		"ct-invalid")				\
	X(CT_TABLE_FULL,	"ct-table-full")			\
	/* dataplane: reassembly of datagrams for us (reass.c) */	\
	X(IP_REASS_FAILED,	"ip-reass-failed")			\
	X(IP_REASS_TIMEOUT,	"ip-reass-timeout")			\
	/* hooks/ipsec: the inbound policy check of cleartext packets */	\
	X(ESP_POLICY_CLEARTEXT,	"esp-policy-cleartext")			\
	X(ESP_POLICY_HDR,	"esp-policy-bad-header")			\
	/* dataplane: a queued packet's route left by another port on resume */	\
	X(ROUTE_CHANGED,	"route-changed")				\
	/* dataplane: ARP and ND the control side did not answer (control/neigh.c) */\
	X(ARP_NOT_FOR_US,	"arp-not-for-us")			\
	X(ARP_REPLY_CONSUMED, "arp-reply-consumed")		\
	X(ND_NOT_FOR_US,	"nd-not-for-us")			\
	X(ND_ADVERT_CONSUMED, "nd-advert-consumed")			\
	/* dataplane: the bounds of reassembly (reass.c) */		\
	X(IP_REASS_EVICTED,	"ip-reass-evicted")			\
	X(IP_REASS_SOURCE_LIMIT, "ip-reass-source-limit")	\
	/* hooks/filter: NAT (nat_core.c, nat_manip.c) */		\
	X(NAT_NO_TUPLE,		"nat-no-free-tuple")			\
	X(NAT_NO_ADDRESS,	"nat-no-address")			\
	X(NAT_MANGLE,		"nat-mangle-failed")			\
	X(NAT_OIF_CHANGED,	"nat-masquerade-oif-changed")		\
	/* dataplane: IKE to the exception path over its rate (local.c) */	\
	X(IKE_RATE_INIT,	"ike-rate-limit-init")			\
	X(IKE_RATE,		"ike-rate-limit")

enum nfv_drop_reason {
#define NFV_DROP_ENUM(name, str) NFV_DR_##name,
	NFV_DROP_REASONS(NFV_DROP_ENUM)
#undef NFV_DROP_ENUM
	NFV_DR_MAX
};

/* The prefix of a drop reason's counter in NFV_MSG_STATS: "drop.no-route". */
#define NFV_DROP_COUNTER_PREFIX "drop."

/* "no-route"; "?" when reason is none of the rows. */
const char *nfv_drop_reason_name(unsigned int reason);
/* The reason named name ("no-route"), or -1. */
int nfv_drop_reason_by_name(const char *name);

#endif
