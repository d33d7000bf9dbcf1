/* SPDX-License-Identifier: MIT */
/* signal.c: POSIX signals: sending, default actions, handler frames (Linux layout), rt_sigreturn. */
#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define SYSCALL_FRAME 256
#define SYSCALL_FRAME_DONE 257
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
/* RFLAGS bits user code may set: CF PF AF ZF SF TF DF OF AC ID RF. */
#define RFLAGS_USER 0x254dd5ull

/* The kernel's x86-64 signal frame, as Linux builds it. */
struct sigcontext_k {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate;
	uint64_t reserved1[8];
};

struct ucontext_k {
	uint64_t uc_flags;
	uint64_t uc_link;
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
	struct sigcontext_k mc;
	uint64_t sigmask;
};

struct siginfo_k {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status;
		} kill;
		uint64_t addr;
		uint8_t raw[112];
	} u;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext_k uc;
	struct siginfo_k info;
};

_Static_assert(sizeof(struct sigcontext_k) == 256, "sigcontext layout");
_Static_assert(sizeof(struct siginfo_k) == 128, "siginfo layout");

static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT || sig == SIGSTOP || sig == SIGTSTP ||
	       sig == SIGTTIN || sig == SIGTTOU;
}

bool signal_pending(struct task *t)
{
	return (t->sig_pending & ~(t->sig_blocked & ~UNBLOCKABLE)) != 0;
}

int signal_send(struct task *t, int sig, int from_pid)
{
	uint64_t h;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (sig == 0 || t->state == TASK_ZOMBIE || !t->mm)
		return 0;
	h = t->sighand->act[sig - 1].handler;
	/* A blocked signal is never ignored, as on Linux: its action may
	 * change before it is unblocked, and sigtimedwait or a signalfd
	 * may take it (a SIGCHLD that an init waits for, say). */
	if (sig != SIGKILL &&
	    !((t->sig_blocked | t->sig_waiting) & SIGBIT(sig)) &&
	    (h == SIG_IGN || (h == SIG_DFL && default_ignored(sig))))
		return 0;
	t->sig_pending |= SIGBIT(sig);
	t->sig_from_pid[sig - 1] = from_pid;
	poll_wake(); /* signalfd readers and pollers */
	if (t->state == TASK_BLOCKED && !t->uninterruptible &&
	    (!(t->sig_blocked & SIGBIT(sig)) || sig == SIGKILL ||
	     (t->sig_waiting & SIGBIT(sig))))
		t->state = TASK_RUNNABLE;
	return 0;
}

long signal_timedwait(uint64_t set, uint64_t deadline, uint64_t uinfo)
{
	struct task *t = current;
	struct siginfo_k si;
	int sig, rc;

	set &= ~UNBLOCKABLE;
	for (;;) {
		uint64_t ready = t->sig_pending & set;

		if (ready) {
			sig = __builtin_ctzll(ready) + 1;
			t->sig_pending &= ~SIGBIT(sig);
			memset(&si, 0, sizeof(si));
			si.si_signo =
				sig; /* si_code SI_USER, as handlers get */
			si.u.kill.pid = t->sig_from_pid[sig - 1];
			if (uinfo &&
			    copy_to_user((void *)uinfo, &si, sizeof(si)))
				return -EFAULT;
			return sig;
		}
		if (signal_pending(t))
			return -EINTR;
		t->sig_waiting = set;
		rc = sleep_on(&t->sig_pending, deadline);
		t->sig_waiting = 0;
		if (rc == -ETIMEDOUT && !(t->sig_pending & set))
			return -EAGAIN;
	}
}

static void restart_syscall(struct trap_frame *f, bool handler,
			    uint64_t sa_flags)
{
	if (f->vector != SYSCALL_FRAME)
		return;
	f->vector = SYSCALL_FRAME_DONE;
	if ((int64_t)f->rax != -ERESTARTSYS)
		return;
	if (handler && !(sa_flags & SA_RESTART)) {
		f->rax = (uint64_t)-EINTR;
		return;
	}
	f->rax = f->error; /* the syscall number */
	f->rip -= 2; /* re-execute SYSCALL */
}

static void fill_sigcontext(struct sigcontext_k *mc, const struct trap_frame *f)
{
	mc->r8 = f->r8;
	mc->r9 = f->r9;
	mc->r10 = f->r10;
	mc->r11 = f->r11;
	mc->r12 = f->r12;
	mc->r13 = f->r13;
	mc->r14 = f->r14;
	mc->r15 = f->r15;
	mc->rdi = f->rdi;
	mc->rsi = f->rsi;
	mc->rbp = f->rbp;
	mc->rbx = f->rbx;
	mc->rdx = f->rdx;
	mc->rax = f->rax;
	mc->rcx = f->rcx;
	mc->rsp = f->rsp;
	mc->rip = f->rip;
	mc->eflags = f->rflags;
	mc->cs = (uint16_t)f->cs;
	mc->ss = (uint16_t)f->ss;
	mc->err = f->vector < 32 ? f->error : 0;
	mc->trapno = f->vector < 32 ? f->vector : 0;
}

static uint64_t signal_stack(struct task *t, struct trap_frame *f,
			     const struct k_sigaction *sa)
{
	uint64_t sp = f->rsp;

	if ((sa->flags & SA_ONSTACK) && t->altstack_size &&
	    !(sp > t->altstack_sp && sp <= t->altstack_sp + t->altstack_size))
		sp = t->altstack_sp + t->altstack_size;
	else
		sp -= 128; /* red zone */
	return sp;
}

/* Builds the handler frame on the user stack; false if it cannot. */
static bool setup_frame(struct task *t, struct trap_frame *f, int sig,
			const struct k_sigaction *sa, uint64_t oldmask)
{
	struct rt_sigframe fr;
	uint64_t sp = signal_stack(t, f, sa), fpu, frame;

	if (!(sa->flags & SA_RESTORER))
		return false;
	fpu = (sp - 512) & ~63ull;
	frame = ((fpu - sizeof(fr)) & ~15ull) - 8;
	memset(&fr, 0, sizeof(fr));
	fr.pretcode = sa->restorer;
	fr.uc.ss_sp = t->altstack_sp;
	fr.uc.ss_size = t->altstack_size;
	fill_sigcontext(&fr.uc.mc, f);
	fr.uc.mc.fpstate = fpu;
	fr.uc.mc.oldmask = oldmask;
	fr.uc.sigmask = oldmask;
	fr.info.si_signo = sig;
	fr.info.u.kill.pid = t->sig_from_pid[sig - 1];
	if (f->vector == VEC_PF)
		fr.info.u.addr = read_cr2();
	__asm__ volatile("fxsave64 %0" : "=m"(t->fpu));
	if (copy_to_user((void *)fpu, t->fpu, 512) ||
	    copy_to_user((void *)frame, &fr, sizeof(fr)))
		return false;
	f->rsp = frame;
	f->rip = sa->handler;
	f->rdi = (uint64_t)sig;
	f->rsi = frame + __builtin_offsetof(struct rt_sigframe, info);
	f->rdx = frame + __builtin_offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rflags &= ~(0x100ull | 0x400ull); /* TF, DF */
	return true;
}

static void kill_current(int sig) __attribute__((noreturn));
static void kill_current(int sig)
{
	if (current->group_killed) /* another thread ends the process */
		task_exit(sig & 0x7f);
	task_exit_group(sig & 0x7f); /* a fatal signal ends every thread */
}

/* Handles the lowest deliverable signal. */
static void deliver_one(struct task *t, struct trap_frame *f)
{
	uint64_t ready = t->sig_pending & ~(t->sig_blocked & ~UNBLOCKABLE);
	int sig = __builtin_ctzll(ready) + 1;
	struct k_sigaction sa = t->sighand->act[sig - 1];
	uint64_t oldmask = t->sig_restore_mask ? t->sig_saved_mask :
						 t->sig_blocked;

	t->sig_pending &= ~SIGBIT(sig);
	if (sig == SIGKILL || sa.handler == SIG_DFL) {
		if (sig != SIGKILL && default_ignored(sig)) {
			restart_syscall(f, false, 0);
			return;
		}
		kill_current(sig);
	}
	if (sa.handler == SIG_IGN) {
		restart_syscall(f, false, 0);
		return;
	}
	restart_syscall(f, true, sa.flags);
	if (!setup_frame(t, f, sig, &sa, oldmask)) {
		printk("xenpod-kernel: pid %d (%s): cannot deliver signal %d\n",
		       t->pid, t->comm, sig);
		kill_current(SIGSEGV);
	}
	t->sig_restore_mask = false;
	t->sig_blocked = oldmask | sa.mask;
	if (!(sa.flags & SA_NODEFER))
		t->sig_blocked |= SIGBIT(sig);
	t->sig_blocked &= ~UNBLOCKABLE;
	if (sa.flags & SA_RESETHAND)
		t->sighand->act[sig - 1].handler = SIG_DFL;
}

void user_return(struct trap_frame *f)
{
	struct task *t = current;

	for (;;) {
		if (need_resched)
			schedule();
		if (!t->mm || !signal_pending(t))
			break;
		deliver_one(t, f);
	}
	restart_syscall(f, false, 0);
	if (t->sig_restore_mask) {
		t->sig_blocked = t->sig_saved_mask;
		t->sig_restore_mask = false;
	}
}

static void restore_regs(struct trap_frame *f, const struct sigcontext_k *mc)
{
	f->r8 = mc->r8;
	f->r9 = mc->r9;
	f->r10 = mc->r10;
	f->r11 = mc->r11;
	f->r12 = mc->r12;
	f->r13 = mc->r13;
	f->r14 = mc->r14;
	f->r15 = mc->r15;
	f->rdi = mc->rdi;
	f->rsi = mc->rsi;
	f->rbp = mc->rbp;
	f->rbx = mc->rbx;
	f->rdx = mc->rdx;
	f->rax = mc->rax;
	f->rcx = mc->rcx;
	f->rsp = mc->rsp;
	f->rip = mc->rip;
	f->rflags = (mc->eflags & RFLAGS_USER) | RFLAGS_IF | 0x2;
}

long sys_rt_sigreturn_frame(struct trap_frame *f)
{
	struct task *t = current;
	struct ucontext_k uc;
	uint8_t fpu[512] __attribute__((aligned(16)));

	if (copy_from_user(&uc, (void *)f->rsp, sizeof(uc)))
		kill_current(SIGSEGV);
	if (uc.mc.fpstate) {
		uint32_t mxcsr;

		if (copy_from_user(fpu, (void *)uc.mc.fpstate, sizeof(fpu)))
			kill_current(SIGSEGV);
		memcpy(&mxcsr, fpu + 24, 4);
		mxcsr &= 0xffbf; /* reserved bits would #GP in fxrstor */
		memcpy(fpu + 24, &mxcsr, 4);
		__asm__ volatile("fxrstor64 %0" ::"m"(fpu));
	}
	restore_regs(f, &uc.mc);
	t->sig_blocked = uc.sigmask & ~UNBLOCKABLE;
	f->vector = SYSCALL_FRAME_DONE; /* never restart sigreturn */
	return (long)f->rax;
}

void signal_exec_reset(struct task *t)
{
	for (int i = 0; i < NSIG; i++)
		if (t->sighand->act[i].handler != SIG_IGN)
			memset(&t->sighand->act[i], 0,
			       sizeof(t->sighand->act[i]));
	t->altstack_sp = 0;
	t->altstack_size = 0;
}
