/* SPDX-License-Identifier: MIT */
/* tcp.c: TCP sockets: the connection table, bind/listen/accept/connect, send, receive, close, options. */
#include "tcp.h"

static struct tcb *tcb_get(struct net_stack *s, int h)
{
	if (h < 0 || h >= NET_TCP_SOCKS || !s->tcp[h].used || !s->tcp[h].owned)
		return NULL;
	return &s->tcp[h];
}

static void tcb_free(struct tcb *t)
{
	t->used = false;
	t->owned = false;
	t->state = NET_TCP_CLOSED;
}

/* A free slot, else the TIME-WAIT connection nearest its end (RFC 9293 allows it). */
struct tcb *tcp_alloc(struct net_stack *s)
{
	struct tcb *t = NULL;

	for (int i = 0; i < NET_TCP_SOCKS && !t; i++)
		if (!s->tcp[i].used)
			t = &s->tcp[i];
	for (int i = 0; i < NET_TCP_SOCKS && !t; i++) {
		struct tcb *o = &s->tcp[i];

		if (o->state == NET_TCP_TIME_WAIT && !o->owned &&
		    (!t || o->t_wait < t->t_wait))
			t = o;
	}
	if (!t)
		return NULL;
	memset(t, 0, offsetof(struct tcb, sbuf));
	t->used = true;
	t->parent = -1;
	t->local.addr.family = NET_AF_INET;
	t->peer.addr.family = NET_AF_INET;
	t->ttl = NET_IP_TTL;
	t->keepidle = NET_TCP_KEEPIDLE_MS;
	t->keepintvl = NET_TCP_KEEPINTVL_MS;
	t->keepcnt = NET_TCP_KEEPCNT_DEF;
	return t;
}

void tcp_set_closed(struct net_stack *s, struct tcb *t, int err)
{
	t->state = NET_TCP_CLOSED;
	t->t_rtx = t->t_delack = t->t_keep = t->t_wait = 0;
	if (err)
		t->err = err;
	s->wake = true;
	if (!t->owned)
		tcb_free(t);
}

void tcp_init_conn(struct net_stack *s, struct tcb *t)
{
	uint32_t shift = 0;

	/* RFC 6528 wants an unpredictable ISN; random() gives one. */
	t->iss = s->ops->random(s->ctx);
	t->snd_una = t->snd_nxt = t->snd_max = t->iss;
	t->recover = t->iss;
	t->s_seq = t->iss + 1;
	t->s_head = t->s_len = 0;
	t->r_head = t->r_len = 0;
	t->nooo = 0;
	t->rto = NET_TCP_RTO_INIT_MS;
	t->srtt = t->rttvar = 0;
	t->cwnd = NET_MTU;
	t->ssthresh = 0x7fffffff;
	while (shift < 14 && (NET_TCP_RCVBUF >> shift) > 0xffff)
		shift++;
	t->rcv_wscale = (uint8_t)shift;
	if (!t->our_mss) {
		uint32_t mss = NET_MTU - WIRE_IP4_HLEN - WIRE_TCP_HLEN;

		t->our_mss = (uint16_t)mss;
	}
	t->mss = 536;
}

int net_tcp_open(struct net_stack *s)
{
	struct tcb *t = tcp_alloc(s);

	if (!t)
		return -ENFILE;
	t->owned = true;
	return (int)(t - s->tcp);
}

static bool port_conflict(struct net_stack *s, const struct tcb *self,
			  uint32_t addr, uint16_t port)
{
	for (int i = 0; i < NET_TCP_SOCKS; i++) {
		const struct tcb *o = &s->tcp[i];

		if (o == self || !o->used || o->local.port != port)
			continue;
		if (o->local.addr.v4 && addr && o->local.addr.v4 != addr)
			continue;
		/* SO_REUSEADDR: only a listener (or a bound socket) blocks the port. */
		if (self->reuseaddr && o->reuseaddr &&
		    o->state != NET_TCP_LISTEN && o->state != NET_TCP_CLOSED)
			continue;
		if (self->reuseaddr && o->state == NET_TCP_TIME_WAIT)
			continue;
		return true;
	}
	return false;
}

static int pick_port(struct net_stack *s, struct tcb *t)
{
	unsigned span = NET_PORT_EPH_HI - NET_PORT_EPH_LO + 1;
	unsigned start = s->ops->random(s->ctx) % span;

	for (unsigned i = 0; i < span; i++) {
		uint16_t p = (uint16_t)(NET_PORT_EPH_LO + (start + i) % span);

		if (!port_conflict(s, t, 0, p)) {
			t->local.port = p;
			return 0;
		}
	}
	return -EADDRINUSE;
}

int net_tcp_bind(struct net_stack *s, int h, const struct net_sockaddr *a)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	if (a->addr.family != NET_AF_INET)
		return -EAFNOSUPPORT;
	if (t->local.port || t->state != NET_TCP_CLOSED)
		return -EINVAL;
	if (a->addr.v4 && !net_ip_is_local(s, a->addr.v4))
		return -EADDRNOTAVAIL;
	t->local.addr.v4 = a->addr.v4;
	if (!a->port)
		return pick_port(s, t);
	if (port_conflict(s, t, a->addr.v4, a->port))
		return -EADDRINUSE;
	t->local.port = a->port;
	return 0;
}

int net_tcp_listen(struct net_stack *s, int h, int backlog)
{
	struct tcb *t = tcb_get(s, h);
	int rc;

	if (!t)
		return -EBADF;
	if (t->state == NET_TCP_LISTEN) {
		t->backlog = backlog < 1 ? 1 :
			     backlog > NET_TCP_BACKLOG_MAX ?
					   NET_TCP_BACKLOG_MAX :
					   backlog;
		return 0;
	}
	if (t->state != NET_TCP_CLOSED || t->peer.port)
		return -EINVAL;
	if (!t->local.port && (rc = pick_port(s, t)))
		return rc;
	if (port_conflict(s, t, t->local.addr.v4, t->local.port))
		return -EADDRINUSE;
	t->state = NET_TCP_LISTEN;
	t->backlog = backlog < 1		   ? 1 :
		     backlog > NET_TCP_BACKLOG_MAX ? NET_TCP_BACKLOG_MAX :
						     backlog;
	return 0;
}

int net_tcp_accept(struct net_stack *s, int h)
{
	struct tcb *l = tcb_get(s, h), *c = NULL;

	if (!l)
		return -EBADF;
	if (l->state != NET_TCP_LISTEN)
		return -EINVAL;
	for (int i = 0; i < NET_TCP_SOCKS; i++) {
		struct tcb *t = &s->tcp[i];

		if (t->used && t->parent == h &&
		    t->state != NET_TCP_SYN_RECEIVED &&
		    (!c || t->estab_order < c->estab_order))
			c = t;
	}
	if (!c)
		return -EAGAIN;
	c->parent = -1;
	c->owned = true;
	c->accepted = true;
	return (int)(c - s->tcp);
}

int net_tcp_connect(struct net_stack *s, int h, const struct net_sockaddr *a)
{
	struct tcb *t = tcb_get(s, h);
	uint32_t src;
	int rc;

	if (!t)
		return -EBADF;
	if (a->addr.family != NET_AF_INET)
		return -EAFNOSUPPORT;
	if (t->state == NET_TCP_SYN_SENT || t->state == NET_TCP_SYN_RECEIVED)
		return -EALREADY;
	if (t->state != NET_TCP_CLOSED || t->peer.port)
		return -EISCONN;
	if (!a->port || !a->addr.v4 || (a->addr.v4 >> 28) >= 14)
		return -EINVAL;
	src = t->local.addr.v4 ? t->local.addr.v4 :
				 net_ip_source(s, a->addr.v4);
	if (!src)
		return -ENETUNREACH;
	if (!t->local.port && (rc = pick_port(s, t)))
		return rc;
	t->local.addr.v4 = src;
	t->peer = *a;
	if (!t->our_mss)
		t->our_mss = (uint16_t)(net_ip_mtu(s, a->addr.v4) -
					WIRE_IP4_HLEN - WIRE_TCP_HLEN);
	tcp_init_conn(s, t);
	t->state = NET_TCP_SYN_SENT;
	t->rtt_active = true;
	t->rtt_seq = t->iss;
	t->rtt_ts = net_now(s);
	rc = tcp_xmit(s, t, t->iss, 0, WIRE_TCP_SYN);
	if (rc && rc != -ENOBUFS) {
		t->state = NET_TCP_CLOSED;
		t->peer.port = 0;
		return rc;
	}
	t->snd_nxt = t->snd_max = t->iss + 1;
	tcp_rto_arm(s, t);
	return -EINPROGRESS;
}

static int conn_error(struct tcb *t)
{
	int e = t->err;

	t->err = 0;
	return -e;
}

long net_tcp_send(struct net_stack *s, int h, const void *buf, size_t len)
{
	struct tcb *t = tcb_get(s, h);
	uint32_t space, n, at, first;

	if (!t)
		return -EBADF;
	if (t->err)
		return conn_error(t);
	if (t->state == NET_TCP_SYN_SENT || t->state == NET_TCP_SYN_RECEIVED)
		return -EAGAIN;
	if (t->state == NET_TCP_CLOSED && !t->peer.port)
		return -ENOTCONN;
	if (t->wr_shut ||
	    (t->state != NET_TCP_ESTABLISHED && t->state != NET_TCP_CLOSE_WAIT))
		return -EPIPE;
	space = NET_TCP_SNDBUF - t->s_len;
	if (!space)
		return -EAGAIN;
	n = len < space ? (uint32_t)len : space;
	at = (t->s_head + t->s_len) % NET_TCP_SNDBUF;
	first = NET_TCP_SNDBUF - at;
	if (first > n)
		first = n;
	memcpy(t->sbuf + at, buf, first);
	memcpy(t->sbuf, (const uint8_t *)buf + first, n - first);
	t->s_len += n;
	tcp_output(s, t);
	return n;
}

long net_tcp_recv(struct net_stack *s, int h, void *buf, size_t len, int flags)
{
	struct tcb *t = tcb_get(s, h);
	uint32_t n, first;
	int32_t grown;

	if (!t)
		return -EBADF;
	if (!t->r_len) {
		if (t->err)
			return conn_error(t);
		if (t->fin_rcvd || t->rd_shut)
			return 0;
		if (t->state == NET_TCP_CLOSED || t->state == NET_TCP_LISTEN)
			return t->peer.port ? 0 : -ENOTCONN;
		return -EAGAIN;
	}
	n = len < t->r_len ? (uint32_t)len : t->r_len;
	first = NET_TCP_RCVBUF - t->r_head;
	if (first > n)
		first = n;
	memcpy(buf, t->rbuf + t->r_head, first);
	memcpy((uint8_t *)buf + first, t->rbuf, n - first);
	if (flags & NET_MSG_PEEK)
		return n;
	t->r_head = (t->r_head + n) % NET_TCP_RCVBUF;
	t->r_len -= n;
	/* Tell the peer of a window grown by 2 MSS or half the buffer (RFC 9293 3.8.6.2.2). */
	grown = (int32_t)(t->rcv_nxt + tcp_rcv_space(t) - t->rcv_adv);
	if (t->state >= NET_TCP_ESTABLISHED &&
	    grown >= (int32_t)(2u * t->mss < NET_TCP_RCVBUF / 2 ?
				       2u * t->mss :
				       NET_TCP_RCVBUF / 2)) {
		t->ack_now = true;
		tcp_output(s, t);
	}
	return n;
}

int net_tcp_shutdown(struct net_stack *s, int h, int how)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	if (how < 0 || how > 2)
		return -EINVAL;
	if (t->state == NET_TCP_CLOSED || t->state == NET_TCP_LISTEN ||
	    t->state == NET_TCP_SYN_SENT)
		return -ENOTCONN;
	if (how != 1)
		t->rd_shut = true;
	if (how == 0 || t->wr_shut)
		return 0;
	t->wr_shut = true;
	if (t->state == NET_TCP_ESTABLISHED || t->state == NET_TCP_SYN_RECEIVED)
		t->state = NET_TCP_FIN_WAIT_1;
	else if (t->state == NET_TCP_CLOSE_WAIT)
		t->state = NET_TCP_LAST_ACK;
	tcp_output(s, t);
	return 0;
}

static void drop_children(struct net_stack *s, int h)
{
	for (int i = 0; i < NET_TCP_SOCKS; i++) {
		struct tcb *c = &s->tcp[i];

		if (c->used && c->parent == h) {
			tcp_send_rst(s, c);
			tcb_free(c);
		}
	}
}

int net_tcp_abort(struct net_stack *s, int h)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	if (t->state == NET_TCP_LISTEN)
		drop_children(s, h);
	tcp_send_rst(s, t);
	tcb_free(t);
	return 0;
}

int net_tcp_close(struct net_stack *s, int h)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	switch (t->state) {
	case NET_TCP_LISTEN:
	case NET_TCP_CLOSED:
	case NET_TCP_SYN_SENT:
	case NET_TCP_SYN_RECEIVED:
		return net_tcp_abort(s, h);
	default:
		break;
	}
	if (t->r_len) /* unread data: RST, not FIN (RFC 9293 3.10.4, RFC 2525 2.17) */
		return net_tcp_abort(s, h);
	t->owned = false;
	if (!t->wr_shut) {
		t->wr_shut = true;
		if (t->state == NET_TCP_ESTABLISHED)
			t->state = NET_TCP_FIN_WAIT_1;
		else if (t->state == NET_TCP_CLOSE_WAIT)
			t->state = NET_TCP_LAST_ACK;
		tcp_output(s, t);
	}
	if (t->state == NET_TCP_FIN_WAIT_2 && !t->t_wait)
		t->t_wait = net_now(s) + 2 * (uint64_t)NET_TCP_MSL_MS;
	return 0;
}

int net_tcp_poll(struct net_stack *s, int h)
{
	struct tcb *t = tcb_get(s, h);
	int ev = 0;

	if (!t)
		return -EBADF;
	if (t->state == NET_TCP_LISTEN) {
		for (int i = 0; i < NET_TCP_SOCKS; i++)
			if (s->tcp[i].used && s->tcp[i].parent == h &&
			    s->tcp[i].state != NET_TCP_SYN_RECEIVED)
				return NET_POLLIN;
		return 0;
	}
	if (t->err)
		ev |= NET_POLLERR;
	if (t->r_len || t->fin_rcvd || t->rd_shut)
		ev |= NET_POLLIN;
	if (t->fin_rcvd)
		ev |= NET_POLLRDHUP;
	if ((t->state == NET_TCP_ESTABLISHED ||
	     t->state == NET_TCP_CLOSE_WAIT) &&
	    !t->wr_shut && t->s_len < NET_TCP_SNDBUF)
		ev |= NET_POLLOUT;
	if (t->state == NET_TCP_CLOSED || (t->fin_rcvd && t->wr_shut))
		ev |= NET_POLLHUP | NET_POLLIN;
	if (t->state == NET_TCP_CLOSED && !t->peer.port)
		ev = NET_POLLOUT | NET_POLLHUP; /* never connected (as Linux) */
	return ev;
}

int net_tcp_error(struct net_stack *s, int h)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	return -conn_error(t);
}

int net_tcp_name(struct net_stack *s, int h, struct net_sockaddr *local,
		 struct net_sockaddr *peer)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	if (local)
		*local = t->local;
	if (peer) {
		if (t->state == NET_TCP_CLOSED || t->state == NET_TCP_LISTEN ||
		    t->state == NET_TCP_SYN_SENT)
			return -ENOTCONN;
		*peer = t->peer;
	}
	return 0;
}

int net_tcp_setopt(struct net_stack *s, int h, enum net_tcp_opt opt, int val)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	switch (opt) {
	case NET_TCPOPT_NODELAY:
		t->nodelay = val != 0;
		if (t->nodelay)
			tcp_output(s, t);
		return 0;
	case NET_TCPOPT_KEEPALIVE:
		t->keepalive = val != 0;
		t->t_keep = 0;
		if (t->keepalive && (t->state == NET_TCP_ESTABLISHED ||
				     t->state == NET_TCP_CLOSE_WAIT))
			t->t_keep = net_now(s) + t->keepidle;
		return 0;
	case NET_TCPOPT_KEEPIDLE:
	case NET_TCPOPT_KEEPINTVL:
		if (val < 1 || val > 32767)
			return -EINVAL;
		if (opt == NET_TCPOPT_KEEPIDLE)
			t->keepidle = (uint32_t)val * 1000;
		else
			t->keepintvl = (uint32_t)val * 1000;
		return 0;
	case NET_TCPOPT_KEEPCNT:
		if (val < 1 || val > 127)
			return -EINVAL;
		t->keepcnt = (uint32_t)val;
		return 0;
	case NET_TCPOPT_REUSEADDR:
		t->reuseaddr = val != 0;
		return 0;
	case NET_TCPOPT_MAXSEG:
		if (val < NET_TCP_MSS_MIN ||
		    val > NET_MTU - WIRE_IP4_HLEN - WIRE_TCP_HLEN)
			return -EINVAL;
		if (t->state != NET_TCP_CLOSED && t->state != NET_TCP_LISTEN)
			return -EISCONN;
		t->our_mss = (uint16_t)val;
		return 0;
	case NET_TCPOPT_TTL:
		if (val < 1 || val > 255)
			return -EINVAL;
		t->ttl = (uint8_t)val;
		return 0;
	}
	return -ENOPROTOOPT;
}

int net_tcp_getopt(struct net_stack *s, int h, enum net_tcp_opt opt, int *val)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	switch (opt) {
	case NET_TCPOPT_NODELAY:
		*val = t->nodelay;
		return 0;
	case NET_TCPOPT_KEEPALIVE:
		*val = t->keepalive;
		return 0;
	case NET_TCPOPT_KEEPIDLE:
		*val = (int)(t->keepidle / 1000);
		return 0;
	case NET_TCPOPT_KEEPINTVL:
		*val = (int)(t->keepintvl / 1000);
		return 0;
	case NET_TCPOPT_KEEPCNT:
		*val = (int)t->keepcnt;
		return 0;
	case NET_TCPOPT_REUSEADDR:
		*val = t->reuseaddr;
		return 0;
	case NET_TCPOPT_MAXSEG:
		*val = t->state >= NET_TCP_ESTABLISHED ? t->mss :
		       t->our_mss		       ? t->our_mss :
				    NET_MTU - WIRE_IP4_HLEN - WIRE_TCP_HLEN;
		return 0;
	case NET_TCPOPT_TTL:
		*val = t->ttl;
		return 0;
	}
	return -ENOPROTOOPT;
}

int net_tcp_state(struct net_stack *s, int h)
{
	struct tcb *t = tcb_get(s, h);

	return t ? t->state : -EBADF;
}

int net_tcp_count(struct net_stack *s, enum net_tcp_state st)
{
	int n = 0;

	for (int i = 0; i < NET_TCP_SOCKS; i++)
		if (s->tcp[i].used && s->tcp[i].state == st)
			n++;
	return n;
}

int net_tcp_cc(struct net_stack *s, int h, uint32_t *cwnd, uint32_t *ssthresh,
	       uint32_t *rto_ms)
{
	struct tcb *t = tcb_get(s, h);

	if (!t)
		return -EBADF;
	*cwnd = t->cwnd;
	*ssthresh = t->ssthresh;
	*rto_ms = t->rto;
	return 0;
}
