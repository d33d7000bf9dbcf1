/* SPDX-License-Identifier: MIT */
/* rootfs.c: unpacks the pod's newc cpio into the ramfs root, refusing unsafe entries. */
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/vfs.h"
#include "lib/cpio.h"
#include "lib/fmt.h"
#include "lib/string.h"

struct hardlink {
	uint32_t ino, dev;
	struct inode *node;
};

struct unpack {
	struct hardlink *links;
	size_t nlinks, cap;
	char path[CPIO_NAME_MAX];
};

/* Finds or creates the directory chain of path's parent. */
static int parent_dir(char *path, struct inode **dir_r, char **name_r)
{
	struct inode *dir = vfs_root();
	char *p = path, *slash;
	int rc;

	while ((slash = strchr(p, '/')) != NULL) {
		struct inode *next;

		*slash = '\0';
		next = vfs_dir_find(dir, p);
		if (!next) {
			rc = vfs_mknod(dir, p, S_IFDIR | 0755, &next);
			if (rc) {
				*slash = '/';
				return rc;
			}
		}
		*slash = '/';
		if (!S_ISDIR(next->mode))
			return -ENOTDIR;
		dir = next;
		p = slash + 1;
	}
	*dir_r = dir;
	*name_r = p;
	return 0;
}

static void set_attrs(struct inode *ino, const struct cpio_entry *e)
{
	ino->mode = (ino->mode & S_IFMT) | (e->mode & 07777);
	ino->uid = e->uid;
	ino->gid = e->gid;
	ino->atime_ns = ino->mtime_ns = ino->ctime_ns =
		(int64_t)e->mtime * 1000000000ll;
}

static struct inode *hardlink_find(struct unpack *u, const struct cpio_entry *e)
{
	uint32_t dev = e->devmajor << 16 | e->devminor;

	for (size_t i = 0; i < u->nlinks; i++)
		if (u->links[i].ino == e->ino && u->links[i].dev == dev)
			return u->links[i].node;
	return NULL;
}

static int hardlink_add(struct unpack *u, const struct cpio_entry *e,
			struct inode *node)
{
	if (u->nlinks == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		struct hardlink *n = kmalloc(cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		if (u->links)
			memcpy(n, u->links, u->nlinks * sizeof(*n));
		kfree(u->links);
		u->links = n;
		u->cap = cap;
	}
	u->links[u->nlinks++] =
		(struct hardlink){ e->ino, e->devmajor << 16 | e->devminor,
				   node };
	return 0;
}

static int add_regular(struct unpack *u, struct inode *dir, const char *name,
		       const struct cpio_entry *e)
{
	struct inode *ino = e->nlink > 1 ? hardlink_find(u, e) : NULL;
	int rc;

	if (ino) {
		rc = vfs_link(dir, name, ino);
	} else {
		rc = vfs_mknod(dir, name, S_IFREG, &ino);
		if (!rc && e->nlink > 1)
			rc = hardlink_add(u, e, ino);
	}
	if (rc)
		return rc;
	/* newc stores a hard-linked file's data with one of its names. */
	if (e->size || !ino->size)
		ramfs_set_ext(ino, e->data, e->size);
	set_attrs(ino, e);
	return 0;
}

static int add_symlink(struct inode *dir, const char *name,
		       const struct cpio_entry *e)
{
	char *target;
	struct inode *ino;
	int rc;

	if (e->size == 0 || e->size >= PATH_MAX ||
	    memchr(e->data, '\0', e->size))
		return -EINVAL;
	target = kmalloc(e->size + 1);
	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->size);
	target[e->size] = '\0';
	rc = vfs_symlink(dir, name, target);
	kfree(target);
	if (rc)
		return rc;
	ino = vfs_dir_find(dir, name);
	set_attrs(ino, e);
	return 0;
}

static int add_entry(struct unpack *u, const struct cpio_entry *e)
{
	struct inode *dir, *old;
	char *name;
	int rc = parent_dir(u->path, &dir, &name);

	if (rc)
		return rc;
	old = vfs_dir_find(dir, name);
	if (old && S_ISDIR(old->mode) && S_ISDIR(e->mode)) {
		set_attrs(old, e);
		return 0;
	}
	if (old) { /* a later entry replaces an earlier one */
		rc = vfs_unlink(dir, name, true, false);
		if (rc)
			return rc;
	}
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		rc = vfs_mknod(dir, name, S_IFDIR, &old);
		if (!rc)
			set_attrs(old, e);
		return rc;
	case S_IFREG:
		return add_regular(u, dir, name, e);
	case S_IFLNK:
		return add_symlink(dir, name, e);
	default:
		return 1;
	}
}

int rootfs_unpack(const void *data, size_t len, char *err, size_t errcap)
{
	struct unpack *u = kzalloc(sizeof(*u));
	struct cpio_reader r;
	struct cpio_entry e;
	const char *why = NULL, *name = NULL;
	size_t n = 0;
	int rc;

	if (!u)
		return -ENOMEM;
	cpio_init(&r, data, len);
	while ((rc = cpio_next(&r, &e, &why)) == 1) {
		long plen;

		n++;
		name = e.name;
		plen = cpio_path_clean(e.name, u->path, sizeof(u->path), &why);
		if (plen < 0) {
			rc = (int)plen;
			break;
		}
		if (plen == 0) { /* "." : the root itself */
			name = NULL;
			continue;
		}
		rc = add_entry(u, &e);
		if (rc == 1) /* devices, fifos, sockets: skipped (see /dev) */
			rc = 0;
		if (rc < 0) {
			why = "cannot create it";
			break;
		}
		name = NULL; /* a reader error below names no entry */
	}
	if (rc < 0 && name)
		fmt_snprintf(err, errcap,
			     "rootfs: entry %zu \"%.64s\": %s (error %d)", n,
			     name, why, rc);
	else if (rc < 0)
		fmt_snprintf(err, errcap,
			     "rootfs: archive offset %zu (entry %zu): %s",
			     r.off, n + 1, why);
	kfree(u->links);
	kfree(u);
	return rc < 0 ? rc : 0;
}
