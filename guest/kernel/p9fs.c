/* SPDX-License-Identifier: MIT */
/* p9fs.c: the pod's volumes as VFS directories: 9P2000.L through the client core (lib/p9c.c) over the 9pfs frontend, cache=none. */
#include "kernel/p9fs.h"

#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/p9c.h"
#include "lib/string.h"
#include "xenplat/p9front.h"

/*
 * Caching: none (docs/VOLUMES.md). Every lookup walks on the server,
 * stat re-reads the attributes, reads and writes go to dom0 as they come
 * (at most the msize per message). What the guest keeps is an inode per
 * server object (by qid path), so open files, cwd and ".." keep naming
 * the same object; an inode remembers its parent and name, and each
 * operation walks a fresh fid from the volume root along them (a fid
 * per open file is kept until close). The server's fid table is thus
 * bounded by the pod's open files, not by the files it has looked at.
 */

#define DEPTH_MAX 128 /* directories below a volume root we walk through */

struct p9mnt {
	struct p9c c;
	int vol; /* p9front's index */
	bool busy, ro;
	uint32_t rootfid;
	uint8_t *bounce; /* p9c_iomax bytes: user data on its way out */
	struct list_node nodes;
};

struct p9node {
	struct list_node node; /* in the mount's nodes */
	struct inode *ino;
	struct inode *parent; /* NULL: the volume root, or removed */
	char *name;
	uint64_t qpath;
	bool removed;
	/* directories: the names of the last listing (readdir index 0 takes it) */
	char *ents;
	size_t nents;
	size_t cur_idx; /* the entry at cur, so a listing is read in one pass */
	const char *cur;
	/* Changes of its contents by this client (writes, truncation): a
	 * read-ahead window taken before one is stale. */
	uint64_t wgen;
};

/*
 * An open regular file: its fid and its read-ahead window (docs/VOLUMES.md,
 * "Caching"): a read that goes on where the last one ended and asks for less
 * than one message asks the server for a whole message (p9c_iomax bytes) and
 * keeps the rest; later reads inside the window are answered from it. It is
 * dropped by a write or truncation of the file through this client (wgen)
 * and never serves a read that does not start inside it.
 */
struct p9open {
	uint32_t fid;
	uint8_t *ra; /* p9c_iomax bytes once needed, else NULL */
	uint64_t ra_off; /* the file offset of ra[0] */
	uint32_t ra_len; /* bytes valid in ra (0: empty) */
	uint64_t ra_gen; /* the node's wgen when it was filled */
	uint64_t next; /* where the last read ended: a read there is sequential */
};

static const struct inode_ops p9_iops;
static const struct file_ops p9_fops;

static struct p9mnt *mnt_of(struct inode *ino)
{
	return ino->priv_fs;
}

static struct p9node *node_of(struct inode *ino)
{
	return (struct p9node *)ino->priv;
}

/* One task at a time per volume: the client has one message in flight. */
static void mnt_lock(struct p9mnt *m)
{
	uint64_t fl = irq_save();

	while (m->busy)
		sleep_uninterruptible(m);
	m->busy = true;
	irq_restore(fl);
}

static void mnt_unlock(struct p9mnt *m)
{
	m->busy = false;
	wake_up(m);
}

/* A new fid for ino, plus name if given (walked in pieces of P9_MAXWELEM). */
static int node_fid(struct p9mnt *m, struct inode *ino, const char *name,
		    uint32_t *fid_r, struct p9_qid *qid_r)
{
	const char *names[DEPTH_MAX + 1];
	unsigned n = 0, done = 0;
	uint32_t fid = m->rootfid, nf;
	int rc;

	for (struct p9node *p = node_of(ino); p->parent;
	     p = node_of(p->parent)) {
		if (n == DEPTH_MAX)
			return -ENAMETOOLONG;
		names[n++] = p->name;
	}
	if (node_of(ino)->removed)
		return -ENOENT;
	for (unsigned i = 0; i < n / 2; i++) {
		const char *t = names[i];

		names[i] = names[n - 1 - i];
		names[n - 1 - i] = t;
	}
	if (name)
		names[n++] = name;
	do {
		unsigned k = n - done > P9_MAXWELEM ? P9_MAXWELEM : n - done;

		rc = p9c_walk(&m->c, fid, k, names + done, &nf, qid_r);
		if (fid != m->rootfid)
			p9c_clunk(&m->c, fid);
		if (rc)
			return rc;
		fid = nf;
		done += k;
	} while (done < n);
	*fid_r = fid;
	return 0;
}

static void set_attrs(struct inode *ino, const struct p9_rgetattr *st)
{
	ino->mode = st->mode;
	ino->nlink = (uint32_t)st->nlink;
	ino->uid = st->uid;
	ino->gid = st->gid;
	ino->size = st->size;
	ino->atime_ns =
		(int64_t)(st->atime_sec * 1000000000ull + st->atime_nsec);
	ino->mtime_ns =
		(int64_t)(st->mtime_sec * 1000000000ull + st->mtime_nsec);
	ino->ctime_ns =
		(int64_t)(st->ctime_sec * 1000000000ull + st->ctime_nsec);
}

/* The file type a qid's type bits name (regular for anything else). */
static uint32_t qid_fmt(const struct p9_qid *q)
{
	return q->type & P9_QTDIR     ? S_IFDIR :
	       q->type & P9_QTSYMLINK ? S_IFLNK :
					S_IFREG;
}

/* The live node of a server object, or NULL. */
static struct p9node *node_by_qid(struct p9mnt *m, const struct p9_qid *q)
{
	struct p9node *p;

	list_for_each(p, &m->nodes, node)
		if (p->qpath == q->path && !p->removed &&
		    (p->ino->mode & S_IFMT) == qid_fmt(q))
			return p;
	return NULL;
}

/* The node is now known as dir/name (nm is kmalloc'd; taken). */
static void node_place(struct p9node *p, struct inode *dir, char *nm)
{
	kfree(p->name);
	p->name = nm;
	p->parent = dir;
	if (S_ISDIR(p->ino->mode)) {
		p->ino->parent = dir;
		kfree((void *)p->ino->name);
		p->ino->name = kstrdup(nm);
	}
}

/* The inode of the object st describes, at dir/name: the known one or a new one. */
static struct inode *node_get(struct p9mnt *m, struct inode *dir,
			      const char *name, const struct p9_rgetattr *st)
{
	struct p9node *p;
	struct inode *ino;
	char *nm = kstrdup(name);

	if (!nm)
		return NULL;
	p = node_by_qid(m, &st->qid);
	if (p && (p->ino->mode & S_IFMT) == (st->mode & S_IFMT))
		goto found;
	p = kzalloc(sizeof(*p));
	ino = p ? inode_new(st->mode) : NULL;
	if (!ino) {
		kfree(p);
		kfree(nm);
		return NULL;
	}
	p->ino = ino;
	p->qpath = st->qid.path;
	ino->iops = &p9_iops;
	ino->priv = (uintptr_t)p;
	ino->priv_fs = m;
	list_add_head(&m->nodes, &p->node);
found:
	set_attrs(p->ino, st);
	node_place(p, dir, nm);
	return p->ino;
}

/*
 * Walk dir/name: its inode, or -errno. An object already known (by its
 * qid) is not asked for its attributes again: stat refreshes them
 * (cache=none), and a path lookup needs only the type, which the qid
 * gives. Two messages per known name (Twalk, Tclunk), three for a new one.
 */
static int lookup_locked(struct p9mnt *m, struct inode *dir, const char *name,
			 struct inode **ino_r)
{
	struct p9_rgetattr st;
	struct p9_qid q;
	struct p9node *p;
	uint32_t fid;
	int rc = node_fid(m, dir, name, &fid, &q);

	if (rc)
		return rc;
	p = node_by_qid(m, &q);
	if (p) {
		char *nm = kstrdup(name);

		p9c_clunk(&m->c, fid);
		if (!nm)
			return -ENOMEM;
		node_place(p, dir, nm);
		*ino_r = p->ino;
		return 0;
	}
	rc = p9c_getattr(&m->c, fid, P9_GETATTR_BASIC, &st);
	p9c_clunk(&m->c, fid);
	if (rc)
		return rc;
	*ino_r = node_get(m, dir, name, &st);
	return *ino_r ? 0 : -ENOMEM;
}

static int p9_lookup(struct inode *dir, const char *name, struct inode **ino_r)
{
	struct p9mnt *m = mnt_of(dir);
	int rc;

	mnt_lock(m);
	rc = lookup_locked(m, dir, name, ino_r);
	mnt_unlock(m);
	return rc;
}

/* One entry of a listing in node->ents: its qid, its DT_ type, its name and a NUL. */
#define ENT_HDR (sizeof(struct p9_qid) + 1)

/* Read the whole directory into node->ents. */
static int list_dir(struct p9mnt *m, struct inode *dir)
{
	struct p9node *p = node_of(dir);
	char *buf = NULL;
	size_t len = 0, cap = 0, n = 0;
	uint64_t off = 0;
	uint32_t fid;
	int rc = node_fid(m, dir, NULL, &fid, NULL);

	if (rc)
		return rc;
	rc = p9c_open(&m->c, fid, O_RDONLY | O_DIRECTORY, NULL);
	while (!rc) {
		struct p9_dirent d;
		const void *data;
		uint32_t at = 0;
		long got =
			p9c_readdir(&m->c, fid, off, p9c_iomax(&m->c), &data);
		int more;

		if (got <= 0) {
			rc = (int)got;
			break;
		}
		while ((more = p9_dirent_next(data, (uint32_t)got, &at, &d)) ==
		       1) {
			off = d.offset;
			if ((d.name.len == 1 && d.name.s[0] == '.') ||
			    (d.name.len == 2 && !memcmp(d.name.s, "..", 2)))
				continue;
			if (len + ENT_HDR + d.name.len + 1 > cap) {
				size_t nc = cap ? cap * 2 : 1024;
				char *nb;

				while (nc < len + ENT_HDR + d.name.len + 1)
					nc *= 2;
				nb = kmalloc(nc);
				if (!nb) {
					more = -ENOMEM;
					break;
				}
				if (buf)
					memcpy(nb, buf, len);
				kfree(buf);
				buf = nb;
				cap = nc;
			}
			memcpy(buf + len, &d.qid, sizeof(d.qid));
			buf[len + sizeof(d.qid)] = (char)d.type;
			memcpy(buf + len + ENT_HDR, d.name.s, d.name.len);
			buf[len + ENT_HDR + d.name.len] = '\0';
			len += ENT_HDR + d.name.len + 1;
			n++;
		}
		if (more < 0)
			rc = more;
	}
	p9c_clunk(&m->c, fid);
	if (rc) {
		kfree(buf);
		return rc;
	}
	kfree(p->ents);
	p->ents = buf;
	p->nents = n;
	p->cur_idx = 0;
	p->cur = buf;
	return 0;
}

/* The inode of a listed entry, from its qid: no message to the server. */
static int entry_inode(struct p9mnt *m, struct inode *dir, const char *e,
		       struct inode **ino_r)
{
	struct p9_rgetattr st = { 0 };
	const char *name = e + ENT_HDR;
	struct p9node *p;
	char *nm;

	memcpy(&st.qid, e, sizeof(st.qid));
	p = node_by_qid(m, &st.qid);
	if (p) {
		nm = kstrdup(name);
		if (!nm)
			return -ENOMEM;
		node_place(p, dir, nm);
		*ino_r = p->ino;
		return 0;
	}
	/* placeholder permissions until stat reads the real ones */
	st.mode = qid_fmt(&st.qid);
	st.mode |= S_ISDIR(st.mode) ? 0755 : S_ISLNK(st.mode) ? 0777 : 0644;
	st.nlink = 1;
	*ino_r = node_get(m, dir, name, &st);
	return *ino_r ? 0 : -ENOMEM;
}

static int p9_readdir(struct inode *dir, size_t idx, char *name, size_t cap,
		      struct inode **ino_r)
{
	struct p9mnt *m = mnt_of(dir);
	struct p9node *p = node_of(dir);
	const char *e;
	int rc = 0;

	mnt_lock(m);
	if (idx == 0 || !p->ents)
		rc = list_dir(m, dir);
	if (!rc && idx >= p->nents)
		rc = -ENOENT;
	if (!rc) {
		/* getdents asks for idx, idx + 1, ...: resume where the last call was */
		if (idx < p->cur_idx) {
			p->cur_idx = 0;
			p->cur = p->ents;
		}
		e = p->cur;
		for (; p->cur_idx < idx; p->cur_idx++)
			e += ENT_HDR + strlen(e + ENT_HDR) + 1;
		p->cur = e;
		strlcpy(name, e + ENT_HDR, cap);
		rc = entry_inode(m, dir, e, ino_r);
	}
	mnt_unlock(m);
	return rc;
}

static int p9_readlink(struct inode *ino, char *buf, size_t cap)
{
	struct p9mnt *m = mnt_of(ino);
	uint32_t fid;
	int rc;

	mnt_lock(m);
	rc = node_fid(m, ino, NULL, &fid, NULL);
	if (!rc) {
		rc = p9c_readlink(&m->c, fid, buf,
				  cap > 0xffffffffu ? 0xffffffffu :
						      (uint32_t)cap);
		p9c_clunk(&m->c, fid);
	}
	mnt_unlock(m);
	return rc;
}

static int p9_create(struct inode *dir, const char *name, uint32_t mode,
		     struct inode **ino_r)
{
	struct p9mnt *m = mnt_of(dir);
	uint32_t fid;
	int rc;

	if (m->ro)
		return -EROFS;
	if (!S_ISDIR(mode) && !S_ISREG(mode))
		return -EPERM; /* no device nodes, FIFOs or sockets on a volume */
	mnt_lock(m);
	rc = node_fid(m, dir, NULL, &fid, NULL);
	if (!rc) {
		if (S_ISDIR(mode))
			rc = p9c_mkdir(&m->c, fid, name, mode & 07777, NULL);
		else
			rc = p9c_create(&m->c, fid, name,
					O_RDWR | O_CREAT | O_EXCL, mode & 07777,
					NULL);
		p9c_clunk(&m->c, fid);
	}
	if (!rc)
		rc = lookup_locked(m, dir, name, ino_r);
	mnt_unlock(m);
	return rc;
}

/* The node at dir/name among the known ones, or NULL. */
static struct p9node *node_named(struct p9mnt *m, struct inode *dir,
				 const char *name)
{
	struct p9node *p;

	list_for_each(p, &m->nodes, node)
		if (p->parent == dir && !p->removed && !strcmp(p->name, name))
			return p;
	return NULL;
}

static int p9_unlink(struct inode *dir, const char *name, bool rmdir)
{
	struct p9mnt *m = mnt_of(dir);
	struct p9node *p;
	uint32_t fid;
	int rc;

	if (m->ro)
		return -EROFS;
	mnt_lock(m);
	rc = node_fid(m, dir, NULL, &fid, NULL);
	if (!rc) {
		rc = p9c_unlinkat(&m->c, fid, name,
				  rmdir ? P9_AT_REMOVEDIR : 0);
		p9c_clunk(&m->c, fid);
	}
	if (!rc && (p = node_named(m, dir, name)))
		p->removed = true; /* open files keep their own fids */
	mnt_unlock(m);
	return rc;
}

static int p9_rename(struct inode *odir, const char *oname, struct inode *ndir,
		     const char *nname)
{
	struct p9mnt *m = mnt_of(odir);
	struct p9node *p, *old;
	uint32_t ofid, nfid;
	int rc;

	if (m->ro)
		return -EROFS;
	mnt_lock(m);
	rc = node_fid(m, odir, NULL, &ofid, NULL);
	if (!rc) {
		rc = node_fid(m, ndir, NULL, &nfid, NULL);
		if (!rc) {
			rc = p9c_renameat(&m->c, ofid, oname, nfid, nname);
			p9c_clunk(&m->c, nfid);
		}
		p9c_clunk(&m->c, ofid);
	}
	if (!rc) {
		char *nm = kstrdup(nname);

		if ((old = node_named(m, ndir, nname)))
			old->removed = true;
		p = node_named(m, odir, oname);
		if (p && nm) {
			kfree(p->name);
			p->name = nm;
			p->parent = ndir;
			if (S_ISDIR(p->ino->mode)) {
				p->ino->parent = ndir;
				kfree((void *)p->ino->name);
				p->ino->name = kstrdup(nname);
			}
		} else {
			kfree(nm);
			if (p) /* out of memory: forget the path, a lookup finds it again */
				p->removed = true;
		}
	}
	mnt_unlock(m);
	return rc;
}

static int p9_symlink(struct inode *dir, const char *name, const char *target)
{
	struct p9mnt *m = mnt_of(dir);
	uint32_t fid;
	int rc;

	if (m->ro)
		return -EROFS;
	mnt_lock(m);
	rc = node_fid(m, dir, NULL, &fid, NULL);
	if (!rc) {
		rc = p9c_symlink(&m->c, fid, name, target, NULL);
		p9c_clunk(&m->c, fid);
	}
	mnt_unlock(m);
	return rc;
}

static int p9_link(struct inode *dir, const char *name, struct inode *ino)
{
	struct p9mnt *m = mnt_of(dir);
	uint32_t dfid, fid;
	int rc;

	if (m->ro)
		return -EROFS;
	mnt_lock(m);
	rc = node_fid(m, dir, NULL, &dfid, NULL);
	if (!rc) {
		rc = node_fid(m, ino, NULL, &fid, NULL);
		if (!rc) {
			rc = p9c_link(&m->c, dfid, fid, name);
			p9c_clunk(&m->c, fid);
		}
		p9c_clunk(&m->c, dfid);
	}
	mnt_unlock(m);
	return rc;
}

/* Tsetattr of ino (a), then its attributes again. */
static int setattr(struct inode *ino, const struct p9_tsetattr *a)
{
	struct p9mnt *m = mnt_of(ino);
	struct p9_rgetattr st;
	uint32_t fid;
	int rc;

	if (m->ro)
		return -EROFS;
	mnt_lock(m);
	rc = node_fid(m, ino, NULL, &fid, NULL);
	if (!rc) {
		rc = p9c_setattr(&m->c, fid, a);
		if (!rc && !p9c_getattr(&m->c, fid, P9_GETATTR_BASIC, &st))
			set_attrs(ino, &st);
		p9c_clunk(&m->c, fid);
	}
	mnt_unlock(m);
	return rc;
}

static int p9_truncate(struct inode *ino, uint64_t size)
{
	struct p9_tsetattr a = { .valid = P9_SETATTR_SIZE, .size = size };

	node_of(ino)->wgen++; /* read-ahead windows of it are stale */
	return setattr(ino, &a);
}

static int p9_chmod(struct inode *ino, uint32_t mode)
{
	struct p9_tsetattr a = { .valid = P9_SETATTR_MODE, .mode = mode };

	return setattr(ino, &a);
}

static int p9_refresh(struct inode *ino)
{
	struct p9mnt *m = mnt_of(ino);
	struct p9_rgetattr st;
	uint32_t fid;
	int rc;

	mnt_lock(m);
	rc = node_fid(m, ino, NULL, &fid, NULL);
	if (!rc) {
		rc = p9c_getattr(&m->c, fid, P9_GETATTR_BASIC, &st);
		if (!rc)
			set_attrs(ino, &st);
		p9c_clunk(&m->c, fid);
	}
	mnt_unlock(m);
	return rc == -ENOENT && node_of(ino)->removed ? 0 : rc;
}

/* Regular files get a fid opened with the program's flags; directories
 * are listed by readdir, which opens its own. */
static int p9_open(struct file *f, uint32_t flags)
{
	struct p9mnt *m = mnt_of(f->ino);
	struct p9open *o;
	uint32_t fid;
	int rc;

	if (!S_ISREG(f->ino->mode))
		return 0;
	if (m->ro && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)))
		return -EROFS;
	o = kzalloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	mnt_lock(m);
	rc = node_fid(m, f->ino, NULL, &fid, NULL);
	if (!rc) {
		rc = p9c_open(&m->c, fid,
			      flags & (O_ACCMODE | O_TRUNC | O_APPEND), NULL);
		if (rc)
			p9c_clunk(&m->c, fid);
	}
	mnt_unlock(m);
	if (rc) {
		kfree(o);
		return rc;
	}
	o->fid = fid;
	if (flags & O_TRUNC)
		node_of(f->ino)->wgen++;
	f->priv = o;
	f->ops = &p9_fops;
	return 0;
}

/* The part of [off, off + n) the window holds, copied out: bytes (0: none) or -EFAULT. */
static long ra_take(struct p9open *o, uint64_t gen, uint64_t off, void *buf,
		    size_t n, bool user)
{
	uint64_t in;
	size_t k;

	if (!o->ra_len || o->ra_gen != gen || off < o->ra_off ||
	    off >= o->ra_off + o->ra_len)
		return 0;
	in = off - o->ra_off;
	k = o->ra_len - (size_t)in < n ? o->ra_len - (size_t)in : n;
	if (user ? copy_to_user(buf, o->ra + in, k) :
		   (memcpy(buf, o->ra + in, k), 0))
		return -EFAULT;
	return (long)k;
}

/* Read n bytes at off into kernel or user memory; bytes or -errno. */
static long p9_pread(struct file *f, uint64_t off, void *buf, size_t n,
		     bool user)
{
	struct p9mnt *m = mnt_of(f->ino);
	struct p9open *o = f->priv;
	uint64_t gen = node_of(f->ino)->wgen;
	size_t done = 0, iomax = p9c_iomax(&m->c);
	bool seq = off == o->next; /* goes on where the last read ended */
	long r = 0;

	mnt_lock(m);
	r = ra_take(o, gen, off, buf, n, user);
	if (r > 0)
		done = (size_t)r;
	while (r >= 0 && done < n) {
		size_t want = n - done;
		const void *p;

		if (want > iomax)
			want = iomax;
		if (want < iomax && seq &&
		    (o->ra || (o->ra = kmalloc(iomax)))) {
			/* Sequential and small: a whole message into the window. */
			r = p9c_read(&m->c, o->fid, off + done, (uint32_t)iomax,
				     &p);
			o->ra_len = 0;
			if (r <= 0)
				break;
			memcpy(o->ra, p, (size_t)r);
			o->ra_off = off + done;
			o->ra_len = (uint32_t)r;
			o->ra_gen = gen;
			r = ra_take(o, gen, off + done, (uint8_t *)buf + done,
				    want, user);
			if (r <= 0)
				break;
			done += (size_t)r;
			if ((size_t)r < want)
				break; /* the end of the file */
			continue;
		}
		r = p9c_read(&m->c, o->fid, off + done, (uint32_t)want, &p);
		if (r <= 0)
			break;
		if (user ? copy_to_user((uint8_t *)buf + done, p, (size_t)r) :
			   (memcpy((uint8_t *)buf + done, p, (size_t)r), 0)) {
			r = -EFAULT;
			break;
		}
		done += (size_t)r;
		if ((size_t)r < want)
			break;
	}
	o->next = off + done;
	mnt_unlock(m);
	return done ? (long)done : r;
}

static long p9_read(struct file *f, void *ubuf, size_t n)
{
	long r = p9_pread(f, f->pos, ubuf, n, true);

	if (r > 0)
		f->pos += (uint64_t)r;
	return r;
}

static long p9_write(struct file *f, const void *ubuf, size_t n)
{
	struct p9mnt *m = mnt_of(f->ino);
	struct p9open *o = f->priv;
	size_t done = 0;
	long r = 0;

	node_of(f->ino)->wgen++; /* read-ahead windows of it are stale */
	if ((f->flags & O_APPEND) && (r = p9_refresh(f->ino)))
		return r;
	if (f->flags & O_APPEND)
		f->pos = f->ino->size;
	mnt_lock(m);
	while (done < n) {
		size_t want = n - done;

		if (want > p9c_iomax(&m->c))
			want = p9c_iomax(&m->c);
		if (copy_from_user(m->bounce, (const uint8_t *)ubuf + done,
				   want)) {
			r = -EFAULT;
			break;
		}
		r = p9c_write(&m->c, o->fid, f->pos, m->bounce, (uint32_t)want);
		if (r <= 0)
			break;
		done += (size_t)r;
		f->pos += (uint64_t)r;
	}
	mnt_unlock(m);
	if (f->pos > f->ino->size)
		f->ino->size = f->pos;
	return done ? (long)done : r;
}

static void p9_release(struct file *f)
{
	struct p9mnt *m = mnt_of(f->ino);
	struct p9open *o = f->priv;

	mnt_lock(m);
	p9c_clunk(&m->c, o->fid);
	mnt_unlock(m);
	kfree(o->ra);
	kfree(o);
	f->priv = NULL;
}

long p9fs_fsync(struct file *f, bool datasync)
{
	struct p9mnt *m;
	struct p9open *o = f->priv;
	int rc;

	if (f->ops != &p9_fops)
		return 0;
	m = mnt_of(f->ino);
	mnt_lock(m);
	rc = p9c_fsync(&m->c, o->fid, datasync);
	mnt_unlock(m);
	return rc;
}

/* A wait between Tlock retries: the server never blocks (docs/VOLUMES.md). */
#define LOCK_RETRY_NS 50000000ull
static const char lock_retry_chan;

int p9fs_lock(struct file *f, int type, uint64_t start, uint64_t end, bool wait)
{
	struct p9mnt *m;
	struct p9open *o = f->priv;
	uint64_t len = end == INT64_MAX ? 0 : end - start + 1;
	int rc;

	if (f->ops != &p9_fops)
		return -ENODEV;
	m = mnt_of(f->ino);
	for (;;) {
		uint64_t fl;

		mnt_lock(m);
		rc = p9c_lock(&m->c, o->fid, (uint8_t)type, 0, start, len,
			      (uint32_t)current->tgid);
		mnt_unlock(m);
		if (rc == (int)P9_LOCK_SUCCESS)
			return 0;
		if (rc < 0)
			return rc;
		if (rc != (int)P9_LOCK_BLOCKED && rc != (int)P9_LOCK_GRACE)
			return -ENOLCK;
		if (!wait)
			return -EAGAIN;
		fl = irq_save();
		rc = sleep_on(&lock_retry_chan, time_now_ns() + LOCK_RETRY_NS);
		irq_restore(fl);
		if (rc == -EINTR)
			return -ERESTARTSYS;
	}
}

int p9fs_getlock(struct file *f, int *type, uint64_t *start, uint64_t *end)
{
	struct p9_getlock l = { 0 };
	struct p9mnt *m;
	struct p9open *o = f->priv;
	int rc;

	if (f->ops != &p9_fops)
		return -ENODEV;
	m = mnt_of(f->ino);
	l.type = (uint8_t)*type;
	l.start = *start;
	l.length = *end == INT64_MAX ? 0 : *end - *start + 1;
	mnt_lock(m);
	rc = p9c_getlock(&m->c, o->fid, &l);
	mnt_unlock(m);
	if (rc)
		return rc;
	*type = l.type;
	*start = l.start;
	*end = l.length ? l.start + l.length - 1 : INT64_MAX;
	return 0;
}

int p9fs_statfs(struct inode *ino, struct p9fs_statfs *st)
{
	struct p9mnt *m;
	struct p9_rstatfs r;
	int rc;

	if (ino->iops != &p9_iops)
		return -ENODEV;
	m = mnt_of(ino);
	mnt_lock(m);
	rc = p9c_statfs(&m->c, m->rootfid, &r);
	mnt_unlock(m);
	if (rc)
		return rc;
	st->bsize = r.bsize;
	st->blocks = r.blocks;
	st->bfree = r.bfree;
	st->bavail = r.bavail;
	st->files = r.files;
	st->ffree = r.ffree;
	st->namelen = r.namelen;
	return 0;
}

long p9fs_pread_kernel(struct file *f, uint64_t off, void *buf, size_t n)
{
	if (f->ops != &p9_fops)
		return -ENODEV;
	return p9_pread(f, off, buf, n, false);
}

static const struct file_ops p9_fops = {
	.read = p9_read,
	.write = p9_write,
	.release = p9_release,
	.seekable = true,
};

static const struct inode_ops p9_iops = {
	.readlink = p9_readlink,
	.lookup = p9_lookup,
	.readdir = p9_readdir,
	.create = p9_create,
	.unlink = p9_unlink,
	.rename = p9_rename,
	.symlink = p9_symlink,
	.link = p9_link,
	.open = p9_open,
	.truncate = p9_truncate,
	.chmod = p9_chmod,
	.refresh = p9_refresh,
};

/* The mount point: made in the ramfs like mkdir -p (it must be a directory). */
static int mount_dir(const char *path, struct inode **dir_r)
{
	struct inode *cur = vfs_root(), *next;
	char name[VFS_NAME_MAX + 1];
	int rc;

	while ((rc = vfs_path_next(&path, name)) > 0) {
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			return -EINVAL;
		next = vfs_dir_find(cur, name);
		if (!next) {
			rc = vfs_mknod(cur, name, S_IFDIR | 0755, &next);
			if (rc)
				return rc;
		}
		if (!S_ISDIR(next->mode) || next->iops)
			return -ENOTDIR; /* a file, a symlink, /proc or another volume */
		cur = next;
	}
	if (rc < 0)
		return rc;
	if (cur == vfs_root())
		return -EBUSY; /* not over the pod's root */
	*dir_r = cur;
	return 0;
}

static int mount_one(int vol, const struct p9front_info *info)
{
	struct p9_rgetattr st;
	struct p9mnt *m = kzalloc(sizeof(*m));
	struct p9node *p = kzalloc(sizeof(*p));
	uint8_t *tx = kmalloc(info->msize), *rx = kmalloc(info->msize);
	struct inode *dir;
	int rc = -ENOMEM;

	if (!m || !p || !tx || !rx)
		goto fail;
	list_init(&m->nodes);
	m->vol = vol;
	m->ro = info->readonly;
	p9c_init(&m->c, p9front_rpc, (void *)(uintptr_t)vol, tx, rx,
		 info->msize);
	if ((rc = p9c_version(&m->c)) ||
	    (rc = p9c_attach(&m->c, "", &m->rootfid, NULL)) ||
	    (rc = p9c_getattr(&m->c, m->rootfid, P9_GETATTR_BASIC, &st)))
		goto fail;
	rc = -ENOTDIR;
	if (!S_ISDIR(st.mode))
		goto fail;
	rc = -ENOMEM;
	m->bounce = kmalloc(p9c_iomax(&m->c));
	if (!m->bounce)
		goto fail;
	if ((rc = mount_dir(info->mount, &dir)))
		goto fail;
	p->ino = dir;
	p->qpath = st.qid.path;
	list_add_head(&m->nodes, &p->node);
	set_attrs(dir, &st);
	dir->nlink = dir->nlink < 2 ? 2 : dir->nlink;
	dir->priv = (uintptr_t)p;
	dir->priv_fs = m;
	dir->iops = &p9_iops;
	return 0;
fail:
	kfree(m ? m->bounce : NULL);
	kfree(m);
	kfree(p);
	kfree(tx);
	kfree(rx);
	return rc;
}

void p9fs_report(void)
{
	p9front_report();
}

int p9fs_mount_all(char *err, size_t errcap)
{
	static struct p9front_info info[P9FRONT_MAX];
	unsigned bad = 0;
	int n = p9front_init(info, &bad), rc;

	if (n < 0) {
		fmt_snprintf(err, errcap,
			     "volume device 9pfs/%u: cannot connect: %d", bad,
			     n);
		return n;
	}
	for (int i = 0; i < n; i++) {
		rc = mount_one(i, &info[i]);
		if (rc) {
			fmt_snprintf(err, errcap,
				     "volume %s (device 9pfs/%u): cannot mount "
				     "at %s: %d",
				     info[i].tag, info[i].index, info[i].mount,
				     rc);
			return rc;
		}
		printk("init: volume %s mounted at %s%s\n", info[i].tag,
		       info[i].mount, info[i].readonly ? " (read-only)" : "");
	}
	return n;
}
