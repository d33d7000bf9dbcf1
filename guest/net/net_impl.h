/* SPDX-License-Identifier: MIT */
/* net_impl.h: the stack's internal state and the calls between its layers (not for users). */
#ifndef GUEST_NET_IMPL_H
#define GUEST_NET_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/errno.h"
#include "lib/string.h"
#include "net/errno.h"
#include "net/limits.h"
#include "net/net.h"
#include "net/wire.h"

#define NET_IF_LOOP (-1) /* the ifx of packets from the loopback queue */

/* Sequence-number arithmetic modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LE(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GE(a, b) SEQ_LE(b, a)

/*
 * ARP entries (after RFC 4861's neighbour states, without its timers'
 * detail): INCOMPLETE while asked for, REACHABLE for NET_ARP_TTL_MS after an
 * answer, then STALE (still used) for as long again; a STALE entry in use
 * is asked for again (PROBE, still used) and dropped if nobody answers.
 */
enum arp_state {
	ARP_FREE,
	ARP_INCOMPLETE,
	ARP_REACHABLE,
	ARP_STALE,
	ARP_PROBE
};

struct arp_entry {
	uint8_t state, tries;
	uint8_t mac[6];
	uint32_t ip;
	uint64_t deadline; /* next retry (incomplete) or expiry (reachable) */
};

struct net_if {
	bool used, up;
	uint8_t mac[6];
	unsigned mtu;
	uint32_t addr, mask, gw;
	struct arp_entry arp[NET_ARP_ENTRIES];
};

/* A frame waiting for its next hop's address; the Ethernet header is filled at release. */
struct arp_pending {
	bool used;
	int ifx;
	uint32_t nexthop;
	uint64_t since;
	uint16_t len;
	uint8_t frame[NET_FRAME_MAX];
};

struct loop_pkt {
	uint16_t len;
	uint8_t pkt[NET_MTU];
};

struct dgram_msg {
	uint16_t len;
	struct net_sockaddr from;
	uint8_t data[NET_DGRAM_MAX];
};

struct dgram {
	bool used, connected;
	uint8_t proto, ttl;
	struct net_sockaddr local, peer;
	unsigned head, count;
	struct dgram_msg q[NET_DGRAM_QLEN];
};

struct tcp_range {
	uint32_t start, end; /* received sequence numbers [start, end) */
};

struct tcb {
	bool used, owned; /* slot in use; the user holds the handle */
	uint8_t state;
	bool nodelay, keepalive, reuseaddr, accepted;
	bool rd_shut, wr_shut, fin_sent, fin_rcvd;
	bool ws_ok, persist, in_recovery, ack_now;
	uint8_t snd_wscale, rcv_wscale, ttl, dupacks, ack_pending;
	int parent; /* listener of an unaccepted child, else -1 */
	int backlog; /* listener: SYN-RECEIVED + unaccepted children allowed */
	uint32_t estab_order; /* accept queue order */
	int err; /* pending error for SO_ERROR / the next call */
	struct net_sockaddr local, peer;

	/* Send side: sbuf holds bytes from s_seq (snd_una's data byte) on. */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t s_seq, s_head, s_len;
	uint16_t mss, our_mss;
	/* Receive side: rbuf holds r_len readable bytes from r_head, then out-of-order data. */
	uint32_t irs, rcv_nxt, rcv_adv;
	uint32_t r_head, r_len;
	unsigned nooo;
	struct tcp_range ooo[NET_TCP_OOO_RANGES];

	/* RTO (RFC 6298), srtt in ms << 3, rttvar in ms << 2; one timed segment (Karn). */
	uint32_t srtt, rttvar, rto;
	bool rtt_active;
	uint32_t rtt_seq;
	uint64_t rtt_ts;
	unsigned backoff;
	/* NewReno (RFC 5681, RFC 6582). */
	uint32_t cwnd, ssthresh, recover;

	/* Timers: absolute ms, 0 when off. */
	uint64_t t_rtx, t_delack, t_keep, t_wait;
	uint32_t keepidle, keepintvl, keepcnt, probes;

	uint8_t sbuf[NET_TCP_SNDBUF];
	uint8_t rbuf[NET_TCP_RCVBUF];
};

struct net_stack {
	const struct net_ops *ops;
	void *ctx;
	struct net_stats st;
	uint16_t ip_id;
	bool wake;
	uint32_t estab_counter;
	struct net_if ifs[NET_IF_MAX];
	struct arp_pending pend[NET_ARP_QUEUE];
	unsigned loop_head, loop_count;
	struct loop_pkt loop[NET_LOOP_QUEUE];
	struct dgram dg[NET_DGRAM_SOCKS];
	struct tcb tcp[NET_TCP_SOCKS];
	uint8_t tx[NET_FRAME_MAX]; /* the one frame being built */
	uint8_t rxloop[NET_MTU]; /* the loopback packet being received */
};

static inline uint64_t net_now(struct net_stack *s)
{
	return s->ops->now_ms(s->ctx);
}

/* The payload area of the frame being built: after Ethernet and IPv4 headers. */
static inline uint8_t *net_tx_l4(struct net_stack *s)
{
	return s->tx + WIRE_ETH_HLEN + WIRE_IP4_HLEN;
}

/* iface.c */
bool net_ip_is_local(struct net_stack *s, uint32_t a);
/* The source address the stack uses towards dst (0 if no route). */
uint32_t net_ip_source(struct net_stack *s, uint32_t dst);
/* The MTU towards dst (NET_MTU for our own addresses and loopback). */
unsigned net_ip_mtu(struct net_stack *s, uint32_t dst);
/* Send the l4 bytes at net_tx_l4(s) (len of them) from src to dst. */
int net_ip_output(struct net_stack *s, uint32_t src, uint32_t dst,
		  uint8_t proto, uint8_t ttl, size_t len);
void net_arp_poll(struct net_stack *s, uint64_t now, uint64_t *next);

/* dgram.c */
void net_udp_input(struct net_stack *s, const struct wire_ip4 *ip);
void net_icmp_reply_input(struct net_stack *s, const struct wire_ip4 *ip,
			  const struct wire_icmp *c);

/* tcp.c */
void net_tcp_input(struct net_stack *s, const struct wire_ip4 *ip);
void net_tcp_poll_timers(struct net_stack *s, uint64_t now, uint64_t *next);

#endif
