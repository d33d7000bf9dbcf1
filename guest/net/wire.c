/* SPDX-License-Identifier: MIT */
/* wire.c: parse and emit Ethernet, ARP, IPv4, ICMP, UDP and TCP headers, every length checked. */
#include "net_impl.h"

uint32_t wire_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t wire_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t wire_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto,
			   uint16_t len)
{
	uint64_t s = (src >> 16) + (src & 0xffff) + (dst >> 16) +
		     (dst & 0xffff) + proto + len;

	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

int wire_eth_parse(const uint8_t *p, size_t n, struct wire_eth *e)
{
	if (n < WIRE_ETH_HLEN)
		return -EINVAL;
	memcpy(e->dst, p, 6);
	memcpy(e->src, p + 6, 6);
	e->type = wire_get16(p + 12);
	e->payload = p + WIRE_ETH_HLEN;
	e->len = n - WIRE_ETH_HLEN;
	return 0;
}

void wire_eth_emit(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
		   uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	wire_put16(p + 12, type);
}

int wire_arp_parse(const uint8_t *p, size_t n, struct wire_arp *a)
{
	/* Ethernet (1), IPv4, 6-byte and 4-byte addresses only. */
	if (n < WIRE_ARP_LEN || wire_get16(p) != 1 ||
	    wire_get16(p + 2) != WIRE_ETH_IP4 || p[4] != 6 || p[5] != 4)
		return -EINVAL;
	a->op = wire_get16(p + 6);
	memcpy(a->sha, p + 8, 6);
	a->spa = wire_get32(p + 14);
	memcpy(a->tha, p + 18, 6);
	a->tpa = wire_get32(p + 24);
	return 0;
}

void wire_arp_emit(uint8_t *p, const struct wire_arp *a)
{
	wire_put16(p, 1);
	wire_put16(p + 2, WIRE_ETH_IP4);
	p[4] = 6;
	p[5] = 4;
	wire_put16(p + 6, a->op);
	memcpy(p + 8, a->sha, 6);
	wire_put32(p + 14, a->spa);
	memcpy(p + 18, a->tha, 6);
	wire_put32(p + 24, a->tpa);
}

int wire_ip4_parse(const uint8_t *p, size_t n, struct wire_ip4 *ip)
{
	uint16_t frag;

	if (n < WIRE_IP4_HLEN || p[0] >> 4 != 4)
		return -EINVAL;
	ip->hlen = (uint8_t)((p[0] & 0xf) * 4);
	ip->total = wire_get16(p + 2);
	if (ip->hlen < WIRE_IP4_HLEN || ip->total < ip->hlen || ip->total > n)
		return -EINVAL;
	if (wire_csum_fold(wire_csum_add(0, p, ip->hlen)) != 0)
		return -EINVAL;
	ip->tos = p[1];
	ip->id = wire_get16(p + 4);
	frag = wire_get16(p + 6);
	ip->fragment = (frag & 0x2000) || (frag & 0x1fff);
	ip->ttl = p[8];
	ip->proto = p[9];
	ip->src = wire_get32(p + 12);
	ip->dst = wire_get32(p + 16);
	ip->payload = p + ip->hlen;
	ip->len = (size_t)ip->total - ip->hlen;
	return 0;
}

void wire_ip4_emit(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto,
		   uint8_t ttl, uint16_t id, size_t payload_len)
{
	p[0] = 0x45;
	p[1] = 0;
	wire_put16(p + 2, (uint16_t)(WIRE_IP4_HLEN + payload_len));
	wire_put16(p + 4, id);
	wire_put16(p + 6, 0x4000); /* DF: we do path MTU by the MSS */
	p[8] = ttl;
	p[9] = proto;
	wire_put16(p + 10, 0);
	wire_put32(p + 12, src);
	wire_put32(p + 16, dst);
	wire_put16(p + 10, wire_csum_fold(wire_csum_add(0, p, WIRE_IP4_HLEN)));
}

int wire_icmp_parse(const uint8_t *p, size_t n, struct wire_icmp *c)
{
	if (n < WIRE_ICMP_HLEN || wire_csum_fold(wire_csum_add(0, p, n)) != 0)
		return -EINVAL;
	c->type = p[0];
	c->code = p[1];
	c->id = wire_get16(p + 4);
	c->seq = wire_get16(p + 6);
	c->payload = p + WIRE_ICMP_HLEN;
	c->len = n - WIRE_ICMP_HLEN;
	return 0;
}

void wire_icmp_emit(uint8_t *p, uint8_t type, uint8_t code, uint16_t id,
		    uint16_t seq, size_t payload_len)
{
	p[0] = type;
	p[1] = code;
	wire_put16(p + 2, 0);
	wire_put16(p + 4, id);
	wire_put16(p + 6, seq);
	wire_put16(p + 2, wire_csum_fold(wire_csum_add(
				  0, p, WIRE_ICMP_HLEN + payload_len)));
}

int wire_udp_parse(const uint8_t *p, size_t n, uint32_t src, uint32_t dst,
		   struct wire_udp *u)
{
	uint16_t len;

	if (n < WIRE_UDP_HLEN)
		return -EINVAL;
	len = wire_get16(p + 4);
	if (len < WIRE_UDP_HLEN || len > n)
		return -EINVAL;
	if (wire_get16(p + 6) != 0 &&
	    wire_csum_fold(wire_csum_add(
		    wire_csum_pseudo4(src, dst, NET_PROTO_UDP, len), p, len)))
		return -EINVAL;
	u->sport = wire_get16(p);
	u->dport = wire_get16(p + 2);
	u->payload = p + WIRE_UDP_HLEN;
	u->len = (size_t)len - WIRE_UDP_HLEN;
	return 0;
}

void wire_udp_emit(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport,
		   uint16_t dport, size_t payload_len)
{
	uint16_t len = (uint16_t)(WIRE_UDP_HLEN + payload_len), c;

	wire_put16(p, sport);
	wire_put16(p + 2, dport);
	wire_put16(p + 4, len);
	wire_put16(p + 6, 0);
	c = wire_csum_fold(wire_csum_add(
		wire_csum_pseudo4(src, dst, NET_PROTO_UDP, len), p, len));
	wire_put16(p + 6, c ? c : 0xffff);
}

/* The options we read (RFC 9293 3.2): anything else is skipped by its length. */
static int tcp_options(const uint8_t *o, size_t n, struct wire_tcp *t)
{
	size_t i = 0;

	while (i < n) {
		uint8_t kind = o[i], len;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return -EINVAL;
		len = o[i + 1];
		if (len < 2 || i + len > n)
			return -EINVAL;
		if (kind == 2 && len == 4)
			t->mss = wire_get16(o + i + 2);
		else if (kind == 3 && len == 3)
			t->wscale = o[i + 2] > 14 ? 14 : o[i + 2];
		i += len;
	}
	return 0;
}

int wire_tcp_parse(const uint8_t *p, size_t n, uint32_t src, uint32_t dst,
		   struct wire_tcp *t)
{
	if (n < WIRE_TCP_HLEN || n > 0xffff)
		return -EINVAL;
	t->hlen = (uint8_t)((p[12] >> 4) * 4);
	if (t->hlen < WIRE_TCP_HLEN || t->hlen > n)
		return -EINVAL;
	if (wire_csum_fold(wire_csum_add(
		    wire_csum_pseudo4(src, dst, NET_PROTO_TCP, (uint16_t)n), p,
		    n)))
		return -EINVAL;
	t->sport = wire_get16(p);
	t->dport = wire_get16(p + 2);
	t->seq = wire_get32(p + 4);
	t->ack = wire_get32(p + 8);
	t->flags = p[13] & 0x3f;
	t->win = wire_get16(p + 14);
	t->urp = wire_get16(p + 18);
	t->mss = -1;
	t->wscale = -1;
	if (tcp_options(p + WIRE_TCP_HLEN, t->hlen - WIRE_TCP_HLEN, t))
		return -EINVAL;
	t->payload = p + t->hlen;
	t->len = n - t->hlen;
	return 0;
}

size_t wire_tcp_hlen(int mss, int wscale)
{
	return WIRE_TCP_HLEN + (mss > 0 ? 4 : 0) + (wscale >= 0 ? 4 : 0);
}

size_t wire_tcp_emit(uint8_t *p, uint32_t src, uint32_t dst,
		     const struct wire_tcp *t, size_t payload_len)
{
	size_t hlen = wire_tcp_hlen(t->mss, t->wscale), len;
	uint8_t *o = p + WIRE_TCP_HLEN;

	wire_put16(p, t->sport);
	wire_put16(p + 2, t->dport);
	wire_put32(p + 4, t->seq);
	wire_put32(p + 8, t->ack);
	p[12] = (uint8_t)(hlen / 4 << 4);
	p[13] = t->flags;
	wire_put16(p + 14, t->win);
	wire_put16(p + 16, 0);
	wire_put16(p + 18, 0);
	if (t->mss > 0) {
		o[0] = 2;
		o[1] = 4;
		wire_put16(o + 2, (uint16_t)t->mss);
		o += 4;
	}
	if (t->wscale >= 0) {
		o[0] = 1;
		o[1] = 3;
		o[2] = 3;
		o[3] = (uint8_t)t->wscale;
	}
	len = hlen + payload_len;
	wire_put16(p + 16, wire_csum_fold(wire_csum_add(
				   wire_csum_pseudo4(src, dst, NET_PROTO_TCP,
						     (uint16_t)len),
				   p, len)));
	return hlen;
}
