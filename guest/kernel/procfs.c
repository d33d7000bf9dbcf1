/* SPDX-License-Identifier: MIT */
/* procfs.c: a minimal /proc: self/{exe,fd,cwd}, meminfo, uptime, cpuinfo, stat, version, mounts. */
#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/tmpfs.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/string.h"

static int copy_link(const char *s, char *buf, size_t cap)
{
	size_t n = strlen(s);

	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(buf, s, n + 1);
	return (int)n;
}

static int exe_readlink(struct inode *ino, char *buf, size_t cap)
{
	if (!current->exe_path)
		return -ENOENT;
	return copy_link(current->exe_path, buf, cap);
}

static int cwd_readlink(struct inode *ino, char *buf, size_t cap)
{
	long n = vfs_dir_path(current->cwd ? current->cwd : vfs_root(), buf,
			      cap);

	return n < 0 ? (int)n : (int)n;
}

static int fd_readlink(struct inode *ino, char *buf, size_t cap)
{
	struct file *f = fd_get((int)ino->priv);
	char tmp[48];

	if (!f)
		return -ENOENT;
	if (f->path && f->path[0] == '/')
		return copy_link(f->path, buf, cap);
	if (S_ISFIFO(f->ino->mode)) {
		fmt_snprintf(tmp, sizeof(tmp), "pipe:[%lu]",
			     (unsigned long)f->ino->ino);
		return copy_link(tmp, buf, cap);
	}
	if (f->ino->fops)
		return copy_link("/dev/console", buf, cap);
	return copy_link(f->path ? f->path : "?", buf, cap);
}

static const struct inode_ops exe_iops = { .readlink = exe_readlink };
static const struct inode_ops cwd_iops = { .readlink = cwd_readlink };
/*
 * What an open or a lookup through /proc/self/fd/N reaches, as on Linux: the open file's own
 * regular file, directory, device, socket (whose open is ENXIO) or pipe (joined as a FIFO).
 * A pod's stdio stream or an anonymous file (epoll, eventfd, ...) cannot be opened again:
 * NULL, and the lookup follows the text ("pipe:[N]"), which names nothing.
 */
static struct inode *fd_get_link(struct inode *ino)
{
	struct file *f = fd_get((int)ino->priv);
	struct inode *t = f ? f->ino : NULL;

	if (!t)
		return NULL;
	if (S_ISREG(t->mode) || S_ISDIR(t->mode) || S_ISSOCK(t->mode) ||
	    (S_ISCHR(t->mode) && t->fops) || (S_ISFIFO(t->mode) && t->pipe))
		return t;
	return NULL;
}

static const struct inode_ops fdlink_iops = { .readlink = fd_readlink,
					      .get_link = fd_get_link };

static struct inode *fd_links[FD_MAX];
static struct inode *self_exe, *self_cwd, *self_fd;

static int fd_lookup(struct inode *dir, const char *name, struct inode **ino_r)
{
	unsigned long long v;

	if (strtou64(name, strlen(name), 10, FD_MAX - 1, &v) || !fd_get((int)v))
		return -ENOENT;
	*ino_r = fd_links[v];
	return 0;
}

static int fd_readdir(struct inode *dir, size_t idx, char *name, size_t cap,
		      struct inode **ino_r)
{
	for (int fd = 0; fd < FD_MAX; fd++) {
		if (!fd_get(fd))
			continue;
		if (idx-- == 0) {
			fmt_snprintf(name, cap, "%d", fd);
			*ino_r = fd_links[fd];
			return 0;
		}
	}
	return -ENOENT;
}

static const struct inode_ops fd_iops = { .lookup = fd_lookup,
					  .readdir = fd_readdir };

static struct inode *self_entry(const char *name)
{
	if (!strcmp(name, "exe"))
		return self_exe;
	if (!strcmp(name, "cwd"))
		return self_cwd;
	if (!strcmp(name, "fd"))
		return self_fd;
	return NULL;
}

static int self_lookup(struct inode *dir, const char *name,
		       struct inode **ino_r)
{
	*ino_r = self_entry(name);
	return *ino_r ? 0 : -ENOENT;
}

static int self_readdir(struct inode *dir, size_t idx, char *name, size_t cap,
			struct inode **ino_r)
{
	static const char *const names[] = { "exe", "cwd", "fd" };

	if (idx >= 3)
		return -ENOENT;
	strlcpy(name, names[idx], cap);
	*ino_r = self_entry(names[idx]);
	return 0;
}

static const struct inode_ops self_iops = { .lookup = self_lookup,
					    .readdir = self_readdir };

static long gen_meminfo(struct inode *ino, char *buf, size_t cap)
{
	unsigned long total = page_total_count() * 4,
		      free = page_free_count() * 4;

	return fmt_snprintf(
		buf, cap,
		"MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
		"MemAvailable:   %8lu kB\nBuffers:               0 kB\n"
		"Cached:                0 kB\nSwapTotal:             0 kB\n"
		"SwapFree:              0 kB\n",
		total, free, free);
}

static long gen_uptime(struct inode *ino, char *buf, size_t cap)
{
	uint64_t ns = time_now_ns();

	return fmt_snprintf(buf, cap, "%lu.%02lu 0.00\n",
			    (unsigned long)(ns / 1000000000),
			    (unsigned long)(ns / 10000000 % 100));
}

static long gen_cpuinfo(struct inode *ino, char *buf, size_t cap)
{
	uint32_t r[4], brand[12];
	char vendor[13];
	size_t n = 0;

	cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = '\0';
	memset(brand, 0, sizeof(brand));
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000004)
		for (uint32_t i = 0; i < 3; i++)
			cpuid(0x80000002 + i, 0, brand + 4 * i);
	((char *)brand)[47] = '\0';
	for (unsigned c = 0; c < cpus_online; c++) {
		long k = fmt_snprintf(buf + n, cap > n ? cap - n : 0,
				      "processor\t: %u\nvendor_id\t: %s\n"
				      "model name\t: %s\ncpu cores\t: %u\n"
				      "flags\t\t: fpu sse sse2\n\n",
				      c, vendor, (char *)brand, cpus_online);

		if (k < 0)
			return k;
		n += (size_t)k;
	}
	return (long)n;
}

/* Each CPU's time in user mode and idle, in USER_HZ (100) ticks. */
static long gen_stat(struct inode *ino, char *buf, size_t cap)
{
	uint64_t up = time_now_ns() - time_boot_ns(), user = 0, idle = 0;
	size_t n = 0;
	long k;

	for (unsigned c = 0; c < cpus_online; c++) {
		user += percpu[c].user_ns;
		idle += up > percpu[c].user_ns ? up - percpu[c].user_ns : 0;
	}
	k = fmt_snprintf(buf, cap, "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n",
			 (unsigned long)(user / 10000000),
			 (unsigned long)(idle / 10000000));
	for (unsigned c = 0; k >= 0 && c < cpus_online; c++) {
		uint64_t u = percpu[c].user_ns;

		n += (size_t)k;
		k = fmt_snprintf(
			buf + n, cap > n ? cap - n : 0,
			"cpu%u %lu 0 0 %lu 0 0 0 0 0 0\n", c,
			(unsigned long)(u / 10000000),
			(unsigned long)((up > u ? up - u : 0) / 10000000));
	}
	return k < 0 ? k : (long)(n + (size_t)k);
}

static long gen_version(struct inode *ino, char *buf, size_t cap)
{
	return fmt_snprintf(buf, cap,
			    "Linux version 6.1.0-xenpod (xenpod-kernel)\n");
}

static long gen_mounts(struct inode *ino, char *buf, size_t cap)
{
	long n = fmt_snprintf(buf, cap,
			      "rootfs / rootfs %s 0 0\n"
			      "proc /proc proc rw 0 0\n"
			      "devtmpfs /dev devtmpfs rw 0 0\n",
			      vfs_rootfs_sb.read_only ? "ro" : "rw");

	if (n < 0 || (size_t)n >= cap)
		return n;
	return n + (long)tmpfs_mounts_text(buf + n, cap - (size_t)n);
}

static const struct inode_ops meminfo_iops = { .generate = gen_meminfo };
static const struct inode_ops uptime_iops = { .generate = gen_uptime };
static const struct inode_ops cpuinfo_iops = { .generate = gen_cpuinfo };
static const struct inode_ops version_iops = { .generate = gen_version };
static const struct inode_ops stat_iops = { .generate = gen_stat };
static const struct inode_ops mounts_iops = { .generate = gen_mounts };

static struct inode *detached(uint32_t mode, const struct inode_ops *ops,
			      struct inode *parent)
{
	struct inode *ino = inode_new(mode);

	if (!ino)
		return NULL;
	ino->nlink = 1; /* never freed */
	ino->iops = ops;
	ino->viewer_owned = true; /* all of them are in /proc/self */
	ino->parent = parent;
	return ino;
}

static void add_gen(struct inode *proc, const char *name,
		    const struct inode_ops *ops)
{
	struct inode *ino;

	if (vfs_mknod(proc, name, S_IFREG | 0444, &ino) == 0)
		ino->iops = ops;
}

void procfs_init(void)
{
	struct inode *root = vfs_root(), *proc = vfs_dir_find(root, "proc"),
		     *self;

	if (proc && !S_ISDIR(proc->mode)) {
		vfs_unlink(root, "proc", false, false);
		proc = NULL;
	}
	if (!proc && vfs_mknod(root, "proc", S_IFDIR | 0555, &proc)) {
		printk("xenpod-kernel: cannot create /proc\n");
		return;
	}
	if (vfs_mknod(proc, "self", S_IFDIR | 0555, &self))
		return;
	self->viewer_owned = true;
	self_exe = detached(S_IFLNK | 0777, &exe_iops, self);
	self_cwd = detached(S_IFLNK | 0777, &cwd_iops, self);
	self_fd = detached(S_IFDIR | 0500, &fd_iops, self);
	for (int i = 0; i < FD_MAX; i++) {
		fd_links[i] = detached(S_IFLNK | 0700, &fdlink_iops, self_fd);
		if (fd_links[i])
			fd_links[i]->priv = (uintptr_t)i;
	}
	self->iops = &self_iops;
	add_gen(proc, "meminfo", &meminfo_iops);
	add_gen(proc, "uptime", &uptime_iops);
	add_gen(proc, "cpuinfo", &cpuinfo_iops);
	add_gen(proc, "stat", &stat_iops);
	add_gen(proc, "version", &version_iops);
	add_gen(proc, "mounts", &mounts_iops);
}
