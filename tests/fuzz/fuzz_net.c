/* SPDX-License-Identifier: MIT */
/* fuzz_net: hostile frames, time and socket calls into the guest TCP/IP stack; every frame out must be well formed. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "net/net.h"
#include "net/wire.h"

/*
 * The stack is 10.0.0.2/24 (gateway 10.0.0.1) with a TCP listener on port
 * 80, a UDP socket on 53, a ping socket and a connection being made to
 * 10.0.0.1:443. The input is a script, one op per byte (arguments follow):
 * raw frames; frames built from fields with valid checksums (so that the
 * fuzzer reaches TCP's state machine), whose sequence numbers may be taken
 * relative to what the stack last sent; time passing; socket calls.
 * Oracles: every frame out parses (Ethernet, IPv4 checksum, TCP/UDP/ICMP
 * checksums, lengths within the MTU); no call returns more than asked;
 * counts stay within the tables.
 */
#define US 0x0a000002u
#define PEER 0x0a000001u

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 2 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 1 };

struct fz {
	const uint8_t *p;
	size_t n;
	uint64_t now;
	uint32_t rng;
	/* What the stack last sent over TCP: the peer would ack/sequence against it. */
	uint16_t last_sport, last_dport;
	uint32_t last_next, last_ack;
};

static struct fz fz;
static void *mem;

static uint8_t take8(void)
{
	if (!fz.n)
		return 0;
	fz.n--;
	return *fz.p++;
}

static uint16_t take16(void)
{
	return (uint16_t)(take8() << 8 | take8());
}

static uint32_t take32(void)
{
	return (uint32_t)take16() << 16 | take16();
}

static void check_frame(const uint8_t *f, size_t len)
{
	struct wire_eth e;
	struct wire_ip4 ip;
	struct wire_tcp t;
	struct wire_udp u;
	struct wire_icmp c;
	struct wire_arp a;

	if (len < 14 || len > NET_FRAME_MAX || wire_eth_parse(f, len, &e))
		abort();
	if (memcmp(e.src, our_mac, 6))
		abort();
	if (e.type == WIRE_ETH_ARP) {
		if (wire_arp_parse(e.payload, e.len, &a) || a.spa != US)
			abort();
		return;
	}
	if (e.type != WIRE_ETH_IP4 || wire_ip4_parse(e.payload, e.len, &ip) ||
	    ip.total != e.len || ip.fragment || ip.src != US)
		abort();
	switch (ip.proto) {
	case NET_PROTO_TCP:
		if (wire_tcp_parse(ip.payload, ip.len, ip.src, ip.dst, &t))
			abort();
		fz.last_sport = t.sport;
		fz.last_dport = t.dport;
		fz.last_next = t.seq + (uint32_t)t.len +
			       !!(t.flags & WIRE_TCP_SYN) +
			       !!(t.flags & WIRE_TCP_FIN);
		fz.last_ack = t.ack;
		break;
	case NET_PROTO_UDP:
		if (wire_udp_parse(ip.payload, ip.len, ip.src, ip.dst, &u))
			abort();
		break;
	case NET_PROTO_ICMP:
		if (wire_icmp_parse(ip.payload, ip.len, &c))
			abort();
		break;
	default:
		abort();
	}
}

static void fz_send(void *ctx, int ifx, const void *frame, size_t len)
{
	if (ifx != 0)
		abort();
	check_frame(frame, len);
}

static uint64_t fz_now(void *ctx)
{
	return fz.now;
}

static uint32_t fz_random(void *ctx)
{
	fz.rng = fz.rng * 1103515245u + 12345u;
	return fz.rng;
}

static const struct net_ops ops = { .send = fz_send,
				    .now_ms = fz_now,
				    .random = fz_random };

/* An IPv4 frame from the peer around the l4 bytes at f + 34. */
static size_t ip_frame(uint8_t *f, uint8_t proto, size_t l4len, uint32_t src)
{
	wire_eth_emit(f, our_mac, peer_mac, WIRE_ETH_IP4);
	wire_ip4_emit(f + 14, src, US, proto, 64, 1, l4len);
	f[14 + 6] = 0; /* clear DF: either way is fine */
	f[14 + 10] = f[14 + 11] = 0;
	wire_put16(f + 14 + 10, wire_csum_fold(wire_csum_add(0, f + 14, 20)));
	return 14 + 20 + l4len;
}

static void op_tcp(struct net_stack *s, uint8_t *f)
{
	uint8_t mode = take8(), opts[WIRE_TCP_OPT_MAX] = { 0 };
	struct wire_tcp h = { 0 };
	size_t olen = take8() % (WIRE_TCP_OPT_MAX + 1) & ~3u, plen, hlen;
	uint8_t *l4 = f + 34;

	h.sport = (mode & 1) ? fz.last_dport : take16();
	h.dport = (mode & 1) ? fz.last_sport : (mode & 2 ? 80 : take16());
	h.seq = (mode & 4) ? fz.last_ack + (uint32_t)(int16_t)take16() :
			     take32();
	h.ack = (mode & 8) ? fz.last_next + (uint32_t)(int16_t)take16() :
			     take32();
	h.flags = take8();
	h.win = take16();
	h.mss = -1;
	h.wscale = -1;
	plen = take16() % (NET_MTU - 40 - WIRE_TCP_OPT_MAX);
	for (size_t i = 0; i < olen; i++)
		opts[i] = take8();
	wire_tcp_emit(l4, PEER, US, &h, 0); /* header without options */
	hlen = WIRE_TCP_HLEN + olen;
	memcpy(l4 + WIRE_TCP_HLEN, opts, olen);
	for (size_t i = 0; i < plen; i++)
		l4[hlen + i] = (uint8_t)(i + mode);
	l4[12] = (uint8_t)(hlen / 4 << 4);
	l4[16] = l4[17] = 0;
	wire_put16(l4 + 16, wire_csum_fold(wire_csum_add(
				    wire_csum_pseudo4(PEER, US, NET_PROTO_TCP,
						      (uint16_t)(hlen + plen)),
				    l4, hlen + plen)));
	net_input(s, 0, f, ip_frame(f, NET_PROTO_TCP, hlen + plen, PEER));
}

static void op_udp_icmp(struct net_stack *s, uint8_t *f)
{
	uint8_t kind = take8();
	size_t plen = take16() % (NET_MTU - 28);
	uint8_t *l4 = f + 34;
	uint32_t src = kind & 4 ? take32() : PEER;

	for (size_t i = 0; i < plen; i++)
		l4[8 + i] = take8();
	if (kind & 1) {
		uint16_t sport = take16(), dport = kind & 2 ? 53 : take16();

		wire_udp_emit(l4, src, US, sport, dport, plen);
		net_input(s, 0, f, ip_frame(f, NET_PROTO_UDP, 8 + plen, src));
	} else {
		uint8_t type = take8() & 8;
		uint16_t id = take16(), seq = take16();

		wire_icmp_emit(l4, type, 0, id, seq, plen);
		net_input(s, 0, f, ip_frame(f, NET_PROTO_ICMP, 8 + plen, src));
	}
}

static void op_arp(struct net_stack *s, uint8_t *f)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct wire_arp a = { 0 };

	a.op = take16() % 3;
	a.spa = take8() & 1 ? PEER : take32();
	a.tpa = take8() & 1 ? US : take32();
	memcpy(a.sha, peer_mac, 6);
	a.sha[5] ^= take8() & 3;
	wire_eth_emit(f, take8() & 1 ? our_mac : bcast, a.sha, WIRE_ETH_ARP);
	wire_arp_emit(f + 14, &a);
	net_input(s, 0, f, 14 + WIRE_ARP_LEN);
}

static void op_app(struct net_stack *s)
{
	static uint8_t buf[4096];
	uint8_t what = take8(), h = take8() % NET_TCP_SOCKS;
	size_t len = take16() % sizeof(buf);
	struct net_sockaddr a = { .addr = { .family = NET_AF_INET, .v4 = PEER },
				  .port = 443 };
	long r;

	switch (what % 10) {
	case 0:
		net_tcp_accept(s, 0);
		break;
	case 1:
		r = net_tcp_recv(s, h, buf, len,
				 what & 0x10 ? NET_MSG_PEEK : 0);
		if (r > (long)len)
			abort();
		break;
	case 2:
		memset(buf, 'x', len);
		r = net_tcp_send(s, h, buf, len);
		if (r > (long)len)
			abort();
		break;
	case 3:
		if (h)
			net_tcp_close(s, h);
		break;
	case 4:
		net_tcp_shutdown(s, h, what >> 4 & 3);
		break;
	case 5: {
		int c = net_tcp_open(s);

		if (c >= 0 && net_tcp_connect(s, c, &a) != -EINPROGRESS)
			net_tcp_close(s, c);
		break;
	}
	case 6:
		net_tcp_setopt(s, h, (enum net_tcp_opt)(what >> 4 & 7),
			       take8());
		break;
	case 7:
		r = net_dgram_recv(s, take8() % 2, buf, len, 0, NULL);
		if (r > NET_DGRAM_MAX)
			abort();
		break;
	case 8:
		net_dgram_send(s, 0, buf, len % 600, &a);
		break;
	case 9:
		if (h)
			net_tcp_abort(s, h);
		break;
	}
	net_tcp_poll(s, h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t f[NET_FRAME_MAX + 64];
	struct net_sockaddr any80 = { .addr = { .family = NET_AF_INET },
				      .port = 80 };
	struct net_sockaddr any53 = any80, peer = any80;
	struct net_stack *s;
	int l, steps = 0, total;

	if (!mem && !(mem = malloc(net_stack_size())))
		abort();
	memset(&fz, 0, sizeof(fz));
	fz.p = data;
	fz.n = size;
	fz.now = 1000;
	s = net_stack_init(mem, &ops, NULL);
	if (!s || net_if_add(s, our_mac, 1500) != 0 ||
	    net_if_set_ip4(s, 0, US, 24, PEER) || net_if_set_up(s, 0, 1))
		abort();
	l = net_tcp_open(s);
	if (l != 0 || net_tcp_bind(s, l, &any80) || net_tcp_listen(s, l, 3))
		abort();
	any53.port = 53;
	if (net_dgram_open(s, NET_PROTO_UDP) != 0 ||
	    net_dgram_bind(s, 0, &any53) ||
	    net_dgram_open(s, NET_PROTO_ICMP) != 1)
		abort();
	peer.addr.v4 = PEER;
	peer.port = 443;
	if (net_tcp_connect(s, net_tcp_open(s), &peer) != -EINPROGRESS)
		abort();
	while (fz.n && steps++ < 2048) {
		size_t len;

		switch (take8() % 8) {
		case 0: /* a raw frame */
			len = take16() % (NET_FRAME_MAX + 32);
			if (len > fz.n)
				len = fz.n;
			memcpy(f, fz.p, len);
			fz.p += len;
			fz.n -= len;
			net_input(s, take8() % 2, f, len);
			break;
		case 1:
		case 2:
			op_tcp(s, f);
			break;
		case 3:
			op_udp_icmp(s, f);
			break;
		case 4:
			op_arp(s, f);
			break;
		case 5: /* time passes: up to ~11 min in one step */
			fz.now += (uint64_t)take16() * (take8() & 1 ? 10 : 1);
			net_poll(s);
			break;
		default:
			op_app(s);
			break;
		}
		if (net_next_deadline(s) < fz.now && net_next_deadline(s))
			net_poll(s);
	}
	if (getenv("FUZZ_VERBOSE")) { /* where the script got to */
		const struct net_stats *st = net_stats(s);

		fprintf(stderr, "  states:");
		for (int i = NET_TCP_CLOSED; i <= NET_TCP_TIME_WAIT; i++)
			fprintf(stderr, " %d",
				net_tcp_count(s, (enum net_tcp_state)i));
		fprintf(stderr,
			"; rx %llu bad %llu rst out %llu syn drop %llu rtx %llu\n",
			(unsigned long long)st->rx_frames,
			(unsigned long long)st->rx_bad,
			(unsigned long long)st->tcp_rst_out,
			(unsigned long long)st->tcp_syn_drop,
			(unsigned long long)st->tcp_rtx);
	}
	/* A long wait runs every timer down; the table must not stay full of the dead. */
	for (int i = 0; i < 40; i++) {
		fz.now += 60000;
		net_poll(s);
	}
	total = 0;
	for (int st = NET_TCP_CLOSED; st <= NET_TCP_TIME_WAIT; st++)
		total += net_tcp_count(s, (enum net_tcp_state)st);
	if (total > NET_TCP_SOCKS || net_tcp_count(s, NET_TCP_TIME_WAIT) ||
	    net_tcp_count(s, NET_TCP_SYN_RECEIVED))
		abort();
	return 0;
}
