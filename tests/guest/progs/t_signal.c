/* SPDX-License-Identifier: MIT */
/* t_signal: handlers, masks, pending signals, alarm, sigsuspend, SA_RESTART, fault handlers. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int *volatile bad_ptr = (int *)16;

#define CHECK(c) printf("%-50s %s\n", #c, (c) ? "ok" : strerror(errno))

static volatile sig_atomic_t got, info_ok;
static sigjmp_buf jb;

static void on_sig(int s)
{
	got = s;
}

static void on_info(int s, siginfo_t *si, void *uc)
{
	got = s;
	info_ok = si->si_signo == s;
}

static void on_segv(int s)
{
	siglongjmp(jb, 1);
}

/* sigtimedwait and sigwaitinfo; blocked default-ignored signals are kept for them (and for
 * signalfd), as Linux keeps them. */
static void waits(void)
{
	struct timespec zero = { 0, 0 }, short_ = { 0, 100000000 },
			bad = { 0, 1000000000 }, longer = { 2, 0 };
	struct sigaction sa = { .sa_handler = on_sig };
	sigset_t set, old;
	siginfo_t si;
	pid_t pid;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(sigtimedwait(&set, &si, &zero) == SIGUSR1 &&
	      si.si_signo == SIGUSR1 && si.si_code == SI_USER &&
	      si.si_pid == getpid());
	errno = 0;
	CHECK(sigtimedwait(&set, &si, &zero) == -1 && errno == EAGAIN);
	errno = 0;
	CHECK(sigtimedwait(&set, &si, &short_) == -1 && errno == EAGAIN);
	errno = 0;
	CHECK(sigtimedwait(&set, &si, &bad) == -1 && errno == EINVAL);
	/* SIGCHLD at its default action (ignore), blocked: kept, and taken. */
	signal(SIGCHLD, SIG_DFL);
	pid = fork();
	if (pid == 0)
		_exit(3);
	CHECK(sigtimedwait(&set, &si, &longer) == SIGCHLD);
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3);
	CHECK(kill(getpid(), SIGUSR1) == 0 &&
	      sigwaitinfo(&set, &si) == SIGUSR1);
	/* Another signal, with a handler, ends the wait with EINTR (musl's
	 * sigtimedwait waits again, and then times out). */
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	errno = 0;
	CHECK(sigtimedwait(&set, &si, &longer) == -1 && errno == EINTR &&
	      got == SIGALRM);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
	struct sigaction sa;
	sigset_t set, old;
	int fds[2];
	double d = 1.5;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0 && got == SIGUSR1);
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	got = 0;
	CHECK(kill(getpid(), SIGUSR2) == 0 && got == SIGUSR2 && info_ok);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
	got = 0;
	raise(SIGUSR1);
	CHECK(got == 0);
	CHECK(sigpending(&set) == 0 && sigismember(&set, SIGUSR1));
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0 && got == SIGUSR1);
	got = 0;
	sa.sa_handler = on_sig;
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	pause();
	CHECK(got == SIGALRM);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, &old);
	got = 0;
	alarm(1);
	sigemptyset(&set);
	sigsuspend(&set);
	CHECK(got == SIGALRM);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* A signal interrupting a blocked read: EINTR without SA_RESTART. */
	pipe(fds);
	got = 0;
	alarm(1);
	CHECK(read(fds[0], &d, 1) == -1 && errno == EINTR && got == SIGALRM);
	/* With SA_RESTART the read resumes and gets the child's byte. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	if (fork() == 0) {
		usleep(1500000);
		write(fds[1], "z", 1);
		_exit(0);
	}
	alarm(1);
	{
		char c = 0;

		CHECK(read(fds[0], &c, 1) == 1 && c == 'z' && got == SIGALRM);
	}
	wait(NULL);
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(jb, 1) == 0) {
		*bad_ptr = 1;
		printf("no fault?\n");
	}
	CHECK(1); /* survived the fault through the handler */
	d = d * 3.0; /* FPU state intact across signals */
	CHECK(d == 4.5);
	waits();
	signal(SIGTERM, SIG_IGN);
	CHECK(raise(SIGTERM) == 0);
	signal(SIGTERM, SIG_DFL);
	fflush(stdout);
	raise(SIGTERM);
	printf("not reached\n");
	return 0;
}
