/* SPDX-License-Identifier: MIT */
/* syscall.h: the Linux x86-64 system call layer: dispatch table and handler convention. */
#ifndef GUEST_KERNEL_SYSCALL_H
#define GUEST_KERNEL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/trap.h"
#include "kernel/syscall_nr.h"

#define SYSCALL_MAX 451

/* A call's arguments (rdi, rsi, rdx, r10, r8, r9) and its frame. */
struct sysargs {
	uint64_t arg[6];
	struct trap_frame *f;
};

/* Handlers return a value or -errno (-ERESTARTSYS to restart). */
typedef long (*sys_fn)(const struct sysargs *a);

extern const char *const syscall_names[SYSCALL_MAX];

/* Each group fills its entries of the table. */
void sys_fs_register(sys_fn *tab);
void sys_dir_register(sys_fn *tab);
void sys_proc_register(sys_fn *tab);
void sys_cred_register(sys_fn *tab);
void sys_mem_register(sys_fn *tab);
void sys_misc_register(sys_fn *tab);
void sys_epoll_register(sys_fn *tab);
void sys_event_register(sys_fn *tab);
void sys_lock_register(sys_fn *tab);
void sys_net_register(sys_fn *tab);
void sys_sched_register(sys_fn *tab);
void sys_xattr_register(sys_fn *tab);

struct inode;

/* The *at() calls' directory and flags (Linux's values). */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH 0x1000

/* Path arguments (sys_fs.c). get_path: copies a user path into a
 * kmalloc'd PATH_MAX buffer (*p_r; the caller frees), returns its length
 * or -errno. at_base: the directory a *at() path starts from. lookup_at:
 * resolves (dirfd, user path). parent_at: resolves all but the last
 * component; *buf_r holds the name (the caller frees it on success). */
long get_path(uint64_t uptr, char **p_r);
int at_base(int dirfd, const char *path, struct inode **base_r);
int lookup_at(int dirfd, uint64_t upath, bool follow, bool empty_ok,
	      struct inode **ino_r);
int parent_at(int dirfd, uint64_t upath, char **buf_r, struct inode **dir_r,
	      char **name_r);

void syscall_init(void);
/* Called by arch/x86_64/syscall_entry.S with the user's registers. */
void syscall_dispatch(struct trap_frame *f);

/* Prints the syscalls implemented (for the man page check). */
int syscall_implemented(unsigned nr);

#endif
