/* SPDX-License-Identifier: MIT */
/* sys_lock.c: file locks as Linux keeps them: POSIX record locks, open file description locks, flock. */
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/p9fs.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define OFFSET_MAX INT64_MAX

/*
 * Who owns a lock. POSIX record locks belong to the process's descriptor
 * table (every close of any descriptor on the file drops them, as POSIX
 * says); open file description locks and flock locks belong to the open
 * file (they go with its last descriptor). Record locks of both kinds
 * share one space; flock locks have their own.
 */
enum lock_kind { LK_POSIX, LK_OFD, LK_FLOCK };

struct lock {
	struct list_node node; /* in ino->locks, sorted by start */
	enum lock_kind kind;
	int type; /* F_RDLCK or F_WRLCK */
	int64_t start, end; /* inclusive; end OFFSET_MAX: to end of file */
	const void *owner; /* struct files * or struct file * */
	int pid; /* POSIX: the owning process, for F_GETLK */
};

/* A task blocked in F_SETLKW, for deadlock detection. */
struct lock_waiter {
	struct list_node node;
	const void *owner; /* the waiting POSIX owner */
	const void *blocker; /* the owner of the lock it waits for */
};

static struct list_node waiters = LIST_INIT(waiters);
static const char lock_chan; /* woken on every release */

/* Linux's struct flock on x86-64. */
struct k_flock {
	int16_t type, whence;
	int32_t pad0;
	int64_t start, len;
	int32_t pid, pad1;
};

_Static_assert(sizeof(struct k_flock) == 32, "struct flock layout");

static bool same_space(enum lock_kind a, enum lock_kind b)
{
	return (a == LK_FLOCK) == (b == LK_FLOCK);
}

static bool conflicts(const struct lock *held, const struct lock *want)
{
	if (!same_space(held->kind, want->kind) || held->owner == want->owner)
		return false;
	if (held->type != F_WRLCK && want->type != F_WRLCK)
		return false;
	return held->start <= want->end && want->start <= held->end;
}

static struct lock *find_conflict(struct inode *ino, const struct lock *want)
{
	struct lock *l;

	list_for_each(l, &ino->locks, node)
		if (conflicts(l, want))
			return l;
	return NULL;
}

/* Would owner waiting for blocker close a cycle of waiting owners? */
static bool deadlocks(const void *owner, const void *blocker)
{
	for (int hops = 0; hops < 64 && blocker; hops++) {
		const struct lock_waiter *w;
		const void *next = NULL;

		if (blocker == owner)
			return true;
		list_for_each(w, &waiters, node)
			if (w->owner == blocker) {
				next = w->blocker;
				break;
			}
		blocker = next;
	}
	return false;
}

static void wake_lockers(void)
{
	wake_up(&lock_chan);
}

static struct lock *lock_new(const struct lock *tmpl, int64_t start,
			     int64_t end)
{
	struct lock *l = kmalloc(sizeof(*l));

	if (l) {
		*l = *tmpl;
		list_init(&l->node);
		l->start = start;
		l->end = end;
	}
	return l;
}

static void insert_sorted(struct inode *ino, struct lock *n)
{
	struct lock *pos;

	list_for_each(pos, &ino->locks, node)
		if (pos->start > n->start)
			break;
	list_add_before(&pos->node, &n->node);
}

/*
 * Applies want (F_UNLCK included) to its owner's locks on ino: the range
 * is carved out of the owner's locks, then the new lock goes in, merged
 * with its neighbours of the same type. Nothing changes on -ENOMEM.
 */
static int apply(struct inode *ino, const struct lock *want)
{
	struct lock *l, *n, *nl = NULL, *split = NULL;

	/* The allocations first, so that failure leaves the locks as they
	 * were: the new lock, and the tail of a lock split in two. */
	if (want->type != F_UNLCK) {
		nl = lock_new(want, want->start, want->end);
		if (!nl)
			return -ENOMEM;
	}
	list_for_each(l, &ino->locks, node)
		if (l->owner == want->owner && l->kind == want->kind &&
		    l->start < want->start && l->end > want->end &&
		    (!nl || l->type != want->type)) {
			split = lock_new(l, want->end + 1, l->end);
			if (!split) {
				kfree(nl);
				return -ENOMEM;
			}
			break;
		}
	list_for_each_safe(l, n, &ino->locks, node) {
		if (l->owner != want->owner || l->kind != want->kind)
			continue;
		/* Same type and touching or overlapping: absorb it. */
		if (nl && l->type == nl->type &&
		    (l->end == OFFSET_MAX || l->end + 1 >= nl->start) &&
		    (nl->end == OFFSET_MAX || nl->end + 1 >= l->start)) {
			if (l->start < nl->start)
				nl->start = l->start;
			if (l->end > nl->end)
				nl->end = l->end;
			list_del(&l->node);
			kfree(l);
			continue;
		}
		if (l->end < want->start || l->start > want->end)
			continue;
		if (l->start >= want->start && l->end <= want->end) {
			list_del(&l->node);
			kfree(l);
		} else if (l->start < want->start && l->end > want->end) {
			l->end = want->start - 1;
			insert_sorted(ino, split);
			split = NULL;
		} else if (l->start < want->start) {
			l->end = want->start - 1;
		} else {
			l->start = want->end + 1;
			list_del(&l->node);
			insert_sorted(ino, l);
		}
	}
	kfree(split); /* not needed after all (merged away) */
	if (nl)
		insert_sorted(ino, nl);
	wake_lockers();
	return 0;
}

/* Takes want on ino, waiting if wait (POSIX waits check for deadlock). */
static int lock_take(struct inode *ino, const struct lock *want, bool wait)
{
	for (;;) {
		struct lock *c =
			want->type == F_UNLCK ? NULL : find_conflict(ino, want);
		struct lock_waiter w;
		int rc;

		if (!c)
			return apply(ino, want);
		if (!wait)
			return -EAGAIN;
		if (want->kind == LK_POSIX && c->kind == LK_POSIX &&
		    deadlocks(want->owner, c->owner))
			return -EDEADLK;
		w.owner = want->kind == LK_POSIX ? want->owner : NULL;
		w.blocker = c->kind == LK_POSIX ? c->owner : NULL;
		list_add_tail(&waiters, &w.node);
		rc = sleep_on(&lock_chan, 0);
		list_del(&w.node);
		if (rc == -EINTR)
			return -ERESTARTSYS;
	}
}

/*
 * A volume's file (p9fs.c): the lock is taken on the server first, so
 * pods sharing the volume exclude each other (and two opens in this pod
 * too, through their fids), then here as for any file; an unlock goes
 * here first, then to the server. Other files: here only.
 */
static int lock_take_any(struct file *f, const struct lock *want, bool wait)
{
	int rc;

	if (want->type == F_UNLCK) {
		rc = lock_take(f->ino, want, false);
		if (!rc) {
			int r = p9fs_lock(f, F_UNLCK, (uint64_t)want->start,
					  (uint64_t)want->end, false);

			rc = r == -ENODEV ? 0 : r;
		}
		return rc;
	}
	rc = p9fs_lock(f, want->type, (uint64_t)want->start,
		       (uint64_t)want->end, wait);
	/* dom0 cannot write-lock a read-only open: such a flock stays the pod's own */
	if (rc == -EBADF && want->kind == LK_FLOCK)
		rc = -ENODEV;
	if (rc && rc != -ENODEV)
		return rc;
	if (rc == -ENODEV)
		return lock_take(f->ino, want, wait);
	rc = lock_take(f->ino, want, wait);
	if (rc)
		p9fs_lock(f, F_UNLCK, (uint64_t)want->start,
			  (uint64_t)want->end, false);
	return rc;
}

static void drop_where(struct inode *ino, enum lock_kind kind,
		       const void *owner)
{
	struct lock *l, *n;
	bool any = false;

	list_for_each_safe(l, n, &ino->locks, node) {
		if (l->owner != owner ||
		    (kind == LK_FLOCK) != (l->kind == LK_FLOCK) ||
		    (kind == LK_POSIX && l->kind != LK_POSIX))
			continue;
		list_del(&l->node);
		kfree(l);
		any = true;
	}
	if (any)
		wake_lockers();
}

void locks_close(struct file *f, struct files *fs)
{
	if (!list_empty(&f->ino->locks))
		drop_where(f->ino, LK_POSIX, fs);
}

void locks_file_gone(struct file *f)
{
	if (list_empty(&f->ino->locks))
		return;
	drop_where(f->ino, LK_OFD, f); /* record locks of this file */
	drop_where(f->ino, LK_FLOCK, f);
}

/* struct flock -> [start, end]; -EINVAL or -EOVERFLOW if it cannot be. */
static int flock_range(struct file *f, const struct k_flock *fl, struct lock *l)
{
	int64_t base, start;

	switch (fl->whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = (int64_t)f->ino->size;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, fl->start, &start))
		return -EOVERFLOW;
	if (fl->len > 0) {
		if (start < 0)
			return -EINVAL;
		if (fl->len - 1 > OFFSET_MAX - start)
			return -EOVERFLOW;
		l->start = start;
		l->end = start + fl->len - 1;
	} else if (fl->len == 0) {
		if (start < 0)
			return -EINVAL;
		l->start = start;
		l->end = OFFSET_MAX;
	} else {
		if (fl->len == INT64_MIN || start + fl->len < 0)
			return -EINVAL;
		l->start = start + fl->len;
		l->end = start - 1;
	}
	return 0;
}

long lock_fcntl(struct file *f, int cmd, uint64_t uarg)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK ||
		   cmd == F_OFD_SETLKW;
	struct k_flock fl;
	struct lock want, *c;
	int rc, acc = f->flags & O_ACCMODE;

	if (f->flags & O_PATH)
		return -EBADF;
	if (copy_from_user(&fl, (void *)uarg, sizeof(fl)))
		return -EFAULT;
	if (fl.type != F_RDLCK && fl.type != F_WRLCK && fl.type != F_UNLCK)
		return -EINVAL;
	if (ofd && fl.pid != 0)
		return -EINVAL;
	memset(&want, 0, sizeof(want));
	rc = flock_range(f, &fl, &want);
	if (rc)
		return rc;
	want.type = fl.type;
	want.kind = ofd ? LK_OFD : LK_POSIX;
	want.owner = ofd ? (const void *)f : (const void *)current->files;
	want.pid = ofd ? -1 : current->tgid;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (fl.type == F_UNLCK)
			return -EINVAL;
		c = find_conflict(f->ino, &want);
		if (!c) {
			int type = want.type;
			uint64_t s = (uint64_t)want.start,
				 e = (uint64_t)want.end;

			/* nothing here: another pod on the volume may hold one */
			rc = p9fs_getlock(f, &type, &s, &e);
			if (rc && rc != -ENODEV)
				return rc;
			fl.type = rc ? F_UNLCK : (int16_t)type;
			if (!rc && type != F_UNLCK) {
				fl.whence = SEEK_SET;
				fl.start = (int64_t)s;
				fl.len = e == OFFSET_MAX ? 0 :
							   (int64_t)(e - s + 1);
				fl.pid = -1; /* the server does not say whose */
			}
		} else {
			fl.type = (int16_t)c->type;
			fl.whence = SEEK_SET;
			fl.start = c->start;
			fl.len = c->end == OFFSET_MAX ? 0 :
							c->end - c->start + 1;
			fl.pid = c->kind == LK_POSIX ? c->pid : -1;
		}
		return copy_to_user((void *)uarg, &fl, sizeof(fl));
	}
	if ((fl.type == F_RDLCK && acc == O_WRONLY) ||
	    (fl.type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	return lock_take_any(f, &want, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

static long sys_flock(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	int op = (int)a->arg[1], kind = op & ~LOCK_NB;
	struct lock want;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN)
		return -EINVAL;
	memset(&want, 0, sizeof(want));
	want.kind = LK_FLOCK;
	want.owner = f;
	want.pid = current->tgid;
	want.start = 0;
	want.end = OFFSET_MAX;
	want.type = kind == LOCK_SH ? F_RDLCK :
		    kind == LOCK_EX ? F_WRLCK :
				      F_UNLCK;
	/* A conversion drops the old lock first (not atomic, as on Linux). */
	if (want.type != F_UNLCK && find_conflict(f->ino, &want)) {
		struct lock un = want;

		un.type = F_UNLCK;
		apply(f->ino, &un);
	}
	return lock_take_any(f, &want, !(op & LOCK_NB));
}

void sys_lock_register(sys_fn *t)
{
	t[NR_flock] = sys_flock;
}
