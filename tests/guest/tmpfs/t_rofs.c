/* SPDX-License-Identifier: MIT */
/* t_rofs: every change to a read-only file system fails as on Linux (EROFS, or EACCES for a shared writable map); reads work. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

/* Usage: t_rofs DIR (read-only, holding a file "file" and a directory "dir") */

static void res(const char *what, long rc)
{
	printf("%s: %s\n", what, rc < 0 ? strerror(errno) : "ok");
}

int main(int argc, char **argv)
{
	char file[256], dir[256], p[300], q[300], buf[8];
	struct statvfs sv;
	void *m;
	int fd;

	if (argc != 2)
		return 2;
	snprintf(file, sizeof(file), "%s/file", argv[1]);
	snprintf(dir, sizeof(dir), "%s/dir", argv[1]);
	res("open O_WRONLY", open(file, O_WRONLY));
	res("open O_RDWR", open(file, O_RDWR));
	res("open O_RDONLY|O_TRUNC", open(file, O_RDONLY | O_TRUNC));
	res("open O_RDONLY|O_CREAT of a file that exists",
	    open(file, O_RDONLY | O_CREAT, 0644));
	snprintf(p, sizeof(p), "%s/new", argv[1]);
	res("open O_CREAT of a new file", open(p, O_WRONLY | O_CREAT, 0644));
	res("truncate", truncate(file, 0));
	res("unlink", unlink(file));
	snprintf(q, sizeof(q), "%s/moved", argv[1]);
	res("rename", rename(file, q));
	res("chmod", chmod(file, 0600));
	res("chown", chown(file, 1, 1));
	res("utimes", utimes(file, NULL));
	res("mkdir", mkdir(p, 0755));
	res("rmdir", rmdir(dir));
	res("symlink", symlink("x", p));
	res("link", link(file, p));
	res("access W_OK", access(file, W_OK));
	res("access R_OK", access(file, R_OK));
	fd = open(file, O_RDONLY);
	res("open O_RDONLY", fd);
	res("read", read(fd, buf, sizeof(buf)));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	res("mmap shared writable", m == MAP_FAILED ? -1 : 0);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	res("mmap private writable", m == MAP_FAILED ? -1 : 0);
	if (m != MAP_FAILED) {
		memcpy(m, "priv", 4);
		pread(fd, buf, 4, 0);
		printf("the file after a private write: %.4s\n", buf);
	}
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	res("mmap shared read-only", m == MAP_FAILED ? -1 : 0);
	res("fchmod", fchmod(fd, 0600));
	res("ftruncate", ftruncate(fd, 0));
	statvfs(argv[1], &sv);
	printf("ST_RDONLY %d\n", (int)(sv.f_flag & ST_RDONLY));
	res("open /dev/null O_WRONLY", open("/dev/null", O_WRONLY));
	return 0;
}
