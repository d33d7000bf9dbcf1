/* SPDX-License-Identifier: MIT */
/* t_file: file I/O, directories, links, stat, fd table operations. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *volatile bad_ptr = (char *)16;

#define CHECK(c) printf("%-40s %s\n", #c, (c) ? "ok" : strerror(errno))

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[64];
	int n = 0;

	if (!d) {
		printf("opendir %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) && n < 64)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("%s:", dir);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int main(void)
{
	char buf[256], cwd[256];
	struct stat st;
	int fd, fd2;
	ssize_t n;

	CHECK(mkdir("tmp_t", 0755) == 0);
	CHECK(chdir("tmp_t") == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL && strstr(cwd, "/tmp_t"));
	fd = open("a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello world\n", 12) == 12);
	CHECK(lseek(fd, 0, SEEK_CUR) == 12);
	CHECK(lseek(fd, 6, SEEK_SET) == 6);
	n = read(fd, buf, sizeof(buf));
	CHECK(n == 6 && memcmp(buf, "world\n", 6) == 0);
	CHECK(pwrite(fd, "W", 1, 6) == 1);
	CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
	CHECK(lseek(fd, 100000, SEEK_SET) == 100000);
	CHECK(write(fd, "x", 1) == 1);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 100001 &&
	      S_ISREG(st.st_mode));
	CHECK(pread(fd, buf, 4, 50000) == 4 && !buf[0] && !buf[3]);
	CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
	CHECK((st.st_mode & 0777) == 0644);
	fd2 = dup(fd);
	CHECK(fd2 > fd);
	CHECK(dup2(fd, 10) == 10 && fcntl(10, F_GETFD) == 0);
	CHECK(dup3(fd, 11, O_CLOEXEC) == 11 &&
	      fcntl(11, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(fd, F_DUPFD, 20) == 20);
	CHECK(close(fd2) == 0 && close(10) == 0 && close(11) == 0 &&
	      close(20) == 0);
	CHECK(close(fd2) == -1 && errno == EBADF);
	CHECK(close(fd) == 0);
	CHECK(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0600) == -1 &&
	      errno == EEXIST);
	CHECK(open("nope", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(open("a.txt/x", O_RDONLY) == -1 && errno == ENOTDIR);
	CHECK(link("a.txt", "b.txt") == 0);
	CHECK(stat("b.txt", &st) == 0 && st.st_nlink == 2);
	CHECK(symlink("a.txt", "c.lnk") == 0);
	n = readlink("c.lnk", buf, sizeof(buf));
	CHECK(n == 5 && memcmp(buf, "a.txt", 5) == 0);
	CHECK(lstat("c.lnk", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat("c.lnk", &st) == 0 && S_ISREG(st.st_mode) &&
	      st.st_size == 5);
	CHECK(access("a.txt", R_OK | W_OK) == 0);
	CHECK(access("a.txt", X_OK) == -1 && errno == EACCES);
	CHECK(chmod("a.txt", 0755) == 0 && access("a.txt", X_OK) == 0);
	CHECK(rename("b.txt", "d.txt") == 0);
	CHECK(stat("b.txt", &st) == -1 && errno == ENOENT);
	CHECK(mkdir("sub", 0700) == 0 && mkdir("sub", 0700) == -1 &&
	      errno == EEXIST);
	CHECK(rename("sub", "sub2") == 0);
	CHECK(open("sub2/f", O_CREAT | O_WRONLY, 0600) >= 0);
	CHECK(rmdir("sub2") == -1 && errno == ENOTEMPTY);
	list(".");
	list("sub2");
	CHECK(unlink("sub2/f") == 0 && rmdir("sub2") == 0);
	CHECK(unlink("a.txt") == 0 && unlink("c.lnk") == 0 &&
	      unlink("d.txt") == 0);
	CHECK(unlink(".") == -1);
	list(".");
	CHECK(chdir("..") == 0 && rmdir("tmp_t") == 0);
	fd = open("/tmp/big", O_CREAT | O_RDWR, 0600);
	memset(buf, 'q', sizeof(buf));
	for (int i = 0; i < 4096; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			break;
	CHECK(lseek(fd, 0, SEEK_END) == 4096 * 256);
	CHECK(unlink("/tmp/big") == 0);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 4096 * 256);
	CHECK(close(fd) == 0);
	/* copy_file_range: between files, with and without offsets. */
	{
		int a = open("cfr-src", O_RDWR | O_CREAT | O_TRUNC, 0644);
		int b = open("cfr-dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
		off_t oi = 2, oo = 0;

		CHECK(write(a, "0123456789", 10) == 10 && lseek(a, 0, 0) == 0);
		CHECK(copy_file_range(a, NULL, b, NULL, 4, 0) == 4);
		CHECK(lseek(a, 0, SEEK_CUR) == 4 && lseek(b, 0, SEEK_CUR) == 4);
		CHECK(copy_file_range(a, &oi, b, &oo, 100, 0) == 8 &&
		      oi == 10 && oo == 8 && lseek(a, 0, SEEK_CUR) == 4);
		CHECK(pread(b, buf, 16, 0) == 8 && !memcmp(buf, "23456789", 8));
		CHECK(copy_file_range(a, NULL, b, NULL, 4, 1) == -1 &&
		      errno == EINVAL);
		CHECK(copy_file_range(a, NULL, 99, NULL, 4, 0) == -1 &&
		      errno == EBADF);
		oi = 0;
		oo = 2;
		CHECK(copy_file_range(a, &oi, a, &oo, 4, 0) == -1 &&
		      errno == EINVAL);
		close(a);
		close(b);
		unlink("cfr-src");
		unlink("cfr-dst");
	}
	CHECK(read(99, buf, 1) == -1 && errno == EBADF);
	CHECK(write(1, NULL, 0) == 0);
	CHECK(read(0, (char *)bad_ptr, 10) <= 0);
	return 0;
}
