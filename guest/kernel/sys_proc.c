/* SPDX-License-Identifier: MIT */
/* sys_proc.c: process system calls: fork/clone/execve/exit/wait, ids, signals, limits, sleeping. */
#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define SIGCHLD_FLAGS 17
#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

static long nproc_check(void);

static long sys_fork(const struct sysargs *a)
{
	return nproc_check() ?: task_fork(a->f, SIGCHLD_FLAGS, 0, 0, 0, 0);
}

static long sys_vfork(const struct sysargs *a)
{
	return nproc_check() ?:
		       task_fork(a->f, CLONE_VM | CLONE_VFORK | SIGCHLD_FLAGS,
				 0, 0, 0, 0);
}

static long sys_clone(const struct sysargs *a)
{
	/* x86-64 order: flags, newsp, parent_tid, child_tid, tls */
	return nproc_check() ?:
			       task_fork(a->f, a->arg[0], a->arg[1], a->arg[2],
					 a->arg[3], a->arg[4]);
}

static long sys_execve(const struct sysargs *a)
{
	char *path = kmalloc(PATH_MAX);
	const char *err = NULL;
	long n;
	int rc;

	if (!path)
		return -ENOMEM;
	n = strncpy_from_user(path, (const char *)a->arg[0], PATH_MAX);
	if (n < 0) {
		kfree(path);
		return n;
	}
	rc = exec_load(current, path, (char *const *)a->arg[1],
		       (char *const *)a->arg[2], true, &err);
	/* Say why a program found on disk cannot run (a shell only sees
	 * the errno). */
	if (err && (rc == -ENOEXEC || exec_err_is_interp(err)))
		printk("xenpod-kernel: execve %s: %s\n", path, err);
	kfree(path);
	return rc ? rc : 0;
}

static long sys_exit(const struct sysargs *a)
{
	task_exit((int)((a->arg[0] & 0xff) << 8));
}

static long sys_exit_group(const struct sysargs *a)
{
	task_exit_group((int)((a->arg[0] & 0xff) << 8));
}

static long sys_wait4(const struct sysargs *a)
{
	int status = 0, pid = 0;
	long rc;

	if (a->arg[2] & ~(uint64_t)(1 | 2 | 8 | 0x40000000 | 0x80000000))
		return -EINVAL;
	rc = task_wait((int)a->arg[0], &status, (int)a->arg[2], &pid);
	if (rc)
		return rc;
	if (pid && a->arg[1] &&
	    copy_to_user((void *)a->arg[1], &status, sizeof(status)))
		return -EFAULT;
	if (pid && a->arg[3] && clear_user((void *)a->arg[3], 144))
		return -EFAULT;
	return pid;
}

#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define WEXITED 4
#define WNOWAIT 0x01000000
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3

/* waitid(2): exits only, like wait4 (children never stop here). */
static long sys_waitid(const struct sysargs *a)
{
	int idtype = (int)a->arg[0], id = (int)a->arg[1], pid, status = 0;
	int rpid = 0, options = (int)a->arg[3];
	struct {
		int32_t signo, err, code, pad;
		int32_t pid;
		uint32_t uid;
		int32_t status, pad2;
		uint8_t rest[96];
	} si;
	long rc;

	if (a->arg[3] & ~(uint64_t)(1 | 2 | WEXITED | 8 | WNOWAIT | 0x20000000 |
				    0x40000000 | 0x80000000))
		return -EINVAL;
	if (!(options & (2 | WEXITED | 8)))
		return -EINVAL;
	switch (idtype) {
	case P_ALL:
		pid = -1;
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		pid = id;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		pid = id ? -id : 0;
		break;
	default:
		return -EINVAL;
	}
	rc = task_wait(pid, &status, options, &rpid);
	if (rc)
		return rc;
	memset(&si, 0, sizeof(si));
	if (rpid) {
		si.signo = SIGCHLD;
		si.pid = rpid;
		if ((status & 0x7f) == 0) {
			si.code = CLD_EXITED;
			si.status = (status >> 8) & 0xff;
		} else {
			si.code = status & 0x80 ? CLD_DUMPED : CLD_KILLED;
			si.status = status & 0x7f;
		}
	}
	if (a->arg[2] && copy_to_user((void *)a->arg[2], &si, sizeof(si)))
		return -EFAULT;
	if (a->arg[4] && clear_user((void *)a->arg[4], 144))
		return -EFAULT;
	return 0;
}

/* A signal from a system call: EPERM unless the sender may (kill(2)). */
static long signal_checked(struct task *t, int sig, int from)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!cred_may_signal(t, sig))
		return -EPERM;
	return signal_send(t, sig, from);
}

static long sys_kill(const struct sysargs *a)
{
	int pid = (int)a->arg[0], sig = (int)a->arg[1], found = 0, sent = 0;
	struct task *t;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		t = task_find(pid);
		return t && t->mm ? signal_checked(t, sig, current->pid) :
				    -ESRCH;
	}
	for_each_task(t) {
		if (!t->mm || t->state == TASK_ZOMBIE)
			continue;
		if ((pid == 0 && t->pgid != current->pgid) ||
		    (pid < -1 && t->pgid != -pid))
			continue;
		if (pid == -1 && t == current)
			continue;
		found++;
		if (signal_checked(t, sig, current->pid) == 0)
			sent++;
	}
	/* a group: success if any member got it, as Linux */
	return !found ? -ESRCH : sent ? 0 : -EPERM;
}

static long sys_tgkill(const struct sysargs *a)
{
	struct task *t = task_find((int)a->arg[1]);

	if (!t || !t->mm || t->tgid != (int)a->arg[0])
		return -ESRCH;
	return signal_checked(t, (int)a->arg[2], current->tgid);
}

static long sys_tkill(const struct sysargs *a)
{
	struct task *t = task_find((int)a->arg[0]);

	if (!t || !t->mm)
		return -ESRCH;
	return signal_checked(t, (int)a->arg[1], current->pid);
}

static long sys_getpid(const struct sysargs *a)
{
	return current->tgid;
}

static long sys_gettid(const struct sysargs *a)
{
	return current->pid;
}

static long sys_getppid(const struct sysargs *a)
{
	struct task *p = current->leader->parent;

	return p ? p->tgid : 0;
}

static long sys_getpgid(const struct sysargs *a)
{
	struct task *t = a->arg[0] ? task_find((int)a->arg[0]) : current;

	return t ? t->pgid : -ESRCH;
}

static long sys_getpgrp(const struct sysargs *a)
{
	return current->pgid;
}

static long sys_setpgid(const struct sysargs *a)
{
	struct task *t = a->arg[0] ? task_find((int)a->arg[0]) : current;
	int pgid = (int)a->arg[1];

	if (!t)
		return -ESRCH;
	if (pgid < 0)
		return -EINVAL;
	if (t->sid == t->pid) /* a session leader keeps its group */
		return -EPERM;
	t->pgid = pgid ? pgid : t->pid;
	return 0;
}

static long sys_getsid(const struct sysargs *a)
{
	struct task *t = a->arg[0] ? task_find((int)a->arg[0]) : current;

	return t ? t->sid : -ESRCH;
}

static long sys_setsid(const struct sysargs *a)
{
	if (current->pgid == current->pid)
		return -EPERM;
	current->sid = current->pgid = current->pid;
	return current->sid;
}

static long sys_rt_sigaction(const struct sysargs *a)
{
	int sig = (int)a->arg[0];
	struct k_sigaction act, *cur;

	if (sig < 1 || sig > NSIG || a->arg[3] != 8)
		return -EINVAL;
	cur = &current->sighand->act[sig - 1];
	if (a->arg[2] && copy_to_user((void *)a->arg[2], cur, sizeof(*cur)))
		return -EFAULT;
	if (!a->arg[1])
		return 0;
	if (sig == SIGKILL || sig == SIGSTOP)
		return -EINVAL;
	if (copy_from_user(&act, (void *)a->arg[1], sizeof(act)))
		return -EFAULT;
	act.mask &= ~UNBLOCKABLE;
	*cur = act;
	/* Setting SIG_IGN discards a pending instance (POSIX). */
	if (act.handler == SIG_IGN)
		current->sig_pending &= ~SIGBIT(sig);
	return 0;
}

static long sys_rt_sigprocmask(const struct sysargs *a)
{
	uint64_t set, old = current->sig_blocked;

	if (a->arg[3] != 8)
		return -EINVAL;
	if (a->arg[1]) {
		if (copy_from_user(&set, (void *)a->arg[1], sizeof(set)))
			return -EFAULT;
		switch (a->arg[0]) {
		case SIG_BLOCK:
			current->sig_blocked |= set;
			break;
		case SIG_UNBLOCK:
			current->sig_blocked &= ~set;
			break;
		case SIG_SETMASK:
			current->sig_blocked = set;
			break;
		default:
			return -EINVAL;
		}
		current->sig_blocked &= ~UNBLOCKABLE;
	}
	if (a->arg[2] && copy_to_user((void *)a->arg[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long sys_rt_sigpending(const struct sysargs *a)
{
	uint64_t p = current->sig_pending & current->sig_blocked;

	return copy_to_user((void *)a->arg[0], &p, sizeof(p));
}

static long sys_rt_sigsuspend(const struct sysargs *a)
{
	uint64_t set;

	if (a->arg[1] != 8)
		return -EINVAL;
	if (copy_from_user(&set, (void *)a->arg[0], sizeof(set)))
		return -EFAULT;
	current->sig_saved_mask = current->sig_blocked;
	current->sig_restore_mask = true;
	current->sig_blocked = set & ~UNBLOCKABLE;
	while (sleep_on(&current->sig_pending, 0) != -EINTR)
		;
	return -EINTR;
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): a timeout of zero polls. */
static long sys_rt_sigtimedwait(const struct sysargs *a)
{
	uint64_t set, deadline = 0;
	int64_t ts[2];

	if (a->arg[3] != 8)
		return -EINVAL;
	if (copy_from_user(&set, (void *)a->arg[0], sizeof(set)))
		return -EFAULT;
	if (a->arg[2]) {
		if (copy_from_user(ts, (void *)a->arg[2], sizeof(ts)))
			return -EFAULT;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] > 999999999)
			return -EINVAL;
		/* 1: already past, so a zero timeout only polls. */
		deadline = time_now_ns() + (uint64_t)ts[0] * 1000000000 +
			   (uint64_t)ts[1];
		if (!ts[0] && !ts[1])
			deadline = 1;
	}
	return signal_timedwait(set, deadline, a->arg[1]);
}

static long sys_pause(const struct sysargs *a)
{
	while (sleep_on(&current->sig_pending, 0) != -EINTR)
		;
	return -EINTR;
}

static long sys_rt_sigreturn(const struct sysargs *a)
{
	return sys_rt_sigreturn_frame(a->f);
}

static long sys_sigaltstack(const struct sysargs *a)
{
	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} ss, old = { current->altstack_sp, current->altstack_size ? 0 : 2, 0,
		      current->altstack_size };

	if (a->arg[0]) {
		if (copy_from_user(&ss, (void *)a->arg[0], sizeof(ss)))
			return -EFAULT;
		if (ss.flags & 2) { /* SS_DISABLE */
			current->altstack_sp = current->altstack_size = 0;
		} else {
			if (ss.size < 2048)
				return -ENOMEM;
			current->altstack_sp = ss.sp;
			current->altstack_size = ss.size;
		}
	}
	if (a->arg[1] && copy_to_user((void *)a->arg[1], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long sys_alarm(const struct sysargs *a)
{
	uint64_t now = time_now_ns(), left = 0;

	if (current->alarm_at > now)
		left = (current->alarm_at - now + 999999999) / 1000000000;
	current->alarm_at = a->arg[0] ? now + a->arg[0] * 1000000000ull : 0;
	current->alarm_interval = 0;
	if (current->alarm_at)
		sched_rearm();
	return (long)left;
}

struct k_timespec {
	int64_t sec, nsec;
};

struct k_itimerval {
	int64_t int_sec, int_usec, val_sec, val_usec;
};

static void ns_to_tv(uint64_t ns, int64_t *sec, int64_t *usec)
{
	*sec = (int64_t)(ns / 1000000000);
	*usec = (int64_t)(ns / 1000 % 1000000);
}

static void itimer_get(struct k_itimerval *v)
{
	uint64_t now = time_now_ns(), left = 0;

	if (current->alarm_at > now)
		left = current->alarm_at - now;
	else if (current->alarm_at)
		left = 1000; /* due: report 1 us as Linux does */
	ns_to_tv(current->alarm_interval, &v->int_sec, &v->int_usec);
	ns_to_tv(left, &v->val_sec, &v->val_usec);
}

static long sys_getitimer(const struct sysargs *a)
{
	struct k_itimerval v = { 0, 0, 0, 0 };

	if (a->arg[0] > 2)
		return -EINVAL;
	if (a->arg[0] == 0)
		itimer_get(&v);
	return copy_to_user((void *)a->arg[1], &v, sizeof(v));
}

/* ITIMER_REAL only (SIGALRM); the CPU-time timers are not supported. */
static long sys_setitimer(const struct sysargs *a)
{
	struct k_itimerval v, old;

	if (a->arg[0] != 0)
		return -EINVAL;
	if (copy_from_user(&v, (void *)a->arg[1], sizeof(v)))
		return -EFAULT;
	if (v.int_usec < 0 || v.int_usec >= 1000000 || v.val_usec < 0 ||
	    v.val_usec >= 1000000 || v.int_sec < 0 || v.val_sec < 0)
		return -EINVAL;
	itimer_get(&old);
	current->alarm_interval = (uint64_t)v.int_sec * 1000000000ull +
				  (uint64_t)v.int_usec * 1000;
	current->alarm_at = 0;
	if (v.val_sec || v.val_usec) {
		current->alarm_at = time_now_ns() +
				    (uint64_t)v.val_sec * 1000000000ull +
				    (uint64_t)v.val_usec * 1000;
		sched_rearm();
	}
	if (a->arg[2] && copy_to_user((void *)a->arg[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long do_nanosleep(uint64_t ureq, uint64_t urem, uint64_t deadline)
{
	int rc;

	do
		rc = sleep_on(&current->wake_at, deadline);
	while (rc == 0);
	if (rc == -EINTR) {
		uint64_t now = time_now_ns();
		struct k_timespec rem = { 0, 0 };

		if (deadline > now) {
			rem.sec = (int64_t)((deadline - now) / 1000000000);
			rem.nsec = (int64_t)((deadline - now) % 1000000000);
		}
		if (urem && copy_to_user((void *)urem, &rem, sizeof(rem)))
			return -EFAULT;
		return -EINTR;
	}
	return 0;
}

static int read_ts(uint64_t u, uint64_t *ns_r)
{
	struct k_timespec ts;

	if (copy_from_user(&ts, (void *)u, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	if (ts.sec > (1ll << 32)) /* ~136 years: no overflow below */
		ts.sec = 1ll << 32;
	*ns_r = (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
	return 0;
}

static long sys_nanosleep(const struct sysargs *a)
{
	uint64_t ns;
	int rc = read_ts(a->arg[0], &ns);

	if (rc)
		return rc;
	if (!ns)
		return 0;
	return do_nanosleep(a->arg[0], a->arg[1], time_now_ns() + ns);
}

static long sys_clock_nanosleep(const struct sysargs *a)
{
	uint64_t ns, deadline;
	int rc = read_ts(a->arg[2], &ns);

	if (rc)
		return rc;
	if (a->arg[0] > 7)
		return -EINVAL;
	if (a->arg[1] & 1) { /* TIMER_ABSTIME */
		int64_t now = a->arg[0] == 0 ? time_realtime_ns() :
					       (int64_t)time_now_ns();

		if ((int64_t)ns <= now)
			return 0;
		deadline = time_now_ns() + (ns - (uint64_t)now);
		return do_nanosleep(a->arg[2], 0, deadline);
	}
	if (!ns)
		return 0;
	return do_nanosleep(a->arg[2], a->arg[3], time_now_ns() + ns);
}

static long sys_sched_yield(const struct sysargs *a)
{
	schedule();
	return 0;
}

static long sys_set_tid_address(const struct sysargs *a)
{
	current->clear_child_tid = a->arg[0];
	return current->pid;
}

struct rlimit64 rlimit_spawn[RLIM_NLIMITS];

void rlimit_defaults(struct rlimit64 *r)
{
	for (unsigned i = 0; i < RLIM_NLIMITS; i++)
		r[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	/* Linux 6.1's for init's children (include/asm-generic/resource.h),
	 * with this kernel's descriptor table as the NOFILE limit (its
	 * nr_open). NPROC and SIGPENDING: Linux derives them from memory;
	 * here there is no bound but memory. */
	r[RLIMIT_STACK] = (struct rlimit64){ 8ull << 20, RLIM_INFINITY };
	r[RLIMIT_CORE] = (struct rlimit64){ 0, RLIM_INFINITY };
	r[RLIMIT_NOFILE] = (struct rlimit64){ FD_MAX, FD_MAX };
	r[RLIMIT_MEMLOCK] = (struct rlimit64){ 8ull << 20, 8ull << 20 };
	r[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
	r[RLIMIT_NICE] = (struct rlimit64){ 0, 0 };
	r[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
}

int rlimit_set(struct task *t, unsigned res, const struct rlimit64 *n,
	       const struct cred *cred)
{
	struct rlimit64 *old = &t->leader->rlim[res];

	if (n->cur > n->max)
		return -EINVAL;
	if (res == RLIMIT_NOFILE && n->max > FD_MAX)
		return -EPERM;
	if (n->max > old->max && cred->euid != 0)
		return -EPERM;
	*old = *n;
	return 0;
}

/* prlimit64 on another process: Linux's check_prlimit_permission (the
 * caller's real id is all of the target's ids), or euid 0. */
static bool may_prlimit(const struct task *t)
{
	const struct cred *c = &current->cred, *tc = &t->cred;

	if (t->leader == current->leader || c->euid == 0)
		return true;
	return c->uid == tc->uid && c->uid == tc->euid && c->uid == tc->suid &&
	       c->gid == tc->gid && c->gid == tc->egid && c->gid == tc->sgid;
}

static long do_prlimit(int pid, uint64_t res, uint64_t unew, uint64_t uold)
{
	struct task *t = current;
	struct rlimit64 n, old;
	int rc;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (unew && copy_from_user(&n, (void *)unew, sizeof(n)))
		return -EFAULT;
	if (pid < 0)
		return -EINVAL;
	if (pid && pid != current->pid) {
		t = task_find(pid);
		if (!t || t->state == TASK_ZOMBIE)
			return -ESRCH;
		if (!may_prlimit(t))
			return -EPERM;
	}
	old = t->leader->rlim[res];
	if (unew && (rc = rlimit_set(t, (unsigned)res, &n, &current->cred)))
		return rc;
	if (uold && copy_to_user((void *)uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static long sys_prlimit64(const struct sysargs *a)
{
	return do_prlimit((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]);
}

static long sys_getrlimit(const struct sysargs *a)
{
	return do_prlimit(0, a->arg[0], 0, a->arg[1]);
}

static long sys_setrlimit(const struct sysargs *a)
{
	return do_prlimit(0, a->arg[0], a->arg[1], 0);
}

/* RLIMIT_NPROC, as Linux's copy_process: a real uid at its limit of
 * tasks (threads too, zombies until reaped) cannot make another, unless
 * it is root (real uid 0, or euid 0: CAP_SYS_RESOURCE). */
static long nproc_check(void)
{
	uint64_t lim = rlimit_cur(RLIMIT_NPROC), n = 0;
	uint32_t uid = current->cred.uid;
	struct task *t;

	if (lim == RLIM_INFINITY || uid == 0 || current->cred.euid == 0)
		return 0;
	for_each_task(t)
		if (t != task_first() && t->cred.uid == uid && ++n >= lim)
			return -EAGAIN;
	return 0;
}

static long sys_getrusage(const struct sysargs *a)
{
	uint64_t ru[18] = { 0 };

	if (a->arg[0] == 0) {
		ru[0] = current->utime_ns / 1000000000;
		ru[1] = current->utime_ns / 1000 % 1000000;
	}
	return copy_to_user((void *)a->arg[1], ru, sizeof(ru));
}

static long sys_times(const struct sysargs *a)
{
	uint64_t t[4] = { current->utime_ns / 10000000, 0, 0, 0 };

	if (a->arg[0] && copy_to_user((void *)a->arg[0], t, sizeof(t)))
		return -EFAULT;
	return (long)(time_now_ns() / 10000000);
}

static long sys_arch_prctl(const struct sysargs *a)
{
	switch (a->arg[0]) {
	case ARCH_SET_FS:
		if (a->arg[1] >= USER_TOP)
			return -EPERM;
		current->fs_base = a->arg[1];
		wrmsr(MSR_FS_BASE, a->arg[1]);
		return 0;
	case ARCH_SET_GS:
		if (a->arg[1] >= USER_TOP)
			return -EPERM;
		current->gs_base = a->arg[1];
		wrmsr(MSR_KERNEL_GS_BASE, a->arg[1]);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)a->arg[1], &current->fs_base, 8);
	case ARCH_GET_GS:
		return copy_to_user((void *)a->arg[1], &current->gs_base, 8);
	default:
		return -EINVAL;
	}
}

#define FUTEX_CLOCK_REALTIME 256

/* The absolute monotonic deadline of a futex wait (0: none). */
static int futex_deadline(const struct sysargs *a, int op, uint64_t *dl_r)
{
	uint64_t ns;

	*dl_r = 0;
	if (!a->arg[3])
		return 0;
	if (read_ts(a->arg[3], &ns))
		return -EINVAL;
	if (op == 0) { /* FUTEX_WAIT: relative */
		*dl_r = time_now_ns() + ns;
	} else if (a->arg[1] & FUTEX_CLOCK_REALTIME) {
		int64_t now = time_realtime_ns();

		*dl_r = time_now_ns() +
			((int64_t)ns > now ? ns - (uint64_t)now : 0);
	} else {
		*dl_r = ns;
	}
	if (!*dl_r)
		*dl_r = 1;
	return 0;
}

/* Futexes within one process (threads); waiters sleep on the address. */
static long sys_futex(const struct sysargs *a)
{
	int op = (int)(a->arg[1] & 0x7f), val, rc;
	uint64_t deadline;

	switch (op) {
	case 0: /* FUTEX_WAIT */
	case 9: /* FUTEX_WAIT_BITSET */
		if (copy_from_user(&val, (void *)a->arg[0], sizeof(val)))
			return -EFAULT;
		if (val != (int)a->arg[2])
			return -EAGAIN;
		if (futex_deadline(a, op, &deadline))
			return -EINVAL;
		rc = sleep_on((void *)a->arg[0], deadline);
		return rc == -EINTR ? -EINTR : rc;
	case 1: /* FUTEX_WAKE */
	case 10: /* FUTEX_WAKE_BITSET */
		return futex_wake(current->mm, a->arg[0], (int)a->arg[2]);
	case 3: /* FUTEX_REQUEUE */
	case 4: /* FUTEX_CMP_REQUEUE */
		if (op == 4) {
			if (copy_from_user(&val, (void *)a->arg[0],
					   sizeof(val)))
				return -EFAULT;
			if (val != (int)a->arg[5])
				return -EAGAIN;
		}
		return futex_requeue(current->mm, a->arg[0], (int)a->arg[2],
				     a->arg[4], (int)a->arg[3]);
	default:
		return -ENOSYS;
	}
}

/* The guest runs its tasks on one CPU, CPU 0: every mask is {0}. */
/* The CPUs running (CPU_MAX <= 64: one long holds them). */
#define CPUS_ONLINE (cpus_online >= 64 ? ~0ull : (1ull << cpus_online) - 1)

/* pid 0 is the caller; -ESRCH if there is no such task. */
static struct task *sched_target(int pid)
{
	if (pid < 0)
		return NULL;
	return pid ? task_find(pid) : current;
}

static long sys_sched_getaffinity(const struct sysargs *a)
{
	uint64_t mask = CPUS_ONLINE;
	struct task *t;

	/* Linux: the buffer holds every possible CPU, in whole longs. */
	if (a->arg[1] < sizeof(mask) || (a->arg[1] & (sizeof(long) - 1)))
		return -EINVAL;
	t = sched_target((int)a->arg[0]);
	if (!t || !t->mm)
		return -ESRCH;
	if (t->cpus_allowed)
		mask &= t->cpus_allowed;
	if (copy_to_user((void *)a->arg[2], &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

static long sys_sched_setaffinity(const struct sysargs *a)
{
	uint64_t mask = 0;
	size_t len = a->arg[1] < sizeof(mask) ? a->arg[1] : sizeof(mask);
	struct task *t;

	if (len && copy_from_user(&mask, (void *)a->arg[2], len))
		return -EFAULT;
	t = sched_target((int)a->arg[0]);
	if (!t || !t->mm)
		return -ESRCH;
	/* A mask without an online CPU cannot run anywhere; the scheduler
	 * runs the task only on the online CPUs of any other. */
	if (!(mask & CPUS_ONLINE))
		return -EINVAL;
	mask &= CPUS_ONLINE;
	t->cpus_allowed = mask == CPUS_ONLINE ? 0 : mask;
	if (t == current && !(mask & (1ull << cpu_id())))
		need_resched = true; /* moves at the return to user mode */
	return 0;
}

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

static bool prio_match(const struct task *t, int which, int who)
{
	if (!t->mm || t->state == TASK_ZOMBIE)
		return false;
	switch (which) {
	case PRIO_PROCESS:
		return t->pid == (who ? who : current->pid);
	case PRIO_PGRP:
		return t->pgid == (who ? who : current->pgid);
	default:
		return t->cred.uid ==
		       (uint32_t)(who ? who : (int)current->cred.uid);
	}
}

/* getpriority's answer is 20 - nice (1..40), the highest among matches. */
static long sys_getpriority(const struct sysargs *a)
{
	int which = (int)a->arg[0], who = (int)a->arg[1], best = 100;
	struct task *t;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	for_each_task(t)
		if (prio_match(t, which, who) && t->nice < best)
			best = t->nice;
	return best == 100 ? -ESRCH : 20 - best;
}

static long sys_setpriority(const struct sysargs *a)
{
	int which = (int)a->arg[0], who = (int)a->arg[1];
	int nice = (int)a->arg[2];
	bool found = false;
	struct task *t;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	for_each_task(t) {
		if (!prio_match(t, which, who))
			continue;
		t->nice = nice; /* root may also lower it */
		found = true;
	}
	return found ? 0 : -ESRCH;
}

/* Known optional features a libc probes for: -ENOSYS without a report. */
static long sys_quiet_enosys(const struct sysargs *a)
{
	return -ENOSYS;
}

void sys_proc_register(sys_fn *t)
{
	t[NR_fork] = sys_fork;
	t[NR_vfork] = sys_vfork;
	t[NR_clone] = sys_clone;
	t[NR_clone3] = sys_quiet_enosys;
	t[NR_execve] = sys_execve;
	t[NR_exit] = sys_exit;
	t[NR_exit_group] = sys_exit_group;
	t[NR_wait4] = sys_wait4;
	t[NR_waitid] = sys_waitid;
	t[NR_kill] = sys_kill;
	t[NR_tkill] = sys_tkill;
	t[NR_tgkill] = sys_tgkill;
	t[NR_getpid] = sys_getpid;
	t[NR_gettid] = sys_gettid;
	t[NR_getppid] = sys_getppid;
	t[NR_getpgid] = sys_getpgid;
	t[NR_getpgrp] = sys_getpgrp;
	t[NR_setpgid] = sys_setpgid;
	t[NR_getsid] = sys_getsid;
	t[NR_setsid] = sys_setsid;
	t[NR_rt_sigaction] = sys_rt_sigaction;
	t[NR_rt_sigprocmask] = sys_rt_sigprocmask;
	t[NR_rt_sigpending] = sys_rt_sigpending;
	t[NR_rt_sigsuspend] = sys_rt_sigsuspend;
	t[NR_rt_sigtimedwait] = sys_rt_sigtimedwait;
	t[NR_rt_sigreturn] = sys_rt_sigreturn;
	t[NR_sigaltstack] = sys_sigaltstack;
	t[NR_pause] = sys_pause;
	t[NR_alarm] = sys_alarm;
	t[NR_getitimer] = sys_getitimer;
	t[NR_setitimer] = sys_setitimer;
	t[NR_nanosleep] = sys_nanosleep;
	t[NR_clock_nanosleep] = sys_clock_nanosleep;
	t[NR_sched_yield] = sys_sched_yield;
	t[NR_set_tid_address] = sys_set_tid_address;
	t[NR_prlimit64] = sys_prlimit64;
	t[NR_getrlimit] = sys_getrlimit;
	t[NR_setrlimit] = sys_setrlimit;
	t[NR_getrusage] = sys_getrusage;
	t[NR_times] = sys_times;
	t[NR_arch_prctl] = sys_arch_prctl;
	t[NR_futex] = sys_futex;
	t[NR_sched_getaffinity] = sys_sched_getaffinity;
	t[NR_sched_setaffinity] = sys_sched_setaffinity;
	t[NR_getpriority] = sys_getpriority;
	t[NR_setpriority] = sys_setpriority;
	t[NR_rseq] = sys_quiet_enosys;
	t[NR_set_robust_list] = sys_quiet_enosys;
}
