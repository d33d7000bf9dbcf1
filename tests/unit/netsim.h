/* SPDX-License-Identifier: MIT */
/* netsim.h: stacks of guest/net wired through an in-memory link with a simulated clock, loss and reordering. */
#ifndef XENPOD_NETSIM_H
#define XENPOD_NETSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"

#define NETSIM_NODES 2
#define NETSIM_LOG_BYTES 96 /* bytes of each frame kept in the log */

struct netsim;

struct netsim_node {
	struct netsim *sim;
	int id;
	struct net_stack *s;
	void *mem;
	uint8_t mac[6];
	uint32_t ip;
	int ifx;
};

struct netsim_frame {
	uint64_t at; /* delivery time */
	int to;
	uint16_t len;
	uint8_t data[NET_FRAME_MAX];
};

struct netsim_log {
	uint64_t at; /* when it was sent */
	int from;
	bool dropped;
	uint16_t len;
	uint8_t head[NETSIM_LOG_BYTES];
};

struct netsim {
	uint64_t now;
	uint64_t rng;
	unsigned delay_ms; /* one way */
	unsigned loss_pct, reorder_pct;
	/* Optional: return true to drop this frame (after loss). */
	bool (*filter)(struct netsim *sim, int from, const uint8_t *f,
		       size_t len);
	struct netsim_node node[NETSIM_NODES];
	struct netsim_frame *q;
	size_t nq, qcap;
	struct netsim_log *log;
	size_t nlog, logcap;
	uint64_t sent, lost;
};

/* Two stacks, 10.0.0.1 and 10.0.0.2/24, no loss, 1 ms one-way delay. */
struct netsim *netsim_new(uint64_t seed);
void netsim_free(struct netsim *sim);
static inline struct net_stack *netsim_stack(struct netsim *sim, int i)
{
	return sim->node[i].s;
}
/* Advance the clock by ms, delivering frames and running timers on the way. */
void netsim_run(struct netsim *sim, uint64_t ms);
/* Run until cond(arg) holds (checked after every event) or max_ms pass; true if it held. */
bool netsim_run_until(struct netsim *sim, bool (*cond)(void *arg), void *arg,
		      uint64_t max_ms);
uint32_t netsim_rand(struct netsim *sim);

/* Parse a logged frame as IPv4/TCP: 0 and the header, -1 if it is not TCP. */
struct wire_tcp;
int netsim_log_tcp(const struct netsim_log *l, struct wire_tcp *t);

#endif
