/* SPDX-License-Identifier: MIT */
/* p9c.c: the 9P2000.L client core (lib/p9c.h): requests out, hostile replies checked, Rlerror as -errno. */
#include "lib/p9c.h"

#include "kernel/errno.h"
#include "lib/string.h"

#define ERRNO_MAX 4095u

void p9c_init(struct p9c *c, p9c_rpc_fn rpc, void *arg, uint8_t *tx,
	      uint8_t *rx, uint32_t bufsize)
{
	memset(c, 0, sizeof(*c));
	c->rpc = rpc;
	c->arg = arg;
	c->tx = tx;
	c->rx = rx;
	c->bufsize = bufsize;
}

uint32_t p9c_iomax(const struct p9c *c)
{
	return c->msize - P9_IOHDR_LEN;
}

static int fid_alloc(struct p9c *c, uint32_t *fid_r)
{
	for (uint32_t w = 0; w < P9C_MAX_FIDS / 64; w++) {
		if (c->fidmap[w] == ~0ull)
			continue;
		for (uint32_t b = 0; b < 64; b++)
			if (!(c->fidmap[w] & 1ull << b)) {
				c->fidmap[w] |= 1ull << b;
				*fid_r = w * 64 + b;
				return 0;
			}
	}
	return -EMFILE;
}

static void fid_free(struct p9c *c, uint32_t fid)
{
	if (fid < P9C_MAX_FIDS)
		c->fidmap[fid / 64] &= ~(1ull << (fid % 64));
}

/*
 * Send c->m (its type set, tag filled in here) and decode the reply into
 * c->m: 0 for the expected R-type, -errno from Rlerror, -EPROTO for
 * anything else the server sent.
 */
static int call(struct p9c *c)
{
	uint8_t want = (uint8_t)(c->m.type + 1);
	uint32_t msize = c->msize ? c->msize : c->bufsize;
	uint16_t tag;
	int n, rc;

	if (c->m.type == P9_TVERSION) {
		tag = P9_NOTAG;
	} else {
		if (!c->msize)
			return -EPROTO; /* no Tversion yet */
		if (++c->tag == P9_NOTAG)
			c->tag = 0;
		tag = c->tag;
	}
	c->m.tag = tag;
	n = p9_encode(&c->m, c->tx, c->bufsize, msize);
	if (n < 0)
		return n;
	n = c->rpc(c->arg, c->tx, (uint32_t)n, c->rx, c->bufsize);
	if (n < 0)
		return n;
	memset(&c->m, 0, sizeof(c->m));
	rc = p9_decode(c->rx, (size_t)n, msize, &c->m);
	if (rc || c->m.tag != tag)
		return -EPROTO;
	if (c->m.type == P9_RLERROR) {
		uint32_t e = c->m.u.rlerror.ecode;

		return e && e <= ERRNO_MAX ? -(int)e : -EIO;
	}
	return c->m.type == want ? 0 : -EPROTO;
}

static struct p9_str str(const char *s)
{
	size_t n = strlen(s);

	return (struct p9_str){ s, (uint16_t)(n > 0xffff ? 0xffff : n) };
}

/* A name the server is asked to use: one entry, sent as given (it checks). */
static int name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 255 ? 0 : n ? -ENAMETOOLONG : -ENOENT;
}

static void begin(struct p9c *c, uint8_t type)
{
	memset(&c->m, 0, sizeof(c->m));
	c->m.type = type;
}

int p9c_version(struct p9c *c)
{
	static const char want[] = P9_VERSION_L;
	struct p9_str v;
	int rc;

	c->msize = 0;
	memset(c->fidmap, 0, sizeof(c->fidmap));
	begin(c, P9_TVERSION);
	c->m.u.version.msize = c->bufsize;
	c->m.u.version.version = str(want);
	rc = call(c);
	if (rc)
		return rc;
	v = c->m.u.version.version;
	if (v.len != sizeof(want) - 1 || memcmp(v.s, want, v.len) ||
	    c->m.u.version.msize < P9_MSIZE_MIN ||
	    c->m.u.version.msize > c->bufsize)
		return -EPROTO;
	c->msize = c->m.u.version.msize;
	return 0;
}

/* A call that makes *fid_r a new fid: freed again (and clunked if the
 * reply was garbage, the server may hold it) unless it succeeded. */
static int call_newfid(struct p9c *c, uint32_t fid)
{
	int rc = call(c);

	if (rc == -EPROTO && c->msize) {
		begin(c, P9_TCLUNK);
		c->m.u.fid.fid = fid;
		(void)call(c);
	}
	if (rc)
		fid_free(c, fid);
	return rc;
}

int p9c_attach(struct p9c *c, const char *aname, uint32_t *fid_r,
	       struct p9_qid *qid_r)
{
	uint32_t fid;
	int rc = fid_alloc(c, &fid);

	if (rc)
		return rc;
	begin(c, P9_TATTACH);
	c->m.u.tattach.fid = fid;
	c->m.u.tattach.afid = P9_NOFID;
	c->m.u.tattach.uname = str("root");
	c->m.u.tattach.aname = str(aname);
	c->m.u.tattach.n_uname = 0;
	rc = call_newfid(c, fid);
	if (rc)
		return rc;
	if (qid_r)
		*qid_r = c->m.u.rqid.qid;
	*fid_r = fid;
	return 0;
}

int p9c_walk(struct p9c *c, uint32_t fid, unsigned n, const char *const *names,
	     uint32_t *newfid_r, struct p9_qid *qid_r)
{
	uint32_t newfid;
	int rc;

	if (n > P9_MAXWELEM)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		if ((rc = name_ok(names[i])))
			return rc;
	if ((rc = fid_alloc(c, &newfid)))
		return rc;
	begin(c, P9_TWALK);
	c->m.u.twalk.fid = fid;
	c->m.u.twalk.newfid = newfid;
	c->m.u.twalk.nwname = (uint16_t)n;
	for (unsigned i = 0; i < n; i++)
		c->m.u.twalk.wname[i] = str(names[i]);
	rc = call(c);
	if (!rc && c->m.u.rwalk.nwqid > n) {
		rc = -EPROTO;
	} else if (!rc && c->m.u.rwalk.nwqid < n) {
		fid_free(c, newfid); /* a short walk binds no newfid */
		return -ENOENT;
	}
	if (rc == -EPROTO && c->msize) {
		begin(c, P9_TCLUNK);
		c->m.u.fid.fid = newfid;
		(void)call(c);
	}
	if (rc) {
		fid_free(c, newfid);
		return rc;
	}
	if (qid_r && n)
		*qid_r = c->m.u.rwalk.wqid[n - 1];
	else if (qid_r)
		memset(qid_r, 0, sizeof(*qid_r));
	*newfid_r = newfid;
	return 0;
}

int p9c_clunk(struct p9c *c, uint32_t fid)
{
	begin(c, P9_TCLUNK);
	c->m.u.fid.fid = fid;
	int rc = call(c);

	fid_free(c, fid);
	return rc;
}

int p9c_open(struct p9c *c, uint32_t fid, uint32_t flags, struct p9_qid *qid_r)
{
	int rc;

	begin(c, P9_TLOPEN);
	c->m.u.tlopen.fid = fid;
	c->m.u.tlopen.flags = flags;
	rc = call(c);
	if (!rc && qid_r)
		*qid_r = c->m.u.ropen.qid;
	return rc;
}

int p9c_create(struct p9c *c, uint32_t fid, const char *name, uint32_t flags,
	       uint32_t mode, struct p9_qid *qid_r)
{
	int rc = name_ok(name);

	if (rc)
		return rc;
	begin(c, P9_TLCREATE);
	c->m.u.tlcreate.fid = fid;
	c->m.u.tlcreate.name = str(name);
	c->m.u.tlcreate.flags = flags;
	c->m.u.tlcreate.mode = mode;
	rc = call(c);
	if (!rc && qid_r)
		*qid_r = c->m.u.ropen.qid;
	return rc;
}

/* Tread and Treaddir: the same request and reply shapes. */
static long read_like(struct p9c *c, uint8_t type, uint32_t fid, uint64_t off,
		      uint32_t count, const void **data_r)
{
	int rc;

	if (!c->msize)
		return -EPROTO;
	if (count > p9c_iomax(c))
		count = p9c_iomax(c);
	begin(c, type);
	c->m.u.tio.fid = fid;
	c->m.u.tio.offset = off;
	c->m.u.tio.count = count;
	rc = call(c);
	if (rc)
		return rc;
	if (c->m.u.rdata.data.len > count)
		return -EPROTO;
	*data_r = c->m.u.rdata.data.p;
	return (long)c->m.u.rdata.data.len;
}

long p9c_read(struct p9c *c, uint32_t fid, uint64_t off, uint32_t count,
	      const void **data_r)
{
	return read_like(c, P9_TREAD, fid, off, count, data_r);
}

long p9c_readdir(struct p9c *c, uint32_t fid, uint64_t off, uint32_t count,
		 const void **data_r)
{
	return read_like(c, P9_TREADDIR, fid, off, count, data_r);
}

long p9c_write(struct p9c *c, uint32_t fid, uint64_t off, const void *data,
	       uint32_t n)
{
	int rc;

	if (!c->msize)
		return -EPROTO;
	if (n > p9c_iomax(c))
		n = p9c_iomax(c);
	begin(c, P9_TWRITE);
	c->m.u.tio.fid = fid;
	c->m.u.tio.offset = off;
	c->m.u.tio.data = (struct p9_data){ data, n };
	rc = call(c);
	if (rc)
		return rc;
	/* Zero for a non-empty write would make callers loop forever. */
	if (c->m.u.count.count > n || (n && !c->m.u.count.count))
		return -EPROTO;
	return (long)c->m.u.count.count;
}

int p9c_getattr(struct p9c *c, uint32_t fid, uint64_t mask,
		struct p9_rgetattr *st)
{
	int rc;

	begin(c, P9_TGETATTR);
	c->m.u.tgetattr.fid = fid;
	c->m.u.tgetattr.request_mask = mask;
	rc = call(c);
	if (!rc)
		*st = c->m.u.rgetattr;
	return rc;
}

int p9c_setattr(struct p9c *c, uint32_t fid, const struct p9_tsetattr *a)
{
	begin(c, P9_TSETATTR);
	c->m.u.tsetattr = *a;
	c->m.u.tsetattr.fid = fid;
	return call(c);
}

int p9c_statfs(struct p9c *c, uint32_t fid, struct p9_rstatfs *st)
{
	int rc;

	begin(c, P9_TSTATFS);
	c->m.u.fid.fid = fid;
	rc = call(c);
	if (!rc)
		*st = c->m.u.rstatfs;
	return rc;
}

int p9c_fsync(struct p9c *c, uint32_t fid, int datasync)
{
	begin(c, P9_TFSYNC);
	c->m.u.tfsync.fid = fid;
	c->m.u.tfsync.datasync = datasync ? 1 : 0;
	return call(c);
}

int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
	      struct p9_qid *qid_r)
{
	int rc = name_ok(name);

	if (rc)
		return rc;
	begin(c, P9_TMKDIR);
	c->m.u.tmkdir.dfid = dfid;
	c->m.u.tmkdir.name = str(name);
	c->m.u.tmkdir.mode = mode;
	rc = call(c);
	if (!rc && qid_r)
		*qid_r = c->m.u.rqid.qid;
	return rc;
}

int p9c_unlinkat(struct p9c *c, uint32_t dfid, const char *name, uint32_t flags)
{
	int rc = name_ok(name);

	if (rc)
		return rc;
	begin(c, P9_TUNLINKAT);
	c->m.u.tunlinkat.dirfid = dfid;
	c->m.u.tunlinkat.name = str(name);
	c->m.u.tunlinkat.flags = flags;
	return call(c);
}

int p9c_renameat(struct p9c *c, uint32_t odfid, const char *oname,
		 uint32_t ndfid, const char *nname)
{
	int rc = name_ok(oname);

	if (rc || (rc = name_ok(nname)))
		return rc;
	begin(c, P9_TRENAMEAT);
	c->m.u.trenameat.olddirfid = odfid;
	c->m.u.trenameat.oldname = str(oname);
	c->m.u.trenameat.newdirfid = ndfid;
	c->m.u.trenameat.newname = str(nname);
	return call(c);
}

int p9c_symlink(struct p9c *c, uint32_t dfid, const char *name,
		const char *target, struct p9_qid *qid_r)
{
	int rc = name_ok(name);

	if (rc)
		return rc;
	if (!*target)
		return -ENOENT;
	if (strlen(target) >= 4096)
		return -ENAMETOOLONG;
	begin(c, P9_TSYMLINK);
	c->m.u.tsymlink.fid = dfid;
	c->m.u.tsymlink.name = str(name);
	c->m.u.tsymlink.symtgt = str(target);
	rc = call(c);
	if (!rc && qid_r)
		*qid_r = c->m.u.rqid.qid;
	return rc;
}

int p9c_link(struct p9c *c, uint32_t dfid, uint32_t fid, const char *name)
{
	int rc = name_ok(name);

	if (rc)
		return rc;
	begin(c, P9_TLINK);
	c->m.u.tlink.dfid = dfid;
	c->m.u.tlink.fid = fid;
	c->m.u.tlink.name = str(name);
	return call(c);
}

int p9c_readlink(struct p9c *c, uint32_t fid, char *buf, uint32_t cap)
{
	struct p9_str t;
	int rc;

	begin(c, P9_TREADLINK);
	c->m.u.fid.fid = fid;
	rc = call(c);
	if (rc)
		return rc;
	t = c->m.u.rreadlink.target;
	if (!t.len)
		return -EPROTO;
	if (t.len >= cap)
		return -ENAMETOOLONG;
	memcpy(buf, t.s, t.len);
	buf[t.len] = '\0';
	return t.len;
}

int p9c_lock(struct p9c *c, uint32_t fid, uint8_t type, uint32_t flags,
	     uint64_t start, uint64_t length, uint32_t proc_id)
{
	int rc;

	begin(c, P9_TLOCK);
	c->m.u.tlock.fid = fid;
	c->m.u.tlock.type = type;
	c->m.u.tlock.flags = flags;
	c->m.u.tlock.start = start;
	c->m.u.tlock.length = length;
	c->m.u.tlock.proc_id = proc_id;
	c->m.u.tlock.client_id = str("xenpod");
	rc = call(c);
	if (rc)
		return rc;
	return c->m.u.rlock.status <= P9_LOCK_GRACE ? c->m.u.rlock.status :
						      -EPROTO;
}

int p9c_getlock(struct p9c *c, uint32_t fid, struct p9_getlock *l)
{
	int rc;

	begin(c, P9_TGETLOCK);
	c->m.u.getlock = *l;
	c->m.u.getlock.fid = fid;
	c->m.u.getlock.client_id = str("xenpod");
	rc = call(c);
	if (rc)
		return rc;
	if (c->m.u.getlock.type > P9_LOCK_TYPE_UNLCK)
		return -EPROTO;
	*l = c->m.u.getlock;
	l->fid = fid;
	l->client_id = (struct p9_str){ 0, 0 };
	return 0;
}
