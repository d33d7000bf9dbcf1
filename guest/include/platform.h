/* SPDX-License-Identifier: MIT */
/* platform.h: the small platform API the C init and the user layer build on. */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The same kernel runs as a Xen PVH domU and on plain QEMU. On Xen the
 * console is the PV console ring, xenstore works, power-off is
 * SCHEDOP_shutdown. On QEMU the console is COM1, xenstore calls return
 * -ENODEV, and power-off exits QEMU through isa-debug-exit (iobase 0xf4),
 * so QEMU's exit status is (code << 1) | 1.
 */

bool xen_present(void);

/* Console output; blocks while the PV console ring is full, never drops. */
void console_write(const char *s, size_t n);

/* The kernel command line; see the comment atop kernel/main.c. */
const char *boot_cmdline(void);
/* The first boot module (the rootfs cpio, "-initrd" / "ramdisk="), mapped
 * in the direct map; returns -ENOENT if none. */
int platform_rootfs(const void **data_r, size_t *size_r);

/*
 * xenstore, as the guest. Relative paths are under the domain's home
 * (/local/domain/DOMID). Every call returns 0 (or a length) or -errno:
 * -ENOENT, -EACCES, -EINVAL, -E2BIG (value > 4096 bytes or buffer too
 * small), -EAGAIN (transaction conflict), -ENODEV (no Xen), -EIO (ring
 * protocol violation by the other end). Must be called from thread
 * context (they sleep with interrupts on).
 * tx: 0 outside a transaction, else from xs_transaction_start().
 */
/* Reads a value into buf (NUL-terminated); returns its length. */
int xs_read(uint32_t tx, const char *path, char *buf, size_t cap);
int xs_write(uint32_t tx, const char *path, const char *value);
int xs_write_bytes(uint32_t tx, const char *path, const void *v, size_t n);
int xs_mkdir(uint32_t tx, const char *path);
int xs_rm(uint32_t tx, const char *path);
/* Lists children as consecutive NUL-terminated names in buf; returns
 * the number of children. */
int xs_directory(uint32_t tx, const char *path, char *buf, size_t cap);
int xs_transaction_start(uint32_t *tx_r);
/* abort: discard. Returns -EAGAIN if the transaction must be retried. */
int xs_transaction_end(uint32_t tx, bool abort);
/* Runs fn in a transaction, retrying on -EAGAIN (up to 16 times). */
int xs_transact(int (*fn)(uint32_t tx, void *arg), void *arg);
/*
 * Watches path. cb runs in interrupt context with the path that fired
 * (it may not call the blocking xs_* functions: set a flag, or wake a
 * task). Xenstore fires every new watch once right away.
 * Returns 0, -ENOSPC (too many watches), or a xenstore error.
 */
typedef void (*xs_watch_cb)(const char *path, const char *token, void *arg);
int xs_watch(const char *path, const char *token, xs_watch_cb cb, void *arg);
int xs_unwatch(const char *path, const char *token);

enum platform_shutdown_req {
	PLATFORM_SHUTDOWN_POWEROFF,
};

/*
 * Called (interrupt context) when dom0 asks for a power-off through
 * ~/control/shutdown; init should stop its containers, report, then call
 * platform_poweroff(). Without a handler the kernel powers off at once.
 * reboot and suspend are refused by the kernel with a console message.
 */
void platform_set_shutdown_handler(void (*fn)(enum platform_shutdown_req r));

/*
 * Power off. Xen: SCHEDOP_shutdown(poweroff) (the exit code must already
 * be reported in xenstore by init); QEMU: debug-exit with exit_code
 * (0..0x7d, or PLATFORM_EXIT_TESTFAIL; anything else becomes 0x7d;
 * 0x7e is reserved for crashes). QEMU's status is only 8 bits, so the
 * exit code proper must also be printed on the console by init.
 */
void platform_poweroff(int exit_code) __attribute__((noreturn));

/* Crash: prints why, then Xen: SCHEDOP_shutdown(crash); QEMU: debug-exit
 * with PLATFORM_EXIT_CRASH (QEMU exit status 253). */
void platform_crash(const char *why) __attribute__((noreturn));

#define PLATFORM_EXIT_CRASH 0x7e
#define PLATFORM_EXIT_TESTFAIL 0x7f

/* Sleeps until the next interrupt (timer, event); interrupts stay on. */
void platform_idle(void);

/*
 * More than one CPU (Xen PVH only; plain x86 runs on the boot CPU).
 * platform_cpus_possible: the vCPUs the domain has (at most CPU_MAX).
 * platform_cpu0_ipi_init: the boot CPU's IPI port, before any other CPU
 * starts. platform_cpu_start: starts CPU id on stack_top running main
 * with interrupts off after its own set-up (GDT, TSS, %gs, its timer and
 * events); 0 or -errno. platform_ipi: interrupts CPU cpu.
 */
unsigned platform_cpus_possible(void);
int platform_cpu0_ipi_init(void);
int platform_cpu_start(unsigned id, uint64_t stack_top, void (*main)(void));
void platform_ipi(unsigned cpu);

#endif
