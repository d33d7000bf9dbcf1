/* SPDX-License-Identifier: MIT */
/* wire.h: the stack's wire formats (Ethernet, ARP, IPv4, ICMP, UDP, TCP): parse and emit, no state. */
#ifndef GUEST_NET_WIRE_H
#define GUEST_NET_WIRE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every parse takes the buffer and its length, checks every length field
 * against it, and fills a host-order struct whose pointers point into the
 * buffer; it returns 0 or -EINVAL. Emits write into a buffer the caller
 * has sized (the *_HLEN constants) and never fail.
 */

static inline uint16_t wire_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The Internet checksum (RFC 1071): sum in 32 bits, then fold. */
uint32_t wire_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t wire_csum_fold(uint32_t sum);
/* The pseudo-header sum of TCP and UDP over IPv4. */
uint32_t wire_csum_pseudo4(uint32_t src, uint32_t dst, uint8_t proto,
			   uint16_t len);

/* Ethernet II. */
#define WIRE_ETH_HLEN 14
#define WIRE_ETH_IP4 0x0800
#define WIRE_ETH_ARP 0x0806
struct wire_eth {
	uint8_t dst[6], src[6];
	uint16_t type;
	const uint8_t *payload;
	size_t len;
};
int wire_eth_parse(const uint8_t *p, size_t n, struct wire_eth *e);
void wire_eth_emit(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
		   uint16_t type);

/* ARP for IPv4 over Ethernet (RFC 826). */
#define WIRE_ARP_LEN 28
#define WIRE_ARP_REQUEST 1
#define WIRE_ARP_REPLY 2
struct wire_arp {
	uint16_t op;
	uint8_t sha[6], tha[6];
	uint32_t spa, tpa;
};
int wire_arp_parse(const uint8_t *p, size_t n, struct wire_arp *a);
void wire_arp_emit(uint8_t *p, const struct wire_arp *a);

/* IPv4 (RFC 791). Options are skipped; fragments are reported, not joined. */
#define WIRE_IP4_HLEN 20
struct wire_ip4 {
	uint8_t hlen, tos, ttl, proto;
	uint16_t total, id;
	int fragment; /* MF set or a non-zero offset */
	uint32_t src, dst;
	const uint8_t *payload;
	size_t len; /* payload bytes: total - hlen (link padding cut off) */
};
/* Also verifies the header checksum, the version and the lengths. */
int wire_ip4_parse(const uint8_t *p, size_t n, struct wire_ip4 *ip);
/* A 20-byte header with DF set and its checksum; payload_len follows it. */
void wire_ip4_emit(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto,
		   uint8_t ttl, uint16_t id, size_t payload_len);

/* ICMP (RFC 792): echo and its reply; the checksum covers the whole message. */
#define WIRE_ICMP_HLEN 8
#define WIRE_ICMP_ECHO_REPLY 0
#define WIRE_ICMP_UNREACH 3
#define WIRE_ICMP_ECHO 8
struct wire_icmp {
	uint8_t type, code;
	uint16_t id, seq;
	const uint8_t *payload;
	size_t len;
};
int wire_icmp_parse(const uint8_t *p, size_t n, struct wire_icmp *c);
/* Header then payload (already at p + 8), checksum over both. */
void wire_icmp_emit(uint8_t *p, uint8_t type, uint8_t code, uint16_t id,
		    uint16_t seq, size_t payload_len);

/* UDP (RFC 768). */
#define WIRE_UDP_HLEN 8
struct wire_udp {
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t len;
};
/* src/dst: for the pseudo-header checksum (a zero checksum means none). */
int wire_udp_parse(const uint8_t *p, size_t n, uint32_t src, uint32_t dst,
		   struct wire_udp *u);
void wire_udp_emit(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport,
		   uint16_t dport, size_t payload_len);

/* TCP (RFC 9293) with the MSS, window scale and end/no-op options. */
#define WIRE_TCP_HLEN 20
#define WIRE_TCP_OPT_MAX 40
#define WIRE_TCP_FIN 0x01
#define WIRE_TCP_SYN 0x02
#define WIRE_TCP_RST 0x04
#define WIRE_TCP_PSH 0x08
#define WIRE_TCP_ACK 0x10
#define WIRE_TCP_URG 0x20
struct wire_tcp {
	uint16_t sport, dport, win, urp;
	uint32_t seq, ack;
	uint8_t flags, hlen;
	int mss; /* -1 when absent */
	int wscale; /* -1 when absent; capped at 14 (RFC 7323 2.3) */
	const uint8_t *payload;
	size_t len;
};
int wire_tcp_parse(const uint8_t *p, size_t n, uint32_t src, uint32_t dst,
		   struct wire_tcp *t);
/*
 * Header (with an MSS option if mss > 0, a window scale option if
 * wscale >= 0) then payload_len bytes already at p + wire_tcp_hlen(...);
 * checksum over both. Returns the header length.
 */
size_t wire_tcp_hlen(int mss, int wscale);
size_t wire_tcp_emit(uint8_t *p, uint32_t src, uint32_t dst,
		     const struct wire_tcp *t, size_t payload_len);

#endif
