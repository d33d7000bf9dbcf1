/* SPDX-License-Identifier: MIT */
/* test_net.c: the guest TCP/IP stack, two stacks back to back: ARP, ping, UDP, TCP under loss, timers. */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "net/wire.h"
#include "netsim.h"

#define A 0
#define B 1
#define IP_A 0x0a000001u
#define IP_B 0x0a000002u

static struct net_sockaddr sa(uint32_t ip, uint16_t port)
{
	struct net_sockaddr a = { .addr = { .family = NET_AF_INET },
				  .port = port };

	a.addr.v4 = ip;
	return a;
}

static struct net_stack *SA(struct netsim *sim)
{
	return netsim_stack(sim, A);
}

static struct net_stack *SB(struct netsim *sim)
{
	return netsim_stack(sim, B);
}

struct conn_wait {
	struct net_stack *s;
	int h;
	int state;
};

static bool state_is(void *arg)
{
	struct conn_wait *w = arg;

	return net_tcp_state(w->s, w->h) == w->state;
}

static bool readable(void *arg)
{
	struct conn_wait *w = arg;

	return net_tcp_poll(w->s, w->h) & NET_POLLIN;
}

/* A listener on B:port, a connection from A; *ca and *cb are both ends. */
static int establish(struct netsim *sim, uint16_t port, int *ca, int *cb)
{
	struct net_sockaddr b = sa(IP_B, port), any = sa(0, port);
	int l = net_tcp_open(SB(sim));
	struct conn_wait w;

	CU_ASSERT_FATAL(l >= 0);
	CU_ASSERT_EQUAL_FATAL(net_tcp_bind(SB(sim), l, &any), 0);
	CU_ASSERT_EQUAL_FATAL(net_tcp_listen(SB(sim), l, 4), 0);
	*ca = net_tcp_open(SA(sim));
	CU_ASSERT_FATAL(*ca >= 0);
	CU_ASSERT_EQUAL(net_tcp_connect(SA(sim), *ca, &b), -EINPROGRESS);
	w = (struct conn_wait){ SA(sim), *ca, NET_TCP_ESTABLISHED };
	CU_ASSERT_FATAL(netsim_run_until(sim, state_is, &w, 60000));
	w = (struct conn_wait){ SB(sim), l, 0 };
	CU_ASSERT_FATAL(netsim_run_until(sim, readable, &w, 60000));
	*cb = net_tcp_accept(SB(sim), l);
	CU_ASSERT_FATAL(*cb >= 0);
	return l;
}

static void test_arp_resolve(void)
{
	struct netsim *sim = netsim_new(1);
	struct net_sockaddr b = sa(IP_B, 7), from;
	int ua = net_dgram_open(SA(sim), NET_PROTO_UDP);
	int ub = net_dgram_open(SB(sim), NET_PROTO_UDP);
	struct net_sockaddr bind_b = sa(0, 7);
	char buf[16];
	size_t arps = 0;

	CU_ASSERT_EQUAL(net_dgram_bind(SB(sim), ub, &bind_b), 0);
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), ua, "hi", 2, &b), 2);
	/* The datagram waits for ARP: the first frame out is a broadcast request. */
	CU_ASSERT_EQUAL_FATAL(sim->nlog, 1);
	CU_ASSERT_EQUAL(wire_get16(sim->log[0].head + 12), WIRE_ETH_ARP);
	CU_ASSERT_EQUAL(memcmp(sim->log[0].head, "\xff\xff\xff\xff\xff\xff", 6),
			0);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_dgram_recv(SB(sim), ub, buf, sizeof(buf), 0, &from),
			2);
	CU_ASSERT_EQUAL(memcmp(buf, "hi", 2), 0);
	CU_ASSERT_EQUAL(from.addr.v4, IP_A);
	/* A reply: B learnt A from A's request, so no ARP from B. */
	CU_ASSERT_EQUAL(net_dgram_send(SB(sim), ub, "ho", 2, &from), 2);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_dgram_recv(SA(sim), ua, buf, sizeof(buf), 0, NULL),
			2);
	for (size_t i = 0; i < sim->nlog; i++)
		arps += wire_get16(sim->log[i].head + 12) == WIRE_ETH_ARP;
	CU_ASSERT_EQUAL(arps, 2); /* request and reply */
	/* Entries age: after the TTL a send goes out and asks again (stale, probe). */
	netsim_run(sim, NET_ARP_TTL_MS + 10);
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), ua, "hi", 2, &b), 2);
	CU_ASSERT_EQUAL(wire_get16(sim->log[sim->nlog - 2].head + 12),
			WIRE_ETH_IP4);
	CU_ASSERT_EQUAL(wire_get16(sim->log[sim->nlog - 1].head + 12),
			WIRE_ETH_ARP);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_dgram_recv(SB(sim), ub, buf, sizeof(buf), 0, NULL),
			2);
	/* Unused twice as long: forgotten, the next send waits for ARP. */
	netsim_run(sim, 3 * NET_ARP_TTL_MS);
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), ua, "hi", 2, &b), 2);
	CU_ASSERT_EQUAL(wire_get16(sim->log[sim->nlog - 1].head + 12),
			WIRE_ETH_ARP);
	CU_ASSERT_EQUAL(wire_get16(sim->log[sim->nlog - 2].head + 12),
			WIRE_ETH_ARP); /* B's answer to the probe before */
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_dgram_recv(SB(sim), ub, buf, sizeof(buf), 0, NULL),
			2);
	netsim_free(sim);
}

static bool drop_all(struct netsim *sim, int from, const uint8_t *f, size_t len)
{
	return true;
}

static void test_arp_unresolved(void)
{
	struct netsim *sim = netsim_new(2);
	struct net_sockaddr b = sa(IP_B, 7);
	int ua = net_dgram_open(SA(sim), NET_PROTO_UDP);
	size_t reqs = 0;

	sim->filter = drop_all;
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), ua, "hi", 2, &b), 2);
	netsim_run(sim, 10000);
	for (size_t i = 0; i < sim->nlog; i++)
		reqs += wire_get16(sim->log[i].head + 12) == WIRE_ETH_ARP;
	CU_ASSERT_EQUAL(reqs, NET_ARP_TRIES);
	CU_ASSERT_EQUAL(net_stats(SA(sim))->arp_drop, 1);
	CU_ASSERT_EQUAL(net_next_deadline(SA(sim)), UINT64_MAX);
	netsim_free(sim);
}

static void test_ping(void)
{
	struct netsim *sim = netsim_new(3);
	struct net_sockaddr b = sa(IP_B, 0), from;
	int p = net_dgram_open(SA(sim), NET_PROTO_ICMP);
	uint8_t req[8 + 56], rep[128];
	long n;

	memset(req, 0, sizeof(req));
	req[0] = WIRE_ICMP_ECHO;
	wire_put16(req + 6, 42);
	for (size_t i = 8; i < sizeof(req); i++)
		req[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), p, req, sizeof(req), &b),
			(long)sizeof(req));
	netsim_run(sim, 20);
	n = net_dgram_recv(SA(sim), p, rep, sizeof(rep), 0, &from);
	CU_ASSERT_EQUAL(n, (long)sizeof(req));
	CU_ASSERT_EQUAL(rep[0], WIRE_ICMP_ECHO_REPLY);
	CU_ASSERT_EQUAL(wire_get16(rep + 6), 42);
	CU_ASSERT_EQUAL(memcmp(rep + 8, req + 8, sizeof(req) - 8), 0);
	CU_ASSERT_EQUAL(from.addr.v4, IP_B);
	CU_ASSERT_EQUAL(net_stats(SB(sim))->icmp_echo_in, 1);
	/* Not an echo request: refused as Linux's ping sockets do. */
	req[0] = 13;
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), p, req, sizeof(req), &b),
			-EINVAL);
	/* Loopback ping. */
	req[0] = WIRE_ICMP_ECHO;
	b = sa(0x7f000001u, 0);
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), p, req, sizeof(req), &b),
			(long)sizeof(req));
	netsim_run(sim, 1);
	CU_ASSERT_EQUAL(net_dgram_recv(SA(sim), p, rep, sizeof(rep), 0, &from),
			(long)sizeof(req));
	CU_ASSERT_EQUAL(from.addr.v4, 0x7f000001u);
	netsim_free(sim);
}

static void test_udp(void)
{
	struct netsim *sim = netsim_new(4);
	struct net_sockaddr b = sa(IP_B, 5353), any = sa(0, 5353), from, me;
	int ua = net_dgram_open(SA(sim), NET_PROTO_UDP);
	int ub = net_dgram_open(SB(sim), NET_PROTO_UDP);
	int ub2 = net_dgram_open(SB(sim), NET_PROTO_UDP);
	char big[NET_DGRAM_MAX + 1], buf[2048];

	CU_ASSERT_EQUAL(net_dgram_bind(SB(sim), ub, &any), 0);
	CU_ASSERT_EQUAL(net_dgram_bind(SB(sim), ub2, &any), -EADDRINUSE);
	CU_ASSERT_EQUAL(net_dgram_recv(SB(sim), ub, buf, 4, 0, NULL), -EAGAIN);
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), ua, "x", 1, NULL),
			-EDESTADDRREQ);
	memset(big, 'b', sizeof(big));
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), ua, big, sizeof(big), &b),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(net_dgram_connect(SA(sim), ua, &b), 0);
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), ua, big, NET_DGRAM_MAX, NULL),
			NET_DGRAM_MAX);
	CU_ASSERT_EQUAL(net_dgram_send(SA(sim), ua, "hello", 5, NULL), 5);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_dgram_poll(SB(sim), ub), NET_POLLIN | NET_POLLOUT);
	/* Truncated read gives the full length; PEEK leaves it there. */
	CU_ASSERT_EQUAL(net_dgram_recv(SB(sim), ub, buf, 10, NET_MSG_PEEK,
				       &from),
			NET_DGRAM_MAX);
	CU_ASSERT_EQUAL(net_dgram_recv(SB(sim), ub, buf, sizeof(buf), 0, &from),
			NET_DGRAM_MAX);
	CU_ASSERT_EQUAL(memcmp(buf, big, NET_DGRAM_MAX), 0);
	CU_ASSERT_EQUAL(net_dgram_recv(SB(sim), ub, buf, sizeof(buf), 0, &from),
			5);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	CU_ASSERT_EQUAL(net_dgram_name(SA(sim), ua, &me, NULL), 0);
	CU_ASSERT_EQUAL(from.port, me.port);
	CU_ASSERT(me.port >= NET_PORT_EPH_LO);
	/* A full queue drops, counted. */
	for (int i = 0; i < NET_DGRAM_QLEN + 3; i++)
		net_dgram_send(SA(sim), ua, "q", 1, NULL);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_stats(SB(sim))->dgram_drop, 3);
	/* No socket on the port: counted, nothing delivered. */
	b.port = 9;
	net_dgram_send(SA(sim), ua, "q", 1, &b);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_stats(SB(sim))->udp_no_port, 1);
	netsim_free(sim);
}

static void test_tcp_handshake(void)
{
	struct netsim *sim = netsim_new(5);
	struct net_sockaddr la, pa, lb, pb;
	int ca, cb, mss;

	establish(sim, 80, &ca, &cb);
	CU_ASSERT_EQUAL(net_tcp_state(SB(sim), cb), NET_TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(net_tcp_poll(SA(sim), ca), NET_POLLOUT);
	CU_ASSERT_EQUAL(net_tcp_name(SA(sim), ca, &la, &pa), 0);
	CU_ASSERT_EQUAL(net_tcp_name(SB(sim), cb, &lb, &pb), 0);
	CU_ASSERT_EQUAL(la.addr.v4, IP_A);
	CU_ASSERT_EQUAL(pa.addr.v4, IP_B);
	CU_ASSERT_EQUAL(pa.port, 80);
	CU_ASSERT_EQUAL(lb.port, 80);
	CU_ASSERT_EQUAL(pb.port, la.port);
	CU_ASSERT_EQUAL(pb.addr.v4, IP_A);
	CU_ASSERT_EQUAL(net_tcp_getopt(SA(sim), ca, NET_TCPOPT_MAXSEG, &mss),
			0);
	CU_ASSERT_EQUAL(mss, 1460);
	/* Both SYNs carried MSS and window scale options (hlen 28). */
	for (size_t i = 0, syns = 0; i < sim->nlog; i++) {
		struct wire_tcp t;

		if (netsim_log_tcp(&sim->log[i], &t) ||
		    !(t.flags & WIRE_TCP_SYN))
			continue;
		CU_ASSERT_EQUAL(t.hlen, 28);
		CU_ASSERT(++syns <= 2);
	}
	CU_ASSERT_EQUAL(net_tcp_accept(SB(sim), 0), -EAGAIN);
	netsim_free(sim);
}

/* Move n bytes from A to B through the link; returns bytes B read. */
static size_t transfer(struct netsim *sim, int ca, int cb, const uint8_t *src,
		       uint8_t *dst, size_t n, uint64_t max_ms)
{
	size_t sent = 0, got = 0;
	uint64_t end = sim->now + max_ms;

	while (got < n && sim->now < end) {
		long r;

		if (sent < n) {
			r = net_tcp_send(SA(sim), ca, src + sent, n - sent);
			if (r > 0)
				sent += (size_t)r;
			else
				CU_ASSERT_EQUAL(r, -EAGAIN);
		}
		while ((r = net_tcp_recv(SB(sim), cb, dst + got, n - got, 0)) >
		       0)
			got += (size_t)r;
		netsim_run(sim, 1);
	}
	return got;
}

static void bulk(uint64_t seed, unsigned loss, unsigned reorder, unsigned delay)
{
	struct netsim *sim = netsim_new(seed);
	size_t n = 1 << 20;
	uint8_t *src = malloc(n), *dst = calloc(1, n);
	uint64_t t0;
	int ca, cb;

	CU_ASSERT_FATAL(src && dst);
	for (size_t i = 0; i < n; i++)
		src[i] = (uint8_t)netsim_rand(sim);
	sim->delay_ms = delay;
	establish(sim, 5001, &ca, &cb);
	sim->loss_pct = loss;
	sim->reorder_pct = reorder;
	t0 = sim->now;
	CU_ASSERT_EQUAL(transfer(sim, ca, cb, src, dst, n, 600000), n);
	CU_ASSERT_EQUAL(memcmp(src, dst, n), 0);
	printf("\n    bulk %u%% loss %u%% reorder %u ms: 1 MiB in %llu simulated ms, %llu retransmissions, %llu/%llu frames lost ",
	       loss, reorder, delay, (unsigned long long)(sim->now - t0),
	       (unsigned long long)net_stats(SA(sim))->tcp_rtx,
	       (unsigned long long)sim->lost, (unsigned long long)sim->sent);
	if (loss)
		CU_ASSERT(net_stats(SA(sim))->tcp_rtx > 0);
	/* Orderly close: both sides see EOF; A ends in TIME-WAIT. */
	sim->loss_pct = 0;
	sim->reorder_pct = 0;
	CU_ASSERT_EQUAL(net_tcp_close(SA(sim), ca), 0);
	netsim_run(sim, 2000);
	CU_ASSERT_EQUAL(net_tcp_recv(SB(sim), cb, dst, 1, 0), 0);
	CU_ASSERT_EQUAL(net_tcp_close(SB(sim), cb), 0);
	netsim_run(sim, 2000);
	CU_ASSERT_EQUAL(net_tcp_count(SA(sim), NET_TCP_TIME_WAIT), 1);
	free(src);
	free(dst);
	netsim_free(sim);
}

static void test_tcp_bulk(void)
{
	bulk(6, 0, 0, 1);
}

static void test_tcp_bulk_loss(void)
{
	bulk(7, 5, 0, 5);
	bulk(8, 5, 10, 5);
	bulk(9, 2, 20, 20);
}

static bool drop_tcp(struct netsim *sim, int from, const uint8_t *f, size_t len)
{
	return len > 24 && wire_get16(f + 12) == WIRE_ETH_IP4 &&
	       f[14 + 9] == NET_PROTO_TCP;
}

/* SYN retransmissions at RTO 1 s doubling (RFC 6298 2.1, 5.5), then ETIMEDOUT. */
static void test_tcp_syn_rto(void)
{
	struct netsim *sim = netsim_new(10);
	struct net_sockaddr b = sa(IP_B, 80);
	uint64_t t0 = sim->now, expect = 0, step = NET_TCP_RTO_INIT_MS;
	int ca = net_tcp_open(SA(sim)), syns = 0;

	/* B answers ARP; TCP is dropped. */
	net_dgram_send(SA(sim), net_dgram_open(SA(sim), NET_PROTO_UDP), "x", 1,
		       &(struct net_sockaddr){
			       .addr = { .family = NET_AF_INET, .v4 = IP_B },
			       .port = 9 });
	netsim_run(sim, 10);
	t0 = sim->now;
	sim->filter = drop_tcp;
	CU_ASSERT_EQUAL(net_tcp_connect(SA(sim), ca, &b), -EINPROGRESS);
	netsim_run(sim, 300000);
	for (size_t i = 0; i < sim->nlog; i++) {
		struct wire_tcp t;

		if (netsim_log_tcp(&sim->log[i], &t) ||
		    !(t.flags & WIRE_TCP_SYN))
			continue;
		if (sim->log[i].at - t0 != expect)
			printf("\n    SYN %d at %llu, expected %llu ", syns,
			       (unsigned long long)(sim->log[i].at - t0),
			       (unsigned long long)expect);
		CU_ASSERT_EQUAL(sim->log[i].at - t0, expect);
		expect += step;
		step *= 2;
		syns++;
	}
	CU_ASSERT_EQUAL(syns, 1 + NET_TCP_RETRIES_SYN);
	CU_ASSERT_EQUAL(net_tcp_state(SA(sim), ca), NET_TCP_CLOSED);
	CU_ASSERT_EQUAL(net_tcp_error(SA(sim), ca), ETIMEDOUT);
	netsim_free(sim);
}

static int drop_next_data;
static bool drop_one_data(struct netsim *sim, int from, const uint8_t *f,
			  size_t len)
{
	struct netsim_log l = { .len = (uint16_t)len };
	struct wire_tcp t;

	memcpy(l.head, f, len < NETSIM_LOG_BYTES ? len : NETSIM_LOG_BYTES);
	if (from == A && drop_next_data && !netsim_log_tcp(&l, &t) && t.len) {
		drop_next_data--;
		return true;
	}
	return false;
}

/* A lost data segment is resent exactly one RTO (as computed from the samples) later. */
static void test_tcp_data_rto(void)
{
	struct netsim *sim = netsim_new(11);
	uint8_t buf[4096] = { 0 };
	uint32_t cwnd, ssthresh, rto, cwnd2;
	uint64_t first = 0, again = 0;
	int ca, cb;

	sim->delay_ms = 30;
	establish(sim, 80, &ca, &cb);
	/* A few round trips for RTT samples. */
	for (int i = 0; i < 5; i++) {
		CU_ASSERT_EQUAL(net_tcp_send(SA(sim), ca, buf, 100), 100);
		netsim_run(sim, 200);
		CU_ASSERT_EQUAL(net_tcp_recv(SB(sim), cb, buf, sizeof(buf), 0),
				100);
	}
	CU_ASSERT_EQUAL(net_tcp_cc(SA(sim), ca, &cwnd, &ssthresh, &rto), 0);
	/*
	 * RFC 6298 2.2/2.3 in floating point: the SYN's 120 ms (ARP, then
	 * the handshake), then 100 ms each (30 + 40 ms delayed ACK + 30).
	 */
	{
		double srtt = 120, var = 60, r = 100, want;

		for (int i = 0; i < 5; i++) {
			var = 0.75 * var +
			      0.25 * (srtt > r ? srtt - r : r - srtt);
			srtt = 0.875 * srtt + 0.125 * r;
		}
		want = srtt + 4 * var;
		if (rto < want - 3 || rto > want + 3)
			printf("rto %u, RFC 6298 gives %.1f ", rto, want);
		CU_ASSERT(rto >= want - 3 && rto <= want + 3);
	}
	sim->filter = drop_one_data;
	drop_next_data = 1;
	CU_ASSERT_EQUAL(net_tcp_send(SA(sim), ca, buf, 100), 100);
	netsim_run(sim, 1000);
	for (size_t i = 0; i < sim->nlog; i++) {
		struct wire_tcp t;

		if (sim->log[i].from != A || netsim_log_tcp(&sim->log[i], &t) ||
		    !t.len)
			continue;
		if (sim->log[i].dropped)
			first = sim->log[i].at;
		else if (first)
			again = again ? again : sim->log[i].at;
	}
	CU_ASSERT(first != 0);
	CU_ASSERT_EQUAL(again - first, rto);
	CU_ASSERT_EQUAL(net_tcp_recv(SB(sim), cb, buf, sizeof(buf), 0), 100);
	/* RFC 5681 (4): after a timeout cwnd is one segment. */
	net_tcp_cc(SA(sim), ca, &cwnd2, &ssthresh, &rto);
	CU_ASSERT(cwnd2 < cwnd);
	CU_ASSERT(net_stats(SA(sim))->tcp_rtx >= 1);
	netsim_free(sim);
}

/* Three duplicate ACKs resend the hole long before the RTO (fast retransmit). */
static void test_tcp_fast_retransmit(void)
{
	struct netsim *sim = netsim_new(12);
	static uint8_t src[64 * 1460], dst[sizeof(src)];
	uint64_t lost_at = 0, resent_at = 0;
	uint32_t lost_seq = 0;
	int ca, cb;

	sim->delay_ms = 50;
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7);
	establish(sim, 80, &ca, &cb);
	/* Open the window first. */
	CU_ASSERT_EQUAL(transfer(sim, ca, cb, src, dst, sizeof(src), 60000),
			sizeof(src));
	sim->filter = drop_one_data;
	drop_next_data = 1;
	CU_ASSERT_EQUAL(transfer(sim, ca, cb, src, dst, sizeof(src), 60000),
			sizeof(src));
	CU_ASSERT_EQUAL(memcmp(src, dst, sizeof(src)), 0);
	for (size_t i = 0; i < sim->nlog; i++) {
		struct wire_tcp t;

		if (sim->log[i].from != A || netsim_log_tcp(&sim->log[i], &t) ||
		    !t.len)
			continue;
		if (sim->log[i].dropped) {
			lost_at = sim->log[i].at;
			lost_seq = t.seq;
		} else if (lost_at && t.seq == lost_seq && !resent_at) {
			resent_at = sim->log[i].at;
		}
	}
	CU_ASSERT(lost_at && resent_at);
	/* B kept what came after the hole: the hole is the only segment resent. */
	CU_ASSERT_EQUAL(net_stats(SA(sim))->tcp_rtx, 1);
	/* One round trip and a bit: the dup ACKs' time, well under the 1 s floor of an RTO backoff. */
	CU_ASSERT(resent_at - lost_at < 2 * 100 + 20);
	netsim_free(sim);
}

static void test_tcp_rst_closed_port(void)
{
	struct netsim *sim = netsim_new(13);
	struct net_sockaddr b = sa(IP_B, 81);
	int ca = net_tcp_open(SA(sim));

	CU_ASSERT_EQUAL(net_tcp_connect(SA(sim), ca, &b), -EINPROGRESS);
	netsim_run(sim, 50);
	CU_ASSERT_EQUAL(net_tcp_state(SA(sim), ca), NET_TCP_CLOSED);
	CU_ASSERT(net_tcp_poll(SA(sim), ca) & NET_POLLERR);
	CU_ASSERT_EQUAL(net_tcp_error(SA(sim), ca), ECONNREFUSED);
	CU_ASSERT_EQUAL(net_tcp_error(SA(sim), ca), 0);
	CU_ASSERT_EQUAL(net_stats(SB(sim))->tcp_rst_out, 1);
	netsim_free(sim);
}

static void test_tcp_reset_established(void)
{
	struct netsim *sim = netsim_new(14);
	char buf[8];
	int ca, cb;

	establish(sim, 80, &ca, &cb);
	CU_ASSERT_EQUAL(net_tcp_abort(SB(sim), cb), 0);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_tcp_state(SA(sim), ca), NET_TCP_CLOSED);
	CU_ASSERT_EQUAL(net_tcp_recv(SA(sim), ca, buf, sizeof(buf), 0),
			-ECONNRESET);
	CU_ASSERT_EQUAL(net_tcp_send(SA(sim), ca, "x", 1), -EPIPE);
	/* Close with unread data sends RST too. */
	establish(sim, 82, &ca, &cb);
	CU_ASSERT_EQUAL(net_tcp_send(SA(sim), ca, "data", 4), 4);
	netsim_run(sim, 100);
	CU_ASSERT_EQUAL(net_tcp_close(SB(sim), cb), 0);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_tcp_error(SA(sim), ca), ECONNRESET);
	netsim_free(sim);
}

static void test_tcp_time_wait(void)
{
	struct netsim *sim = netsim_new(15);
	char buf[8];
	int ca, cb;

	establish(sim, 80, &ca, &cb);
	CU_ASSERT_EQUAL(net_tcp_shutdown(SA(sim), ca, 1), 0);
	CU_ASSERT_EQUAL(net_tcp_send(SA(sim), ca, "x", 1), -EPIPE);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_tcp_state(SA(sim), ca), NET_TCP_FIN_WAIT_2);
	CU_ASSERT_EQUAL(net_tcp_state(SB(sim), cb), NET_TCP_CLOSE_WAIT);
	CU_ASSERT_EQUAL(net_tcp_recv(SB(sim), cb, buf, sizeof(buf), 0), 0);
	/* Half-closed: B can still send. */
	CU_ASSERT_EQUAL(net_tcp_send(SB(sim), cb, "late", 4), 4);
	CU_ASSERT_EQUAL(net_tcp_close(SB(sim), cb), 0);
	netsim_run(sim, 10);
	CU_ASSERT_EQUAL(net_tcp_recv(SA(sim), ca, buf, sizeof(buf), 0), 4);
	CU_ASSERT_EQUAL(net_tcp_recv(SA(sim), ca, buf, sizeof(buf), 0), 0);
	CU_ASSERT_EQUAL(net_tcp_state(SA(sim), ca), NET_TCP_TIME_WAIT);
	CU_ASSERT_EQUAL(net_tcp_count(SB(sim), NET_TCP_LAST_ACK), 0);
	CU_ASSERT_EQUAL(net_tcp_count(SB(sim), NET_TCP_CLOSED), 0);
	CU_ASSERT_EQUAL(net_tcp_close(SA(sim), ca), 0);
	/* 2 MSL, then gone. */
	netsim_run(sim, 2 * NET_TCP_MSL_MS - 100);
	CU_ASSERT_EQUAL(net_tcp_count(SA(sim), NET_TCP_TIME_WAIT), 1);
	netsim_run(sim, 200);
	CU_ASSERT_EQUAL(net_tcp_count(SA(sim), NET_TCP_TIME_WAIT), 0);
	CU_ASSERT_EQUAL(net_tcp_state(SA(sim), ca), -EBADF);
	netsim_free(sim);
}

/* Backlog 2: the third and fourth SYNs are dropped until accept makes room. */
static void test_tcp_backlog(void)
{
	struct netsim *sim = netsim_new(16);
	struct net_sockaddr b = sa(IP_B, 80), any = sa(0, 80);
	int l = net_tcp_open(SB(sim)), c[4], est = 0, a;

	CU_ASSERT_EQUAL(net_tcp_bind(SB(sim), l, &any), 0);
	CU_ASSERT_EQUAL(net_tcp_listen(SB(sim), l, 2), 0);
	for (int i = 0; i < 4; i++) {
		c[i] = net_tcp_open(SA(sim));
		CU_ASSERT_EQUAL(net_tcp_connect(SA(sim), c[i], &b),
				-EINPROGRESS);
	}
	netsim_run(sim, 500);
	for (int i = 0; i < 4; i++)
		est += net_tcp_state(SA(sim), c[i]) == NET_TCP_ESTABLISHED;
	CU_ASSERT_EQUAL(est, 2);
	CU_ASSERT(net_stats(SB(sim))->tcp_syn_drop >= 2);
	CU_ASSERT(net_tcp_poll(SB(sim), l) & NET_POLLIN);
	CU_ASSERT((a = net_tcp_accept(SB(sim), l)) >= 0);
	CU_ASSERT(net_tcp_accept(SB(sim), l) >= 0);
	CU_ASSERT_EQUAL(net_tcp_accept(SB(sim), l), -EAGAIN);
	/* The SYN retransmissions (at 1 s) now find room. */
	netsim_run(sim, 1500);
	est = 0;
	for (int i = 0; i < 4; i++)
		est += net_tcp_state(SA(sim), c[i]) == NET_TCP_ESTABLISHED;
	CU_ASSERT_EQUAL(est, 4);
	CU_ASSERT(net_tcp_accept(SB(sim), l) >= 0);
	CU_ASSERT(net_tcp_accept(SB(sim), l) >= 0);
	/* Closing the listener resets what it has not handed out. */
	c[0] = net_tcp_open(SA(sim));
	CU_ASSERT_EQUAL(net_tcp_connect(SA(sim), c[0], &b), -EINPROGRESS);
	netsim_run(sim, 50);
	CU_ASSERT_EQUAL(net_tcp_close(SB(sim), l), 0);
	netsim_run(sim, 50);
	CU_ASSERT_EQUAL(net_tcp_error(SA(sim), c[0]), ECONNRESET);
	netsim_free(sim);
}

/* A SYN flood from many ports fills at most the table; the stack keeps working. */
static void test_tcp_pool_exhaustion(void)
{
	struct netsim *sim = netsim_new(17);
	int n = 0, h;

	while ((h = net_tcp_open(SA(sim))) >= 0)
		n++;
	CU_ASSERT_EQUAL(h, -ENFILE);
	CU_ASSERT_EQUAL(n, NET_TCP_SOCKS);
	for (int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(net_tcp_close(SA(sim), i), 0);
	CU_ASSERT_EQUAL(net_tcp_close(SA(sim), 0), -EBADF);
	CU_ASSERT_EQUAL(net_tcp_open(SA(sim)), 0);
	netsim_free(sim);
}

/* The receiver stops reading: the window closes, probes keep it alive, it reopens. */
static void test_tcp_zero_window(void)
{
	struct netsim *sim = netsim_new(18);
	size_t n = 3 * NET_TCP_RCVBUF, sent = 0, got = 0;
	uint8_t *src = malloc(n), *dst = malloc(n);
	int ca, cb;
	long r;

	for (size_t i = 0; i < n; i++)
		src[i] = (uint8_t)(i ^ (i >> 8));
	establish(sim, 80, &ca, &cb);
	while ((r = net_tcp_send(SA(sim), ca, src + sent, n - sent)) > 0 ||
	       sent < NET_TCP_RCVBUF + NET_TCP_SNDBUF - 1) {
		if (r > 0)
			sent += (size_t)r;
		netsim_run(sim, 5);
		if (sim->now > 100000)
			break;
	}
	CU_ASSERT_EQUAL(sent, NET_TCP_RCVBUF + NET_TCP_SNDBUF);
	CU_ASSERT_EQUAL(net_tcp_poll(SA(sim), ca) & NET_POLLOUT, 0);
	netsim_run(sim, 20000); /* probes, no data, no timeout */
	CU_ASSERT_EQUAL(net_tcp_state(SA(sim), ca), NET_TCP_ESTABLISHED);
	while (got < n && sim->now < 300000) {
		while ((r = net_tcp_recv(SB(sim), cb, dst + got, n - got, 0)) >
		       0)
			got += (size_t)r;
		if (sent < n &&
		    (r = net_tcp_send(SA(sim), ca, src + sent, n - sent)) > 0)
			sent += (size_t)r;
		netsim_run(sim, 5);
	}
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT_EQUAL(memcmp(src, dst, n), 0);
	free(src);
	free(dst);
	netsim_free(sim);
}

static size_t data_segments(struct netsim *sim, size_t from_log)
{
	size_t k = 0;

	for (size_t i = from_log; i < sim->nlog; i++) {
		struct wire_tcp t;

		if (sim->log[i].from == A &&
		    !netsim_log_tcp(&sim->log[i], &t) && t.len)
			k++;
	}
	return k;
}

/* Nagle holds a second small write until the first is acknowledged; TCP_NODELAY does not. */
static void test_tcp_nagle(void)
{
	struct netsim *sim = netsim_new(19);
	char buf[64];
	size_t mark;
	int ca, cb, v;

	sim->delay_ms = 20;
	establish(sim, 80, &ca, &cb);
	mark = sim->nlog;
	net_tcp_send(SA(sim), ca, "a", 1);
	net_tcp_send(SA(sim), ca, "b", 1);
	net_tcp_send(SA(sim), ca, "c", 1);
	CU_ASSERT_EQUAL(data_segments(sim, mark), 1);
	netsim_run(sim, 200);
	CU_ASSERT_EQUAL(data_segments(sim, mark), 2); /* "bc" after the ACK */
	CU_ASSERT_EQUAL(net_tcp_recv(SB(sim), cb, buf, sizeof(buf), 0), 3);
	CU_ASSERT_EQUAL(net_tcp_setopt(SA(sim), ca, NET_TCPOPT_NODELAY, 1), 0);
	CU_ASSERT_EQUAL(net_tcp_getopt(SA(sim), ca, NET_TCPOPT_NODELAY, &v), 0);
	CU_ASSERT_EQUAL(v, 1);
	mark = sim->nlog;
	net_tcp_send(SA(sim), ca, "a", 1);
	net_tcp_send(SA(sim), ca, "b", 1);
	net_tcp_send(SA(sim), ca, "c", 1);
	CU_ASSERT_EQUAL(data_segments(sim, mark), 3);
	netsim_free(sim);
}

/* One segment is acknowledged after the delayed-ACK time; two at once. */
static void test_tcp_delayed_ack(void)
{
	struct netsim *sim = netsim_new(20);
	uint8_t buf[3000] = { 0 };
	uint64_t sent_at, ack_at = 0;
	size_t mark;
	int ca, cb;

	sim->delay_ms = 1;
	establish(sim, 80, &ca, &cb);
	net_tcp_setopt(SA(sim), ca, NET_TCPOPT_NODELAY, 1);
	mark = sim->nlog;
	sent_at = sim->now;
	net_tcp_send(SA(sim), ca, buf, 10);
	netsim_run(sim, 200);
	for (size_t i = mark; i < sim->nlog && !ack_at; i++) {
		struct wire_tcp t;

		if (sim->log[i].from == B && !netsim_log_tcp(&sim->log[i], &t))
			ack_at = sim->log[i].at;
	}
	CU_ASSERT_EQUAL(ack_at - sent_at, 1 + NET_TCP_DELACK_MS);
	mark = sim->nlog;
	sent_at = sim->now;
	net_tcp_send(SA(sim), ca, buf, 2920); /* two full segments */
	netsim_run(sim, 200);
	ack_at = 0;
	for (size_t i = mark; i < sim->nlog && !ack_at; i++) {
		struct wire_tcp t;

		if (sim->log[i].from == B && !netsim_log_tcp(&sim->log[i], &t))
			ack_at = sim->log[i].at;
	}
	CU_ASSERT_EQUAL(ack_at - sent_at, 1);
	netsim_free(sim);
}

/* The peer vanishes: keepalive probes, then ETIMEDOUT. */
static void test_tcp_keepalive(void)
{
	struct netsim *sim = netsim_new(21);
	struct conn_wait w;
	uint64_t t0;
	int ca, cb;

	establish(sim, 80, &ca, &cb);
	CU_ASSERT_EQUAL(net_tcp_setopt(SA(sim), ca, NET_TCPOPT_KEEPIDLE, 10),
			0);
	CU_ASSERT_EQUAL(net_tcp_setopt(SA(sim), ca, NET_TCPOPT_KEEPINTVL, 2),
			0);
	CU_ASSERT_EQUAL(net_tcp_setopt(SA(sim), ca, NET_TCPOPT_KEEPCNT, 3), 0);
	CU_ASSERT_EQUAL(net_tcp_setopt(SA(sim), ca, NET_TCPOPT_KEEPALIVE, 1),
			0);
	/* A live peer answers the probes. */
	netsim_run(sim, 60000);
	CU_ASSERT_EQUAL(net_tcp_state(SA(sim), ca), NET_TCP_ESTABLISHED);
	t0 = sim->now;
	sim->loss_pct = 100;
	w = (struct conn_wait){ SA(sim), ca, NET_TCP_CLOSED };
	CU_ASSERT(netsim_run_until(sim, state_is, &w, 60000));
	CU_ASSERT_EQUAL(net_tcp_error(SA(sim), ca), ETIMEDOUT);
	CU_ASSERT(sim->now - t0 <= 10000 + 4 * 2000);
	netsim_free(sim);
}

static void test_tcp_loopback(void)
{
	struct netsim *sim = netsim_new(22);
	struct net_stack *s = SA(sim);
	struct net_sockaddr lo = sa(0x7f000001u, 8080), any = sa(0, 8080), pn;
	int l = net_tcp_open(s), c = net_tcp_open(s), a;
	char buf[32];
	struct conn_wait w = { s, c, NET_TCP_ESTABLISHED };

	CU_ASSERT_EQUAL(net_tcp_bind(s, l, &any), 0);
	CU_ASSERT_EQUAL(net_tcp_listen(s, l, 1), 0);
	CU_ASSERT_EQUAL(net_tcp_connect(s, c, &lo), -EINPROGRESS);
	CU_ASSERT(netsim_run_until(sim, state_is, &w, 100));
	w = (struct conn_wait){ s, l, 0 };
	CU_ASSERT(netsim_run_until(sim, readable, &w, 100));
	a = net_tcp_accept(s, l);
	CU_ASSERT_FATAL(a >= 0);
	CU_ASSERT_EQUAL(net_tcp_name(s, a, NULL, &pn), 0);
	CU_ASSERT_EQUAL(pn.addr.v4, 0x7f000001u);
	CU_ASSERT_EQUAL(net_tcp_send(s, c, "ping", 4), 4);
	netsim_run(sim, 1);
	CU_ASSERT_EQUAL(net_tcp_recv(s, a, buf, sizeof(buf), NET_MSG_PEEK), 4);
	CU_ASSERT_EQUAL(net_tcp_recv(s, a, buf, sizeof(buf), 0), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "ping", 4), 0);
	CU_ASSERT_EQUAL(net_tcp_send(s, a, "pong", 4), 4);
	netsim_run(sim, 1);
	CU_ASSERT_EQUAL(net_tcp_recv(s, c, buf, sizeof(buf), 0), 4);
	/* To our own interface address, too. */
	CU_ASSERT_EQUAL(sim->nlog, 0);
	netsim_free(sim);
}

static void test_tcp_bind_rules(void)
{
	struct netsim *sim = netsim_new(23);
	struct net_stack *s = SA(sim);
	struct net_sockaddr any = sa(0, 80), other = sa(0x0a000063u, 80);
	int a = net_tcp_open(s), b = net_tcp_open(s);

	CU_ASSERT_EQUAL(net_tcp_bind(s, a, &other), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(net_tcp_bind(s, a, &any), 0);
	CU_ASSERT_EQUAL(net_tcp_bind(s, a, &any), -EINVAL);
	CU_ASSERT_EQUAL(net_tcp_listen(s, a, 1), 0);
	CU_ASSERT_EQUAL(net_tcp_bind(s, b, &any), -EADDRINUSE);
	net_tcp_setopt(s, b, NET_TCPOPT_REUSEADDR, 1);
	CU_ASSERT_EQUAL(net_tcp_bind(s, b, &any), -EADDRINUSE);
	CU_ASSERT_EQUAL(net_tcp_recv(s, b, NULL, 0, 0), -ENOTCONN);
	CU_ASSERT_EQUAL(net_tcp_send(s, b, "x", 1), -ENOTCONN);
	CU_ASSERT_EQUAL(net_tcp_setopt(s, b, NET_TCPOPT_MAXSEG, 10), -EINVAL);
	CU_ASSERT_EQUAL(net_tcp_state(s, 99), -EBADF);
	netsim_free(sim);
}

int main(void)
{
	CU_pSuite s;
	int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("net", NULL, NULL);
	CU_add_test(s, "arp_resolve", test_arp_resolve);
	CU_add_test(s, "arp_unresolved", test_arp_unresolved);
	CU_add_test(s, "ping", test_ping);
	CU_add_test(s, "udp", test_udp);
	CU_add_test(s, "tcp_handshake", test_tcp_handshake);
	CU_add_test(s, "tcp_bulk", test_tcp_bulk);
	CU_add_test(s, "tcp_bulk_loss", test_tcp_bulk_loss);
	CU_add_test(s, "tcp_syn_rto", test_tcp_syn_rto);
	CU_add_test(s, "tcp_data_rto", test_tcp_data_rto);
	CU_add_test(s, "tcp_fast_retransmit", test_tcp_fast_retransmit);
	CU_add_test(s, "tcp_rst_closed_port", test_tcp_rst_closed_port);
	CU_add_test(s, "tcp_reset_established", test_tcp_reset_established);
	CU_add_test(s, "tcp_time_wait", test_tcp_time_wait);
	CU_add_test(s, "tcp_backlog", test_tcp_backlog);
	CU_add_test(s, "tcp_pool_exhaustion", test_tcp_pool_exhaustion);
	CU_add_test(s, "tcp_zero_window", test_tcp_zero_window);
	CU_add_test(s, "tcp_nagle", test_tcp_nagle);
	CU_add_test(s, "tcp_delayed_ack", test_tcp_delayed_ack);
	CU_add_test(s, "tcp_keepalive", test_tcp_keepalive);
	CU_add_test(s, "tcp_loopback", test_tcp_loopback);
	CU_add_test(s, "tcp_bind_rules", test_tcp_bind_rules);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
