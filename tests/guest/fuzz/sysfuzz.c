/* SPDX-License-Identifier: MIT */
/* sysfuzz: guest only: random system calls with hostile arguments; the kernel must survive. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
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
	/* Waits that nothing may end once alarm(20) is gone, and what
	 * would cancel it; the socket calls may block too (unix_chaos makes
	 * them non-blocking). */
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
	case SYS_alarm:
	case SYS_setitimer:
	case SYS_accept:
	case SYS_accept4:
	case SYS_connect:
	case SYS_recvfrom:
	case SYS_recvmsg:
	case SYS_sendto:
	case SYS_sendmsg:
		return 1;
	default:
		return 0;
	}
}

/* An AF_UNIX socket of a random type, bound to one of a few names. */
static int unix_socket(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, types[rnd() % 3] | SOCK_NONBLOCK, 0);
	int len = 2;

	if (rnd() % 2) {
		/* A path, an abstract name, or autobind (len 2). */
		a.sun_path[0] = rnd() % 2 ? 'u' : '\0';
		a.sun_path[1] = (char)('0' + rnd() % 4);
		len = rnd() % 3 ? 4 + (int)(rnd() % 2) : 2;
		bind(s, (struct sockaddr *)&a, (socklen_t)len);
		if (rnd() % 2)
			listen(s, (int)(rnd() % 3));
	} else if (rnd() % 2) {
		a.sun_path[0] = rnd() % 2 ? 'u' : '\0';
		a.sun_path[1] = (char)('0' + rnd() % 4);
		connect(s, (struct sockaddr *)&a, 4 + (socklen_t)(rnd() % 2));
	}
	return s;
}

/* A message carrying random descriptors (sockets among them, maybe the
 * one it goes over) on a random socket, or a random receive. */
static void unix_msg(int fd)
{
	char ctl[CMSG_SPACE(4 * sizeof(int))];
	struct iovec v = { buf, rnd() % 3 ? rnd() % 64 : rnd() % sizeof(buf) };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int n = (int)(rnd() % 5);

	m.msg_control = ctl;
	m.msg_controllen = n ? CMSG_SPACE((size_t)n * sizeof(int)) : 0;
	if (rnd() % 2) {
		if (n) {
			c = CMSG_FIRSTHDR(&m);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = rnd() % 8 ? SCM_RIGHTS :
						   (int)(rnd() % 4);
			c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
			for (int i = 0; i < n; i++)
				((int *)CMSG_DATA(c))[i] = (int)(rnd() % 12);
		}
		sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	} else {
		recvmsg(fd, &m,
			MSG_DONTWAIT |
				(int)(rnd() % 2 ? 0 :
						  MSG_PEEK | MSG_CMSG_CLOEXEC |
							  MSG_WAITALL));
	}
}

/* AF_UNIX sockets with files in flight, half of them closed unreceived. */
static void unix_chaos(void)
{
	for (int i = 0; i < 200; i++) {
		int fd = 3 + (int)(rnd() % 9), sv[2];

		switch (rnd() % 8) {
		case 0:
			close(fd);
			if (socketpair(AF_UNIX, SOCK_STREAM + (int)(rnd() % 2),
				       0, sv) == 0 &&
			    rnd() % 2)
				close(sv[rnd() % 2]);
			break;
		case 1:
			close(fd);
			unix_socket();
			break;
		case 2:
			close(accept4(fd, NULL, NULL, SOCK_NONBLOCK));
			break;
		case 3:
			shutdown(fd, (int)(rnd() % 3));
			break;
		default:
			unix_msg(fd);
		}
	}
	for (int fd = 3; fd < 64; fd++)
		close(fd); /* received files land anywhere */
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
	unix_chaos();
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
