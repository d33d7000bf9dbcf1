/* SPDX-License-Identifier: MIT */
/* limits.h: every fixed bound of the guest TCP/IP stack, in one place (docs/NETWORK-STACK.md). */
#ifndef GUEST_NET_LIMITS_H
#define GUEST_NET_LIMITS_H

/*
 * The stack allocates nothing after net_stack_init(): every table below is
 * a fixed array inside struct net_stack, so its size (net_stack_size()) is
 * the stack's whole memory, whatever the peers send. Each bound may be
 * overridden at build time (-DNET_TCP_SOCKS=4, as the fuzzer does).
 */

/* Interfaces (besides loopback) and their frames. */
#ifndef NET_IF_MAX
#define NET_IF_MAX 4
#endif
#define NET_MTU 1500 /* IPv4 packet bytes per frame, every interface */
#define NET_ETH_HLEN 14
#define NET_FRAME_MAX (NET_ETH_HLEN + NET_MTU)

/* ARP: cache entries per interface, lifetimes, frames held while resolving. */
#ifndef NET_ARP_ENTRIES
#define NET_ARP_ENTRIES 16
#endif
#define NET_ARP_TTL_MS \
	60000u /* a resolved entry is refreshed or dropped after */
#define NET_ARP_RETRY_MS 1000u /* request again this often while unresolved */
#define NET_ARP_TRIES \
	3 /* requests before an entry fails (its frames dropped) */
#ifndef NET_ARP_QUEUE
#define NET_ARP_QUEUE 8 /* frames waiting for a resolution, whole stack */
#endif

/* IPv4. Fragments are dropped (counted), never reassembled: see the doc. */
#define NET_IP_TTL 64

/* Loopback: IP packets queued to the stack itself, run at net_poll(). */
#ifndef NET_LOOP_QUEUE
#define NET_LOOP_QUEUE 16
#endif

/* Datagram sockets (UDP and ICMP echo), each with a queue of datagrams. */
#ifndef NET_DGRAM_SOCKS
#define NET_DGRAM_SOCKS 16
#endif
#ifndef NET_DGRAM_QLEN
#define NET_DGRAM_QLEN 8
#endif
#define NET_DGRAM_MAX (NET_MTU - 20 - 8) /* payload: no fragmentation */

/* TCP: connections (listeners, embryonic, established and closing alike). */
#ifndef NET_TCP_SOCKS
#define NET_TCP_SOCKS 16
#endif
#ifndef NET_TCP_SNDBUF
#define NET_TCP_SNDBUF 32768
#endif
#ifndef NET_TCP_RCVBUF
#define NET_TCP_RCVBUF 65536
#endif
#define NET_TCP_BACKLOG_MAX 8 /* SYN-RECEIVED + unaccepted, per listener */
#define NET_TCP_OOO_RANGES 4 /* out-of-order byte ranges held per socket */
#define NET_TCP_MSS_MIN 88 /* a peer's smaller MSS option is raised to this */
#define NET_TCP_MSL_MS 30000u /* TIME-WAIT lasts 2 MSL */
#define NET_TCP_RTO_INIT_MS 1000u /* RFC 6298 2.1 */
#define NET_TCP_RTO_MIN_MS 200u /* below RFC 6298's 1 s, as Linux */
#define NET_TCP_RTO_MAX_MS 60000u
#define NET_TCP_RETRIES_SYN 6 /* SYN retransmissions before ETIMEDOUT */
#define NET_TCP_RETRIES 12 /* data retransmissions before ETIMEDOUT */
#define NET_TCP_DELACK_MS 40u /* delayed ACK (RFC 9293 3.8.6.3: < 0.5 s) */
#define NET_TCP_KEEPIDLE_MS 7200000u /* defaults, settable per socket */
#define NET_TCP_KEEPINTVL_MS 75000u
#define NET_TCP_KEEPCNT_DEF 9
#define NET_TCP_PERSIST_MIN_MS 500u /* zero-window probes, backed off */

/* Ephemeral ports. */
#define NET_PORT_EPH_LO 49152
#define NET_PORT_EPH_HI 65535

#endif
