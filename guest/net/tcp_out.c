/* SPDX-License-Identifier: MIT */
/* tcp_out.c: TCP segment output: what may be sent (windows, Nagle, FIN), RST replies, RTO state. */
#include "tcp.h"

uint32_t tcp_rcv_space(const struct tcb *t)
{
	return NET_TCP_RCVBUF - t->r_len;
}

/* The window we advertise (RFC 9293 3.8.6.2.2: never shrink the right edge). */
static uint16_t adv_window(struct tcb *t)
{
	uint32_t space = tcp_rcv_space(t), w;

	if (SEQ_LT(t->rcv_nxt + space, t->rcv_adv))
		space = t->rcv_adv - t->rcv_nxt;
	w = space >> t->rcv_wscale;
	if (w > 0xffff)
		w = 0xffff;
	t->rcv_adv = t->rcv_nxt + (w << t->rcv_wscale);
	return (uint16_t)w;
}

static void copy_out(const struct tcb *t, uint8_t *dst, uint32_t off,
		     uint32_t len)
{
	uint32_t at = (t->s_head + off) % NET_TCP_SNDBUF;
	uint32_t first = NET_TCP_SNDBUF - at;

	if (first > len)
		first = len;
	memcpy(dst, t->sbuf + at, first);
	memcpy(dst + first, t->sbuf, len - first);
}

/*
 * Send one segment: seq, len bytes of data from the send buffer (at
 * seq - s_seq), flags. ACK is added in every state past SYN-SENT; SYNs
 * carry our MSS and window scale options.
 */
int tcp_xmit(struct net_stack *s, struct tcb *t, uint32_t seq, uint32_t len,
	     uint8_t flags)
{
	struct wire_tcp h = { .sport = t->local.port, .dport = t->peer.port };
	uint8_t *l4 = net_tx_l4(s);
	size_t hlen;

	h.seq = seq;
	h.flags = flags;
	h.mss = -1;
	h.wscale = -1;
	if (flags & WIRE_TCP_SYN) {
		h.mss = t->our_mss;
		if (t->state == NET_TCP_SYN_SENT || t->ws_ok)
			h.wscale = t->rcv_wscale;
	}
	if (t->state != NET_TCP_SYN_SENT) {
		h.flags |= WIRE_TCP_ACK;
		h.ack = t->rcv_nxt;
	}
	/* The window field of a SYN is never scaled (RFC 7323 2.2). */
	if (flags & WIRE_TCP_SYN) {
		uint32_t w = tcp_rcv_space(t);

		h.win = (uint16_t)(w > 0xffff ? 0xffff : w);
		t->rcv_adv = t->rcv_nxt + h.win;
	} else {
		h.win = adv_window(t);
	}
	hlen = wire_tcp_hlen(h.mss, h.wscale);
	if (len)
		copy_out(t, l4 + hlen, seq - t->s_seq, len);
	wire_tcp_emit(l4, t->local.addr.v4, t->peer.addr.v4, &h, len);
	if (h.flags & WIRE_TCP_ACK) {
		t->ack_pending = 0;
		t->ack_now = false;
		t->t_delack = 0;
	}
	return net_ip_output(s, t->local.addr.v4, t->peer.addr.v4,
			     NET_PROTO_TCP, t->ttl, hlen + len);
}

/* A RST answering a segment that has no connection (RFC 9293 3.10.7.1). */
void tcp_reset_reply(struct net_stack *s, const struct wire_ip4 *ip,
		     const struct wire_tcp *in)
{
	struct wire_tcp h = { .sport = in->dport, .dport = in->sport };
	uint8_t *l4 = net_tx_l4(s);

	if (in->flags & WIRE_TCP_RST)
		return;
	h.mss = -1;
	h.wscale = -1;
	if (in->flags & WIRE_TCP_ACK) {
		h.seq = in->ack;
		h.flags = WIRE_TCP_RST;
	} else {
		h.ack = in->seq + (uint32_t)in->len +
			!!(in->flags & WIRE_TCP_SYN) +
			!!(in->flags & WIRE_TCP_FIN);
		h.flags = WIRE_TCP_RST | WIRE_TCP_ACK;
	}
	wire_tcp_emit(l4, ip->dst, ip->src, &h, 0);
	s->st.tcp_rst_out++;
	net_ip_output(s, ip->dst, ip->src, NET_PROTO_TCP, NET_IP_TTL,
		      WIRE_TCP_HLEN);
}

/* A RST for a connection we drop (abort, timeout, data after close). */
void tcp_send_rst(struct net_stack *s, struct tcb *t)
{
	if (t->state < NET_TCP_SYN_RECEIVED || t->state == NET_TCP_TIME_WAIT)
		return;
	s->st.tcp_rst_out++;
	tcp_xmit(s, t, t->snd_nxt, 0, WIRE_TCP_RST);
}

void tcp_rto_arm(struct net_stack *s, struct tcb *t)
{
	uint64_t rto = (uint64_t)t->rto << (t->backoff > 10 ? 10 : t->backoff);

	if (rto > NET_TCP_RTO_MAX_MS)
		rto = NET_TCP_RTO_MAX_MS;
	t->t_rtx = net_now(s) + rto;
}

/* RFC 6298 2.2 and 2.3: a new round-trip sample r in ms. */
void tcp_rtt_sample(struct tcb *t, uint32_t r)
{
	if (!t->srtt) {
		t->srtt = r << 3;
		t->rttvar = r << 1;
	} else {
		int32_t delta = (int32_t)r - (int32_t)(t->srtt >> 3);

		t->srtt = (uint32_t)((int32_t)t->srtt + delta);
		if (delta < 0)
			delta = -delta;
		t->rttvar = (uint32_t)((int32_t)t->rttvar + delta -
				       (int32_t)(t->rttvar >> 2));
	}
	t->rto = (t->srtt >> 3) + (t->rttvar > 1 ? t->rttvar : 1);
	if (t->rto < NET_TCP_RTO_MIN_MS)
		t->rto = NET_TCP_RTO_MIN_MS;
	if (t->rto > NET_TCP_RTO_MAX_MS)
		t->rto = NET_TCP_RTO_MAX_MS;
}

static bool fin_due(const struct tcb *t)
{
	return t->wr_shut &&
	       (t->state == NET_TCP_ESTABLISHED ||
		t->state == NET_TCP_CLOSE_WAIT ||
		t->state == NET_TCP_FIN_WAIT_1 ||
		t->state == NET_TCP_LAST_ACK || t->state == NET_TCP_CLOSING);
}

/*
 * Send what the windows allow (RFC 5681 cwnd, the peer's window), whole
 * segments unless Nagle's rule (RFC 9293 3.7.4) holds back a small one,
 * the FIN with or after the last data; else a pure ACK if one is due.
 * Arms the retransmission timer and times one segment (Karn).
 */
void tcp_output(struct net_stack *s, struct tcb *t)
{
	bool sent = false;

	if (t->state < NET_TCP_ESTABLISHED || t->state == NET_TCP_TIME_WAIT) {
		if (t->ack_now && t->state == NET_TCP_TIME_WAIT)
			tcp_xmit(s, t, t->snd_nxt, 0, 0);
		return;
	}
	for (;;) {
		uint32_t off = t->snd_nxt - t->s_seq, flight, win, avail, n;
		uint8_t flags = 0;

		if (off > t->s_len)
			break; /* everything, FIN included, is out */
		flight = t->snd_nxt - t->snd_una;
		win = t->snd_wnd < t->cwnd ? t->snd_wnd : t->cwnd;
		avail = t->s_len - off;
		n = win > flight ? win - flight : 0;
		if (n > avail)
			n = avail;
		if (n > t->mss)
			n = t->mss;
		/* Nagle: hold a short segment while data is unacknowledged. */
		if (n && n < t->mss && n == avail && flight && !t->nodelay &&
		    !fin_due(t))
			n = 0;
		if (n < avail && n < t->mss && n)
			/* Window-limited small segment: wait (sender SWS, RFC 9293 3.8.6.2.1) */
			if (flight)
				n = 0;
		if (fin_due(t) && off + n == t->s_len)
			flags |= WIRE_TCP_FIN;
		if (!n && !(flags & WIRE_TCP_FIN))
			break;
		if (n)
			flags |= WIRE_TCP_PSH;
		if (!t->rtt_active && t->snd_nxt == t->snd_max && n) {
			t->rtt_active = true;
			t->rtt_seq = t->snd_nxt;
			t->rtt_ts = net_now(s);
		}
		if (SEQ_LT(t->snd_nxt, t->snd_max))
			s->st.tcp_rtx++;
		tcp_xmit(s, t, t->snd_nxt, n, flags);
		sent = true;
		t->snd_nxt += n + !!(flags & WIRE_TCP_FIN);
		if (flags & WIRE_TCP_FIN)
			t->fin_sent = true;
		if (SEQ_GT(t->snd_nxt, t->snd_max))
			t->snd_max = t->snd_nxt;
		if (!t->t_rtx || t->persist) {
			t->persist = false;
			tcp_rto_arm(s, t);
		}
	}
	if (!sent && t->ack_now)
		tcp_xmit(s, t, t->snd_nxt, 0, 0);
	/* A zero window with data waiting and nothing in flight: probe it. */
	if (!t->snd_wnd && t->s_len > t->snd_nxt - t->s_seq &&
	    t->snd_nxt == t->snd_una && !t->t_rtx) {
		uint32_t p = t->rto > NET_TCP_PERSIST_MIN_MS ?
				     t->rto :
				     NET_TCP_PERSIST_MIN_MS;

		t->persist = true;
		t->t_rtx = net_now(s) +
			   ((uint64_t)p << (t->backoff > 7 ? 7 : t->backoff));
	}
}

/* Resend the first unacknowledged segment (fast retransmit, partial ACKs). */
void tcp_retransmit_first(struct net_stack *s, struct tcb *t)
{
	uint32_t n = t->s_len < t->mss ? t->s_len : t->mss;
	uint8_t flags = 0;

	if (t->fin_sent && n == t->s_len)
		flags |= WIRE_TCP_FIN;
	if (!n && !flags)
		return;
	s->st.tcp_rtx++;
	if (t->rtt_active && SEQ_LE(t->rtt_seq, t->snd_una + n))
		t->rtt_active =
			false; /* Karn: no sample from a resent segment */
	tcp_xmit(s, t, t->snd_una, n, flags | (n ? WIRE_TCP_PSH : 0));
}
