/* SPDX-License-Identifier: MIT */
/* t_mem: brk and malloc, anonymous mmap, munmap, mprotect, mremap, MAP_FIXED, file mmap. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHECK(c) printf("%-50s %s\n", #c, (c) ? "ok" : strerror(errno))

static sigjmp_buf jb;

static void on_segv(int s)
{
	siglongjmp(jb, 1);
}

int main(void)
{
	char *p, *q, *big;
	char *b0 = (char *)syscall(SYS_brk, 0);
	int fd, faulted = 0;

	/* raw brk: musl's sbrk() refuses non-zero increments */
	CHECK(b0 && (char *)syscall(SYS_brk, b0 + 65536) == b0 + 65536);
	memset(b0, 1, 65536);
	CHECK((char *)syscall(SYS_brk, b0) == b0);
	big = malloc(50 << 20);
	CHECK(big != NULL);
	for (size_t i = 0; i < (50u << 20); i += 4096)
		big[i] = (char)i;
	CHECK(big[4096 * 3] == (char)(4096 * 3));
	free(big);
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && p[12345] == 0);
	p[0] = 'a';
	p[(1 << 20) - 1] = 'z';
	q = mremap(p, 1 << 20, 4 << 20, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q[0] == 'a' && q[(1 << 20) - 1] == 'z' &&
	      q[(4 << 20) - 1] == 0);
	CHECK(munmap(q, 4 << 20) == 0);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy(p, "protected");
	CHECK(mprotect(p, 4096, PROT_READ) == 0 && strcmp(p, "protected") == 0);
	signal(SIGSEGV, on_segv);
	if (sigsetjmp(jb, 1) == 0)
		p[1] = 'X';
	else
		faulted = 1;
	CHECK(faulted && p[1] == 'r');
	CHECK(mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0);
	p[1] = 'X';
	CHECK(p[1] == 'X');
	q = mmap(p + 4096, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + 4096 && q[0] == 0);
	CHECK(munmap(p, 8192) == 0);
	faulted = 0;
	if (sigsetjmp(jb, 1) == 0)
		(void)*(volatile char *)p;
	else
		faulted = 1;
	CHECK(faulted);
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		      MAP_FAILED &&
	      errno == EINVAL);
	fd = open("/tmp/mapped", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "file contents here", 18);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED && memcmp(p, "file contents here", 18) == 0 &&
	      p[18] == 0);
	close(fd);
	unlink("/tmp/mapped");
	return 0;
}
