/* SPDX-License-Identifier: MIT */
/* t_proc: fork, vfork, execve, wait4 and waitid statuses, pipes between processes, process ids. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int *volatile bad_ptr = (int *)16;

#define CHECK(c) printf("%-50s %s\n", #c, (c) ? "ok" : strerror(errno))

static int run_child(int code)
{
	pid_t p = fork();
	int st;

	if (p == 0)
		_exit(code);
	if (waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	int fds[2], st;
	char buf[64];
	pid_t p;

	if (argc > 1 && !strcmp(argv[1], "child")) {
		printf("exec'd child says %s\n", argv[2]);
		return 7;
	}
	fflush(stdout);
	CHECK(getpid() > 0 && getppid() >= 0);
	CHECK(run_child(0) == 0);
	CHECK(run_child(3) == 3);
	CHECK(run_child(255) == 255);
	p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	CHECK(kill(p, SIGTERM) == 0);
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) &&
	      WTERMSIG(st) == SIGTERM);
	p = fork();
	if (p == 0) {
		*bad_ptr = 1;
		_exit(0);
	}
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) &&
	      WTERMSIG(st) == SIGSEGV);
	CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD);
	CHECK(pipe(fds) == 0);
	p = fork();
	if (p == 0) {
		close(fds[0]);
		for (int i = 0; i < 1000; i++)
			if (write(fds[1], "0123456789", 10) != 10)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	{
		long total = 0;
		ssize_t n;

		while ((n = read(fds[0], buf, sizeof(buf))) > 0)
			total += n;
		CHECK(total == 10000);
	}
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fds[0]);
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK(write(fds[1], "x", 1) == -1 && errno == EPIPE);
	close(fds[1]);
	p = vfork();
	if (p == 0)
		_exit(9);
	CHECK(waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 9);
	fflush(stdout);
	p = fork();
	if (p == 0) {
		char *av[] = { argv[0], "child", "hi", NULL };

		execv("/proc/self/exe", av);
		_exit(99);
	}
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	p = fork();
	if (p == 0) {
		char *av[] = { "nonexistent", NULL };

		execv("/nonexistent", av);
		_exit(errno == ENOENT ? 5 : 6);
	}
	CHECK(waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 5);
	for (int i = 0; i < 20; i++)
		if (run_child(i) != i)
			printf("child %d wrong\n", i);
	/* A child spinning in user mode is preempted: the parent wakes up
	 * from its sleep and kills it. */
	p = fork();
	if (p == 0)
		for (;;)
			;
	usleep(100000);
	CHECK(kill(p, SIGKILL) == 0);
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) &&
	      WTERMSIG(st) == SIGKILL);
	/* waitid: WNOWAIT leaves the child waitable; statuses as siginfo. */
	{
		siginfo_t si;

		p = fork();
		if (p == 0)
			_exit(9);
		memset(&si, 0, sizeof(si));
		CHECK(waitid(P_PID, p, &si, WEXITED | WNOWAIT) == 0 &&
		      si.si_pid == p && si.si_code == CLD_EXITED &&
		      si.si_status == 9 && si.si_signo == SIGCHLD);
		CHECK(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == p);
		CHECK(waitid(P_PID, p, &si, WEXITED) == -1 && errno == ECHILD);
		p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		memset(&si, 0, sizeof(si));
		CHECK(waitid(P_PID, p, &si, WEXITED | WNOHANG) == 0 &&
		      si.si_pid == 0);
		kill(p, SIGKILL);
		CHECK(waitid(P_PGID, 0, &si, WEXITED) == 0 &&
		      si.si_code == CLD_KILLED && si.si_status == SIGKILL);
		CHECK(waitid(P_PID, 0, &si, WEXITED) == -1 && errno == EINVAL);
		CHECK(waitid(P_ALL, 0, &si, WNOHANG) == -1 && errno == EINVAL);
		CHECK(waitid(9, 0, &si, WEXITED) == -1 && errno == EINVAL);
	}
	CHECK(setpgid(0, 0) == 0 && getpgrp() == getpid());
	return 0;
}
