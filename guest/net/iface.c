/* SPDX-License-Identifier: MIT */
/* iface.c: the stack, its interfaces, Ethernet, ARP, IPv4 routing, ICMP echo and loopback. */
#include "net_impl.h"

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

size_t net_stack_size(void)
{
	return sizeof(struct net_stack);
}

struct net_stack *net_stack_init(void *mem, const struct net_ops *ops,
				 void *ctx)
{
	struct net_stack *s = mem;

	if (!mem || !ops || !ops->send || !ops->now_ms || !ops->random)
		return NULL;
	/* Zero the tables, not the buffers: nothing reads a buffer before writing it. */
	memset(s, 0, offsetof(struct net_stack, pend));
	for (int i = 0; i < NET_ARP_QUEUE; i++)
		s->pend[i].used = false;
	s->loop_head = s->loop_count = 0;
	for (int i = 0; i < NET_DGRAM_SOCKS; i++)
		memset(&s->dg[i], 0, offsetof(struct dgram, q));
	for (int i = 0; i < NET_TCP_SOCKS; i++)
		memset(&s->tcp[i], 0, offsetof(struct tcb, sbuf));
	s->ops = ops;
	s->ctx = ctx;
	s->ip_id = (uint16_t)ops->random(ctx);
	return s;
}

const struct net_stats *net_stats(const struct net_stack *s)
{
	return &s->st;
}

int net_if_add(struct net_stack *s, const uint8_t mac[6], unsigned mtu)
{
	int i;

	if (mtu < 576 || mtu > NET_MTU || (mac[0] & 1))
		return -EINVAL;
	for (i = 0; i < NET_IF_MAX; i++) {
		struct net_if *nif = &s->ifs[i];

		if (nif->used)
			continue;
		memset(nif, 0, sizeof(*nif));
		nif->used = true;
		memcpy(nif->mac, mac, 6);
		nif->mtu = mtu;
		return i;
	}
	return -ENOSPC;
}

static struct net_if *if_get(struct net_stack *s, int ifx)
{
	if (ifx < 0 || ifx >= NET_IF_MAX || !s->ifs[ifx].used)
		return NULL;
	return &s->ifs[ifx];
}

int net_if_set_ip4(struct net_stack *s, int ifx, uint32_t addr, unsigned prefix,
		   uint32_t gateway)
{
	struct net_if *nif = if_get(s, ifx);
	uint32_t mask;

	if (!nif)
		return -ENODEV;
	if (prefix > 32)
		return -EINVAL;
	mask = prefix ? ~0u << (32 - prefix) : 0;
	if ((addr >> 24) == 127 || (addr >> 28) >= 14 ||
	    (gateway && (gateway & mask) != (addr & mask)))
		return -EINVAL;
	nif->addr = addr;
	nif->mask = mask;
	nif->gw = gateway;
	memset(nif->arp, 0, sizeof(nif->arp));
	return 0;
}

int net_if_set_up(struct net_stack *s, int ifx, int up)
{
	struct net_if *nif = if_get(s, ifx);

	if (!nif)
		return -ENODEV;
	nif->up = up != 0;
	return 0;
}

bool net_ip_is_local(struct net_stack *s, uint32_t a)
{
	if ((a >> 24) == 127)
		return true;
	for (int i = 0; i < NET_IF_MAX; i++)
		if (s->ifs[i].used && s->ifs[i].addr && s->ifs[i].addr == a)
			return true;
	return false;
}

/* Route: the interface and next hop towards dst; -ENETUNREACH without one. */
static int route(struct net_stack *s, uint32_t dst, int *ifx, uint32_t *hop)
{
	int i;

	for (i = 0; i < NET_IF_MAX; i++) {
		const struct net_if *nif = &s->ifs[i];

		if (nif->used && nif->up && nif->addr &&
		    ((dst & nif->mask) == (nif->addr & nif->mask) ||
		     dst == 0xffffffffu)) {
			*ifx = i;
			*hop = dst;
			return 0;
		}
	}
	for (i = 0; i < NET_IF_MAX; i++) {
		const struct net_if *nif = &s->ifs[i];

		if (nif->used && nif->up && nif->addr && nif->gw) {
			*ifx = i;
			*hop = nif->gw;
			return 0;
		}
	}
	return -ENETUNREACH;
}

uint32_t net_ip_source(struct net_stack *s, uint32_t dst)
{
	uint32_t hop;
	int ifx;

	if ((dst >> 24) == 127)
		return dst == 0x7fffffffu ? 0x7f000001u : dst;
	if (net_ip_is_local(s, dst))
		return dst;
	if (route(s, dst, &ifx, &hop))
		return 0;
	return s->ifs[ifx].addr;
}

unsigned net_ip_mtu(struct net_stack *s, uint32_t dst)
{
	uint32_t hop;
	int ifx;

	if (net_ip_is_local(s, dst) || route(s, dst, &ifx, &hop))
		return NET_MTU;
	return s->ifs[ifx].mtu;
}

static bool is_bcast(const struct net_if *nif, uint32_t a)
{
	return a == 0xffffffffu ||
	       (nif->mask != 0xffffffffu && a == (nif->addr | ~nif->mask));
}

static void frame_send(struct net_stack *s, int ifx, const uint8_t *f,
		       size_t len)
{
	s->st.tx_frames++;
	s->ops->send(s->ctx, ifx, f, len);
}

static void arp_send(struct net_stack *s, int ifx, uint16_t op,
		     const uint8_t tha[6], uint32_t tpa)
{
	struct net_if *nif = &s->ifs[ifx];
	struct wire_arp a = { .op = op, .spa = nif->addr, .tpa = tpa };

	memcpy(a.sha, nif->mac, 6);
	memcpy(a.tha,
	       op == WIRE_ARP_REQUEST ? (const uint8_t *)"\0\0\0\0\0\0" : tha,
	       6);
	wire_eth_emit(s->tx, op == WIRE_ARP_REQUEST ? bcast_mac : tha, nif->mac,
		      WIRE_ETH_ARP);
	wire_arp_emit(s->tx + WIRE_ETH_HLEN, &a);
	/* Ethernet's 60-byte minimum: pad with zeros. */
	memset(s->tx + WIRE_ETH_HLEN + WIRE_ARP_LEN, 0,
	       60 - WIRE_ETH_HLEN - WIRE_ARP_LEN);
	frame_send(s, ifx, s->tx, 60);
}

static struct arp_entry *arp_find(struct net_if *nif, uint32_t ip)
{
	for (int i = 0; i < NET_ARP_ENTRIES; i++)
		if (nif->arp[i].state != ARP_FREE && nif->arp[i].ip == ip)
			return &nif->arp[i];
	return NULL;
}

/* A free entry, else the one that expires first (never fails). */
static struct arp_entry *arp_slot(struct net_if *nif)
{
	struct arp_entry *old = &nif->arp[0];

	for (int i = 0; i < NET_ARP_ENTRIES; i++) {
		if (nif->arp[i].state == ARP_FREE)
			return &nif->arp[i];
		if (nif->arp[i].deadline < old->deadline)
			old = &nif->arp[i];
	}
	return old;
}

static void pending_flush(struct net_stack *s, int ifx, uint32_t ip,
			  const uint8_t *mac)
{
	for (int i = 0; i < NET_ARP_QUEUE; i++) {
		struct arp_pending *p = &s->pend[i];

		if (!p->used || p->ifx != ifx || p->nexthop != ip)
			continue;
		p->used = false;
		if (!mac) {
			s->st.arp_drop++;
			continue;
		}
		wire_eth_emit(p->frame, mac, s->ifs[ifx].mac, WIRE_ETH_IP4);
		frame_send(s, ifx, p->frame, p->len);
	}
}

static void arp_learn(struct net_stack *s, int ifx, uint32_t ip,
		      const uint8_t mac[6], bool create)
{
	struct net_if *nif = &s->ifs[ifx];
	struct arp_entry *e = arp_find(nif, ip);

	if (!e && !create)
		return;
	if (!e)
		e = arp_slot(nif);
	e->ip = ip;
	e->state = ARP_REACHABLE;
	e->tries = 0;
	memcpy(e->mac, mac, 6);
	e->deadline = net_now(s) + NET_ARP_TTL_MS;
	pending_flush(s, ifx, ip, mac);
}

static void arp_input(struct net_stack *s, int ifx, const struct wire_eth *e)
{
	struct net_if *nif = &s->ifs[ifx];
	struct wire_arp a;

	if (wire_arp_parse(e->payload, e->len, &a) || !nif->addr) {
		s->st.rx_bad++;
		return;
	}
	/* No entries for broadcast, multicast or zero senders, nor for ourselves. */
	if ((a.sha[0] & 1) || a.spa == 0 || is_bcast(nif, a.spa) ||
	    (a.spa >> 28) >= 14 || a.spa == nif->addr)
		return;
	/* RFC 826's merge: update a known sender; add it only if it is talking to us. */
	arp_learn(s, ifx, a.spa, a.sha, a.tpa == nif->addr);
	if (a.op == WIRE_ARP_REQUEST && a.tpa == nif->addr)
		arp_send(s, ifx, WIRE_ARP_REPLY, a.sha, a.spa);
}

/* Timeouts: retries of incomplete entries, expiry of reachable ones, stale frames. */
void net_arp_poll(struct net_stack *s, uint64_t now, uint64_t *next)
{
	for (int i = 0; i < NET_IF_MAX; i++) {
		struct net_if *nif = &s->ifs[i];

		if (!nif->used)
			continue;
		for (int j = 0; j < NET_ARP_ENTRIES; j++) {
			struct arp_entry *e = &nif->arp[j];

			if (e->state == ARP_FREE)
				continue;
			if (e->deadline <= now && e->state == ARP_REACHABLE) {
				e->state = ARP_STALE;
				e->deadline = now + NET_ARP_TTL_MS;
			} else if (e->deadline <= now) {
				if (e->state == ARP_STALE ||
				    e->tries >= NET_ARP_TRIES) {
					pending_flush(s, i, e->ip, NULL);
					e->state = ARP_FREE;
					continue;
				}
				e->tries++;
				e->deadline = now + NET_ARP_RETRY_MS;
				arp_send(s, i, WIRE_ARP_REQUEST, NULL, e->ip);
			}
			if (e->deadline < *next)
				*next = e->deadline;
		}
	}
}

/* Queue the frame in s->tx for hop and start (or keep) resolving it. */
static int arp_hold(struct net_stack *s, int ifx, uint32_t hop, size_t len)
{
	struct net_if *nif = &s->ifs[ifx];
	struct arp_pending *p = NULL, *old = NULL;
	struct arp_entry *e = arp_find(nif, hop);

	for (int i = 0; i < NET_ARP_QUEUE; i++) {
		if (!s->pend[i].used) {
			p = &s->pend[i];
			break;
		}
		if (!old || s->pend[i].since < old->since)
			old = &s->pend[i];
	}
	if (!p) {
		s->st.arp_drop++;
		p = old; /* the oldest frame gives way */
	}
	p->used = true;
	p->ifx = ifx;
	p->nexthop = hop;
	p->since = net_now(s);
	p->len = (uint16_t)len;
	memcpy(p->frame, s->tx, len);
	if (!e) {
		e = arp_slot(nif);
		if (e->state != ARP_FREE)
			pending_flush(s, ifx, e->ip, NULL);
		memset(e, 0, sizeof(*e));
		e->state = ARP_INCOMPLETE;
		e->ip = hop;
		e->tries = 1;
		e->deadline = net_now(s) + NET_ARP_RETRY_MS;
		arp_send(s, ifx, WIRE_ARP_REQUEST, NULL, hop);
	}
	return 0;
}

static int loop_output(struct net_stack *s, size_t len)
{
	struct loop_pkt *p;

	if (s->loop_count == NET_LOOP_QUEUE) {
		s->st.loop_drop++;
		return -ENOBUFS;
	}
	p = &s->loop[(s->loop_head + s->loop_count++) % NET_LOOP_QUEUE];
	p->len = (uint16_t)len;
	memcpy(p->pkt, s->tx + WIRE_ETH_HLEN, len);
	return 0;
}

int net_ip_output(struct net_stack *s, uint32_t src, uint32_t dst,
		  uint8_t proto, uint8_t ttl, size_t len)
{
	struct arp_entry *e;
	struct net_if *nif;
	uint32_t hop;
	int ifx, rc;

	if (len > NET_MTU - WIRE_IP4_HLEN)
		return -EMSGSIZE;
	wire_ip4_emit(s->tx + WIRE_ETH_HLEN, src, dst, proto, ttl, s->ip_id++,
		      len);
	len += WIRE_IP4_HLEN;
	if (net_ip_is_local(s, dst))
		return loop_output(s, len);
	rc = route(s, dst, &ifx, &hop);
	if (rc)
		return rc;
	nif = &s->ifs[ifx];
	if (len > nif->mtu)
		return -EMSGSIZE;
	len += WIRE_ETH_HLEN;
	if (is_bcast(nif, dst)) {
		wire_eth_emit(s->tx, bcast_mac, nif->mac, WIRE_ETH_IP4);
		frame_send(s, ifx, s->tx, len);
		return 0;
	}
	e = arp_find(nif, hop);
	if (!e || e->state == ARP_INCOMPLETE)
		return arp_hold(s, ifx, hop, len);
	wire_eth_emit(s->tx, e->mac, nif->mac, WIRE_ETH_IP4);
	frame_send(s, ifx, s->tx, len);
	if (e->state == ARP_STALE) { /* in use again: confirm it */
		e->state = ARP_PROBE;
		e->tries = 1;
		e->deadline = net_now(s) + NET_ARP_RETRY_MS;
		arp_send(s, ifx, WIRE_ARP_REQUEST, NULL, hop);
	}
	return 0;
}

static void icmp_input(struct net_stack *s, const struct wire_ip4 *ip)
{
	struct wire_icmp c;

	if (wire_icmp_parse(ip->payload, ip->len, &c)) {
		s->st.rx_bad++;
		return;
	}
	if (c.type == WIRE_ICMP_ECHO_REPLY) {
		net_icmp_reply_input(s, ip, &c);
		return;
	}
	if (c.type != WIRE_ICMP_ECHO || c.code != 0 ||
	    !net_ip_is_local(s, ip->dst))
		return; /* no replies to broadcast pings (smurf) */
	s->st.icmp_echo_in++;
	memcpy(net_tx_l4(s) + WIRE_ICMP_HLEN, c.payload, c.len);
	wire_icmp_emit(net_tx_l4(s), WIRE_ICMP_ECHO_REPLY, 0, c.id, c.seq,
		       c.len);
	net_ip_output(s, ip->dst, ip->src, NET_PROTO_ICMP, NET_IP_TTL,
		      WIRE_ICMP_HLEN + c.len);
}

/* Sources nobody may claim from outside: ours, loopback, multicast, broadcast. */
static bool martian_src(struct net_stack *s, int ifx, uint32_t src)
{
	if (ifx == NET_IF_LOOP)
		return false;
	return net_ip_is_local(s, src) || (src >> 28) >= 14 ||
	       is_bcast(&s->ifs[ifx], src);
}

static void ip_input(struct net_stack *s, int ifx, const uint8_t *p, size_t n)
{
	struct wire_ip4 ip;
	bool bcast;

	if (wire_ip4_parse(p, n, &ip)) {
		s->st.rx_bad++;
		return;
	}
	bcast = ifx != NET_IF_LOOP && is_bcast(&s->ifs[ifx], ip.dst);
	if ((!net_ip_is_local(s, ip.dst) && !bcast) ||
	    (ifx != NET_IF_LOOP && (ip.dst >> 24) == 127) ||
	    martian_src(s, ifx, ip.src)) {
		s->st.rx_not_ours++;
		return;
	}
	if (ip.fragment) {
		s->st.rx_frag_drop++;
		return;
	}
	switch (ip.proto) {
	case NET_PROTO_ICMP:
		icmp_input(s, &ip);
		break;
	case NET_PROTO_UDP:
		net_udp_input(s, &ip);
		break;
	case NET_PROTO_TCP:
		if (!bcast)
			net_tcp_input(s, &ip);
		break;
	default:
		break;
	}
}

void net_input(struct net_stack *s, int ifx, const void *frame, size_t len)
{
	struct net_if *nif = if_get(s, ifx);
	struct wire_eth e;

	s->st.rx_frames++;
	if (!nif || !nif->up || len > NET_FRAME_MAX + 4 ||
	    wire_eth_parse(frame, len, &e)) {
		s->st.rx_bad++;
		return;
	}
	if (memcmp(e.dst, nif->mac, 6) && memcmp(e.dst, bcast_mac, 6)) {
		s->st.rx_not_ours++;
		return;
	}
	if (e.src[0] & 1) {
		s->st.rx_bad++;
		return;
	}
	if (e.type == WIRE_ETH_ARP)
		arp_input(s, ifx, &e);
	else if (e.type == WIRE_ETH_IP4 && nif->addr)
		ip_input(s, ifx, e.payload, e.len);
	if (s->wake && s->ops->wake) {
		s->wake = false;
		s->ops->wake(s->ctx);
	}
}

void net_poll(struct net_stack *s)
{
	uint64_t now = net_now(s), next = UINT64_MAX;
	/* Bounded: packets the loopback makes now wait for the next poll. */
	unsigned n = s->loop_count;

	while (n-- && s->loop_count) {
		struct loop_pkt *p = &s->loop[s->loop_head];
		size_t len = p->len;

		memcpy(s->rxloop, p->pkt, len);
		s->loop_head = (s->loop_head + 1) % NET_LOOP_QUEUE;
		s->loop_count--;
		ip_input(s, NET_IF_LOOP, s->rxloop, len);
	}
	net_arp_poll(s, now, &next);
	net_tcp_poll_timers(s, now, &next);
	if (s->wake && s->ops->wake) {
		s->wake = false;
		s->ops->wake(s->ctx);
	}
}

uint64_t net_next_deadline(struct net_stack *s)
{
	uint64_t next = UINT64_MAX;

	if (s->loop_count)
		return 0;
	for (int i = 0; i < NET_IF_MAX; i++)
		for (int j = 0; s->ifs[i].used && j < NET_ARP_ENTRIES; j++)
			if (s->ifs[i].arp[j].state != ARP_FREE &&
			    s->ifs[i].arp[j].deadline < next)
				next = s->ifs[i].arp[j].deadline;
	for (int i = 0; i < NET_TCP_SOCKS; i++) {
		const struct tcb *t = &s->tcp[i];
		const uint64_t ts[4] = { t->t_rtx, t->t_delack, t->t_keep,
					 t->t_wait };

		for (int k = 0; t->used && k < 4; k++)
			if (ts[k] && ts[k] < next)
				next = ts[k];
	}
	return next;
}
