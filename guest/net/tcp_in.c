/* SPDX-License-Identifier: MIT */
/* tcp_in.c: TCP segment arrival (RFC 9293 3.10.7), ACK processing with NewReno, and the timers. */
#include "tcp.h"

static int tcb_index(const struct net_stack *s, const struct tcb *t)
{
	return (int)(t - s->tcp);
}

static uint32_t initial_cwnd(uint32_t mss)
{
	/* RFC 5681 3.1. */
	return mss > 2190 ? 2 * mss : mss > 1095 ? 3 * mss : 4 * mss;
}

static void enter_time_wait(struct net_stack *s, struct tcb *t)
{
	t->state = NET_TCP_TIME_WAIT;
	t->t_rtx = 0;
	t->t_keep = 0;
	t->t_wait = net_now(s) + 2 * (uint64_t)NET_TCP_MSL_MS;
	s->wake = true;
}

static void keep_refresh(struct net_stack *s, struct tcb *t)
{
	t->probes = 0;
	if (t->keepalive &&
	    (t->state == NET_TCP_ESTABLISHED || t->state == NET_TCP_CLOSE_WAIT))
		t->t_keep = net_now(s) + t->keepidle;
	else
		t->t_keep = 0;
}

static void established(struct net_stack *s, struct tcb *t,
			const struct wire_tcp *h)
{
	t->state = NET_TCP_ESTABLISHED;
	t->snd_wnd = (uint32_t)h->win << t->snd_wscale;
	t->snd_wl1 = h->seq;
	t->snd_wl2 = h->ack;
	t->cwnd = initial_cwnd(t->mss);
	t->ssthresh = 0x7fffffff;
	t->backoff = 0;
	if (t->parent >= 0)
		t->estab_order = ++s->estab_counter;
	keep_refresh(s, t);
	s->wake = true;
}

/* The options of a SYN: the send MSS and both window scales (RFC 7323 2.2). */
static void syn_options(struct tcb *t, const struct wire_tcp *h)
{
	uint32_t mss = h->mss >= 0 ? (uint32_t)h->mss : 536;

	if (mss > t->our_mss)
		mss = t->our_mss;
	if (mss < NET_TCP_MSS_MIN)
		mss = NET_TCP_MSS_MIN;
	t->mss = (uint16_t)mss;
	if (h->wscale >= 0) {
		t->ws_ok = true;
		t->snd_wscale = (uint8_t)h->wscale;
	} else {
		t->ws_ok = false;
		t->snd_wscale = 0;
		t->rcv_wscale = 0;
	}
}

static void listen_input(struct net_stack *s, struct tcb *l,
			 const struct wire_ip4 *ip, const struct wire_tcp *h)
{
	int li = tcb_index(s, l), n = 0;
	struct tcb *c;

	if (h->flags & WIRE_TCP_RST)
		return;
	if (h->flags & WIRE_TCP_ACK) {
		tcp_reset_reply(s, ip, h);
		return;
	}
	if (!(h->flags & WIRE_TCP_SYN))
		return;
	for (int i = 0; i < NET_TCP_SOCKS; i++)
		if (s->tcp[i].used && s->tcp[i].parent == li)
			n++;
	if (n >= l->backlog || !(c = tcp_alloc(s))) {
		s->st.tcp_syn_drop++; /* the peer's SYN retransmission retries */
		return;
	}
	c->parent = li;
	c->local.addr.v4 = ip->dst;
	c->local.port = h->dport;
	c->peer.addr.v4 = ip->src;
	c->peer.port = h->sport;
	c->nodelay = l->nodelay;
	c->keepalive = l->keepalive;
	c->keepidle = l->keepidle;
	c->keepintvl = l->keepintvl;
	c->keepcnt = l->keepcnt;
	c->ttl = l->ttl;
	c->our_mss = l->our_mss;
	tcp_init_conn(s, c);
	c->irs = h->seq;
	c->rcv_nxt = h->seq + 1;
	syn_options(c, h);
	c->snd_wnd = h->win;
	c->snd_wl1 = h->seq;
	c->state = NET_TCP_SYN_RECEIVED;
	c->rtt_active = true;
	c->rtt_seq = c->iss;
	c->rtt_ts = net_now(s);
	tcp_xmit(s, c, c->iss, 0, WIRE_TCP_SYN);
	c->snd_nxt = c->snd_max = c->iss + 1;
	tcp_rto_arm(s, c);
}

static void synsent_input(struct net_stack *s, struct tcb *t,
			  const struct wire_ip4 *ip, const struct wire_tcp *h)
{
	bool ack = h->flags & WIRE_TCP_ACK;

	if (ack && (SEQ_LE(h->ack, t->iss) || SEQ_GT(h->ack, t->snd_max))) {
		tcp_reset_reply(s, ip, h);
		return;
	}
	if (h->flags & WIRE_TCP_RST) {
		if (ack)
			tcp_set_closed(s, t, ECONNREFUSED);
		return;
	}
	if (!(h->flags & WIRE_TCP_SYN))
		return;
	t->irs = h->seq;
	t->rcv_nxt = h->seq + 1;
	syn_options(t, h);
	if (!ack) { /* simultaneous open (RFC 9293 3.5) */
		t->state = NET_TCP_SYN_RECEIVED;
		t->snd_wnd = h->win;
		t->snd_wl1 = h->seq;
		tcp_xmit(s, t, t->iss, 0, WIRE_TCP_SYN);
		tcp_rto_arm(s, t);
		return;
	}
	t->snd_una = h->ack;
	if (t->rtt_active)
		tcp_rtt_sample(t, (uint32_t)(net_now(s) - t->rtt_ts));
	t->rtt_active = false;
	t->t_rtx = 0;
	established(s, t, h);
	t->snd_wnd = h->win; /* a SYN's window is not scaled */
	t->ack_now = true;
}

static bool acceptable(const struct tcb *t, uint32_t seq, uint32_t seglen)
{
	uint32_t wnd = tcp_rcv_space(t);

	if (!seglen)
		return wnd ? SEQ_GE(seq, t->rcv_nxt) &&
				       SEQ_LT(seq, t->rcv_nxt + wnd) :
			     seq == t->rcv_nxt;
	if (!wnd)
		return false;
	return (SEQ_GE(seq, t->rcv_nxt) && SEQ_LT(seq, t->rcv_nxt + wnd)) ||
	       (SEQ_GE(seq + seglen - 1, t->rcv_nxt) &&
		SEQ_LT(seq + seglen - 1, t->rcv_nxt + wnd));
}

static void rst_input(struct net_stack *s, struct tcb *t)
{
	switch (t->state) {
	case NET_TCP_SYN_RECEIVED:
		tcp_set_closed(s, t, t->parent >= 0 ? 0 : ECONNREFUSED);
		break;
	case NET_TCP_ESTABLISHED:
	case NET_TCP_FIN_WAIT_1:
	case NET_TCP_FIN_WAIT_2:
	case NET_TCP_CLOSE_WAIT:
		tcp_set_closed(s, t, ECONNRESET);
		break;
	default:
		tcp_set_closed(s, t, 0);
		break;
	}
}

static void cc_new_ack(struct net_stack *s, struct tcb *t, uint32_t acked)
{
	if (t->in_recovery) {
		if (SEQ_GE(t->snd_una,
			   t->recover)) { /* full ACK: RFC 6582 3.2 (3) */
			uint32_t flight = t->snd_max - t->snd_una;

			t->cwnd = flight + t->mss < t->ssthresh ?
					  flight + t->mss :
					  t->ssthresh;
			t->in_recovery = false;
			t->dupacks = 0;
		} else { /* partial ACK: resend the next hole, deflate */
			tcp_retransmit_first(s, t);
			t->cwnd = t->cwnd > acked ? t->cwnd - acked : 0;
			if (acked >= t->mss)
				t->cwnd += t->mss;
			if (t->cwnd < t->mss)
				t->cwnd = t->mss;
			tcp_rto_arm(s, t);
		}
		return;
	}
	t->dupacks = 0;
	if (t->cwnd < t->ssthresh) /* slow start, RFC 5681 (2) */
		t->cwnd += acked < t->mss ? acked : t->mss;
	else /* congestion avoidance, RFC 5681 (3) */
		t->cwnd += (uint32_t)t->mss * t->mss / t->cwnd ?
				   (uint32_t)t->mss * t->mss / t->cwnd :
				   1;
	if (t->cwnd > (1u << 30))
		t->cwnd = 1u << 30;
}

static void new_ack(struct net_stack *s, struct tcb *t, uint32_t ack)
{
	uint32_t acked = ack - t->snd_una, data = 0;

	if (SEQ_GT(ack, t->s_seq)) {
		data = ack - t->s_seq;
		if (data > t->s_len)
			data = t->s_len;
	}
	t->s_head = (t->s_head + data) % NET_TCP_SNDBUF;
	t->s_len -= data;
	t->s_seq += data;
	t->snd_una = ack;
	if (SEQ_LT(t->snd_nxt, ack))
		t->snd_nxt = ack;
	if (t->rtt_active && SEQ_GT(ack, t->rtt_seq)) {
		tcp_rtt_sample(t, (uint32_t)(net_now(s) - t->rtt_ts));
		t->rtt_active = false;
	}
	t->backoff = 0;
	cc_new_ack(s, t, acked);
	if (t->snd_una == t->snd_max)
		t->t_rtx = 0;
	else if (!t->persist)
		tcp_rto_arm(s, t);
	if (data)
		s->wake = true;
}

static void dup_ack(struct net_stack *s, struct tcb *t)
{
	t->dupacks++;
	if (t->dupacks == 3 && !t->in_recovery &&
	    SEQ_GT(t->snd_una, t->recover)) {
		uint32_t flight = t->snd_max - t->snd_una;

		t->ssthresh = flight / 2 > 2u * t->mss ? flight / 2 :
							 2u * t->mss;
		t->recover = t->snd_max;
		t->in_recovery = true;
		tcp_retransmit_first(s, t);
		t->cwnd = t->ssthresh + 3u * t->mss;
		tcp_rto_arm(s, t);
	} else if (t->dupacks > 3 && t->in_recovery) {
		t->cwnd += t->mss;
	}
}

static bool fin_acked(const struct tcb *t)
{
	return t->fin_sent && t->snd_una == t->s_seq + t->s_len + 1;
}

/* The ACK field (RFC 9293 3.10.7.4 fifth); false when the segment is done with. */
static bool ack_input(struct net_stack *s, struct tcb *t,
		      const struct wire_ip4 *ip, const struct wire_tcp *h)
{
	uint32_t wnd;

	if (t->state == NET_TCP_SYN_RECEIVED) {
		if (SEQ_LE(h->ack, t->snd_una) || SEQ_GT(h->ack, t->snd_max)) {
			tcp_reset_reply(s, ip, h);
			return false;
		}
		established(s, t, h);
	}
	if (SEQ_GT(h->ack, t->snd_max)) {
		t->ack_now = true;
		return false;
	}
	wnd = (uint32_t)h->win << t->snd_wscale;
	if (SEQ_GT(h->ack, t->snd_una))
		new_ack(s, t, h->ack);
	else if (h->ack == t->snd_una && !h->len &&
		 !(h->flags & WIRE_TCP_FIN) && wnd == t->snd_wnd &&
		 t->snd_max != t->snd_una)
		dup_ack(s, t);
	if (SEQ_LT(t->snd_wl1, h->seq) ||
	    (t->snd_wl1 == h->seq && SEQ_LE(t->snd_wl2, h->ack))) {
		if (!t->snd_wnd && wnd) {
			t->backoff = 0;
			if (t->persist) {
				t->persist = false;
				t->t_rtx = 0;
			}
		}
		t->snd_wnd = wnd;
		t->snd_wl1 = h->seq;
		t->snd_wl2 = h->ack;
	}
	if (!fin_acked(t))
		return true;
	switch (t->state) {
	case NET_TCP_FIN_WAIT_1:
		t->state = NET_TCP_FIN_WAIT_2;
		if (!t->owned)
			t->t_wait = net_now(s) + 2 * (uint64_t)NET_TCP_MSL_MS;
		break;
	case NET_TCP_CLOSING:
		enter_time_wait(s, t);
		break;
	case NET_TCP_LAST_ACK:
		tcp_set_closed(s, t, 0);
		return false;
	default:
		break;
	}
	return true;
}

/* Keep [start, end) as an out-of-order range, merged with those it touches. */
static void ooo_add(struct tcb *t, uint32_t start, uint32_t end)
{
	struct tcp_range n = { start, end };
	unsigned i = 0;

	while (i < t->nooo) {
		struct tcp_range *r = &t->ooo[i];

		if (SEQ_GT(n.start, r->end) || SEQ_LT(n.end, r->start)) {
			i++;
			continue;
		}
		if (SEQ_LT(r->start, n.start))
			n.start = r->start;
		if (SEQ_GT(r->end, n.end))
			n.end = r->end;
		*r = t->ooo[--t->nooo];
		i = 0;
	}
	if (t->nooo < NET_TCP_OOO_RANGES)
		t->ooo[t->nooo++] =
			n; /* else dropped: the sender sends it again */
}

static void data_input(struct net_stack *s, struct tcb *t, uint32_t seq,
		       const uint8_t *p, uint32_t len)
{
	uint32_t off = seq - t->rcv_nxt, at, first;
	bool moved = false;

	/* The bytes go at their place after the readable ones; acceptable() bounded them. */
	at = (t->r_head + t->r_len + off) % NET_TCP_RCVBUF;
	first = NET_TCP_RCVBUF - at;
	if (first > len)
		first = len;
	memcpy(t->rbuf + at, p, first);
	memcpy(t->rbuf, p + first, len - first);
	if (off) {
		ooo_add(t, seq, seq + len);
		t->ack_now =
			true; /* a duplicate ACK tells the sender of the hole */
		return;
	}
	t->rcv_nxt += len;
	t->r_len += len;
	for (unsigned i = 0; i < t->nooo;) {
		struct tcp_range *r = &t->ooo[i];

		if (SEQ_GT(r->start, t->rcv_nxt)) {
			i++;
			continue;
		}
		if (SEQ_GT(r->end, t->rcv_nxt)) {
			t->r_len += r->end - t->rcv_nxt;
			t->rcv_nxt = r->end;
		}
		*r = t->ooo[--t->nooo];
		moved = true;
		i = 0;
	}
	if (t->rd_shut) { /* SHUT_RD: acknowledged and discarded */
		t->r_head = (t->r_head + t->r_len) % NET_TCP_RCVBUF;
		t->r_len = 0;
	}
	if (moved || t->nooo)
		t->ack_now = true;
	else if (++t->ack_pending >=
		 2) /* RFC 9293 3.8.6.3: every 2nd full segment */
		t->ack_now = true;
	else if (!t->t_delack)
		t->t_delack = net_now(s) + NET_TCP_DELACK_MS;
	s->wake = true;
}

static void fin_input(struct net_stack *s, struct tcb *t)
{
	t->rcv_nxt++;
	t->fin_rcvd = true;
	t->ack_now = true;
	s->wake = true;
	switch (t->state) {
	case NET_TCP_SYN_RECEIVED:
	case NET_TCP_ESTABLISHED:
		t->state = NET_TCP_CLOSE_WAIT;
		break;
	case NET_TCP_FIN_WAIT_1:
		if (fin_acked(t))
			enter_time_wait(s, t);
		else
			t->state = NET_TCP_CLOSING;
		break;
	case NET_TCP_FIN_WAIT_2:
		enter_time_wait(s, t);
		break;
	default:
		break;
	}
}

static void sync_input(struct net_stack *s, struct tcb *t,
		       const struct wire_ip4 *ip, struct wire_tcp *h)
{
	uint32_t seglen = (uint32_t)h->len + !!(h->flags & WIRE_TCP_SYN) +
			  !!(h->flags & WIRE_TCP_FIN);
	uint32_t seq = h->seq, len = (uint32_t)h->len, wnd;
	const uint8_t *p = h->payload;
	bool fin = h->flags & WIRE_TCP_FIN;

	if (t->state == NET_TCP_SYN_RECEIVED &&
	    (h->flags & (WIRE_TCP_SYN | WIRE_TCP_ACK)) == WIRE_TCP_SYN &&
	    h->seq == t->irs) { /* our SYN-ACK was lost: send it again */
		tcp_xmit(s, t, t->iss, 0, WIRE_TCP_SYN);
		return;
	}
	if (!acceptable(t, seq, seglen)) {
		if (!(h->flags & WIRE_TCP_RST)) {
			t->ack_now = true;
			if (t->state == NET_TCP_TIME_WAIT && fin)
				enter_time_wait(s, t);
		}
		return;
	}
	if (h->flags & WIRE_TCP_RST) { /* RFC 5961 3.2 */
		if (seq == t->rcv_nxt)
			rst_input(s, t);
		else
			t->ack_now = true; /* challenge ACK */
		return;
	}
	if (h->flags & WIRE_TCP_SYN) { /* RFC 5961 4.2 */
		t->ack_now = true;
		return;
	}
	if (!(h->flags & WIRE_TCP_ACK))
		return;
	keep_refresh(s, t);
	/* Trim to the window: what was received before, what lies beyond. */
	if (SEQ_LT(seq, t->rcv_nxt)) {
		uint32_t old = t->rcv_nxt - seq;

		t->ack_now = true;
		if (old > len) {
			fin = false;
			len = 0;
		} else {
			p += old;
			len -= old;
		}
		seq = t->rcv_nxt;
	}
	wnd = tcp_rcv_space(t);
	if (SEQ_GT(seq + len, t->rcv_nxt + wnd)) {
		len = t->rcv_nxt + wnd - seq;
		fin = false;
	}
	if (!ack_input(s, t, ip, h))
		return;
	if (len && (t->state == NET_TCP_ESTABLISHED ||
		    t->state == NET_TCP_FIN_WAIT_1 ||
		    t->state == NET_TCP_FIN_WAIT_2)) {
		if (!t->owned && t->parent < 0) {
			/* Data for a closed socket: nobody will read it (RFC 9293 3.10.4). */
			tcp_send_rst(s, t);
			tcp_set_closed(s, t, 0);
			return;
		}
		data_input(s, t, seq, p, len);
	}
	if (fin && seq + len == t->rcv_nxt && t->state != NET_TCP_CLOSE_WAIT &&
	    t->state != NET_TCP_CLOSING && t->state != NET_TCP_LAST_ACK &&
	    t->state != NET_TCP_TIME_WAIT)
		fin_input(s, t);
	else if (fin && t->state == NET_TCP_TIME_WAIT)
		enter_time_wait(s, t);
}

static struct tcb *lookup(struct net_stack *s, const struct wire_ip4 *ip,
			  const struct wire_tcp *h)
{
	struct tcb *l = NULL;

	for (int i = 0; i < NET_TCP_SOCKS; i++) {
		struct tcb *t = &s->tcp[i];

		if (!t->used || t->local.port != h->dport)
			continue;
		if (t->state == NET_TCP_LISTEN) {
			if (!t->local.addr.v4 || t->local.addr.v4 == ip->dst)
				if (!l || t->local.addr.v4)
					l = t;
			continue;
		}
		if (t->state == NET_TCP_CLOSED || t->peer.port != h->sport ||
		    t->local.addr.v4 != ip->dst || t->peer.addr.v4 != ip->src)
			continue;
		/* A new SYN above a TIME-WAIT's sequence space reopens it (RFC 6191). */
		if (t->state == NET_TCP_TIME_WAIT &&
		    (h->flags & (WIRE_TCP_SYN | WIRE_TCP_ACK)) ==
			    WIRE_TCP_SYN &&
		    SEQ_GT(h->seq, t->rcv_nxt)) {
			tcp_set_closed(s, t, 0);
			continue;
		}
		return t;
	}
	return l;
}

void net_tcp_input(struct net_stack *s, const struct wire_ip4 *ip)
{
	struct wire_tcp h;
	struct tcb *t;

	if (wire_tcp_parse(ip->payload, ip->len, ip->src, ip->dst, &h)) {
		s->st.tcp_bad_csum++;
		return;
	}
	if (!h.sport || !h.dport)
		return;
	t = lookup(s, ip, &h);
	if (!t) {
		tcp_reset_reply(s, ip, &h);
		return;
	}
	switch (t->state) {
	case NET_TCP_LISTEN:
		listen_input(s, t, ip, &h);
		return;
	case NET_TCP_SYN_SENT:
		synsent_input(s, t, ip, &h);
		break;
	default:
		sync_input(s, t, ip, &h);
		break;
	}
	if (t->used)
		tcp_output(s, t);
}

static void rtx_timeout(struct net_stack *s, struct tcb *t)
{
	bool syn = t->state == NET_TCP_SYN_SENT ||
		   t->state == NET_TCP_SYN_RECEIVED;
	uint32_t flight = t->snd_max - t->snd_una;

	t->t_rtx = 0;
	if (t->persist) { /* zero-window probe: an old byte's ACK brings the window */
		t->persist = false;
		if (t->backoff < 16)
			t->backoff++;
		tcp_xmit(s, t, t->snd_una - 1, 0, 0);
		tcp_output(s, t);
		return;
	}
	if (t->backoff >= (syn ? NET_TCP_RETRIES_SYN : NET_TCP_RETRIES)) {
		tcp_send_rst(s, t);
		tcp_set_closed(s, t, ETIMEDOUT);
		return;
	}
	t->backoff++;
	t->rtt_active = false; /* Karn's algorithm */
	if (syn) {
		s->st.tcp_rtx++;
		tcp_xmit(s, t, t->iss, 0, WIRE_TCP_SYN);
		tcp_rto_arm(s, t);
		return;
	}
	/* RFC 5681 (4) and RFC 6298 5.5-5.7: one segment, from snd_una on. */
	t->ssthresh = flight / 2 > 2u * t->mss ? flight / 2 : 2u * t->mss;
	t->cwnd = t->mss;
	t->in_recovery = false;
	t->dupacks = 0;
	t->recover = t->snd_max;
	t->snd_nxt = t->snd_una;
	tcp_output(s, t);
	if (!t->t_rtx)
		tcp_rto_arm(s, t);
}

static void keepalive_timeout(struct net_stack *s, struct tcb *t)
{
	t->t_keep = 0;
	if (t->state != NET_TCP_ESTABLISHED && t->state != NET_TCP_CLOSE_WAIT)
		return;
	if (t->probes >= t->keepcnt) {
		tcp_send_rst(s, t);
		tcp_set_closed(s, t, ETIMEDOUT);
		return;
	}
	t->probes++;
	tcp_xmit(s, t, t->snd_una - 1, 0, 0);
	t->t_keep = net_now(s) + t->keepintvl;
}

void net_tcp_poll_timers(struct net_stack *s, uint64_t now, uint64_t *next)
{
	for (int i = 0; i < NET_TCP_SOCKS; i++) {
		struct tcb *t = &s->tcp[i];

		if (t->used && t->t_wait && t->t_wait <= now) {
			t->t_wait = 0;
			tcp_set_closed(
				s, t,
				0); /* TIME-WAIT or an orphan's FIN-WAIT-2 */
		}
		if (t->used && t->t_rtx && t->t_rtx <= now)
			rtx_timeout(s, t);
		if (t->used && t->t_delack && t->t_delack <= now) {
			t->t_delack = 0;
			t->ack_now = true;
			tcp_output(s, t);
		}
		if (t->used && t->t_keep && t->t_keep <= now)
			keepalive_timeout(s, t);
		if (!t->used)
			continue;
		if (t->t_rtx && t->t_rtx < *next)
			*next = t->t_rtx;
		if (t->t_delack && t->t_delack < *next)
			*next = t->t_delack;
		if (t->t_keep && t->t_keep < *next)
			*next = t->t_keep;
		if (t->t_wait && t->t_wait < *next)
			*next = t->t_wait;
	}
}
