/* SPDX-License-Identifier: MIT */
/* sys_epoll.c: epoll over every pollable file: level- and edge-triggered, one-shot, exclusive, nested. */
#include "arch/memlayout.h"
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLRDNORM 0x40
#define EPOLLRDBAND 0x80
#define EPOLLWRNORM 0x100
#define EPOLLWRBAND 0x200
#define EPOLLMSG 0x400
#define EPOLLRDHUP 0x2000
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
/* What the target's poll answers may report; the rest are modes. */
#define EP_EVENT_BITS                                                   \
	(POLLIN | POLLPRI | POLLOUT | POLLERR | POLLHUP | EPOLLRDNORM | \
	 EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP)
#define EP_EXCLUSIVE_OK                                               \
	(POLLIN | POLLOUT | EPOLLRDNORM | EPOLLWRNORM | EPOLLRDBAND | \
	 EPOLLWRBAND | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET |    \
	 EPOLLEXCLUSIVE)
/* Linux's limits: the nesting depth and the events one call returns. */
#define EP_MAX_NESTS 4
#define EP_MAX_EVENTS (0x7fffffff / 12)

/* Linux's struct epoll_event: packed on x86-64. */
struct k_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

_Static_assert(sizeof(struct k_epoll_event) == 12, "epoll_event layout");

struct epoll {
	struct list_node items; /* epitems, in report order */
	struct file *file;
};

/*
 * One registration: (file, fd) in an epoll. It holds no reference on the
 * file: as on Linux it goes when the open file itself is freed (the last
 * descriptor on it closed), not when one of several descriptors closes.
 */
struct epitem {
	struct list_node in_ep; /* in ep->items */
	struct list_node in_file; /* in file->epitems */
	struct epoll *ep;
	struct file *file;
	int fd;
	uint32_t events; /* EP_EVENT_BITS wanted, and the mode bits */
	uint64_t data;
	bool disabled; /* EPOLLONESHOT fired: silent until EPOLL_CTL_MOD */
	/* edge-triggered: the ready bits seen at the last report, and the
	 * file's event counts then */
	unsigned seen;
	uint32_t gen_in, gen_out;
};

static const struct file_ops epoll_fops;

static bool is_epoll(const struct file *f)
{
	return f->ops == &epoll_fops;
}

static unsigned item_poll(const struct epitem *it)
{
	if (it->disabled)
		return 0;
	return file_poll(it->file) & (it->events & EP_EVENT_BITS);
}

/*
 * Whether it reports now, and what. Level-triggered: while ready.
 * Edge-triggered: when a bit became ready since the last report, or the
 * file had a new event of a ready kind (more data, more room). consume
 * records the report; every look forgets the bits that went away.
 */
static unsigned item_report(struct epitem *it, bool consume)
{
	unsigned m = item_poll(it), fire;
	const struct inode *ino = it->file->ino;

	if (!(it->events & EPOLLET))
		return m;
	it->seen &= m;
	fire = m & ~it->seen;
	if ((m & POLLIN) && ino->poll_gen_in != it->gen_in)
		fire |= POLLIN;
	if ((m & POLLOUT) && ino->poll_gen_out != it->gen_out)
		fire |= POLLOUT;
	if (!fire)
		return 0;
	if (consume) {
		it->seen = m;
		it->gen_in = ino->poll_gen_in;
		it->gen_out = ino->poll_gen_out;
	}
	return m;
}

/* Bounds the recursion of nested epolls' polls (the loop check on
 * EPOLL_CTL_ADD keeps real chains within EP_MAX_NESTS). */
static int poll_depth;

static unsigned epoll_poll(struct file *f)
{
	struct epoll *ep = f->priv;
	struct epitem *it;
	unsigned m = 0;

	if (poll_depth > EP_MAX_NESTS)
		return 0;
	poll_depth++;
	list_for_each(it, &ep->items, in_ep) {
		if (item_report(it, false)) {
			m = POLLIN | EPOLLRDNORM;
			break;
		}
	}
	poll_depth--;
	return m;
}

static void item_free(struct epitem *it)
{
	list_del(&it->in_ep);
	list_del(&it->in_file);
	kfree(it);
}

static void epoll_release(struct file *f)
{
	struct epoll *ep = f->priv;
	struct epitem *it, *n;

	list_for_each_safe(it, n, &ep->items, in_ep)
		item_free(it);
	kfree(ep);
}

static const struct file_ops epoll_fops = {
	.poll = epoll_poll,
	.release = epoll_release,
};

void epoll_file_gone(struct file *f)
{
	struct epitem *it, *n;

	if (list_empty(&f->epitems))
		return;
	list_for_each_safe(it, n, &f->epitems, in_file)
		item_free(it);
	poll_wake(); /* a nested epoll may have changed */
}

static long do_epoll_create(int flags)
{
	struct epoll *ep;
	struct file *f;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	list_init(&ep->items);
	f = anon_file_new(&epoll_fops, "anon_inode:[eventpoll]", O_RDWR, ep);
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	ep->file = f;
	return fd_install_or_put(f, flags & O_CLOEXEC);
}

static long sys_epoll_create(const struct sysargs *a)
{
	if ((int)a->arg[0] <= 0)
		return -EINVAL;
	return do_epoll_create(0);
}

static long sys_epoll_create1(const struct sysargs *a)
{
	return do_epoll_create((int)a->arg[0]);
}

static struct epitem *item_find(struct epoll *ep, struct file *f, int fd)
{
	struct epitem *it;

	list_for_each(it, &ep->items, in_ep)
		if (it->file == f && it->fd == fd)
			return it;
	return NULL;
}

/* The longest chain of epolls below f (0: f watches no epoll), or
 * EP_MAX_NESTS + 1 if target is among them (a loop). */
static int depth_below(struct file *f, const struct file *target, int level)
{
	struct epoll *ep = f->priv;
	struct epitem *it;
	int max = 0;

	if (level > EP_MAX_NESTS)
		return EP_MAX_NESTS + 1;
	list_for_each(it, &ep->items, in_ep) {
		int d;

		if (!is_epoll(it->file))
			continue;
		if (it->file == target)
			return EP_MAX_NESTS + 1;
		d = 1 + depth_below(it->file, target, level + 1);
		if (d > max)
			max = d;
	}
	return max;
}

/* The longest chain of epolls above f (watching it, transitively). */
static int depth_above(struct file *f, int level)
{
	struct epitem *it;
	int max = 0;

	if (level > EP_MAX_NESTS)
		return EP_MAX_NESTS + 1;
	list_for_each(it, &f->epitems, in_file) {
		int d = 1 + depth_above(it->ep->file, level + 1);

		if (d > max)
			max = d;
	}
	return max;
}

static int item_add(struct epoll *ep, struct file *tf, int fd,
		    const struct k_epoll_event *ev)
{
	struct epitem *it;

	if (item_find(ep, tf, fd))
		return -EEXIST;
	if (is_epoll(tf) &&
	    depth_below(tf, ep->file, 0) + 1 + depth_above(ep->file, 0) >
		    EP_MAX_NESTS)
		return -ELOOP;
	it = kzalloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->ep = ep;
	it->file = tf;
	it->fd = fd;
	it->events = ev->events | POLLERR | POLLHUP;
	it->data = ev->data;
	it->gen_in = tf->ino->poll_gen_in;
	it->gen_out = tf->ino->poll_gen_out;
	list_add_tail(&ep->items, &it->in_ep);
	list_add_tail(&tf->epitems, &it->in_file);
	poll_wake(); /* waiters on ep (or on epolls watching it) */
	return 0;
}

static long sys_epoll_ctl(const struct sysargs *a)
{
	int op = (int)a->arg[1], fd = (int)a->arg[2];
	struct k_epoll_event ev = { 0, 0 };
	struct file *f, *tf;
	struct epoll *ep;
	struct epitem *it;

	if (op != EPOLL_CTL_DEL &&
	    copy_from_user(&ev, (void *)a->arg[3], sizeof(ev)))
		return -EFAULT;
	f = fd_get((int)a->arg[0]);
	tf = fd_get(fd);
	if (!f || !tf)
		return -EBADF;
	if (!file_pollable(tf))
		return -EPERM;
	if ((ev.events & EPOLLEXCLUSIVE) && op != EPOLL_CTL_DEL &&
	    (is_epoll(tf) || (ev.events & ~EP_EXCLUSIVE_OK)))
		return -EINVAL;
	if (f == tf || !is_epoll(f))
		return -EINVAL;
	ep = f->priv;
	switch (op) {
	case EPOLL_CTL_ADD:
		return item_add(ep, tf, fd, &ev);
	case EPOLL_CTL_DEL:
		it = item_find(ep, tf, fd);
		if (!it)
			return -ENOENT;
		item_free(it);
		return 0;
	case EPOLL_CTL_MOD:
		it = item_find(ep, tf, fd);
		if (!it)
			return -ENOENT;
		if ((ev.events & EPOLLEXCLUSIVE) ||
		    (it->events & EPOLLEXCLUSIVE))
			return -EINVAL;
		it->events = ev.events | POLLERR | POLLHUP;
		it->data = ev.data;
		it->disabled = false;
		it->seen = 0; /* re-armed: a ready file reports again */
		poll_wake();
		return 0;
	default:
		return -EINVAL;
	}
}

/* Fills up to max events. Reported items move behind the others, so a
 * busy file cannot starve the rest when max is small (as on Linux). */
static int collect(struct epoll *ep, struct k_epoll_event *out, int max)
{
	struct list_node done = LIST_INIT(done);
	struct epitem *it, *n;
	int got = 0;

	list_for_each_safe(it, n, &ep->items, in_ep) {
		unsigned m;

		if (got == max)
			break;
		m = item_report(it, true);
		if (!m)
			continue;
		out[got].events = m;
		out[got].data = it->data;
		got++;
		if (it->events & EPOLLONESHOT)
			it->disabled = true;
		list_del(&it->in_ep);
		list_add_tail(&done, &it->in_ep);
	}
	while (!list_empty(&done)) {
		it = list_first(&done, struct epitem, in_ep);
		list_del(&it->in_ep);
		list_add_tail(&ep->items, &it->in_ep);
	}
	return got;
}

/* deadline: 0 = none, UINT64_MAX = do not sleep. */
static long do_epoll_wait(int epfd, uint64_t uevents, int max,
			  uint64_t deadline)
{
	struct file *f;
	struct k_epoll_event *buf;
	size_t cap;
	long got;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	/* Linux checks the range only; a bad page faults at delivery. */
	if (uevents >= USER_TOP ||
	    (uint64_t)max * sizeof(*buf) > USER_TOP - uevents)
		return -EFAULT;
	f = fd_get(epfd);
	if (!f)
		return -EBADF;
	if (!is_epoll(f))
		return -EINVAL;
	cap = (size_t)max;
	if (cap > 1024)
		cap = 1024; /* a call returns at most this many */
	buf = kmalloc(cap * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	file_get(f); /* another thread may close epfd while we sleep */
	for (;;) {
		int rc;

		got = collect(f->priv, buf, (int)cap);
		if (got || deadline == UINT64_MAX)
			break;
		rc = sleep_on(&poll_chan, deadline);
		if (rc == -ETIMEDOUT)
			break;
		if (rc == -EINTR) {
			got = -EINTR;
			break;
		}
	}
	if (got > 0 &&
	    copy_to_user((void *)uevents, buf, (size_t)got * sizeof(*buf)))
		got = -EFAULT;
	file_put(f);
	kfree(buf);
	return got;
}

static uint64_t ms_deadline(int ms)
{
	if (ms < 0)
		return 0;
	if (ms == 0)
		return UINT64_MAX;
	return time_now_ns() + (uint64_t)ms * 1000000;
}

static long sys_epoll_wait(const struct sysargs *a)
{
	return do_epoll_wait((int)a->arg[0], a->arg[1], (int)a->arg[2],
			     ms_deadline((int)a->arg[3]));
}

/* epoll_pwait(2)'s mask: installed for the call, restored after. */
static int pwait_mask(uint64_t umask, uint64_t size)
{
	if (!umask)
		return 0;
	if (size != sizeof(uint64_t))
		return -EINVAL;
	return signal_temp_mask(umask);
}

static long sys_epoll_pwait(const struct sysargs *a)
{
	int rc = pwait_mask(a->arg[4], a->arg[5]);

	if (rc)
		return rc;
	return do_epoll_wait((int)a->arg[0], a->arg[1], (int)a->arg[2],
			     ms_deadline((int)a->arg[3]));
}

static long sys_epoll_pwait2(const struct sysargs *a)
{
	uint64_t deadline = 0;
	struct {
		int64_t sec, nsec;
	} ts;
	int rc;

	if (a->arg[3]) {
		if (copy_from_user(&ts, (void *)a->arg[3], sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
		if (ts.sec > (1ll << 32))
			ts.sec = 1ll << 32;
		deadline = !ts.sec && !ts.nsec ?
				   UINT64_MAX :
				   time_now_ns() +
					   (uint64_t)ts.sec * 1000000000ull +
					   (uint64_t)ts.nsec;
	}
	rc = pwait_mask(a->arg[4], a->arg[5]);
	if (rc)
		return rc;
	return do_epoll_wait((int)a->arg[0], a->arg[1], (int)a->arg[2],
			     deadline);
}

void sys_epoll_register(sys_fn *t)
{
	t[NR_epoll_create] = sys_epoll_create;
	t[NR_epoll_create1] = sys_epoll_create1;
	t[NR_epoll_ctl] = sys_epoll_ctl;
	t[NR_epoll_wait] = sys_epoll_wait;
	t[NR_epoll_pwait] = sys_epoll_pwait;
	t[NR_epoll_pwait2] = sys_epoll_pwait2;
}
