/* SPDX-License-Identifier: MIT */
/* tcp.h: calls between the TCP input, output and socket parts (internal). */
#ifndef GUEST_NET_TCP_H
#define GUEST_NET_TCP_H

#include "net_impl.h"

uint32_t tcp_rcv_space(const struct tcb *t);
int tcp_xmit(struct net_stack *s, struct tcb *t, uint32_t seq, uint32_t len,
	     uint8_t flags);
void tcp_output(struct net_stack *s, struct tcb *t);
void tcp_retransmit_first(struct net_stack *s, struct tcb *t);
void tcp_reset_reply(struct net_stack *s, const struct wire_ip4 *ip,
		     const struct wire_tcp *in);
void tcp_send_rst(struct net_stack *s, struct tcb *t);
void tcp_rto_arm(struct net_stack *s, struct tcb *t);
void tcp_rtt_sample(struct tcb *t, uint32_t r);

/* tcp.c */
struct tcb *tcp_alloc(struct net_stack *s);
/* Enter CLOSED: with err for the owner (0 for a clean end); frees unowned ones. */
void tcp_set_closed(struct net_stack *s, struct tcb *t, int err);
void tcp_init_conn(struct net_stack *s, struct tcb *t);

#endif
