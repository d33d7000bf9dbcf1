/* SPDX-License-Identifier: MIT */
/* net.h: the guest TCP/IP stack's API: one stack, its interfaces, TCP and datagram sockets. */
#ifndef GUEST_NET_NET_H
#define GUEST_NET_NET_H

#include <stddef.h>
#include <stdint.h>

#include "net/limits.h"

/*
 * The stack is single-threaded and never blocks: the caller serialises
 * every call (the guest kernel holds its lock), feeds received frames to
 * net_input() and calls net_poll() whenever time may have passed (at the
 * latest at net_next_deadline()). Frames go out and time comes in only
 * through struct net_ops, so host tests drive a stack with a simulated
 * clock and an in-memory link. Every function returns 0 (or a count or
 * handle) or -errno.
 */

/* Addresses: family-tagged so that IPv6 can come without an API change. */
enum { NET_AF_INET = 2, NET_AF_INET6 = 10 };

struct net_addr {
	uint8_t family; /* NET_AF_INET; NET_AF_INET6 is not implemented yet */
	union {
		uint32_t v4; /* host byte order */
		uint8_t v6[16];
	};
};

struct net_sockaddr {
	struct net_addr addr;
	uint16_t port; /* host byte order */
};

static inline struct net_addr net_ip4(uint8_t a, uint8_t b, uint8_t c,
				      uint8_t d)
{
	struct net_addr r = { .family = NET_AF_INET };

	r.v4 = (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
	return r;
}

struct net_ops {
	/* Send one Ethernet frame (len <= NET_FRAME_MAX) on interface ifx. */
	void (*send)(void *ctx, int ifx, const void *frame, size_t len);
	/* A monotonic clock in milliseconds. */
	uint64_t (*now_ms)(void *ctx);
	/* 32 unpredictable bits (initial sequence numbers, ports). */
	uint32_t (*random)(void *ctx);
	/* Optional: some socket's readiness may have changed. */
	void (*wake)(void *ctx);
};

struct net_stack;

/* Counters, for tests and /proc: what was dropped and why. */
struct net_stats {
	uint64_t rx_frames, tx_frames, rx_bad, rx_frag_drop, rx_not_ours;
	uint64_t arp_drop, loop_drop, icmp_echo_in, tcp_rst_out, tcp_rtx;
	uint64_t tcp_syn_drop, tcp_bad_csum, udp_no_port, dgram_drop;
};

/* Bytes of memory a stack needs: its whole, fixed footprint. */
size_t net_stack_size(void);
/* Initialise a stack in mem (net_stack_size() bytes, any contents). */
struct net_stack *net_stack_init(void *mem, const struct net_ops *ops,
				 void *ctx);
const struct net_stats *net_stats(const struct net_stack *s);

/*
 * Interfaces. net_if_add gives back an interface index (0..NET_IF_MAX-1),
 * the ifx of net_ops.send and net_input. mtu is at most NET_MTU.
 */
int net_if_add(struct net_stack *s, const uint8_t mac[6], unsigned mtu);
/* Addresses: prefix length 0..32, gateway 0 for none; replaces any earlier. */
int net_if_set_ip4(struct net_stack *s, int ifx, uint32_t addr, unsigned prefix,
		   uint32_t gateway);
int net_if_set_up(struct net_stack *s, int ifx, int up);

/* One received Ethernet frame (hostile: any bytes, any length). */
void net_input(struct net_stack *s, int ifx, const void *frame, size_t len);
/* Run what is due: timers, the loopback queue. */
void net_poll(struct net_stack *s);
/* When net_poll() next has work (ms, on the now_ms clock); UINT64_MAX if idle. */
uint64_t net_next_deadline(struct net_stack *s);

/* Readiness bits of net_tcp_poll / net_dgram_poll (Linux poll values). */
#define NET_POLLIN 0x001
#define NET_POLLOUT 0x004
#define NET_POLLERR 0x008
#define NET_POLLHUP 0x010
#define NET_POLLRDHUP 0x2000

/* Flags of send and receive. */
#define NET_MSG_PEEK 0x2

/* TCP. Handles are small integers (0..NET_TCP_SOCKS-1). */
int net_tcp_open(struct net_stack *s);
int net_tcp_bind(struct net_stack *s, int h, const struct net_sockaddr *a);
int net_tcp_listen(struct net_stack *s, int h, int backlog);
/* A new connection's handle, or -EAGAIN. */
int net_tcp_accept(struct net_stack *s, int h);
/* Starts the handshake: -EINPROGRESS; net_tcp_poll gives POLLOUT once done. */
int net_tcp_connect(struct net_stack *s, int h, const struct net_sockaddr *a);
/* Bytes queued (maybe fewer than len), -EAGAIN when full, -EPIPE once shut. */
long net_tcp_send(struct net_stack *s, int h, const void *buf, size_t len);
/* Bytes read, 0 at the peer's FIN, -EAGAIN when nothing is there yet. */
long net_tcp_recv(struct net_stack *s, int h, void *buf, size_t len, int flags);
/* how: 0 read side, 1 write side (FIN once the queue is out), 2 both. */
int net_tcp_shutdown(struct net_stack *s, int h, int how);
/* Gives the handle back; the connection closes gracefully (or by RST if data was unread). */
int net_tcp_close(struct net_stack *s, int h);
/* Drop the connection with a RST now (SO_LINGER with a zero timeout). */
int net_tcp_abort(struct net_stack *s, int h);
int net_tcp_poll(struct net_stack *s, int h);
/* The pending error (SO_ERROR), cleared by reading it. */
int net_tcp_error(struct net_stack *s, int h);
int net_tcp_name(struct net_stack *s, int h, struct net_sockaddr *local,
		 struct net_sockaddr *peer);

enum net_tcp_opt {
	NET_TCPOPT_NODELAY,
	NET_TCPOPT_KEEPALIVE, /* on/off */
	NET_TCPOPT_KEEPIDLE, /* seconds */
	NET_TCPOPT_KEEPINTVL, /* seconds */
	NET_TCPOPT_KEEPCNT,
	NET_TCPOPT_REUSEADDR,
	NET_TCPOPT_MAXSEG, /* our MSS, before the connection */
	NET_TCPOPT_TTL,
};
int net_tcp_setopt(struct net_stack *s, int h, enum net_tcp_opt opt, int val);
int net_tcp_getopt(struct net_stack *s, int h, enum net_tcp_opt opt, int *val);

/* The RFC 9293 state of a connection (for tests and diagnostics). */
enum net_tcp_state {
	NET_TCP_CLOSED,
	NET_TCP_LISTEN,
	NET_TCP_SYN_SENT,
	NET_TCP_SYN_RECEIVED,
	NET_TCP_ESTABLISHED,
	NET_TCP_FIN_WAIT_1,
	NET_TCP_FIN_WAIT_2,
	NET_TCP_CLOSE_WAIT,
	NET_TCP_CLOSING,
	NET_TCP_LAST_ACK,
	NET_TCP_TIME_WAIT,
};
int net_tcp_state(struct net_stack *s, int h);
/* Connections in a state, whoever holds them (TIME-WAIT ones have no owner). */
int net_tcp_count(struct net_stack *s, enum net_tcp_state st);
/* Congestion state of a connection, for tests: cwnd, ssthresh, rto in bytes/ms. */
int net_tcp_cc(struct net_stack *s, int h, uint32_t *cwnd, uint32_t *ssthresh,
	       uint32_t *rto_ms);

/*
 * Datagram sockets: UDP, or ICMP echo ("ping sockets": the port is the echo
 * identifier, sendto sends an echo request whose payload is buf after the
 * 8-byte ICMP header the caller provides, recvfrom gives echo replies).
 */
enum { NET_PROTO_ICMP = 1, NET_PROTO_TCP = 6, NET_PROTO_UDP = 17 };
int net_dgram_open(struct net_stack *s, int proto);
int net_dgram_bind(struct net_stack *s, int h, const struct net_sockaddr *a);
int net_dgram_connect(struct net_stack *s, int h, const struct net_sockaddr *a);
/* to NULL: the connected peer. Returns len or -errno (-EMSGSIZE > NET_DGRAM_MAX). */
long net_dgram_send(struct net_stack *s, int h, const void *buf, size_t len,
		    const struct net_sockaddr *to);
/* One datagram (truncated to len; returns its full length), -EAGAIN if none. */
long net_dgram_recv(struct net_stack *s, int h, void *buf, size_t len,
		    int flags, struct net_sockaddr *from);
int net_dgram_poll(struct net_stack *s, int h);
int net_dgram_close(struct net_stack *s, int h);
int net_dgram_name(struct net_stack *s, int h, struct net_sockaddr *local,
		   struct net_sockaddr *peer);
int net_dgram_set_ttl(struct net_stack *s, int h, int ttl);

#endif
