/* SPDX-License-Identifier: MIT */
/* xs_ring.h: xenstore ring framing and index checks (no kernel deps; host-tested). */
#ifndef GUEST_XENPLAT_XS_RING_H
#define GUEST_XENPLAT_XS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/errno.h"

#include <xen/io/xs_wire.h>

/*
 * Ring indices come from the other end (xenstored): they are read once
 * into locals and checked, prod - cons <= XENSTORE_RING_SIZE in 32-bit
 * unsigned arithmetic; a violation returns -EIO and the caller must stop
 * using the ring.
 */

/* Copies up to n bytes into the request ring. Returns bytes written
 * (0 when full) or -EIO. */
int xs_ring_put(struct xenstore_domain_interface *r, const void *buf, size_t n);
/* Copies up to n bytes out of the response ring. Returns bytes read
 * (0 when empty) or -EIO. */
int xs_ring_get(struct xenstore_domain_interface *r, void *buf, size_t n);

/*
 * Builds a message: header + the parts, each part followed by a NUL
 * if its nul flag is set. Returns the total length or -E2BIG (payload
 * > XENSTORE_PAYLOAD_MAX or > cap).
 */
struct xs_part {
	const void *data;
	size_t len;
	int nul;
};
int xs_msg_build(void *buf, size_t cap, uint32_t type, uint32_t req_id,
		 uint32_t tx_id, const struct xs_part *parts, size_t nparts);

/* Checks a received header: len <= XENSTORE_PAYLOAD_MAX, known type.
 * Returns 0 or -EIO. */
int xs_msg_check(const struct xsd_sockmsg *h);

/* Maps an XS_ERROR payload ("ENOENT\0") to -errno (-EIO if unknown). */
int xs_error_to_errno(const char *payload, size_t len);

/* Checks an XS_WATCH_EVENT payload ("path\0token\0") and returns
 * pointers into it. Returns 0 or -EIO. */
int xs_watch_event_parse(const char *payload, size_t len, const char **path_r,
			 const char **token_r);

/* Counts NUL-terminated names in a XS_DIRECTORY reply; -EIO if the
 * payload does not end in NUL. */
int xs_directory_count(const char *payload, size_t len);

#endif
