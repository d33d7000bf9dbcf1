/* SPDX-License-Identifier: MIT */
/* t_shm: MAP_SHARED file and anonymous mappings (coherent with read and write, shared across fork, SIGBUS past the end), memfd_create, fallocate. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(c) printf("%-60s %s\n", #c, (c) ? "ok" : strerror(errno))
#define PG 4096

static sigjmp_buf jb;
static volatile int caught;

static void on_sig(int s)
{
	caught = s;
	siglongjmp(jb, 1);
}

/* Runs fn in a child and waits: 1 if the child exited 0. */
static int in_child(void (*fn)(char *), char *p)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		fn(p);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

static void child_writes(char *p)
{
	memcpy(p + 100, "from the child", 14);
}

static void child_counts(char *p)
{
	for (int i = 0; i < 1000; i++)
		(*(volatile int *)p)++;
}

static char buf[2 * PG];

static void file_maps(void)
{
	int fd = open("/tmp/shm-file", O_CREAT | O_RDWR | O_TRUNC, 0600), ro;
	char *p, *q;

	CHECK(fd >= 0 && ftruncate(fd, PG) == 0);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && p[0] == 0 && p[PG - 1] == 0);
	/* the mapping's stores are what read() returns */
	memcpy(p, "stored through the map", 22);
	CHECK(pread(fd, buf, 22, 0) == 22 && memcmp(buf, p, 22) == 0);
	/* and write() lands in the mapping */
	CHECK(pwrite(fd, "WRITE", 5, 10) == 5 &&
	      memcmp(p + 10, "WRITE", 5) == 0);
	/* a forked child writes the same pages */
	CHECK(in_child(child_writes, p) &&
	      memcmp(p + 100, "from the child", 14) == 0);
	CHECK(pread(fd, buf, 14, 100) == 14 &&
	      memcmp(buf, "from the child", 14) == 0);
	/* a second mapping of the same file sees the first's stores */
	q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(q != MAP_FAILED && q != p && memcmp(q, p, PG) == 0);
	p[200] = 'x';
	CHECK(q[200] == 'x');
	CHECK(munmap(q, PG) == 0);
	/* a page past the end: SIGBUS, until the file grows */
	q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(q != MAP_FAILED && q[0] == 's');
	caught = 0;
	signal(SIGBUS, on_sig);
	if (sigsetjmp(jb, 1) == 0)
		(void)*(volatile char *)(q + PG);
	CHECK(caught == SIGBUS);
	CHECK(ftruncate(fd, 2 * PG) == 0);
	q[PG + 1] = 'y';
	CHECK(pread(fd, buf, 2, PG) == 2 && buf[0] == 0 && buf[1] == 'y');
	/* an msync (a no-op here: pages are the file's) and an unmap */
	CHECK(msync(q, 2 * PG, MS_SYNC) == 0 && munmap(q, 2 * PG) == 0);
	/* writable shared maps need a read-write descriptor */
	ro = open("/tmp/shm-file", O_RDONLY);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) ==
		      MAP_FAILED &&
	      errno == EACCES);
	q = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(q != MAP_FAILED && memcmp(q, "stored", 6) == 0);
	close(ro);
	/* the mapping outlives the descriptor and the name */
	close(fd);
	unlink("/tmp/shm-file");
	p[300] = 'z';
	CHECK(q[300] == 'z' && memcmp(p + 100, "from the child", 14) == 0);
	/* a shared map moved by mremap keeps the file */
	p = mremap(p, PG, 3 * PG, MREMAP_MAYMOVE);
	CHECK(p != MAP_FAILED && p[PG + 1] == 'y' && p[300] == 'z');
	CHECK(munmap(p, 3 * PG) == 0 && munmap(q, PG) == 0);
}

static void anon_maps(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *priv;

	CHECK(p != MAP_FAILED && p[0] == 0 && p[2 * PG - 1] == 0);
	*(int *)p = 0;
	CHECK(in_child(child_counts, p) && in_child(child_counts, p) &&
	      *(int *)p == 2000);
	CHECK(in_child(child_writes, p) &&
	      memcmp(p + 100, "from the child", 14) == 0);
	/* a private anonymous map stays private across fork */
	priv = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(in_child(child_writes, priv) && priv[100] == 0);
	/* an unmap in the middle leaves both ends shared */
	CHECK(munmap(p + PG, PG) == 0 && in_child(child_counts, p) &&
	      *(int *)p == 3000);
	CHECK(munmap(p, PG) == 0 && munmap(priv, PG) == 0);
}

static void memfd(void)
{
	int fd = memfd_create("t_shm", MFD_CLOEXEC), fl;
	char link[64] = "", path[32];
	struct stat st;
	char *p;

	CHECK(fd >= 0 && (fl = fcntl(fd, F_GETFD)) >= 0 && (fl & FD_CLOEXEC));
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 0 &&
	      st.st_size == 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK(readlink(path, link, sizeof(link) - 1) > 0 &&
	      strcmp(link, "/memfd:t_shm (deleted)") == 0);
	CHECK(ftruncate(fd, PG) == 0 && write(fd, "memfd data", 10) == 10);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && memcmp(p, "memfd data", 10) == 0);
	p[0] = 'M';
	CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "Memfd", 5) == 0);
	CHECK(munmap(p, PG) == 0 && close(fd) == 0);
	errno = 0;
	CHECK(memfd_create("x", 0x100) == -1 && errno == EINVAL);
}

static void falloc(void)
{
	int fd = open("/tmp/falloc", O_CREAT | O_RDWR | O_TRUNC, 0600), ro;
	struct stat st;

	CHECK(fd >= 0 && fallocate(fd, 0, 0, 3 * PG) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 3 * PG);
	CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 8 * PG) == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 3 * PG);
	memset(buf, 'a', sizeof(buf));
	CHECK(pwrite(fd, buf, 2 * PG, 0) == 2 * PG);
	CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100,
			PG) == 0);
	CHECK(pread(fd, buf, 2 * PG, 0) == 2 * PG && buf[99] == 'a' &&
	      buf[100] == 0 && buf[PG + 99] == 0 && buf[PG + 100] == 'a');
	CHECK(fstat(fd, &st) == 0 && st.st_size == 3 * PG);
	errno = 0;
	CHECK(fallocate(fd, 0, 0, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, PG) == -1 &&
	      errno == EOPNOTSUPP);
	ro = open("/tmp/falloc", O_RDONLY);
	errno = 0;
	CHECK(fallocate(ro, 0, 0, PG) == -1 && errno == EBADF);
	close(ro);
	close(fd);
	unlink("/tmp/falloc");
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;

	for (int i = 0; i < rounds; i++) {
		file_maps();
		anon_maps();
		memfd();
		falloc();
	}
	return 0;
}
