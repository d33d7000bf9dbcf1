/* SPDX-License-Identifier: MIT */
/* sys_fs.c: file system calls: open/read/write, stat family, attributes, the fd table. */
#include "kernel/p9fs.h"
#include "kernel/errno.h"
#include "kernel/inotify.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define IOV_MAX 1024
/* Linux's MAX_RW_COUNT: the most one read, write or sendfile moves. */
#define RW_MAX 0x7ffff000ul

struct k_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	int64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime,
		st_ctime_nsec;
	int64_t unused[3];
};

struct iovec_k {
	uint64_t base, len;
};

/* A path argument copied in (kmalloc'd, PATH_MAX). */
long get_path(uint64_t uptr, char **p_r)
{
	char *p = kmalloc(PATH_MAX);
	long n;

	if (!p)
		return -ENOMEM;
	n = strncpy_from_user(p, (const char *)uptr, PATH_MAX);
	if (n < 0) {
		kfree(p);
		return n;
	}
	*p_r = p;
	return n;
}

/* The directory a *at() path is relative to. */
int at_base(int dirfd, const char *path, struct inode **base_r)
{
	struct file *f;

	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*base_r = current->cwd;
		return 0;
	}
	f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->ino->mode))
		return -ENOTDIR;
	*base_r = f->ino;
	return 0;
}

/* Resolves (dirfd, user path) to an inode. */
int lookup_at(int dirfd, uint64_t upath, bool follow, bool empty_ok,
	      struct inode **ino_r)
{
	struct inode *base;
	char *path;
	long n = get_path(upath, &path);
	int rc;

	if (n < 0)
		return (int)n;
	if (n == 0 && empty_ok) {
		struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);

		kfree(path);
		if (dirfd == AT_FDCWD) {
			*ino_r = current->cwd;
			return 0;
		}
		if (!f)
			return -EBADF;
		*ino_r = f->ino;
		return 0;
	}
	rc = at_base(dirfd, path, &base);
	if (!rc)
		rc = vfs_lookup(base, path, follow, ino_r);
	kfree(path);
	return rc;
}

static long do_read(int fd, uint64_t buf, size_t n)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	return file_read(f, (void *)buf, n);
}

static long do_write(int fd, uint64_t buf, size_t n)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	return file_write(f, (const void *)buf, n);
}

static long sys_read(const struct sysargs *a)
{
	return do_read((int)a->arg[0], a->arg[1], a->arg[2]);
}

static long sys_write(const struct sysargs *a)
{
	return do_write((int)a->arg[0], a->arg[1], a->arg[2]);
}

static long do_iov(const struct sysargs *a, bool wr)
{
	struct iovec_k iov;
	long total = 0;
	int cnt = (int)a->arg[2];

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	for (int i = 0; i < cnt; i++) {
		long r;

		if (copy_from_user(&iov, (void *)(a->arg[1] + i * sizeof(iov)),
				   sizeof(iov)))
			return total ? total : -EFAULT;
		if (!iov.len)
			continue;
		r = wr ? do_write((int)a->arg[0], iov.base, iov.len) :
			 do_read((int)a->arg[0], iov.base, iov.len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < iov.len)
			break;
	}
	return total;
}

static long sys_readv(const struct sysargs *a)
{
	return do_iov(a, false);
}

static long sys_writev(const struct sysargs *a)
{
	return do_iov(a, true);
}

static long do_pio(const struct sysargs *a, bool wr)
{
	struct file *f = fd_get((int)a->arg[0]);
	uint64_t save;
	long r;

	if (!f)
		return -EBADF;
	if ((f->ops && !f->ops->seekable) || !S_ISREG(f->ino->mode))
		return -ESPIPE;
	if ((int64_t)a->arg[3] < 0)
		return -EINVAL;
	save = f->pos;
	f->pos = a->arg[3];
	if (wr) {
		uint32_t fl = f->flags;

		f->flags &= ~(uint32_t)O_APPEND;
		r = file_write(f, (void *)a->arg[1], a->arg[2]);
		f->flags = fl;
	} else {
		r = file_read(f, (void *)a->arg[1], a->arg[2]);
	}
	f->pos = save;
	return r;
}

static long sys_pread64(const struct sysargs *a)
{
	return do_pio(a, false);
}

static long sys_pwrite64(const struct sysargs *a)
{
	return do_pio(a, true);
}

#define RWF_HIPRI 0x1
#define RWF_DSYNC 0x2
#define RWF_SYNC 0x4
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10

/*
 * preadv, pwritev, preadv2, pwritev2: each iovec as one pread/pwrite at the running offset
 * (the file position stays). The v2 calls: offset -1 is readv/writev at the position; flags
 * RWF_HIPRI (a hint), RWF_DSYNC and RWF_SYNC (the write is fsynced: a volume's gets a
 * Tfsync), RWF_APPEND (pwritev2 appends, as with O_APPEND); RWF_NOWAIT is EOPNOTSUPP, as Linux says
 * for a file that cannot promise it, and unknown flags too.
 */
static long do_piov(const struct sysargs *a, bool wr, bool v2)
{
	int flags = v2 ? (int)a->arg[5] : 0, cnt = (int)a->arg[2];
	int64_t off = (int64_t)a->arg[3];
	struct file *f = fd_get((int)a->arg[0]);
	struct iovec_k iov;
	long total = 0;

	if (!f)
		return -EBADF;
	if (flags & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_APPEND))
		return -EOPNOTSUPP;
	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	if (wr && (flags & RWF_APPEND)) {
		/* At the end whatever the offset: writev with O_APPEND; a
		 * given offset leaves the position as it was. */
		uint32_t fl = f->flags;
		uint64_t pos = f->pos;

		f->flags |= O_APPEND;
		total = do_iov(a, true);
		f->flags = fl;
		if (off != -1)
			f->pos = pos;
	} else if (v2 && off == -1) {
		total = do_iov(a, wr);
	} else {
		if (off < 0)
			return -EINVAL;
		for (int i = 0; i < cnt; i++) {
			struct sysargs one = { { a->arg[0], 0, 0, 0 }, a->f };
			long r;

			if (copy_from_user(
				    &iov, (void *)(a->arg[1] + i * sizeof(iov)),
				    sizeof(iov)))
				return total ? total : -EFAULT;
			if (!iov.len)
				continue;
			one.arg[1] = iov.base;
			one.arg[2] = iov.len;
			one.arg[3] = (uint64_t)off + (uint64_t)total;
			r = do_pio(&one, wr);
			if (r < 0)
				return total ? total : r;
			total += r;
			if ((uint64_t)r < iov.len)
				break;
		}
	}
	if (wr && total > 0 && (flags & (RWF_DSYNC | RWF_SYNC)))
		p9fs_fsync(f, !(flags & RWF_SYNC));
	return total;
}

static long sys_preadv(const struct sysargs *a)
{
	return do_piov(a, false, false);
}

static long sys_pwritev(const struct sysargs *a)
{
	return do_piov(a, true, false);
}

static long sys_preadv2(const struct sysargs *a)
{
	return do_piov(a, false, true);
}

static long sys_pwritev2(const struct sysargs *a)
{
	return do_piov(a, true, true);
}

static long do_openat(int dirfd, uint64_t upath, int flags, uint32_t mode)
{
	struct inode *base, *saved = current->cwd;
	struct file *f;
	char *path;
	long n = get_path(upath, &path);
	int rc, fd;

	if (n < 0)
		return n;
	rc = at_base(dirfd, path, &base);
	if (!rc) {
		current->cwd = base; /* vfs_open resolves from cwd */
		rc = vfs_open(path, flags, mode, &f);
		current->cwd = saved;
	}
	kfree(path);
	if (rc)
		return rc;
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sys_open(const struct sysargs *a)
{
	return do_openat(AT_FDCWD, a->arg[0], (int)a->arg[1],
			 (uint32_t)a->arg[2]);
}

static long sys_openat(const struct sysargs *a)
{
	return do_openat((int)a->arg[0], a->arg[1], (int)a->arg[2],
			 (uint32_t)a->arg[3]);
}

static long sys_creat(const struct sysargs *a)
{
	return do_openat(AT_FDCWD, a->arg[0], O_CREAT | O_WRONLY | O_TRUNC,
			 (uint32_t)a->arg[1]);
}

static long sys_close(const struct sysargs *a)
{
	return fd_close((int)a->arg[0]);
}

static long sys_close_range(const struct sysargs *a)
{
	uint64_t hi = a->arg[1] >= FD_MAX ? FD_MAX - 1 : a->arg[1];

	for (uint64_t fd = a->arg[0]; fd <= hi; fd++) {
		if (a->arg[2] & 4) /* CLOSE_RANGE_CLOEXEC */
			current->files->cloexec[fd / 64] |=
				fd_get((int)fd) ? 1ull << (fd % 64) : 0;
		else
			fd_close((int)fd);
	}
	return 0;
}

static long sys_lseek(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	int64_t off = (int64_t)a->arg[1], base;

	if (!f)
		return -EBADF;
	if ((f->ops && !f->ops->seekable) || S_ISFIFO(f->ino->mode))
		return S_ISCHR(f->ino->mode) ? 0 : -ESPIPE;
	if (a->arg[2] == SEEK_END && f->ino->iops && f->ino->iops->refresh) {
		int rc = f->ino->iops->refresh(f->ino);

		if (rc)
			return rc;
	}
	switch (a->arg[2]) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = f->gen ? (int64_t)f->gen_len : (int64_t)f->ino->size;
		break;
	default:
		return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	if (S_ISDIR(f->ino->mode) && base + off != 0 && a->arg[2] != SEEK_CUR)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (long)f->pos;
}

static void fill_stat(struct inode *ino, struct k_stat *st)
{
	memset(st, 0, sizeof(*st));
	/* an instance of its own, a device of its own (df finds its mount
	 * by st_dev) */
	st->st_dev = inode_sb(ino)->dev ? inode_sb(ino)->dev : 1;
	st->st_ino = ino->ino;
	/* Linux: 0 for an unlinked (or memfd) file, 1 for a pipe or socket */
	st->st_nlink = ino->nlink || S_ISREG(ino->mode) ? ino->nlink : 1;
	st->st_mode = ino->mode;
	st->st_uid = inode_uid(ino);
	st->st_gid = inode_gid(ino);
	st->st_rdev = ino->rdev;
	st->st_size = S_ISDIR(ino->mode) ? 4096 : (int64_t)ino->size;
	st->st_blksize = 4096;
	/* whole 4 KiB blocks, as ext4 and tmpfs count them */
	st->st_blocks =
		S_ISREG(ino->mode) || S_ISDIR(ino->mode) ?
			(st->st_size + 4095) / 4096 * 8 :
			0; /* symlinks, devices, pipes: no data blocks */
	st->st_atime = ino->atime_ns / 1000000000;
	st->st_atime_nsec = ino->atime_ns % 1000000000;
	st->st_mtime = ino->mtime_ns / 1000000000;
	st->st_mtime_nsec = ino->mtime_ns % 1000000000;
	st->st_ctime = ino->ctime_ns / 1000000000;
	st->st_ctime_nsec = ino->ctime_ns % 1000000000;
}

static long put_stat(struct inode *ino, uint64_t ubuf)
{
	struct k_stat st;

	if (ino->iops && ino->iops->refresh) {
		int rc = ino->iops->refresh(ino);

		if (rc)
			return rc;
	}
	fill_stat(ino, &st);
	return copy_to_user((void *)ubuf, &st, sizeof(st));
}

static long sys_fstat(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	if (!f)
		return -EBADF;
	return put_stat(f->ino, a->arg[1]);
}

static long stat_common(int dirfd, uint64_t upath, uint64_t ubuf, int flags)
{
	struct inode *ino;
	int rc = lookup_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW),
			   flags & AT_EMPTY_PATH, &ino);

	if (rc)
		return rc;
	return put_stat(ino, ubuf);
}

static long sys_stat(const struct sysargs *a)
{
	return stat_common(AT_FDCWD, a->arg[0], a->arg[1], 0);
}

static long sys_lstat(const struct sysargs *a)
{
	return stat_common(AT_FDCWD, a->arg[0], a->arg[1], AT_SYMLINK_NOFOLLOW);
}

static long sys_newfstatat(const struct sysargs *a)
{
	return stat_common((int)a->arg[0], a->arg[1], a->arg[2],
			   (int)a->arg[3]);
}

struct k_statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t pad;
};

struct k_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	uint64_t ino, size, blocks, attributes_mask;
	struct k_statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

static long sys_statx(const struct sysargs *a)
{
	struct inode *ino;
	struct k_statx sx;
	struct k_stat st;
	int rc = lookup_at((int)a->arg[0], a->arg[1],
			   !(a->arg[2] & AT_SYMLINK_NOFOLLOW),
			   a->arg[2] & AT_EMPTY_PATH, &ino);

	if (rc)
		return rc;
	if (ino->iops && ino->iops->refresh && (rc = ino->iops->refresh(ino)))
		return rc;
	fill_stat(ino, &st);
	memset(&sx, 0, sizeof(sx));
	sx.mask = 0x7ff; /* STATX_BASIC_STATS */
	sx.blksize = 4096;
	sx.nlink = (uint32_t)st.st_nlink;
	sx.uid = st.st_uid;
	sx.gid = st.st_gid;
	sx.mode = (uint16_t)st.st_mode;
	sx.ino = st.st_ino;
	sx.size = (uint64_t)st.st_size;
	sx.blocks = (uint64_t)st.st_blocks;
	sx.atime = (struct k_statx_ts){ st.st_atime, (uint32_t)st.st_atime_nsec,
					0 };
	sx.mtime = (struct k_statx_ts){ st.st_mtime, (uint32_t)st.st_mtime_nsec,
					0 };
	sx.ctime = (struct k_statx_ts){ st.st_ctime, (uint32_t)st.st_ctime_nsec,
					0 };
	sx.rdev_major = ino->rdev >> 8;
	sx.rdev_minor = ino->rdev & 0xff;
	sx.dev_minor = (uint32_t)st.st_dev & 0xff; /* major 0 */
	return copy_to_user((void *)a->arg[4], &sx, sizeof(sx));
}

static long do_dup(int oldfd, int newfd, int flags)
{
	struct file *f = fd_get(oldfd);

	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	if (current->files->fd[newfd])
		fd_close(newfd);
	file_get(f);
	return fd_install(f, newfd, flags & O_CLOEXEC);
}

static long sys_dup(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	int fd;

	if (!f)
		return -EBADF;
	file_get(f);
	fd = fd_install(f, 0, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sys_dup2(const struct sysargs *a)
{
	return do_dup((int)a->arg[0], (int)a->arg[1], 0);
}

static long sys_dup3(const struct sysargs *a)
{
	if (a->arg[0] == a->arg[1])
		return -EINVAL;
	return do_dup((int)a->arg[0], (int)a->arg[1], (int)a->arg[2]);
}

static long sys_fcntl(const struct sysargs *a)
{
	int fd = (int)a->arg[0];
	struct file *f = fd_get(fd);
	int nfd;

	if (!f)
		return -EBADF;
	switch (a->arg[1]) {
	case 0: /* F_DUPFD */
	case 1030: /* F_DUPFD_CLOEXEC */
		if (a->arg[2] >= FD_MAX)
			return -EINVAL;
		file_get(f);
		nfd = fd_install(f, (int)a->arg[2], a->arg[1] == 1030);
		if (nfd < 0)
			file_put(f);
		return nfd;
	case 1: /* F_GETFD */
		return (current->files->cloexec[fd / 64] >> (fd % 64)) & 1;
	case 2: /* F_SETFD */
		if (a->arg[2] & 1)
			current->files->cloexec[fd / 64] |= 1ull << (fd % 64);
		else
			current->files->cloexec[fd / 64] &=
				~(1ull << (fd % 64));
		return 0;
	case 3: /* F_GETFL */
		return f->flags;
	case 4: /* F_SETFL */
		f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) |
			   ((uint32_t)a->arg[2] & (O_APPEND | O_NONBLOCK));
		return 0;
	case 5: /* F_GETLK */
	case 6: /* F_SETLK */
	case 7: /* F_SETLKW */
	case 36: /* F_OFD_GETLK */
	case 37: /* F_OFD_SETLK */
	case 38: /* F_OFD_SETLKW */
		return lock_fcntl(f, (int)a->arg[1], a->arg[2]);
	case 1032: /* F_GETPIPE_SZ */
		return S_ISFIFO(f->ino->mode) ? 65536 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static long sys_pipe2(const struct sysargs *a)
{
	struct file *rd, *wr;
	int fds[2], rc;

	if (a->arg[1] & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	rc = pipe_create(&rd, &wr);
	if (rc)
		return rc;
	rd->flags |= (uint32_t)a->arg[1] & O_NONBLOCK;
	wr->flags |= (uint32_t)a->arg[1] & O_NONBLOCK;
	fds[0] = fd_install(rd, 0, a->arg[1] & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE :
			      fd_install(wr, 0, a->arg[1] & O_CLOEXEC);
	if (fds[1] < 0 || copy_to_user((void *)a->arg[0], fds, sizeof(fds))) {
		if (fds[0] >= 0)
			fd_close(fds[0]);
		else
			file_put(rd);
		if (fds[1] >= 0)
			fd_close(fds[1]);
		else
			file_put(wr);
		return fds[1] < 0 ? -EMFILE : -EFAULT;
	}
	return 0;
}

static long sys_pipe(const struct sysargs *a)
{
	struct sysargs b = { { a->arg[0], 0 }, a->f };

	return sys_pipe2(&b);
}

#define AT_EACCESS 0x200

/* access(2) checks with the real ids (AT_EACCESS: the effective ones),
 * the whole lookup included: the fs ids stand in for the call. */
static long do_access(int dirfd, uint64_t upath, int mode, int flags)
{
	struct cred *c = &current->cred;
	uint32_t fsuid = c->fsuid, fsgid = c->fsgid;
	struct inode *ino;
	int rc;

	if (mode & ~7)
		return -EINVAL;
	if (!(flags & AT_EACCESS))
		c->fsuid = c->uid, c->fsgid = c->gid;
	rc = lookup_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW),
		       flags & AT_EMPTY_PATH, &ino);
	if (!rc)
		rc = vfs_permission(ino, mode);
	c->fsuid = fsuid, c->fsgid = fsgid;
	return rc;
}

static long sys_access(const struct sysargs *a)
{
	return do_access(AT_FDCWD, a->arg[0], (int)a->arg[1], 0);
}

static long sys_faccessat(const struct sysargs *a)
{
	return do_access((int)a->arg[0], a->arg[1], (int)a->arg[2], 0);
}

static long sys_faccessat2(const struct sysargs *a)
{
	return do_access((int)a->arg[0], a->arg[1], (int)a->arg[2],
			 (int)a->arg[3]);
}

static long set_mode(struct inode *ino, uint32_t mode)
{
	int rc = vfs_may_own(ino);

	if (rc)
		return rc;
	mode = vfs_chmod_mode(ino, mode);
	if (ino->iops && ino->iops->chmod)
		rc = ino->iops->chmod(ino, mode & 07777);
	else
		ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	if (rc)
		return rc;
	ino->ctime_ns = time_realtime_ns();
	inotify_inode_event(ino, IN_ATTRIB);
	return 0;
}

static long sys_chmod(const struct sysargs *a)
{
	struct inode *ino;
	int rc = lookup_at(AT_FDCWD, a->arg[0], true, false, &ino);

	return rc ? rc : set_mode(ino, (uint32_t)a->arg[1]);
}

static long sys_fchmod(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	return f ? set_mode(f->ino, (uint32_t)a->arg[1]) : -EBADF;
}

static long sys_fchmodat(const struct sysargs *a)
{
	struct inode *ino;
	int rc = lookup_at((int)a->arg[0], a->arg[1], true, false, &ino);

	return rc ? rc : set_mode(ino, (uint32_t)a->arg[2]);
}

static long set_owner(struct inode *ino, uint64_t uid, uint64_t gid)
{
	int rc = vfs_may_chown(ino, (uint32_t)uid, (uint32_t)gid);

	if (rc)
		return rc;
	/* a new owner does not inherit set-id powers (Linux, root too) */
	if (S_ISREG(ino->mode)) {
		ino->mode &= ~(uint32_t)S_ISUID;
		if (ino->mode & 010)
			ino->mode &= ~(uint32_t)S_ISGID;
	}
	if ((uint32_t)uid != 0xffffffffu)
		ino->uid = (uint32_t)uid;
	if ((uint32_t)gid != 0xffffffffu)
		ino->gid = (uint32_t)gid;
	ino->ctime_ns = time_realtime_ns();
	inotify_inode_event(ino, IN_ATTRIB);
	return 0;
}

static long sys_chown(const struct sysargs *a)
{
	struct inode *ino;
	int rc = lookup_at(AT_FDCWD, a->arg[0], true, false, &ino);

	return rc ? rc : set_owner(ino, a->arg[1], a->arg[2]);
}

static long sys_lchown(const struct sysargs *a)
{
	struct inode *ino;
	int rc = lookup_at(AT_FDCWD, a->arg[0], false, false, &ino);

	return rc ? rc : set_owner(ino, a->arg[1], a->arg[2]);
}

static long sys_fchown(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	return f ? set_owner(f->ino, a->arg[1], a->arg[2]) : -EBADF;
}

static long sys_fchownat(const struct sysargs *a)
{
	struct inode *ino;
	int rc = lookup_at((int)a->arg[0], a->arg[1],
			   !(a->arg[4] & AT_SYMLINK_NOFOLLOW),
			   a->arg[4] & AT_EMPTY_PATH, &ino);

	return rc ? rc : set_owner(ino, a->arg[2], a->arg[3]);
}

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* Times other than UTIME_NOW and UTIME_OMIT: the owner's to set. */
static bool times_explicit(const int64_t ts[4])
{
	for (int i = 0; i < 2; i++)
		if (ts[2 * i + 1] != UTIME_NOW && ts[2 * i + 1] != UTIME_OMIT)
			return true;
	return false;
}

/*
 * The times of (dirfd, upath), or of the file dirfd if upath is 0 (utimensat's NULL path):
 * ts holds {atime sec, nsec, mtime sec, nsec} with UTIME_NOW and UTIME_OMIT, or is NULL for
 * "both now"; at_flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. The one body of utimensat, futimesat, utimes and utime.
 */
static long set_times(int dirfd, uint64_t upath, const int64_t *ts,
		      uint64_t at_flags)
{
	int64_t now = time_realtime_ns();
	struct inode *ino;
	int rc;

	for (int i = 0; ts && i < 2; i++)
		if ((ts[2 * i + 1] < 0 || ts[2 * i + 1] > 999999999) &&
		    ts[2 * i + 1] != UTIME_NOW && ts[2 * i + 1] != UTIME_OMIT)
			return -EINVAL;
	if (upath)
		rc = lookup_at(dirfd, upath, !(at_flags & AT_SYMLINK_NOFOLLOW),
			       at_flags & AT_EMPTY_PATH, &ino);
	else if (fd_get(dirfd))
		ino = fd_get(dirfd)->ino, rc = 0;
	else
		rc = -EBADF;
	if (rc)
		return rc;
	if (!ts) {
		rc = vfs_may_touch(ino, false);
		if (!rc) {
			ino->atime_ns = ino->mtime_ns = now;
			inotify_inode_event(ino, IN_ATTRIB);
		}
		return rc;
	}
	if (ts[1] == UTIME_OMIT && ts[3] == UTIME_OMIT)
		return 0;
	rc = vfs_may_touch(ino, times_explicit(ts));
	if (rc)
		return rc;
	for (int i = 0; i < 2; i++) {
		int64_t *t = i ? &ino->mtime_ns : &ino->atime_ns;

		if (ts[2 * i + 1] == UTIME_OMIT)
			continue;
		*t = ts[2 * i + 1] == UTIME_NOW ?
			     now :
			     ts[2 * i] * 1000000000ll + ts[2 * i + 1];
	}
	ino->ctime_ns = now;
	/* Linux's fsnotify_change: both times ATTRIB, atime alone ACCESS,
	 * mtime alone MODIFY */
	inotify_inode_event(ino, ts[1] != UTIME_OMIT && ts[3] != UTIME_OMIT ?
					 IN_ATTRIB :
				 ts[1] != UTIME_OMIT ? IN_ACCESS :
						       IN_MODIFY);
	return 0;
}

static long sys_utimensat(const struct sysargs *a)
{
	int64_t ts[4];

	if (a->arg[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a->arg[2] && copy_from_user(ts, (void *)a->arg[2], sizeof(ts)))
		return -EFAULT;
	return set_times((int)a->arg[0], a->arg[1], a->arg[2] ? ts : NULL,
			 a->arg[3]);
}

/* futimesat and utimes: two struct timevals (microseconds), or NULL for now. */
static long times_tv(int dirfd, uint64_t upath, uint64_t utv)
{
	int64_t tv[4];

	if (!utv)
		return set_times(dirfd, upath, NULL, 0);
	if (copy_from_user(tv, (void *)utv, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[2 * i + 1] < 0 || tv[2 * i + 1] >= 1000000)
			return -EINVAL;
		tv[2 * i + 1] *= 1000;
	}
	return set_times(dirfd, upath, tv, 0);
}

static long sys_futimesat(const struct sysargs *a)
{
	return times_tv((int)a->arg[0], a->arg[1], a->arg[2]);
}

static long sys_utimes(const struct sysargs *a)
{
	return times_tv(AT_FDCWD, a->arg[0], a->arg[1]);
}

/* utime: a struct utimbuf (two seconds), or NULL for now. */
static long sys_utime(const struct sysargs *a)
{
	int64_t ub[2], ts[4];

	if (!a->arg[1])
		return set_times(AT_FDCWD, a->arg[0], NULL, 0);
	if (copy_from_user(ub, (void *)a->arg[1], sizeof(ub)))
		return -EFAULT;
	ts[0] = ub[0];
	ts[1] = 0;
	ts[2] = ub[1];
	ts[3] = 0;
	return set_times(AT_FDCWD, a->arg[0], ts, 0);
}

static long do_truncate(struct inode *ino, int64_t len)
{
	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (ino->iops && ino->iops->truncate)
		return ino->iops->truncate(ino, (uint64_t)len);
	if (!S_ISREG(ino->mode) || ino->iops)
		return -EINVAL;
	return ramfs_truncate(ino, (uint64_t)len);
}

static long sys_truncate(const struct sysargs *a)
{
	struct inode *ino;
	int rc = lookup_at(AT_FDCWD, a->arg[0], true, false, &ino);

	if (!rc && !S_ISDIR(ino->mode))
		rc = vfs_permission(ino, MAY_WRITE);
	return rc ? rc : do_truncate(ino, (int64_t)a->arg[1]);
}

static long sys_ftruncate(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	return do_truncate(f->ino, (int64_t)a->arg[1]);
}

/* The ramfs is in memory: nothing to flush; a volume's file gets a Tfsync. */
static long sys_fsync(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	return f ? p9fs_fsync(f, false) : -EBADF;
}

static long sys_fdatasync(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	return f ? p9fs_fsync(f, true) : -EBADF;
}

static long sys_sync(const struct sysargs *a)
{
	return 0;
}

/* As sync: the ramfs holds nothing to flush, and a volume's writes are not cached. */
static long sys_syncfs(const struct sysargs *a)
{
	return fd_get((int)a->arg[0]) ? 0 : -EBADF;
}

/* Linux's checks; then nothing to start (writes are not cached in the guest). */
static long sys_sync_file_range(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	if (!f)
		return -EBADF;
	if (a->arg[3] & ~7ull || (int64_t)a->arg[1] < 0 ||
	    (int64_t)a->arg[2] < 0)
		return -EINVAL;
	if (!S_ISREG(f->ino->mode) && !S_ISDIR(f->ino->mode))
		return -ESPIPE;
	return 0;
}

/* A hint: the ramfs is memory, and a volume's client reads ahead by itself if at all. */
static long sys_readahead(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	if (!f)
		return -EBADF;
	return S_ISREG(f->ino->mode) ? 0 : -EINVAL;
}

static long sys_umask(const struct sysargs *a)
{
	uint32_t old = current->umask;

	current->umask = (uint32_t)a->arg[0] & 0777;
	return old;
}

static long sys_ioctl(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	int fd = (int)a->arg[0];

	if (!f)
		return -EBADF;
	switch (a->arg[1]) {
	case 0x5451: /* FIOCLEX */
		current->files->cloexec[fd / 64] |= 1ull << (fd % 64);
		return 0;
	case 0x5450: /* FIONCLEX */
		current->files->cloexec[fd / 64] &= ~(1ull << (fd % 64));
		return 0;
	case 0x5421: { /* FIONBIO */
		int on;

		if (copy_from_user(&on, (void *)a->arg[2], sizeof(on)))
			return -EFAULT;
		f->flags = on ? f->flags | O_NONBLOCK :
				f->flags & ~(uint32_t)O_NONBLOCK;
		return 0;
	}
	}
	if (f->ops && f->ops->ioctl)
		return f->ops->ioctl(f, a->arg[1], a->arg[2]);
	return -ENOTTY;
}

static long sys_sendfile(const struct sysargs *a)
{
	struct file *out = fd_get((int)a->arg[0]), *in = fd_get((int)a->arg[1]);
	size_t n = a->arg[3] < RW_MAX ? a->arg[3] : RW_MAX, done = 0;
	uint64_t off = 0, save = 0;
	char *buf;
	long r = 0;

	if (!out || !in)
		return -EBADF;
	/* As on Linux, only files and devices are read (a pipe, socket or
	 * event file is EINVAL): the loop below runs with interrupts off,
	 * and a pipe sent into itself would never end. */
	if (!S_ISREG(in->ino->mode) && !S_ISCHR(in->ino->mode))
		return -EINVAL;
	if (a->arg[2] && copy_from_user(&off, (void *)a->arg[2], sizeof(off)))
		return -EFAULT;
	buf = kmalloc(PAGE_SIZE * 4);
	if (!buf)
		return -ENOMEM;
	if (a->arg[2]) {
		save = in->pos;
		in->pos = off;
	}
	current->uaccess_kernel = true;
	while (done < n) {
		size_t k = n - done < PAGE_SIZE * 4 ? n - done : PAGE_SIZE * 4;
		long w;

		r = file_read(in, buf, k);
		if (r <= 0)
			break;
		w = file_write(out, buf, (size_t)r);
		if (w < 0) {
			r = w;
			break;
		}
		done += (size_t)w;
		if (w < r)
			break;
	}
	current->uaccess_kernel = false;
	kfree(buf);
	if (a->arg[2]) {
		off = in->pos;
		in->pos = save;
		if (copy_to_user((void *)a->arg[2], &off, sizeof(off)))
			return -EFAULT;
	}
	return done ? (long)done : r;
}

/* copy_file_range between two regular files (ramfs contents). */
static long sys_copy_file_range(const struct sysargs *a)
{
	struct file *in = fd_get((int)a->arg[0]), *out = fd_get((int)a->arg[2]);
	uint64_t ioff, ooff;
	size_t n = a->arg[4], done = 0;
	char *buf;
	long r = 0;

	if (a->arg[5])
		return -EINVAL;
	if (!in || !out || (in->flags & O_PATH) || (out->flags & O_PATH) ||
	    (in->flags & O_ACCMODE) == O_WRONLY ||
	    (out->flags & O_ACCMODE) == O_RDONLY || (out->flags & O_APPEND))
		return -EBADF;
	if (S_ISDIR(in->ino->mode) || S_ISDIR(out->ino->mode))
		return -EISDIR;
	if (!S_ISREG(in->ino->mode) || !S_ISREG(out->ino->mode) || in->ops ||
	    out->ops || in->gen || in->ino->iops || out->ino->iops)
		return -EINVAL;
	ioff = in->pos;
	ooff = out->pos;
	if (a->arg[1] && copy_from_user(&ioff, (void *)a->arg[1], sizeof(ioff)))
		return -EFAULT;
	if (a->arg[3] && copy_from_user(&ooff, (void *)a->arg[3], sizeof(ooff)))
		return -EFAULT;
	if ((int64_t)ioff < 0 || (int64_t)ooff < 0)
		return -EINVAL;
	/* Linux refuses overlapping ranges within one file. */
	if (in->ino == out->ino && ioff < ooff + n && ooff < ioff + n)
		return -EINVAL;
	buf = kmalloc(PAGE_SIZE * 4);
	if (!buf)
		return -ENOMEM;
	while (done < n) {
		size_t k = n - done < PAGE_SIZE * 4 ? n - done : PAGE_SIZE * 4;
		long w;

		r = ramfs_read(in->ino, ioff + done, buf, k, false);
		if (r <= 0)
			break;
		w = ramfs_write(out->ino, ooff + done, buf, (size_t)r, false);
		if (w < 0) {
			r = w;
			break;
		}
		done += (size_t)w;
		if (w < r)
			break;
	}
	kfree(buf);
	if (!done && r < 0)
		return r;
	ioff += done;
	ooff += done;
	if (!a->arg[1])
		in->pos = ioff;
	else if (copy_to_user((void *)a->arg[1], &ioff, sizeof(ioff)))
		return -EFAULT;
	if (!a->arg[3])
		out->pos = ooff;
	else if (copy_to_user((void *)a->arg[3], &ooff, sizeof(ooff)))
		return -EFAULT;
	return (long)done;
}

static long sys_fadvise64(const struct sysargs *a)
{
	return fd_get((int)a->arg[0]) ? 0 : -EBADF;
}

#define MFD_CLOEXEC 1
#define MFD_NAME_MAX 249 /* Linux's: "memfd:" + name fits NAME_MAX */

/* An anonymous ramfs file (no name in any directory): read, write, mmap
 * (MAP_SHARED too) and ftruncate work on it as on any file. Sealing and
 * huge pages are refused (EINVAL), as by a kernel built without them. */
static long sys_memfd_create(const struct sysargs *a)
{
	char name[MFD_NAME_MAX + 2], *path;
	struct inode *ino;
	struct file *f;
	long n = strncpy_from_user(name, (const char *)a->arg[0], sizeof(name));

	if (n < 0)
		return n == -ENAMETOOLONG ? -EINVAL : n;
	if (n > MFD_NAME_MAX || (a->arg[1] & ~(uint64_t)MFD_CLOEXEC))
		return -EINVAL;
	path = kmalloc((size_t)n + 20);
	ino = inode_new(S_IFREG | 0777);
	f = ino ? file_new(ino, O_RDWR) : NULL;
	if (!path || !f) {
		kfree(path);
		if (f)
			file_put(f); /* frees ino with it */
		else
			kfree(ino);
		return -ENOMEM;
	}
	/* what /proc/self/fd shows, as on Linux */
	fmt_snprintf(path, (size_t)n + 20, "/memfd:%s (deleted)", name);
	f->path = path;
	return fd_install_or_put(f, a->arg[1] & MFD_CLOEXEC);
}

#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02
#define FALLOC_FL_ZERO_RANGE 0x10

/* Zeroes [off, end) of a ramfs file, within its size. */
static int zero_range(struct inode *ino, uint64_t off, uint64_t end)
{
	static const uint8_t zeros[PAGE_SIZE];

	if (end > ino->size)
		end = ino->size;
	while (off < end) {
		size_t n = end - off < PAGE_SIZE ? end - off : PAGE_SIZE;
		long w = ramfs_write(ino, off, zeros, n, false);

		if (w < 0)
			return (int)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* The ramfs keeps no blocks apart from data, so allocating is setting the
 * size; punching or zeroing a range writes zeros. Volumes: EOPNOTSUPP. */
static long sys_fallocate(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	int mode = (int)a->arg[1], rc;
	int64_t off = (int64_t)a->arg[2], len = (int64_t)a->arg[3];
	uint64_t end;

	if (!f)
		return -EBADF;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if ((uint64_t)len > FILE_SIZE_MAX ||
	    (uint64_t)off > FILE_SIZE_MAX - (uint64_t)len)
		return -EFBIG;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (S_ISDIR(f->ino->mode))
		return -EISDIR;
	if (S_ISFIFO(f->ino->mode))
		return -ESPIPE;
	if (!S_ISREG(f->ino->mode) || f->ops)
		return -ENODEV;
	if (f->ino->iops)
		return -EOPNOTSUPP;
	end = (uint64_t)(off + len);
	switch (mode) {
	case 0:
	case FALLOC_FL_KEEP_SIZE:
		/* A limited tmpfs gives the pages now, or ENOSPC (Linux). */
		rc = f->ino->sb && f->ino->sb->max_pages ?
			     ramfs_reserve(f->ino, (uint64_t)off, end) :
			     0;
		break;
	case FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE:
	case FALLOC_FL_ZERO_RANGE:
	case FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE:
		rc = zero_range(f->ino, (uint64_t)off, end);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (!rc && !(mode & FALLOC_FL_KEEP_SIZE) && end > f->ino->size)
		rc = ramfs_truncate(f->ino, end);
	return rc;
}

struct k_statfs {
	int64_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

static long put_statfs(struct inode *ino, uint64_t ubuf)
{
	struct p9fs_statfs v;
	struct k_statfs s;
	int rc = p9fs_statfs(ino, &v);

	memset(&s, 0, sizeof(s));
	if (rc != -ENODEV) { /* a volume: dom0's file system's figures */
		if (rc)
			return rc;
		s.f_type = 0x01021997; /* V9FS_MAGIC */
		s.f_bsize = s.f_frsize = (int64_t)v.bsize;
		s.f_blocks = (int64_t)v.blocks;
		s.f_bfree = (int64_t)v.bfree;
		s.f_bavail = (int64_t)v.bavail;
		s.f_files = (int64_t)v.files;
		s.f_ffree = (int64_t)v.ffree;
		s.f_namelen = (int64_t)v.namelen;
		return copy_to_user((void *)ubuf, &s, sizeof(s));
	}
	s.f_bsize = s.f_frsize = PAGE_SIZE;
	s.f_namelen = 255;
	if (inode_sb(ino)->read_only)
		s.f_flags = 1; /* ST_RDONLY */
	if (ino->sb && ino->sb->max_pages) { /* a tmpfs: its own limits */
		const struct ramfs_sb *sb = ino->sb;

		s.f_type = 0x01021994; /* TMPFS_MAGIC */
		s.f_blocks = (int64_t)sb->max_pages;
		s.f_bfree = s.f_bavail =
			(int64_t)(sb->max_pages - sb->used_pages);
		s.f_files = (int64_t)sb->max_inodes;
		s.f_ffree = (int64_t)(sb->max_inodes - sb->used_inodes);
		return copy_to_user((void *)ubuf, &s, sizeof(s));
	}
	s.f_type = 0x858458f6; /* RAMFS_MAGIC */
	s.f_blocks = (int64_t)page_total_count();
	s.f_bfree = s.f_bavail = (int64_t)page_free_count();
	s.f_files = 1 << 20;
	s.f_ffree = 1 << 20;
	return copy_to_user((void *)ubuf, &s, sizeof(s));
}

static long sys_statfs(const struct sysargs *a)
{
	struct inode *ino;
	int rc = lookup_at(AT_FDCWD, a->arg[0], true, false, &ino);

	return rc ? rc : put_statfs(ino, a->arg[1]);
}

static long sys_fstatfs(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	return f ? put_statfs(f->ino, a->arg[1]) : -EBADF;
}

void sys_fs_register(sys_fn *t)
{
	sys_inotify_register(t);
	t[NR_read] = sys_read;
	t[NR_write] = sys_write;
	t[NR_readv] = sys_readv;
	t[NR_preadv] = sys_preadv;
	t[NR_pwritev] = sys_pwritev;
	t[NR_preadv2] = sys_preadv2;
	t[NR_pwritev2] = sys_pwritev2;
	t[NR_writev] = sys_writev;
	t[NR_pread64] = sys_pread64;
	t[NR_pwrite64] = sys_pwrite64;
	t[NR_open] = sys_open;
	t[NR_openat] = sys_openat;
	t[NR_creat] = sys_creat;
	t[NR_close] = sys_close;
	t[NR_close_range] = sys_close_range;
	t[NR_lseek] = sys_lseek;
	t[NR_fstat] = sys_fstat;
	t[NR_stat] = sys_stat;
	t[NR_lstat] = sys_lstat;
	t[NR_newfstatat] = sys_newfstatat;
	t[NR_statx] = sys_statx;
	t[NR_dup] = sys_dup;
	t[NR_dup2] = sys_dup2;
	t[NR_dup3] = sys_dup3;
	t[NR_fcntl] = sys_fcntl;
	t[NR_pipe] = sys_pipe;
	t[NR_pipe2] = sys_pipe2;
	t[NR_access] = sys_access;
	t[NR_faccessat] = sys_faccessat;
	t[NR_faccessat2] = sys_faccessat2;
	t[NR_chmod] = sys_chmod;
	t[NR_fchmod] = sys_fchmod;
	t[NR_fchmodat] = sys_fchmodat;
	t[NR_chown] = sys_chown;
	t[NR_lchown] = sys_lchown;
	t[NR_fchown] = sys_fchown;
	t[NR_fchownat] = sys_fchownat;
	t[NR_utimensat] = sys_utimensat;
	t[NR_syncfs] = sys_syncfs;
	t[NR_sync_file_range] = sys_sync_file_range;
	t[NR_readahead] = sys_readahead;
	t[NR_futimesat] = sys_futimesat;
	t[NR_utimes] = sys_utimes;
	t[NR_utime] = sys_utime;
	t[NR_truncate] = sys_truncate;
	t[NR_ftruncate] = sys_ftruncate;
	t[NR_fsync] = sys_fsync;
	t[NR_fdatasync] = sys_fdatasync;
	t[NR_sync] = sys_sync;
	t[NR_umask] = sys_umask;
	t[NR_ioctl] = sys_ioctl;
	t[NR_sendfile] = sys_sendfile;
	t[NR_copy_file_range] = sys_copy_file_range;
	t[NR_fadvise64] = sys_fadvise64;
	t[NR_memfd_create] = sys_memfd_create;
	t[NR_fallocate] = sys_fallocate;
	t[NR_statfs] = sys_statfs;
	t[NR_fstatfs] = sys_fstatfs;
}
