/* SPDX-License-Identifier: MIT */
/* elf.c: ELF64 header and program header validation for the loader. */
#include "lib/elf.h"

#include "lib/errno.h"

static int elf_fail(const char **err_r, const char *msg)
{
	*err_r = msg;
	return -ENOEXEC;
}

const struct elf64_phdr *elf_phdr(const void *img, const struct elf_info *in,
				  size_t idx)
{
	return (const struct elf64_phdr *)((const uint8_t *)img + in->phoff +
					   idx * sizeof(struct elf64_phdr));
}

static int elf_check_ehdr(const struct elf64_ehdr *eh, size_t len,
			  const char **err_r)
{
	const uint8_t *id = eh->e_ident;

	if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
		return elf_fail(err_r, "not an ELF file");
	if (id[4] != 2 || id[5] != 1)
		return elf_fail(err_r, "not a 64-bit little-endian ELF");
	if (eh->e_machine != EM_X86_64)
		return elf_fail(err_r, "not an x86-64 ELF");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return elf_fail(err_r, "ELF is not an executable");
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return elf_fail(err_r, "bad ELF program header size");
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_PHNUM_MAX)
		return elf_fail(err_r, "bad ELF program header count");
	if (eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) >
		    len - eh->e_phoff)
		return elf_fail(err_r, "ELF program headers past the end");
	if (eh->e_phoff % 8)
		return elf_fail(err_r, "misaligned ELF program headers");
	return 0;
}

static int elf_check_load(const struct elf64_phdr *ph, size_t len,
			  const char **err_r)
{
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return elf_fail(err_r, "ELF segment past the end of the file");
	if (ph->p_filesz > ph->p_memsz)
		return elf_fail(err_r, "ELF segment filesz > memsz");
	if (ph->p_vaddr >= ELF_VADDR_LIMIT ||
	    ph->p_memsz > ELF_VADDR_LIMIT - ph->p_vaddr)
		return elf_fail(err_r, "ELF segment outside user space");
	if ((ph->p_vaddr - ph->p_offset) % ELF_PAGE)
		return elf_fail(err_r, "ELF segment misaligned");
	return 0;
}

static int elf_check_interp(const uint8_t *img, const struct elf64_phdr *ph,
			    size_t len, struct elf_info *out,
			    const char **err_r)
{
	const char *s;

	/* Bounds first: forming img + p_offset past the image is UB. */
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset ||
	    ph->p_filesz == 0)
		return elf_fail(err_r, "bad ELF PT_INTERP");
	s = (const char *)img + ph->p_offset;
	if (s[ph->p_filesz - 1] != '\0')
		return elf_fail(err_r, "bad ELF PT_INTERP");
	out->has_interp = true;
	out->interp = s;
	return 0;
}

/* Records the PT_LOAD extent and where the phdrs land in memory. */
static void elf_note_load(const struct elf64_phdr *ph, struct elf_info *out,
			  int *nload)
{
	uint64_t lo = ph->p_vaddr & ~(ELF_PAGE - 1);
	uint64_t hi = (ph->p_vaddr + ph->p_memsz + ELF_PAGE - 1) &
		      ~(ELF_PAGE - 1);

	if (*nload == 0 || lo < out->lo)
		out->lo = lo;
	if (*nload == 0 || hi > out->hi)
		out->hi = hi;
	(*nload)++;
	if (!out->phdr_vaddr && out->phoff >= ph->p_offset &&
	    out->phoff + out->phnum * sizeof(struct elf64_phdr) <=
		    ph->p_offset + ph->p_filesz)
		out->phdr_vaddr = ph->p_vaddr + (out->phoff - ph->p_offset);
}

static int entry_in_load(const void *img, const struct elf_info *out)
{
	for (size_t i = 0; i < out->phnum; i++) {
		const struct elf64_phdr *ph = elf_phdr(img, out, i);

		if (ph->p_type == PT_LOAD && out->entry >= ph->p_vaddr &&
		    out->entry - ph->p_vaddr < ph->p_memsz)
			return 1;
	}
	return 0;
}

int elf_check(const void *img, size_t len, struct elf_info *out,
	      const char **err_r)
{
	const struct elf64_ehdr *eh = img;
	int nload = 0, rc;

	if (len < sizeof(*eh))
		return elf_fail(err_r, "file too short for an ELF header");
	rc = elf_check_ehdr(eh, len, err_r);
	if (rc)
		return rc;
	*out = (struct elf_info){ .type = eh->e_type,
				  .entry = eh->e_entry,
				  .phoff = eh->e_phoff,
				  .phnum = eh->e_phnum };
	for (size_t i = 0; i < out->phnum; i++) {
		const struct elf64_phdr *ph = elf_phdr(img, out, i);

		if (ph->p_type == PT_LOAD) {
			rc = elf_check_load(ph, len, err_r);
			if (rc)
				return rc;
			elf_note_load(ph, out, &nload);
		} else if (ph->p_type == PT_INTERP) {
			rc = elf_check_interp(img, ph, len, out, err_r);
			if (rc)
				return rc;
		} else if (ph->p_type == PT_GNU_STACK) {
			out->exec_stack = (ph->p_flags & PF_X) != 0;
		}
	}
	if (nload == 0)
		return elf_fail(err_r, "ELF has no loadable segment");
	if (!entry_in_load(img, out))
		return elf_fail(err_r, "ELF entry point outside its segments");
	return 0;
}
