/* SPDX-License-Identifier: MIT */
/* syscall.c: system call dispatch; unimplemented calls get -ENOSYS, reported once by name. */
#include "arch/cpu.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"

static sys_fn table[SYSCALL_MAX];
static bool trace; /* xenpod.strace=1: print every call (debugging) */
static uint8_t reported[(SYSCALL_MAX + 7) / 8];

void syscall_init(void)
{
	size_t len;

	sys_fs_register(table);
	sys_dir_register(table);
	sys_proc_register(table);
	sys_cred_register(table);
	sys_mem_register(table);
	sys_misc_register(table);
	sys_epoll_register(table);
	sys_event_register(table);
	sys_lock_register(table);
	sys_net_register(table);
	sys_sched_register(table);
	sys_xattr_register(table);
	trace = boot_param("xenpod.strace", &len) != NULL;
}

int syscall_implemented(unsigned nr)
{
	return nr < SYSCALL_MAX && table[nr] != NULL;
}

static long enosys(uint64_t nr)
{
	const char *name = nr < SYSCALL_MAX ? syscall_names[nr] : NULL;

	if (nr < SYSCALL_MAX) {
		if (reported[nr / 8] & (1u << (nr % 8)))
			return -ENOSYS;
		reported[nr / 8] |= (uint8_t)(1u << (nr % 8));
	}
	printk("xenpod-kernel: pid %d (%s): unimplemented syscall %s (%lu), "
	       "returning ENOSYS\n",
	       current->pid, current->comm, name ? name : "?",
	       (unsigned long)nr);
	return -ENOSYS;
}

void syscall_dispatch(struct trap_frame *f)
{
	uint64_t nr = f->rax;
	struct sysargs a = { { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 },
			     f };

	bkl_lock();
	sched_account();
	if (nr < SYSCALL_MAX && table[nr])
		f->rax = (uint64_t)table[nr](&a);
	else
		f->rax = (uint64_t)enosys(nr);
	/* The call may have made tasks runnable (wake-ups, signals). */
	sched_rearm();
	if (trace)
		printk("[%d] %s(%#lx, %#lx, %#lx) = %ld\n", current->pid,
		       nr < SYSCALL_MAX && syscall_names[nr] ?
			       syscall_names[nr] :
			       "?",
		       a.arg[0], a.arg[1], a.arg[2], (long)f->rax);
	user_return(f);
	irq_disable();
	bkl_unlock();
}
