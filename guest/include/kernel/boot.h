/* SPDX-License-Identifier: MIT */
/* boot.h: what the PVH loader passed (copied out of start_info at entry). */
#ifndef GUEST_KERNEL_BOOT_H
#define GUEST_KERNEL_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_CMDLINE_MAX 4096
#define BOOT_MODULES_MAX 4
#define BOOT_MEMMAP_MAX 64

/* What a memory map entry holds (the loader's types, translated by boot.c). */
enum boot_region_type {
	BOOT_REGION_RAM = 1,
	BOOT_REGION_RESERVED,
	BOOT_REGION_ACPI,
	BOOT_REGION_NVS,
	BOOT_REGION_UNUSABLE,
	BOOT_REGION_DISABLED,
	BOOT_REGION_PMEM,
};

struct boot_region {
	uint64_t addr;
	uint64_t size;
	enum boot_region_type type;
};

struct boot_module {
	uint64_t paddr; /* physical, page-reserved, never freed */
	uint64_t size;
};

/*
 * Copies the command line, the module list and the memory map out of the
 * hvm_start_info at start_info_pa (must be reachable through the boot
 * direct map). Returns 0 or -EINVAL (bad magic) / -E2BIG (truncated).
 */
int boot_info_copy(uint64_t start_info_pa);

/* The kernel command line ("" if none). */
const char *boot_cmdline(void);
/* Looks up "key=value" (or a bare "key": an empty value) on the command
 * line before any " -- "; returns a pointer into the command line and
 * the value length, or NULL. */
const char *boot_param(const char *key, size_t *len_r);
/* True if "key" or "key=VALUE" is present and VALUE is not "0". */
bool boot_flag(const char *key);
size_t boot_module_count(void);
/* Returns NULL if idx is out of range. */
const struct boot_module *boot_module(size_t idx);
size_t boot_memmap(const struct boot_region **map_r);
/* Records a memory map found another way (Xen's XENMEM_memory_map). */
void boot_set_memmap(const struct boot_region *map, size_t n);

/* TSC at PVH entry (boot.S). */
extern uint64_t boot_tsc;

#endif
