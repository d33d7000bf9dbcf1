/* SPDX-License-Identifier: MIT */
/* sys_dir.c: directory system calls: getdents64, mkdir, unlink/rmdir, rename, links, cwd. */
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define DSEQ_MAX (1ull << 40)

static uint8_t dtype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return 4;
	case S_IFREG:
		return 8;
	case S_IFLNK:
		return 10;
	case S_IFCHR:
		return 2;
	case S_IFIFO:
		return 1;
	default:
		return 0;
	}
}

/* Emits one linux_dirent64; returns its size, 0 if it does not fit. */
/*
 * One entry at ubuf: struct linux_dirent64 (d_type before the name), or with old the
 * original getdents's struct linux_dirent (the name at 18, d_type in the record's last
 * byte). Its length, 0 if it does not fit in room, or -EFAULT.
 */
static long put_dirent(uint64_t ubuf, size_t room, uint64_t ino, int64_t off,
		       uint8_t type, const char *name, bool old)
{
	uint8_t rec[280];
	size_t nl = strlen(name), at = old ? 18 : 19;
	size_t len = (at + nl + 1 + old + 7) & ~(size_t)7;
	uint16_t reclen = (uint16_t)len;

	if (len > room)
		return 0;
	memset(rec, 0, len);
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &off, 8);
	memcpy(rec + 16, &reclen, 2);
	rec[old ? len - 1 : 18] = type;
	memcpy(rec + at, name, nl);
	if (copy_to_user((void *)ubuf, rec, len))
		return -EFAULT;
	return (long)len;
}

/* The next directory entry at or after position pos. */
static int dir_next(struct inode *dir, uint64_t pos, char *name,
		    struct inode **ino_r, uint64_t *next_r)
{
	if (pos == 0 || pos == 1) {
		strlcpy(name, pos ? ".." : ".", 256);
		*ino_r = pos ? (dir->parent ? dir->parent : dir) : dir;
		*next_r = pos + 1;
		return 0;
	}
	if (dir->iops && dir->iops->readdir) {
		*next_r = pos + 1;
		return dir->iops->readdir(dir, pos - 2, name, 256, ino_r);
	}
	struct dentry *d;

	list_for_each(d, &dir->children, node) {
		uint64_t p = 2 + (DSEQ_MAX - d->seq);

		if (p < pos)
			continue;
		strlcpy(name, d->name, 256);
		*ino_r = d->ino;
		*next_r = p + 1;
		return 0;
	}
	return -ENOENT;
}

static long do_getdents(const struct sysargs *a, bool old)
{
	struct file *f = fd_get((int)a->arg[0]);
	uint64_t ubuf = a->arg[1], next;
	size_t room = a->arg[2], used = 0;
	struct inode *ino;
	char name[256];

	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->ino->mode))
		return -ENOTDIR;
	while (dir_next(f->ino, f->pos, name, &ino, &next) == 0) {
		long r = put_dirent(ubuf + used, room - used, ino->ino,
				    (int64_t)next, dtype(ino->mode), name, old);

		if (r < 0)
			return r;
		if (r == 0) {
			if (!used)
				return -EINVAL;
			break;
		}
		used += (size_t)r;
		f->pos = next;
	}
	return (long)used;
}

static long sys_getdents64(const struct sysargs *a)
{
	return do_getdents(a, false);
}

static long sys_getdents(const struct sysargs *a)
{
	return do_getdents(a, true);
}

/* Resolves (dirfd, path) to a parent directory and final name. */
int parent_at(int dirfd, uint64_t upath, char **buf_r, struct inode **dir_r,
	      char **name_r)
{
	struct inode *base;
	long n = get_path(upath, buf_r);
	int rc;

	if (n < 0)
		return (int)n;
	rc = at_base(dirfd, *buf_r, &base);
	if (!rc)
		rc = vfs_lookup_parent(base, *buf_r, dir_r, name_r);
	if (!rc &&
	    (!**name_r || !strcmp(*name_r, ".") || !strcmp(*name_r, "..")))
		rc = -EEXIST;
	if (rc)
		kfree(*buf_r);
	return rc;
}

static long do_mkdir(int dirfd, uint64_t upath, uint32_t mode)
{
	struct inode *dir, *ino;
	char *buf, *name;
	int rc = parent_at(dirfd, upath, &buf, &dir, &name);

	if (rc)
		return rc;
	/* Linux keeps only the sticky bit of the set-id ones; a setgid
	 * parent passes its own on (vfs_mknod) */
	rc = vfs_mknod(dir, name, S_IFDIR | (mode & 01777 & ~current->umask),
		       &ino);
	kfree(buf);
	return rc;
}

static long sys_mkdir(const struct sysargs *a)
{
	return do_mkdir(AT_FDCWD, a->arg[0], (uint32_t)a->arg[1]);
}

static long sys_mkdirat(const struct sysargs *a)
{
	return do_mkdir((int)a->arg[0], a->arg[1], (uint32_t)a->arg[2]);
}

static long do_unlink(int dirfd, uint64_t upath, int flags)
{
	struct inode *dir;
	char *buf, *name;
	int rc = parent_at(dirfd, upath, &buf, &dir, &name);

	if (rc)
		return rc == -EEXIST ? -EINVAL : rc;
	if (flags & AT_REMOVEDIR)
		rc = vfs_unlink(dir, name, true, true);
	else
		rc = vfs_unlink(dir, name, false, false);
	kfree(buf);
	return rc;
}

static long sys_unlink(const struct sysargs *a)
{
	return do_unlink(AT_FDCWD, a->arg[0], 0);
}

static long sys_rmdir(const struct sysargs *a)
{
	return do_unlink(AT_FDCWD, a->arg[0], AT_REMOVEDIR);
}

static long sys_unlinkat(const struct sysargs *a)
{
	return do_unlink((int)a->arg[0], a->arg[1], (int)a->arg[2]);
}

static long do_rename(int ofd, uint64_t oldp, int nfd, uint64_t newp)
{
	struct inode *odir, *ndir;
	char *obuf, *oname, *nbuf, *nname;
	int rc = parent_at(ofd, oldp, &obuf, &odir, &oname);

	if (rc)
		return rc == -EEXIST ? -EBUSY : rc;
	rc = parent_at(nfd, newp, &nbuf, &ndir, &nname);
	if (rc) {
		kfree(obuf);
		return rc == -EEXIST ? -EBUSY : rc;
	}
	rc = vfs_rename(odir, oname, ndir, nname);
	kfree(obuf);
	kfree(nbuf);
	return rc;
}

static long sys_rename(const struct sysargs *a)
{
	return do_rename(AT_FDCWD, a->arg[0], AT_FDCWD, a->arg[1]);
}

static long sys_renameat(const struct sysargs *a)
{
	return do_rename((int)a->arg[0], a->arg[1], (int)a->arg[2], a->arg[3]);
}

static long sys_renameat2(const struct sysargs *a)
{
	if (a->arg[4] & ~1ull) /* only RENAME_NOREPLACE */
		return -EINVAL;
	if (a->arg[4] & 1) {
		struct inode *ino;

		if (lookup_at((int)a->arg[2], a->arg[3], false, false, &ino) ==
		    0)
			return -EEXIST;
	}
	return do_rename((int)a->arg[0], a->arg[1], (int)a->arg[2], a->arg[3]);
}

static long do_link(int ofd, uint64_t oldp, int nfd, uint64_t newp, int flags)
{
	struct inode *ino, *dir;
	char *buf, *name;
	int rc = lookup_at(ofd, oldp, flags & AT_SYMLINK_FOLLOW, false, &ino);

	if (rc)
		return rc;
	if (S_ISDIR(ino->mode))
		return -EPERM;
	rc = parent_at(nfd, newp, &buf, &dir, &name);
	if (rc)
		return rc;
	rc = vfs_link(dir, name, ino);
	kfree(buf);
	return rc;
}

static long sys_link(const struct sysargs *a)
{
	return do_link(AT_FDCWD, a->arg[0], AT_FDCWD, a->arg[1], 0);
}

static long sys_linkat(const struct sysargs *a)
{
	return do_link((int)a->arg[0], a->arg[1], (int)a->arg[2], a->arg[3],
		       (int)a->arg[4]);
}

static long do_symlink(uint64_t target, int nfd, uint64_t newp)
{
	struct inode *dir;
	char *tbuf, *buf, *name;
	long n = get_path(target, &tbuf);
	int rc;

	if (n < 0)
		return n;
	if (n == 0) {
		kfree(tbuf);
		return -ENOENT;
	}
	rc = parent_at(nfd, newp, &buf, &dir, &name);
	if (!rc) {
		rc = vfs_symlink(dir, name, tbuf);
		kfree(buf);
	}
	kfree(tbuf);
	return rc;
}

static long sys_symlink(const struct sysargs *a)
{
	return do_symlink(a->arg[0], AT_FDCWD, a->arg[1]);
}

static long sys_symlinkat(const struct sysargs *a)
{
	return do_symlink(a->arg[0], (int)a->arg[1], a->arg[2]);
}

static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, size_t n)
{
	struct inode *ino;
	char *buf;
	int rc = lookup_at(dirfd, upath, false, false, &ino), len;

	if (rc)
		return rc;
	if ((int64_t)n <= 0)
		return -EINVAL;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	len = vfs_readlink(ino, buf, PATH_MAX);
	if (len >= 0) {
		if ((size_t)len > n)
			len = (int)n;
		if (copy_to_user((void *)ubuf, buf, (size_t)len))
			len = -EFAULT;
	}
	kfree(buf);
	return len;
}

static long sys_readlink(const struct sysargs *a)
{
	return do_readlink(AT_FDCWD, a->arg[0], a->arg[1], a->arg[2]);
}

static long sys_readlinkat(const struct sysargs *a)
{
	return do_readlink((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]);
}

static long sys_getcwd(const struct sysargs *a)
{
	char *buf = kmalloc(PATH_MAX);
	long n;

	if (!buf)
		return -ENOMEM;
	n = vfs_dir_path(current->cwd, buf, PATH_MAX);
	if (n >= 0 && (size_t)n + 1 > a->arg[1])
		n = -ERANGE;
	if (n >= 0 && copy_to_user((void *)a->arg[0], buf, (size_t)n + 1))
		n = -EFAULT;
	kfree(buf);
	return n < 0 ? n : n + 1;
}

static long sys_chdir(const struct sysargs *a)
{
	struct inode *ino;
	int rc = lookup_at(AT_FDCWD, a->arg[0], true, false, &ino);

	if (rc)
		return rc;
	if (!S_ISDIR(ino->mode))
		return -ENOTDIR;
	rc = vfs_permission(ino, MAY_EXEC);
	if (rc)
		return rc;
	current->cwd = ino;
	return 0;
}

static long sys_fchdir(const struct sysargs *a)
{
	struct file *f = fd_get((int)a->arg[0]);

	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->ino->mode))
		return -ENOTDIR;
	if (vfs_permission(f->ino, MAY_EXEC))
		return -EACCES;
	current->cwd = f->ino;
	return 0;
}

void sys_dir_register(sys_fn *t)
{
	t[NR_getdents64] = sys_getdents64;
	t[NR_getdents] = sys_getdents;
	t[NR_mkdir] = sys_mkdir;
	t[NR_mkdirat] = sys_mkdirat;
	t[NR_unlink] = sys_unlink;
	t[NR_unlinkat] = sys_unlinkat;
	t[NR_rmdir] = sys_rmdir;
	t[NR_rename] = sys_rename;
	t[NR_renameat] = sys_renameat;
	t[NR_renameat2] = sys_renameat2;
	t[NR_link] = sys_link;
	t[NR_linkat] = sys_linkat;
	t[NR_symlink] = sys_symlink;
	t[NR_symlinkat] = sys_symlinkat;
	t[NR_readlink] = sys_readlink;
	t[NR_readlinkat] = sys_readlinkat;
	t[NR_getcwd] = sys_getcwd;
	t[NR_chdir] = sys_chdir;
	t[NR_fchdir] = sys_fchdir;
}
