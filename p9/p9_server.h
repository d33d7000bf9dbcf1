/* SPDX-License-Identifier: MIT */
/* p9_server: the dom0 9P2000.L file server of one volume, confined to its root; every message is hostile (docs/VOLUMES.md). */
#ifndef XENPOD_P9_SERVER_H
#define XENPOD_P9_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define P9S_DEFAULT_MSIZE (128u * 1024u)
#define P9S_DEFAULT_FIDS 1024u
#define P9S_MAX_FIDS 65536u
#define P9S_SQUASH_OWNER \
	0xffffffffu /* squash to the owner of the volume root */

struct p9s_config {
	int root_fd; /* a directory fd of the volume root; the server dups it */
	bool readonly; /* refuse every change with EROFS */
	uint32_t max_msize; /* P9_MSIZE_MIN..P9_MSIZE_MAX; 0 = P9S_DEFAULT_MSIZE */
	uint32_t max_fids; /* 1..P9S_MAX_FIDS; 0 = P9S_DEFAULT_FIDS */
	/* Host owner of what the guest creates (P9S_SQUASH_OWNER: the root's owner). */
	uint32_t squash_uid, squash_gid;
	const char *name; /* for log lines: "pod/volume" */
};

struct p9s;

/* 0 and *r, -EINVAL for a bad config (named in the log), or -errno. */
int p9s_new(const struct p9s_config *cfg, struct p9s **r);
void p9s_free(struct p9s *s);

/*
 * Serve one request req[0..len) (one whole message as framed with
 * p9_frame_size against p9s_msize()); the reply goes to out (cap >= the
 * msize). Returns the reply's length, or -EPROTO when the request cannot
 * be answered at all (its size field is not len, or it is above the
 * msize): the transport then drops the connection. Any other trouble is
 * an Rlerror to the client.
 */
int p9s_handle(struct p9s *s, const uint8_t *req, size_t len, uint8_t *out,
	       size_t cap);
/* The msize in force: the configured maximum until Tversion, then the negotiated one. */
uint32_t p9s_msize(const struct p9s *s);
/* Fids in use (tests). */
unsigned p9s_fids(const struct p9s *s);
/* Requests refused as escape attempts or protocol abuse (names with '/',
 * symlink traversal, ".." above a moved directory). */
unsigned long p9s_refused(const struct p9s *s);

#endif
