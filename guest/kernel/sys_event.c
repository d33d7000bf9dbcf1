/* SPDX-License-Identifier: MIT */
/* sys_event.c: event files: eventfd counters, timerfd timers (monotonic and wall clock), signalfd. */
#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define EFD_SEMAPHORE 1
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define NS 1000000000ull
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

/* Sleeps until the next poll-visible change: 0, or -ERESTARTSYS. */
static int wait_event(void)
{
	return sleep_on(&poll_chan, 0) == -EINTR ? -ERESTARTSYS : 0;
}

/* ---- eventfd ---- */

struct eventfd {
	uint64_t count;
	bool semaphore;
};

static long eventfd_read(struct file *f, void *ubuf, size_t n)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	if (n < sizeof(v))
		return -EINVAL;
	while (e->count == 0) {
		int rc;

		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event();
		if (rc)
			return rc;
	}
	v = e->semaphore ? 1 : e->count;
	if (copy_to_user(ubuf, &v, sizeof(v)))
		return -EFAULT;
	e->count -= v;
	poll_notify(f->ino, POLLOUT);
	return sizeof(v);
}

static long eventfd_write(struct file *f, const void *ubuf, size_t n)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	if (n < sizeof(v))
		return -EINVAL;
	if (copy_from_user(&v, ubuf, sizeof(v)))
		return -EFAULT;
	if (v == UINT64_MAX)
		return -EINVAL;
	/* The counter holds at most UINT64_MAX - 1. */
	while (UINT64_MAX - e->count <= v) {
		int rc;

		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event();
		if (rc)
			return rc;
	}
	e->count += v; /* 0 too: it still wakes, as on Linux */
	poll_notify(f->ino, POLLIN);
	return sizeof(v);
}

static unsigned eventfd_poll(struct file *f)
{
	const struct eventfd *e = f->priv;
	unsigned m = 0;

	if (e->count)
		m |= POLLIN;
	if (e->count < UINT64_MAX - 1)
		m |= POLLOUT;
	return m;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
};

static long do_eventfd(uint64_t initval, uint64_t flags)
{
	struct eventfd *e;
	struct file *f;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE))
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = (uint32_t)initval; /* an unsigned int in the ABI */
	e->semaphore = flags & EFD_SEMAPHORE;
	f = anon_file_new(&eventfd_fops, "anon_inode:[eventfd]",
			  O_RDWR | ((uint32_t)flags & O_NONBLOCK), e);
	if (!f) {
		kfree(e);
		return -ENOMEM;
	}
	return fd_install_or_put(f, flags & O_CLOEXEC);
}

static long sys_eventfd(const struct sysargs *a)
{
	return do_eventfd(a->arg[0], 0);
}

static long sys_eventfd2(const struct sysargs *a)
{
	return do_eventfd(a->arg[0], a->arg[1]);
}

/* ---- timerfd ---- */

struct timerfd {
	struct ktimer timer; /* armed on the monotonic clock */
	struct list_node all; /* in timerfds */
	struct inode *ino;
	int clock;
	uint64_t interval; /* ns, 0 = one-shot */
	uint64_t ticks; /* expirations not yet read */
	/* CLOCK_REALTIME with TFD_TIMER_ABSTIME: the wall-clock target, kept
	 * so that a clock change moves the timer */
	bool wall_abs;
	int64_t wall_at;
	bool cancel_on_set, canceled;
};

static struct list_node timerfds = LIST_INIT(timerfds);

struct k_itimerspec {
	int64_t interval_sec, interval_nsec;
	int64_t value_sec, value_nsec;
};

/* Interrupts off (the timer interrupt, or a caller that disabled them). */
static void timerfd_fire(struct ktimer *kt)
{
	struct timerfd *t =
		(struct timerfd *)((char *)kt -
				   __builtin_offsetof(struct timerfd, timer));
	uint64_t now = time_now_ns(), at = kt->at;

	t->ticks++;
	if (t->interval) {
		uint64_t late = now > at ? (now - at) / t->interval : 0;

		t->ticks += late; /* overruns count as expirations */
		ktimer_arm(kt, at + (late + 1) * t->interval);
	}
	poll_notify(t->ino, POLLIN);
}

/* Arms t for the monotonic time at: now if it has passed. */
static void timerfd_start(struct timerfd *t, uint64_t at)
{
	uint64_t fl = irq_save();

	if (at <= time_now_ns()) {
		ktimer_arm(&t->timer, 0);
		t->timer.at = at;
		timerfd_fire(&t->timer);
	} else {
		ktimer_arm(&t->timer, at);
	}
	irq_restore(fl);
}

static uint64_t wall_to_mono(int64_t wall)
{
	int64_t d = wall - time_realtime_ns() + (int64_t)time_now_ns();

	return d > 0 ? (uint64_t)d : 1;
}

void timerfd_clock_was_set(void)
{
	struct timerfd *t;

	list_for_each(t, &timerfds, all) {
		if (!t->wall_abs || !ktimer_armed(&t->timer))
			continue;
		if (t->cancel_on_set) {
			t->canceled = true;
			poll_notify(t->ino, POLLIN);
		}
		timerfd_start(t, wall_to_mono(t->wall_at));
	}
}

static long timerfd_read(struct file *f, void *ubuf, size_t n)
{
	struct timerfd *t = f->priv;
	uint64_t v, fl;

	if (n < sizeof(v))
		return -EINVAL;
	for (;;) {
		int rc;

		if (t->canceled) {
			t->canceled = false;
			return -ECANCELED;
		}
		if (t->ticks)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event();
		if (rc)
			return rc;
	}
	fl = irq_save();
	v = t->ticks;
	irq_restore(fl);
	if (copy_to_user(ubuf, &v, sizeof(v)))
		return -EFAULT;
	fl = irq_save();
	t->ticks -= v; /* the timer may have fired meanwhile */
	irq_restore(fl);
	return sizeof(v);
}

static unsigned timerfd_poll(struct file *f)
{
	const struct timerfd *t = f->priv;

	return t->ticks || t->canceled ? POLLIN : 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *t = f->priv;

	ktimer_arm(&t->timer, 0);
	list_del(&t->all);
	kfree(t);
}

static const struct file_ops timerfd_fops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.release = timerfd_release,
};

static long sys_timerfd_create(const struct sysargs *a)
{
	int clock = (int)a->arg[0];
	uint64_t flags = a->arg[1];
	struct timerfd *t;
	struct file *f;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
	    clock != CLOCK_BOOTTIME && clock != CLOCK_REALTIME_ALARM &&
	    clock != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	/* No suspend here: the alarm clocks are their plain ones. */
	t->clock = clock == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME :
		   clock == CLOCK_BOOTTIME_ALARM ? CLOCK_BOOTTIME :
						   clock;
	ktimer_init(&t->timer, timerfd_fire);
	f = anon_file_new(&timerfd_fops, "anon_inode:[timerfd]",
			  O_RDWR | ((uint32_t)flags & O_NONBLOCK), t);
	if (!f) {
		kfree(t);
		return -ENOMEM;
	}
	t->ino = f->ino;
	list_add_tail(&timerfds, &t->all);
	return fd_install_or_put(f, flags & O_CLOEXEC);
}

/* The timer fd fd, or NULL with *rc_r set (EBADF, or EINVAL). */
static struct timerfd *timerfd_get(int fd, int *rc_r)
{
	struct file *f = fd_get(fd);

	*rc_r = !f ? -EBADF : f->ops != &timerfd_fops ? -EINVAL : 0;
	return *rc_r ? NULL : f->priv;
}

static void timerfd_current(const struct timerfd *t, struct k_itimerspec *v)
{
	uint64_t left = 0, now = time_now_ns();

	if (ktimer_armed(&t->timer) && t->timer.at > now)
		left = t->timer.at - now;
	else if (ktimer_armed(&t->timer))
		left = 1; /* due: fires at the next tick */
	v->value_sec = (int64_t)(left / NS);
	v->value_nsec = (int64_t)(left % NS);
	v->interval_sec = (int64_t)(t->interval / NS);
	v->interval_nsec = (int64_t)(t->interval % NS);
}

static bool ts_valid(int64_t sec, int64_t nsec)
{
	return sec >= 0 && nsec >= 0 && nsec < (int64_t)NS;
}

static long sys_timerfd_settime(const struct sysargs *a)
{
	uint64_t flags = a->arg[1], value, fl;
	struct k_itimerspec nv, ov;
	struct timerfd *t;
	int rc;

	if (flags & ~(uint64_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&nv, (void *)a->arg[2], sizeof(nv)))
		return -EFAULT;
	if (!ts_valid(nv.value_sec, nv.value_nsec) ||
	    !ts_valid(nv.interval_sec, nv.interval_nsec))
		return -EINVAL;
	t = timerfd_get((int)a->arg[0], &rc);
	if (!t)
		return rc;
	timerfd_current(t, &ov);
	if (nv.value_sec > (1ll << 33))
		nv.value_sec = 1ll << 33; /* centuries: never, in practice */
	if (nv.interval_sec > (1ll << 33))
		nv.interval_sec = 1ll << 33;
	value = (uint64_t)nv.value_sec * NS + (uint64_t)nv.value_nsec;
	fl = irq_save();
	ktimer_arm(&t->timer, 0);
	t->ticks = 0;
	t->canceled = false;
	t->interval =
		(uint64_t)nv.interval_sec * NS + (uint64_t)nv.interval_nsec;
	t->wall_abs = t->clock == CLOCK_REALTIME && (flags & TFD_TIMER_ABSTIME);
	t->cancel_on_set = t->wall_abs && (flags & TFD_TIMER_CANCEL_ON_SET);
	t->wall_at = (int64_t)value;
	if (value) {
		uint64_t at;

		if (!(flags & TFD_TIMER_ABSTIME))
			at = time_now_ns() + value;
		else if (t->clock == CLOCK_REALTIME)
			at = wall_to_mono((int64_t)value);
		else
			at = value;
		timerfd_start(t, at);
	}
	irq_restore(fl);
	if (a->arg[3] && copy_to_user((void *)a->arg[3], &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

static long sys_timerfd_gettime(const struct sysargs *a)
{
	struct k_itimerspec v;
	struct timerfd *t;
	int rc;

	t = timerfd_get((int)a->arg[0], &rc);
	if (!t)
		return rc;
	timerfd_current(t, &v);
	return copy_to_user((void *)a->arg[1], &v, sizeof(v));
}

/* ---- signalfd ---- */

struct signalfd {
	uint64_t mask;
};

/* Linux's struct signalfd_siginfo. */
struct k_signalfd_siginfo {
	uint32_t signo;
	int32_t err;
	int32_t code;
	uint32_t pid, uid;
	int32_t fd;
	uint32_t tid, band, overrun, trapno;
	int32_t status, sint;
	uint64_t ptr, utime, stime, addr;
	uint16_t addr_lsb;
	uint16_t pad2;
	int32_t syscall;
	uint64_t call_addr;
	uint32_t arch;
	uint8_t pad[28];
};

_Static_assert(sizeof(struct k_signalfd_siginfo) == 128, "signalfd_siginfo");

/* The sender's real uid, as it is now (Linux records it at the send; a
 * sender gone since, or the kernel, reads as root). */
static uint32_t signal_sender_uid(uint32_t pid)
{
	struct task *from = pid ? task_find((int)pid) : NULL;

	return from ? from->cred.uid : 0;
}

static long signalfd_read(struct file *f, void *ubuf, size_t n)
{
	const struct signalfd *s = f->priv;
	struct task *t = current;
	size_t done = 0;

	if (n < sizeof(struct k_signalfd_siginfo))
		return -EINVAL;
	while (!(t->sig_pending & s->mask)) {
		int rc;

		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event();
		if (rc)
			return rc;
	}
	while (done + sizeof(struct k_signalfd_siginfo) <= n &&
	       (t->sig_pending & s->mask)) {
		struct k_signalfd_siginfo si;
		int sig = __builtin_ctzll(t->sig_pending & s->mask) + 1;

		memset(&si, 0, sizeof(si));
		si.signo = (uint32_t)sig;
		si.pid = (uint32_t)t->sig_from_pid[sig - 1];
		si.uid = signal_sender_uid(si.pid);
		if (copy_to_user((uint8_t *)ubuf + done, &si, sizeof(si)))
			return done ? (long)done : -EFAULT;
		t->sig_pending &= ~SIGBIT(sig);
		done += sizeof(si);
	}
	return (long)done;
}

static unsigned signalfd_poll(struct file *f)
{
	const struct signalfd *s = f->priv;

	return current->sig_pending & s->mask ? POLLIN : 0;
}

static void signalfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops signalfd_fops = {
	.read = signalfd_read,
	.poll = signalfd_poll,
	.release = signalfd_release,
};

static long do_signalfd(int fd, uint64_t umask, uint64_t size, uint64_t flags)
{
	struct signalfd *s;
	struct file *f;
	uint64_t mask;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, (void *)umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~UNBLOCKABLE;
	if (fd != -1) {
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		if (f->ops != &signalfd_fops)
			return -EINVAL;
		s = f->priv;
		s->mask = mask;
		poll_wake();
		return fd;
	}
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	f = anon_file_new(&signalfd_fops, "anon_inode:[signalfd]",
			  O_RDWR | ((uint32_t)flags & O_NONBLOCK), s);
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	return fd_install_or_put(f, flags & O_CLOEXEC);
}

static long sys_signalfd(const struct sysargs *a)
{
	return do_signalfd((int)a->arg[0], a->arg[1], a->arg[2], 0);
}

static long sys_signalfd4(const struct sysargs *a)
{
	return do_signalfd((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]);
}

void sys_event_register(sys_fn *t)
{
	t[NR_eventfd] = sys_eventfd;
	t[NR_eventfd2] = sys_eventfd2;
	t[NR_timerfd_create] = sys_timerfd_create;
	t[NR_timerfd_settime] = sys_timerfd_settime;
	t[NR_timerfd_gettime] = sys_timerfd_gettime;
	t[NR_signalfd] = sys_signalfd;
	t[NR_signalfd4] = sys_signalfd4;
}
