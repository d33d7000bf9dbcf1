/* SPDX-License-Identifier: MIT */
/* idle-pvh: the smallest PVH guest: enters at the PVH entry and halts forever (scaling baseline for xl). */
#include <xen/elfnote.h>

/*
 * With interrupts enabled and nothing programmed to raise one, HLT blocks the
 * vCPU for good (HLT with IF=0 would make Xen power the domain off). The
 * domain stays alive, costs no CPU, and is removed with xl destroy.
 */
	.section .note.Xen, "a"
	.balign 4
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.long pvh_start
	.balign 4

	.text
	.code32
	.globl pvh_start
pvh_start:
	sti
1:	hlt
	jmp 1b
