/* SPDX-License-Identifier: MIT */
/* elf.h: ELF64 x86-64 executable validation (headers and program headers only). */
#ifndef GUEST_LIB_ELF_H
#define GUEST_LIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ELF64 file format (System V gABI), as laid out in the file. */
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4

#define ELF_PHNUM_MAX 64
#define ELF_PAGE 4096ull
/* Highest address a segment may reach (before the load bias). */
#define ELF_VADDR_LIMIT 0x0000700000000000ull

struct elf_info {
	uint16_t type; /* ET_EXEC or ET_DYN */
	uint64_t entry;
	uint64_t phoff;
	uint16_t phnum;
	uint64_t phdr_vaddr; /* where the phdrs are in memory (0: not loaded) */
	uint64_t lo, hi; /* page-aligned extent of all PT_LOAD segments */
	bool has_interp;
	const char *interp; /* inside the file, NUL-terminated, if has_interp */
	bool exec_stack;
};

/*
 * Validates an ELF64 little-endian x86-64 ET_EXEC/ET_DYN image of len
 * bytes: header fields, program header table bounds, every PT_LOAD
 * (offset+filesz within the file, filesz <= memsz, no address overflow,
 * below ELF_VADDR_LIMIT, vaddr and offset congruent modulo the page size),
 * at least one PT_LOAD, the entry inside a PT_LOAD, PT_INTERP in bounds
 * and NUL-terminated. Returns 0, or -ENOEXEC with *err_r set.
 */
int elf_check(const void *img, size_t len, struct elf_info *out,
	      const char **err_r);

/* The idx'th program header (idx < out->phnum, after elf_check). */
const struct elf64_phdr *elf_phdr(const void *img, const struct elf_info *in,
				  size_t idx);

#endif
