/* SPDX-License-Identifier: MIT */
/* netdev.c: the kernel's TCP/IP stack instance: netfront frames in and out, clock, wake-ups. */
#include "kernel/netdev.h"

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "net/net.h"
#include "xenplat/netfront.h"

void random_fill(void *buf, size_t n); /* dev.c */

const char netdev_chan;
static struct net_stack *stack;
/* The stack's next deadline as a kernel timer: retransmissions, delayed
 * ACKs and keepalives run while every task sleeps elsewhere (in poll,
 * epoll or a pipe read), not only on the next frame or socket call. */
static struct ktimer net_timer;

static void net_tick(struct ktimer *t)
{
	netdev_poll();
}

/* Interrupts off. */
void netdev_rearm(void)
{
	uint64_t next, at, soonest;

	if (!stack)
		return;
	next = net_next_deadline(stack);
	if (next == UINT64_MAX)
		return;
	/* Never in the past: the timer list runs what is due at one instant,
	 * and a deadline net_poll left in place (0 for queued loopback) must
	 * not re-arm at that instant forever; a millisecond later at worst. */
	at = next * 1000000 + 1;
	soonest = time_now_ns() + 1000000;
	ktimer_arm(&net_timer, at > soonest ? at : soonest);
}

static void nd_send(void *ctx, int ifx, const void *frame, size_t len)
{
	netfront_send(ifx, frame, len); /* a full ring drops: TCP resends */
}

static uint64_t nd_now(void *ctx)
{
	return time_now_ns() / 1000000;
}

static uint32_t nd_random(void *ctx)
{
	uint32_t v;

	random_fill(&v, sizeof(v));
	return v;
}

static void nd_wake(void *ctx)
{
	wake_up(&netdev_chan);
	poll_wake();
}

static const struct net_ops nd_ops = {
	.send = nd_send,
	.now_ms = nd_now,
	.random = nd_random,
	.wake = nd_wake,
};

/* Interrupt context: a frame from vif (the stack's interface of the same index). */
static void nd_rx(void *arg, int vif, const void *frame, size_t len)
{
	if (!stack)
		return;
	net_input(stack, vif, frame, len);
	netdev_poll();
}

struct net_stack *netdev_stack(void)
{
	return stack;
}

void netdev_poll(void)
{
	if (!stack)
		return;
	net_poll(stack);
	netdev_rearm();
}

static unsigned prefix_of(uint32_t mask)
{
	unsigned n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return n;
}

int netdev_init(void)
{
	static struct netfront_info info[NETFRONT_MAX];
	size_t pages = (net_stack_size() + PAGE_SIZE - 1) / PAGE_SIZE;
	struct net_stack *s;
	uint64_t pa, fl, t0 = time_now_ns();
	int n, rc;

	n = netfront_init(info, nd_rx, NULL);
	if (n <= 0)
		return n;
	pr_info("xenpod-kernel: %d vif(s) connected in %lu us\n", n,
		(time_now_ns() - t0) / 1000);
	pa = page_alloc(pages);
	if (!pa) {
		printk("xenpod-kernel: net: no memory for the stack (%zu "
		       "pages)\n",
		       pages);
		return -ENOMEM;
	}
	s = net_stack_init(phys_to_virt(pa), &nd_ops, NULL);
	for (int i = 0; i < n; i++) {
		const struct netfront_info *in = &info[i];
		unsigned prefix = in->netmask ? prefix_of(in->netmask) : 24;

		rc = net_if_add(s, in->mac, NETFRONT_MTU);
		if (rc != i) {
			printk("xenpod-kernel: vif%u: not added: %d\n",
			       in->index, rc);
			page_free(pa, pages); /* frames keep being dropped */
			return rc < 0 ? rc : -EINVAL;
		}
		if (in->ip) {
			rc = net_if_set_ip4(s, i, in->ip, prefix, in->gateway);
			if (rc)
				printk("xenpod-kernel: vif%u: address refused: "
				       "%d\n",
				       in->index, rc);
		}
		net_if_set_up(s, i, 1);
		pr_info("xenpod-kernel: vif%u: %02x:%02x:%02x:%02x:%02x:%02x "
			"%u.%u.%u.%u/%u gw %u.%u.%u.%u\n",
			in->index, in->mac[0], in->mac[1], in->mac[2],
			in->mac[3], in->mac[4], in->mac[5], in->ip >> 24,
			in->ip >> 16 & 255, in->ip >> 8 & 255, in->ip & 255,
			prefix, in->gateway >> 24, in->gateway >> 16 & 255,
			in->gateway >> 8 & 255, in->gateway & 255);
	}
	ktimer_init(&net_timer, net_tick);
	fl = irq_save();
	stack = s;
	irq_restore(fl);
	return n;
}
