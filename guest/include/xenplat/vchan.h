/* SPDX-License-Identifier: MIT */
/* vchan.h: the client end of a libxenvchan channel, mapped from another domain's grants. */
#ifndef GUEST_XENPLAT_VCHAN_H
#define GUEST_XENPLAT_VCHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenplat/evtchn.h"
#include "xenplat/vchan_ring.h"
#include "xenplat/xen.h"

/*
 * The server (libxenvchan_server_init in dom0) owns every page: a control
 * page (struct vchan_interface) and the two rings, granted to us, plus an
 * unbound event channel. We map them into a fixed window of our
 * guest-physical space (see gnttab_window), kept for every later
 * connection. The server's death shows as srv_live != 1 (gntalloc's unmap
 * notification clears it and fires the event).
 */
struct vchan {
	bool up;
	domid_t dom;
	evtchn_port_t port; /* local */
	struct vchan_interface *ctl;
	struct vchan_ring wr, rd; /* left: we write; right: we read */
	unsigned nmapped;
	grant_handle_t handles[1 + 2 * VCHAN_MAX_PAGES];
};

/*
 * Maps and joins the server's channel (ring_ref / remote_port as read
 * from xenstore). fn runs in interrupt context on every event. Returns 0,
 * -ECONNREFUSED if the page is not a fresh live server (srv_live != 1 or
 * cli_live != 2: a dead or taken channel), -EINVAL for a bad layout, or
 * the mapping/binding error. On failure nothing stays mapped.
 */
int vchan_connect(struct vchan *v, domid_t dom, uint32_t ring_ref,
		  uint32_t remote_port, evtchn_handler_t fn, void *arg);
/* Tells the server we left (cli_live = 0), unbinds, unmaps. */
void vchan_close(struct vchan *v);
/* srv_live == 1, read once. */
bool vchan_server_alive(const struct vchan *v);
/* Logs both rings' indexes, the notification bytes and liveness. */
void vchan_dump(const struct vchan *v);
/* Up to n bytes; 0 when empty (a write notification is then requested);
 * -EIO on a ring violation. */
int vchan_read(struct vchan *v, void *dst, size_t n);
/* Exactly n bytes or 0 when there is not room (a read notification is
 * then requested); -EMSGSIZE, -EIO. */
int vchan_write(struct vchan *v, const void *src, size_t n);
/* Free bytes in the write ring (requests a read notification if fewer
 * than want), or -EIO. */
int vchan_space(struct vchan *v, size_t want);

/* Our write position (the index the next vchan_write starts at). */
uint32_t vchan_wr_pos(const struct vchan *v);
/* What the server has consumed of our writes (cons, read once and
 * checked to lie within the ring behind our position); -EIO if not. */
int vchan_wr_consumed(const struct vchan *v, uint32_t *cons_r);
/* Copies n bytes we wrote at position pos (still in the ring) out. */
void vchan_wr_peek(const struct vchan *v, uint32_t pos, void *dst, size_t n);

#endif
