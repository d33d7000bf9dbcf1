/* SPDX-License-Identifier: MIT */
/* p9c.h: the 9P2000.L client core (transport-agnostic, freestanding): the guest kernel's volumes use it, host tests run it against p9/p9_server.c. */
#ifndef GUEST_LIB_P9C_H
#define GUEST_LIB_P9C_H

#include <stdint.h>

#include "lib/p9.h"

/*
 * One client of one 9P connection. Calls are synchronous and not
 * reentrant: one request is outstanding at a time and the caller
 * serialises the calls on one struct p9c (the guest's volume layer holds
 * its mount's lock around each call and its use of the reply).
 *
 * Every reply is hostile: it must decode strictly (lib/p9.c), carry the
 * request's tag, be the request's R-type or Rlerror, and its counts may
 * not exceed what was asked. Anything else is -EPROTO. Rlerror's code
 * comes back as its -errno (1..4095; other codes are -EIO), so ENOSPC or
 * EROFS from dom0 reach the program unchanged.
 *
 * Data a reply carries (p9c_read, p9c_readdir) points into the client's
 * reply buffer and is valid until the next call.
 */

/* Fids one client hands out (a bitmap in struct p9c). */
#define P9C_MAX_FIDS 1024u

/*
 * The transport: send req[0..len) (one whole message) and receive the
 * one reply into resp (cap bytes): its length, or -errno (-EIO when the
 * connection is gone, -EMSGSIZE when the reply does not fit cap).
 */
typedef int (*p9c_rpc_fn)(void *arg, const uint8_t *req, uint32_t len,
			  uint8_t *resp, uint32_t cap);

struct p9c {
	p9c_rpc_fn rpc;
	void *arg;
	uint8_t *tx, *rx; /* bufsize bytes each, the caller's */
	uint32_t bufsize;
	uint32_t msize; /* negotiated by p9c_version; 0 before */
	uint16_t tag;
	uint64_t fidmap[P9C_MAX_FIDS / 64];
	struct p9_msg m; /* the last reply, decoded (into rx) */
};

/* Set c up over a transport and two buffers of bufsize (>= P9_MSIZE_MIN). */
void p9c_init(struct p9c *c, p9c_rpc_fn rpc, void *arg, uint8_t *tx,
	      uint8_t *rx, uint32_t bufsize);

/* Tversion "9P2000.L" with msize = bufsize: 0 (c->msize set), -EPROTO,
 * also when the server answers another version. Forgets every fid. */
int p9c_version(struct p9c *c);
/* The largest Tread/Twrite/Treaddir count that fits the msize. */
uint32_t p9c_iomax(const struct p9c *c);

/* Tattach aname as the pod's root (uname "root", n_uname 0): a new fid. */
int p9c_attach(struct p9c *c, const char *aname, uint32_t *fid_r,
	       struct p9_qid *qid_r);
/*
 * Twalk from fid by n names (0..P9_MAXWELEM; 0 clones): a new fid and the
 * last qid (fid's own when n is 0; qid_r may be NULL). A walk that stops
 * short is -ENOENT (the server's own error when it stops at the first).
 */
int p9c_walk(struct p9c *c, uint32_t fid, unsigned n, const char *const *names,
	     uint32_t *newfid_r, struct p9_qid *qid_r);
/* Tclunk; the fid is free afterwards even if the server complained. */
int p9c_clunk(struct p9c *c, uint32_t fid);

/* Tlopen (Linux open flags). */
int p9c_open(struct p9c *c, uint32_t fid, uint32_t flags, struct p9_qid *qid_r);
/* Tlcreate name in the directory fid, which becomes the opened new file. */
int p9c_create(struct p9c *c, uint32_t fid, const char *name, uint32_t flags,
	       uint32_t mode, struct p9_qid *qid_r);

/* Tread of up to count (cut to p9c_iomax): bytes read (*data_r into the
 * reply buffer), 0 at the end, or -errno. */
long p9c_read(struct p9c *c, uint32_t fid, uint64_t off, uint32_t count,
	      const void **data_r);
/* Twrite of up to n bytes (cut to p9c_iomax): bytes written or -errno. */
long p9c_write(struct p9c *c, uint32_t fid, uint64_t off, const void *data,
	       uint32_t n);
/* Treaddir: the entries' bytes (parse with p9_dirent_next), 0 at the end. */
long p9c_readdir(struct p9c *c, uint32_t fid, uint64_t off, uint32_t count,
		 const void **data_r);

int p9c_getattr(struct p9c *c, uint32_t fid, uint64_t mask,
		struct p9_rgetattr *st);
/* Tsetattr with a's fields (a->fid is set from fid). */
int p9c_setattr(struct p9c *c, uint32_t fid, const struct p9_tsetattr *a);
int p9c_statfs(struct p9c *c, uint32_t fid, struct p9_rstatfs *st);
int p9c_fsync(struct p9c *c, uint32_t fid, int datasync);

int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
	      struct p9_qid *qid_r);
/* flags 0 or P9_AT_REMOVEDIR */
int p9c_unlinkat(struct p9c *c, uint32_t dfid, const char *name,
		 uint32_t flags);
int p9c_renameat(struct p9c *c, uint32_t odfid, const char *oname,
		 uint32_t ndfid, const char *nname);
int p9c_symlink(struct p9c *c, uint32_t dfid, const char *name,
		const char *target, struct p9_qid *qid_r);
int p9c_link(struct p9c *c, uint32_t dfid, uint32_t fid, const char *name);
/* The target NUL-terminated in buf: its length, -ENAMETOOLONG if it does not fit cap. */
int p9c_readlink(struct p9c *c, uint32_t fid, char *buf, uint32_t cap);

/* Tlock: the status (P9_LOCK_SUCCESS, _BLOCKED, ...) or -errno. */
int p9c_lock(struct p9c *c, uint32_t fid, uint8_t type, uint32_t flags,
	     uint64_t start, uint64_t length, uint32_t proc_id);
/* Tgetlock: *l is the request in and the answer out (client_id dropped). */
int p9c_getlock(struct p9c *c, uint32_t fid, struct p9_getlock *l);

#endif
