/* SPDX-License-Identifier: MIT */
/* file.c: open files and file descriptor tables; open(2) semantics over the vfs. */
#include "kernel/errno.h"
#include "kernel/inotify.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define GEN_MAX 65536

const char poll_chan;

void poll_wake(void)
{
	wake_up(&poll_chan);
}

void poll_notify(struct inode *ino, unsigned mask)
{
	if (mask & POLLIN)
		ino->poll_gen_in++;
	if (mask & POLLOUT)
		ino->poll_gen_out++;
	poll_wake();
}

bool file_pollable(const struct file *f)
{
	return f->ops && f->ops->poll;
}

struct file *anon_file_new(const struct file_ops *ops, const char *name,
			   uint32_t flags, void *priv)
{
	struct inode *ino = inode_new(0600);
	struct file *f = ino ? file_new(ino, flags) : NULL;

	if (!f) {
		kfree(ino);
		return NULL;
	}
	f->path = kstrdup(name);
	if (!f->path) {
		file_put(f); /* frees ino with the last reference */
		return NULL;
	}
	f->ops = ops;
	f->priv = priv;
	return f;
}

int fd_install_or_put(struct file *f, bool cloexec)
{
	int fd = fd_install(f, 0, cloexec);

	if (fd < 0)
		file_put(f);
	return fd;
}

struct file *file_new(struct inode *ino, uint32_t flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->ino = ino;
	f->ops = ino->fops;
	f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH);
	f->refs = 1;
	list_init(&f->epitems);
	ino->open_refs++;
	return f;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	struct inode *ino;

	if (--f->refs > 0) {
		if (f->ops && f->ops->unref)
			f->ops->unref(f);
		return;
	}
	epoll_file_gone(f);
	locks_file_gone(f);
	if (!(f->flags & O_PATH))
		inotify_inode_event(f->ino, (f->flags & O_ACCMODE) == O_RDONLY ?
						    IN_CLOSE_NOWRITE :
						    IN_CLOSE_WRITE);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	ino = f->ino;
	ino->open_refs--;
	inode_put_check(ino);
	kfree(f->gen);
	kfree(f->path);
	kfree(f);
}

struct files *files_new(void)
{
	struct files *fs = kzalloc(sizeof(*fs));

	if (fs)
		fs->refs = 1;
	return fs;
}

void files_set_stdio(struct files *fs, struct file *f)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fd)
			file_get(f);
		fs->fd[fd] = f;
	}
}

/* A private copy of a descriptor table (fork, or exec in a thread). */
struct files *files_copy(const struct files *p)
{
	struct files *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refs = 1;
	for (int i = 0; i < FD_MAX; i++) {
		fs->fd[i] = p->fd[i];
		if (fs->fd[i])
			file_get(fs->fd[i]);
	}
	memcpy(fs->cloexec, p->cloexec, sizeof(fs->cloexec));
	return fs;
}

void files_drop(struct files *fs, int fd)
{
	struct file *f = fs->fd[fd];

	fs->fd[fd] = NULL;
	fs->cloexec[fd / 64] &= ~(1ull << (fd % 64));
	locks_close(f, fs); /* POSIX: any close drops the owner's locks */
	file_put(f);
}

void files_put(struct files *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	for (int i = 0; i < FD_MAX; i++)
		if (fs->fd[i])
			files_drop(fs, i);
	kfree(fs);
}

int fd_install(struct file *f, int min_fd, bool cloexec)
{
	struct task *t = current;

	for (int fd = min_fd < 0 ? 0 : min_fd; fd < FD_MAX; fd++) {
		if (t->files->fd[fd])
			continue;
		t->files->fd[fd] = f;
		if (cloexec)
			t->files->cloexec[fd / 64] |= 1ull << (fd % 64);
		else
			t->files->cloexec[fd / 64] &= ~(1ull << (fd % 64));
		return fd;
	}
	return -EMFILE;
}

struct file *fd_get(int fd)
{
	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	return current->files->fd[fd];
}

int fd_close(int fd)
{
	if (!fd_get(fd))
		return -EBADF;
	files_drop(current->files, fd);
	return 0;
}

/* Finds or creates the file for O_CREAT. path is a kernel copy. */
static int open_create(char *path, int flags, uint32_t mode,
		       struct inode **ino_r, bool *created_r)
{
	struct inode *dir, *ino;
	char *name;
	int rc = vfs_lookup_parent(current->cwd, path, &dir, &name);

	if (rc)
		return rc;
	if (!*name)
		return -EISDIR;
	rc = vfs_dir_lookup(dir, name, &ino);
	if (rc != -ENOENT && rc)
		return rc; /* not "absent": a dead volume must not be created on */
	if (!rc) {
		if (flags & O_EXCL)
			return -EEXIST;
		if (S_ISLNK(ino->mode)) {
			if (flags & O_NOFOLLOW)
				return -ELOOP;
			return vfs_lookup(dir, name, true, ino_r);
		}
		*ino_r = ino;
		return 0;
	}
	rc = vfs_mknod(dir, name, S_IFREG | (mode & 07777 & ~current->umask),
		       &ino);
	if (rc)
		return rc;
	*ino_r = ino;
	*created_r = true;
	return 0;
}

static int open_generate(struct file *f)
{
	long n;

	f->gen = kmalloc(GEN_MAX);
	if (!f->gen)
		return -ENOMEM;
	n = f->ino->iops->generate(f->ino, f->gen, GEN_MAX);
	if (n < 0)
		return (int)n;
	f->gen_len = (size_t)n;
	return 0;
}

/* The access an open asks for (none for O_PATH, or for the file this
 * open just created: its mode binds later opens only, as on Linux). */
static int open_mask(int flags, bool created)
{
	int acc = flags & O_ACCMODE, mask = 0;

	if ((flags & O_PATH) || created)
		return 0;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= MAY_READ;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		mask |= MAY_WRITE;
	return mask;
}

static int open_checks(struct inode *ino, int flags, bool created)
{
	int acc = flags & O_ACCMODE, rc;

	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (S_ISDIR(ino->mode) && acc != O_RDONLY)
		return -EISDIR;
	if (S_ISLNK(ino->mode) && !(flags & O_PATH))
		return -ELOOP;
	/* Linux's order: the permission, then what the node is */
	rc = vfs_permission(ino, open_mask(flags, created));
	if (rc)
		return rc;
	if ((ino->mode & S_IFMT) == S_IFSOCK && !(flags & O_PATH))
		return -ENXIO; /* a socket's name: connect(2) it instead */
	return 0;
}

int vfs_open(const char *upath_k, int flags, uint32_t mode, struct file **f_r)
{
	char *path = kstrdup(upath_k);
	struct inode *ino = NULL;
	struct file *f;
	bool created = false;
	int rc;

	if (!path)
		return -ENOMEM;
	if (flags & O_CREAT)
		rc = open_create(path, flags, mode, &ino, &created);
	else
		rc = vfs_lookup(current->cwd, path, !(flags & O_NOFOLLOW),
				&ino);
	if (!rc)
		rc = open_checks(ino, flags, created);
	if (rc) {
		kfree(path);
		return rc;
	}
	if (!(flags &
	      O_PATH)) /* Linux's order: the open, then the truncation */
		inotify_inode_event(ino, IN_OPEN);
	if ((flags & O_TRUNC) && S_ISREG(ino->mode) &&
	    (flags & O_ACCMODE) != O_RDONLY && !ino->iops && !created)
		ramfs_truncate(ino, 0); /* a file this open made is empty */
	f = file_new(ino, (uint32_t)flags);
	if (!f) {
		kfree(path);
		return -ENOMEM;
	}
	if (ino->iops && ino->iops->open && !(flags & O_PATH)) {
		rc = ino->iops->open(f, (uint32_t)flags);
		if (rc) {
			kfree(path);
			file_put(f);
			return rc;
		}
	}
	strlcpy(path, upath_k, strlen(upath_k) + 1);
	f->path = path;
	if (ino->iops && ino->iops->generate && !(flags & O_PATH)) {
		rc = open_generate(f);
		if (rc) {
			file_put(f);
			return rc;
		}
	}
	*f_r = f;
	return 0;
}

long file_read(struct file *f, void *ubuf, size_t n)
{
	long r;

	if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
		return -EBADF;
	if (f->ops && f->ops->read) {
		r = f->ops->read(f, ubuf, n);
		if (r > 0)
			inotify_inode_event(f->ino, IN_ACCESS);
		return r;
	}
	if (f->gen) {
		if (f->pos >= f->gen_len)
			return 0;
		if (n > f->gen_len - f->pos)
			n = f->gen_len - f->pos;
		if (copy_to_user(ubuf, f->gen + f->pos, n))
			return -EFAULT;
		f->pos += n;
		return (long)n;
	}
	if (S_ISDIR(f->ino->mode))
		return -EISDIR;
	if (!S_ISREG(f->ino->mode))
		return -EINVAL;
	r = ramfs_read(f->ino, f->pos, ubuf, n, true);
	if (r > 0)
		f->pos += (uint64_t)r;
	if (r > 0)
		inotify_inode_event(f->ino, IN_ACCESS);
	return r;
}

long file_write(struct file *f, const void *ubuf, size_t n)
{
	long r;

	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return -EBADF;
	if (f->ops && f->ops->write) {
		r = f->ops->write(f, ubuf, n);
		if (r > 0)
			inotify_inode_event(f->ino, IN_MODIFY);
		return r;
	}
	if (!S_ISREG(f->ino->mode) || f->ino->iops)
		return -EINVAL;
	if (f->flags & O_APPEND)
		f->pos = f->ino->size;
	r = ramfs_write(f->ino, f->pos, ubuf, n, true);
	if (r > 0)
		f->pos += (uint64_t)r;
	if (r > 0)
		inotify_inode_event(f->ino, IN_MODIFY);
	return r;
}

unsigned file_poll(struct file *f)
{
	if (f->ops && f->ops->poll)
		return f->ops->poll(f);
	return POLLIN | POLLOUT;
}
