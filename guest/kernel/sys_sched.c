/* SPDX-License-Identifier: MIT */
/* sys_sched.c: scheduling policy and process attributes: sched_*scheduler/param, personality, capget. */
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "lib/string.h"

#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_DEADLINE 6
#define SCHED_RESET_ON_FORK 0x40000000

static bool policy_normal(int p)
{
	return p == SCHED_OTHER || p == SCHED_BATCH || p == SCHED_IDLE;
}

/* pid 0 is the caller; a live task or NULL. */
static struct task *sched_task(int pid)
{
	struct task *t = pid ? task_find(pid) : current;

	return t && t->state != TASK_ZOMBIE ? t : NULL;
}

static long sys_sched_get_priority_max(const struct sysargs *a)
{
	int p = (int)a->arg[0];

	if (p == SCHED_FIFO || p == SCHED_RR)
		return 99;
	return policy_normal(p) || p == SCHED_DEADLINE ? 0 : -EINVAL;
}

static long sys_sched_get_priority_min(const struct sysargs *a)
{
	int p = (int)a->arg[0];

	if (p == SCHED_FIFO || p == SCHED_RR)
		return 1;
	return policy_normal(p) || p == SCHED_DEADLINE ? 0 : -EINVAL;
}

/*
 * The normal policies are the one class the scheduler has (nice scales a slice, whatever the
 * policy): set and read back. Real-time ones answer EPERM, as in a container without
 * CAP_SYS_NICE (docker's default set), where no program can count on getting them.
 */
static long set_policy(int pid, int policy, uint64_t uparam, bool keep)
{
	struct task *t;
	int prio;

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(&prio, (const void *)uparam, sizeof(prio)))
		return -EFAULT;
	t = sched_task(pid);
	if (!t)
		return -ESRCH;
	if (keep)
		policy = t->policy;
	policy &= ~SCHED_RESET_ON_FORK;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return prio < 1 || prio > 99 ? -EINVAL : -EPERM;
	if (!policy_normal(policy) || prio != 0)
		return -EINVAL;
	if (t != current && t->cred.uid != current->cred.euid &&
	    t->cred.euid != current->cred.euid && current->cred.euid != 0)
		return -EPERM;
	t->policy = (uint8_t)policy;
	return 0;
}

static long sys_sched_setscheduler(const struct sysargs *a)
{
	return set_policy((int)a->arg[0], (int)a->arg[1], a->arg[2], false);
}

static long sys_sched_setparam(const struct sysargs *a)
{
	return set_policy((int)a->arg[0], 0, a->arg[1], true);
}

static long sys_sched_getscheduler(const struct sysargs *a)
{
	struct task *t;

	if ((int)a->arg[0] < 0)
		return -EINVAL;
	t = sched_task((int)a->arg[0]);
	return t ? t->policy : -ESRCH;
}

static long sys_sched_getparam(const struct sysargs *a)
{
	int prio = 0; /* the normal policies' only priority */

	if (!a->arg[1] || (int)a->arg[0] < 0)
		return -EINVAL;
	if (!sched_task((int)a->arg[0]))
		return -ESRCH;
	return copy_to_user((void *)a->arg[1], &prio, sizeof(prio));
}

/* The task's time slice (10 ms at nice 0, scaled as Linux's weights). */
static long sys_sched_rr_get_interval(const struct sysargs *a)
{
	struct task *t;
	uint64_t ns;
	int64_t ts[2];

	if ((int)a->arg[0] < 0)
		return -EINVAL;
	t = sched_task((int)a->arg[0]);
	if (!t)
		return -ESRCH;
	ns = task_slice_ns(t);
	ts[0] = (int64_t)(ns / 1000000000);
	ts[1] = (int64_t)(ns % 1000000000);
	return copy_to_user((void *)a->arg[1], ts, sizeof(ts));
}

#define PER_MASK 0xff
#define PER_QUERY 0xffffffffu

/*
 * personality: the Linux persona (PER_LINUX, 0) with any of its flags, kept across fork and
 * exec and read back; the flags need nothing of this kernel (it does not randomise the
 * address space: ADDR_NO_RANDOMIZE holds anyway). Another persona (PER_LINUX32, ...), which
 * would change what uname and the loader say, is refused with EINVAL.
 */
static long sys_personality(const struct sysargs *a)
{
	uint32_t p = (uint32_t)a->arg[0], old = current->personality;

	if (p == PER_QUERY)
		return old;
	if (p & PER_MASK)
		return -EINVAL;
	current->personality = p;
	return old;
}

#define CAP_V1 0x19980330u
#define CAP_V2 0x20071026u
#define CAP_V3 0x20080522u

struct cap_header {
	uint32_t version;
	int32_t pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

/*
 * What root can do here, as capability bits: the file-permission and id powers the kernel
 * grants to uid 0 (CAP_CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID,
 * SETUID). Others have none, as on Linux after a set*id call drops them.
 */
#define ROOT_CAPS 0xffu

static long sys_capget(const struct sysargs *a)
{
	struct cap_header h;
	struct cap_data d[2] = { 0 };
	struct task *t;
	uint32_t v = CAP_V3;

	if (copy_from_user(&h, (const void *)a->arg[0], sizeof(h)))
		return -EFAULT;
	if (h.version != CAP_V1 && h.version != CAP_V2 && h.version != CAP_V3) {
		/* Linux's probe answer: its version in the header. */
		if (copy_to_user((void *)a->arg[0], &v, sizeof(v)))
			return -EFAULT;
		return a->arg[1] ? -EINVAL : 0;
	}
	if (!a->arg[1])
		return 0;
	if (h.pid < 0)
		return -EINVAL;
	t = sched_task(h.pid);
	if (!t)
		return -ESRCH;
	if (t->cred.euid == 0)
		d[0].effective = d[0].permitted = ROOT_CAPS;
	return copy_to_user((void *)a->arg[1], d,
			    h.version == CAP_V1 ? sizeof(d[0]) : sizeof(d));
}

void sys_sched_register(sys_fn *t)
{
	t[NR_sched_get_priority_max] = sys_sched_get_priority_max;
	t[NR_sched_get_priority_min] = sys_sched_get_priority_min;
	t[NR_sched_setscheduler] = sys_sched_setscheduler;
	t[NR_sched_setparam] = sys_sched_setparam;
	t[NR_sched_getscheduler] = sys_sched_getscheduler;
	t[NR_sched_getparam] = sys_sched_getparam;
	t[NR_sched_rr_get_interval] = sys_sched_rr_get_interval;
	t[NR_personality] = sys_personality;
	t[NR_capget] = sys_capget;
}
