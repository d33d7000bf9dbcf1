/* SPDX-License-Identifier: MIT */
/* fuzz_guest_elf: the guest kernel's ELF64 validator (built for the host). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/elf.h"

static volatile uint8_t sink;

static void touch(const uint8_t *base, size_t len, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	if (b < base || n > len || b + n > base + len)
		abort();
	for (i = 0; i < n; i++)
		sink ^= b[i];
}

/* What elf_check accepts, exec.c maps without further checks: hold it to its promises. */
static void check_valid(const uint8_t *img, size_t len,
			const struct elf_info *in)
{
	bool entry_ok = false;
	size_t i, loads = 0;

	if ((in->type != ET_EXEC && in->type != ET_DYN) || !in->phnum ||
	    in->phnum > ELF_PHNUM_MAX || in->lo > in->hi || in->lo % ELF_PAGE ||
	    in->hi % ELF_PAGE || in->hi > ELF_VADDR_LIMIT)
		abort();
	for (i = 0; i < in->phnum; i++) {
		const struct elf64_phdr *ph = elf_phdr(img, in, i);

		touch(img, len, ph, sizeof(*ph));
		if (ph->p_type != PT_LOAD)
			continue;
		loads++;
		if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset ||
		    ph->p_filesz > ph->p_memsz ||
		    ph->p_vaddr > ELF_VADDR_LIMIT ||
		    ph->p_memsz > ELF_VADDR_LIMIT - ph->p_vaddr ||
		    (ph->p_vaddr - ph->p_offset) % ELF_PAGE ||
		    ph->p_vaddr < in->lo || ph->p_vaddr + ph->p_memsz > in->hi)
			abort();
		touch(img, len, img + ph->p_offset, ph->p_filesz);
		if (in->entry >= ph->p_vaddr &&
		    in->entry - ph->p_vaddr < ph->p_memsz)
			entry_ok = true;
	}
	if (!loads || !entry_ok)
		abort();
	if (in->has_interp) {
		const uint8_t *s = (const uint8_t *)in->interp;

		if (s < img || s >= img + len)
			abort();
		touch(img, len, s,
		      strnlen(in->interp, (size_t)(img + len - s)) + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info in;
	const char *err = NULL;
	uint8_t *img;

	/* An exact-size, 8-aligned copy: the loader reads the file from a page. */
	img = malloc(size ? size : 1);
	if (!img)
		abort();
	memcpy(img, data, size);
	memset(&in, 0x5a, sizeof(in));
	if (elf_check(img, size, &in, &err) == 0)
		check_valid(img, size, &in);
	else if (!err)
		abort();
	free(img);
	return 0;
}
