/* SPDX-License-Identifier: MIT */
/* sys_inotify.c: inotify watches on the VFS (the ramfs, and a volume's changes made by this pod), their event queues and the inotify calls. */
#include "kernel/inotify.h"
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define IN_ALL_EVENTS 0xfffu
#define IN_UNMOUNT 0x2000u
#define IN_Q_OVERFLOW 0x4000u
#define IN_IGNORED 0x8000u
#define IN_ONLYDIR 0x01000000u
#define IN_DONT_FOLLOW 0x02000000u
#define IN_EXCL_UNLINK 0x04000000u
#define IN_MASK_CREATE 0x10000000u
#define IN_MASK_ADD 0x20000000u
#define IN_ONESHOT 0x80000000u
#define IN_CLOEXEC O_CLOEXEC
#define IN_NONBLOCK O_NONBLOCK
#define FIONREAD 0x541b
#define AT_FDCWD (-100)
/* What an event of a child reaches its watched directory with (Linux's
 * FS_EVENTS_POSS_ON_CHILD). */
#define ON_CHILD                                              \
	(IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | \
	 IN_CLOSE_NOWRITE | IN_OPEN)
/* Linux's defaults: max_queued_events and max_user_watches. */
#define QUEUE_MAX 16384u
#define WATCHES_MAX 8192u

struct in_group;

struct in_watch {
	struct list_node node; /* in all_watches */
	struct in_group *g;
	struct inode *ino;
	int wd;
	uint32_t mask;
};

struct in_event {
	struct list_node node; /* in the group's queue */
	int32_t wd;
	uint32_t mask, cookie, len; /* len: name bytes with NUL padding */
	char name[];
};

struct in_group {
	struct list_node events;
	unsigned nevents, nwatches;
	int next_wd;
	struct file *f;
};

/* Every watch of every group (few: a list is enough). */
static struct list_node all_watches = LIST_INIT(all_watches);
unsigned inotify_nwatches;
static uint32_t next_cookie;

uint32_t inotify_cookie(void)
{
	return ++next_cookie ? next_cookie : ++next_cookie;
}

/* Linux pads a name with NULs to a multiple of the event header (16). */
static uint32_t name_len(const char *name)
{
	return name ? (uint32_t)((strlen(name) + 1 + 15) / 16 * 16) : 0;
}

static void queue(struct in_group *g, int32_t wd, uint32_t mask,
		  uint32_t cookie, const char *name)
{
	uint32_t len = name_len(name);
	struct in_event *e, *tail = NULL;

	if (!list_empty(&g->events))
		tail = list_entry(g->events.prev, struct in_event, node);
	if (g->nevents >= QUEUE_MAX) { /* full: one overflow event */
		if (tail && tail->mask == IN_Q_OVERFLOW)
			return;
		wd = -1, mask = IN_Q_OVERFLOW, cookie = 0, name = NULL, len = 0;
	}
	/* As Linux: an event the same as the last unread one is merged. */
	if (tail && tail->wd == wd && tail->mask == mask &&
	    tail->cookie == cookie && tail->len == len &&
	    (!len || !strcmp(tail->name, name)))
		return;
	e = kzalloc(sizeof(*e) + len);
	if (!e)
		return; /* out of memory: the event is lost */
	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->len = len;
	if (name)
		memcpy(e->name, name, strlen(name));
	list_add_tail(&g->events, &e->node);
	g->nevents++;
	poll_notify(g->f->ino, POLLIN);
}

static void watch_free(struct in_watch *w, bool ignored)
{
	if (ignored)
		queue(w->g, w->wd, IN_IGNORED, 0, NULL);
	list_del(&w->node);
	w->g->nwatches--;
	inotify_nwatches--;
	kfree(w);
}

/* One event to one watch, if it asks for it. */
static void deliver(struct in_watch *w, uint32_t mask, uint32_t cookie,
		    const char *name)
{
	if (!(w->mask & mask & IN_ALL_EVENTS))
		return;
	queue(w->g, w->wd, mask & (IN_ALL_EVENTS | IN_ISDIR), cookie, name);
	if (w->mask & IN_ONESHOT)
		watch_free(w, true);
}

/* The name of an entry of dir for ino, or NULL. */
static const char *entry_of(struct inode *dir, struct inode *ino)
{
	struct dentry *d;

	if (!S_ISDIR(dir->mode) || dir->iops)
		return NULL;
	list_for_each(d, &dir->children, node)
		if (d->ino == ino)
			return d->name;
	return NULL;
}

void inotify_inode_event_slow(struct inode *ino, uint32_t mask)
{
	struct in_watch *w, *tmp;

	/* Linux says IN_ISDIR, but not with a directory's own end or move. */
	if (S_ISDIR(ino->mode) && !(mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
		mask |= IN_ISDIR;
	list_for_each_safe(w, tmp, &all_watches, node) { /* oneshots go */
		const char *name;

		if (w->ino == ino) {
			deliver(w, mask, 0, NULL);
		} else if ((mask & ON_CHILD) && !(mask & IN_SELF_ONLY) &&
			   (name = entry_of(w->ino, ino)) != NULL) {
			deliver(w, mask, 0, name);
		}
	}
}

void inotify_name_event_slow(struct inode *dir, uint32_t mask, const char *name,
			     uint32_t cookie)
{
	struct in_watch *w, *tmp;

	list_for_each_safe(w, tmp, &all_watches, node)
		if (w->ino == dir)
			deliver(w, mask, cookie, name);
}

void inotify_inode_gone_slow(struct inode *ino, bool deleted)
{
	struct in_watch *w, *tmp;

	list_for_each_safe(w, tmp, &all_watches, node) {
		if (w->ino != ino)
			continue;
		if (deleted && (w->mask & IN_DELETE_SELF))
			queue(w->g, w->wd, IN_DELETE_SELF, 0, NULL);
		watch_free(w, true);
	}
}

/* ---- the inotify file ---- */

static long in_read(struct file *f, void *ubuf, size_t n)
{
	struct in_group *g = f->priv;
	size_t done = 0;

	while (list_empty(&g->events)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(&poll_chan, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	while (!list_empty(&g->events)) {
		struct in_event *e =
			list_first(&g->events, struct in_event, node);
		size_t sz = 16 + e->len;

		if (sz > n - done) {
			if (!done)
				return -EINVAL; /* too small for the first one */
			break;
		}
		if (copy_to_user((uint8_t *)ubuf + done, &e->wd, 16) ||
		    (e->len && copy_to_user((uint8_t *)ubuf + done + 16,
					    e->name, e->len)))
			return done ? (long)done : -EFAULT;
		done += sz;
		list_del(&e->node);
		g->nevents--;
		kfree(e);
	}
	return (long)done;
}

static unsigned in_poll(struct file *f)
{
	struct in_group *g = f->priv;

	return list_empty(&g->events) ? 0 : POLLIN;
}

static long in_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct in_group *g = f->priv;
	struct in_event *e;
	int bytes = 0;

	if (cmd != FIONREAD)
		return -ENOTTY;
	list_for_each(e, &g->events, node)
		bytes += 16 + (int)e->len;
	return copy_to_user((void *)arg, &bytes, sizeof(bytes)) ? -EFAULT : 0;
}

static void in_release(struct file *f)
{
	struct in_group *g = f->priv;
	struct in_watch *w, *tmp;
	struct in_event *e, *etmp;

	list_for_each_safe(w, tmp, &all_watches, node)
		if (w->g == g)
			watch_free(w, false);
	list_for_each_safe(e, etmp, &g->events, node) {
		list_del(&e->node);
		kfree(e);
	}
	kfree(g);
}

static const struct file_ops inotify_fops = {
	.read = in_read,
	.poll = in_poll,
	.ioctl = in_ioctl,
	.release = in_release,
};

static long do_init(uint64_t flags)
{
	struct in_group *g;
	struct file *f;

	if (flags & ~(uint64_t)(IN_CLOEXEC | IN_NONBLOCK))
		return -EINVAL;
	g = kzalloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	list_init(&g->events);
	g->next_wd = 1;
	f = anon_file_new(&inotify_fops, "anon_inode:inotify",
			  O_RDONLY | ((uint32_t)flags & O_NONBLOCK), g);
	if (!f) {
		kfree(g);
		return -ENOMEM;
	}
	g->f = f;
	return fd_install_or_put(f, flags & IN_CLOEXEC);
}

static long sys_inotify_init(const struct sysargs *a)
{
	(void)a;
	return do_init(0);
}

static long sys_inotify_init1(const struct sysargs *a)
{
	return do_init(a->arg[0]);
}

static struct in_group *group_of(int fd, long *err)
{
	struct file *f = fd_get(fd);

	*err = !f ? -EBADF : f->ops != &inotify_fops ? -EINVAL : 0;
	return *err ? NULL : f->priv;
}

static long sys_inotify_add_watch(const struct sysargs *a)
{
	uint32_t mask = (uint32_t)a->arg[2];
	struct in_watch *w;
	struct in_group *g;
	struct inode *ino;
	long rc;

	if (!(g = group_of((int)a->arg[0], &rc)))
		return rc;
	if (!(mask & IN_ALL_EVENTS) ||
	    (mask & (IN_MASK_ADD | IN_MASK_CREATE)) ==
		    (IN_MASK_ADD | IN_MASK_CREATE))
		return -EINVAL;
	rc = lookup_at(AT_FDCWD, a->arg[1], !(mask & IN_DONT_FOLLOW), false,
		       &ino);
	if (rc)
		return rc;
	if ((mask & IN_ONLYDIR) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	rc = vfs_permission(ino, MAY_READ);
	if (rc)
		return rc;
	mask &= IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK | IN_MASK_ADD;
	list_for_each(w, &all_watches, node) {
		if (w->g != g || w->ino != ino)
			continue;
		if ((uint32_t)a->arg[2] & IN_MASK_CREATE)
			return -EEXIST;
		w->mask = (mask & IN_MASK_ADD) ? (w->mask | mask) : mask;
		w->mask &= ~IN_MASK_ADD;
		return w->wd;
	}
	if (g->nwatches >= WATCHES_MAX)
		return -ENOSPC;
	w = kzalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->g = g;
	w->ino = ino;
	w->mask = mask & ~IN_MASK_ADD;
	w->wd = g->next_wd++;
	list_add_tail(&all_watches, &w->node);
	g->nwatches++;
	inotify_nwatches++;
	return w->wd;
}

static long sys_inotify_rm_watch(const struct sysargs *a)
{
	struct in_watch *w;
	struct in_group *g;
	long rc;

	if (!(g = group_of((int)a->arg[0], &rc)))
		return rc;
	list_for_each(w, &all_watches, node) {
		if (w->g == g && w->wd == (int)a->arg[1]) {
			watch_free(w, true);
			return 0;
		}
	}
	return -EINVAL;
}

void sys_inotify_register(sys_fn *t)
{
	t[NR_inotify_init] = sys_inotify_init;
	t[NR_inotify_init1] = sys_inotify_init1;
	t[NR_inotify_add_watch] = sys_inotify_add_watch;
	t[NR_inotify_rm_watch] = sys_inotify_rm_watch;
}
