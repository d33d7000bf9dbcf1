/* SPDX-License-Identifier: MIT */
/* p9front.h: Xen's 9pfs PV frontend (io/9pfs.h): the pod's volumes from xenstore, one granted ring each, a 9P request at a time. */
#ifndef GUEST_XENPLAT_P9FRONT_H
#define GUEST_XENPLAT_P9FRONT_H

#include <stdbool.h>
#include <stdint.h>

#define P9FRONT_MAX 8 /* volumes per pod */
#define P9FRONT_MOUNT_MAX 256 /* bytes of a mount point, NUL included */

/* What the toolstack tells a volume's frontend (device/9pfs/N). */
struct p9front_info {
	unsigned index; /* device/9pfs/INDEX */
	char tag[64];
	char mount[P9FRONT_MOUNT_MAX]; /* absolute path in the pod */
	bool readonly;
	uint32_t msize; /* the ring half: the largest message either way */
};

/*
 * Connects every device under device/9pfs (one ring of 32 pages granted
 * to the backend, an event channel, transport version 1) and fills info.
 * Must run in task context (it sleeps). Returns the count connected, or
 * -errno for the first device that does not connect (*bad_r is its
 * index; those before it stay connected: the pod is failing anyway).
 */
int p9front_init(struct p9front_info info[P9FRONT_MAX], unsigned *bad_r);

/*
 * One 9P exchange on volume vol (a p9c_rpc_fn; arg is the volume index
 * cast to a pointer): sends the request, sleeps until the whole reply is
 * in resp. -EIO once the backend has gone (state not Connected, or it
 * broke the framing): the device stays dead, every later call fails at
 * once, nothing waits for it forever. -EMSGSIZE for a reply above cap.
 * Callers serialise calls per volume (the volume layer's lock).
 */
int p9front_rpc(void *vol, const uint8_t *req, uint32_t len, uint8_t *resp,
		uint32_t cap);

/*
 * Logs each volume's exchange counts (one line per volume) if the boot
 * flag xenpod.p9trace is set or a reply was found only after a wait timed
 * out (its event lost or late): init calls it before the power-off.
 */
void p9front_report(void);

#endif
