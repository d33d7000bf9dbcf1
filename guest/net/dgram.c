/* SPDX-License-Identifier: MIT */
/* dgram.c: datagram sockets: UDP, and ICMP echo ("ping") sockets keyed by the echo identifier. */
#include "net_impl.h"

static struct dgram *dg_get(struct net_stack *s, int h)
{
	if (h < 0 || h >= NET_DGRAM_SOCKS || !s->dg[h].used)
		return NULL;
	return &s->dg[h];
}

int net_dgram_open(struct net_stack *s, int proto)
{
	if (proto != NET_PROTO_UDP && proto != NET_PROTO_ICMP)
		return -EPROTONOSUPPORT;
	for (int i = 0; i < NET_DGRAM_SOCKS; i++) {
		struct dgram *d = &s->dg[i];

		if (d->used)
			continue;
		memset(d, 0, offsetof(struct dgram, q));
		d->used = true;
		d->proto = (uint8_t)proto;
		d->ttl = NET_IP_TTL;
		d->local.addr.family = NET_AF_INET;
		return i;
	}
	return -EMFILE;
}

static bool port_taken(struct net_stack *s, const struct dgram *self,
		       uint32_t addr, uint16_t port)
{
	for (int i = 0; i < NET_DGRAM_SOCKS; i++) {
		const struct dgram *d = &s->dg[i];

		if (d != self && d->used && d->proto == self->proto &&
		    d->local.port == port &&
		    (!d->local.addr.v4 || !addr || d->local.addr.v4 == addr))
			return true;
	}
	return false;
}

static int pick_port(struct net_stack *s, struct dgram *d)
{
	unsigned span = NET_PORT_EPH_HI - NET_PORT_EPH_LO + 1;
	unsigned start = s->ops->random(s->ctx) % span;

	for (unsigned i = 0; i < span; i++) {
		uint16_t p = (uint16_t)(NET_PORT_EPH_LO + (start + i) % span);

		if (!port_taken(s, d, d->local.addr.v4, p)) {
			d->local.port = p;
			return 0;
		}
	}
	return -EADDRINUSE;
}

int net_dgram_bind(struct net_stack *s, int h, const struct net_sockaddr *a)
{
	struct dgram *d = dg_get(s, h);

	if (!d)
		return -EBADF;
	if (a->addr.family != NET_AF_INET)
		return -EAFNOSUPPORT;
	if (d->local.port)
		return -EINVAL;
	if (a->addr.v4 && !net_ip_is_local(s, a->addr.v4))
		return -EADDRNOTAVAIL;
	d->local.addr.v4 = a->addr.v4;
	if (!a->port)
		return pick_port(s, d);
	if (port_taken(s, d, a->addr.v4, a->port))
		return -EADDRINUSE;
	d->local.port = a->port;
	return 0;
}

int net_dgram_connect(struct net_stack *s, int h, const struct net_sockaddr *a)
{
	struct dgram *d = dg_get(s, h);
	int rc;

	if (!d)
		return -EBADF;
	if (a->addr.family != NET_AF_INET)
		return -EAFNOSUPPORT;
	if (!d->local.port && (rc = pick_port(s, d)))
		return rc;
	d->peer = *a;
	d->connected = true;
	return 0;
}

long net_dgram_send(struct net_stack *s, int h, const void *buf, size_t len,
		    const struct net_sockaddr *to)
{
	struct dgram *d = dg_get(s, h);
	uint32_t src;
	uint8_t *l4 = net_tx_l4(s);
	int rc;

	if (!d)
		return -EBADF;
	if (!to && !d->connected)
		return -EDESTADDRREQ;
	if (!to)
		to = &d->peer;
	if (to->addr.family != NET_AF_INET)
		return -EAFNOSUPPORT;
	if (len > NET_DGRAM_MAX)
		return -EMSGSIZE;
	if (d->proto == NET_PROTO_ICMP && len < WIRE_ICMP_HLEN)
		return -EINVAL;
	if (!d->local.port && (rc = pick_port(s, d)))
		return rc;
	src = d->local.addr.v4 ? d->local.addr.v4 :
				 net_ip_source(s, to->addr.v4);
	if (!src)
		return -ENETUNREACH;
	if (d->proto == NET_PROTO_UDP) {
		if (!to->port)
			return -EINVAL;
		memcpy(l4 + WIRE_UDP_HLEN, buf, len);
		wire_udp_emit(l4, src, to->addr.v4, d->local.port, to->port,
			      len);
		len += WIRE_UDP_HLEN;
	} else {
		/* As Linux's ping sockets: the type must be echo, the id is ours. */
		const uint8_t *b = buf;

		if (b[0] != WIRE_ICMP_ECHO || b[1] != 0)
			return -EINVAL;
		memcpy(l4, buf, len);
		wire_icmp_emit(l4, WIRE_ICMP_ECHO, 0, d->local.port,
			       wire_get16(b + 6), len - WIRE_ICMP_HLEN);
	}
	rc = net_ip_output(s, src, to->addr.v4, d->proto, d->ttl, len);
	if (rc)
		return rc;
	return (long)(d->proto == NET_PROTO_UDP ? len - WIRE_UDP_HLEN : len);
}

static void dg_queue(struct net_stack *s, struct dgram *d, uint32_t src,
		     uint16_t sport, const uint8_t *p, size_t n)
{
	struct dgram_msg *m;

	if (d->count == NET_DGRAM_QLEN || n > NET_DGRAM_MAX) {
		s->st.dgram_drop++;
		return;
	}
	m = &d->q[(d->head + d->count++) % NET_DGRAM_QLEN];
	m->len = (uint16_t)n;
	m->from.addr.family = NET_AF_INET;
	m->from.addr.v4 = src;
	m->from.port = sport;
	memcpy(m->data, p, n);
	s->wake = true;
}

static struct dgram *dg_match(struct net_stack *s, uint8_t proto, uint32_t dst,
			      uint16_t port, uint32_t src, uint16_t sport)
{
	struct dgram *best = NULL;

	for (int i = 0; i < NET_DGRAM_SOCKS; i++) {
		struct dgram *d = &s->dg[i];

		if (!d->used || d->proto != proto || d->local.port != port ||
		    (d->local.addr.v4 && d->local.addr.v4 != dst))
			continue;
		if (d->connected &&
		    (d->peer.addr.v4 != src ||
		     (proto == NET_PROTO_UDP && d->peer.port != sport)))
			continue;
		if (!best || d->connected || d->local.addr.v4)
			best = d;
	}
	return best;
}

void net_udp_input(struct net_stack *s, const struct wire_ip4 *ip)
{
	struct wire_udp u;
	struct dgram *d;

	if (wire_udp_parse(ip->payload, ip->len, ip->src, ip->dst, &u)) {
		s->st.rx_bad++;
		return;
	}
	d = dg_match(s, NET_PROTO_UDP, ip->dst, u.dport, ip->src, u.sport);
	if (!d) {
		s->st.udp_no_port++;
		return;
	}
	dg_queue(s, d, ip->src, u.sport, u.payload, u.len);
}

void net_icmp_reply_input(struct net_stack *s, const struct wire_ip4 *ip,
			  const struct wire_icmp *c)
{
	struct dgram *d;

	if (!net_ip_is_local(s, ip->dst))
		return;
	d = dg_match(s, NET_PROTO_ICMP, ip->dst, c->id, ip->src, 0);
	if (d) /* the whole ICMP message, as Linux's ping sockets give it */
		dg_queue(s, d, ip->src, 0, c->payload - WIRE_ICMP_HLEN,
			 c->len + WIRE_ICMP_HLEN);
}

long net_dgram_recv(struct net_stack *s, int h, void *buf, size_t len,
		    int flags, struct net_sockaddr *from)
{
	struct dgram *d = dg_get(s, h);
	struct dgram_msg *m;

	if (!d)
		return -EBADF;
	if (!d->count)
		return -EAGAIN;
	m = &d->q[d->head];
	memcpy(buf, m->data, len < m->len ? len : m->len);
	if (from)
		*from = m->from;
	if (!(flags & NET_MSG_PEEK)) {
		d->head = (d->head + 1) % NET_DGRAM_QLEN;
		d->count--;
	}
	return m->len;
}

int net_dgram_poll(struct net_stack *s, int h)
{
	struct dgram *d = dg_get(s, h);

	if (!d)
		return -EBADF;
	return NET_POLLOUT | (d->count ? NET_POLLIN : 0);
}

int net_dgram_close(struct net_stack *s, int h)
{
	struct dgram *d = dg_get(s, h);

	if (!d)
		return -EBADF;
	d->used = false;
	return 0;
}

int net_dgram_name(struct net_stack *s, int h, struct net_sockaddr *local,
		   struct net_sockaddr *peer)
{
	struct dgram *d = dg_get(s, h);

	if (!d)
		return -EBADF;
	if (local)
		*local = d->local;
	if (peer) {
		if (!d->connected)
			return -ENOTCONN;
		*peer = d->peer;
	}
	return 0;
}

int net_dgram_set_ttl(struct net_stack *s, int h, int ttl)
{
	struct dgram *d = dg_get(s, h);

	if (!d)
		return -EBADF;
	if (ttl < 1 || ttl > 255)
		return -EINVAL;
	d->ttl = (uint8_t)ttl;
	return 0;
}
