/* SPDX-License-Identifier: MIT */
/* inotify.h: inotify watches on the VFS (the ramfs, and a volume's changes made by this pod) and their event queues. */
#ifndef GUEST_KERNEL_INOTIFY_H
#define GUEST_KERNEL_INOTIFY_H

#include <stdint.h>

#include "kernel/syscall.h"

struct inode;

#define IN_ACCESS 0x1u
#define IN_MODIFY 0x2u
#define IN_ATTRIB 0x4u
#define IN_CLOSE_WRITE 0x8u
#define IN_CLOSE_NOWRITE 0x10u
#define IN_OPEN 0x20u
#define IN_MOVED_FROM 0x40u
#define IN_MOVED_TO 0x80u
#define IN_CREATE 0x100u
#define IN_DELETE 0x200u
#define IN_DELETE_SELF 0x400u
#define IN_MOVE_SELF 0x800u
#define IN_ISDIR 0x40000000u
/* Ours, never reported: the event goes to the inode's own watches only
 * (a link count's IN_ATTRIB, IN_DELETE_SELF, IN_MOVE_SELF, as Linux). */
#define IN_SELF_ONLY 0x00800000u

/* Watches that exist (any group): the hooks cost a test while there are none. */
extern unsigned inotify_nwatches;

/* An event of ino itself (IN_MODIFY, IN_ATTRIB, IN_OPEN, ...): to its own
 * watches, and to a watched directory that has an entry for it (with that
 * entry's name). */
void inotify_inode_event_slow(struct inode *ino, uint32_t mask);
/* An event of dir's entry name (IN_CREATE, IN_DELETE, IN_MOVED_*). */
void inotify_name_event_slow(struct inode *dir, uint32_t mask, const char *name,
			     uint32_t cookie);
/* ino is going away (its last link went, or it is freed): IN_DELETE_SELF
 * if asked, then IN_IGNORED, and its watches go. */
void inotify_inode_gone_slow(struct inode *ino, bool deleted);
/* A cookie that pairs IN_MOVED_FROM with IN_MOVED_TO. */
uint32_t inotify_cookie(void);

static inline void inotify_inode_event(struct inode *ino, uint32_t mask)
{
	if (inotify_nwatches)
		inotify_inode_event_slow(ino, mask);
}

static inline void inotify_name_event(struct inode *dir, uint32_t mask,
				      const char *name, uint32_t cookie)
{
	if (inotify_nwatches)
		inotify_name_event_slow(dir, mask, name, cookie);
}

static inline void inotify_inode_gone(struct inode *ino, bool deleted)
{
	if (inotify_nwatches)
		inotify_inode_gone_slow(ino, deleted);
}

/* inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch. */
void sys_inotify_register(sys_fn *t);

#endif
