/* SPDX-License-Identifier: MIT */
/* t_rlimit: resource limits: get/set/prlimit rules, inheritance, and NOFILE, FSIZE, NPROC, AS, DATA and STACK enforced. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define F "/tmp/t_rlimit.f"
#define USER 54321 /* a uid no other process has, on either side */
#define MIB (1024L * 1024)

#define CHECK(c) printf("%-62s %s\n", #c, (c) ? "ok" : strerror(errno))
/* A call that must fail: prints the errno it failed with. */
#define FAILS(c)                                                \
	do {                                                    \
		errno = 0;                                      \
		long r_ = (long)(c);                            \
		printf("%-62s %s\n", #c,                        \
		       r_ < 0 ? strerror(errno) : "succeeded"); \
	} while (0)

static int set(int res, rlim_t cur, rlim_t max)
{
	struct rlimit r = { cur, max };

	return setrlimit(res, &r);
}

static void show(const char *name, int res)
{
	struct rlimit r;

	if (getrlimit(res, &r)) {
		printf("%s: %s\n", name, strerror(errno));
		return;
	}
	printf("%s: ", name);
	if (r.rlim_cur == RLIM_INFINITY)
		printf("unlimited");
	else
		printf("%llu", (unsigned long long)r.rlim_cur);
	if (r.rlim_max == RLIM_INFINITY)
		printf(" unlimited\n");
	else
		printf(" %llu\n", (unsigned long long)r.rlim_max);
}

/* How a child ended. */
static void reap(const char *what, pid_t pid)
{
	int st = 0;

	fflush(stdout);
	if (waitpid(pid, &st, 0) != pid)
		printf("%s: waitpid: %s\n", what, strerror(errno));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

static void rules(void)
{
	struct rlimit r = { 0, 0 }, old;

	puts("== rules");
	CHECK(set(RLIMIT_CORE, 4096, 8192) == 0);
	show("core", RLIMIT_CORE);
	FAILS(set(RLIMIT_CORE, 8193, 8192));
	FAILS(getrlimit(16, &r));
	FAILS(getrlimit(-1, &r));
	FAILS(setrlimit(99, &r));
	FAILS(prlimit(0, 16, NULL, &r));
	FAILS(prlimit(999999, RLIMIT_CORE, NULL, &r));
	FAILS(getrlimit(RLIMIT_CORE, (struct rlimit *)8));
	/* prlimit64 returns the old value and sets the new one */
	r = (struct rlimit){ 7, 70 };
	CHECK(prlimit(0, RLIMIT_CORE, &r, &old) == 0);
	printf("old core: %llu %llu\n", (unsigned long long)old.rlim_cur,
	       (unsigned long long)old.rlim_max);
	show("core", RLIMIT_CORE);
	CHECK(prlimit(getpid(), RLIMIT_CORE, NULL, &old) == 0 &&
	      old.rlim_cur == 7);
}

/* A non-root process: hard limits only go down. */
static void unprivileged(void)
{
	puts("== unprivileged");
	{
		CHECK(set(RLIMIT_CORE, 10, 20) == 0);
		CHECK(setgid(USER) == 0 && setuid(USER) == 0);
		FAILS(set(RLIMIT_CORE, 10, 21));
		CHECK(set(RLIMIT_CORE, 20, 20) == 0);
		CHECK(set(RLIMIT_CORE, 5, 15) == 0);
		FAILS(set(RLIMIT_CORE, 5, 16));
		CHECK(set(RLIMIT_CORE, 15, 15) == 0);
		show("core", RLIMIT_CORE);
		/* another user's process: EPERM; init is root's */
		FAILS(prlimit(1, RLIMIT_CORE, NULL, &(struct rlimit){ 0 }));
	}
}

/* Limits are copied by fork, kept by exec, and prlimit reaches a child. */
static void inherit(const char *self)
{
	struct rlimit r = { 111, 222 };
	int p[2];
	pid_t pid;

	puts("== inherit");
	CHECK(set(RLIMIT_CORE, 333, 444) == 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		show("child core", RLIMIT_CORE);
		execl(self, self, "show", (char *)NULL);
		_exit(127);
	}
	reap("exec", pid);
	if (pipe(p))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char c;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		show("prlimit'd child core", RLIMIT_CORE);
		fflush(stdout);
		_exit(0);
	}
	close(p[0]);
	CHECK(prlimit(pid, RLIMIT_CORE, &r, NULL) == 0);
	fflush(stdout);
	if (write(p[1], "x", 1) != 1)
		perror("write");
	close(p[1]);
	reap("prlimit'd child", pid);
	show("parent core", RLIMIT_CORE);
}

static void nofile(void)
{
	int fd, last = -1;

	puts("== nofile");
	CHECK(set(RLIMIT_NOFILE, 16, 32) == 0);
	show("nofile", RLIMIT_NOFILE);
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	printf("last fd %d, then %s\n", last, strerror(errno));
	FAILS(dup(0));
	FAILS(pipe((int[2]){ 0 }));
	FAILS(dup2(0, 16));
	FAILS(dup3(0, 100, 0));
	CHECK(dup2(0, 15) == 15);
	FAILS(fcntl(0, F_DUPFD, 16));
	FAILS(fcntl(0, F_DUPFD_CLOEXEC, 3));
	for (fd = 3; fd <= last; fd++)
		close(fd);
	CHECK(dup2(0, 15) == 15);
	close(15);
	/* a limit below the open descriptors leaves them open */
	CHECK((fd = open("/dev/null", O_RDONLY)) == 3);
	CHECK(set(RLIMIT_NOFILE, 3, 32) == 0);
	CHECK(fcntl(3, F_GETFD) == 0);
	FAILS(open("/dev/null", O_RDONLY));
	CHECK(close(3) == 0);
	/* the soft limit may go back up to the hard one, not past it (a
	 * hard limit raised by root is not compared: the host's root may
	 * lack CAP_SYS_RESOURCE, the guest's has what euid 0 gives) */
	CHECK(set(RLIMIT_NOFILE, 32, 32) == 0);
	FAILS(set(RLIMIT_NOFILE, 33, 32));
}

static volatile sig_atomic_t xfsz;
static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

static void fsize(void)
{
	static char buf[1500];
	pid_t pid;
	int fd;

	puts("== fsize");
	memset(buf, 'x', sizeof(buf));
	signal(SIGXFSZ, on_xfsz);
	unlink(F);
	fd = open(F, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(set(RLIMIT_FSIZE, 1000, RLIM_INFINITY) == 0);
	printf("write 1500: %zd\n", write(fd, buf, 1500));
	printf("signals %d\n", (int)xfsz);
	FAILS(write(fd, buf, 1));
	printf("signals %d\n", (int)xfsz);
	printf("write 0 at the limit: %zd\n", write(fd, buf, 0));
	printf("pwrite 10 at 995: %zd\n", pwrite(fd, buf, 10, 995));
	FAILS(pwrite(fd, buf, 10, 1000));
	FAILS(ftruncate(fd, 2000));
	CHECK(ftruncate(fd, 500) == 0);
	CHECK(lseek(fd, 0, SEEK_END) == 500);
	printf("signals %d\n", (int)xfsz);
	/* O_APPEND writes at the end */
	close(fd);
	fd = open(F, O_WRONLY | O_APPEND);
	printf("append 1500 at 500: %zd\n", write(fd, buf, 1500));
	close(fd);
	signal(SIGXFSZ, SIG_DFL);
	/* Not a regular file: no limit */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int p[2];

		set(RLIMIT_FSIZE, 10, 10);
		if (pipe(p) == 0)
			printf("pipe write 100: %zd\n", write(p[1], buf, 100));
		fd = open(F, O_WRONLY | O_TRUNC);
		printf("write 20: %zd\n", write(fd, buf, 20));
		fflush(stdout);
		write(fd, buf, 20); /* SIGXFSZ's default: the end */
		_exit(0);
	}
	reap("past the limit", pid);
	unlink(F);
}

static void nproc(void)
{
	pid_t pid, c;

	puts("== nproc");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* root is exempt */
		CHECK(set(RLIMIT_NPROC, 0, 0) == 0);
		fflush(stdout);
		c = fork();
		if (c == 0)
			_exit(0);
		CHECK(c > 0);
		if (c > 0)
			waitpid(c, NULL, 0);
		fflush(stdout);
		_exit(0);
	}
	reap("root at NPROC 0", pid);
	CHECK(set(RLIMIT_NPROC, 2, 2) == 0);
	CHECK(setgid(USER) == 0 && setuid(USER) == 0);
	/* this process is one of 2: one more may run, not two */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	CHECK(c > 0);
	FAILS(fork());
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	fflush(stdout);
	c = fork();
	if (c == 0)
		_exit(0);
	printf("after the reap: %s\n", c > 0 ? "forked" : strerror(errno));
	if (c > 0)
		waitpid(c, NULL, 0);
}

static long brk_now(void)
{
	return syscall(SYS_brk, 0);
}

static void memory(void)
{
	puts("== as and data");
	{
		long b;
		void *m;

		CHECK(set(RLIMIT_AS, 256 * MIB, RLIM_INFINITY) == 0);
		m = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(m != MAP_FAILED);
		m = mmap(NULL, 512 * MIB, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		printf("mmap 512 MiB under AS 256 MiB: %s\n",
		       m == MAP_FAILED ? strerror(errno) : "mapped");
		b = brk_now();
		printf("brk +512 MiB: %s\n",
		       syscall(SYS_brk, b + 512 * MIB) == b ? "refused" :
							      "grew");
		printf("brk +64 KiB: %s\n",
		       syscall(SYS_brk, b + 65536) == b + 65536 ? "grew" :
								  "refused");
		CHECK(set(RLIMIT_AS, 4096 * MIB, 4096 * MIB) == 0);
		CHECK(set(RLIMIT_DATA, 64 * MIB, RLIM_INFINITY) == 0);
		m = mmap(NULL, 128 * MIB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		printf("private writable 128 MiB under DATA 64 MiB: %s\n",
		       m == MAP_FAILED ? strerror(errno) : "mapped");
		m = mmap(NULL, 128 * MIB, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		printf("read-only 128 MiB: %s\n",
		       m == MAP_FAILED ? strerror(errno) : "mapped");
		m = mmap(NULL, 128 * MIB, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		printf("shared writable 128 MiB: %s\n",
		       m == MAP_FAILED ? strerror(errno) : "mapped");
		b = brk_now();
		printf("brk +128 MiB: %s\n",
		       syscall(SYS_brk, b + 128 * MIB) == b ? "refused" :
							      "grew");
	}
}

/* Recursion of n frames of 64 KiB each. */
static __attribute__((noinline)) int deep(int n)
{
	volatile char frame[64 * 1024];

	frame[0] = (char)n;
	frame[sizeof(frame) - 1] = (char)n;
	return n ? deep(n - 1) + frame[0] : frame[sizeof(frame) - 1];
}

static void stack(const char *self)
{
	pid_t pid;

	puts("== stack");
	CHECK(set(RLIMIT_STACK, MIB, RLIM_INFINITY) == 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(self, self, "stack", "8", (char *)NULL); /* 512 KiB */
		_exit(127);
	}
	reap("512 KiB deep under a 1 MiB stack", pid);
	pid = fork();
	if (pid == 0) {
		execl(self, self, "stack", "64", (char *)NULL); /* 4 MiB */
		_exit(127);
	}
	reap("4 MiB deep under a 1 MiB stack", pid);
}

/* Each part in a child of its own: limits only go down (the host's root
 * may lack CAP_SYS_RESOURCE), and one part's must not reach the next. */
static void part(const char *name, void (*fn)(const char *), const char *self)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn(self);
		fflush(stdout);
		_exit(0);
	}
	reap(name, pid);
}

static void rules_p(const char *self)
{
	(void)self;
	rules();
}
static void unprivileged_p(const char *self)
{
	(void)self;
	unprivileged();
}
static void nofile_p(const char *self)
{
	(void)self;
	nofile();
}
static void fsize_p(const char *self)
{
	(void)self;
	fsize();
}
static void nproc_p(const char *self)
{
	(void)self;
	nproc();
}
static void memory_p(const char *self)
{
	(void)self;
	memory();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "stack")) {
		show("exec'd stack", RLIMIT_STACK);
		printf("deep: %d\n", deep(atoi(argv[2])) >= 0);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "show")) {
		show("exec'd core", RLIMIT_CORE);
		return 0;
	}
	part("rules", rules_p, argv[0]);
	part("unprivileged", unprivileged_p, argv[0]);
	part("inherit", inherit, argv[0]);
	part("nofile", nofile_p, argv[0]);
	part("fsize", fsize_p, argv[0]);
	part("nproc", nproc_p, argv[0]);
	part("memory", memory_p, argv[0]);
	part("stack", stack, argv[0]);
	puts("done");
	return 0;
}
