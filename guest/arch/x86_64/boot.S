/* SPDX-License-Identifier: MIT */
/* boot.S: PVH entry (32-bit flat, paging off) -> long mode -> kernel_main(start_info). */
#include "arch/memlayout.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PA(x) ((x) - KERNEL_VBASE)
#define BOOT_STACK_SIZE 16384

	/* The PVH entry point, read by Xen's libelf and QEMU's PVH loader. */
	.section .note.Xen, "a"
	.balign 4
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long PA(pvh_start32)

	.section .text.boot, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	/* %ebx = physical address of hvm_start_info; no stack. */
	cli
	cld
	mov %ebx, %esi
	rdtsc
	mov %eax, PA(boot_tsc)
	mov %edx, PA(boot_tsc) + 4

	/* Zero .bss (the boot page tables live there). */
	mov $PA(__bss_start), %edi
	mov $PA(__bss_end), %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl

	/* PD: the first 1 GiB in 2 MiB pages, shared by three views:
	 * identity (PML4[0]), direct map (PML4[273]), image (PML4[511]). */
	mov $PA(boot_pd), %edi
	mov $0x83, %eax /* P | W | PS */
	mov $512, %ecx
1:	mov %eax, (%edi)
	movl $0, 4(%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 1b

	mov $PA(boot_pd) + 3, %eax
	mov %eax, PA(boot_pdpt_low)
	mov %eax, PA(boot_pdpt_high) + 510 * 8
	mov $PA(boot_pdpt_low) + 3, %eax
	mov %eax, PA(boot_pml4)
	mov %eax, PA(boot_pml4) + ((DIRECT_MAP_BASE >> 39) & 511) * 8
	mov $PA(boot_pdpt_high) + 3, %eax
	mov %eax, PA(boot_pml4) + 511 * 8

	/* PAE, then EFER.LME, then paging. */
	mov %cr4, %eax
	or $0x20, %eax
	mov %eax, %cr4
	mov $PA(boot_pml4), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax /* PG | WP | PE */
	mov %eax, %cr0

	lgdt PA(boot_gdt_desc)
	ljmp $0x08, $PA(long_entry_low)

	.code64
long_entry_low:
	movabs $long_entry_high, %rax
	jmp *%rax

long_entry_high:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	/* The GDT descriptor now points through the image mapping. */
	movabs $boot_gdt, %rax
	mov %rax, boot_gdt_desc + 2(%rip)
	lgdt boot_gdt_desc(%rip)
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	mov %esi, %edi /* start_info physical address */
	call kernel_main
2:	cli
	hlt
	jmp 2b

	/* Filled in by Xen (xen_detect writes its address to the MSR). */
	.section .text.hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc

	.data
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad PA(boot_gdt)

	.globl boot_tsc
	.balign 8
boot_tsc:
	.quad 0

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt_low:
	.skip 4096
boot_pdpt_high:
	.skip 4096
boot_pd:
	.skip 4096
	.balign 16
boot_stack:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
