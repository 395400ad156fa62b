/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP connection tracking after nf_conntrack_proto_tcp.c: the state table
 * indexed by direction, packet kind and state; the window check of
 * tcp_in_window() (sequence within the receiver's window, ack not beyond
 * what was sent); netfilter's default timeouts.
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ct_priv.h"

enum { T_SYN, T_SYNACK, T_FIN, T_ACK, T_RST, T_NONE, T_MAX };

#define sNO NFV_TCP_NONE
#define sSS NFV_TCP_SYN_SENT
#define sSR NFV_TCP_SYN_RECV
#define sES NFV_TCP_ESTABLISHED
#define sFW NFV_TCP_FIN_WAIT
#define sCW NFV_TCP_CLOSE_WAIT
#define sLA NFV_TCP_LAST_ACK
#define sTW NFV_TCP_TIME_WAIT
#define sCL NFV_TCP_CLOSE
#define sS2 NFV_TCP_SYN_SENT2
#define sIV NFV_TCP_INVALID
#define sIG NFV_TCP_IGNORE

/* [dir][packet kind][state]; columns sNO sSS sSR sES sFW sCW sLA sTW sCL sS2 */
static const uint8_t tcp_next[2][T_MAX][NFV_TCP_MAX] = {
	{ /* original */
/*syn*/		{ sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
/*synack*/	{ sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
/*fin*/		{ sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/*ack*/		{ sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
/*rst*/		{ sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*none*/	{ sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	}, { /* reply */
/*syn*/		{ sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
/*synack*/	{ sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
/*fin*/		{ sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/*ack*/		{ sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
/*rst*/		{ sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*none*/	{ sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

/* nf_conntrack_proto_tcp.c defaults, seconds */
static const uint32_t tcp_timeout[NFV_TCP_MAX] = {
	[NFV_TCP_SYN_SENT] = 120, [NFV_TCP_SYN_RECV] = 60,
	[NFV_TCP_ESTABLISHED] = 432000, [NFV_TCP_FIN_WAIT] = 120,
	[NFV_TCP_CLOSE_WAIT] = 60, [NFV_TCP_LAST_ACK] = 30,
	[NFV_TCP_TIME_WAIT] = 120, [NFV_TCP_CLOSE] = 10,
	[NFV_TCP_SYN_SENT2] = 120,
};
#define TCP_TIMEOUT_UNACK 300

#define before(a, b) ((int32_t)((a) - (b)) < 0)
#define after(a, b) before(b, a)

struct tcp_seg {
	uint32_t seq, ack, end;
	uint32_t win;
	uint8_t flags;
	uint8_t wscale;		/* 0xff: no option */
};

static int tcp_kind(uint8_t f)
{
	if (f & RTE_TCP_RST_FLAG)
		return T_RST;
	if (f & RTE_TCP_SYN_FLAG)
		return f & RTE_TCP_ACK_FLAG ? T_SYNACK : T_SYN;
	if (f & RTE_TCP_FIN_FLAG)
		return T_FIN;
	if (f & RTE_TCP_ACK_FLAG)
		return T_ACK;
	return T_NONE;
}

/* tcp_valid_flags[] without PSH, ECE and CWR, which never matter */
static bool tcp_flags_valid(uint8_t f)
{
	f &= RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG |
	     RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG;
	switch (f) {
	case RTE_TCP_SYN_FLAG:
	case RTE_TCP_SYN_FLAG | RTE_TCP_URG_FLAG:
	case RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG:
	case RTE_TCP_RST_FLAG:
	case RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG:
	case RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG:
	case RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG:
	case RTE_TCP_ACK_FLAG:
	case RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG:
		return true;
	}
	return false;
}

/* Behind a 14-byte Ethernet header (or IP options) a segment is 2 bytes off. */
static inline uint32_t tcp_be32(const uint8_t *p)
{
	rte_be32_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

static int tcp_seg_parse(struct rte_mbuf *m, const struct ct_l4 *l4,
			 struct tcp_seg *s)
{
	uint8_t buf[60];
	const uint8_t *h, *o;
	uint32_t hl, len = l4->l3len, optlen;

	h = rte_pktmbuf_read(m, l4->thoff, 20, buf);
	if (h == NULL)
		return -1;
	hl = (h[12] >> 4) * 4;
	if (hl < 20 || l4->thoff + hl > len || len > rte_pktmbuf_pkt_len(m))
		return -1;
	s->seq = tcp_be32(h + 4);
	s->ack = tcp_be32(h + 8);
	s->flags = h[13];
	s->win = (h[14] << 8) | h[15];
	s->end = s->seq + (len - l4->thoff - hl) +
		 !!(s->flags & RTE_TCP_SYN_FLAG) + !!(s->flags & RTE_TCP_FIN_FLAG);
	s->wscale = 0xff;
	if (!(s->flags & RTE_TCP_SYN_FLAG) || hl == 20)
		return 0;
	o = rte_pktmbuf_read(m, l4->thoff, hl, buf);
	if (o == NULL)
		return -1;
	for (uint32_t i = 20; i < hl; i += optlen) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			optlen = 1;
			continue;
		}
		if (i + 1 >= hl || o[i + 1] < 2)
			break;
		optlen = o[i + 1];
		if (o[i] == 3 && optlen == 3 && i + 2 < hl)
			s->wscale = o[i + 2] > 14 ? 14 : o[i + 2];
	}
	return 0;
}

static void tcp_dir_init(struct nfv_ct_tcp_dir *d, const struct tcp_seg *s)
{
	d->td_end = s->end;
	d->td_maxwin = s->win ? s->win : 1;
	d->td_maxend = s->end;
	if (s->wscale != 0xff) {
		d->td_scale = s->wscale;
		d->flags |= NFV_CT_TCP_F_WSCALE;
	}
}

static bool tcp_in_window(struct nfv_ct *ct, uint8_t dir, struct tcp_seg *s)
{
	struct nfv_ct_tcp_dir *snd = &ct->tcp[dir], *rcv = &ct->tcp[!dir];
	uint32_t seq = s->seq, end = s->end, ack = s->ack, win = s->win;
	uint32_t maxack;

	if (snd->td_maxwin == 0 || ((s->flags & RTE_TCP_SYN_FLAG) &&
				    ct->tcp_state == NFV_TCP_SYN_SENT && dir == 0)) {
		if (s->flags & RTE_TCP_SYN_FLAG) {
			memset(snd, 0, sizeof(*snd));
			tcp_dir_init(snd, s);
			/* scaling only when both ends offered it */
			if ((s->flags & RTE_TCP_ACK_FLAG) &&
			    !(snd->flags & rcv->flags & NFV_CT_TCP_F_WSCALE))
				snd->td_scale = rcv->td_scale = 0;
		} else {
			/* picked up in the middle of the stream */
			snd->td_end = end;
			snd->td_maxwin = win << snd->td_scale ? win << snd->td_scale : 1;
			snd->td_maxend = end + snd->td_maxwin;
			if (rcv->td_maxwin == 0)
				rcv->td_end = rcv->td_maxend = ack;
		}
	}
	if (!(s->flags & RTE_TCP_SYN_FLAG))
		win <<= snd->td_scale;
	if (!(s->flags & RTE_TCP_ACK_FLAG))
		ack = rcv->td_end;
	if (seq == end && (!(s->flags & RTE_TCP_RST_FLAG) || ack))
		seq = end = snd->td_end;	/* no data: check the ack only */
	maxack = snd->td_maxwin > 66000 ? snd->td_maxwin : 66000;
	if (!(before(seq, snd->td_maxend + 1) &&
	      after(end, snd->td_end - rcv->td_maxwin - 1) &&
	      before(ack, rcv->td_end + 1) &&
	      after(ack, rcv->td_end - maxack - 1)) &&
	    !(snd->flags & NFV_CT_TCP_F_LIBERAL))
		return false;
	if (snd->td_maxwin < win)
		snd->td_maxwin = win;
	if (after(end, snd->td_end))
		snd->td_end = end;
	if (s->flags & RTE_TCP_ACK_FLAG) {
		if (after(ack + win, rcv->td_maxend - 1))
			rcv->td_maxend = ack + (win ? win : 1);
	}
	return true;
}

bool ct_tcp_can_create(struct rte_mbuf *m, const struct ct_l4 *l4)
{
	struct tcp_seg s;

	if (tcp_seg_parse(m, l4, &s) || !tcp_flags_valid(s.flags))
		return false;
	return tcp_next[0][tcp_kind(s.flags)][NFV_TCP_NONE] < NFV_TCP_MAX;
}

uint32_t ct_tcp_packet(struct nfv_ct *ct, struct rte_mbuf *m,
		       const struct ct_l4 *l4, uint8_t dir, bool is_new)
{
	struct tcp_seg s;
	uint8_t old, next;
	uint32_t timeout;

	if (tcp_seg_parse(m, l4, &s) || !tcp_flags_valid(s.flags))
		return 0;
	rte_spinlock_lock(&ct->lock);
	old = ct->tcp_state;
	next = tcp_next[dir][tcp_kind(s.flags)][old];
	if (next == NFV_TCP_SYN_SENT && dir == 0 &&
	    (old == NFV_TCP_TIME_WAIT || old == NFV_TCP_CLOSE)) {
		/* a new SYN reopens a closed connection (tcp_packet's "reopen") */
		memset(ct->tcp, 0, sizeof(ct->tcp));
		__atomic_and_fetch(&ct->status, ~(uint32_t)(IPS_SEEN_REPLY | IPS_ASSURED),
				   __ATOMIC_RELAXED);
		old = NFV_TCP_NONE;
	}
	if (next == NFV_TCP_IGNORE) {
		rte_spinlock_unlock(&ct->lock);
		return tcp_timeout[old] ? tcp_timeout[old] : 1;
	}
	if (next == NFV_TCP_INVALID || !tcp_in_window(ct, dir, &s)) {
		rte_spinlock_unlock(&ct->lock);
		return 0;
	}
	ct->tcp_state = next;
	if (old != next && next == NFV_TCP_FIN_WAIT)
		ct->tcp[dir].flags |= NFV_CT_TCP_F_CLOSE_INIT;
	timeout = tcp_timeout[next];
	rte_spinlock_unlock(&ct->lock);
	(void)is_new;
	if ((old == NFV_TCP_SYN_RECV || old == NFV_TCP_ESTABLISHED) &&
	    next == NFV_TCP_ESTABLISHED)
		__atomic_or_fetch(&ct->status, IPS_ASSURED, __ATOMIC_RELAXED);
	if (!(__atomic_load_n(&ct->status, __ATOMIC_RELAXED) & IPS_ASSURED) &&
	    timeout > TCP_TIMEOUT_UNACK)
		timeout = TCP_TIMEOUT_UNACK;
	return timeout;
}

uint32_t ct_tcp_state_timeout(uint8_t state)
{
	return state < NFV_TCP_MAX ? tcp_timeout[state] : 0;
}
