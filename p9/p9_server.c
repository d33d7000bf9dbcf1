/* SPDX-License-Identifier: MIT */
/* p9_server: the dom0 9P2000.L file server of one volume: fid table, confinement, read-only, uid squash (docs/VOLUMES.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/p9.h"
#include "log.h"
#include "p9_server.h"

/*
 * Confinement: a fid holds an O_PATH fd of its object, never a path.
 * Every name the guest sends is one component (no '/', not "." or "..",
 * at most NAME_MAX bytes) and is used only relative to a directory fid's
 * fd: walks and creates through openat2() with RESOLVE_BENEATH,
 * RESOLVE_NO_SYMLINKS and RESOLVE_NO_MAGICLINKS, everything else through
 * the *at() calls with AT_SYMLINK_NOFOLLOW. The server never follows a
 * symlink; the guest reads it (Treadlink) and resolves it in its own
 * namespace. ".." is the one name that moves up: from the root it stays
 * at the root (as 9P says), elsewhere the parent is checked to lead back
 * to the root within a bounded number of steps.
 */

#define FID_NONE (-1)
#define DOTDOT_MAX_DEPTH 512

struct fid {
	uint32_t num;
	int next; /* hash chain (slot index), FID_NONE at the end */
	int pfd; /* O_PATH, -1 if the slot is free */
	int ofd; /* opened by Tlopen/Tlcreate, else -1 */
	mode_t type; /* S_IFMT of the object */
};

struct p9s {
	int root;
	dev_t root_dev;
	ino_t root_ino;
	bool readonly;
	uint32_t max_msize, msize;
	bool versioned;
	uint32_t squash_uid, squash_gid;
	bool chown_new; /* we run as root: give what we create to the squash ids */
	char name[64];
	unsigned nfids, max_fids, nbuckets;
	int *buckets;
	struct fid *slots;
	int free_head; /* free slots chained through next */
	unsigned long refused;
};

/* ---- fid table ---- */

static unsigned bucket_of(const struct p9s *s, uint32_t num)
{
	return (num * 2654435761u) & (s->nbuckets - 1);
}

static struct fid *fid_get(struct p9s *s, uint32_t num)
{
	int i;

	for (i = s->buckets[bucket_of(s, num)]; i != FID_NONE;
	     i = s->slots[i].next)
		if (s->slots[i].num == num)
			return &s->slots[i];
	return NULL;
}

/* Take ownership of pfd; -EMFILE when the table is full. */
static int fid_add(struct p9s *s, uint32_t num, int pfd, mode_t type)
{
	unsigned b = bucket_of(s, num);
	struct fid *f;
	int i = s->free_head;

	if (i == FID_NONE) {
		close(pfd);
		log_warn("9pfs %s: fid table full (%u fids)", s->name,
			 s->max_fids);
		return -EMFILE;
	}
	f = &s->slots[i];
	s->free_head = f->next;
	f->num = num;
	f->pfd = pfd;
	f->ofd = -1;
	f->type = type;
	f->next = s->buckets[b];
	s->buckets[b] = i;
	s->nfids++;
	return 0;
}

static void fid_del(struct p9s *s, struct fid *f)
{
	int *pp = &s->buckets[bucket_of(s, f->num)];
	int i = (int)(f - s->slots);

	while (*pp != i)
		pp = &s->slots[*pp].next;
	*pp = f->next;
	close(f->pfd);
	if (f->ofd >= 0)
		close(f->ofd);
	f->pfd = f->ofd = -1;
	f->next = s->free_head;
	s->free_head = i;
	s->nfids--;
}

static void fid_clear_all(struct p9s *s)
{
	unsigned b;

	for (b = 0; b < s->nbuckets; b++)
		while (s->buckets[b] != FID_NONE)
			fid_del(s, &s->slots[s->buckets[b]]);
}

/* ---- helpers ---- */

static void refuse(struct p9s *s, const char *what, const struct p9_str *n)
{
	char clean[64];
	size_t i, len = n && n->len < sizeof(clean) ? n->len : 0;

	for (i = 0; i < len; i++)
		clean[i] = n->s[i] >= 0x20 && n->s[i] < 0x7f ? n->s[i] : '?';
	clean[len] = 0;
	s->refused++;
	log_warn("9pfs %s: refused: %s%s%s%s", s->name, what, len ? " \"" : "",
		 clean, len ? "\"" : "");
}

/* A name of one directory entry: 0, or -EINVAL (logged as refused). */
static int check_name(struct p9s *s, const struct p9_str *n, char *out)
{
	if (!n->len || n->len > NAME_MAX) {
		refuse(s, n->len ? "name too long" : "empty name", NULL);
		return n->len ? -ENAMETOOLONG : -EINVAL;
	}
	if (memchr(n->s, '/', n->len)) {
		refuse(s, "name with '/'", n);
		return -EINVAL;
	}
	if ((n->len == 1 && n->s[0] == '.') ||
	    (n->len == 2 && n->s[0] == '.' && n->s[1] == '.')) {
		refuse(s, "name . or .. where an entry is meant", n);
		return -EINVAL;
	}
	memcpy(out, n->s, n->len);
	out[n->len] = 0;
	return 0;
}

static int open_beneath(int dirfd, const char *name, uint64_t flags,
			uint64_t mode)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC | O_NOFOLLOW,
		.mode = mode,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/* Reopen the object behind our own O_PATH fd (regular files and directories only). */
static int reopen(int pfd, int flags)
{
	char p[32];
	int fd;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", pfd);
	fd = open(p, flags | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

static int fstat_empty(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ?
		       -errno :
		       0;
}

static void qid_of(const struct stat *st, struct p9_qid *q)
{
	q->type = S_ISDIR(st->st_mode) ? P9_QTDIR :
		  S_ISLNK(st->st_mode) ? P9_QTSYMLINK :
					 P9_QTFILE;
	q->version = 0;
	q->path = (uint64_t)st->st_ino;
}

static uint8_t qtype_of_dt(unsigned char dt)
{
	return dt == DT_DIR ? P9_QTDIR :
	       dt == DT_LNK ? P9_QTSYMLINK :
			      P9_QTFILE;
}

/* Give a new object to the squash ids (only when running as root). */
static int give_away(struct p9s *s, int dirfd, const char *name)
{
	if (!s->chown_new)
		return 0;
	if (fchownat(dirfd, name, s->squash_uid, s->squash_gid,
		     AT_SYMLINK_NOFOLLOW))
		return -errno;
	return 0;
}

/* Mode bits the guest may set: never set-user-ID or set-group-ID. */
static mode_t clean_mode(uint32_t mode)
{
	return (mode_t)(mode & 01777);
}

static int dir_fid(struct p9s *s, uint32_t num, struct fid **r)
{
	struct fid *f = fid_get(s, num);

	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->type))
		return -ENOTDIR;
	*r = f;
	return 0;
}

/* ---- requests ---- */

static int do_version(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	uint32_t msize = m->u.version.msize;

	fid_clear_all(s);
	if (msize > s->max_msize)
		msize = s->max_msize;
	if (msize < P9_MSIZE_MIN) {
		log_warn("9pfs %s: Tversion msize %u below %u", s->name,
			 m->u.version.msize, P9_MSIZE_MIN);
		return -EINVAL;
	}
	r->u.version.msize = msize;
	if (m->u.version.version.len == strlen(P9_VERSION_L) &&
	    !memcmp(m->u.version.version.s, P9_VERSION_L,
		    strlen(P9_VERSION_L))) {
		r->u.version.version =
			(struct p9_str){ P9_VERSION_L,
					 (uint16_t)strlen(P9_VERSION_L) };
		s->msize = msize;
		s->versioned = true;
	} else {
		r->u.version.version = (struct p9_str){ "unknown", 7 };
		s->versioned = false;
	}
	return 0;
}

static int do_attach(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	struct stat st;
	int fd, rc;

	if (m->u.tattach.afid != P9_NOFID)
		return -EINVAL;
	if (fid_get(s, m->u.tattach.fid))
		return -EBADF;
	fd = open_beneath(s->root, ".", O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	rc = fstat_empty(fd, &st);
	if (rc) {
		close(fd);
		return rc;
	}
	qid_of(&st, &r->u.rqid.qid);
	return fid_add(s, m->u.tattach.fid, fd, st.st_mode & S_IFMT);
}

/* The parent of directory fd, checked to lie beneath the root; the root's parent is the root. */
static int walk_dotdot(struct p9s *s, int fd, const struct stat *st)
{
	struct stat up;
	int cur, next, depth;

	if (st->st_dev == s->root_dev && st->st_ino == s->root_ino)
		return open_beneath(s->root, ".", O_PATH | O_DIRECTORY, 0);
	next = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (next < 0)
		return -errno;
	/* Climb from the parent until the root: it must be an ancestor. */
	cur = openat(next, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (depth = 0; cur >= 0 && depth < DOTDOT_MAX_DEPTH; depth++) {
		int up_fd;

		if (fstat_empty(cur, &up))
			break;
		if (up.st_dev == s->root_dev && up.st_ino == s->root_ino) {
			close(cur);
			return next;
		}
		up_fd = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up_fd >= 0) {
			struct stat again;

			/* "/" is its own parent: not beneath our root. */
			if (!fstat_empty(up_fd, &again) &&
			    again.st_dev == up.st_dev &&
			    again.st_ino == up.st_ino) {
				close(up_fd);
				break;
			}
		}
		close(cur);
		cur = up_fd;
	}
	if (cur >= 0)
		close(cur);
	close(next);
	refuse(s, "\"..\" of a directory no longer beneath the volume", NULL);
	return -EXDEV;
}

static int do_walk(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	const struct p9_twalk *w = &m->u.twalk;
	struct fid *f = fid_get(s, w->fid);
	char name[NAME_MAX + 1];
	struct stat st;
	int cur, next, rc = 0;
	uint16_t i;

	if (!f)
		return -EBADF;
	if (w->newfid != w->fid && fid_get(s, w->newfid))
		return -EBADF;
	if (f->ofd >= 0)
		return -EBADF; /* an opened fid cannot be walked */
	cur = fcntl(f->pfd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return -errno;
	if (fstat_empty(cur, &st)) {
		rc = -errno;
		close(cur);
		return rc;
	}
	for (i = 0; i < w->nwname; i++) {
		const struct p9_str *n = &w->wname[i];

		if (!S_ISDIR(st.st_mode)) {
			rc = -ENOTDIR;
			break;
		}
		if (n->len == 2 && n->s[0] == '.' && n->s[1] == '.') {
			next = walk_dotdot(s, cur, &st);
		} else {
			rc = check_name(s, n, name);
			if (rc)
				break;
			next = open_beneath(cur, name, O_PATH, 0);
		}
		if (next < 0) {
			rc = next;
			break;
		}
		close(cur);
		cur = next;
		if (fstat_empty(cur, &st)) {
			rc = -errno;
			break;
		}
		qid_of(&st, &r->u.rwalk.wqid[i]);
	}
	r->u.rwalk.nwqid = i;
	if (i < w->nwname) {
		close(cur);
		/* A partial walk answers with the qids so far; the first failing. */
		return i ? 0 : rc;
	}
	if (w->newfid == w->fid) {
		close(f->pfd);
		f->pfd = cur;
		f->type = st.st_mode & S_IFMT;
		return 0;
	}
	return fid_add(s, w->newfid, cur, st.st_mode & S_IFMT);
}

/* Linux open flags the guest may pass (the 9P2000.L values are Linux's). */
#define OPEN_ALLOWED                                                       \
	(O_ACCMODE | O_TRUNC | O_APPEND | O_DIRECTORY | O_SYNC | O_DSYNC | \
	 O_NOATIME | O_LARGEFILE)

static int open_flags(struct p9s *s, uint32_t flags, int *r)
{
	int fl = (int)(flags & (uint32_t)OPEN_ALLOWED) & ~O_NOATIME;

	if ((fl & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (s->readonly && ((fl & O_ACCMODE) != O_RDONLY || (fl & O_TRUNC)))
		return -EROFS;
	*r = fl;
	return 0;
}

static int do_lopen(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	struct fid *f = fid_get(s, m->u.tlopen.fid);
	struct stat st, st2;
	int fl, fd, rc;

	if (!f)
		return -EBADF;
	if (f->ofd >= 0)
		return -EBADF;
	rc = open_flags(s, m->u.tlopen.flags, &fl);
	if (rc)
		return rc;
	if (!S_ISREG(f->type) && !S_ISDIR(f->type))
		return S_ISLNK(f->type) ? -ELOOP : -EACCES;
	if (S_ISDIR(f->type) && (fl & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	fd = reopen(f->pfd, fl);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || fstat_empty(f->pfd, &st2) ||
	    st.st_ino != st2.st_ino || st.st_dev != st2.st_dev) {
		close(fd);
		return -ESTALE;
	}
	f->ofd = fd;
	qid_of(&st, &r->u.ropen.qid);
	r->u.ropen.iounit = 0;
	return 0;
}

static int do_lcreate(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	const struct p9_tlcreate *c = &m->u.tlcreate;
	char name[NAME_MAX + 1];
	struct fid *f;
	struct stat st;
	int fl, fd, pfd, rc;

	rc = dir_fid(s, c->fid, &f);
	if (rc)
		return rc;
	if (f->ofd >= 0)
		return -EBADF;
	if (s->readonly)
		return -EROFS;
	rc = check_name(s, &c->name, name);
	if (rc)
		return rc;
	rc = open_flags(s, c->flags, &fl);
	if (rc)
		return rc;
	if (fl & O_DIRECTORY)
		return -EINVAL;
	fd = open_beneath(f->pfd, name, (uint64_t)fl | O_CREAT | O_EXCL,
			  clean_mode(c->mode) & 0777);
	if (fd == -EEXIST && !(c->flags & O_EXCL)) {
		/* An existing entry: open it only if it is a regular file. */
		pfd = open_beneath(f->pfd, name, O_PATH, 0);
		if (pfd < 0)
			return pfd;
		if (fstat_empty(pfd, &st) || !S_ISREG(st.st_mode)) {
			close(pfd);
			return S_ISLNK(st.st_mode) ? -ELOOP : -EEXIST;
		}
		fd = reopen(pfd, fl);
		close(pfd);
	} else if (fd >= 0) {
		rc = give_away(s, f->pfd, name);
		if (rc) {
			unlinkat(f->pfd, name, 0);
			close(fd);
			return rc;
		}
	}
	if (fd < 0)
		return fd;
	pfd = reopen(fd, O_PATH);
	if (pfd < 0 || fstat(fd, &st)) {
		rc = pfd < 0 ? pfd : -errno;
		if (pfd >= 0)
			close(pfd);
		close(fd);
		return rc;
	}
	/* The fid now stands for the new file, opened. */
	close(f->pfd);
	f->pfd = pfd;
	f->ofd = fd;
	f->type = S_IFREG;
	qid_of(&st, &r->u.ropen.qid);
	r->u.ropen.iounit = 0;
	return 0;
}

static int do_read(struct p9s *s, const struct p9_msg *m, struct p9_msg *r,
		   uint8_t *out, size_t cap)
{
	struct fid *f = fid_get(s, m->u.tio.fid);
	uint32_t count = m->u.tio.count, room = s->msize - P9_HDR_LEN - 4;
	ssize_t n;

	if (!f || f->ofd < 0)
		return -EBADF;
	if (S_ISDIR(f->type))
		return -EISDIR;
	if (m->u.tio.offset > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (count > room)
		count = room;
	if (count > cap - P9_HDR_LEN - 4)
		count = (uint32_t)(cap - P9_HDR_LEN - 4);
	/* Read straight into the reply, after its header and count. */
	n = pread(f->ofd, out + P9_HDR_LEN + 4, count, (off_t)m->u.tio.offset);
	if (n < 0)
		return -errno;
	r->u.rdata.data = (struct p9_data){ out + P9_HDR_LEN + 4, (uint32_t)n };
	return 0;
}

static int do_write(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	struct fid *f = fid_get(s, m->u.tio.fid);
	ssize_t n;

	if (!f || f->ofd < 0)
		return -EBADF;
	if (s->readonly)
		return -EROFS;
	if (m->u.tio.offset > (uint64_t)INT64_MAX)
		return -EINVAL;
	n = pwrite(f->ofd, m->u.tio.data.p, m->u.tio.data.len,
		   (off_t)m->u.tio.offset);
	if (n < 0)
		return -errno;
	r->u.count.count = (uint32_t)n;
	return 0;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int do_readdir(struct p9s *s, const struct p9_msg *m, struct p9_msg *r,
		      uint8_t *out, size_t cap)
{
	static uint8_t raw[P9_MSIZE_MAX];
	struct fid *f = fid_get(s, m->u.tio.fid);
	uint32_t count = m->u.tio.count, room = s->msize - P9_HDR_LEN - 4;
	uint8_t *data = out + P9_HDR_LEN + 4;
	uint32_t pos = 0;
	long n, i;

	if (!f || f->ofd < 0)
		return -EBADF;
	if (!S_ISDIR(f->type))
		return -ENOTDIR;
	if (m->u.tio.offset > (uint64_t)INT64_MAX)
		return -EINVAL;
	if (count > room)
		count = room;
	if (count > cap - P9_HDR_LEN - 4)
		count = (uint32_t)(cap - P9_HDR_LEN - 4);
	if (lseek(f->ofd, (off_t)m->u.tio.offset, SEEK_SET) < 0)
		return -errno;
	/* One batch of host entries; what does not fit is read again next time. */
	n = syscall(SYS_getdents64, f->ofd, raw,
		    count < sizeof(raw) ? count : sizeof(raw));
	if (n < 0)
		return -errno;
	for (i = 0; i < n;) {
		const struct linux_dirent64 *e =
			(const struct linux_dirent64 *)(const void *)(raw + i);
		size_t nl = strnlen(
			e->d_name,
			e->d_reclen - offsetof(struct linux_dirent64, d_name));
		struct p9_dirent d;

		if (nl > NAME_MAX)
			break;
		d.qid = (struct p9_qid){ qtype_of_dt(e->d_type), 0, e->d_ino };
		d.offset = (uint64_t)e->d_off;
		d.type = e->d_type;
		d.name = (struct p9_str){ e->d_name, (uint16_t)nl };
		if (p9_dirent_put(data, count, &pos, &d))
			break;
		i += e->d_reclen;
	}
	if (n > 0 && pos == 0)
		return -EINVAL; /* count too small for one entry */
	r->u.rdata.data = (struct p9_data){ data, pos };
	return 0;
}

static uint32_t view_uid(const struct p9s *s, uid_t uid)
{
	(void)s;
	(void)uid;
	return 0; /* squash: the pod's root owns everything it sees */
}

static int do_getattr(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	struct fid *f = fid_get(s, m->u.tgetattr.fid);
	struct p9_rgetattr *a = &r->u.rgetattr;
	struct stat st;
	int rc;

	if (!f)
		return -EBADF;
	rc = fstat_empty(f->pfd, &st);
	if (rc)
		return rc;
	a->valid = P9_GETATTR_BASIC;
	qid_of(&st, &a->qid);
	a->mode = st.st_mode;
	a->uid = view_uid(s, st.st_uid);
	a->gid = view_uid(s, st.st_gid);
	a->nlink = st.st_nlink;
	a->rdev = st.st_rdev;
	a->size = (uint64_t)st.st_size;
	a->blksize = (uint64_t)st.st_blksize;
	a->blocks = (uint64_t)st.st_blocks;
	a->atime_sec = (uint64_t)st.st_atim.tv_sec;
	a->atime_nsec = (uint64_t)st.st_atim.tv_nsec;
	a->mtime_sec = (uint64_t)st.st_mtim.tv_sec;
	a->mtime_nsec = (uint64_t)st.st_mtim.tv_nsec;
	a->ctime_sec = (uint64_t)st.st_ctim.tv_sec;
	a->ctime_nsec = (uint64_t)st.st_ctim.tv_nsec;
	return 0;
}

/* One of Tsetattr's two times for utimensat: left alone, now, or the
 * guest's value (-EINVAL when it is not a valid time). */
static int set_time(struct timespec *ts, bool change, bool given, uint64_t sec,
		    uint64_t nsec)
{
	ts->tv_sec = 0;
	ts->tv_nsec = change ? UTIME_NOW : UTIME_OMIT;
	if (!change || !given)
		return 0;
	if (nsec >= 1000000000u || sec > (uint64_t)INT64_MAX)
		return -EINVAL;
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = (long)nsec;
	return 0;
}

static int do_setattr(struct p9s *s, const struct p9_msg *m)
{
	const struct p9_tsetattr *a = &m->u.tsetattr;
	struct fid *f = fid_get(s, a->fid);
	struct timespec ts[2];
	char p[32];

	if (!f)
		return -EBADF;
	if (s->readonly)
		return -EROFS;
	/* Squash: the guest sees uid/gid 0 everywhere; only 0 is "no change". */
	if (((a->valid & P9_SETATTR_UID) && a->uid != 0) ||
	    ((a->valid & P9_SETATTR_GID) && a->gid != 0))
		return -EPERM;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", f->pfd);
	if (a->valid & P9_SETATTR_MODE) {
		if (S_ISLNK(f->type))
			return -EOPNOTSUPP;
		if (chmod(p, clean_mode(a->mode)))
			return -errno;
	}
	if (a->valid & P9_SETATTR_SIZE) {
		if (!S_ISREG(f->type))
			return S_ISDIR(f->type) ? -EISDIR : -EINVAL;
		if (a->size > (uint64_t)INT64_MAX)
			return -EFBIG;
		if (f->ofd >= 0 && (fcntl(f->ofd, F_GETFL) & O_ACCMODE) !=
					    O_RDONLY ?
			    ftruncate(f->ofd, (off_t)a->size) :
			    truncate(p, (off_t)a->size))
			return -errno;
	}
	if (a->valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME)) {
		if (set_time(&ts[0], a->valid & P9_SETATTR_ATIME,
			     a->valid & P9_SETATTR_ATIME_SET, a->atime_sec,
			     a->atime_nsec) ||
		    set_time(&ts[1], a->valid & P9_SETATTR_MTIME,
			     a->valid & P9_SETATTR_MTIME_SET, a->mtime_sec,
			     a->mtime_nsec))
			return -EINVAL;
		if (utimensat(f->pfd, "", ts,
			      AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
			return -errno;
	}
	return 0;
}

/* Answer with the qid of dirfd/name after a create. */
static int qid_at(int dirfd, const char *name, struct p9_qid *q)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	qid_of(&st, q);
	return 0;
}

static int do_mkdir(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	char name[NAME_MAX + 1];
	struct fid *d;
	int rc;

	rc = dir_fid(s, m->u.tmkdir.dfid, &d);
	if (rc)
		return rc;
	if (s->readonly)
		return -EROFS;
	rc = check_name(s, &m->u.tmkdir.name, name);
	if (rc)
		return rc;
	if (mkdirat(d->pfd, name, clean_mode(m->u.tmkdir.mode)))
		return -errno;
	rc = give_away(s, d->pfd, name);
	if (!rc)
		rc = qid_at(d->pfd, name, &r->u.rqid.qid);
	if (rc)
		unlinkat(d->pfd, name, AT_REMOVEDIR);
	return rc;
}

static int do_symlink(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	const struct p9_tsymlink *l = &m->u.tsymlink;
	char name[NAME_MAX + 1], target[PATH_MAX];
	struct fid *d;
	int rc;

	rc = dir_fid(s, l->fid, &d);
	if (rc)
		return rc;
	if (s->readonly)
		return -EROFS;
	rc = check_name(s, &l->name, name);
	if (rc)
		return rc;
	if (!l->symtgt.len)
		return -ENOENT;
	if (l->symtgt.len >= sizeof(target))
		return -ENAMETOOLONG;
	memcpy(target, l->symtgt.s, l->symtgt.len);
	target[l->symtgt.len] = 0;
	/* The target is only ever read back by the guest, never followed here. */
	if (symlinkat(target, d->pfd, name))
		return -errno;
	rc = give_away(s, d->pfd, name);
	if (!rc)
		rc = qid_at(d->pfd, name, &r->u.rqid.qid);
	if (rc)
		unlinkat(d->pfd, name, 0);
	return rc;
}

static int do_link(struct p9s *s, const struct p9_msg *m)
{
	char name[NAME_MAX + 1];
	struct fid *d, *f;
	int rc;

	rc = dir_fid(s, m->u.tlink.dfid, &d);
	if (rc)
		return rc;
	f = fid_get(s, m->u.tlink.fid);
	if (!f)
		return -EBADF;
	if (s->readonly)
		return -EROFS;
	rc = check_name(s, &m->u.tlink.name, name);
	if (rc)
		return rc;
	if (S_ISDIR(f->type))
		return -EPERM;
	if (!linkat(f->pfd, "", d->pfd, name, AT_EMPTY_PATH))
		return 0;
	/* Without CAP_DAC_READ_SEARCH (running as the squash ids): through
	 * our own fd's /proc link, which names the very inode. */
	if (errno == ENOENT && !S_ISLNK(f->type)) {
		char p[32];

		snprintf(p, sizeof(p), "/proc/self/fd/%d", f->pfd);
		if (!linkat(AT_FDCWD, p, d->pfd, name, AT_SYMLINK_FOLLOW))
			return 0;
	}
	return -errno;
}

static int do_readlink(struct p9s *s, const struct p9_msg *m, struct p9_msg *r,
		       char *buf, size_t cap)
{
	struct fid *f = fid_get(s, m->u.fid.fid);
	ssize_t n;

	if (!f)
		return -EBADF;
	if (!S_ISLNK(f->type))
		return -EINVAL;
	n = readlinkat(f->pfd, "", buf, cap);
	if (n < 0)
		return -errno;
	if ((size_t)n >= cap || memchr(buf, 0, (size_t)n))
		return -ENAMETOOLONG;
	r->u.rreadlink.target = (struct p9_str){ buf, (uint16_t)n };
	return 0;
}

static int do_unlinkat(struct p9s *s, const struct p9_msg *m)
{
	char name[NAME_MAX + 1];
	struct fid *d;
	int rc;

	rc = dir_fid(s, m->u.tunlinkat.dirfid, &d);
	if (rc)
		return rc;
	if (s->readonly)
		return -EROFS;
	if (m->u.tunlinkat.flags & ~P9_AT_REMOVEDIR)
		return -EINVAL;
	rc = check_name(s, &m->u.tunlinkat.name, name);
	if (rc)
		return rc;
	if (unlinkat(d->pfd, name,
		     m->u.tunlinkat.flags & P9_AT_REMOVEDIR ? AT_REMOVEDIR : 0))
		return -errno;
	return 0;
}

static int do_renameat(struct p9s *s, const struct p9_msg *m)
{
	const struct p9_trenameat *t = &m->u.trenameat;
	char on[NAME_MAX + 1], nn[NAME_MAX + 1];
	struct fid *od, *nd;
	int rc;

	rc = dir_fid(s, t->olddirfid, &od);
	if (!rc)
		rc = dir_fid(s, t->newdirfid, &nd);
	if (rc)
		return rc;
	if (s->readonly)
		return -EROFS;
	rc = check_name(s, &t->oldname, on);
	if (!rc)
		rc = check_name(s, &t->newname, nn);
	if (rc)
		return rc;
	if (renameat(od->pfd, on, nd->pfd, nn))
		return -errno;
	return 0;
}

static int do_fsync(struct p9s *s, const struct p9_msg *m)
{
	struct fid *f = fid_get(s, m->u.tfsync.fid);

	if (!f || f->ofd < 0)
		return -EBADF;
	if (m->u.tfsync.datasync ? fdatasync(f->ofd) : fsync(f->ofd))
		return -errno;
	return 0;
}

static int do_statfs(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	struct fid *f = fid_get(s, m->u.fid.fid);
	struct p9_rstatfs *o = &r->u.rstatfs;
	struct statfs sf;

	if (!f)
		return -EBADF;
	if (fstatfs(f->pfd, &sf))
		return -errno;
	o->type = (uint32_t)sf.f_type;
	o->bsize = (uint32_t)sf.f_bsize;
	o->blocks = sf.f_blocks;
	o->bfree = sf.f_bfree;
	o->bavail = sf.f_bavail;
	o->files = sf.f_files;
	o->ffree = sf.f_ffree;
	o->fsid = (uint64_t)(uint32_t)sf.f_fsid.__val[0] |
		  (uint64_t)(uint32_t)sf.f_fsid.__val[1] << 32;
	o->namelen = (uint32_t)sf.f_namelen;
	return 0;
}

static int lock_range(uint8_t type, uint64_t start, uint64_t length,
		      struct flock *fl)
{
	static const short types[] = { F_RDLCK, F_WRLCK, F_UNLCK };

	if (type > P9_LOCK_TYPE_UNLCK || start > (uint64_t)INT64_MAX ||
	    length > (uint64_t)INT64_MAX - start)
		return -EINVAL;
	memset(fl, 0, sizeof(*fl));
	fl->l_type = types[type];
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)start;
	fl->l_len = (off_t)length; /* 0: to the end, in both */
	return 0;
}

/* Open file description locks: one lock owner per guest open, never blocking here. */
static int do_lock(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	const struct p9_tlock *l = &m->u.tlock;
	struct fid *f = fid_get(s, l->fid);
	struct flock fl;
	int rc;

	if (!f || f->ofd < 0)
		return -EBADF;
	if (l->flags & ~(P9_LOCK_FLAGS_BLOCK | P9_LOCK_FLAGS_RECLAIM))
		return -EINVAL;
	rc = lock_range(l->type, l->start, l->length, &fl);
	if (rc)
		return rc;
	if (fcntl(f->ofd, F_OFD_SETLK, &fl) == 0)
		r->u.rlock.status = P9_LOCK_SUCCESS;
	else if (errno == EAGAIN || errno == EACCES)
		r->u.rlock.status = P9_LOCK_BLOCKED; /* the client retries */
	else
		return -errno;
	return 0;
}

static int do_getlock(struct p9s *s, const struct p9_msg *m, struct p9_msg *r)
{
	const struct p9_getlock *l = &m->u.getlock;
	struct fid *f = fid_get(s, l->fid);
	struct p9_getlock *o = &r->u.getlock;
	struct flock fl;
	int rc;

	if (!f || f->ofd < 0)
		return -EBADF;
	if (l->type == P9_LOCK_TYPE_UNLCK)
		return -EINVAL;
	rc = lock_range(l->type, l->start, l->length, &fl);
	if (rc)
		return rc;
	if (fcntl(f->ofd, F_OFD_GETLK, &fl))
		return -errno;
	*o = *l;
	o->fid = 0;
	if (fl.l_type == F_UNLCK) {
		o->type = P9_LOCK_TYPE_UNLCK;
	} else {
		/* The holder may be another pod: its owner is not ours to tell. */
		o->type = fl.l_type == F_RDLCK ? P9_LOCK_TYPE_RDLCK :
						 P9_LOCK_TYPE_WRLCK;
		o->start = (uint64_t)fl.l_start;
		o->length = (uint64_t)fl.l_len;
		o->proc_id = 0;
		o->client_id = (struct p9_str){ "", 0 };
	}
	return 0;
}

static int dispatch(struct p9s *s, const struct p9_msg *m, struct p9_msg *r,
		    uint8_t *out, size_t cap, char *linkbuf, size_t linkcap)
{
	struct fid *f;

	if (m->type != P9_TVERSION && !s->versioned)
		return -EPROTO;
	switch (m->type) {
	case P9_TVERSION:
		return do_version(s, m, r);
	case P9_TATTACH:
		return do_attach(s, m, r);
	case P9_TWALK:
		return do_walk(s, m, r);
	case P9_TLOPEN:
		return do_lopen(s, m, r);
	case P9_TLCREATE:
		return do_lcreate(s, m, r);
	case P9_TREAD:
		return do_read(s, m, r, out, cap);
	case P9_TWRITE:
		return do_write(s, m, r);
	case P9_TREADDIR:
		return do_readdir(s, m, r, out, cap);
	case P9_TGETATTR:
		return do_getattr(s, m, r);
	case P9_TSETATTR:
		return do_setattr(s, m);
	case P9_TMKDIR:
		return do_mkdir(s, m, r);
	case P9_TSYMLINK:
		return do_symlink(s, m, r);
	case P9_TLINK:
		return do_link(s, m);
	case P9_TREADLINK:
		return do_readlink(s, m, r, linkbuf, linkcap);
	case P9_TUNLINKAT:
		return do_unlinkat(s, m);
	case P9_TRENAMEAT:
		return do_renameat(s, m);
	case P9_TFSYNC:
		return do_fsync(s, m);
	case P9_TSTATFS:
		return do_statfs(s, m, r);
	case P9_TLOCK:
		return do_lock(s, m, r);
	case P9_TGETLOCK:
		return do_getlock(s, m, r);
	case P9_TCLUNK:
		f = fid_get(s, m->u.fid.fid);
		if (!f)
			return -EBADF;
		fid_del(s, f);
		return 0;
	case P9_TFLUSH:
		return 0; /* every request is answered before the next is read */
	default:
		return -EOPNOTSUPP; /* an R message, or Tlerror */
	}
}

int p9s_handle(struct p9s *s, const uint8_t *req, size_t len, uint8_t *out,
	       size_t cap)
{
	static char linkbuf[PATH_MAX];
	struct p9_msg m, r;
	int rc, n;

	if (cap < s->msize)
		return -EINVAL;
	rc = p9_decode(req, len, s->msize, &m);
	if (rc == -EMSGSIZE) {
		log_warn(
			"9pfs %s: message of %zu bytes with size field %u (msize %u)",
			s->name, len, len >= 4 ? p9_get32(req) : 0, s->msize);
		return -EPROTO;
	}
	memset(&r, 0, sizeof(r));
	if (!rc) {
		rc = dispatch(s, &m, &r, out, cap, linkbuf, sizeof(linkbuf));
	} else {
		/* Unsupported types are routine (Linux tries Txattrwalk): debug only. */
		log_msg(rc == -EOPNOTSUPP ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN,
			"9pfs %s: %s %s (type %u)", s->name,
			rc == -EOPNOTSUPP ? "unsupported" : "malformed",
			p9_type_name(m.type), m.type);
		if (rc != -EOPNOTSUPP)
			rc = -EPROTO;
	}
	r.tag = m.tag;
	if (rc) {
		r.type = P9_RLERROR;
		r.u.rlerror.ecode = (uint32_t)-rc;
	} else {
		r.type = (uint8_t)(m.type + 1);
	}
	n = p9_encode(&r, out, cap, s->msize);
	if (n < 0) {
		/* Cannot happen for replies we size ourselves; answer EIO. */
		log_err("9pfs %s: %s reply did not fit (%d)", s->name,
			p9_type_name(r.type), n);
		memset(&r.u, 0, sizeof(r.u));
		r.type = P9_RLERROR;
		r.u.rlerror.ecode = EIO;
		n = p9_encode(&r, out, cap, s->msize);
	}
	return n;
}

uint32_t p9s_msize(const struct p9s *s)
{
	return s->msize;
}

unsigned p9s_fids(const struct p9s *s)
{
	return s->nfids;
}

unsigned long p9s_refused(const struct p9s *s)
{
	return s->refused;
}

int p9s_new(const struct p9s_config *cfg, struct p9s **r)
{
	struct p9s *s;
	struct stat st;
	unsigned i;

	if (cfg->max_msize &&
	    (cfg->max_msize < P9_MSIZE_MIN || cfg->max_msize > P9_MSIZE_MAX)) {
		log_err("9pfs: msize %u outside %u..%u", cfg->max_msize,
			P9_MSIZE_MIN, P9_MSIZE_MAX);
		return -EINVAL;
	}
	if (cfg->max_fids > P9S_MAX_FIDS) {
		log_err("9pfs: %u fids above the limit of %u", cfg->max_fids,
			P9S_MAX_FIDS);
		return -EINVAL;
	}
	if (fstat(cfg->root_fd, &st) || !S_ISDIR(st.st_mode)) {
		log_err("9pfs: the volume root is not a directory");
		return -ENOTDIR;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->root = fcntl(cfg->root_fd, F_DUPFD_CLOEXEC, 3);
	if (s->root < 0) {
		free(s);
		return -errno;
	}
	s->root_dev = st.st_dev;
	s->root_ino = st.st_ino;
	s->readonly = cfg->readonly;
	s->max_msize = cfg->max_msize ? cfg->max_msize : P9S_DEFAULT_MSIZE;
	s->msize = s->max_msize;
	s->max_fids = cfg->max_fids ? cfg->max_fids : P9S_DEFAULT_FIDS;
	s->squash_uid = cfg->squash_uid == P9S_SQUASH_OWNER ? st.st_uid :
							      cfg->squash_uid;
	s->squash_gid = cfg->squash_gid == P9S_SQUASH_OWNER ? st.st_gid :
							      cfg->squash_gid;
	s->chown_new = geteuid() == 0;
	snprintf(s->name, sizeof(s->name), "%s", cfg->name ? cfg->name : "-");
	for (s->nbuckets = 1; s->nbuckets < s->max_fids; s->nbuckets <<= 1)
		;
	s->buckets = malloc(s->nbuckets * sizeof(*s->buckets));
	s->slots = calloc(s->max_fids, sizeof(*s->slots));
	if (!s->buckets || !s->slots) {
		p9s_free(s);
		return -ENOMEM;
	}
	for (i = 0; i < s->nbuckets; i++)
		s->buckets[i] = FID_NONE;
	for (i = 0; i < s->max_fids; i++) {
		s->slots[i].pfd = s->slots[i].ofd = -1;
		s->slots[i].next = i + 1 < s->max_fids ? (int)i + 1 : FID_NONE;
	}
	s->free_head = 0;
	*r = s;
	return 0;
}

void p9s_free(struct p9s *s)
{
	if (!s)
		return;
	if (s->buckets && s->slots)
		fid_clear_all(s);
	free(s->buckets);
	free(s->slots);
	close(s->root);
	free(s);
}
