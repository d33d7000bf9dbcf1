/* SPDX-License-Identifier: MIT */
/* vfs.c: the in-memory filesystem: inodes, directories, path lookup, file contents. */
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/inotify.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define SYMLOOP_MAX 40
#define SYMLINK_NEST_MAX 8

static int nesting; /* current symlink recursion depth (one CPU, no preemption) */
/* A rename replacing its target: its events come from the rename. */
static bool quiet_unlink;

static struct inode *root;
struct ramfs_sb vfs_rootfs_sb = { .path = "/" };
static uint64_t next_ino = 1;
static uint64_t next_seq = 1;

struct inode *vfs_root(void)
{
	return root;
}

struct ramfs_sb *inode_sb(const struct inode *ino)
{
	return ino->sb ? ino->sb : &vfs_rootfs_sb;
}

int vfs_fs_writable(const struct inode *ino)
{
	uint32_t t = ino->mode & S_IFMT;

	if (ino->priv_fs || (ino->iops && !ino->sb) ||
	    (t != S_IFREG && t != S_IFDIR && t != S_IFLNK))
		return 0;
	return inode_sb(ino)->read_only ? -EROFS : 0;
}

/* A limited instance's page count (a file page made or freed). */
static bool sb_page_take(struct inode *ino)
{
	struct ramfs_sb *sb = ino->sb;

	if (!sb || !sb->max_pages)
		return true;
	if (sb->used_pages >= sb->max_pages)
		return false;
	sb->used_pages++;
	return true;
}

static void sb_page_give(struct inode *ino)
{
	if (ino->sb && ino->sb->max_pages && ino->sb->used_pages)
		ino->sb->used_pages--;
}

struct inode *inode_new(uint32_t mode)
{
	struct inode *ino = kzalloc(sizeof(*ino));
	int64_t now = time_realtime_ns();

	if (!ino)
		return NULL;
	ino->mode = mode;
	if (current) { /* a new file is its creator's (its fs ids) */
		ino->uid = current->cred.fsuid;
		ino->gid = current->cred.fsgid;
	}
	ino->ino = next_ino++;
	list_init(&ino->children);
	list_init(&ino->locks);
	ino->atime_ns = ino->mtime_ns = ino->ctime_ns = now;
	return ino;
}

/* A file's pages may also be mapped shared (vm.c counts the mappings
 * beyond the file's own): dropping the file's reference frees a page only
 * once no mapping is left. */
static void inode_free_data(struct inode *ino)
{
	for (size_t i = 0; i < ino->npages_cap; i++)
		if (ino->pages[i]) {
			user_page_put(virt_to_phys(ino->pages[i]));
			sb_page_give(ino);
		}
	kfree(ino->pages);
	ino->pages = NULL;
	ino->npages_cap = 0;
}

void inode_drop_pcache(struct inode *ino)
{
	for (size_t i = 0; i < ino->pcache_n; i++)
		user_page_put(ino->pcache[i]); /* mappings keep their own */
	kfree(ino->pcache);
	ino->pcache = NULL;
	ino->pcache_n = 0;
}

void inode_put_check(struct inode *ino)
{
	if (ino->nlink || ino->open_refs || ino == root)
		return;
	inotify_inode_gone(ino, !ino->in_deleted);
	inode_drop_pcache(ino);
	inode_free_data(ino);
	if (ino->sb && ino->sb->used_inodes)
		ino->sb->used_inodes--;
	kfree(ino->link);
	kfree((void *)ino->name);
	kfree(ino);
}

/* ---- discretionary access control (vfs.h) ---- */

static const struct cred *fs_cred(void)
{
	return current ? &current->cred : &cred_root;
}

/* A volume's file: the server's view stands (dom0 enforces it). */
static bool dac_exempt(const struct inode *ino)
{
	return ino->priv_fs != NULL;
}

uint32_t inode_uid(const struct inode *ino)
{
	return ino->viewer_owned ? fs_cred()->fsuid : ino->uid;
}

uint32_t inode_gid(const struct inode *ino)
{
	return ino->viewer_owned ? fs_cred()->fsgid : ino->gid;
}

static bool in_group(uint32_t gid)
{
	return current ? cred_in_group(gid) : gid == 0;
}

int vfs_permission(const struct inode *ino, int mask)
{
	const struct cred *c = fs_cred();
	uint32_t bits;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (dac_exempt(ino))
		return 0;
	if ((mask & MAY_WRITE) && vfs_fs_writable(ino))
		return -EROFS; /* before the ids, root's too (Linux's order) */
	if (c->fsuid == 0) { /* root: only exec of a non-directory needs x */
		bool exec_denied = (mask & MAY_EXEC) && !S_ISDIR(ino->mode) &&
				   !(ino->mode & 0111);

		return exec_denied ? -EACCES : 0;
	}
	if (c->fsuid == inode_uid(ino))
		bits = ino->mode >> 6;
	else if (in_group(inode_gid(ino)))
		bits = ino->mode >> 3;
	else
		bits = ino->mode;
	return ((bits & 7) & (uint32_t)mask) == (uint32_t)mask ? 0 : -EACCES;
}

int vfs_may_delete(const struct inode *dir, const struct inode *victim)
{
	uint32_t fsuid = fs_cred()->fsuid;
	int rc = vfs_permission(dir, MAY_WRITE | MAY_EXEC);

	if (rc || dac_exempt(dir))
		return rc;
	if ((dir->mode & S_ISVTX) && fsuid != 0 && fsuid != inode_uid(victim) &&
	    fsuid != inode_uid(dir))
		return -EPERM;
	return 0;
}

int vfs_may_own(const struct inode *ino)
{
	uint32_t fsuid = fs_cred()->fsuid;

	if (vfs_fs_writable(ino))
		return -EROFS;
	if (dac_exempt(ino) || fsuid == 0 || fsuid == inode_uid(ino))
		return 0;
	return -EPERM;
}

int vfs_may_touch(const struct inode *ino, bool explicit_times)
{
	int rc = vfs_fs_writable(ino);

	if (rc)
		return rc; /* -EROFS, whoever asks */
	rc = vfs_may_own(ino);

	if (!rc || explicit_times)
		return rc;
	return vfs_permission(ino, MAY_WRITE) ? -EACCES : 0;
}

int vfs_may_chown(const struct inode *ino, uint32_t uid, uint32_t gid)
{
	if (vfs_fs_writable(ino))
		return -EROFS;
	if (dac_exempt(ino) || fs_cred()->fsuid == 0)
		return 0;
	if (uid != 0xffffffffu && uid != inode_uid(ino))
		return -EPERM;
	if (gid != 0xffffffffu && gid != inode_gid(ino) &&
	    (vfs_may_own(ino) || !in_group(gid)))
		return -EPERM;
	return vfs_may_own(ino);
}

uint32_t vfs_chmod_mode(const struct inode *ino, uint32_t mode)
{
	if (fs_cred()->fsuid != 0 && !dac_exempt(ino) &&
	    !in_group(inode_gid(ino)))
		mode &= ~(uint32_t)S_ISGID;
	return mode;
}

void vfs_init(void)
{
	root = inode_new(S_IFDIR | 0755);
	root->nlink = 2;
	root->parent = root;
}

int vfs_dir_lookup(struct inode *dir, const char *name, struct inode **ino_r)
{
	struct dentry *d;

	if (!strcmp(name, ".") || !*name) {
		*ino_r = dir;
		return 0;
	}
	if (!strcmp(name, "..")) {
		*ino_r = dir->parent ? dir->parent : dir;
		return 0;
	}
	if (dir->iops && dir->iops->lookup)
		return dir->iops->lookup(dir, name, ino_r);
	list_for_each(d, &dir->children, node) {
		if (!strcmp(d->name, name)) {
			*ino_r = d->ino;
			return 0;
		}
	}
	return -ENOENT;
}

struct inode *vfs_dir_find(struct inode *dir, const char *name)
{
	struct inode *ino;

	return vfs_dir_lookup(dir, name, &ino) ? NULL : ino;
}

int vfs_link(struct inode *dir, const char *name, struct inode *ino)
{
	struct dentry *d;
	int rc;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (strlen(name) > 255)
		return -ENAMETOOLONG;
	if ((ino->iops && ino->iops->link) && !(dir->iops && dir->iops->link))
		return -EXDEV;
	if (dir->iops && dir->iops->link) {
		if (ino->iops != dir->iops || ino->priv_fs != dir->priv_fs)
			return -EXDEV;
		rc = dir->iops->link(dir, name, ino);
		if (!rc) {
			inotify_inode_event(ino, IN_ATTRIB | IN_SELF_ONLY);
			inotify_name_event(dir, IN_CREATE, name, 0);
		}
		return rc;
	}
	if (vfs_dir_find(dir, name))
		return -EEXIST;
	if (dir->iops)
		return -EACCES;
	if (ino->nlink && inode_sb(ino) != inode_sb(dir))
		return -EXDEV; /* a hard link into another instance */
	rc = vfs_permission(dir, MAY_WRITE | MAY_EXEC);
	if (rc)
		return rc; /* -EACCES, or -EROFS */
	d = kmalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->name = kstrdup(name);
	if (!d->name) {
		kfree(d);
		return -ENOMEM;
	}
	d->ino = ino;
	d->seq = next_seq++;
	list_add_head(&dir->children, &d->node);
	if (ino->nlink) /* a hard link: its link count changes (Linux) */
		inotify_inode_event(ino, IN_ATTRIB | IN_SELF_ONLY);
	ino->nlink++;
	if (S_ISDIR(ino->mode)) {
		ino->parent = dir;
		kfree((void *)ino->name);
		ino->name = kstrdup(name);
		ino->nlink++; /* "." */
		dir->nlink++; /* ".." */
	}
	dir->mtime_ns = dir->ctime_ns = time_realtime_ns();
	inotify_name_event(dir, IN_CREATE | (S_ISDIR(ino->mode) ? IN_ISDIR : 0),
			   name, 0);
	return 0;
}

int vfs_mknod(struct inode *dir, const char *name, uint32_t mode,
	      struct inode **ino_r)
{
	struct inode *ino;
	int rc;

	if (dir->iops && dir->iops->create) {
		struct inode *tmp;

		rc = dir->iops->create(dir, name, mode, &tmp);
		if (!rc)
			inotify_name_event(
				dir, IN_CREATE | (S_ISDIR(mode) ? IN_ISDIR : 0),
				name, 0);
		if (!rc && ino_r)
			*ino_r = tmp;
		return rc;
	}
	if (dir->sb && dir->sb->max_inodes &&
	    dir->sb->used_inodes >= dir->sb->max_inodes)
		return vfs_dir_find(dir, name) ? -EEXIST : -ENOSPC;
	ino = inode_new(mode);
	if (!ino)
		return -ENOMEM;
	ino->sb = dir->sb;
	if (dir->mode & S_ISGID) { /* a setgid directory: its group */
		ino->gid = dir->gid;
		if (S_ISDIR(mode))
			ino->mode |= S_ISGID;
	}
	rc = vfs_link(dir, name, ino);
	if (rc) {
		kfree(ino);
		return rc;
	}
	if (ino->sb)
		ino->sb->used_inodes++;
	if (ino_r)
		*ino_r = ino;
	return 0;
}

int vfs_symlink(struct inode *dir, const char *name, const char *target)
{
	struct inode *ino;
	int rc;

	if (dir->iops && dir->iops->symlink) {
		rc = dir->iops->symlink(dir, name, target);
		if (!rc)
			inotify_name_event(dir, IN_CREATE, name, 0);
		return rc;
	}
	rc = vfs_mknod(dir, name, S_IFLNK | 0777, &ino);

	if (rc)
		return rc;
	ino->link = kstrdup(target);
	if (!ino->link) {
		vfs_unlink(dir, name, false, false);
		return -ENOMEM;
	}
	ino->size = strlen(target);
	return 0;
}

static struct dentry *dentry_find(struct inode *dir, const char *name)
{
	struct dentry *d;

	list_for_each(d, &dir->children, node)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

int vfs_unlink(struct inode *dir, const char *name, bool dir_ok, bool must_dir)
{
	struct dentry *d;
	struct inode *ino;
	int rc;

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if (dir->iops && dir->iops->unlink) {
		struct inode *t;

		rc = vfs_dir_lookup(dir, name, &t);
		if (rc)
			return rc;
		if (S_ISDIR(t->mode) && !dir_ok)
			return -EISDIR;
		if (!S_ISDIR(t->mode) && must_dir)
			return -ENOTDIR;
		rc = dir->iops->unlink(dir, name, S_ISDIR(t->mode));
		if (!rc)
			inotify_name_event(
				dir,
				IN_DELETE | (S_ISDIR(t->mode) ? IN_ISDIR : 0),
				name, 0);
		return rc;
	}
	d = dentry_find(dir, name);
	if (!d)
		return dir->iops ? -EACCES : -ENOENT;
	ino = d->ino;
	rc = vfs_may_delete(dir, ino);
	if (rc)
		return rc;
	if (ino->sb && ino->sb->root == ino)
		return -EBUSY; /* a mount point */
	if (S_ISDIR(ino->mode)) {
		if (!dir_ok)
			return -EISDIR;
		if (!list_empty(&ino->children) || ino->iops)
			return -ENOTEMPTY;
		ino->nlink = 1; /* drop "." */
		dir->nlink--;
	} else if (must_dir) {
		return -ENOTDIR;
	}
	list_del(&d->node);
	ino->nlink--;
	ino->ctime_ns = dir->mtime_ns = time_realtime_ns();
	/* Linux's order: the link count, the inode's own end (if nothing
	 * holds it open), the entry; IN_IGNORED when it is freed. */
	if (!quiet_unlink) {
		if (!S_ISDIR(ino->mode))
			inotify_inode_event(ino, IN_ATTRIB | IN_SELF_ONLY);
		if (!ino->nlink && !ino->open_refs) {
			inotify_inode_event(ino, IN_DELETE_SELF | IN_SELF_ONLY);
			ino->in_deleted = true;
		}
		inotify_name_event(
			dir, IN_DELETE | (S_ISDIR(ino->mode) ? IN_ISDIR : 0),
			d->name, 0);
	}
	kfree(d->name);
	kfree(d);
	inode_put_check(ino);
	return 0;
}

static bool is_ancestor(struct inode *a, struct inode *d)
{
	for (;;) {
		if (d == a)
			return true;
		if (d == root || !d->parent)
			return false;
		d = d->parent;
	}
}

/* Linux's order: the old entry may go, the new one may be replaced or
 * created, and a directory moving elsewhere must be writable (its "..") */
static int rename_permission(struct inode *odir, struct inode *ino,
			     struct inode *ndir, struct inode *old)
{
	int rc = vfs_may_delete(odir, ino);

	if (!rc)
		rc = old ? vfs_may_delete(ndir, old) :
			   vfs_permission(ndir, MAY_WRITE | MAY_EXEC);
	if (!rc && S_ISDIR(ino->mode) && odir != ndir)
		rc = vfs_permission(ino, MAY_WRITE);
	return rc;
}

int vfs_rename(struct inode *odir, const char *oname, struct inode *ndir,
	       const char *nname)
{
	struct dentry *d = dentry_find(odir, oname), *nd;
	struct inode *ino, *old;
	char *name, *dname = NULL;
	int rc;

	if ((odir->iops && odir->iops->rename) ||
	    (ndir->iops && ndir->iops->rename)) {
		if (!odir->iops || odir->iops != ndir->iops ||
		    odir->priv_fs != ndir->priv_fs)
			return -EXDEV;
		rc = odir->iops->rename(odir, oname, ndir, nname);
		if (!rc && inotify_nwatches) {
			uint32_t cookie = inotify_cookie();

			inotify_name_event(odir, IN_MOVED_FROM, oname, cookie);
			inotify_name_event(ndir, IN_MOVED_TO, nname, cookie);
		}
		return rc;
	}
	if (!d)
		return odir->iops ? -EACCES : -ENOENT;
	if (ndir->iops)
		return -EACCES;
	if (inode_sb(odir) != inode_sb(ndir))
		return -EXDEV; /* between instances */
	ino = d->ino;
	if (ino->sb && ino->sb->root == ino)
		return -EBUSY; /* a mount point */
	if (S_ISDIR(ino->mode) && is_ancestor(ino, ndir))
		return -EINVAL;
	nd = dentry_find(ndir, nname);
	if (nd && nd->ino == ino)
		return 0;
	rc = rename_permission(odir, ino, ndir, nd ? nd->ino : NULL);
	if (rc)
		return rc;
	name = kstrdup(nname);
	if (S_ISDIR(ino->mode))
		dname = kstrdup(nname);
	if (!name || (S_ISDIR(ino->mode) && !dname)) {
		kfree(name);
		kfree(dname);
		return -ENOMEM;
	}
	old = NULL;
	if (nd) {
		struct inode *target = nd->ino;

		rc = 0;
		if (S_ISDIR(target->mode) && !S_ISDIR(ino->mode))
			rc = -EISDIR;
		else if (!S_ISDIR(target->mode) && S_ISDIR(ino->mode))
			rc = -ENOTDIR;
		if (!rc) {
			/* held until the rename's events are out */
			target->open_refs++;
			quiet_unlink = true;
			rc = vfs_unlink(ndir, nname, true, false);
			quiet_unlink = false;
			if (rc)
				target->open_refs--;
			else
				old = target;
		}
		if (rc) {
			kfree(name);
			kfree(dname);
			return rc;
		}
	}
	/* Move the entry itself: the inode keeps its links. */
	list_del(&d->node);
	kfree(d->name);
	d->name = name;
	d->seq = next_seq++;
	list_add_head(&ndir->children, &d->node);
	if (S_ISDIR(ino->mode)) {
		odir->nlink--;
		ndir->nlink++;
		ino->parent = ndir;
		kfree((void *)ino->name);
		ino->name = dname;
	}
	odir->mtime_ns = ndir->mtime_ns = ino->ctime_ns = time_realtime_ns();
	if (inotify_nwatches) { /* Linux's fsnotify_move */
		uint32_t cookie = inotify_cookie(),
			 isdir = S_ISDIR(ino->mode) ? IN_ISDIR : 0;

		inotify_name_event(odir, IN_MOVED_FROM | isdir, oname, cookie);
		inotify_name_event(ndir, IN_MOVED_TO | isdir, nname, cookie);
		if (old)
			inotify_inode_event(old, IN_ATTRIB | IN_SELF_ONLY);
		inotify_inode_event(ino, IN_MOVE_SELF | IN_SELF_ONLY);
	}
	if (old) {
		old->open_refs--;
		inode_put_check(old);
	}
	return 0;
}

int vfs_readlink(struct inode *ino, char *buf, size_t cap)
{
	size_t n;

	if (!S_ISLNK(ino->mode))
		return -EINVAL;
	if (ino->iops && ino->iops->readlink)
		return ino->iops->readlink(ino, buf, cap);
	n = strlen(ino->link);
	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(buf, ino->link, n + 1);
	return (int)n;
}

/* One step of resolution: walks path from dir; depth counts symlinks. */
static int walk(struct inode *dir, const char *path, bool follow, int *depth,
		struct inode **ino_r);

static int follow_link(struct inode *dir, struct inode *lnk, int *depth,
		       struct inode **ino_r)
{
	char *buf;
	int rc;

	/* Linux's limits: 40 links per lookup, nested at most 8 deep (the
	 * nesting recurses on the kernel stack). */
	if (++*depth > SYMLOOP_MAX || nesting >= SYMLINK_NEST_MAX)
		return -ELOOP;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	rc = vfs_readlink(lnk, buf, PATH_MAX);
	if (rc >= 0) {
		nesting++;
		rc = walk(dir, buf, true, depth, ino_r);
		nesting--;
	}
	kfree(buf);
	return rc;
}

int vfs_path_next(const char **path, char *name)
{
	const char *p = *path, *c;
	size_t n;

	while (*p == '/')
		p++;
	if (!*p) {
		*path = p;
		return 0;
	}
	c = p;
	while (*p && *p != '/')
		p++;
	n = (size_t)(p - c);
	*path = p;
	if (n > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, c, n);
	name[n] = '\0';
	return 1;
}

static int walk(struct inode *dir, const char *path, bool follow, int *depth,
		struct inode **ino_r)
{
	char name[VFS_NAME_MAX + 1];
	struct inode *cur = *path == '/' ? root : dir, *next;
	int rc;

	while (*path) {
		rc = vfs_path_next(&path, name);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		rc = vfs_permission(cur, MAY_EXEC); /* search */
		if (rc)
			return rc;
		rc = vfs_dir_lookup(cur, name, &next);
		if (rc)
			return rc;
		if (S_ISLNK(next->mode) && (follow || *path)) {
			rc = follow_link(cur, next, depth, &next);
			if (rc)
				return rc;
		}
		cur = next;
	}
	/* "dir/" must name a directory */
	if (path[-1] == '/' && !S_ISDIR(cur->mode))
		return -ENOTDIR;
	*ino_r = cur;
	return 0;
}

int vfs_lookup(struct inode *cwd, const char *path, bool follow,
	       struct inode **ino_r)
{
	int depth = 0;

	if (!*path)
		return -ENOENT;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	return walk(cwd ? cwd : root, path, follow, &depth, ino_r);
}

static int lookup_parent(struct inode *cwd, char *path, struct inode **dir_r,
			 char **name_r);

/* Every caller goes on to look in the parent: it needs search (x). */
int vfs_lookup_parent(struct inode *cwd, char *path, struct inode **dir_r,
		      char **name_r)
{
	int rc = lookup_parent(cwd, path, dir_r, name_r);

	return rc ? rc : vfs_permission(*dir_r, MAY_EXEC);
}

static int lookup_parent(struct inode *cwd, char *path, struct inode **dir_r,
			 char **name_r)
{
	size_t n = strlen(path);
	char *slash, save;
	int rc;

	if (!n)
		return -ENOENT;
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	slash = strrchr(path, '/');
	if (!slash) {
		*dir_r = cwd ? cwd : root;
		*name_r = path;
		return 0;
	}
	if (slash == path) {
		*dir_r = root;
		*name_r = path[1] ? path + 1 : path;
		if (!path[1]) /* "/" itself */
			*name_r = path + 1;
		return 0;
	}
	save = slash[1];
	*slash = '\0';
	rc = vfs_lookup(cwd, path, true, dir_r);
	*slash = '/';
	(void)save;
	if (rc)
		return rc;
	if (!S_ISDIR((*dir_r)->mode))
		return -ENOTDIR;
	*name_r = slash + 1;
	return 0;
}

long vfs_dir_path(struct inode *dir, char *buf, size_t cap)
{
	size_t len = 0;
	char *tmp;

	if (dir == root) {
		if (cap < 2)
			return -ERANGE;
		memcpy(buf, "/", 2);
		return 1;
	}
	tmp = kmalloc(PATH_MAX);
	if (!tmp)
		return -ENOMEM;
	/* Build backwards at the end of tmp. */
	for (struct inode *d = dir; d != root; d = d->parent) {
		size_t n;

		if (!d->parent || !d->name) {
			kfree(tmp);
			return -ENOENT; /* removed directory */
		}
		n = strlen(d->name);
		if (len + n + 1 >= PATH_MAX) {
			kfree(tmp);
			return -ENAMETOOLONG;
		}
		len += n + 1;
		memcpy(tmp + PATH_MAX - len + 1, d->name, n);
		tmp[PATH_MAX - len] = '/';
	}
	if (len + 1 > cap) {
		kfree(tmp);
		return -ERANGE;
	}
	memcpy(buf, tmp + PATH_MAX - len, len);
	buf[len] = '\0';
	kfree(tmp);
	return (long)len;
}

/* ---- regular file contents: external (cpio) or 4 KiB pages ---- */

void ramfs_set_ext(struct inode *ino, const void *data, size_t size)
{
	ino->ext = data;
	ino->size = size;
}

static int grow_index(struct inode *ino, size_t npages)
{
	size_t cap = ino->npages_cap ? ino->npages_cap : 4;
	uint8_t **p;

	while (cap < npages)
		cap *= 2;
	if (cap == ino->npages_cap)
		return 0;
	p = kzalloc(cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (ino->pages)
		memcpy(p, ino->pages, ino->npages_cap * sizeof(*p));
	kfree(ino->pages);
	ino->pages = p;
	ino->npages_cap = cap;
	return 0;
}

static uint8_t *page_at(struct inode *ino, size_t idx)
{
	uint64_t pa;

	if (idx >= ino->npages_cap && grow_index(ino, idx + 1))
		return NULL;
	if (!ino->pages[idx]) {
		if (!sb_page_take(ino))
			return NULL; /* the tmpfs is full */
		pa = page_alloc(1);
		if (!pa) {
			sb_page_give(ino);
			return NULL;
		}
		ino->pages[idx] = phys_to_virt(pa);
		mem_zero_fast(ino->pages[idx], PAGE_SIZE);
	}
	return ino->pages[idx];
}

/* Moves external contents into owned pages before the first write. */
static int unshare_ext(struct inode *ino)
{
	const uint8_t *ext = ino->ext;
	uint64_t size = ino->size;

	if (!ext)
		return 0;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint8_t *p = page_at(ino, off / PAGE_SIZE);
		uint64_t n = size - off < PAGE_SIZE ? size - off : PAGE_SIZE;

		if (!p)
			return -ENOMEM;
		mem_copy_fast(p, ext + off, n);
	}
	ino->ext = NULL;
	return 0;
}

int ramfs_page(struct inode *ino, size_t idx, uint64_t *pa_r)
{
	uint8_t *p;

	inode_drop_pcache(ino); /* exec's copy would miss writes through maps */
	if (unshare_ext(ino))
		return -ENOMEM;
	if ((idx >= ino->npages_cap || !ino->pages[idx]) && ino->sb &&
	    ino->sb->max_pages && ino->sb->used_pages >= ino->sb->max_pages)
		return -ENXIO; /* a full tmpfs: SIGBUS, as Linux's */
	p = page_at(ino, idx);
	if (!p)
		return -ENOMEM;
	*pa_r = virt_to_phys(p);
	return 0;
}

static int xfer(void *dst, const void *src, size_t n, bool user, bool to_user)
{
	if (!user) {
		mem_copy_fast(dst, src, n);
		return 0;
	}
	return to_user ? copy_to_user(dst, src, n) :
			 copy_from_user(dst, src, n);
}

long ramfs_read(struct inode *ino, uint64_t off, void *buf, size_t n, bool user)
{
	size_t done = 0;

	if (off >= ino->size)
		return 0;
	if (n > ino->size - off)
		n = ino->size - off;
	if (ino->ext)
		return xfer(buf, ino->ext + off, n, user, true) ? -EFAULT :
								  (long)n;
	while (done < n) {
		uint64_t o = off + done;
		size_t idx = o / PAGE_SIZE, in = o % PAGE_SIZE;
		size_t chunk = PAGE_SIZE - in;
		static const uint8_t zero[PAGE_SIZE];
		const uint8_t *src;

		if (chunk > n - done)
			chunk = n - done;
		src = idx < ino->npages_cap && ino->pages[idx] ?
			      ino->pages[idx] + in :
			      zero + in;
		if (xfer((uint8_t *)buf + done, src, chunk, user, true))
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	return (long)done;
}

long ramfs_write(struct inode *ino, uint64_t off, const void *buf, size_t n,
		 bool user)
{
	size_t done = 0;

	if (off >= FILE_SIZE_MAX || n > FILE_SIZE_MAX - off)
		return -EFBIG;
	inode_drop_pcache(ino);
	if (unshare_ext(ino))
		return -ENOSPC;
	while (done < n) {
		uint64_t o = off + done;
		size_t in = o % PAGE_SIZE, chunk = PAGE_SIZE - in;
		uint8_t *p = page_at(ino, o / PAGE_SIZE);

		if (!p)
			break;
		if (chunk > n - done)
			chunk = n - done;
		if (xfer(p + in, (const uint8_t *)buf + done, chunk, user,
			 false))
			return done ? (long)done : -EFAULT;
		done += chunk;
	}
	if (off + done > ino->size)
		ino->size = off + done;
	if (n && !done)
		return -ENOSPC;
	ino->mtime_ns = ino->ctime_ns = time_realtime_ns();
	return (long)done;
}

int ramfs_truncate(struct inode *ino, uint64_t size)
{
	if (size >= FILE_SIZE_MAX)
		return -EFBIG;
	inode_drop_pcache(ino);
	if (unshare_ext(ino))
		return -ENOSPC;
	for (size_t i = (size + PAGE_SIZE - 1) / PAGE_SIZE; i < ino->npages_cap;
	     i++)
		if (ino->pages[i]) {
			user_page_put(virt_to_phys(ino->pages[i]));
			ino->pages[i] = NULL;
			sb_page_give(ino);
		}
	if (size % PAGE_SIZE && size / PAGE_SIZE < ino->npages_cap &&
	    ino->pages[size / PAGE_SIZE])
		memset(ino->pages[size / PAGE_SIZE] + size % PAGE_SIZE, 0,
		       PAGE_SIZE - size % PAGE_SIZE);
	ino->size = size;
	ino->mtime_ns = ino->ctime_ns = time_realtime_ns();
	inotify_inode_event(ino, IN_MODIFY);
	return 0;
}

int ramfs_reserve(struct inode *ino, uint64_t off, uint64_t end)
{
	size_t first = off / PAGE_SIZE,
	       last = (end + PAGE_SIZE - 1) / PAGE_SIZE;
	struct ramfs_sb *sb = ino->sb;
	uint64_t holes = 0;

	if (end > FILE_SIZE_MAX)
		return -EFBIG;
	inode_drop_pcache(ino);
	if (unshare_ext(ino))
		return -ENOSPC;
	if (last > ino->npages_cap && grow_index(ino, last))
		return -ENOMEM;
	for (size_t i = first; i < last; i++)
		holes += !ino->pages[i];
	/* All or nothing, as Linux undoes a failed fallocate. */
	if (sb && sb->max_pages && holes > sb->max_pages - sb->used_pages)
		return -ENOSPC;
	for (size_t i = first; i < last; i++)
		if (!ino->pages[i] && !page_at(ino, i))
			return -ENOSPC; /* out of memory: zero pages stay */
	return 0;
}
