/* SPDX-License-Identifier: MIT */
/* io.h: x86 port I/O and the PC devices the kernel uses without Xen. */
#ifndef GUEST_ARCH_IO_H
#define GUEST_ARCH_IO_H

#include <stddef.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

/* 16550 UART at COM1 (0x3f8), 115200 8n1, polled. */
void serial_init(void);
void serial_write(const char *s, size_t n);
/* Bochs/QEMU/Xen debug port 0xE9. */
void debugcon_write(const char *s, size_t n);
/* QEMU isa-debug-exit at 0xf4: QEMU exits with (code << 1) | 1.
 * Returns only if the device is absent. */
void debug_exit(uint8_t code);
/* Remaps the legacy 8259 PICs away from the exception vectors and masks them. */
void pic_disable(void);

#endif
