/* SPDX-License-Identifier: MIT */
/* t_efault: hostile pointers to system calls get EFAULT, never a kernel fault; ENOSYS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KERNEL_PTR ((long)0xffffffff80100000ull)
#define LOW_PTR 8L
#define NONCANON ((long)0x0000900000000000ull)

static void expect(const char *what, long rc, int err)
{
	printf("%-36s %s\n", what,
	       rc == -1 && errno == err ? "ok" : strerror(errno));
}

#define EFAULT_CHECK(call) expect(#call, (errno = 0, (long)(call)), EFAULT)

/* Guest only (a host sandbox may kill unknown syscalls): 335 is
 * unassigned on x86-64, so ENOSYS, and the kernel reports it once. */
static int enosys(void)
{
	expect("syscall(335) ENOSYS", syscall(335), ENOSYS);
	expect("syscall(335) ENOSYS again", syscall(335), ENOSYS);
	return 0;
}

int main(int argc, char **argv)
{
	char *none =
		mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const char *text = (const char *)main;
	int fds[2];
	pid_t p;

	if (argc > 1 && !strcmp(argv[1], "enosys"))
		return enosys();
	if (pipe(fds))
		return 1;
	write(fds[1], "abcdefgh", 8);
	EFAULT_CHECK(syscall(SYS_write, 1, LOW_PTR, 10));
	EFAULT_CHECK(syscall(SYS_write, 1, KERNEL_PTR, 10));
	EFAULT_CHECK(syscall(SYS_write, 1, NONCANON, 10));
	EFAULT_CHECK(syscall(SYS_read, fds[0], KERNEL_PTR, 4));
	EFAULT_CHECK(syscall(SYS_read, fds[0], none, 4));
	EFAULT_CHECK(syscall(SYS_read, fds[0], text, 4));
	EFAULT_CHECK(syscall(SYS_open, LOW_PTR, O_RDONLY));
	EFAULT_CHECK(syscall(SYS_open, KERNEL_PTR, O_RDONLY));
	EFAULT_CHECK(syscall(SYS_stat, "/", KERNEL_PTR));
	EFAULT_CHECK(syscall(SYS_fstat, 1, none));
	EFAULT_CHECK(syscall(SYS_uname, LOW_PTR));
	EFAULT_CHECK(syscall(SYS_clock_gettime, 1, KERNEL_PTR));
	EFAULT_CHECK(syscall(SYS_gettimeofday, text, 0));
	EFAULT_CHECK(syscall(SYS_pipe, KERNEL_PTR));
	EFAULT_CHECK(syscall(SYS_getrandom, text, 16, 0));
	EFAULT_CHECK(syscall(SYS_rt_sigaction, SIGUSR1, KERNEL_PTR, 0, 8));
	EFAULT_CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, LOW_PTR, 0, 8));
	EFAULT_CHECK(syscall(SYS_poll, KERNEL_PTR, 1, 0));
	EFAULT_CHECK(syscall(SYS_getcwd, KERNEL_PTR, 100));
	EFAULT_CHECK(syscall(SYS_readlink, "/proc/self/exe", text, 100));
	EFAULT_CHECK(syscall(SYS_execve, "/proc/self/exe", KERNEL_PTR, 0));
	EFAULT_CHECK(syscall(SYS_execve, KERNEL_PTR, 0, 0));
	EFAULT_CHECK(syscall(SYS_nanosleep, KERNEL_PTR, 0));
	EFAULT_CHECK(syscall(SYS_writev, 1, KERNEL_PTR, 1));
	fflush(stdout);
	p = fork();
	if (p == 0)
		_exit(3);
	EFAULT_CHECK(syscall(SYS_wait4, p, KERNEL_PTR, 0, 0));
	return 0;
}
