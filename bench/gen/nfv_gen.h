/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvpn-gen: the traffic generator's library. Flows and frame templates
 * (gen_flow.c), frame sizes and IMIX (gen_size.c), paced transmit
 * (gen_tx.c), the payload signature and receive bookkeeping (gen_rx.c),
 * the latency histogram and its clock (gen_latency.c), ports (gen_port.c),
 * options (gen_args.c), the report (gen_report.c) and the encapsulation
 * registry (gen_encap.c; ESP itself is gen_esp.c, outside the library).
 *
 * Everything a packet needs is computed before the run: the fast path
 * copies templates, writes the signature and folds two precomputed partial
 * checksums with the signature's; it allocates and logs nothing.
 */
#ifndef NFV_GEN_H
#define NFV_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>

struct rte_mbuf;
struct rte_mempool;

#define NFV_GEN_BURST		32
#define NFV_GEN_FCS_LEN		4	/* frame sizes count the FCS, as RFC 2544 */
#define NFV_GEN_MIN_FRAME	64
#define NFV_GEN_MAX_FRAME	1518
#define NFV_GEN_MAX_SIZES	16
#define NFV_GEN_MAX_SCHED	256	/* sum of the weights of a size list */
#define NFV_GEN_MAX_FLOWS	(1u << 20)
#define NFV_GEN_HDR_MAX		64	/* Ethernet + IPv6 + UDP = 62 */

/* ---- signature (gen_rx.c) ---- */

#define NFV_GEN_SIG_MAGIC	0x4e465647u	/* "NFVG" */
#define NFV_GEN_SIG_LEN		18	/* fits a 64-byte IPv4/UDP frame */
#define NFV_GEN_TS_BITS		48
#define NFV_GEN_TS_MASK		((UINT64_C(1) << NFV_GEN_TS_BITS) - 1)

/* On the wire, big endian, right after the UDP header. */
struct nfv_gen_sig {
	uint32_t magic;
	uint32_t stream;	/* flow index */
	uint32_t seq;		/* per stream, from 0 */
	uint64_t ts;		/* clock ticks, low 48 bits on the wire */
};

void nfv_gen_sig_write(void *dst, const struct nfv_gen_sig *sig);
/* Finds the signature of an Ethernet/IPv4|IPv6/UDP frame; -ENOENT if none. */
int nfv_gen_sig_read(const struct rte_mbuf *m, struct nfv_gen_sig *sig);

/* ---- sizes (gen_size.c) ---- */

struct nfv_gen_sizes {
	uint16_t len[NFV_GEN_MAX_SIZES];	/* frame sizes with FCS */
	uint16_t n;
	uint8_t sched[NFV_GEN_MAX_SCHED];	/* index into len, one per packet */
	uint16_t nsched;
};

/* "64", "64,512,1400", "imix" (64:7,570:4,1518:1), or "SIZE:WEIGHT,...". */
int nfv_gen_sizes_parse(const char *s, struct nfv_gen_sizes *out);
/* Smallest frame (with FCS) that holds the headers and the signature. */
uint16_t nfv_gen_min_frame(int family);

/* ---- flows and templates (gen_flow.c) ---- */

struct nfv_gen_addr_range {
	uint8_t base[16];	/* network order; IPv4 in the first 4 bytes */
	uint64_t count;		/* saturated at UINT64_MAX */
};

struct nfv_gen_port_range {
	uint16_t first;
	uint32_t count;
};

struct nfv_gen_flow_conf {
	int family;		/* AF_INET or AF_INET6 */
	uint32_t nflows;
	struct nfv_gen_addr_range src, dst;
	struct nfv_gen_port_range sport, dport;
	struct rte_ether_addr smac, dmac;
};

/* The 5-tuple of flow i, host order ports. */
struct nfv_gen_tuple {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

/* One flow: its headers without lengths and checksums, and partial sums. */
struct nfv_gen_flow {
	uint8_t hdr[NFV_GEN_HDR_MAX];
	uint32_t ip_sum;	/* IPv4 header with total length 0 */
	uint32_t l4_sum;	/* pseudo-header addresses, proto, ports */
};

/* One frame size: its length fields, partial sums and the payload. */
struct nfv_gen_size {
	uint16_t frame_len;	/* mbuf data length: size minus FCS */
	uint16_t l3_len_be;	/* IPv4 total length / IPv6 payload length */
	uint16_t l4_len_be;	/* UDP length */
	uint32_t ip_sum;	/* the IPv4 total length */
	uint32_t l4_sum;	/* UDP length twice, payload with a zero signature */
};

struct nfv_gen_tmpl {
	int family;
	uint16_t hdr_len;	/* Ethernet + IP + UDP */
	uint32_t nflows;
	struct nfv_gen_flow *flows;
	uint16_t nsizes;
	struct nfv_gen_size size[NFV_GEN_MAX_SIZES];
	uint16_t nsched;
	uint8_t sched[NFV_GEN_MAX_SCHED];
	uint8_t *payload;	/* NFV_GEN_MAX_FRAME bytes: zero header, pattern */
};

/* "10.0.0.0/24", "10.0.0.1-10.0.0.200", "fd00::/120", or one address. */
int nfv_gen_addr_range_parse(const char *s, int family, struct nfv_gen_addr_range *r);
/* "5000-5099" or "5000". */
int nfv_gen_port_range_parse(const char *s, struct nfv_gen_port_range *r);
/*
 * Walks the four ranges so that every value of a range is used once
 * nflows >= its size, and the flows are all different while nflows is not
 * more than the product of the sizes.
 */
void nfv_gen_flow_tuple(const struct nfv_gen_flow_conf *fc, uint32_t i,
			struct nfv_gen_tuple *t);
int nfv_gen_tmpl_init(struct nfv_gen_tmpl *t, const struct nfv_gen_flow_conf *fc,
		      const struct nfv_gen_sizes *sizes);
void nfv_gen_tmpl_fini(struct nfv_gen_tmpl *t);

/* ---- latency histogram and clock (gen_latency.c) ---- */

#define NFV_GEN_HIST_SUB_BITS	5	/* 32 buckets per power of two: < 3.2% */
#define NFV_GEN_HIST_SUB	(1u << NFV_GEN_HIST_SUB_BITS)
#define NFV_GEN_HIST_BUCKETS	((64 - NFV_GEN_HIST_SUB_BITS + 1) * NFV_GEN_HIST_SUB)

struct nfv_gen_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min, max;
	uint64_t bucket[NFV_GEN_HIST_BUCKETS];
};

/* The time source of stamps and receive; tests inject a fake one. */
struct nfv_gen_clock {
	uint64_t (*read)(void *arg);
	void *arg;
	uint64_t hz;
};

void nfv_gen_clock_tsc(struct nfv_gen_clock *c);
static inline uint64_t nfv_gen_clock_now(const struct nfv_gen_clock *c)
{
	return c->read(c->arg);
}

void nfv_gen_hist_reset(struct nfv_gen_hist *h);
unsigned int nfv_gen_hist_index(uint64_t v);
/* Smallest and largest value that fall in bucket idx. */
uint64_t nfv_gen_hist_lower(unsigned int idx);
uint64_t nfv_gen_hist_upper(unsigned int idx);
void nfv_gen_hist_add(struct nfv_gen_hist *h, uint64_t v);
/* Value at quantile q (0..1]: the upper bound of its bucket, within min..max. */
uint64_t nfv_gen_hist_quantile(const struct nfv_gen_hist *h, double q);

/* ---- ESP encapsulation hook (for driving the inbound path) ---- */

/*
 * Turns a burst of built plaintext frames into ESP frames of one SA, in
 * place, before they are sent; frees what it cannot encapsulate and returns
 * how many are left at the front of pkts. "esp" is gen_esp.c, which uses
 * hooks/ipsec and registers itself from a constructor when linked.
 */
struct nfv_gen_encap {
	const char *name;
	uint16_t mbuf_priv_size;	/* the mempool's private area it needs */
	int (*init)(void **priv, const char *spec, struct rte_mempool *mp);
	uint16_t (*process)(void *priv, struct rte_mbuf **pkts, uint16_t n);
	void (*fini)(void *priv);
};

int nfv_gen_encap_register(const struct nfv_gen_encap *e);
const struct nfv_gen_encap *nfv_gen_encap_find(const char *name);

/* ---- transmit (gen_tx.c) ---- */

struct nfv_gen_tx {
	const struct nfv_gen_tmpl *t;
	struct rte_mempool *mp;
	uint16_t port, queue;
	uint32_t *seq;		/* next sequence number of each flow */
	uint32_t flow_next;
	uint16_t sched_next;
	uint64_t limit;		/* packets to send; UINT64_MAX: no limit */
	uint64_t built;		/* packets built (sent + pending) */
	uint64_t rate;		/* packets per second; 0: as fast as possible */
	uint64_t hz;
	uint64_t start;		/* clock at the first poll */
	bool started;
	struct rte_mbuf *pend[NFV_GEN_BURST];	/* built, not yet accepted */
	uint16_t npend, pend_off;
	const struct nfv_gen_encap *encap;
	void *encap_priv;
	/* results */
	uint64_t pkts, bytes;	/* accepted by the port, bytes with FCS */
	uint64_t alloc_fail;
	uint64_t encap_drop;
};

int nfv_gen_tx_init(struct nfv_gen_tx *tx, const struct nfv_gen_tmpl *t,
		    struct rte_mempool *mp, uint64_t rate, uint64_t limit, uint64_t hz);
void nfv_gen_tx_fini(struct nfv_gen_tx *tx);
/* Back to the state after init, at a new rate; the encapsulation stays. */
void nfv_gen_tx_reset(struct nfv_gen_tx *tx, uint64_t rate);
/* Builds n packets into pkts (already allocated), stamped with now. */
void nfv_gen_tx_build(struct nfv_gen_tx *tx, struct rte_mbuf **pkts, uint16_t n,
		      uint64_t now);
/* Packets the pacing allows at now, at most one burst. */
uint16_t nfv_gen_tx_due(struct nfv_gen_tx *tx, uint64_t now);
/* One loop turn: resend what is pending, else build and send what is due. */
void nfv_gen_tx_poll(struct nfv_gen_tx *tx, uint64_t now);
static inline bool nfv_gen_tx_done(const struct nfv_gen_tx *tx)
{
	return tx->built >= tx->limit && tx->npend == 0;
}

/* ---- receive (gen_rx.c) ---- */

#define NFV_GEN_WIN_BITS	256	/* duplicate detection window per stream */
#define NFV_GEN_WIN_WORDS	(NFV_GEN_WIN_BITS / 64)

struct nfv_gen_stream {
	uint64_t top;		/* highest sequence seen + 1; 0: none yet */
	uint64_t win[NFV_GEN_WIN_WORDS];
};

enum nfv_gen_seq_res {
	NFV_GEN_SEQ_NEXT,	/* in order, possibly after a gap */
	NFV_GEN_SEQ_REORDER,	/* older than the highest seen, first copy */
	NFV_GEN_SEQ_DUP,	/* seen already */
	NFV_GEN_SEQ_LATE,	/* older than the window: reordered or duplicate */
};

struct nfv_gen_rx_stats {
	uint64_t pkts, bytes;	/* everything received, bytes with FCS */
	uint64_t sig;		/* with our signature */
	uint64_t unique;	/* sig minus duplicates */
	uint64_t reorder;	/* includes late */
	uint64_t late;
	uint64_t dup;
	uint64_t other;		/* without a signature, or foreign stream */
};

struct nfv_gen_rx {
	struct nfv_gen_stream *streams;
	uint32_t nstreams;
	struct nfv_gen_rx_stats st;
	struct nfv_gen_hist lat;	/* ticks, first copies only */
};

int nfv_gen_rx_init(struct nfv_gen_rx *rx, uint32_t nstreams);
void nfv_gen_rx_fini(struct nfv_gen_rx *rx);
enum nfv_gen_seq_res nfv_gen_rx_seq(struct nfv_gen_rx *rx, uint32_t stream, uint32_t seq);
/* Accounts a received burst at clock now; the caller frees the packets. */
void nfv_gen_rx_process(struct nfv_gen_rx *rx, struct rte_mbuf **pkts, uint16_t n,
			uint64_t now);

/* ---- ports (gen_port.c) ---- */

/* A port by name (a --vdev of the EAL) or by devargs that it probes. */
int nfv_gen_port_open(const char *spec, struct rte_mempool *mp, uint16_t *port,
		      bool *probed);
int nfv_gen_port_wait_link(uint16_t port, unsigned int timeout_ms);
void nfv_gen_port_close(uint16_t port, bool probed);

/* ---- options (gen_args.c) and report (gen_report.c) ---- */

struct nfv_gen_conf {
	const char *port;	/* devargs or name; NULL: the memif default */
	const char *rx_port;	/* NULL: the same port */
	const char *memif_role;	/* "client" or "server" */
	const char *memif_socket;
	const char *src_spec, *dst_spec, *sport_spec, *dport_spec;
	const char *size_spec;
	struct nfv_gen_flow_conf flow;	/* ranges parsed, MACs, family */
	bool smac_set;		/* else the transmit port's address */
	struct nfv_gen_sizes sizes;
	uint64_t rate;		/* pps, 0: max */
	double duration;	/* seconds, 0: none */
	uint64_t count;		/* packets, 0: none */
	unsigned int drain_ms;	/* receive after the last packet sent */
	unsigned int link_wait_ms;
	const char *json;
	const char *esp;	/* ESP encapsulation spec, see nfv_gen_encap */
	bool quiet;
	bool trials;		/* run the trials that stdin lists, see gen_main.c */
	char port_buf[512];	/* the memif devargs built from the options */
};

/* Parses the options after "--"; 0, 1 after --help, -EINVAL with a message. */
int nfv_gen_args_parse(struct nfv_gen_conf *c, int argc, char **argv, FILE *err);
void nfv_gen_usage(FILE *f, const char *prog);
/* One line of --trials: "RATE DURATION JSON"; 0 or -EINVAL. */
int nfv_gen_trial_parse(const char *line, uint64_t *rate, double *duration,
			char *json, size_t len);

struct nfv_gen_result {
	const struct nfv_gen_conf *conf;
	const struct nfv_gen_tx *tx;
	const struct nfv_gen_rx *rx;
	uint64_t hz;
	uint64_t tx_ticks;	/* from the first to the last packet sent */
	bool interrupted;
};

uint64_t nfv_gen_result_lost(const struct nfv_gen_result *r);
void nfv_gen_report_print(FILE *f, const struct nfv_gen_result *r);
int nfv_gen_report_json(FILE *f, const struct nfv_gen_result *r);

#endif
