/* SPDX-License-Identifier: MIT */
/* sys_xattr.c: extended attributes: none are stored; every call answers as Linux does on a file system without them. */
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/vfs.h"

#define XATTR_CREATE 1
#define XATTR_REPLACE 2
#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536

/*
 * Neither the ramfs nor the 9P client keeps extended attributes (Linux's ramfs has none
 * either): get, set and remove answer EOPNOTSUPP, which cp, tar and rsync take as "this file
 * system has none", and list answers an empty list. Arguments are checked first, in Linux's
 * order, so a bad call gets Linux's error.
 */
static int xattr_target(int how, uint64_t arg, struct inode **ino_r)
{
	struct file *f;

	if (how == 'f') {
		f = fd_get((int)arg);
		if (!f)
			return -EBADF;
		*ino_r = f->ino;
		return 0;
	}
	return lookup_at(AT_FDCWD, arg, how != 'l', false, ino_r);
}

static int name_check(uint64_t uname)
{
	char name[XATTR_NAME_MAX + 2];
	size_t n = 0;

	for (;; n++) {
		if (n > XATTR_NAME_MAX)
			return -ERANGE;
		if (copy_from_user(&name[n], (const void *)(uname + n), 1))
			return -EFAULT;
		if (!name[n])
			break;
	}
	return n ? 0 : -ERANGE;
}

static long do_getxattr(const struct sysargs *a, int how)
{
	struct inode *ino;
	int rc = name_check(a->arg[1]);

	if (!rc)
		rc = xattr_target(how, a->arg[0], &ino);
	return rc ? rc : -EOPNOTSUPP;
}

static long do_setxattr(const struct sysargs *a, int how)
{
	struct inode *ino;
	int rc;

	if (a->arg[4] & ~(uint64_t)(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	rc = name_check(a->arg[1]);
	if (!rc && a->arg[3] > XATTR_SIZE_MAX)
		rc = -E2BIG;
	if (!rc)
		rc = xattr_target(how, a->arg[0], &ino);
	return rc ? rc : -EOPNOTSUPP;
}

static long do_listxattr(const struct sysargs *a, int how)
{
	struct inode *ino;
	int rc = xattr_target(how, a->arg[0], &ino);

	return rc ? rc : 0; /* no names */
}

static long do_removexattr(const struct sysargs *a, int how)
{
	struct inode *ino;
	int rc = name_check(a->arg[1]);

	if (!rc)
		rc = xattr_target(how, a->arg[0], &ino);
	return rc ? rc : -EOPNOTSUPP;
}

/* how: 'p' a path (following a final link), 'l' a path (not following), 'f' a descriptor. */
#define XATTR_CALLS(op)                                \
	static long sys_##op(const struct sysargs *a)  \
	{                                              \
		return do_##op(a, 'p');                \
	}                                              \
	static long sys_l##op(const struct sysargs *a) \
	{                                              \
		return do_##op(a, 'l');                \
	}                                              \
	static long sys_f##op(const struct sysargs *a) \
	{                                              \
		return do_##op(a, 'f');                \
	}

XATTR_CALLS(getxattr)
XATTR_CALLS(setxattr)
XATTR_CALLS(listxattr)
XATTR_CALLS(removexattr)

void sys_xattr_register(sys_fn *t)
{
	t[NR_getxattr] = sys_getxattr;
	t[NR_lgetxattr] = sys_lgetxattr;
	t[NR_fgetxattr] = sys_fgetxattr;
	t[NR_setxattr] = sys_setxattr;
	t[NR_lsetxattr] = sys_lsetxattr;
	t[NR_fsetxattr] = sys_fsetxattr;
	t[NR_listxattr] = sys_listxattr;
	t[NR_llistxattr] = sys_llistxattr;
	t[NR_flistxattr] = sys_flistxattr;
	t[NR_removexattr] = sys_removexattr;
	t[NR_lremovexattr] = sys_lremovexattr;
	t[NR_fremovexattr] = sys_fremovexattr;
}
