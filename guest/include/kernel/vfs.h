/* SPDX-License-Identifier: MIT */
/* vfs.h: the in-memory filesystem (ramfs from the rootfs cpio, /dev, /proc, pipes) and open files. */
#ifndef GUEST_KERNEL_VFS_H
#define GUEST_KERNEL_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m)&S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)

#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define O_PATH 010000000

#define POLLIN 0x1
#define POLLPRI 0x2
#define POLLOUT 0x4
#define POLLERR 0x8
#define POLLHUP 0x10
#define POLLNVAL 0x20

struct file;
struct inode;
struct dentry;

/*
 * A ramfs instance: the root file system (whose inodes have sb NULL) or a
 * tmpfs mount (tmpfs.c), whose inodes all point at it. A limited one
 * counts its file pages and inodes and refuses more with ENOSPC.
 */
struct ramfs_sb {
	uint64_t max_pages, used_pages; /* max 0: unlimited (not counted) */
	uint64_t max_inodes, used_inodes;
	bool read_only; /* EROFS for every change (vfs_fs_writable) */
	uint32_t dev; /* what stat says its st_dev is (0: 1, the root's) */
	struct inode *root; /* its root directory (NULL: the root's) */
	const char *path; /* its mount point, for /proc/mounts */
};
/* The root file system's (sb NULL). */
extern struct ramfs_sb vfs_rootfs_sb;
/* The instance ino is in: its sb, else the root's. */
struct ramfs_sb *inode_sb(const struct inode *ino);
/*
 * May ino's file system change (0), or is it read-only (-EROFS)? As
 * Linux, only for regular files, directories and symlinks: a device node
 * or FIFO stays writable, and /proc's nodes and a volume's (the server
 * decides) are not the ramfs's.
 */
int vfs_fs_writable(const struct inode *ino);

/* Operations of a special file (device, pipe end, generated /proc file).
 * buf is a user pointer. Return bytes or -errno. */
struct file_ops {
	long (*read)(struct file *f, void *ubuf, size_t n);
	long (*write)(struct file *f, const void *ubuf, size_t n);
	/* Returns POLL* bits ready now. */
	unsigned (*poll)(struct file *f);
	long (*ioctl)(struct file *f, unsigned long cmd, unsigned long arg);
	void (*release)(struct file *f);
	/* A reference other than the last went (AF_UNIX: its garbage
	 * collector looks for sockets only messages in flight still hold). */
	void (*unref)(struct file *f);
	/* What a read/write blocks on, for poll's sleeping. */
	const void *wait_chan;
	/* A regular file with a position (a volume's file): lseek, pread and
	 * pwrite work on it; read and write advance f->pos themselves. */
	bool seekable;
};

/* Dynamic behaviour for /proc nodes. */
struct inode_ops {
	/* Symlink target computed on demand (e.g. /proc/self/exe). */
	int (*readlink)(struct inode *ino, char *buf, size_t cap);
	/* Directory with computed entries: lookup (0 and *ino_r, -ENOENT,
	 * or the file system's -errno, e.g. -EIO from a dead volume) and
	 * the idx'th entry. */
	int (*lookup)(struct inode *dir, const char *name,
		      struct inode **ino_r);
	int (*readdir)(struct inode *dir, size_t idx, char *name, size_t cap,
		       struct inode **ino_r);
	/* Regular file whose contents are generated at open. */
	long (*generate)(struct inode *ino, char *buf, size_t cap);
	/*
	 * A mounted file system (p9fs.c: a volume). Each is optional; the
	 * VFS calls them instead of changing the ramfs when the directory
	 * (or inode) has them. Return 0 or -errno.
	 */
	int (*create)(struct inode *dir, const char *name, uint32_t mode,
		      struct inode **ino_r); /* S_IFREG or S_IFDIR in mode */
	int (*unlink)(struct inode *dir, const char *name, bool rmdir);
	int (*rename)(struct inode *odir, const char *oname, struct inode *ndir,
		      const char *nname);
	int (*symlink)(struct inode *dir, const char *name, const char *target);
	int (*link)(struct inode *dir, const char *name, struct inode *ino);
	/* Sets f->ops and f->priv for reading and writing through the server. */
	int (*open)(struct file *f, uint32_t flags);
	int (*truncate)(struct inode *ino, uint64_t size);
	int (*chmod)(struct inode *ino, uint32_t mode);
	/* Re-reads the attributes (stat, lseek's SEEK_END): cache=none. */
	int (*refresh)(struct inode *ino);
};

struct inode {
	uint32_t mode, uid, gid, nlink;
	uint64_t ino;
	uint32_t rdev;
	int64_t atime_ns, mtime_ns, ctime_ns;
	uint64_t size;
	int open_refs;
	/* regular file: external read-only data, or owned pages */
	const uint8_t *ext;
	uint8_t **pages;
	size_t npages_cap;
	/* page-aligned copy for exec to map shared (exec.c), or NULL */
	uint64_t *pcache;
	size_t pcache_n;
	/* directory */
	struct list_node children; /* dentries, newest first */
	struct inode *parent;
	const char *name; /* this directory's name in its parent */
	/* symlink */
	char *link;
	const struct file_ops *fops; /* devices */
	const struct inode_ops *iops; /* /proc */
	uintptr_t priv;
	void *priv_fs; /* the mount of a volume's inode (p9fs.c), else NULL */
	struct ramfs_sb *sb; /* a tmpfs's inode: its instance; else NULL */
	/* Readiness events (poll_notify): edge-triggered epoll reports a
	 * still-ready file again when these move. */
	uint32_t poll_gen_in, poll_gen_out;
	/* Record locks and flock locks on this file (sys_lock.c). */
	struct list_node locks;
	/* /proc/self and what is in it: owned by whoever looks, as Linux
	 * shows each process its own (inode_uid, inode_gid). */
	bool viewer_owned;
	/* inotify was told IN_DELETE_SELF at its last unlink (inotify.c). */
	bool in_deleted;
};

struct dentry {
	uint64_t seq; /* creation order: getdents offsets survive unlinks */
	char *name;
	struct inode *ino;
	struct list_node node; /* in the directory's children */
};

struct file {
	struct inode *ino;
	const struct file_ops *ops; /* NULL: plain ramfs file/dir */
	uint64_t pos;
	uint32_t flags; /* O_ACCMODE | O_APPEND | O_NONBLOCK */
	int refs;
	void *priv;
	char *path; /* as opened, for /proc/self/fd (kmalloc'd, may be NULL) */
	char *gen; /* generated contents (/proc) */
	size_t gen_len;
	struct list_node epitems; /* epoll registrations watching it */
};

#define PATH_MAX 4096

struct inode *vfs_root(void);
void vfs_init(void);
struct inode *inode_new(uint32_t mode);
/* Called when nlink or open_refs drop; frees at zero. */
void inode_put_check(struct inode *ino);

/*
 * Resolves path relative to cwd (absolute if it starts with '/').
 * follow: follow a final symlink. Returns 0 and *ino_r, or -ENOENT,
 * -ENOTDIR, -ELOOP, -ENAMETOOLONG.
 */
int vfs_lookup(struct inode *cwd, const char *path, bool follow,
	       struct inode **ino_r);
/* Resolves all but the last component; *name_r points into path (a
 * copy is not made). Trailing slashes are stripped in place. */
int vfs_lookup_parent(struct inode *cwd, char *path, struct inode **dir_r,
		      char **name_r);
/* The entry name of dir: 0 and *ino_r, -ENOENT, or the lookup's -errno
 * (a volume whose backend died: -EIO, which must reach the program). */
int vfs_dir_lookup(struct inode *dir, const char *name, struct inode **ino_r);
/* The same, NULL for any failure (for the ramfs's own set-up). */
struct inode *vfs_dir_find(struct inode *dir, const char *name);
/* The longest name of one path component. */
#define VFS_NAME_MAX 255
/*
 * The next component of *path into name (VFS_NAME_MAX + 1 bytes), with
 * *path moved past it: 1, 0 at the end (only slashes were left), or
 * -ENAMETOOLONG.
 */
int vfs_path_next(const char **path, char *name);
int vfs_link(struct inode *dir, const char *name, struct inode *ino);
int vfs_unlink(struct inode *dir, const char *name, bool dir_ok, bool must_dir);
int vfs_mknod(struct inode *dir, const char *name, uint32_t mode,
	      struct inode **ino_r);
int vfs_symlink(struct inode *dir, const char *name, const char *target);
int vfs_rename(struct inode *odir, const char *oname, struct inode *ndir,
	       const char *nname);
/* Writes the absolute path of a directory. Returns length or -errno. */
long vfs_dir_path(struct inode *dir, char *buf, size_t cap);
int vfs_readlink(struct inode *ino, char *buf, size_t cap);

/*
 * Discretionary access control, the one place every path asks (open,
 * exec, lookup, create, remove, rename, truncate, chmod, chown, times,
 * access). The ids are the current task's fs ids (cred.fsuid, fsgid
 * and the supplementary groups); fsuid 0 is root, which passes every
 * check except that exec needs some x bit. A volume's inodes (priv_fs)
 * pass: the 9P server in dom0 decides for them. All return 0 or -errno.
 */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
/* The owner or group of ino as stat shows it. */
uint32_t inode_uid(const struct inode *ino);
uint32_t inode_gid(const struct inode *ino);
/* The r/w/x bits of owner, group or other for mask (MAY_*): -EACCES. */
int vfs_permission(const struct inode *ino, int mask);
/* Removing or replacing victim's entry in dir: w and x on dir, and in a
 * sticky directory (/tmp) only the owner of victim or of dir: -EPERM. */
int vfs_may_delete(const struct inode *dir, const struct inode *victim);
/* chmod and setting explicit times: the owner only (-EPERM). */
int vfs_may_own(const struct inode *ino);
/* utimensat: explicit times need the owner, "now" also write access. */
int vfs_may_touch(const struct inode *ino, bool explicit_times);
/* chown: the owner may only give the file to one of its own groups;
 * changing the owner is root's (-EPERM). ID -1 leaves that id alone. */
int vfs_may_chown(const struct inode *ino, uint32_t uid, uint32_t gid);
/* The mode chmod stores: S_ISGID dropped when a non-root caller is not
 * in the file's group (as Linux). */
uint32_t vfs_chmod_mode(const struct inode *ino, uint32_t mode);

/* Drops the exec page cache (on write, truncate and free). */
void inode_drop_pcache(struct inode *ino);

/* The largest ramfs file (4 GiB: page indexes stay small). */
#define FILE_SIZE_MAX (1ull << 32)

/* Regular file contents (kernel buffers). */
long ramfs_read(struct inode *ino, uint64_t off, void *buf, size_t n,
		bool user);
long ramfs_write(struct inode *ino, uint64_t off, const void *buf, size_t n,
		 bool user);
int ramfs_truncate(struct inode *ino, uint64_t size);
/* Gives the pages of [off, end) of a file (fallocate on a limited tmpfs):
 * 0, or -ENOSPC with the pages it added freed again. */
int ramfs_reserve(struct inode *ino, uint64_t off, uint64_t end);
/* The frame holding page idx of a file, made its own (a hole gets a zeroed
 * page): what a shared mapping maps. 0, -ENOMEM, or -ENXIO for a hole of
 * a full tmpfs (the fault is SIGBUS). */
int ramfs_page(struct inode *ino, size_t idx, uint64_t *pa_r);
/* Sets external (never freed) contents, e.g. from the cpio module. */
void ramfs_set_ext(struct inode *ino, const void *data, size_t size);

/* Rootfs (rootfs.c): unpacks a newc cpio into the root. Returns 0 or
 * -errno with *err_r set to a message naming the entry. */
int rootfs_unpack(const void *data, size_t len, char *err, size_t errcap);

/* Devices and /proc (dev.c, procfs.c). */
void dev_init(void);
void procfs_init(void);

/* Open files (file.c). */
struct file *file_new(struct inode *ino, uint32_t flags);
void file_get(struct file *f);
void file_put(struct file *f);

/* File descriptor tables (file.c): shared by CLONE_FILES threads. */
#define FD_MAX 256

struct files {
	int refs;
	struct file *fd[FD_MAX];
	uint64_t cloexec[FD_MAX / 64];
};

/* An empty table (one reference), or NULL. */
struct files *files_new(void);
/* A private copy (fork, or exec in a thread), or NULL. */
struct files *files_copy(const struct files *p);
/* Drops a reference; closes every descriptor with the last. */
void files_put(struct files *fs);
/* Closes fs's descriptor fd (which must be open). */
void files_drop(struct files *fs, int fd);
/* Installs f (one reference, which this takes) as fds 0, 1 and 2. */
void files_set_stdio(struct files *fs, struct file *f);
/* The current task's descriptors: */
int fd_install(struct file *f, int min_fd, bool cloexec);
struct file *fd_get(int fd);
int fd_close(int fd);
/* Opens a path as the current task would: returns a new file or -errno. */
int vfs_open(const char *path, int flags, uint32_t mode, struct file **f_r);
long file_read(struct file *f, void *ubuf, size_t n);
long file_write(struct file *f, const void *ubuf, size_t n);
unsigned file_poll(struct file *f);

/* Wakes poll()/select()/epoll sleepers: call on any readiness change. */
void poll_wake(void);
extern const char poll_chan;
/* A readiness event on ino: data arrived (POLLIN) or room appeared
 * (POLLOUT); wakes the pollers. */
void poll_notify(struct inode *ino, unsigned mask);
/* Whether f answers poll (epoll refuses the rest with EPERM). */
bool file_pollable(const struct file *f);
/* A file on an anonymous inode (eventfd, timerfd, signalfd, epoll):
 * name is what /proc/self/fd shows ("anon_inode:[eventfd]"). NULL if
 * out of memory (ops->release is not called then). */
struct file *anon_file_new(const struct file_ops *ops, const char *name,
			   uint32_t flags, void *priv);
/* Installs f at the lowest free fd (taking its reference) or drops it:
 * the fd or -EMFILE. */
int fd_install_or_put(struct file *f, bool cloexec);

/* epoll (sys_epoll.c): drops the registrations of a file being freed. */
void epoll_file_gone(struct file *f);
/* Locks (sys_lock.c): what close(fd) and the last close release. */
void locks_close(struct file *f, struct files *fs);
void locks_file_gone(struct file *f);
/* fcntl's F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms. */
long lock_fcntl(struct file *f, int cmd, uint64_t uarg);

/* Pipes (pipe.c). */
int pipe_create(struct file **rd_r, struct file **wr_r);

/* The console device's ops, for init's stdio. */
extern const struct file_ops console_fops;
struct inode *dev_console_inode(void);

#endif
