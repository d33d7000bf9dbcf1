/* SPDX-License-Identifier: MIT */
/* proc.h: processes, address spaces, the scheduler and signals of the user layer. */
#ifndef GUEST_KERNEL_PROC_H
#define GUEST_KERNEL_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "arch/trap.h"
#include "kernel/list.h"
#include "lib/passwd.h"

struct file;
struct files;
struct inode;

/* Memory protections (Linux PROT_*) of a region. */
#define VM_READ 1
#define VM_WRITE 2
#define VM_EXEC 4

struct vma {
	uint64_t start, end; /* page-aligned, [start, end) */
	uint32_t prot; /* VM_* */
	struct list_node node; /* in mm->vmas, sorted by start */
	/* A MAP_SHARED mapping of a ramfs file: its pages are the file's own
	 * pages (coherent with read and write), from page pgoff of the file
	 * at start. The region holds an open reference on ino. NULL: private
	 * memory (anonymous, or a copy of a file). */
	struct inode *ino;
	uint64_t pgoff;
};

struct mm {
	int users; /* tasks sharing it (threads) */
	pt_t pt;
	struct list_node vmas;
	uint64_t brk_start, brk; /* heap: [brk_start, brk) */
	uint64_t stack_lo; /* lowest address the stack may grow to */
	uint64_t mmap_top; /* mmap searches downwards from here */
};

#define USER_STACK_TOP 0x00007ffffffff000ull
#define USER_STACK_MAX (8ull << 20)
#define USER_MMAP_TOP (USER_STACK_TOP - USER_STACK_MAX - 0x10000000ull)
#define USER_PIE_BASE 0x0000555555554000ull

/* Bulk copies for pages and user data: "rep movsq/stosq" moves 8 bytes
 * per step (lib/string.c copies bytes), then the tail byte-wise. */
static inline void mem_copy_fast(void *dst, const void *src, size_t n)
{
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq\n\tmov %3, %%rcx\n\trep movsb"
			 : "+D"(dst), "+S"(src), "+c"(q)
			 : "r"(r)
			 : "memory");
}

static inline void mem_zero_fast(void *dst, size_t n)
{
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep stosq\n\tmov %2, %%rcx\n\trep stosb"
			 : "+D"(dst), "+c"(q)
			 : "r"(r), "a"(0)
			 : "memory");
}

/* Address spaces (vm.c). All return 0 or -errno. */
struct mm *mm_new(void);
void mm_destroy(struct mm *mm);
/* Drops a task's reference; destroys the space with the last. */
void mm_put(struct mm *mm);
/* A full copy of src (every present page copied). */
struct mm *mm_fork(struct mm *src);
/* Adds [start, end) with prot; pages appear on first touch (zeroed). */
int mm_map(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot);
/* Adds [start, end) as a shared mapping of ramfs file ino from page pgoff:
 * faults map the file's own pages, past its end they fail with -ENXIO
 * (SIGBUS). The region takes an open reference on ino. */
int mm_map_file(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
		struct inode *ino, uint64_t pgoff);
int mm_unmap(struct mm *mm, uint64_t start, uint64_t end);
int mm_protect(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot);
/* Finds a free range of len bytes below mm->mmap_top; 0 if none. */
uint64_t mm_find_free(struct mm *mm, uint64_t len);
struct vma *mm_find(struct mm *mm, uint64_t addr);
/* Makes addr's page present (and writable if write); -EFAULT if addr is
 * not in a region allowing that access, -ENXIO past the end of a shared
 * file mapping's file. */
int mm_fault(struct mm *mm, uint64_t addr, bool write);
/* Drops one mapping of a user frame (frames are shared copy-on-write
 * after fork, marked PTE_SW0); frees it with the last. */
void user_page_put(uint64_t pa);
/* Maps frame pa (owned by someone else, e.g. the exec page cache) at va
 * inside a region, shared copy-on-write. -EEXIST if va is mapped. */
int mm_map_shared(struct mm *mm, uint64_t va, uint64_t pa);
/* Copies into the address space regardless of protection (loader). */
int mm_poke(struct mm *mm, uint64_t va, const void *src, size_t n);

/* User memory access for the current task: 0 or -EFAULT. */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
int clear_user(void *udst, size_t n);
/* Copies a NUL-terminated string; returns its length, -EFAULT, or
 * -ENAMETOOLONG if no NUL within cap - 1 bytes. */
long strncpy_from_user(char *dst, const char *usrc, size_t cap);
/* Validates and faults in a user range for direct access. */
int user_range_ok(const void *uptr, size_t n, bool write);

#define NSIG 64

/* Linux's struct sigaction as the rt_sigaction syscall sees it. */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

#define SIG_DFL 0
#define SIG_IGN 1
#define SA_SIGINFO 0x4
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXFSZ 25
#define SIGWINCH 28

#define SIGBIT(s) (1ull << ((s)-1))

enum task_state { TASK_RUNNABLE, TASK_BLOCKED, TASK_ZOMBIE };

/* Supplementary groups a process may have (Linux allows 65536; images
 * put a user in a handful). setgroups refuses more with EINVAL. */
#define CRED_GROUPS_MAX USER_GROUPS_MAX

/*
 * A process's credentials, as Linux's: real, effective and saved ids,
 * the file-system ids the access checks use (the effective ones, unless
 * setfsuid or access(2) says otherwise) and the supplementary groups,
 * sorted. Copied by fork, kept by exec. "root" is euid 0 for the set*id
 * calls and kill, fsuid 0 for files (sys_cred.c, vfs.c).
 */
struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint32_t ngroups;
	uint32_t groups[CRED_GROUPS_MAX];
};

/* Resource limits, Linux's numbering (getrlimit(2)). */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ull)

/* One limit as prlimit64(2) sees it: soft (cur) and hard (max). */
struct rlimit64 {
	uint64_t cur, max;
};

/* Signal handlers. */
struct sighand {
	int refs;
	struct k_sigaction act[NSIG];
};

struct task {
	int pid, pgid, sid;
	enum task_state state;
	struct task *parent;
	struct list_node node; /* in task_list */
	uint64_t ksp; /* saved kernel %rsp while switched out */
	uint64_t kstack_top;
	struct trap_frame *uframe; /* user registers, top of the kernel stack */
	struct mm *mm; /* NULL for the init kernel task */
	struct files *files; /* shared by CLONE_FILES threads */
	struct sighand *sighand; /* shared by CLONE_SIGHAND threads */
	/* thread group: the process is its leader's; pid is the thread id */
	int tgid;
	struct task *leader;
	int group_live; /* leader only: threads not yet exited */
	bool group_exiting; /* leader only: exit_group or fatal signal */
	int group_exit_status; /* leader only, with group_exiting */
	bool autoreap; /* a thread: freed after exit, never waited */
	bool group_killed; /* SIGKILLed by exit_group or exec: just exit */
	struct inode *cwd;
	uint32_t umask;
	struct cred cred;
	/* Resource limits: the thread group leader's are the process's
	 * (rlimit_cur); copied by fork, kept by exec. */
	struct rlimit64 rlim[RLIM_NLIMITS];
	int nice; /* -20..19: scales the time slice (task_slice_ns) */
	uint8_t policy; /* SCHED_OTHER, SCHED_BATCH or SCHED_IDLE: one class */
	uint32_t personality; /* PER_LINUX and its flags (sys_sched.c) */
	bool uaccess_kernel; /* copy_*_user take kernel pointers (sendfile) */
	uint64_t fs_base, gs_base;
	uint64_t clear_child_tid;
	/* signals */
	uint64_t sig_pending, sig_blocked, sig_saved_mask;
	uint64_t sig_waiting; /* rt_sigtimedwait's set: these wake it, blocked */
	bool sig_restore_mask; /* sigsuspend/ppoll: restore after delivery */

	uint64_t altstack_sp, altstack_size;
	int sig_from_pid[NSIG];
	/* blocking */
	const void *wait_chan;
	uint64_t wake_at; /* ns, 0 = none */
	bool timed_out;
	bool uninterruptible; /* signals do not end this sleep */
	/* exit */
	int exit_status; /* wait(2) status word */
	struct task *vfork_parent; /* blocked until this task execs/exits */
	uint64_t alarm_at, alarm_interval; /* ITIMER_REAL, ns */
	uint64_t utime_ns, start_ns;
	char comm[16];
	char *exe_path; /* kmalloc'd */
	int on_cpu; /* the CPU it is current on, or -1 */
	uint64_t cpus_allowed; /* sched_setaffinity's mask of CPUs */
	uint8_t fpu[512] __attribute__((aligned(16)));
};

/* The task this CPU runs (%gs:PERCPU_CURRENT). A task is the same task
 * on whatever CPU it resumes, so the value may be kept across a switch. */
static inline struct task *get_current(void)
{
	struct task *t;

	__asm__("movq %%gs:16, %0" : "=r"(t));
	return t;
}
#define current get_current()
/* Every task, init's kernel task first, in creation order. */
extern struct list_node task_list;
#define for_each_task(t) list_for_each(t, &task_list, node)

/* Scheduler (task.c). */
void sched_init(void);
void schedule(void);
/*
 * Sleeps on chan until wake_up(chan), a signal (returns -ERESTARTSYS /
 * -EINTR semantics: returns -EINTR when a signal is pending) or the
 * absolute deadline (ns; 0 = none; returns -ETIMEDOUT). Returns 0 when
 * woken. Interrupts must be off.
 */
int sleep_on(const void *chan, uint64_t deadline_ns);
void wake_up(const void *chan);
/* Futexes: tasks of mm sleeping (sleep_on) on a user address. Wake
 * up to n; requeue moves up to nmove more to uaddr2. Return the count. */
int futex_wake(struct mm *mm, uint64_t uaddr, int n);
int futex_requeue(struct mm *mm, uint64_t uaddr, int nwake, uint64_t uaddr2,
		  int nmove);
void sighand_put(struct sighand *sh);
/* Re-arms the one-shot timer for the earliest sleeper or alarm, and the
 * time slice while two or more tasks are runnable (tickless). */
void sched_rearm(void);
/* Charges the CPU time used since the last switch to current (for
 * CPU-time clocks; called at system call entry). */
void sched_account(void);
/* The time slice t runs for before another runnable task's turn: 10 ms
 * at nice 0, scaled by Linux's CFS weight of t's nice value. */
uint64_t task_slice_ns(const struct task *t);
/* Kernel timers: fn runs in interrupt context (interrupts off) once the
 * monotonic clock reaches at; it may re-arm its timer. */
struct ktimer {
	struct list_node node; /* in the armed list, sorted by at */
	uint64_t at; /* ns, monotonic */
	void (*fn)(struct ktimer *t);
};
void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t));
/* Arms (or re-arms) t for at_ns; 0 disarms it. */
void ktimer_arm(struct ktimer *t, uint64_t at_ns);
bool ktimer_armed(const struct ktimer *t);
/* The wall clock was set: timerfds on it move (sys_event.c). */
void timerfd_clock_was_set(void);
/* Sleeps until wake_up(chan) only (signals stay pending). */
void sleep_uninterruptible(const void *chan);
/* The same with an absolute deadline (ns): 0 when woken, -ETIMEDOUT.
 * Interrupts must be off. */
int sleep_uninterruptible_until(const void *chan, uint64_t deadline_ns);
struct task *task_find(int pid);
struct task *task_first(void);
/* The first user process from an executable (init, exec sessions),
 * running with cred (which the exec permission check already uses) and
 * the limits rlim (RLIM_NLIMITS of them; NULL: rlimit_spawn). */
int task_spawn(const char *path, char *const argv[], char *const envp[],
	       struct inode *cwd, const struct cred *cred,
	       const struct rlimit64 *rlim, struct task **task_r,
	       const char **err_r);
/* Ends the calling thread (SYS_exit); the process ends with its last
 * thread. status is a wait(2) status word. */
void task_exit(int status) __attribute__((noreturn));
/* Ends every thread of the process (exit_group, fatal signals). */
void task_exit_group(int status) __attribute__((noreturn));
/* Before exec: kills the process's other threads, unshares fds and
 * handlers. */
int task_exec_prepare(struct task *t);
/* Waits for a child of the current task (pid -1 = any). */
long task_wait(int pid, int *status_r, int options, int *rpid_r);
long task_fork(struct trap_frame *f, uint64_t flags, uint64_t newsp,
	       uint64_t ptid, uint64_t ctid, uint64_t tls);
/* Releases the vfork parent if any (exec and exit). */
void task_vfork_release(struct task *t);

/* Resource limits (sys_proc.c). */
/* The limits new user processes start with (task_spawn copies them):
 * rlimit_defaults', then the pod spec's (init sets them). */
extern struct rlimit64 rlimit_spawn[RLIM_NLIMITS];
/* Linux's defaults for a process, bounded by what this kernel has
 * (RLIMIT_NOFILE: FD_MAX descriptors). */
void rlimit_defaults(struct rlimit64 *r);
/* The current process's soft limit res. */
static inline uint64_t rlimit_cur(unsigned res)
{
	return current->leader->rlim[res].cur;
}
/* Sets limit res of process t's group as setrlimit(2) would, checked
 * against cred (EINVAL: soft above hard; EPERM: raising the hard limit
 * without euid 0, RLIMIT_NOFILE above FD_MAX). 0 or -errno. */
int rlimit_set(struct task *t, unsigned res, const struct rlimit64 *n,
	       const struct cred *cred);

/* Signals (signal.c). */
int signal_send(struct task *t, int sig, int from_pid);
/* Before returning to user mode: delivers pending signals, reschedules. */
void user_return(struct trap_frame *f);
bool signal_pending(struct task *t);
/*
 * rt_sigtimedwait: takes the lowest pending signal of set (a blocked one too), waiting for
 * one until deadline (ns, monotonic; 0: no limit), its siginfo to uinfo if not 0. The
 * signal's number, -EAGAIN at the deadline, -EINTR for another signal, -EFAULT.
 */
long signal_timedwait(uint64_t set, uint64_t deadline, uint64_t uinfo);
long sys_rt_sigreturn_frame(struct trap_frame *f);
void signal_exec_reset(struct task *t);
/* ppoll, pselect, epoll_pwait: installs the user's signal mask at
 * umask_ptr for the call (restored after delivery or on return). */
int signal_temp_mask(uint64_t umask_ptr);

/* Credentials (sys_cred.c). */
/* root's: every id 0, no supplementary groups. */
extern const struct cred cred_root;
/* Builds a process's credentials from one uid, gid and group list (what
 * init drops to): -EINVAL if more than CRED_GROUPS_MAX groups. */
int cred_make(struct cred *c, uint32_t uid, uint32_t gid,
	      const uint32_t *groups, size_t ngroups);
/* Credentials for docker's USER[:GROUP] plus nmore groups (names or
 * numbers) from the root file system's /etc/passwd and /etc/group
 * (user.c); home (homecap bytes, may be NULL) gets the user's home. 0, or
 * -ENOENT / -EINVAL / -ENOMEM with err set (docker's words where it has
 * them: "unable to find user X: no matching entries in passwd file"). */
int user_cred(const char *user, char *const *more, size_t nmore, struct cred *c,
	      char *home, size_t homecap, char *err, size_t errcap);
/* Is gid the current task's fsgid or one of its supplementary groups? */
bool cred_in_group(uint32_t gid);
/* May the current task signal t (kill(2)'s rule)? */
bool cred_may_signal(const struct task *t, int sig);

/* exec.c */
int exec_load(struct task *t, const char *path, char *const argv[],
	      char *const envp[], bool user_args, const char **err_r);
/* Is exec_load's *err_r about the program's dynamic linker (missing or
 * unusable)? Its words then say more than the errno. */
bool exec_err_is_interp(const char *err);

/* This CPU switches tasks before it returns to user mode. */
#define need_resched (this_cpu()->need_resched)

/* Internal "restart the system call" code, never seen by user space. */
#define ERESTARTSYS 512

#endif
