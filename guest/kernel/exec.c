/* SPDX-License-Identifier: MIT */
/* exec.c: the ELF loader: static and static-PIE executables, #! scripts, the initial stack. */
#include "arch/cpu.h"
#include "kernel/p9fs.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/vfs.h"
#include "lib/elf.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define ARG_MAX_BYTES (256 * 1024)
#define ARGS_MAX 8192
#define SCRIPT_DEPTH 4
#define USER_CS (GDT_UCS | 3)
#define USER_SS (GDT_UDS | 3)

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_MINSIGSTKSZ 51

void random_fill(void *buf, size_t n);

/* The new program's strings, gathered before the old image goes away. */
struct exec_args {
	char *buf; /* argv strings, then envp strings */
	size_t len, cap;
	size_t argc, envc;
};

static int args_add(struct exec_args *a, const char *s, size_t n)
{
	if (a->len + n + 1 > a->cap)
		return -E2BIG;
	memcpy(a->buf + a->len, s, n);
	a->buf[a->len + n] = '\0';
	a->len += n + 1;
	return 0;
}

/* Copies a NULL-terminated vector from kernel or user memory. */
static int args_vec(struct exec_args *a, char *const *vec, bool user,
		    size_t *count)
{
	for (size_t i = 0;; i++) {
		const char *p;
		long n;

		if (i >= ARGS_MAX)
			return -E2BIG;
		if (!vec)
			return 0;
		if (user) {
			if (copy_from_user(&p, vec + i, sizeof(p)))
				return -EFAULT;
		} else {
			p = vec[i];
		}
		if (!p)
			return 0;
		if (user) {
			n = strncpy_from_user(a->buf + a->len, p,
					      a->cap - a->len);
			if (n == -ENAMETOOLONG)
				return -E2BIG;
			if (n < 0)
				return (int)n;
			a->len += (size_t)n + 1;
		} else if (args_add(a, p, strlen(p))) {
			return -E2BIG;
		}
		(*count)++;
	}
}

/* Skips n NUL-terminated strings. */
static char *args_skip(char *p, size_t n)
{
	while (n--)
		p += strlen(p) + 1;
	return p;
}

/* Replaces argv[0] by "interp [optarg] path" for a #! script. */
static int args_script(struct exec_args *a, const char *interp,
		       const char *optarg, const char *path)
{
	char *old = a->buf, *rest = a->argc ? args_skip(old, 1) : old;
	size_t restlen = a->len - (size_t)(rest - old);
	char *nbuf = kmalloc(a->cap);
	struct exec_args n = { nbuf, 0, a->cap, 0, a->envc };

	if (!nbuf)
		return -ENOMEM;
	if (args_add(&n, interp, strlen(interp)) ||
	    (optarg && args_add(&n, optarg, strlen(optarg))) ||
	    args_add(&n, path, strlen(path)) || n.len + restlen > n.cap) {
		kfree(nbuf);
		return -E2BIG;
	}
	memcpy(n.buf + n.len, rest, restlen);
	n.len += restlen;
	n.argc = (optarg ? 3 : 2) + (a->argc ? a->argc - 1 : 0);
	kfree(old);
	*a = n;
	return 0;
}

/* A volume's file, read whole through an open of its own. */
static long volume_read(struct inode *ino, uint8_t *buf)
{
	struct file *f;
	long n;

	if (!ino->iops->open)
		return -EACCES;
	f = file_new(ino, O_RDONLY);
	if (!f)
		return -ENOMEM;
	n = ino->iops->open(f, O_RDONLY);
	if (!n)
		n = p9fs_pread_kernel(f, 0, buf, ino->size);
	file_put(f);
	return n;
}

/* Reads the whole file into one contiguous buffer (the cpio data if
 * possible). *owned_r: the caller must kfree it. */
static int file_image(struct inode *ino, const uint8_t **img_r,
		      uint8_t **owned_r)
{
	uint8_t *buf;

	*owned_r = NULL;
	if (ino->ext) {
		*img_r = ino->ext;
		return 0;
	}
	if (ino->iops && ino->iops->refresh && ino->iops->refresh(ino))
		return -EIO; /* a volume's file: its size now */
	if (ino->size > (256ull << 20))
		return -ENOMEM;
	buf = kmalloc(ino->size ? ino->size : 1);
	if (!buf)
		return -ENOMEM;
	if ((ino->iops ? volume_read(ino, buf) :
			 ramfs_read(ino, 0, buf, ino->size, false)) !=
	    (long)ino->size) {
		kfree(buf);
		return -EIO;
	}
	*img_r = buf;
	*owned_r = buf;
	return 0;
}

static uint32_t seg_prot(uint32_t pf)
{
	return ((pf & PF_R) ? VM_READ : 0) | ((pf & PF_W) ? VM_WRITE : 0) |
	       ((pf & PF_X) ? VM_EXEC : 0);
}

/* Builds ino's page-aligned copy once, for sharing between execs. */
static int pcache_build(struct inode *ino, const uint8_t *img)
{
	size_t n = (ino->size + PAGE_SIZE - 1) / PAGE_SIZE;

	if (ino->pcache || !n)
		return 0;
	ino->pcache = kzalloc(n * sizeof(*ino->pcache));
	if (!ino->pcache)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = page_alloc(1), off = i * PAGE_SIZE;
		size_t len = ino->size - off < PAGE_SIZE ? ino->size - off :
							   PAGE_SIZE;

		if (!pa) {
			ino->pcache_n = i;
			inode_drop_pcache(ino);
			return -ENOMEM;
		}
		mem_copy_fast(phys_to_virt(pa), img + off, len);
		mem_zero_fast((uint8_t *)phys_to_virt(pa) + len,
			      PAGE_SIZE - len);
		ino->pcache[i] = pa;
		ino->pcache_n = i + 1;
	}
	return 0;
}

/*
 * Fills a segment's pages: whole pages of file data are mapped shared
 * from the page cache (copy-on-write), the partial last page and pages
 * already holding a neighbour's data are copied.
 */
static int fill_segment(struct mm *mm, const uint8_t *img, struct inode *ino,
			const struct elf64_phdr *ph, uint64_t bias)
{
	uint64_t start = bias + ph->p_vaddr, fend = ph->p_offset + ph->p_filesz;
	uint64_t va = start & ~(uint64_t)(PAGE_SIZE - 1);

	for (; va < start + ph->p_filesz; va += PAGE_SIZE) {
		uint64_t foff = ph->p_offset - (start - va), from, to;
		int rc = -EEXIST;

		if (ino && ino->pcache && foff + PAGE_SIZE <= fend &&
		    foff / PAGE_SIZE < ino->pcache_n)
			rc = mm_map_shared(mm, va,
					   ino->pcache[foff / PAGE_SIZE]);
		if (rc == 0)
			continue;
		if (rc != -EEXIST)
			return rc;
		from = foff > ph->p_offset ? foff : ph->p_offset;
		to = foff + PAGE_SIZE < fend ? foff + PAGE_SIZE : fend;
		rc = mm_poke(mm, va + (from - foff), img + from, to - from);
		if (rc)
			return rc;
	}
	return 0;
}

static int load_segments(struct mm *mm, const uint8_t *img,
			 const struct elf_info *in, uint64_t bias,
			 struct inode *ino, uint64_t *end_r)
{
	uint64_t mapped_end = 0;

	/* a volume's file can change under us (cache=none): no shared copy */
	if (ino && (ino->iops || pcache_build(ino, img)))
		ino = NULL; /* no memory for the cache: copy instead */
	for (size_t i = 0; i < in->phnum; i++) {
		const struct elf64_phdr *ph = elf_phdr(img, in, i);
		uint64_t lo, hi;
		uint32_t prot;
		int rc;

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		lo = (bias + ph->p_vaddr) & ~(uint64_t)(PAGE_SIZE - 1);
		hi = (bias + ph->p_vaddr + ph->p_memsz + PAGE_SIZE - 1) &
		     ~(uint64_t)(PAGE_SIZE - 1);
		prot = seg_prot(ph->p_flags);
		/* A page shared with the previous segment gets both rights. */
		if (lo < mapped_end) {
			struct vma *v = mm_find(mm, lo);

			rc = mm_protect(mm, lo, mapped_end,
					prot | (v ? v->prot : 0));
			if (rc)
				return rc;
			lo = mapped_end;
		}
		if (lo < hi) {
			rc = mm_map(mm, lo, hi, prot);
			if (rc)
				return rc;
		}
		if (hi > mapped_end)
			mapped_end = hi;
		rc = fill_segment(mm, img, ino, ph, bias);
		if (rc)
			return rc;
	}
	*end_r = mapped_end;
	return 0;
}

struct stack_build {
	struct mm *mm;
	uint64_t sp;
};

static uint64_t push_bytes(struct stack_build *s, const void *p, size_t n)
{
	s->sp -= n;
	if (mm_poke(s->mm, s->sp, p, n))
		return 0;
	return s->sp;
}

static int build_stack(struct mm *mm, struct exec_args *a,
		       const struct elf_info *in, uint64_t bias,
		       uint64_t interp_base, const char *execfn, uint64_t *sp_r)
{
	struct stack_build s = { mm, USER_STACK_TOP };
	uint64_t rnd[2], strs, at_random, at_plat, at_execfn, *vec, sp;
	size_t nvec = 1 + a->argc + 1 + a->envc + 1 + 2 * 20, k = 0;
	uint32_t r[4];
	char *p;
	int rc;

	random_fill(rnd, sizeof(rnd));
	at_random = push_bytes(&s, rnd, sizeof(rnd));
	at_plat = push_bytes(&s, "x86_64", 7);
	at_execfn = push_bytes(&s, execfn, strlen(execfn) + 1);
	strs = push_bytes(&s, a->buf, a->len);
	if (!at_random || !at_plat || !at_execfn || !strs)
		return -ENOMEM;
	vec = kmalloc(nvec * sizeof(*vec));
	if (!vec)
		return -ENOMEM;
	vec[k++] = a->argc;
	p = a->buf;
	for (size_t i = 0; i < a->argc + a->envc; i++) {
		vec[k++] = strs + (uint64_t)(p - a->buf);
		p += strlen(p) + 1;
		if (i + 1 == a->argc)
			vec[k++] = 0;
	}
	if (a->argc == 0)
		vec[k++] = 0;
	vec[k++] = 0;
	cpuid(1, 0, r);
#define AUX(t, v)               \
	do {                    \
		vec[k++] = (t); \
		vec[k++] = (v); \
	} while (0)
	AUX(AT_PHDR,
	    bias + (in->phdr_vaddr ? in->phdr_vaddr : in->lo + in->phoff));
	AUX(AT_PHENT, sizeof(struct elf64_phdr));
	AUX(AT_PHNUM, in->phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, interp_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, bias + in->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_HWCAP, r[3]);
	AUX(AT_HWCAP2, 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_MINSIGSTKSZ, 2048);
	AUX(AT_RANDOM, at_random);
	AUX(AT_PLATFORM, at_plat);
	AUX(AT_EXECFN, at_execfn);
	AUX(AT_NULL, 0);
#undef AUX
	sp = (s.sp - k * sizeof(*vec)) & ~15ull;
	rc = mm_poke(mm, sp, vec, k * sizeof(*vec));
	kfree(vec);
	*sp_r = sp;
	return rc;
}

static char interp_err[192]; /* one exec at a time: no preemption */

bool exec_err_is_interp(const char *err)
{
	return err == interp_err;
}

static const char *interp_fail(const char *interp, const char *why)
{
	fmt_snprintf(interp_err, sizeof(interp_err),
		     "dynamically linked: interpreter %.128s: %s", interp, why);
	return interp_err;
}

/*
 * Loads the program interpreter (the dynamic linker) of a dynamically
 * linked program at a free address; *base_r is its load bias (AT_BASE),
 * *entry_r where execution starts.
 */
static int load_interp(struct task *t, struct mm *mm, const char *interp,
		       uint64_t *base_r, uint64_t *entry_r, const char **err_r)
{
	const uint8_t *img;
	uint8_t *owned = NULL;
	struct inode *ino;
	struct elf_info in;
	uint64_t base, end;
	const char *why = "not found";
	int rc = vfs_lookup(t->cwd, interp, true, &ino);

	if (!rc && !S_ISREG(ino->mode))
		rc = -EACCES;
	if (!rc)
		rc = vfs_permission(ino, MAY_EXEC);
	if (rc)
		goto out;
	why = "cannot read it";
	rc = file_image(ino, &img, &owned);
	if (rc)
		goto out;
	rc = elf_check(img, ino->size, &in, &why);
	if (rc)
		goto out;
	why = "not a shared object";
	rc = -ENOEXEC;
	if (in.has_interp || in.type != ET_DYN)
		goto out;
	why = "no room to load it";
	rc = -ENOMEM;
	base = mm_find_free(mm, in.hi - in.lo);
	if (!base)
		goto out;
	why = "out of memory";
	rc = load_segments(mm, img, &in, base - in.lo, ino, &end);
	if (rc)
		goto out;
	*base_r = base - in.lo;
	*entry_r = base - in.lo + in.entry;
out:
	if (rc)
		*err_r = interp_fail(interp, why);
	kfree(owned);
	return rc;
}

/* The stack region exec maps: RLIMIT_STACK's soft limit, page-aligned,
 * at least 128 KiB (the arguments' room) and at most USER_STACK_MAX (the
 * room below USER_STACK_TOP; "unlimited" gets that). */
#define STACK_MIN (128ull << 10)
static uint64_t stack_size(const struct task *t)
{
	uint64_t s = t->leader->rlim[RLIMIT_STACK].cur;

	if (s > USER_STACK_MAX)
		return USER_STACK_MAX;
	s &= ~(uint64_t)(PAGE_SIZE - 1);
	return s < STACK_MIN ? STACK_MIN : s;
}

/* Builds a fresh address space holding the program (and its dynamic
 * linker, if it names one). */
static int exec_image(struct task *t, struct mm *mm, struct inode *ino,
		      const uint8_t *img, struct exec_args *a, const char *path,
		      uint64_t *entry_r, uint64_t *sp_r, const char **err_r)
{
	struct elf_info in;
	uint64_t bias = 0, end, ibase = 0, ientry = 0, stack;
	int rc = elf_check(img, ino->size, &in, err_r);

	if (rc)
		return rc;
	if (in.type == ET_DYN)
		bias = USER_PIE_BASE - in.lo;
	*err_r = "out of memory loading it";
	rc = load_segments(mm, img, &in, bias, ino, &end);
	if (rc)
		return rc;
	mm->brk_start = mm->brk = end;
	if (in.has_interp) {
		rc = load_interp(t, mm, in.interp, &ibase, &ientry, err_r);
		if (rc)
			return rc;
	}
	*err_r = "out of memory loading it";
	stack = stack_size(t);
	rc = mm_map(mm, USER_STACK_TOP - stack, USER_STACK_TOP,
		    VM_READ | VM_WRITE | (in.exec_stack ? VM_EXEC : 0));
	if (!rc)
		rc = build_stack(mm, a, &in, bias, ibase, path, sp_r);
	mm->stack_lo = USER_STACK_TOP - stack;
	*entry_r = in.has_interp ? ientry : bias + in.entry;
	return rc;
}

/* Parses "#!interp [arg]" from the first line. */
static int parse_shebang(const uint8_t *img, size_t len, char *interp,
			 char **optarg_r)
{
	size_t n = len < 255 ? len : 255, i = 2, s;

	while (i < n && (img[i] == ' ' || img[i] == '\t'))
		i++;
	s = i;
	while (i < n && img[i] != '\n' && img[i] != ' ' && img[i] != '\t')
		i++;
	if (i == s)
		return -ENOEXEC;
	memcpy(interp, img + s, i - s);
	interp[i - s] = '\0';
	*optarg_r = NULL;
	while (i < n && (img[i] == ' ' || img[i] == '\t'))
		i++;
	if (i < n && img[i] != '\n') {
		char *o = interp + (i - s) + 1;
		size_t k = 0;

		while (i < n && img[i] != '\n')
			o[k++] = (char)img[i++];
		while (k && (o[k - 1] == ' ' || o[k - 1] == '\t' ||
			     o[k - 1] == '\r'))
			k--;
		o[k] = '\0';
		*optarg_r = o;
	}
	return 0;
}

static int resolve_exec(struct task *t, const char *path, struct inode **ino_r)
{
	int rc = vfs_lookup(t->cwd, path, true, ino_r);

	if (rc)
		return rc;
	if (!S_ISREG((*ino_r)->mode))
		return -EACCES;
	return vfs_permission(*ino_r, MAY_EXEC);
}

static void exec_commit(struct task *t, struct mm *mm, uint64_t entry,
			uint64_t sp, const char *path)
{
	struct mm *old = t->mm;
	struct trap_frame *f = t->uframe;
	const char *base = strrchr(path, '/');
	size_t n;

	t->mm = mm;
	if (t == current)
		pt_switch(mm->pt);
	mm_put(old);
	memset(f, 0, sizeof(*f));
	f->rip = entry;
	f->rsp = sp;
	f->cs = USER_CS;
	f->ss = USER_SS;
	f->rflags = RFLAGS_IF | 0x2;
	f->vector = 257; /* not a restartable syscall frame */
	t->fs_base = 0;
	t->gs_base = 0;
	if (t == current) {
		wrmsr(MSR_FS_BASE, 0);
		wrmsr(MSR_KERNEL_GS_BASE, 0);
	}
	strlcpy(t->comm, base ? base + 1 : path, sizeof(t->comm));
	kfree(t->exe_path);
	t->exe_path = NULL;
	n = strlen(path);
	if (path[0] == '/') {
		t->exe_path = kmalloc(n + 1);
		if (t->exe_path)
			memcpy(t->exe_path, path, n + 1);
	} else {
		t->exe_path = kmalloc(PATH_MAX + n + 2);
		if (t->exe_path) {
			long l = vfs_dir_path(t->cwd ? t->cwd : vfs_root(),
					      t->exe_path, PATH_MAX);

			if (l < 0)
				l = 0;
			if (l != 1)
				t->exe_path[l++] = '/';
			memcpy(t->exe_path + l, path, n + 1);
		}
	}
}

static void exec_reset_task(struct task *t)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->files->fd[fd] &&
		    (t->files->cloexec[fd / 64] & (1ull << (fd % 64))))
			files_drop(t->files, fd);
	memset(t->files->cloexec, 0, sizeof(t->files->cloexec));
	signal_exec_reset(t);
	memset(t->fpu, 0, sizeof(t->fpu));
	t->fpu[0] = 0x7f;
	t->fpu[1] = 0x03;
	t->fpu[24] = 0x80;
	t->fpu[25] = 0x1f;
	if (t == current)
		__asm__ volatile("fxrstor64 %0" ::"m"(t->fpu));
	task_vfork_release(t);
}

int exec_load(struct task *t, const char *path, char *const argv[],
	      char *const envp[], bool user_args, const char **err_r)
{
	struct exec_args a = { kmalloc(ARG_MAX_BYTES), 0, ARG_MAX_BYTES, 0, 0 };
	char cur_path[256], interp[512], *optarg;
	const uint8_t *img = NULL;
	uint8_t *owned = NULL;
	struct inode *ino;
	struct mm *mm = NULL;
	uint64_t entry = 0, sp = 0;
	int rc, depth;

	*err_r = "out of memory";
	if (!a.buf)
		return -ENOMEM;
	rc = args_vec(&a, argv, user_args, &a.argc);
	if (!rc)
		rc = args_vec(&a, envp, user_args, &a.envc);
	*err_r = "argument list too long";
	if (rc)
		goto out;
	strlcpy(cur_path, path, sizeof(cur_path));
	for (depth = 0;; depth++) {
		*err_r = "not found or not executable";
		rc = resolve_exec(t, cur_path, &ino);
		if (rc)
			goto out;
		kfree(owned);
		rc = file_image(ino, &img, &owned);
		*err_r = "cannot read it";
		if (rc)
			goto out;
		if (ino->size < 2 || img[0] != '#' || img[1] != '!')
			break;
		*err_r = "bad #! line or scripts nested too deep";
		rc = -ENOEXEC;
		if (depth >= SCRIPT_DEPTH ||
		    parse_shebang(img, ino->size, interp, &optarg))
			goto out;
		rc = args_script(&a, interp, optarg, cur_path);
		if (rc)
			goto out;
		strlcpy(cur_path, interp, sizeof(cur_path));
	}
	mm = mm_new();
	rc = -ENOMEM;
	if (!mm)
		goto out;
	rc = exec_image(t, mm, ino, img, &a, cur_path, &entry, &sp, err_r);
	if (rc)
		goto out;
	*err_r = "out of memory";
	rc = task_exec_prepare(t);
	if (rc)
		goto out;
	exec_reset_task(t);
	exec_commit(t, mm, entry, sp, cur_path);
	mm = NULL;
out:
	mm_destroy(mm);
	kfree(owned);
	kfree(a.buf);
	return rc;
}
