/* SPDX-License-Identifier: MIT */
/* sys_mem.c: memory system calls: brk, mmap, munmap, mprotect, mremap, madvise, mlock, mincore. */
#include "kernel/p9fs.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

static bool range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v;

	list_for_each(v, &mm->vmas, node)
		if (v->start < end && v->end > start)
			return false;
	return true;
}

static long sys_brk(const struct sysargs *a)
{
	struct mm *mm = current->mm;
	uint64_t want = a->arg[0], old_end = page_up(mm->brk),
		 new_end = page_up(want);

	if (want < mm->brk_start || want >= USER_MMAP_TOP)
		return (long)mm->brk;
	if (new_end > old_end) {
		if (!range_free(mm, old_end, new_end) ||
		    mm_map(mm, old_end, new_end, VM_READ | VM_WRITE))
			return (long)mm->brk;
	} else if (new_end < old_end) {
		mm_unmap(mm, new_end, old_end);
	}
	mm->brk = want;
	return (long)want;
}

/* Copies file contents into a fresh private mapping. */
static long map_file(struct mm *mm, uint64_t addr, uint64_t len, int fd,
		     uint64_t off)
{
	struct file *f = fd_get(fd);
	uint8_t *buf;
	long rc = 0;

	if (!f)
		return -EBADF;
	if (!S_ISREG(f->ino->mode) || (f->ino->iops && !f->ino->iops->open))
		return -ENODEV;
	/* a volume's file: its size now, then a copy as for the ramfs */
	if (f->ino->iops && f->ino->iops->refresh &&
	    (rc = f->ino->iops->refresh(f->ino)))
		return rc;
	buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	for (uint64_t o = 0; o < len && off + o < f->ino->size;
	     o += PAGE_SIZE) {
		long n = f->ino->iops ?
				 p9fs_pread_kernel(f, off + o, buf, PAGE_SIZE) :
				 ramfs_read(f->ino, off + o, buf, PAGE_SIZE,
					    false);

		if (n <= 0)
			break;
		rc = mm_poke(mm, addr + o, buf, (size_t)n);
		if (rc)
			break;
	}
	kfree(buf);
	return rc;
}

/*
 * MAP_SHARED: a ramfs file's own pages are mapped (vm.c), so the mapping,
 * read, write and other processes' mappings see one copy. Shared anonymous
 * memory is a shared mapping of a nameless file of the region's size, so
 * it stays shared across fork. A volume's file (cache=none: no pages in
 * the guest) gets a private copy, said once.
 */
static long map_shared(struct mm *mm, uint64_t addr, uint64_t len,
		       uint32_t prot, const struct sysargs *a)
{
	struct inode *ino;
	struct file *f;
	static bool warned;

	if (a->arg[3] & MAP_ANONYMOUS) {
		ino = inode_new(S_IFREG | 0600);
		if (!ino)
			return -ENOMEM;
		ino->size = len;
		if (mm_map_file(mm, addr, addr + len, prot, ino, 0)) {
			inode_put_check(ino);
			return -ENOMEM;
		}
		return 0;
	}
	f = fd_get((int)a->arg[4]);
	if (!f)
		return -EBADF;
	if (!S_ISREG(f->ino->mode) || (f->ino->iops && !f->ino->iops->open))
		return -ENODEV;
	if ((f->flags & O_ACCMODE) == O_WRONLY ||
	    ((prot & VM_WRITE) && (f->flags & O_ACCMODE) != O_RDWR))
		return -EACCES;
	if (!f->ino->iops) /* a ramfs file */
		return mm_map_file(mm, addr, addr + len, prot, f->ino,
				   a->arg[5] / PAGE_SIZE);
	if (!warned) {
		warned = true;
		printk("xenpod-kernel: pid %d (%s): MAP_SHARED mapping of a "
		       "volume's file is a private copy (cache=none)\n",
		       current->pid, current->comm);
	}
	return 1; /* the caller copies the file */
}

static long sys_mmap(const struct sysargs *a)
{
	struct mm *mm = current->mm;
	uint64_t addr = a->arg[0], len = page_up(a->arg[1]), flags = a->arg[3];
	uint32_t prot = (uint32_t)a->arg[2] & (VM_READ | VM_WRITE | VM_EXEC);
	long rc;

	if (!a->arg[1] || !len || (a->arg[5] & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (!(flags & (MAP_SHARED | MAP_PRIVATE)))
		return -EINVAL;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if ((flags & MAP_FIXED_NOREPLACE) &&
		    !range_free(mm, addr, addr + len))
			return -EEXIST;
	} else if (!addr || (addr & (PAGE_SIZE - 1)) || addr + len < addr ||
		   addr + len > USER_MMAP_TOP ||
		   !range_free(mm, addr, addr + len)) {
		addr = mm_find_free(mm, len);
		if (!addr)
			return -ENOMEM;
	}
	if (flags & MAP_SHARED) {
		rc = map_shared(mm, addr, len, prot, a);
		if (rc <= 0)
			return rc ?: (long)addr;
	}
	rc = mm_map(mm, addr, addr + len, prot);
	if (rc)
		return rc;
	if (!(flags & MAP_ANONYMOUS)) {
		rc = map_file(mm, addr, len, (int)a->arg[4], a->arg[5]);
		if (rc) {
			mm_unmap(mm, addr, addr + len);
			return rc;
		}
	}
	return (long)addr;
}

static long sys_munmap(const struct sysargs *a)
{
	if (a->arg[0] & (PAGE_SIZE - 1) || !a->arg[1])
		return -EINVAL;
	return mm_unmap(current->mm, a->arg[0], a->arg[0] + page_up(a->arg[1]));
}

static long sys_mprotect(const struct sysargs *a)
{
	if (a->arg[0] & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!a->arg[1])
		return 0;
	return mm_protect(current->mm, a->arg[0],
			  a->arg[0] + page_up(a->arg[1]),
			  (uint32_t)a->arg[2] & (VM_READ | VM_WRITE | VM_EXEC));
}

/* Moves the frames of [old, old+len) to [new, new+len). */
static int move_pages(struct mm *mm, uint64_t old, uint64_t new, uint64_t len)
{
	for (uint64_t o = 0; o < len; o += PAGE_SIZE) {
		uint64_t pa, fl;

		if (pt_lookup(mm->pt, old + o, &pa, &fl))
			continue;
		pt_unmap(mm->pt, old + o, NULL);
		/* PTE_SW0 marks a copy-on-write page (vm.c) */
		if (pt_map(mm->pt, new + o, pa,
			   fl & (PTE_W | PTE_U | PTE_NX | PTE_SW0))) {
			user_page_put(pa);
			return -ENOMEM;
		}
	}
	return 0;
}

static long sys_mremap(const struct sysargs *a)
{
	struct mm *mm = current->mm;
	uint64_t old = a->arg[0], olen = page_up(a->arg[1]),
		 nlen = page_up(a->arg[2]), naddr;
	struct vma *v = mm_find(mm, old);
	struct inode *ino;
	uint64_t pgoff;
	uint32_t prot;
	long rc;

	if ((old & (PAGE_SIZE - 1)) || !nlen || (a->arg[3] & MREMAP_FIXED))
		return -EINVAL;
	if (!v || olen > v->end - old)
		return -EFAULT;
	prot = v->prot;
	ino = v->ino; /* a shared file region stays one, further into the file */
	pgoff = v->pgoff + (old - v->start) / PAGE_SIZE;
	if (nlen <= olen) {
		if (nlen < olen)
			mm_unmap(mm, old + nlen, old + olen);
		return (long)old;
	}
	if (range_free(mm, old + olen, old + nlen) &&
	    old + nlen <= USER_MMAP_TOP)
		return mm_map_file(mm, old + olen, old + nlen, prot, ino, pgoff + olen / PAGE_SIZE) ?:
			       (long)old;
	if (!(a->arg[3] & MREMAP_MAYMOVE))
		return -ENOMEM;
	naddr = mm_find_free(mm, nlen);
	if (!naddr)
		return -ENOMEM;
	rc = mm_map_file(mm, naddr, naddr + nlen, prot, ino, pgoff);
	if (!rc)
		rc = move_pages(mm, old, naddr, olen);
	if (rc)
		return rc;
	mm_unmap(mm, old, old + olen);
	return (long)naddr;
}

static long sys_madvise(const struct sysargs *a)
{
	uint64_t start = a->arg[0], len = page_up(a->arg[1]);

	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	/* MADV_DONTNEED: private anonymous pages read back as zero. */
	if (a->arg[2] == 4) {
		for (uint64_t va = start; va < start + len; va += PAGE_SIZE) {
			uint64_t pa;

			if (pt_unmap(current->mm->pt, va, &pa) == 0)
				user_page_put(pa);
		}
	}
	return 0;
}

/* Memory is never swapped or written back: locking and msync are no-ops. */
static long sys_mlock(const struct sysargs *a)
{
	return 0;
}

#define MLOCK_ONFAULT 1

static long sys_mlock2(const struct sysargs *a)
{
	return a->arg[2] & ~(uint64_t)MLOCK_ONFAULT ? -EINVAL : 0;
}

/*
 * mincore: a byte per page, 1 where the page is in memory (mapped in the page table: pages
 * are made on first touch and never swapped). EINVAL for an unaligned start, ENOMEM where
 * the range leaves the mapped regions, as Linux.
 */
static long sys_mincore(const struct sysargs *a)
{
	uint64_t start = a->arg[0], len = page_up(a->arg[1]), vec = a->arg[2];
	uint8_t chunk[64];
	size_t n = 0;

	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (start + len < start || start + len > USER_TOP)
		return -ENOMEM;
	for (uint64_t va = start; va < start + len; va += PAGE_SIZE) {
		uint64_t pa, fl;

		if (!mm_find(current->mm, va))
			return -ENOMEM;
		chunk[n++] = pt_lookup(current->mm->pt, va, &pa, &fl) == 0;
		if (n == sizeof(chunk) || va + PAGE_SIZE >= start + len) {
			if (copy_to_user((void *)vec, chunk, n))
				return -EFAULT;
			vec += n;
			n = 0;
		}
	}
	return 0;
}

void sys_mem_register(sys_fn *t)
{
	t[NR_brk] = sys_brk;
	t[NR_mmap] = sys_mmap;
	t[NR_munmap] = sys_munmap;
	t[NR_mprotect] = sys_mprotect;
	t[NR_mremap] = sys_mremap;
	t[NR_madvise] = sys_madvise;
	t[NR_mlock] = sys_mlock;
	t[NR_munlock] = sys_mlock;
	t[NR_mlockall] = sys_mlock;
	t[NR_munlockall] = sys_mlock;
	t[NR_msync] = sys_mlock;
	t[NR_mlock2] = sys_mlock2;
	t[NR_mincore] = sys_mincore;
}
