/* SPDX-License-Identifier: MIT */
/* netfront.h: Xen's PV network frontend (io/netif.h): vifs from xenstore, grant-only rings. */
#ifndef GUEST_XENPLAT_NETFRONT_H
#define GUEST_XENPLAT_NETFRONT_H

#include <stddef.h>
#include <stdint.h>

#define NETFRONT_MAX 4 /* vifs */
#define NETFRONT_MTU 1500

/* What the backend tells us about a vif. */
struct netfront_info {
	unsigned index; /* device/vif/INDEX */
	uint8_t mac[6];
	/* From the backend's "ip" node ("ADDR [NETMASK [GATEWAY]]", as Mini-OS
	 * reads it): host order, 0 when absent. */
	uint32_t ip, netmask, gateway;
};

/*
 * Called in interrupt context for every received frame (len bytes at
 * frame, valid until it returns).
 */
typedef void (*netfront_rx_fn)(void *arg, int vif, const void *frame,
			       size_t len);

/*
 * Finds the vifs under device/vif, connects each to its backend (rings
 * and rx buffers granted to it, an event channel, request-rx-copy=1,
 * feature-rx-notify=1, feature-no-csum-offload=1, state Connected) and
 * fills info[]. Thread context (xenstore). Returns the number of vifs
 * connected (0 if there are none) or -errno; a vif that fails is
 * reported on the console and left out.
 */
int netfront_init(struct netfront_info info[NETFRONT_MAX], netfront_rx_fn rx,
		  void *arg);
/* Queue one frame (len <= 14 + NETFRONT_MTU) on vif; any context.
 * -ENOBUFS when the tx ring is full, -ENODEV for no such vif. */
int netfront_send(int vif, const void *frame, size_t len);
/* Counters of one vif. */
struct netfront_stats {
	uint64_t rx, tx, rx_bad, tx_full;
};
int netfront_stats(int vif, struct netfront_stats *st);

#endif
