/* SPDX-License-Identifier: MIT */
/* t_lock: POSIX record locks, OFD locks and flock across processes, their release rules and errors; priorities and CPU affinity. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif

static const char *ename(int e)
{
	switch (e) {
	case EINVAL:
		return "EINVAL";
	case EBADF:
		return "EBADF";
	case EAGAIN:
		return "EAGAIN";
	case EACCES:
		return "EACCES";
	case EDEADLK:
		return "EDEADLK";
	case ESRCH:
		return "ESRCH";
	case EINTR:
		return "EINTR";
	default:
		return "other";
	}
}

static void res(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int lk(int fd, int cmd, int type, off_t start, off_t len)
{
	struct flock fl = { .l_type = (short)type,
			    .l_whence = SEEK_SET,
			    .l_start = start,
			    .l_len = len };

	return fcntl(fd, cmd, &fl);
}

static pid_t parent;

/* F_GETLK for [start, start+len) as a write lock: who holds what. */
static void show(const char *what, int fd, int cmd, off_t start, off_t len)
{
	struct flock fl = { .l_type = F_WRLCK,
			    .l_whence = SEEK_SET,
			    .l_start = start,
			    .l_len = len };

	if (fcntl(fd, cmd, &fl) < 0) {
		printf("%s: -1 %s\n", what, ename(errno));
		return;
	}
	if (fl.l_type == F_UNLCK) {
		printf("%s: unlocked\n", what);
		return;
	}
	printf("%s: %s [%ld +%ld] pid %s\n", what,
	       fl.l_type == F_WRLCK ? "write" : "read", (long)fl.l_start,
	       (long)fl.l_len,
	       fl.l_pid == parent ? "parent" :
	       fl.l_pid == -1	  ? "-1" :
				    "other");
}

/* Runs fn in a child (its own process: a different lock owner). */
static void in_child(void (*fn)(void))
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		fn();
		_exit(0);
	}
	waitpid(p, &st, 0);
}

static void child_probe(void)
{
	int fd = open("lock.tmp", O_RDWR);

	show("child sees [0,10)", fd, F_GETLK, 0, 1);
	show("child sees [20,40)", fd, F_GETLK, 25, 10);
	res("child lock [5,6)", lk(fd, F_SETLK, F_WRLCK, 5, 1));
	res("child lock [10,20)", lk(fd, F_SETLK, F_WRLCK, 10, 10));
	res("child read lock [20,21)", lk(fd, F_SETLK, F_RDLCK, 20, 1));
	close(fd);
}

static void child_probe2(void)
{
	int fd = open("lock.tmp", O_RDWR);

	show("child after parent's other close", fd, F_GETLK, 0, 0);
	show("child sees the exited child's range", fd, F_GETLK, 10, 10);
	close(fd);
}

static void child_backwards(void)
{
	int fd = open("lock.tmp", O_RDWR);

	show("child sees [95,96)", fd, F_GETLK, 95, 1);
	close(fd);
}

static void t_posix(void)
{
	int fd = open("lock.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644), fd2, ro;

	res("lock [0,10)", lk(fd, F_SETLK, F_WRLCK, 0, 10));
	res("read lock [20,30)", lk(fd, F_SETLK, F_RDLCK, 20, 10));
	res("read lock [30,40)", lk(fd, F_SETLK, F_RDLCK, 30, 10));
	res("relock own [5,6) (no conflict with itself)",
	    lk(fd, F_SETLK, F_WRLCK, 5, 1));
	show("own locks are invisible", fd, F_GETLK, 0, 0);
	in_child(child_probe);
	fd2 = open("lock.tmp", O_RDONLY);
	close(fd2); /* any close drops the process's locks on the file */
	in_child(child_probe2);
	/* errors */
	res("bad type", lk(fd, F_SETLK, 7, 0, 1));
	struct flock fl = { .l_type = F_WRLCK, .l_whence = 9 };
	res("bad whence", fcntl(fd, F_SETLK, &fl));
	res("negative start", lk(fd, F_SETLK, F_WRLCK, -5, 1));
	res("F_GETLK with F_UNLCK", lk(fd, F_GETLK, F_UNLCK, 0, 1));
	ro = open("lock.tmp", O_RDONLY);
	res("write lock on read-only fd", lk(ro, F_SETLK, F_WRLCK, 0, 1));
	res("read lock on read-only fd", lk(ro, F_SETLK, F_RDLCK, 0, 1));
	close(ro);
	res("bad fd", lk(250, F_SETLK, F_WRLCK, 0, 1));
	res("unlock what is not locked", lk(fd, F_SETLK, F_UNLCK, 0, 0));
	/* Negative lengths lock backwards. */
	res("lock [90,100) as start 100 len -10",
	    lk(fd, F_SETLK, F_WRLCK, 100, -10));
	in_child(child_backwards);
	close(fd);
}

static void t_deadlock(void)
{
	int fd = open("lock.tmp", O_RDWR), go[2], back[2], st, mine, theirs;
	pid_t p;
	char c;

	pipe(go);
	pipe(back);
	lk(fd, F_SETLK, F_WRLCK, 0, 1);
	p = fork();
	if (p == 0) {
		int cfd = open("lock.tmp", O_RDWR), r;

		lk(cfd, F_SETLK, F_WRLCK, 1, 1);
		write(back[1], "r", 1); /* holds [1,2) */
		r = lk(cfd, F_SETLKW, F_WRLCK, 0, 1);
		if (r < 0 && errno == EDEADLK) {
			lk(cfd, F_SETLK, F_UNLCK, 1, 1);
			_exit(1);
		}
		_exit(r == 0 ? 0 : 2);
	}
	read(back[0], &c, 1);
	/* Whichever of the two waits second closes the cycle: exactly one
	 * gets EDEADLK, gives up its lock, and the other gets the lock. */
	mine = lk(fd, F_SETLKW, F_WRLCK, 1, 1);
	if (mine < 0 && errno == EDEADLK) {
		mine = 1;
		lk(fd, F_SETLK, F_UNLCK, 0, 1);
	} else {
		mine = mine == 0 ? 0 : 2;
		lk(fd, F_SETLK, F_UNLCK, 0, 2); /* let the child finish */
	}
	waitpid(p, &st, 0);
	theirs = WEXITSTATUS(st);
	printf("deadlock: EDEADLK %d, granted %d, failed %d\n",
	       (mine == 1) + (theirs == 1), (mine == 0) + (theirs == 0),
	       (mine == 2) + (theirs == 2));
	close(fd);
	close(go[0]);
	close(go[1]);
	close(back[0]);
	close(back[1]);
}

static void t_ofd(void)
{
	int a = open("lock.tmp", O_RDWR), b = open("lock.tmp", O_RDWR), c;
	struct flock fl = { .l_type = F_WRLCK,
			    .l_whence = SEEK_SET,
			    .l_start = 100,
			    .l_len = 10,
			    .l_pid = 0 };

	res("ofd lock via a", fcntl(a, F_OFD_SETLK, &fl));
	fl.l_len = 1;
	res("ofd lock via b (same process, other open file)",
	    fcntl(b, F_OFD_SETLK, &fl));
	show("ofd getlk via b", b, F_OFD_GETLK, 100, 1);
	show("posix getlk sees the ofd lock", b, F_GETLK, 100, 1);
	res("posix lock on it (other owner)", lk(b, F_SETLK, F_WRLCK, 105, 1));
	fl.l_pid = 1;
	res("ofd with l_pid", fcntl(a, F_OFD_SETLK, &fl));
	close(b); /* b's close drops nothing of a's */
	c = open("lock.tmp", O_RDWR);
	show("after closing b", c, F_OFD_GETLK, 100, 1);
	close(a);
	show("after closing a", c, F_OFD_GETLK, 100, 1);
	fl.l_pid = 0;
	fl.l_type = F_RDLCK;
	res("ofd read lock", fcntl(c, F_OFD_SETLKW, &fl));
	close(c);
}

static int flock_fd;

static void child_unflock(void)
{
	res("child unlocks the shared open file", flock(flock_fd, LOCK_UN));
}

static void t_flock(void)
{
	int a = open("lock.tmp", O_RDONLY), b = open("lock.tmp", O_RDONLY), d;

	res("flock ex a", flock(a, LOCK_EX));
	res("flock ex b nb", flock(b, LOCK_EX | LOCK_NB));
	res("flock sh b nb", flock(b, LOCK_SH | LOCK_NB));
	d = dup(a);
	res("flock ex via a dup (same open file)", flock(d, LOCK_EX | LOCK_NB));
	res("posix lock beside flock", lk(b, F_SETLK, F_RDLCK, 0, 0));
	flock_fd = a;
	in_child(child_unflock);
	res("flock ex b after the child's unlock", flock(b, LOCK_EX | LOCK_NB));
	res("flock sh a nb now", flock(a, LOCK_SH | LOCK_NB));
	close(b);
	res("flock sh a after b's close", flock(a, LOCK_SH | LOCK_NB));
	res("bad op", flock(a, 0));
	res("bad op 3", flock(a, LOCK_SH | LOCK_EX));
	res("bad fd", flock(250, LOCK_EX));
	close(a);
	close(d);
}

static void t_prio(void)
{
	cpu_set_t set;
	int cpu, st;

	errno = 0;
	res("getpriority", getpriority(PRIO_PROCESS, 0));
	res("setpriority 5", setpriority(PRIO_PROCESS, 0, 5));
	res("getpriority", getpriority(PRIO_PROCESS, 0));
	res("nice(2)", nice(2));
	res("setpriority 100 (clamped)", setpriority(PRIO_PROCESS, 0, 100));
	res("getpriority", getpriority(PRIO_PROCESS, 0));
	setpgid(0, 0); /* alone in its group: the group's priority is its own */
	res("getpriority pgrp", getpriority(PRIO_PGRP, 0));
	res("setpriority no such pid", setpriority(PRIO_PROCESS, 999999, 1));
	res("setpriority bad which", setpriority(7, 0, 1));
	if (fork() == 0) {
		res("child inherits", getpriority(PRIO_PROCESS, 0));
		_exit(0);
	}
	wait(&st);
	CPU_ZERO(&set);
	res("getaffinity", sched_getaffinity(0, sizeof(set), &set) ? -1 : 0);
	cpu = sched_getcpu();
	printf("running on a CPU of the mask: %d\n",
	       cpu >= 0 && CPU_ISSET(cpu, &set));
	res("setaffinity to the mask", sched_setaffinity(0, sizeof(set), &set));
	CPU_ZERO(&set);
	res("setaffinity empty", sched_setaffinity(0, sizeof(set), &set));
	res("getaffinity no such pid",
	    sched_getaffinity(999999, sizeof(set), &set));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	parent = getpid();
	t_posix();
	t_deadlock();
	t_ofd();
	t_flock();
	t_prio();
	unlink("lock.tmp");
	printf("done\n");
	return 0;
}
