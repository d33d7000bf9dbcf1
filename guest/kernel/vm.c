/* SPDX-License-Identifier: MIT */
/* vm.c: per-process address spaces: regions, demand-zero faults, fork copies. */
#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/vfs.h"
#include "lib/string.h"

#define PAGE_MASK (~(uint64_t)(PAGE_SIZE - 1))

/*
 * Frames shared copy-on-write after fork: extra_refs[pfn] counts the
 * mappings beyond the first (0: one owner). A shared page is mapped
 * read-only with PTE_COW; the first write copies it (or just makes it
 * writable again once it has a single owner).
 */
#define PTE_COW PTE_SW0

static uint16_t *extra_refs;
static uint64_t ref_pfns;

static bool refs_ready(void)
{
	if (!extra_refs) {
		ref_pfns = page_ram_end() / PAGE_SIZE;
		extra_refs = kzalloc(ref_pfns * sizeof(*extra_refs));
	}
	return extra_refs != NULL;
}

/* Drops one mapping of a user frame; frees it with its last one. */
void user_page_put(uint64_t pa)
{
	uint64_t pfn = pa / PAGE_SIZE;

	if (extra_refs && pfn < ref_pfns && extra_refs[pfn]) {
		extra_refs[pfn]--;
		return;
	}
	page_free(pa, 1);
}

static uint64_t user_page_zeroed(void)
{
	uint64_t pa = page_alloc(1);

	if (pa)
		mem_zero_fast(phys_to_virt(pa), PAGE_SIZE);
	return pa;
}

static uint64_t pte_flags(uint32_t prot)
{
	uint64_t fl = PTE_U;

	if (prot & VM_WRITE)
		fl |= PTE_W;
	if (!(prot & VM_EXEC) && cpu_has_nx())
		fl |= PTE_NX;
	return fl;
}

typedef int (*page_fn)(uint64_t va, uint64_t pte, void *arg);

/* One table of the walk below; base is the address its entry 0 maps. */
static int walk_level(const uint64_t *t, int lvl, uint64_t base, uint64_t start,
		      uint64_t end, page_fn fn, void *arg)
{
	unsigned shift = 12 + 9 * (unsigned)(lvl - 1);
	unsigned i = start > base ? (unsigned)((start - base) >> shift) : 0;

	for (; i < 512; i++) {
		uint64_t lo = base + ((uint64_t)i << shift), e = t[i];
		int rc;

		if (lo >= end)
			break;
		if (!(e & PTE_P))
			continue;
		if (lvl == 1)
			rc = fn(lo, e, arg);
		else
			rc = walk_level(phys_to_virt(e & PTE_ADDR), lvl - 1, lo,
					start > lo ? start : lo, end, fn, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Calls fn for every present user page in [start, end), skipping absent
 * tables and entries (regions are large and sparsely touched). Reads the
 * tables in the architectural x86-64 format; fn may change leaf entries
 * through the pt_* API (which never frees a table while the space lives).
 */
static int walk_present(pt_t pt, uint64_t start, uint64_t end, page_fn fn,
			void *arg)
{
	return walk_level(phys_to_virt(pt), 4, 0, start, end, fn, arg);
}

struct mm *mm_new(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->pt = pt_new();
	if (!mm->pt) {
		kfree(mm);
		return NULL;
	}
	mm->mmap_top = USER_MMAP_TOP;
	mm->users = 1;
	list_init(&mm->vmas);
	return mm;
}

/* Each copy of a shared file region (split, fork) holds the file open,
 * so its pages outlive a close or unlink of the file, as on Linux. */
static void vma_hold(struct vma *v)
{
	if (v->ino)
		v->ino->open_refs++;
}

static void vma_free(struct vma *v)
{
	if (v->ino) {
		v->ino->open_refs--;
		inode_put_check(v->ino);
	}
	kfree(v);
}

static void free_leaf(uint64_t pa, uint64_t flags, void *arg)
{
	user_page_put(pa);
}

void mm_put(struct mm *mm)
{
	if (mm && --mm->users == 0)
		mm_destroy(mm);
}

void mm_destroy(struct mm *mm)
{
	struct vma *v, *n;

	if (!mm)
		return;
	pt_destroy(mm->pt, free_leaf, NULL);
	list_for_each_safe(v, n, &mm->vmas, node)
		vma_free(v);
	kfree(mm);
}

struct vma *mm_find(struct mm *mm, uint64_t addr)
{
	struct vma *v;

	list_for_each(v, &mm->vmas, node) {
		if (v->start > addr)
			break;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

/* Makes addr a region boundary (splits the region containing it). */
static int split_at(struct mm *mm, uint64_t addr)
{
	struct vma *v = mm_find(mm, addr), *n;

	if (!v || v->start == addr)
		return 0;
	n = kmalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = *v;
	vma_hold(n);
	n->start = addr;
	n->pgoff += (addr - v->start) / PAGE_SIZE;
	v->end = addr;
	list_add_head(&v->node, &n->node); /* just after v */
	return 0;
}

static int unmap_one(uint64_t va, uint64_t pte, void *arg)
{
	struct mm *mm = arg;
	uint64_t pa;

	if (pt_unmap(mm->pt, va, &pa) == 0)
		user_page_put(pa);
	return 0;
}

/* Drops the pages of [start, end) from the page tables. */
static void unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	walk_present(mm->pt, start, end, unmap_one, mm);
}

static bool range_ok(uint64_t start, uint64_t end)
{
	return start < end && !(start & ~PAGE_MASK) && !(end & ~PAGE_MASK) &&
	       end <= USER_TOP && start >= PAGE_SIZE;
}

int mm_unmap(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v, *n;
	int rc;

	if (!range_ok(start, end))
		return -EINVAL;
	rc = split_at(mm, start);
	if (!rc)
		rc = split_at(mm, end);
	if (rc)
		return rc;
	list_for_each_safe(v, n, &mm->vmas, node) {
		if (v->start >= start && v->end <= end) {
			unmap_pages(mm, v->start, v->end);
			list_del(&v->node);
			vma_free(v);
		}
	}
	return 0;
}

/* Whether n continues v: adjacent, same access, the same memory. */
static bool vma_continues(const struct vma *v, const struct vma *n)
{
	if (v->end != n->start || v->prot != n->prot || v->ino != n->ino)
		return false;
	return !v->ino ||
	       v->pgoff + (v->end - v->start) / PAGE_SIZE == n->pgoff;
}

static void merge_adjacent(struct mm *mm)
{
	struct vma *v = list_first(&mm->vmas, struct vma, node), *n;

	while (v && (n = list_next(&mm->vmas, v, node)) != NULL) {
		if (vma_continues(v, n)) {
			v->end = n->end;
			list_del(&n->node);
			vma_free(n);
			continue;
		}
		v = n;
	}
}

int mm_map(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot)
{
	return mm_map_file(mm, start, end, prot, NULL, 0);
}

int mm_map_file(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
		struct inode *ino, uint64_t pgoff)
{
	struct vma *v, *pos;
	int rc;

	if (!range_ok(start, end))
		return -EINVAL;
	rc = mm_unmap(mm, start, end);
	if (rc)
		return rc;
	v = kmalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->ino = ino;
	v->pgoff = pgoff;
	vma_hold(v);
	list_for_each(pos, &mm->vmas, node)
		if (pos->start >= start)
			break;
	list_add_before(&pos->node, &v->node); /* the head if none */
	merge_adjacent(mm);
	return 0;
}

struct protect_arg {
	struct mm *mm;
	uint64_t flags;
};

static int protect_one(uint64_t va, uint64_t pte, void *arg)
{
	struct protect_arg *pa = arg;

	uint64_t fl = pa->flags;

	if (pte & PTE_COW) /* stays read-only until the copy */
		fl = (fl & ~PTE_W) | PTE_COW;
	pt_protect(pa->mm->pt, va, fl);
	return 0;
}

int mm_protect(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot)
{
	int rc;

	if (!range_ok(start, end))
		return -EINVAL;
	/* Linux: -ENOMEM if any part of the range is unmapped. */
	for (uint64_t a = start; a < end;) {
		struct vma *v = mm_find(mm, a);

		if (!v)
			return -ENOMEM;
		a = v->end;
	}
	rc = split_at(mm, start);
	if (!rc)
		rc = split_at(mm, end);
	if (rc)
		return rc;
	struct vma *v;

	list_for_each(v, &mm->vmas, node) {
		struct protect_arg pa = { mm, pte_flags(prot) };

		if (v->start < start || v->end > end)
			continue;
		v->prot = prot;
		walk_present(mm->pt, v->start, v->end, protect_one, &pa);
	}
	merge_adjacent(mm);
	return 0;
}

uint64_t mm_find_free(struct mm *mm, uint64_t len)
{
	uint64_t top = mm->mmap_top, cand;
	bool moved = true;

	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	if (!len || len > top)
		return 0;
	/* Walk down below every region overlapping the candidate. */
	while (moved) {
		moved = false;
		if (top < len + (1ull << 20))
			return 0;
		cand = top - len;
		struct vma *v;

		list_for_each(v, &mm->vmas, node) {
			if (v->start < top && v->end > cand) {
				top = v->start;
				moved = true;
				break;
			}
		}
	}
	if (mm->brk && cand < mm->brk + (64ull << 20))
		return 0;
	return cand;
}

/* The first write to a shared page: copy it unless this is the last
 * mapping, which simply becomes writable again. */
static int cow_break(struct mm *mm, uint64_t va, uint64_t pa, uint32_t prot)
{
	uint64_t pfn = pa / PAGE_SIZE, npa;

	if (!extra_refs[pfn])
		return pt_protect(mm->pt, va, pte_flags(prot)) ? -EFAULT : 0;
	npa = page_alloc(1);
	if (!npa)
		return -ENOMEM;
	mem_copy_fast(phys_to_virt(npa), phys_to_virt(pa), PAGE_SIZE);
	pt_unmap(mm->pt, va, NULL);
	if (pt_map(mm->pt, va, npa, pte_flags(prot))) {
		pt_map(mm->pt, va, pa, (pte_flags(prot) & ~PTE_W) | PTE_COW);
		page_free(npa, 1);
		return -ENOMEM;
	}
	extra_refs[pfn]--;
	return 0;
}

/* A page of a shared file mapping: the file's own frame, writable if the
 * region is (no copy-on-write: writes reach the file). */
static int fault_file_page(struct mm *mm, struct vma *v, uint64_t va)
{
	uint64_t idx = v->pgoff + (va - v->start) / PAGE_SIZE, pa;
	int rc;

	if (idx >= (v->ino->size + PAGE_SIZE - 1) / PAGE_SIZE)
		return -ENXIO; /* past the end of the file: SIGBUS */
	if (!refs_ready())
		return -ENOMEM;
	rc = ramfs_page(v->ino, idx, &pa);
	if (rc)
		return rc;
	if (pa / PAGE_SIZE >= ref_pfns ||
	    extra_refs[pa / PAGE_SIZE] == UINT16_MAX)
		return -ENOMEM;
	if (pt_map(mm->pt, va, pa, pte_flags(v->prot)))
		return -ENOMEM;
	extra_refs[pa / PAGE_SIZE]++;
	return 0;
}

int mm_fault(struct mm *mm, uint64_t addr, bool write)
{
	struct vma *v = mm_find(mm, addr);
	uint64_t va = addr & PAGE_MASK, pa, flags;

	if (!v || !(v->prot & (VM_READ | VM_WRITE | VM_EXEC)))
		return -EFAULT;
	if (write && !(v->prot & VM_WRITE))
		return -EFAULT;
	if (pt_lookup(mm->pt, va, &pa, &flags) == 0) {
		if (!write || (flags & PTE_W))
			return 0;
		return (flags & PTE_COW) ? cow_break(mm, va, pa, v->prot) :
					   -EFAULT;
	}
	if (v->ino)
		return fault_file_page(mm, v, va);
	pa = user_page_zeroed();
	if (!pa)
		return -ENOMEM;
	if (pt_map(mm->pt, va, pa, pte_flags(v->prot))) {
		page_free(pa, 1);
		return -ENOMEM;
	}
	return 0;
}

/* Finds or creates the page holding va, ignoring protections. */
static uint8_t *page_for_poke(struct mm *mm, uint64_t va)
{
	struct vma *v = mm_find(mm, va);
	uint64_t pa, flags;

	if (!v)
		return NULL;
	if (pt_lookup(mm->pt, va & PAGE_MASK, &pa, &flags) == 0 &&
	    (flags & PTE_COW)) {
		if (cow_break(mm, va & PAGE_MASK, pa, v->prot))
			return NULL;
		if (pt_lookup(mm->pt, va & PAGE_MASK, &pa, &flags))
			return NULL;
	} else if (pt_lookup(mm->pt, va & PAGE_MASK, &pa, &flags) && v->ino) {
		if (fault_file_page(mm, v, va & PAGE_MASK) ||
		    pt_lookup(mm->pt, va & PAGE_MASK, &pa, &flags))
			return NULL;
	} else if (pt_lookup(mm->pt, va & PAGE_MASK, &pa, &flags)) {
		pa = user_page_zeroed();
		if (!pa)
			return NULL;
		if (pt_map(mm->pt, va & PAGE_MASK, pa, pte_flags(v->prot))) {
			page_free(pa, 1);
			return NULL;
		}
	}
	return (uint8_t *)phys_to_virt(pa) + (va & ~PAGE_MASK);
}

int mm_poke(struct mm *mm, uint64_t va, const void *src, size_t n)
{
	const uint8_t *s = src;

	while (n) {
		size_t chunk = PAGE_SIZE - (va & ~PAGE_MASK);
		uint8_t *d = page_for_poke(mm, va);

		if (!d)
			return -ENOMEM;
		if (chunk > n)
			chunk = n;
		mem_copy_fast(d, s, chunk);
		va += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

int mm_map_shared(struct mm *mm, uint64_t va, uint64_t pa)
{
	struct vma *v = mm_find(mm, va);
	uint64_t pfn = pa / PAGE_SIZE;
	int rc;

	if (!v)
		return -EFAULT;
	if (!refs_ready() || pfn >= ref_pfns || extra_refs[pfn] == UINT16_MAX)
		return -ENOMEM;
	rc = pt_map(mm->pt, va, pa, (pte_flags(v->prot) & ~PTE_W) | PTE_COW);
	if (rc)
		return rc;
	extra_refs[pfn]++;
	return 0;
}

struct share_arg {
	struct mm *src, *dst;
	bool shared; /* a shared file region: both keep writing the file */
};

/* fork: maps the frame into the child too, both read-only + PTE_COW
 * if it is writable (except in a shared region). */
static int share_one(uint64_t va, uint64_t pte, void *arg)
{
	struct share_arg *sa = arg;
	uint64_t pa = pte & PTE_ADDR, pfn = pa / PAGE_SIZE;
	uint64_t fl = pte & (PTE_W | PTE_U | PTE_NX | PTE_COW);

	if (pfn >= ref_pfns || extra_refs[pfn] == UINT16_MAX)
		return -ENOMEM;
	if ((fl & PTE_W) && !sa->shared) {
		fl = (fl & ~PTE_W) | PTE_COW;
		pt_protect(sa->src->pt, va, fl);
	}
	if (pt_map(sa->dst->pt, va, pa, fl))
		return -ENOMEM;
	extra_refs[pfn]++;
	return 0;
}

static int copy_region(struct mm *dst, struct mm *src, struct vma *v)
{
	struct share_arg sa = { src, dst, v->ino != NULL };

	return walk_present(src->pt, v->start, v->end, share_one, &sa);
}

struct mm *mm_fork(struct mm *src)
{
	struct mm *dst;
	struct vma *v;

	if (!refs_ready())
		return NULL;
	dst = mm_new();
	if (!dst)
		return NULL;
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->stack_lo = src->stack_lo;
	dst->mmap_top = src->mmap_top;
	list_for_each(v, &src->vmas, node) {
		struct vma *n = kmalloc(sizeof(*n));

		if (!n)
			goto fail;
		*n = *v;
		vma_hold(n);
		list_add_tail(&dst->vmas, &n->node);
		if (copy_region(dst, src, v))
			goto fail;
	}
	return dst;
fail:
	mm_destroy(dst);
	return NULL;
}

int user_range_ok(const void *uptr, size_t n, bool write)
{
	uint64_t a = (uint64_t)uptr, end;

	if (n == 0)
		return 0;
	if (!current || !current->mm || a >= USER_TOP || n > USER_TOP - a)
		return -EFAULT;
	end = a + n;
	for (uint64_t va = a & PAGE_MASK; va < end; va += PAGE_SIZE)
		if (mm_fault(current->mm, va < a ? a : va, write))
			return -EFAULT;
	return 0;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (current->uaccess_kernel) {
		mem_copy_fast(dst, usrc, n);
		return 0;
	}
	if (user_range_ok(usrc, n, false))
		return -EFAULT;
	mem_copy_fast(dst, usrc, n);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (current->uaccess_kernel) {
		mem_copy_fast(udst, src, n);
		return 0;
	}
	if (user_range_ok(udst, n, true))
		return -EFAULT;
	mem_copy_fast(udst, src, n);
	return 0;
}

int clear_user(void *udst, size_t n)
{
	if (user_range_ok(udst, n, true))
		return -EFAULT;
	mem_zero_fast(udst, n);
	return 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t cap)
{
	uint64_t a = (uint64_t)usrc;
	size_t i = 0;

	while (i < cap) {
		size_t chunk = PAGE_SIZE - ((a + i) & ~PAGE_MASK);

		if (user_range_ok(usrc + i, 1, false))
			return -EFAULT;
		if (chunk > cap - i)
			chunk = cap - i;
		for (size_t k = 0; k < chunk; k++, i++) {
			dst[i] = usrc[i];
			if (!dst[i])
				return (long)i;
		}
	}
	if (cap)
		dst[cap - 1] = '\0';
	return -ENAMETOOLONG;
}
