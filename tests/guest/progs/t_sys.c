/* SPDX-License-Identifier: MIT */
/* t_sys: the calls of the syscall sweep (mmsg, preadv2, utimes, getdents, sync, mincore, sched, personality, capget, xattrs, FIFOs) against the host. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#define CHECK(c) printf("%-64s %s\n", #c, (c) ? "ok" : strerror(errno))
#define FAILS(call, e)                                                 \
	do {                                                           \
		errno = 0;                                             \
		long r_ = (long)(call);                                \
		printf("%-64s %s\n", #call " fails " #e,               \
		       r_ == -1 && errno == (e) ? "ok" :               \
		       r_ != -1			? "no: it succeeded" : \
						  strerror(errno));                    \
	} while (0)

#ifndef RWF_DSYNC
#define RWF_DSYNC 0x2
#define RWF_APPEND 0x10
#endif

/* musl has no preadv2/pwritev2: the calls themselves (the offset's high half is 0 on x86-64). */
static long preadv2_(int fd, const struct iovec *v, int n, long off, int fl)
{
	return syscall(SYS_preadv2, fd, v, n, off, 0, fl);
}

static long pwritev2_(int fd, const struct iovec *v, int n, long off, int fl)
{
	return syscall(SYS_pwritev2, fd, v, n, off, 0, fl);
}

static void mmsg(void)
{
	struct mmsghdr m[4];
	struct iovec iov[4];
	char out[3][8] = { "one", "three", "seventy" }, in[4][16];
	int sv[2];

	puts("-- sendmmsg, recvmmsg");
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	memset(m, 0, sizeof(m));
	for (int i = 0; i < 3; i++) {
		iov[i].iov_base = out[i];
		iov[i].iov_len = strlen(out[i]);
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	CHECK(sendmmsg(sv[0], m, 3, 0) == 3 && m[0].msg_len == 3 &&
	      m[1].msg_len == 5 && m[2].msg_len == 7);
	memset(m, 0, sizeof(m));
	for (int i = 0; i < 4; i++) {
		iov[i].iov_base = in[i];
		iov[i].iov_len = sizeof(in[i]);
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	CHECK(recvmmsg(sv[1], m, 4, MSG_WAITFORONE, NULL) == 3 &&
	      m[0].msg_len == 3 && m[2].msg_len == 7 &&
	      !memcmp(in[1], "three", 5));
	FAILS(recvmmsg(sv[1], m, 4, MSG_DONTWAIT, NULL), EAGAIN);
	CHECK(sendmmsg(sv[0], m, 0, 0) == 0);
	close(sv[0]);
	close(sv[1]);
}

static void vectors(void)
{
	char a[4], b[8], buf[32] = { 0 };
	struct iovec v[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct iovec w[2] = { { "abcd", 4 }, { "efgh", 4 } };
	int fd = open("vec.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);

	puts("-- preadv, pwritev, preadv2, pwritev2");
	CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10);
	CHECK(pwritev(fd, w, 2, 2) == 8 && lseek(fd, 0, SEEK_CUR) == 10);
	CHECK(preadv(fd, v, 2, 1) == 9 && !memcmp(a, "1abc", 4) &&
	      !memcmp(b, "defgh", 5));
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && preadv2_(fd, v, 2, -1, 0) == 10 &&
	      lseek(fd, 0, SEEK_CUR) == 10);
	CHECK(pwritev2_(fd, w, 1, 0, RWF_APPEND) == 4 &&
	      pread(fd, buf, sizeof(buf), 0) == 14 &&
	      !strcmp(buf, "01abcdefghabcd"));
	CHECK(pwritev2_(fd, w, 1, 0, RWF_DSYNC) == 4);
	FAILS(preadv2_(fd, v, 2, 0, 0x40000000), EOPNOTSUPP);
	FAILS(preadv(fd, v, 2, -5), EINVAL);
	FAILS(syscall(SYS_preadv, fd, v, -1, 0, 0), EINVAL);
	FAILS(preadv(-1, v, 2, 0), EBADF);
	close(fd);
	unlink("vec.txt");
}

static void times_(void)
{
	struct timeval tv[2] = { { 1000000, 0 }, { 2000000, 500000 } };
	struct utimbuf ub = { 3000000, 4000000 };
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	struct stat st;
	int fd = open("times.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);

	puts("-- utime, utimes, futimesat");
	CHECK(fd >= 0 && utimes("times.txt", tv) == 0 &&
	      stat("times.txt", &st) == 0 && st.st_atime == 1000000 &&
	      st.st_mtime == 2000000 && st.st_mtim.tv_nsec == 500000000);
	CHECK(utime("times.txt", &ub) == 0 && stat("times.txt", &st) == 0 &&
	      st.st_atime == 3000000 && st.st_mtime == 4000000);
	CHECK(futimesat(AT_FDCWD, "times.txt", tv) == 0 &&
	      stat("times.txt", &st) == 0 && st.st_mtime == 2000000);
	CHECK(utimes("times.txt", NULL) == 0 && stat("times.txt", &st) == 0 &&
	      st.st_mtime > 2000000);
	tv[0].tv_usec = 1000000;
	FAILS(utimes("times.txt", tv), EINVAL);
	FAILS(utimensat(AT_FDCWD, "times.txt", bad, 0), EINVAL);
	FAILS(utimensat(AT_FDCWD, "times.txt", NULL, 0x4), EINVAL);
	CHECK(utimensat(fd, "", NULL, AT_EMPTY_PATH) == 0);
	FAILS(utime("no-such-file", NULL), ENOENT);
	close(fd);
	unlink("times.txt");
}

/* The original getdents's record: the name at 18, d_type in the last byte. */
struct old_dirent {
	unsigned long ino, off;
	unsigned short reclen;
	char name[];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dents(void)
{
	char buf[512], *names[16] = { 0 };
	int fd, n = 0;
	long len;

	puts("-- getdents");
	CHECK(mkdir("dents", 0755) == 0 && mkdir("dents/sub", 0755) == 0 &&
	      close(open("dents/file", O_CREAT | O_WRONLY, 0644)) == 0 &&
	      symlink("file", "dents/link") == 0);
	fd = open("dents", O_RDONLY | O_DIRECTORY);
	len = syscall(SYS_getdents, fd, buf, sizeof(buf));
	CHECK(len > 0);
	for (long off = 0; off < len && n < 16;) {
		struct old_dirent *d = (struct old_dirent *)(buf + off);
		static char line[16][64];

		snprintf(line[n], sizeof(line[n]), "%s type %d", d->name,
			 buf[off + d->reclen - 1]);
		names[n] = line[n];
		n++;
		off += d->reclen;
	}
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	for (int i = 0; i < n; i++)
		printf("  %s\n", names[i]);
	CHECK(syscall(SYS_getdents, fd, buf, sizeof(buf)) == 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	FAILS(syscall(SYS_getdents, fd, buf, 10), EINVAL);
	close(fd);
	fd = open("dents/file", O_RDONLY);
	FAILS(syscall(SYS_getdents, fd, buf, sizeof(buf)), ENOTDIR);
	close(fd);
	unlink("dents/link");
	unlink("dents/file");
	rmdir("dents/sub");
	rmdir("dents");
}

static void syncs(void)
{
	int fd = open("sync.txt", O_RDWR | O_CREAT | O_TRUNC, 0644), p[2];

	puts("-- syncfs, sync_file_range, readahead");
	CHECK(fd >= 0 && pipe(p) == 0);
	CHECK(syncfs(fd) == 0);
	FAILS(syncfs(-1), EBADF);
	CHECK(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0);
	FAILS(sync_file_range(fd, 0, 0, 8), EINVAL);
	FAILS(sync_file_range(fd, -1, 0, 0), EINVAL);
	FAILS(sync_file_range(p[0], 0, 0, 0), ESPIPE);
	CHECK(readahead(fd, 0, 4096) == 0);
	FAILS(readahead(p[0], 0, 4096), EINVAL);
	FAILS(readahead(-1, 0, 4096), EBADF);
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink("sync.txt");
}

static void memory(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char vec[4];
	char *m = mmap(NULL, (size_t)pg * 4, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	puts("-- mlock2, mincore");
	CHECK(m != MAP_FAILED);
	CHECK(syscall(SYS_mlock2, m, pg, 0) == 0 &&
	      syscall(SYS_mlock2, m, pg, 1) == 0 && munlock(m, pg) == 0);
	FAILS(syscall(SYS_mlock2, m, pg, 2), EINVAL);
	m[0] = 1;
	m[2 * pg] = 1;
	CHECK(mincore(m, (size_t)pg * 4, vec) == 0 && (vec[0] & 1) &&
	      !(vec[1] & 1) && (vec[2] & 1) && !(vec[3] & 1));
	FAILS(mincore(m + 1, (size_t)pg, vec), EINVAL);
	munmap(m + 3 * pg, (size_t)pg);
	FAILS(mincore(m, (size_t)pg * 4, vec), ENOMEM);
	munmap(m, (size_t)pg * 3);
}

/* musl's wrappers of these are ENOSYS by design (they are per thread on Linux): the calls. */
#define getsched(pid) syscall(SYS_sched_getscheduler, pid)
#define setsched(pid, pol, sp) syscall(SYS_sched_setscheduler, pid, pol, sp)
#define getparam(pid, sp) syscall(SYS_sched_getparam, pid, sp)
#define setparam(pid, sp) syscall(SYS_sched_setparam, pid, sp)

static void sched(void)
{
	struct sched_param sp = { 0 };
	struct timespec ts;

	puts("-- sched_*scheduler, sched_*param, priorities");
	CHECK(sched_get_priority_max(SCHED_FIFO) == 99 &&
	      sched_get_priority_min(SCHED_FIFO) == 1 &&
	      sched_get_priority_max(SCHED_RR) == 99 &&
	      sched_get_priority_max(SCHED_OTHER) == 0 &&
	      sched_get_priority_min(SCHED_BATCH) == 0);
	FAILS(sched_get_priority_max(42), EINVAL);
	CHECK(getsched(0) == SCHED_OTHER);
	CHECK(setsched(0, SCHED_BATCH, &sp) == 0 && getsched(0) == SCHED_BATCH);
	CHECK(setsched(0, SCHED_IDLE, &sp) == 0 &&
	      getsched(getpid()) == SCHED_IDLE);
	CHECK(setsched(0, SCHED_OTHER, &sp) == 0 && getsched(0) == SCHED_OTHER);
	CHECK(getparam(0, &sp) == 0 && sp.sched_priority == 0);
	CHECK(setparam(0, &sp) == 0);
	sp.sched_priority = 5;
	FAILS(setsched(0, SCHED_OTHER, &sp), EINVAL);
	FAILS(setparam(0, &sp), EINVAL);
	sp.sched_priority = 0;
	FAILS(setsched(0, 42, &sp), EINVAL);
	FAILS(setsched(-1, SCHED_OTHER, &sp), EINVAL);
	FAILS(getsched(999999), ESRCH);
	CHECK(sched_rr_get_interval(0, &ts) == 0);
}

static void persona(void)
{
	struct {
		uint32_t version;
		int pid;
	} h = { 0, 0 };
	struct {
		uint32_t e, p, i;
	} d[2];

	puts("-- personality, capget");
	CHECK(personality(0xffffffff) == PER_LINUX);
	CHECK(personality(PER_LINUX | ADDR_NO_RANDOMIZE) == PER_LINUX &&
	      personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE));
	if (fork() == 0) {
		/* kept across fork and exec */
		execl("/proc/self/exe", "t_sys", "persona", (char *)NULL);
		_exit(1);
	}
	wait(NULL);
	CHECK(personality(PER_LINUX) == (PER_LINUX | ADDR_NO_RANDOMIZE));
	FAILS(syscall(SYS_capget, &h, d), EINVAL);
	CHECK(h.version == 0x20080522);
	h.version = 0;
	CHECK(syscall(SYS_capget, &h, NULL) == 0 && h.version == 0x20080522);
	CHECK(syscall(SYS_capget, &h, d) == 0 && (d[0].e & 1) == !geteuid());
	h.pid = 999999;
	FAILS(syscall(SYS_capget, &h, d), ESRCH);
}

static void xattrs(void)
{
	char v[16];
	int fd = open("x.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);

	puts("-- extended attributes: the argument checks");
	CHECK(fd >= 0);
	FAILS(getxattr("no-such", "user.a", v, sizeof(v)), ENOENT);
	FAILS(lsetxattr("no-such", "user.a", "v", 1, 0), ENOENT);
	FAILS(fgetxattr(-1, "user.a", v, sizeof(v)), EBADF);
	FAILS(getxattr("x.txt", "", v, sizeof(v)), ERANGE);
	FAILS(setxattr("x.txt", "user.a", "v", 1, 4), EINVAL);
	FAILS(removexattr("no-such", "user.a"), ENOENT);
	CHECK(listxattr("x.txt", v, sizeof(v)) == 0 &&
	      flistxattr(fd, NULL, 0) == 0);
	errno = 0;
	CHECK(getxattr("x.txt", "user.none", v, sizeof(v)) == -1 &&
	      (errno == ENODATA || errno == EOPNOTSUPP));
	close(fd);
	unlink("x.txt");
}

/* FIFOs from mkfifo/mknod, and /proc/self/fd/N opened as Linux opens it (a pipe joined as a
 * FIFO, a file at a fresh offset). */
static void fifos(void)
{
	char b[8] = { 0 }, path[64];
	struct stat st;
	int r, w, p[2], fd;
	pid_t pid;

	puts("-- mkfifo, mknod, /proc/self/fd/N");
	CHECK(mkfifo("fifo", 0644) == 0 && stat("fifo", &st) == 0 &&
	      S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644);
	FAILS(mkfifo("fifo", 0644), EEXIST);
	FAILS(open("fifo", O_WRONLY | O_NONBLOCK), ENXIO);
	r = open("fifo", O_RDONLY | O_NONBLOCK);
	CHECK(r >= 0 && read(r, b, sizeof(b)) == 0); /* no writer: EOF */
	w = open("fifo", O_WRONLY | O_NONBLOCK);
	CHECK(w >= 0 && write(w, "abc", 3) == 3 && read(r, b, sizeof(b)) == 3 &&
	      !memcmp(b, "abc", 3));
	FAILS(read(r, b, sizeof(b)), EAGAIN);
	close(w);
	CHECK(read(r, b, sizeof(b)) == 0);
	close(r);
	/* Blocking opens wait for each other. */
	pid = fork();
	if (pid == 0) {
		int cw = open("fifo", O_WRONLY);

		_exit(cw >= 0 && write(cw, "hi", 2) == 2 ? 0 : 1);
	}
	r = open("fifo", O_RDONLY);
	CHECK(r >= 0 && read(r, b, 2) == 2 && !memcmp(b, "hi", 2));
	CHECK(waitpid(pid, &fd, 0) == pid && fd == 0);
	close(r);
	/* O_RDWR waits for no one; the data goes with the last close. */
	fd = open("fifo", O_RDWR);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
	fd = open("fifo", O_RDWR | O_NONBLOCK);
	FAILS(read(fd, b, 1), EAGAIN);
	close(fd);
	CHECK(unlink("fifo") == 0);
	CHECK(mknod("fifo2", S_IFIFO | 0600, 0) == 0 && unlink("fifo2") == 0);
	CHECK(mknod("plain", 0600, 0) == 0 && stat("plain", &st) == 0 &&
	      S_ISREG(st.st_mode) && unlink("plain") == 0);
	FAILS(mknod("dir", S_IFDIR | 0700, 0), EPERM);
	FAILS(mknod("bad", 0170000 | 0600, 0), EINVAL);
	FAILS(mknodat(AT_FDCWD, "no-dir/x", S_IFIFO | 0600, 0), ENOENT);

	/* A pipe through /proc/self/fd: the same pipe. */
	CHECK(pipe(p) == 0 && write(p[1], "m", 1) == 1);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode));
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, b, 1) == 1 && b[0] == 'm');
	close(fd);
	/* Its writer gone (a process substitution's once it wrote): no wait. */
	CHECK(write(p[1], "z", 1) == 1 && close(p[1]) == 0);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, b, 2) == 1 && b[0] == 'z' &&
	      read(fd, b, 1) == 0);
	close(fd);
	close(p[0]);
	/* A file through /proc/self/fd: a new open file, at offset 0. */
	w = open("reopen.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(w >= 0 && write(w, "hello", 5) == 5);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", w);
	unlink("reopen.txt"); /* even once unlinked */
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, b, 5) == 5 && !memcmp(b, "hello", 5) &&
	      lseek(w, 0, SEEK_CUR) == 5);
	close(fd);
	close(w);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "persona")) {
		CHECK(personality(0xffffffff) ==
		      (PER_LINUX | ADDR_NO_RANDOMIZE));
		return 0;
	}
	mmsg();
	vectors();
	times_();
	dents();
	syncs();
	memory();
	sched();
	persona();
	xattrs();
	fifos();
	return 0;
}
