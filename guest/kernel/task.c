/* SPDX-License-Identifier: MIT */
/* task.c: processes and the round-robin scheduler over every CPU: spawn, fork, exit, wait, sleeping. */
#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"
#include "platform.h"

#define KSTACK_PAGES 4
#define SLICE_NS 10000000ull
#define CLONE_VM 0x100
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_VFORK 0x4000
#define CLONE_THREAD 0x10000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define WNOHANG 1
#define WNOWAIT 0x01000000

static struct task init_task; /* the C init: kernel-only, pid 0 */
static int next_pid = 1;
/* Tickless: the timer only fires for the earliest sleeper or alarm, and
 * at the end of this CPU's time slice when a task waits for a CPU. */
#define slice_end_ns (this_cpu()->slice_end_ns)
/* When the current task was last switched to or accounted (CPU time). */
#define run_start_ns (this_cpu()->run_start_ns)

void task_started(void);
void context_switch(uint64_t *save_rsp, uint64_t new_rsp);
extern char task_first_return[];
extern char syscall_entry[];

struct list_node task_list = LIST_INIT(task_list);

static void kick_cpu(unsigned c);

struct task *task_first(void)
{
	return &init_task;
}

struct task *task_find(int pid)
{
	struct task *t;

	for_each_task(t)
		if (t->pid == pid && t->state != TASK_ZOMBIE)
			return t;
	return NULL;
}

/* Linux's CFS weights for nice -20..19 (nice 0 = 1024). */
static const uint32_t nice_weight[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548,  7620,  6100,  4904,  3906,  3121,  2501,	 1991,	1586,  1277,
	1024,  820,   655,   526,   423,   335,	  272,	 215,	172,   137,
	110,   87,    70,    56,    45,	   36,	  29,	 23,	18,    15,
};

uint64_t task_slice_ns(const struct task *t)
{
	int n = t->nice < -20 ? -20 : t->nice > 19 ? 19 : t->nice;

	return SLICE_NS * nice_weight[n + 20] / 1024;
}

/* Interrupts off. Charges the time since run_start_ns to current. */
static void account(uint64_t now)
{
	if (current->mm && now > run_start_ns) {
		current->utime_ns += now - run_start_ns;
		this_cpu()->user_ns += now - run_start_ns;
	}
	run_start_ns = now;
}

void sched_account(void)
{
	uint64_t fl = irq_save();

	account(time_now_ns());
	irq_restore(fl);
}

/* Under the BKL, which stays held across the switch: prev is not
 * picked by another CPU before its registers are saved. */
static void switch_to(struct task *next)
{
	struct task *prev = current;
	struct percpu *p = this_cpu();
	pt_t pt = next->mm ? next->mm->pt : pt_kernel();

	if (prev == next)
		return;
	__asm__ volatile("fxsave64 %0" : "=m"(prev->fpu));
	p->cur_task = next;
	prev->on_cpu = -1;
	next->on_cpu = (int)p->id;
	/* A task without memory runs on the kernel's page table: an address
	 * space freed on another CPU is never left loaded here. */
	if (p->pt != pt)
		pt_switch(pt);
	if (next->kstack_top) {
		p->kernel_rsp = next->kstack_top;
		tss_set_rsp0(next->kstack_top);
	}
	wrmsr(MSR_FS_BASE, next->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
	__asm__ volatile("fxrstor64 %0" ::"m"(next->fpu));
	context_switch(&prev->ksp, next->ksp);
}

/* The task after t in the list, wrapping around (an idle task, never
 * in the list, is followed by the first). */
static struct task *task_after(struct task *t)
{
	struct list_node *n = list_linked(&t->node) ? t->node.next :
						      task_list.next;

	if (n == &task_list)
		n = n->next;
	return list_entry(n, struct task, node);
}

/* May CPU cpu run t now: runnable, not current on another CPU, and
 * allowed there. */
static bool can_run(const struct task *t, unsigned cpu)
{
	return t->state == TASK_RUNNABLE &&
	       (t->on_cpu < 0 || t->on_cpu == (int)cpu) &&
	       (!t->cpus_allowed || (t->cpus_allowed & (1ull << cpu)));
}

/* Round robin: the next task after current this CPU may run, else
 * current if it may, else NULL. */
static struct task *pick_next(void)
{
	unsigned me = cpu_id();
	struct task *start = task_after(current), *t = start;

	do {
		if (t != current && can_run(t, me))
			return t;
		t = task_after(t);
	} while (t != start);
	return can_run(current, me) && list_linked(&current->node) ? current :
								     NULL;
}

void schedule(void)
{
	uint64_t fl = irq_save();
	struct task *n = pick_next();

	BKL_ASSERT();
	/* Nothing to run: this CPU's idle task halts until an event. */
	if (!n)
		n = this_cpu()->idle_task;
	need_resched = false;
	if (n != current) {
		uint64_t now = time_now_ns();

		account(now);
		slice_end_ns = now + task_slice_ns(n);
	}
	sched_rearm();
	switch_to(n);
	irq_restore(fl);
}

/*
 * A CPU's idle task: with the BKL, look for work; with none, release the
 * BKL and halt (interrupts off from the look to the halt, so a wake-up
 * IPI sent after it is taken in the halt: docs/WAKEUPS.md).
 */
static void idle_loop(void) __attribute__((noreturn));
static void idle_loop(void)
{
	struct percpu *p = this_cpu();

	for (;;) {
		unsigned depth;

		irq_disable();
		if (pick_next()) {
			schedule();
			continue;
		}
		sched_rearm();
		klog_flush();
		p->idle = true;
		depth = bkl_release_all();
		cpu_idle();
		bkl_reacquire(depth);
		p->idle = false;
	}
}

/* The first run of an idle task (on CPU 0): from context_switch. */
static void idle_entry(void) __attribute__((noreturn, used));
static void idle_entry(void)
{
	idle_loop();
}

static struct task *idle_new(unsigned cpu)
{
	struct task *t = kzalloc(sizeof(*t));
	uint64_t *sw;

	if (!t)
		return NULL;
	t->kstack_top = kstack_alloc(KSTACK_PAGES);
	if (!t->kstack_top) {
		kfree(t);
		return NULL;
	}
	/* context_switch's frame: six registers, then the return into
	 * idle_entry with the stack aligned as after a call. */
	sw = (uint64_t *)(t->kstack_top - 64);
	memset(sw, 0, 8 * sizeof(*sw));
	sw[6] = (uint64_t)idle_entry;
	t->ksp = (uint64_t)sw;
	list_init(&t->node);
	t->state = TASK_BLOCKED; /* never picked: only ever its CPU's idle */
	t->on_cpu = -1;
	t->leader = t;
	memcpy(t->comm, "idle", 5);
	__asm__ volatile("fxsave64 %0" : "=m"(t->fpu));
	return t;
}

static struct list_node ktimers = LIST_INIT(ktimers);

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t))
{
	list_init(&t->node);
	t->at = 0;
	t->fn = fn;
}

bool ktimer_armed(const struct ktimer *t)
{
	return list_linked(&t->node);
}

void ktimer_arm(struct ktimer *t, uint64_t at_ns)
{
	uint64_t fl = irq_save();
	struct ktimer *pos;

	list_del(&t->node);
	t->at = at_ns;
	if (at_ns) {
		list_for_each(pos, &ktimers, node)
			if (pos->at > at_ns)
				break;
		list_add_before(&pos->node, &t->node);
	}
	sched_rearm();
	irq_restore(fl);
}

/* Interrupts off: runs the timers that are due. */
static void ktimers_run(uint64_t now)
{
	struct ktimer *t;

	while ((t = list_first(&ktimers, struct ktimer, node)) != NULL &&
	       t->at <= now) {
		list_del(&t->node);
		t->fn(t);
	}
}

/*
 * Arms the one-shot timer for the earliest sleeper or alarm, and for the
 * end of the time slice only while at least two tasks are runnable.
 * Cheap when nothing changed (no hypercall); runs after every system call
 * and interrupt, which is where tasks become runnable.
 */
void sched_rearm(void)
{
	uint64_t min = 0, fl = irq_save();
	unsigned me = cpu_id();
	int waiting = 0;
	uint64_t want = 0; /* the CPUs that tasks waiting for one may use */
	struct task *t;
	struct ktimer *kt;

	for_each_task(t) {
		if (t->state == TASK_RUNNABLE && t->on_cpu < 0) {
			waiting++;
			want |= t->cpus_allowed ? t->cpus_allowed : ~0ull;
		}
		/* A signal for a task running on another CPU: interrupt it,
		 * its return to user mode delivers it. */
		if (t->on_cpu >= 0 && t->on_cpu != (int)me && signal_pending(t))
			kick_cpu((unsigned)t->on_cpu);
		if (t->state == TASK_BLOCKED && t->wake_at &&
		    (!min || t->wake_at < min))
			min = t->wake_at;
		if (t->alarm_at && (!min || t->alarm_at < min))
			min = t->alarm_at;
	}
	kt = list_first(&ktimers, struct ktimer, node);
	if (kt && (!min || kt->at < min))
		min = kt->at;
	if ((want & (1ull << me)) && (!min || slice_end_ns < min))
		min = slice_end_ns;
	/* Tasks wait for a CPU: wake idle CPUs they may use. */
	for (unsigned c = 0; waiting && c < cpus_online; c++)
		if (c != me && (want & (1ull << c)) && percpu[c].idle &&
		    !percpu[c].kicked) {
			kick_cpu(c);
			waiting--;
		}
	timer_set_oneshot(min);
	irq_restore(fl);
}

/* Under the BKL. */
static void kick_cpu(unsigned c)
{
	if (percpu[c].kicked)
		return;
	percpu[c].kicked = true;
	platform_ipi(c);
}

static void sched_irq_exit(void)
{
	sched_rearm();
}

static void sched_tick(struct trap_frame *f)
{
	uint64_t now = time_now_ns();
	struct task *t;

	for_each_task(t) {
		if (t->state == TASK_BLOCKED && t->wake_at &&
		    t->wake_at <= now) {
			t->timed_out = true;
			t->wake_at = 0;
			t->state = TASK_RUNNABLE;
		}
		if (t->alarm_at && t->alarm_at <= now &&
		    t->state != TASK_ZOMBIE) {
			t->alarm_at =
				t->alarm_interval ? now + t->alarm_interval : 0;
			signal_send(t, SIGALRM, 0);
		}
	}
	ktimers_run(now);
	/* A slice that ran out while current stays in the kernel (e.g.
	 * waiting for xenstore) gets one more tick per slice, not a storm
	 * of immediate ones. */
	if (now >= slice_end_ns)
		slice_end_ns = now + task_slice_ns(current);
	need_resched = true; /* the interrupt exit re-arms the timer */
}

static int do_sleep(const void *chan, uint64_t deadline_ns, bool intr)
{
	struct task *t = current;

	if (intr && signal_pending(t))
		return -EINTR;
	if (deadline_ns && deadline_ns <= time_now_ns())
		return -ETIMEDOUT;
	t->state = TASK_BLOCKED;
	t->wait_chan = chan;
	t->wake_at = deadline_ns;
	t->timed_out = false;
	t->uninterruptible = !intr;
	if (deadline_ns)
		sched_rearm();
	schedule();
	t->wait_chan = NULL;
	t->wake_at = 0;
	t->uninterruptible = false;
	if (intr && signal_pending(t))
		return -EINTR;
	if (t->timed_out)
		return -ETIMEDOUT;
	return 0;
}

int sleep_on(const void *chan, uint64_t deadline_ns)
{
	return do_sleep(chan, deadline_ns, true);
}

void sleep_uninterruptible(const void *chan)
{
	do_sleep(chan, 0, false);
}

int sleep_uninterruptible_until(const void *chan, uint64_t deadline_ns)
{
	return do_sleep(chan, deadline_ns, false);
}

int futex_wake(struct mm *mm, uint64_t uaddr, int n)
{
	int woken = 0;
	struct task *t;

	for_each_task(t) {
		if (woken == n)
			break;
		if (t->state == TASK_BLOCKED && t->mm == mm &&
		    t->wait_chan == (const void *)uaddr) {
			t->state = TASK_RUNNABLE;
			woken++;
		}
	}
	return woken;
}

int futex_requeue(struct mm *mm, uint64_t uaddr, int nwake, uint64_t uaddr2,
		  int nmove)
{
	int woken = futex_wake(mm, uaddr, nwake), moved = 0;
	struct task *t;

	for_each_task(t) {
		if (moved == nmove)
			break;
		if (t->state == TASK_BLOCKED && t->mm == mm &&
		    t->wait_chan == (const void *)uaddr) {
			t->wait_chan = (const void *)uaddr2;
			moved++;
		}
	}
	return woken + moved;
}

void wake_up(const void *chan)
{
	struct task *t;

	for_each_task(t)
		if (t->state == TASK_BLOCKED && t->wait_chan == chan)
			t->state = TASK_RUNNABLE;
}

static int user_fault(struct trap_frame *f);

/* This CPU's system call MSRs and scheduler clock. */
static void sched_cpu_init(void)
{
	/* SYSRET: CS = STAR[63:48] + 16, SS = + 8; SYSCALL: CS = STAR[47:32]. */
	wrmsr(MSR_STAR,
	      ((uint64_t)(GDT_UCS32 | 3) << 48) | ((uint64_t)GDT_KCS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Clear IF, DF, TF, AC and NT on entry. */
	wrmsr(MSR_FMASK, 0x47700);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	run_start_ns = time_now_ns();
	slice_end_ns = run_start_ns + SLICE_NS;
}

/* Set by a started CPU before it waits for the BKL. */
static volatile bool cpu_started[CPU_MAX];

/* A started CPU, on its idle task's stack with interrupts off. */
static void ap_main(void)
{
	struct percpu *p = this_cpu();

	sched_cpu_init();
	cpu_started[p->id] = true;
	bkl_lock();
	if (p->id >= cpus_online) { /* the boot CPU gave up on it */
		bkl_unlock();
		cpu_halt_forever();
	}
	idle_loop();
}

/* Starts the other CPUs the platform has; each waits in its idle loop. */
static void sched_smp_start(void)
{
	unsigned n = platform_cpus_possible();

	if (n < 2)
		return;
	if (platform_cpu0_ipi_init()) {
		printk("xenpod-kernel: no IPI for vCPU 0: running on one "
		       "CPU\n");
		return;
	}
	for (unsigned id = 1; id < n; id++) {
		struct task *idle = idle_new(id);
		uint64_t deadline;
		int rc;

		if (!idle) {
			printk("xenpod-kernel: out of memory for vCPU %u\n",
			       id);
			break;
		}
		percpu[id].idle_task = idle;
		percpu[id].cur_task = idle;
		idle->on_cpu = (int)id;
		rc = platform_cpu_start(id, idle->kstack_top, ap_main);
		if (rc) {
			printk("xenpod-kernel: vCPU %u did not start (%d)\n",
			       id, rc);
			break;
		}
		deadline = time_now_ns() + 2000000000ull;
		while (!cpu_started[id] && time_now_ns() < deadline)
			cpu_relax();
		if (!cpu_started[id]) {
			printk("xenpod-kernel: vCPU %u did not answer in 2 s\n",
			       id);
			break;
		}
		cpus_online = id + 1;
	}
	pr_info("xenpod-kernel: %u of %u vCPUs running\n", cpus_online, n);
}

void sched_init(void)
{
	struct percpu *p = this_cpu();
	uint64_t fl;

	list_add_tail(&task_list, &init_task.node);
	init_task.state = TASK_RUNNABLE;
	init_task.leader = &init_task;
	init_task.group_live = 1;
	init_task.umask = 022;
	init_task.on_cpu = 0;
	/* init's kernel code talks to the devices, whose events come to
	 * vCPU 0: it runs there. */
	init_task.cpus_allowed = 1;
	rlimit_defaults(init_task.rlim);
	rlimit_defaults(rlimit_spawn);
	memcpy(init_task.comm, "init", 5);
	__asm__ volatile("fxsave64 %0" : "=m"(init_task.fpu));
	p->cur_task = &init_task;
	p->idle_task = idle_new(0);
	if (!p->idle_task)
		panic("no memory for the idle task");
	sched_cpu_init();
	trap_user_hook = user_fault;
	trap_return_hook = user_return;
	trap_irq_exit_hook = sched_irq_exit;
	timer_set_tick_handler(sched_tick);
	/* From here init's kernel code runs holding the BKL, like every
	 * task in the kernel; it passes with each switch (docs/SMP.md). */
	fl = irq_save();
	bkl_lock();
	irq_restore(fl);
	sched_smp_start();
}

/* Allocates a task with a kernel stack whose first switch enters user
 * mode through the trap frame at its top. */
static struct task *task_alloc(void)
{
	struct task *t = kzalloc(sizeof(*t));
	uint64_t *sw;

	if (!t)
		return NULL;
	t->kstack_top = kstack_alloc(KSTACK_PAGES);
	if (!t->kstack_top) {
		kfree(t);
		return NULL;
	}
	t->uframe = (struct trap_frame *)(t->kstack_top - TRAP_FRAME_SIZE);
	sw = (uint64_t *)t->uframe - 7;
	memset(sw, 0, 7 * sizeof(*sw));
	sw[6] = (uint64_t)task_first_return;
	t->ksp = (uint64_t)sw;
	list_init(&t->node);
	t->on_cpu = -1;
	t->pid = next_pid++;
	t->tgid = t->pid;
	t->leader = t;
	t->group_live = 1;
	t->state = TASK_BLOCKED; /* until fully built */
	return t;
}

static void task_link(struct task *t)
{
	list_add_tail(&task_list, &t->node);
}

static void task_free(struct task *t)
{
	list_del(&t->node);
	mm_put(t->mm);
	files_put(t->files);
	sighand_put(t->sighand);
	kstack_free(t->kstack_top);
	kfree(t->exe_path);
	kfree(t);
}

void task_started(void)
{
	user_return(current->uframe);
	irq_disable();
	bkl_unlock();
}

static void default_fpu(struct task *t)
{
	memset(t->fpu, 0, sizeof(t->fpu));
	t->fpu[0] = 0x7f; /* FCW 0x037f */
	t->fpu[1] = 0x03;
	t->fpu[24] = 0x80; /* MXCSR 0x1f80 */
	t->fpu[25] = 0x1f;
}

int task_spawn(const char *path, char *const argv[], char *const envp[],
	       struct inode *cwd, const struct cred *cred,
	       const struct rlimit64 *rlim, struct task **task_r,
	       const char **err_r)
{
	struct task *t = task_alloc();
	struct cred caller;
	struct file *con;
	int rc;

	*err_r = "out of memory";
	if (!t)
		return -ENOMEM;
	t->parent = &init_task;
	t->pgid = t->sid = t->pid;
	t->cwd = cwd;
	t->files = files_new();
	t->sighand = kzalloc(sizeof(*t->sighand));
	if (!t->files || !t->sighand) {
		task_free(t);
		return -ENOMEM;
	}
	t->sighand->refs = 1;
	t->umask = 022;
	t->cred = *cred;
	memcpy(t->rlim, rlim ? rlim : rlimit_spawn, sizeof(t->rlim));
	default_fpu(t);
	/* exec's access checks ask the current task (init's kernel task):
	 * it stands in with the new process's ids for the load */
	caller = current->cred;
	current->cred = *cred;
	rc = exec_load(t, path, argv, envp, false, err_r);
	current->cred = caller;
	if (rc) {
		task_free(t);
		return rc;
	}
	con = file_new(dev_console_inode(), O_RDWR);
	if (!con) {
		task_free(t);
		return -ENOMEM;
	}
	files_set_stdio(t->files, con);
	task_link(t);
	t->state = TASK_RUNNABLE;
	*task_r = t;
	return 0;
}

void sighand_put(struct sighand *sh)
{
	if (sh && --sh->refs == 0)
		kfree(sh);
}

static struct sighand *sighand_copy(const struct sighand *p)
{
	struct sighand *sh = kzalloc(sizeof(*sh));

	if (!sh)
		return NULL;
	sh->refs = 1;
	memcpy(sh->act, p->act, sizeof(sh->act));
	return sh;
}

/* Descriptors and handlers: shared (threads) or copied (processes). */
static int share_or_copy(struct task *t, struct task *p, uint64_t flags)
{
	if (flags & CLONE_FILES) {
		t->files = p->files;
		t->files->refs++;
	} else {
		t->files = files_copy(p->files);
	}
	if (flags & CLONE_SIGHAND) {
		t->sighand = p->sighand;
		t->sighand->refs++;
	} else {
		t->sighand = sighand_copy(p->sighand);
	}
	return t->files && t->sighand ? 0 : -ENOMEM;
}

static void copy_task_state(struct task *t, struct task *p)
{
	memcpy(t->comm, p->comm, sizeof(t->comm));
	t->cwd = p->cwd;
	t->umask = p->umask;
	t->cred = p->cred;
	memcpy(t->rlim, p->leader->rlim, sizeof(t->rlim));
	t->nice = p->nice;
	t->policy = p->policy;
	t->personality = p->personality;
	t->cpus_allowed = p->cpus_allowed;
	t->sig_blocked = p->sig_blocked;
	t->fs_base = p->fs_base;
	t->gs_base = p->gs_base;
	t->pgid = p->pgid;
	t->sid = p->sid;
	t->altstack_sp = p->altstack_sp;
	t->altstack_size = p->altstack_size;
	if (p->exe_path)
		t->exe_path = kstrdup(p->exe_path);
	__asm__ volatile("fxsave64 %0" : "=m"(t->fpu));
}

/* Frees exited threads (they cannot free their own kernel stack). */
static void reap_threads(void)
{
	struct task *c, *n;

	list_for_each_safe(c, n, &task_list, node) {
		if (c->autoreap && c->state == TASK_ZOMBIE && c != current &&
		    c->on_cpu < 0)
			task_free(c);
	}
}

/* The new task's memory and place: a thread of the caller's process, or
 * a new process (with a copy-on-write copy of the memory). */
static int clone_place(struct task *t, uint64_t flags)
{
	struct task *l = current->leader;

	if (!(flags & CLONE_THREAD)) {
		t->mm = mm_fork(current->mm);
		t->parent = l;
		return t->mm ? 0 : -ENOMEM;
	}
	if ((flags & (CLONE_VM | CLONE_SIGHAND)) != (CLONE_VM | CLONE_SIGHAND))
		return -EINVAL;
	t->mm = current->mm;
	t->mm->users++;
	t->tgid = l->tgid;
	t->leader = l;
	t->autoreap = true;
	l->group_live++;
	return 0;
}

long task_fork(struct trap_frame *f, uint64_t flags, uint64_t newsp,
	       uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	struct task *t;
	int pid;

	int rc;

	reap_threads();
	t = task_alloc();
	if (!t)
		return -ENOMEM;
	rc = clone_place(t, flags);
	if (!rc)
		rc = share_or_copy(t, current, flags);
	if (rc) {
		if (t->leader != t)
			t->leader->group_live--;
		task_free(t);
		return rc;
	}
	pid = t->pid;
	copy_task_state(t, current);
	*t->uframe = *f;
	t->uframe->rax = 0;
	if (newsp)
		t->uframe->rsp = newsp;
	if (flags & CLONE_SETTLS)
		t->fs_base = tls;
	if (flags & CLONE_CHILD_SETTID)
		mm_poke(t->mm, ctid, &pid, sizeof(pid));
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = ctid;
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user((void *)ptid, &pid, sizeof(pid));
	task_link(t);
	t->state = TASK_RUNNABLE;
	if (flags & CLONE_VFORK) {
		t->vfork_parent = current;
		while (t->vfork_parent)
			sleep_uninterruptible(&t->vfork_parent);
	}
	return pid;
}

void task_vfork_release(struct task *t)
{
	if (t->vfork_parent) {
		t->vfork_parent = NULL;
		wake_up(&t->vfork_parent);
	}
}

/* CLONE_CHILD_CLEARTID: zero the thread id word and wake a joiner. */
static void clear_tid(struct task *t)
{
	int zero = 0;

	if (!t->clear_child_tid || !t->mm)
		return;
	if (copy_to_user((void *)t->clear_child_tid, &zero, sizeof(zero)) == 0)
		futex_wake(t->mm, t->clear_child_tid, 1);
}

/* The last thread is gone: the process becomes a zombie for its parent. */
static void process_done(struct task *l, int status)
{
	struct task *c;

	for_each_task(c)
		if (c->parent == l)
			c->parent = &init_task;
	l->exit_status = l->group_exiting ? l->group_exit_status : status;
	l->alarm_at = 0;
	if (l->parent) {
		if (l->parent != &init_task)
			signal_send(l->parent, SIGCHLD, l->tgid);
		wake_up(l->parent);
	}
}

void task_exit(int status)
{
	struct task *t = current, *l = t->leader;

	irq_disable();
	clear_tid(t);
	files_put(t->files);
	t->files = NULL;
	sighand_put(t->sighand);
	t->sighand = NULL;
	task_vfork_release(t);
	if (t->mm) {
		pt_switch(pt_kernel());
		mm_put(t->mm);
		t->mm = NULL;
	}
	t->state = TASK_ZOMBIE;
	t->exit_status = status;
	if (--l->group_live == 0)
		process_done(l, status);
	reap_threads(); /* other exited threads; this one goes next time */
	schedule();
	for (;;) /* a zombie is never picked again */
		cpu_halt_forever();
}

static void kill_other_threads(struct task *t)
{
	struct task *x;

	for_each_task(x)
		if (x->leader == t->leader && x != t &&
		    x->state != TASK_ZOMBIE) {
			x->group_killed = true;
			signal_send(x, SIGKILL, 0);
		}
}

void task_exit_group(int status)
{
	struct task *l = current->leader;

	if (!l->group_exiting) {
		l->group_exiting = true;
		l->group_exit_status = status;
	}
	kill_other_threads(current);
	task_exit(status);
}

int task_exec_prepare(struct task *t)
{
	kill_other_threads(t);
	if (t->files->refs > 1) {
		struct files *fs = files_copy(t->files);

		if (!fs)
			return -ENOMEM;
		files_put(t->files);
		t->files = fs;
	}
	if (t->sighand->refs > 1) {
		struct sighand *sh = sighand_copy(t->sighand);

		if (!sh)
			return -ENOMEM;
		sighand_put(t->sighand);
		t->sighand = sh;
	}
	return 0;
}

static bool wait_match(struct task *c, int pid)
{
	if (c->autoreap || c->parent != current->leader)
		return false;
	if (pid == -1)
		return true;
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgid == current->pgid;
	return c->pgid == -pid;
}

long task_wait(int pid, int *status_r, int options, int *rpid_r)
{
	for (;;) {
		bool have = false;
		struct task *c, *n;

		list_for_each_safe(c, n, &task_list, node) {
			if (!wait_match(c, pid))
				continue;
			have = true;
			if (c->state != TASK_ZOMBIE || c->group_live)
				continue;
			*status_r = c->exit_status;
			*rpid_r = c->tgid;
			if (!(options & WNOWAIT))
				task_free(c);
			return 0;
		}
		if (!have)
			return -ECHILD;
		if (options & WNOHANG) {
			*rpid_r = 0;
			return 0;
		}
		reap_threads();
		if (sleep_on(current->leader, 0) == -EINTR)
			return -ERESTARTSYS;
	}
}

static int fault_signal(const struct trap_frame *f)
{
	switch (f->vector) {
	case VEC_DE:
	case VEC_MF:
	case VEC_XM:
		return SIGFPE;
	case VEC_UD:
		return SIGILL;
	case VEC_DB:
	case VEC_BP:
		return SIGTRAP;
	case 17: /* #AC */
		return SIGBUS;
	default:
		return SIGSEGV;
	}
}

/* Faults from ring 3: demand paging, else a signal (forced: a blocked or
 * ignored fault signal kills, as on Linux). */
static int user_fault(struct trap_frame *f)
{
	struct task *t = current;
	int sig, rc_pf = 0;

	if (!t->mm)
		return -1;
	if (f->vector == VEC_PF) {
		int rc = mm_fault(t->mm, read_cr2(), f->error & PF_WRITE);

		rc_pf = rc;
		if (rc == 0)
			return 0;
		if (rc == -ENOMEM) { /* like Linux's OOM killer: SIGKILL */
			printk("xenpod-kernel: pid %d (%s): out of memory, "
			       "killed\n",
			       t->pid, t->comm);
			signal_send(t, SIGKILL, 0);
			return 0;
		}
	}
	sig = fault_signal(f);
	if (f->vector == VEC_PF &&
	    rc_pf == -ENXIO) /* past a mapped file's end */
		sig = SIGBUS;
	if (sig != SIGTRAP && t->sighand->act[sig - 1].handler == SIG_DFL)
		printk("xenpod-kernel: pid %d (%s): %s at rip %#lx addr %#lx "
		       "(vector %lu, error %#lx)\n",
		       t->pid, t->comm, sig == SIGSEGV ? "segfault" : "fault",
		       f->rip, f->vector == VEC_PF ? read_cr2() : 0, f->vector,
		       f->error);
	if ((t->sig_blocked & SIGBIT(sig)) ||
	    t->sighand->act[sig - 1].handler == SIG_IGN) {
		t->sig_blocked &= ~SIGBIT(sig);
		t->sighand->act[sig - 1].handler = SIG_DFL;
	}
	signal_send(t, sig, t->pid);
	return 0;
}
