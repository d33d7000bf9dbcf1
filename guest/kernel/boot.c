/* SPDX-License-Identifier: MIT */
/* boot.c: copies the PVH start_info (cmdline, modules, memory map) to kernel memory. */
#include <stdint.h>

#include "arch/paging.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "lib/string.h"

#include <xen/arch-x86/hvm/start_info.h>

static char cmdline[BOOT_CMDLINE_MAX];
static struct boot_module modules[BOOT_MODULES_MAX];
static size_t nmodules;
static struct boot_region memmap[BOOT_MEMMAP_MAX];
static size_t nmemmap;

/* The kernel's name for a start_info memory map type; unknown types are
 * reserved (never used as RAM). */
static enum boot_region_type region_type(uint32_t xen_type)
{
	switch (xen_type) {
	case XEN_HVM_MEMMAP_TYPE_RAM:
		return BOOT_REGION_RAM;
	case XEN_HVM_MEMMAP_TYPE_ACPI:
		return BOOT_REGION_ACPI;
	case XEN_HVM_MEMMAP_TYPE_NVS:
		return BOOT_REGION_NVS;
	case XEN_HVM_MEMMAP_TYPE_UNUSABLE:
		return BOOT_REGION_UNUSABLE;
	case XEN_HVM_MEMMAP_TYPE_DISABLED:
		return BOOT_REGION_DISABLED;
	case XEN_HVM_MEMMAP_TYPE_PMEM:
		return BOOT_REGION_PMEM;
	default:
		return BOOT_REGION_RESERVED;
	}
}

int boot_info_copy(uint64_t start_info_pa)
{
	const struct hvm_start_info *si = phys_to_virt(start_info_pa);
	int rc = 0;

	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		return -EINVAL;
	if (si->cmdline_paddr) {
		const char *c = phys_to_virt(si->cmdline_paddr);

		if (strlcpy(cmdline, c, sizeof(cmdline)) >= sizeof(cmdline))
			rc = -E2BIG;
	}
	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *m =
			phys_to_virt(si->modlist_paddr);

		for (uint32_t i = 0; i < si->nr_modules; i++) {
			if (nmodules == BOOT_MODULES_MAX) {
				rc = -E2BIG;
				break;
			}
			modules[nmodules].paddr = m[i].paddr;
			modules[nmodules].size = m[i].size;
			nmodules++;
		}
	}
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_table_entry *e =
			phys_to_virt(si->memmap_paddr);

		for (uint32_t i = 0; i < si->memmap_entries; i++) {
			if (nmemmap == BOOT_MEMMAP_MAX) {
				rc = -E2BIG;
				break;
			}
			memmap[nmemmap].addr = e[i].addr;
			memmap[nmemmap].size = e[i].size;
			memmap[nmemmap].type = region_type(e[i].type);
			nmemmap++;
		}
	}
	return rc;
}

const char *boot_cmdline(void)
{
	return cmdline;
}

const char *boot_param(const char *key, size_t *len_r)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		const char *end;

		while (*p == ' ')
			p++;
		end = p;
		while (*end && *end != ' ')
			end++;
		if (end - p == 2 && p[0] == '-' && p[1] == '-')
			return NULL; /* the program's arguments start here */
		if ((size_t)(end - p) >= klen && !strncmp(p, key, klen) &&
		    (p[klen] == '=' || p + klen == end)) {
			/* a bare "key" is a flag: an empty value */
			*len_r = p + klen == end ? 0 :
						   (size_t)(end - p) - klen - 1;
			return p + klen == end ? end : p + klen + 1;
		}
		p = end;
	}
	return NULL;
}

bool boot_flag(const char *key)
{
	size_t len;
	const char *v = boot_param(key, &len);

	return v && !(len == 1 && v[0] == '0');
}

size_t boot_module_count(void)
{
	return nmodules;
}

const struct boot_module *boot_module(size_t idx)
{
	return idx < nmodules ? &modules[idx] : NULL;
}

size_t boot_memmap(const struct boot_region **map_r)
{
	*map_r = memmap;
	return nmemmap;
}

void boot_set_memmap(const struct boot_region *map, size_t n)
{
	if (n > BOOT_MEMMAP_MAX)
		n = BOOT_MEMMAP_MAX;
	memcpy(memmap, map, n * sizeof(*map));
	nmemmap = n;
}
