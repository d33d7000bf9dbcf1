/* SPDX-License-Identifier: MIT */
/* tmpfs.c: the pod's tmpfs mounts (fresh, size-limited ramfs instances) and its read-only root. */
#include "kernel/tmpfs.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/vfs.h"
#include "lib/fmt.h"
#include "lib/spec.h"
#include "lib/string.h"

_Static_assert(TMPFS_MAX == SPEC_TMPFS_MAX,
	       "a mount for every tmpfs token the spec may hold");

/* st_dev of the mounts: minor numbers of major 0 (Linux's anonymous
 * devices), past the root's 1. */
#define TMPFS_DEV_FIRST 0x20u

static struct ramfs_sb mounts[TMPFS_MAX];
static uint32_t mount_mode[TMPFS_MAX];
static size_t n_mounts;
/* /dev under a read-only root: writable, unlimited. */
static struct ramfs_sb dev_sb = { .path = "/dev" };

/* The parent of path's last component, made like mkdir -p in the root
 * file system; *name_r gets the last component. */
static int mount_parent(const char *path, struct inode **dir_r, char *name)
{
	struct inode *cur = vfs_root(), *next;
	char comp[VFS_NAME_MAX + 1];
	int rc;

	if ((rc = vfs_path_next(&path, name)) <= 0)
		return rc ? rc : -EBUSY; /* "/" */
	for (;;) {
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			return -EINVAL;
		rc = vfs_path_next(&path, comp);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		next = vfs_dir_find(cur, name);
		if (!next) {
			rc = vfs_mknod(cur, name, S_IFDIR | 0755, &next);
			if (rc)
				return rc;
		}
		if (!S_ISDIR(next->mode) || next->iops || next->sb)
			return -ENOTDIR; /* a file, /proc, a volume, a tmpfs */
		cur = next;
		memcpy(name, comp, strlen(comp) + 1);
	}
	*dir_r = cur;
	return 0;
}

int tmpfs_mount(const char *path, uint64_t size, uint32_t mode, bool ro)
{
	uint64_t half = page_total_count() / 2;
	char name[VFS_NAME_MAX + 1];
	struct ramfs_sb *sb;
	struct inode *dir, *old, *root;
	struct dentry *d, *found = NULL;
	char *copy;
	int rc;

	if (n_mounts >= TMPFS_MAX)
		return -ENOSPC;
	rc = mount_parent(path, &dir, name);
	if (rc)
		return rc;
	old = vfs_dir_find(dir, name);
	if (old && (!S_ISDIR(old->mode) || old->iops || old->sb))
		return -ENOTDIR;
	sb = &mounts[n_mounts];
	copy = kstrdup(path);
	root = inode_new(S_IFDIR | (mode & 07777));
	if (!copy || !root) {
		kfree(copy);
		kfree(root);
		return -ENOMEM;
	}
	sb->path = copy;
	root->uid = root->gid = 0;
	root->sb = sb;
	sb->root = root;
	sb->max_pages = size ? (size + PAGE_SIZE - 1) / PAGE_SIZE : half;
	sb->max_inodes = half > 1 ? half : 2;
	sb->used_inodes = 1; /* its root, as Linux counts it */
	sb->read_only = ro;
	sb->dev = TMPFS_DEV_FIRST + (uint32_t)n_mounts;
	if (!old) {
		rc = vfs_link(dir, name, root);
		if (rc) {
			kfree(root);
			kfree(copy);
			sb->path = NULL;
			return rc;
		}
	} else {
		/* Cover the image's directory: the entry names the new root;
		 * the old one stays, hidden, as under a Linux mount. */
		list_for_each(d, &dir->children, node)
			if (d->ino == old)
				found = d;
		root->name = kstrdup(name);
		if (!found || !root->name) {
			kfree((void *)root->name);
			kfree(root);
			kfree(copy);
			sb->path = NULL;
			return -ENOMEM;
		}
		found->ino = root;
		root->parent = dir;
		root->nlink = 2;
	}
	mount_mode[n_mounts++] = mode & 07777;
	return 0;
}

/* Gives a subtree of the root file system to sb. */
static void adopt(struct inode *dir, struct ramfs_sb *sb)
{
	struct dentry *d;

	dir->sb = sb;
	list_for_each(d, &dir->children, node) {
		if (d->ino->iops || d->ino->sb)
			continue; /* generated, or a mount of its own */
		if (S_ISDIR(d->ino->mode))
			adopt(d->ino, sb);
		else
			d->ino->sb = sb;
	}
}

void tmpfs_root_read_only(void)
{
	struct inode *dev = vfs_dir_find(vfs_root(), "dev");

	if (dev && S_ISDIR(dev->mode) && !dev->iops && !dev->sb) {
		dev_sb.root = dev;
		adopt(dev, &dev_sb);
	}
	vfs_rootfs_sb.read_only = true;
}

size_t tmpfs_mounts_text(char *buf, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n_mounts && n + 1 < cap; i++) {
		long w = fmt_snprintf(
			buf + n, cap - n,
			"tmpfs %s tmpfs %s,size=%luk,mode=%o 0 0\n",
			mounts[i].path, mounts[i].read_only ? "ro" : "rw",
			(unsigned long)(mounts[i].max_pages *
					(PAGE_SIZE / 1024)),
			mount_mode[i]);

		if (w < 0 || (size_t)w >= cap - n) {
			buf[n] = '\0';
			break;
		}
		n += (size_t)w;
	}
	return n;
}
