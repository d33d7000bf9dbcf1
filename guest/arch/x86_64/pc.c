/* SPDX-License-Identifier: MIT */
/* pc.c: the legacy PC devices used without Xen: COM1, port 0xE9, debug-exit, 8259. */
#include "arch/io.h"

#define COM1 0x3f8

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts: polled output */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8n1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	unsigned spins = 0;

	/* Wait for the transmit holding register; bounded, so a missing
	 * UART cannot hang the kernel. */
	while (!(inb(COM1 + 5) & 0x20) && spins++ < 100000)
		;
	outb(COM1, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void debugcon_write(const char *s, size_t n)
{
	/* One string instruction: under Xen each I/O instruction is a VM
	 * exit, and Xen's emulator runs all the repetitions in one. */
	__asm__ volatile("cld; rep outsb"
			 : "+S"(s), "+c"(n)
			 : "d"((uint16_t)0xe9)
			 : "memory");
}

void debug_exit(uint8_t code)
{
	outw(0xf4, code);
}

void pic_disable(void)
{
	/* ICW1..4: vectors 0x20..0x2f, cascade, 8086 mode; then mask all. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, 0x20);
	outb(0xa1, 0x28);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}
