/* SPDX-License-Identifier: MIT */
/* pod_memory: the memory a pod needs: kernel image + rootfs cpio + main program + fixed parts. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cpio.h"
#include "pod_memory.h"

#define DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define LINK_HOPS 32

struct centry {
	char *name; /* normalised: "bin/sh" ("" is the root) */
	uint32_t mode;
	uint64_t size;
	const char *data; /* inside the mapped archive */
};

/* The archive, mapped read-only, read by the guest's own cpio reader. */
struct cindex {
	const uint8_t *base;
	size_t len;
	struct centry *e;
	size_t n, cap;
};

static uint64_t kib_up(uint64_t bytes)
{
	return (bytes + 1023) / 1024;
}

/* The kernel's loaded extent (text to the end of bss); its size if not ELF64. */
static int kernel_kib(const char *path, uint64_t *kib)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t lo = UINT64_MAX, hi = 0;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		close(fd);
		return -EIO;
	}
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	    eh.e_phentsize == sizeof(ph) && eh.e_phnum < 64) {
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			if (pread(fd, &ph, sizeof(ph),
				  (off_t)(eh.e_phoff + i * sizeof(ph))) !=
			    (ssize_t)sizeof(ph))
				break;
			if (ph.p_type != PT_LOAD)
				continue;
			if (ph.p_paddr < lo)
				lo = ph.p_paddr;
			if (ph.p_paddr + ph.p_memsz > hi)
				hi = ph.p_paddr + ph.p_memsz;
		}
	}
	close(fd);
	*kib = kib_up(hi > lo ? hi - lo : (uint64_t)sb.st_size);
	return 0;
}

/* "./a//b/../c/" -> "a/c" into out (PATH_MAX); "" for the root. */
static void norm(const char *in, char *out)
{
	size_t o = 0;

	while (*in) {
		const char *s = in;
		size_t n;

		while (*in && *in != '/')
			in++;
		n = (size_t)(in - s);
		if (*in)
			in++;
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
			continue;
		}
		if (o + n + 2 >= PATH_MAX)
			break;
		if (o)
			out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	out[o] = '\0';
}

/* Index the cpio's entries, as the guest's reader sees them. */
static int index_cpio(struct cindex *ix)
{
	struct cpio_reader r;
	struct cpio_entry ce;
	const char *err;
	char path[CPIO_NAME_MAX];
	int rc;

	cpio_init(&r, ix->base, ix->len);
	while ((rc = cpio_next(&r, &ce, &err)) == 1) {
		struct centry *e;

		if (cpio_path_clean(ce.name, path, sizeof(path), &err) < 0)
			return -EINVAL;
		if (ix->n == ix->cap) {
			size_t cap = ix->cap ? 2 * ix->cap : 256;
			struct centry *ne = realloc(ix->e, cap * sizeof(*ne));

			if (!ne)
				return -ENOMEM;
			ix->e = ne;
			ix->cap = cap;
		}
		e = &ix->e[ix->n];
		e->name = strdup(path);
		if (!e->name)
			return -ENOMEM;
		e->mode = ce.mode;
		e->size = ce.size;
		e->data = ce.data;
		ix->n++;
	}
	return rc;
}

/* The last entry named path (a later one replaces an earlier one). */
static const struct centry *find(const struct cindex *ix, const char *path)
{
	for (size_t i = ix->n; i-- > 0;)
		if (!strcmp(ix->e[i].name, path))
			return &ix->e[i];
	return NULL;
}

/* path (absolute in the rootfs) with every symbolic link followed. */
static const struct centry *resolve(const struct cindex *ix, const char *path)
{
	char cur[PATH_MAX], pre[PATH_MAX], tgt[PATH_MAX], next[3 * PATH_MAX];
	int hops = 0;

	norm(path, cur);
again:
	for (size_t i = 0;; i++) {
		const struct centry *e;

		if (cur[i] != '/' && cur[i] != '\0')
			continue;
		memcpy(pre, cur, i);
		pre[i] = '\0';
		e = find(ix, pre);
		if (!e)
			return NULL;
		if (S_ISLNK(e->mode)) {
			char *slash;

			if (++hops > LINK_HOPS || e->size >= sizeof(tgt))
				return NULL;
			memcpy(tgt, e->data, e->size);
			tgt[e->size] = '\0';
			slash = strrchr(pre, '/');
			if (slash)
				*slash = '\0';
			else
				pre[0] = '\0';
			snprintf(next, sizeof(next), "%s/%s%s",
				 tgt[0] == '/' ? "" : pre, tgt, cur + i);
			norm(next, cur);
			goto again;
		}
		if (cur[i] == '\0')
			return e;
	}
}

/* name looked up as the guest does: with a '/', from cwd; else in PATH. */
static const struct centry *find_program(const struct cindex *ix,
					 const char *name, const char *path,
					 const char *cwd)
{
	char buf[2 * PATH_MAX + 2];
	const struct centry *e;

	if (strchr(name, '/')) {
		snprintf(buf, sizeof(buf), "%s/%s", name[0] == '/' ? "" : cwd,
			 name);
		return resolve(ix, buf);
	}
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name);
		e = resolve(ix, buf);
		if (e && S_ISREG(e->mode) && (e->mode & 0111))
			return e;
		path += n + (path[n] == ':');
	}
	return NULL;
}

/* The program's size, plus its #! interpreter's (one level). */
static uint64_t program_bytes(const struct cindex *ix, const char *name,
			      const char *path, const char *cwd)
{
	const struct centry *e = find_program(ix, name, path, cwd);
	char line[256];
	size_t n, r;

	if (!e || !S_ISREG(e->mode))
		return 0;
	r = e->size < sizeof(line) - 1 ? e->size : sizeof(line) - 1;
	memcpy(line, e->data, r);
	if (r < 3 || line[0] != '#' || line[1] != '!')
		return e->size;
	line[r] = '\0';
	n = strspn(line + 2, " \t");
	line[2 + n + strcspn(line + 2 + n, " \t\r\n")] = '\0';
	if (!line[2 + n] || line[2 + n] != '/')
		return e->size;
	{
		const struct centry *ie = resolve(ix, line + 2 + n);

		return e->size + (ie && S_ISREG(ie->mode) ? ie->size : 0);
	}
}

static const char *env_path(char *const *env)
{
	for (; env && *env; env++)
		if (!strncmp(*env, "PATH=", 5))
			return *env + 5;
	return DEFAULT_PATH;
}

int pod_memory_need(const char *kernel, const char *cpio, char *const *argv,
		    char *const *env, const char *cwd, size_t n_volumes,
		    struct pod_mem_need *need)
{
	struct cindex ix = { 0 };
	struct stat sb;
	uint64_t total;
	void *map = MAP_FAILED;
	int fd, rc;

	memset(need, 0, sizeof(*need));
	rc = kernel_kib(kernel, &need->kernel_kib);
	if (rc)
		return rc;
	fd = open(cpio, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (sb.st_size > 0)
		map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd,
			   0);
	close(fd);
	if (map != MAP_FAILED) {
		ix.base = map;
		ix.len = (size_t)sb.st_size;
	}
	need->rootfs_kib = kib_up((uint64_t)sb.st_size);
	need->fixed_kib = POD_MEM_FIXED_KIB + POD_MEM_PROG_KIB;
	need->volumes_kib = (uint64_t)n_volumes * POD_MEM_VOLUME_KIB;
	/* An archive the index cannot read counts no program: the guest
	 * says what is wrong with it. */
	if (argv && argv[0] && ix.base && !index_cpio(&ix))
		need->prog_kib = kib_up(program_bytes(
			&ix, argv[0], env_path(env), cwd ? cwd : "/"));
	total = need->kernel_kib + need->rootfs_kib + need->prog_kib +
		need->fixed_kib + need->volumes_kib;
	need->total_mib = (unsigned)((total + 1023) / 1024);
	for (size_t i = 0; i < ix.n; i++)
		free(ix.e[i].name);
	free(ix.e);
	if (ix.base)
		munmap(map, ix.len);
	return 0;
}
