/* SPDX-License-Identifier: MIT */
/* sys_misc.c: time, uname, getrandom, sysinfo, prctl, and poll/select over pipes and the console. */
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define FD_SETSIZE_MAX FD_MAX

void random_fill(void *buf, size_t n);

static char hostname[65] = "xenpod";

/* init sets the pod's name as the host name. */
void sys_set_hostname(const char *name);
void sys_set_hostname(const char *name)
{
	strlcpy(hostname, name, sizeof(hostname));
}

struct k_timespec {
	int64_t sec, nsec;
};

static int clock_ns(uint64_t clk, int64_t *ns_r)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns_r = time_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns_r = (int64_t)time_now_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns_r = (int64_t)current->utime_ns;
		return 0;
	default:
		return -EINVAL;
	}
}

static long sys_clock_gettime(const struct sysargs *a)
{
	struct k_timespec ts;
	int64_t ns;
	int rc = clock_ns(a->arg[0], &ns);

	if (rc)
		return rc;
	ts.sec = ns / 1000000000;
	ts.nsec = ns % 1000000000;
	return copy_to_user((void *)a->arg[1], &ts, sizeof(ts));
}

static long sys_clock_getres(const struct sysargs *a)
{
	struct k_timespec ts = { 0, 1 };
	int64_t ns;

	if (clock_ns(a->arg[0], &ns))
		return -EINVAL;
	if (a->arg[1] && copy_to_user((void *)a->arg[1], &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

static long sys_gettimeofday(const struct sysargs *a)
{
	int64_t ns = time_realtime_ns();
	struct {
		int64_t sec, usec;
	} tv = { ns / 1000000000, ns / 1000 % 1000000 };
	int32_t tz[2] = { 0, 0 };

	if (a->arg[0] && copy_to_user((void *)a->arg[0], &tv, sizeof(tv)))
		return -EFAULT;
	if (a->arg[1] && copy_to_user((void *)a->arg[1], tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

static long sys_time(const struct sysargs *a)
{
	int64_t t = time_realtime_ns() / 1000000000;

	if (a->arg[0] && copy_to_user((void *)a->arg[0], &t, sizeof(t)))
		return -EFAULT;
	return (long)t;
}

static long sys_settimeofday(const struct sysargs *a)
{
	struct {
		int64_t sec, usec;
	} tv;

	if (!a->arg[0])
		return 0;
	if (copy_from_user(&tv, (void *)a->arg[0], sizeof(tv)))
		return -EFAULT;
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EINVAL;
	time_set_realtime_ns(tv.sec * 1000000000ll + tv.usec * 1000);
	timerfd_clock_was_set();
	return 0;
}

static long sys_clock_settime(const struct sysargs *a)
{
	struct k_timespec ts;

	if (a->arg[0] != CLOCK_REALTIME)
		return -EINVAL;
	if (copy_from_user(&ts, (void *)a->arg[1], sizeof(ts)))
		return -EFAULT;
	time_set_realtime_ns(ts.sec * 1000000000ll + ts.nsec);
	timerfd_clock_was_set();
	return 0;
}

static long sys_uname(const struct sysargs *a)
{
	char u[6][65];

	memset(u, 0, sizeof(u));
	strlcpy(u[0], "Linux", 65);
	strlcpy(u[1], hostname, 65);
	strlcpy(u[2], "6.1.0-xenpod", 65);
	strlcpy(u[3], "#1 SMP xenpod-kernel", 65);
	strlcpy(u[4], "x86_64", 65);
	strlcpy(u[5], "(none)", 65);
	return copy_to_user((void *)a->arg[0], u, sizeof(u));
}

static long sys_sethostname(const struct sysargs *a)
{
	char buf[65];

	if (a->arg[1] > 64)
		return -EINVAL;
	if (copy_from_user(buf, (void *)a->arg[0], a->arg[1]))
		return -EFAULT;
	buf[a->arg[1]] = '\0';
	strlcpy(hostname, buf, sizeof(hostname));
	return 0;
}

static long sys_getrandom(const struct sysargs *a)
{
	uint8_t buf[256];
	size_t n = a->arg[1], done = 0;

	if (a->arg[2] & ~7ull)
		return -EINVAL;
	if (n > 33554431)
		n = 33554431;
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);

		random_fill(buf, k);
		if (copy_to_user((uint8_t *)a->arg[0] + done, buf, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}

static long sys_sysinfo(const struct sysargs *a)
{
	struct {
		int64_t uptime;
		uint64_t loads[3], totalram, freeram, sharedram, bufferram,
			totalswap, freeswap;
		uint16_t procs, pad;
		uint32_t pad2;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		char f[4];
	} si;
	int procs = 0;
	struct task *t;

	for_each_task(t)
		procs++;
	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(time_now_ns() / 1000000000);
	si.totalram = page_total_count() * PAGE_SIZE;
	si.freeram = page_free_count() * PAGE_SIZE;
	si.procs = (uint16_t)procs;
	si.mem_unit = 1;
	return copy_to_user((void *)a->arg[0], &si, sizeof(si));
}

static long sys_prctl(const struct sysargs *a)
{
	char name[16];

	switch (a->arg[0]) {
	case 15: /* PR_SET_NAME */
		if (strncpy_from_user(name, (void *)a->arg[1], sizeof(name)) ==
		    -EFAULT)
			return -EFAULT;
		name[15] = '\0';
		strlcpy(current->comm, name, sizeof(current->comm));
		return 0;
	case 16: /* PR_GET_NAME */
		return copy_to_user((void *)a->arg[1], current->comm, 16);
	default:
		return -EINVAL;
	}
}

/* ---- poll and select ---- */

struct k_pollfd {
	int32_t fd;
	int16_t events, revents;
};

#define POLL_MAX 1024

/* Returns the ready count; fills revents. */
static int poll_scan(struct k_pollfd *p, size_t n)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		struct file *f;
		unsigned m;

		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		f = fd_get(p[i].fd);
		m = f ? file_poll(f) : POLLNVAL;
		m &= (unsigned)(uint16_t)p[i].events | POLLERR | POLLHUP |
		     POLLNVAL;
		p[i].revents = (int16_t)m;
		if (m)
			ready++;
	}
	return ready;
}

/* Sleeps until a poll-visible change or the deadline (0 = forever,
 * UINT64_MAX = don't sleep). */
static int poll_wait(uint64_t deadline)
{
	if (deadline == UINT64_MAX)
		return -ETIMEDOUT;
	return sleep_on(&poll_chan, deadline);
}

static long do_poll(uint64_t ufds, size_t n, uint64_t deadline)
{
	struct k_pollfd *p;
	long ready;

	if (n > POLL_MAX)
		return -EINVAL;
	p = kmalloc(n * sizeof(*p) + 1);
	if (!p)
		return -ENOMEM;
	if (copy_from_user(p, (void *)ufds, n * sizeof(*p))) {
		kfree(p);
		return -EFAULT;
	}
	for (;;) {
		int rc;

		ready = poll_scan(p, n);
		if (ready)
			break;
		rc = poll_wait(deadline);
		if (rc == -ETIMEDOUT)
			break;
		if (rc == -EINTR) {
			kfree(p);
			return -EINTR;
		}
	}
	if (copy_to_user((void *)ufds, p, n * sizeof(*p)))
		ready = -EFAULT;
	kfree(p);
	return ready;
}

static long sys_poll(const struct sysargs *a)
{
	int ms = (int)a->arg[2];
	uint64_t deadline = ms < 0  ? 0 :
			    ms == 0 ? UINT64_MAX :
				      time_now_ns() + (uint64_t)ms * 1000000;

	return do_poll(a->arg[0], a->arg[1], deadline);
}

static int ts_deadline(uint64_t uts, uint64_t *deadline_r)
{
	struct k_timespec ts;

	if (!uts) {
		*deadline_r = 0;
		return 0;
	}
	if (copy_from_user(&ts, (void *)uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	if (ts.sec > (1ll << 32))
		ts.sec = 1ll << 32;
	*deadline_r = !ts.sec && !ts.nsec ?
			      UINT64_MAX :
			      time_now_ns() + (uint64_t)ts.sec * 1000000000ull +
				      (uint64_t)ts.nsec;
	return 0;
}

int signal_temp_mask(uint64_t umask_ptr)
{
	uint64_t m;

	if (!umask_ptr)
		return 0;
	if (copy_from_user(&m, (void *)umask_ptr, sizeof(m)))
		return -EFAULT;
	current->sig_saved_mask = current->sig_blocked;
	current->sig_restore_mask = true;
	current->sig_blocked = m & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	return 0;
}

static long sys_ppoll(const struct sysargs *a)
{
	uint64_t deadline;
	int rc = ts_deadline(a->arg[2], &deadline);

	if (!rc)
		rc = signal_temp_mask(a->arg[3]);
	if (rc)
		return rc;
	return do_poll(a->arg[0], a->arg[1], deadline);
}

static int select_scan(int n, uint64_t *sets[3], uint64_t *out[3])
{
	static const unsigned want[3] = { POLLIN | POLLHUP | POLLERR,
					  POLLOUT | POLLERR, POLLPRI };
	int ready = 0;

	for (int fd = 0; fd < n; fd++) {
		for (int k = 0; k < 3; k++) {
			struct file *f;

			if (!sets[k] ||
			    !(sets[k][fd / 64] & (1ull << (fd % 64))))
				continue;
			f = fd_get(fd);
			if (!f)
				return -EBADF;
			if (file_poll(f) & want[k]) {
				out[k][fd / 64] |= 1ull << (fd % 64);
				ready++;
			}
		}
	}
	return ready;
}

static long do_select(int n, const uint64_t uset[3], uint64_t deadline)
{
	uint64_t in[3][FD_SETSIZE_MAX / 64], out[3][FD_SETSIZE_MAX / 64];
	uint64_t *sets[3], *outs[3];
	size_t bytes;
	int ready;

	if (n < 0)
		return -EINVAL;
	if (n > FD_SETSIZE_MAX)
		n = FD_SETSIZE_MAX;
	bytes = (size_t)(n + 63) / 64 * 8;
	for (int k = 0; k < 3; k++) {
		sets[k] = NULL;
		outs[k] = out[k];
		memset(in[k], 0, sizeof(in[k]));
		if (uset[k]) {
			if (copy_from_user(in[k], (void *)uset[k], bytes))
				return -EFAULT;
			sets[k] = in[k];
		}
	}
	for (;;) {
		int rc;

		memset(out, 0, sizeof(out));
		ready = select_scan(n, sets, outs);
		if (ready)
			break;
		rc = poll_wait(deadline);
		if (rc == -ETIMEDOUT)
			break;
		if (rc == -EINTR)
			return -EINTR;
	}
	if (ready < 0)
		return ready;
	for (int k = 0; k < 3; k++)
		if (uset[k] && copy_to_user((void *)uset[k], out[k], bytes))
			return -EFAULT;
	return ready;
}

static long sys_select(const struct sysargs *a)
{
	uint64_t deadline = 0, sets[3] = { a->arg[1], a->arg[2], a->arg[3] };
	struct {
		int64_t sec, usec;
	} tv;

	if (a->arg[4]) {
		if (copy_from_user(&tv, (void *)a->arg[4], sizeof(tv)))
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0)
			return -EINVAL;
		if (tv.sec > (1ll << 32))
			tv.sec = 1ll << 32;
		deadline = !tv.sec && !tv.usec ?
				   UINT64_MAX :
				   time_now_ns() +
					   (uint64_t)tv.sec * 1000000000ull +
					   (uint64_t)tv.usec * 1000;
	}
	return do_select((int)a->arg[0], sets, deadline);
}

static long sys_pselect6(const struct sysargs *a)
{
	uint64_t deadline, sets[3] = { a->arg[1], a->arg[2], a->arg[3] },
			   sm[2] = { 0, 0 };
	int rc = ts_deadline(a->arg[4], &deadline);

	if (rc)
		return rc;
	if (a->arg[5] && copy_from_user(sm, (void *)a->arg[5], sizeof(sm)))
		return -EFAULT;
	rc = signal_temp_mask(sm[0]);
	if (rc)
		return rc;
	return do_select((int)a->arg[0], sets, deadline);
}

static long sys_getcpu(const struct sysargs *a)
{
	unsigned zero = 0;

	if (a->arg[0] && copy_to_user((void *)a->arg[0], &zero, sizeof(zero)))
		return -EFAULT;
	if (a->arg[1] && copy_to_user((void *)a->arg[1], &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

void sys_misc_register(sys_fn *t)
{
	t[NR_clock_gettime] = sys_clock_gettime;
	t[NR_clock_getres] = sys_clock_getres;
	t[NR_clock_settime] = sys_clock_settime;
	t[NR_gettimeofday] = sys_gettimeofday;
	t[NR_settimeofday] = sys_settimeofday;
	t[NR_time] = sys_time;
	t[NR_uname] = sys_uname;
	t[NR_sethostname] = sys_sethostname;
	t[NR_getrandom] = sys_getrandom;
	t[NR_sysinfo] = sys_sysinfo;
	t[NR_prctl] = sys_prctl;
	t[NR_poll] = sys_poll;
	t[NR_ppoll] = sys_ppoll;
	t[NR_select] = sys_select;
	t[NR_pselect6] = sys_pselect6;
	t[NR_getcpu] = sys_getcpu;
}
