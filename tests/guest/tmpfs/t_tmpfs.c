/* SPDX-License-Identifier: MIT */
/* t_tmpfs: a tmpfs mount's size limit, statfs, mount-point rules and a read-only mount; the same output on Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* Usage: t_tmpfs RW_MOUNT (size=1m, mode=1777) RO_MOUNT (ro, mode=750) OUTSIDE_DIR */

static const char *err(int e)
{
	switch (e) {
	case 0:
		return "ok";
	case ENOSPC:
		return "ENOSPC";
	case EROFS:
		return "EROFS";
	case EXDEV:
		return "EXDEV";
	case EBUSY:
		return "EBUSY";
	case EACCES:
		return "EACCES";
	case EEXIST:
		return "EEXIST";
	default:
		return strerror(e);
	}
}

#define RES(call) ((call) < 0 ? errno : 0)

static void show_statfs(const char *what, const char *path)
{
	struct statfs s;

	if (statfs(path, &s) < 0) {
		printf("%s: statfs: %s\n", what, err(errno));
		return;
	}
	if (!strcmp(what, "ro")) { /* its size: half of the memory */
		printf("%s: type %#lx blocks %s bfree, rdonly %d\n", what,
		       (unsigned long)s.f_type,
		       s.f_blocks == s.f_bfree ? "==" : "!=",
		       (int)(s.f_flags & ST_RDONLY));
		return;
	}
	printf("%s: type %#lx bsize %ld blocks %ld bfree %ld bavail %ld "
	       "inodes used %ld rdonly %d\n",
	       what, (unsigned long)s.f_type, (long)s.f_bsize, (long)s.f_blocks,
	       (long)s.f_bfree, (long)s.f_bavail, (long)(s.f_files - s.f_ffree),
	       (int)(s.f_flags & ST_RDONLY));
}

int main(int argc, char **argv)
{
	static char buf[4096];
	char f1[256], f2[256], out[600];
	const char *rw = argv[1], *ro = argv[2], *outside = argv[3];
	struct stat st;
	long total = 0, n;
	int fd, e, status = 0;
	pid_t pid;
	char *map;

	if (argc != 4)
		return 2;
	snprintf(f1, sizeof(f1), "%s/fill", rw);
	snprintf(f2, sizeof(f2), "%s/other", rw);
	snprintf(out, sizeof(out), "%s/moved", outside);
	stat(rw, &st);
	printf("rw mode %o uid %d gid %d\n", st.st_mode & 07777, (int)st.st_uid,
	       (int)st.st_gid);
	stat(ro, &st);
	printf("ro mode %o\n", st.st_mode & 07777);
	show_statfs("fresh", rw);

	/* Fill it: whole pages, then a short write, then ENOSPC. */
	fd = open(f1, O_CREAT | O_RDWR | O_TRUNC, 0644);
	memset(buf, 'x', sizeof(buf));
	while ((n = write(fd, buf, 3000)) > 0)
		total += n;
	e = n < 0 ? errno : 0;
	printf("filled %ld bytes, then %s\n", total, err(e));
	show_statfs("full", rw);
	printf("create when full: %s\n",
	       err(RES(open(f2, O_CREAT | O_WRONLY, 0644))));
	printf("write to the new file: %s\n",
	       err(RES(write(open(f2, O_WRONLY), "y", 1))));
	printf("ftruncate the full file to 8 MiB (sparse): %s\n",
	       err(RES(ftruncate(fd, 8 << 20))));
	printf("write into its hole: %s\n",
	       err(RES(pwrite(fd, "z", 1, 6 << 20))));
	/* A store into a hole through a shared map of a full tmpfs: SIGBUS. */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			   6 << 20);
		if (map != MAP_FAILED)
			map[0] = 'z';
		_exit(map == MAP_FAILED ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	printf("a store into its hole through a shared map: %s\n",
	       WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "no signal");
	close(fd);
	printf("unlink: %s\n", err(RES(unlink(f1))));
	printf("unlink: %s\n", err(RES(unlink(f2))));
	show_statfs("emptied", rw);

	/* fallocate: all or nothing. */
	fd = open(f1, O_CREAT | O_RDWR, 0644);
	printf("fallocate 2 MiB: %s\n", err(RES(fallocate(fd, 0, 0, 2 << 20))));
	show_statfs("after a failed fallocate", rw);
	printf("fallocate 64 KiB: %s\n",
	       err(RES(fallocate(fd, 0, 0, 64 << 10))));
	show_statfs("after fallocate", rw);

	/* A shared mapping and read() see the same pages. */
	map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		printf("mmap: %s\n", err(errno));
	} else {
		memcpy(map + 4090, "shared!", 7);
		pread(fd, buf, 7, 4090);
		printf("through the map, read: %.7s\n", buf);
		munmap(map, 8192);
	}
	close(fd);

	/* Mount points and instances. */
	printf("rename out: %s\n", err(RES(rename(f1, out))));
	printf("link out: %s\n", err(RES(link(f1, out))));
	printf("rmdir the mount point: %s\n", err(RES(rmdir(rw))));
	printf("mkdir in: %s\n", err(RES(mkdir(f2, 0755))));
	snprintf(out, sizeof(out), "%s/moved", f2);
	printf("rename within: %s\n", err(RES(rename(f1, out))));
	printf("unlink: %s\n", err(RES(unlink(out))));
	printf("rmdir: %s\n", err(RES(rmdir(f2))));
	show_statfs("at the end", rw);

	/* The read-only one. */
	snprintf(f1, sizeof(f1), "%s/new", ro);
	printf("ro create: %s\n", err(RES(open(f1, O_CREAT | O_WRONLY, 0644))));
	printf("ro mkdir: %s\n", err(RES(mkdir(f1, 0755))));
	printf("ro chmod: %s\n", err(RES(chmod(ro, 0700))));
	printf("ro access W_OK: %s\n", err(RES(access(ro, W_OK))));
	show_statfs("ro", ro);
	return 0;
}
