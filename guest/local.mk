# SPDX-License-Identifier: MIT
# guest/local.mk: build rules for guest/ (included by the top Makefile.am).

# The guest kernel: a freestanding higher-half ELF with a PVH entry note.
# It gets its own flags (no sanitizers, no host libc); the user layer adds
# its sources to guest_xenpod_kernel_SOURCES in guest/user.mk.
xenpodlib_PROGRAMS += guest/xenpod-kernel
guest_xenpod_kernel_SOURCES = \
	guest/arch/x86_64/boot.S guest/arch/x86_64/entry.S \
	guest/arch/x86_64/cpu.c guest/arch/x86_64/traps.c \
	guest/arch/x86_64/paging.c guest/arch/x86_64/lapic.c \
	guest/arch/x86_64/pc.c \
	guest/xen/hypercall.c guest/xen/evtchn.c guest/xen/time.c \
	guest/xen/console.c guest/xen/gnttab.c guest/xen/xs_ring.c \
	guest/xen/xs.c guest/xen/control.c guest/xen/debugkey.c \
	guest/xen/p9front.c guest/include/xenplat/p9front.h \
	guest/xen/smp.c \
	guest/kernel/main.c guest/kernel/selftest.c guest/kernel/boot.c \
	guest/kernel/hostile.c \
	guest/kernel/printk.c \
	guest/kernel/time.c guest/kernel/platform.c \
	guest/kernel/mm/page.c guest/kernel/mm/heap.c guest/kernel/mm/kstack.c \
	guest/lib/string.c guest/lib/printf.c \
	guest/init/init.c \
	guest/include/platform.h \
	guest/include/arch/cpu.h guest/include/arch/extable.h \
	guest/include/arch/io.h guest/include/arch/lapic.h \
	guest/include/arch/memlayout.h guest/include/arch/paging.h \
	guest/include/arch/trap.h \
	guest/include/kernel/boot.h guest/include/kernel/errno.h \
	guest/include/kernel/list.h guest/include/lib/errno.h \
	guest/include/kernel/hostile.h \
	guest/include/kernel/mm.h guest/include/kernel/panic.h \
	guest/include/kernel/printk.h guest/include/kernel/selftest.h \
	guest/include/kernel/time.h \
	guest/include/lib/fmt.h guest/include/lib/string.h \
	guest/include/xenplat/console.h guest/include/xenplat/debugkey.h \
	guest/include/xenplat/evtchn.h \
	guest/include/xenplat/gnttab.h guest/include/xenplat/hypercall.h \
	guest/include/xenplat/time.h guest/include/xenplat/xen.h \
	guest/include/xenplat/xs.h guest/include/xenplat/xs_ring.h

GUEST_KERNEL_CPPFLAGS = -I$(top_srcdir)/guest/include -D__XEN_INTERFACE_VERSION__=0x00040e00
GUEST_KERNEL_CFLAGS = -std=gnu11 $(WARN_CFLAGS) -ffreestanding -fno-builtin \
	-fno-stack-protector -fno-pie -fno-pic -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -fcf-protection=none \
	-ffunction-sections -fdata-sections -Os
guest_xenpod_kernel_CPPFLAGS = $(GUEST_KERNEL_CPPFLAGS)
guest_xenpod_kernel_CFLAGS = $(GUEST_KERNEL_CFLAGS)
guest_xenpod_kernel_CCASFLAGS = $(GUEST_KERNEL_CPPFLAGS) -fno-pie
guest_xenpod_kernel_LDFLAGS = -nostdlib -static -no-pie \
	-Wl,-T,$(top_srcdir)/guest/kernel.ld -Wl,--gc-sections \
	-Wl,--build-id=none -Wl,-S -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack
guest_xenpod_kernel_LDADD = -lgcc
EXTRA_guest_xenpod_kernel_DEPENDENCIES = $(top_srcdir)/guest/kernel.ld
EXTRA_DIST += guest/kernel.ld

# Host unit tests of the freestanding lib/ and the xenstore ring code.
check_PROGRAMS += tests/unit/test_guest_lib tests/unit/test_xs_ring
TESTS += tests/unit/test_guest_lib tests/unit/test_xs_ring
tests_unit_test_guest_lib_SOURCES = tests/unit/test_guest_lib.c \
	guest/lib/string.c guest/lib/printf.c
tests_unit_test_guest_lib_CPPFLAGS = $(AM_CPPFLAGS) -DGUEST_LIB_HOST \
	-I$(top_srcdir)/guest/include
tests_unit_test_guest_lib_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -fno-builtin
tests_unit_test_guest_lib_LDADD = $(CUNIT_LIBS)
tests_unit_test_xs_ring_SOURCES = tests/unit/test_xs_ring.c \
	guest/xen/xs_ring.c guest/lib/string.c
tests_unit_test_xs_ring_CPPFLAGS = $(AM_CPPFLAGS) -DGUEST_LIB_HOST \
	-I$(top_srcdir)/guest/include
tests_unit_test_xs_ring_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -fno-builtin
tests_unit_test_xs_ring_LDADD = $(CUNIT_LIBS)

# Boot tests: tests/guest/platform.sh KERNEL (plain QEMU) and, in the lab,
# scripts/lab run tests/guest/platform-xen.sh KERNEL tests/guest/xen-gntmap
# Lab tests of the hostile-guest modes and of idle CPU / boot time:
# scripts/lab run tests/guest/hostile-xen.sh KERNEL, and
# scripts/lab run tests/guest/idle-xen.sh IMAGES (tests/lab/mkimages.sh).
dist_noinst_SCRIPTS += tests/guest/platform.sh tests/guest/platform-xen.sh \
	tests/guest/platform-check.sh tests/guest/hostile-xen.sh \
	tests/guest/idle-xen.sh
TESTS += tests/guest/platform-check.sh
# dom0-side helper of the grant-table lab test: plain libc only (dom0's
# initramfs has no sanitizer runtime), so no AM_CFLAGS/AM_LDFLAGS.
noinst_PROGRAMS += tests/guest/xen-gntmap
tests_guest_xen_gntmap_SOURCES = tests/guest/xen-gntmap.c
tests_guest_xen_gntmap_CFLAGS = -std=gnu11 $(WARN_CFLAGS)
tests_guest_xen_gntmap_LDFLAGS =

include guest/user.mk
include guest/net/local.mk
