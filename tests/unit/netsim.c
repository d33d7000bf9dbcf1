/* SPDX-License-Identifier: MIT */
/* netsim.c: the in-memory link and simulated clock under the network stack's unit tests. */
#include "netsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/wire.h"

uint32_t netsim_rand(struct netsim *sim)
{
	/* xorshift64*: deterministic for a seed */
	sim->rng ^= sim->rng >> 12;
	sim->rng ^= sim->rng << 25;
	sim->rng ^= sim->rng >> 27;
	return (uint32_t)((sim->rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static void sim_send(void *ctx, int ifx, const void *frame, size_t len)
{
	struct netsim_node *n = ctx;
	struct netsim *sim = n->sim;
	struct netsim_frame *f;
	struct netsim_log *l;
	bool drop = false;

	if (len > NET_FRAME_MAX || len < 14) {
		fprintf(stderr, "netsim: node %d sent a %zu-byte frame\n",
			n->id, len);
		abort();
	}
	sim->sent++;
	if (sim->loss_pct && netsim_rand(sim) % 100 < sim->loss_pct)
		drop = true;
	if (!drop && sim->filter && sim->filter(sim, n->id, frame, len))
		drop = true;
	if (sim->nlog == sim->logcap) {
		sim->logcap = sim->logcap ? sim->logcap * 2 : 1024;
		sim->log = realloc(sim->log, sim->logcap * sizeof(*sim->log));
		if (!sim->log)
			abort();
	}
	l = &sim->log[sim->nlog++];
	l->at = sim->now;
	l->from = n->id;
	l->dropped = drop;
	l->len = (uint16_t)len;
	memcpy(l->head, frame, len < NETSIM_LOG_BYTES ? len : NETSIM_LOG_BYTES);
	if (drop) {
		sim->lost++;
		return;
	}
	if (sim->nq == sim->qcap) {
		sim->qcap = sim->qcap ? sim->qcap * 2 : 256;
		sim->q = realloc(sim->q, sim->qcap * sizeof(*sim->q));
		if (!sim->q)
			abort();
	}
	f = &sim->q[sim->nq++];
	f->at = sim->now + sim->delay_ms;
	if (sim->reorder_pct && netsim_rand(sim) % 100 < sim->reorder_pct)
		f->at += 1 + netsim_rand(sim) % (3 * sim->delay_ms + 1);
	f->to = 1 - n->id;
	f->len = (uint16_t)len;
	memcpy(f->data, frame, len);
}

static uint64_t sim_now(void *ctx)
{
	struct netsim_node *n = ctx;

	return n->sim->now;
}

static uint32_t sim_random(void *ctx)
{
	struct netsim_node *n = ctx;

	return netsim_rand(n->sim);
}

static const struct net_ops sim_ops = {
	.send = sim_send,
	.now_ms = sim_now,
	.random = sim_random,
};

struct netsim *netsim_new(uint64_t seed)
{
	struct netsim *sim = calloc(1, sizeof(*sim));

	if (!sim)
		abort();
	sim->rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	sim->now = 1000;
	sim->delay_ms = 1;
	for (int i = 0; i < NETSIM_NODES; i++) {
		struct netsim_node *n = &sim->node[i];
		const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) };

		n->sim = sim;
		n->id = i;
		n->mem = malloc(net_stack_size());
		if (!n->mem)
			abort();
		n->s = net_stack_init(n->mem, &sim_ops, n);
		memcpy(n->mac, mac, 6);
		n->ip = 0x0a000001u + (uint32_t)i;
		n->ifx = net_if_add(n->s, mac, 1500);
		if (!n->s || n->ifx < 0 ||
		    net_if_set_ip4(n->s, n->ifx, n->ip, 24, 0) ||
		    net_if_set_up(n->s, n->ifx, 1))
			abort();
	}
	return sim;
}

void netsim_free(struct netsim *sim)
{
	for (int i = 0; i < NETSIM_NODES; i++)
		free(sim->node[i].mem);
	free(sim->q);
	free(sim->log);
	free(sim);
}

/* Deliver every frame due now (in queue order among equal times). */
static bool deliver_due(struct netsim *sim)
{
	bool any = false;

	for (size_t i = 0; i < sim->nq;) {
		struct netsim_frame *f = &sim->q[i];

		if (f->at > sim->now) {
			i++;
			continue;
		}
		{
			struct netsim_frame cur = *f;
			struct netsim_node *n = &sim->node[cur.to];

			memmove(f, f + 1, (sim->nq - i - 1) * sizeof(*f));
			sim->nq--;
			net_input(n->s, n->ifx, cur.data, cur.len);
			any = true;
		}
	}
	return any;
}

static uint64_t next_event(struct netsim *sim)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < sim->nq; i++)
		if (sim->q[i].at < next)
			next = sim->q[i].at;
	for (int i = 0; i < NETSIM_NODES; i++) {
		uint64_t d = net_next_deadline(sim->node[i].s);

		if (d < next)
			next = d;
	}
	return next;
}

bool netsim_run_until(struct netsim *sim, bool (*cond)(void *arg), void *arg,
		      uint64_t max_ms)
{
	uint64_t end = sim->now + max_ms;

	for (;;) {
		uint64_t next;

		do {
			for (int i = 0; i < NETSIM_NODES; i++)
				net_poll(sim->node[i].s);
		} while (deliver_due(sim));
		if (cond && cond(arg))
			return true;
		next = next_event(sim);
		if (next <= sim->now)
			next = sim->now + 1;
		if (next > end) {
			sim->now = end;
			for (int i = 0; i < NETSIM_NODES; i++)
				net_poll(sim->node[i].s);
			return cond ? cond(arg) : false;
		}
		sim->now = next;
	}
}

void netsim_run(struct netsim *sim, uint64_t ms)
{
	netsim_run_until(sim, NULL, NULL, ms);
}

int netsim_log_tcp(const struct netsim_log *l, struct wire_tcp *t)
{
	const uint8_t *ip = l->head + WIRE_ETH_HLEN;
	size_t ihl;

	if (l->len < WIRE_ETH_HLEN + WIRE_IP4_HLEN + WIRE_TCP_HLEN ||
	    wire_get16(l->head + 12) != WIRE_ETH_IP4 || ip[9] != NET_PROTO_TCP)
		return -1;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	memset(t, 0, sizeof(*t));
	t->sport = wire_get16(ip + ihl);
	t->dport = wire_get16(ip + ihl + 2);
	t->seq = wire_get32(ip + ihl + 4);
	t->ack = wire_get32(ip + ihl + 8);
	t->hlen = (uint8_t)((ip[ihl + 12] >> 4) * 4);
	t->flags = ip[ihl + 13] & 0x3f;
	t->win = wire_get16(ip + ihl + 14);
	t->len = wire_get16(ip + 2) - ihl - t->hlen;
	return 0;
}
