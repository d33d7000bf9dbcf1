/* SPDX-License-Identifier: MIT */
/* sysfuzz: guest only: random system calls with hostile arguments; the kernel must survive. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 48
#define CALLS 5000

static char buf[65536];

static uint64_t rnd(void)
{
	static uint64_t s = 88172645463325252ull;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static uint64_t arg(void)
{
	static const uint64_t vals[] = {
		0,
		1,
		2,
		3,
		8,
		64,
		4096,
		65536,
		(uint64_t)-1,
		(uint64_t)-100,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		1ull << 47,
		(1ull << 47) - 1,
		0xffffffff80000000ull,
		0xffff888000000000ull,
		0x400000,
		0x1000,
	};

	switch (rnd() % 4) {
	case 0:
		return vals[rnd() % (sizeof(vals) / sizeof(vals[0]))];
	case 1:
		return (uint64_t)(buf + rnd() % sizeof(buf));
	case 2:
		return rnd() % 1024;
	default:
		return rnd();
	}
}

/* Calls that would end or block the fuzzing child on purpose, or hit
 * other processes: left out. */
static int excluded(long nr)
{
	switch (nr) {
	case SYS_exit:
	case SYS_exit_group:
	case SYS_fork:
	case SYS_vfork:
	case SYS_clone:
	case SYS_clone3:
	case SYS_execve:
	case SYS_execveat:
	case SYS_pause:
	case SYS_rt_sigsuspend:
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
	case SYS_wait4:
	case SYS_waitid:
	case SYS_kill:
	case SYS_tkill:
	case SYS_tgkill:
	case SYS_futex:
	case SYS_poll:
	case SYS_ppoll:
	case SYS_select:
	case SYS_pselect6:
	case SYS_read:
	case SYS_readv:
	case SYS_pread64:
	case SYS_sched_yield:
	case SYS_rt_sigreturn:
	case SYS_setsid:
	case SYS_setpgid:
		return 1;
	default:
		return 0;
	}
}

static void fuzz(unsigned seed)
{
	int null = open("/dev/null", O_RDWR);

	/* Keep the console readable: random writes go to /dev/null. */
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	for (unsigned i = 0; i < seed; i++)
		rnd();
	setpgid(0, 0);
	alarm(20);
	for (int i = 0; i < CALLS; i++) {
		long nr = (long)(rnd() % 340);

		if (excluded(nr))
			continue;
		syscall(nr, arg(), arg(), arg(), arg(), arg(), arg());
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned base = argc > 1 ? (unsigned)atoi(argv[1]) : 0;
	int exited = 0, signalled = 0, st;

	for (int c = 0; c < CHILDREN; c++) {
		pid_t p = fork();

		if (p == 0)
			fuzz(base + c * 7919u);
		if (p < 0)
			return 2;
		while (waitpid(p, &st, 0) != p)
			;
		if (WIFEXITED(st))
			exited++;
		else
			signalled++;
	}
	printf("sysfuzz: %d children, %d exited, %d killed by signals; kernel alive\n",
	       CHILDREN, exited, signalled);
	return 0;
}
