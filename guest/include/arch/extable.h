/* SPDX-License-Identifier: MIT */
/* extable.h: exception fixups: a kernel fault at a listed RIP resumes at its fixup. */
#ifndef GUEST_ARCH_EXTABLE_H
#define GUEST_ARCH_EXTABLE_H

/*
 * For user-memory copies: in assembly write
 *	1:	movb (%rsi), %al
 *	EXTABLE(1b, fixup_label)
 * A #PF or #GP at 1b from kernel mode then jumps to fixup_label instead of
 * crashing (the trap frame is otherwise unchanged). Entries live in section
 * __ex_table, bounded by __ex_table_start/__ex_table_end (kernel.ld).
 */
#ifdef __ASSEMBLER__
#define EXTABLE(from, to)             \
	.pushsection __ex_table, "a"; \
	.balign 8;                    \
	.quad from, to;               \
	.popsection
#else
#include <stdint.h>
struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};
/* Returns the fixup address for a faulting RIP, or 0. */
uint64_t extable_find(uint64_t rip);
#endif

#endif
