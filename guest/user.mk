# SPDX-License-Identifier: MIT
# guest/user.mk: the user layer of the guest kernel (processes, vfs, ELF, syscalls, init)
# and its host unit tests; included by guest/local.mk.

guest_xenpod_kernel_SOURCES += \
	guest/lib/spec.c guest/lib/cpio.c guest/lib/elf.c guest/lib/passwd.c \
	guest/arch/x86_64/syscall_entry.S \
	guest/kernel/task.c guest/kernel/signal.c guest/kernel/vm.c \
	guest/kernel/exec.c guest/kernel/vfs.c guest/kernel/file.c \
	guest/kernel/p9fs.c guest/include/kernel/p9fs.h \
	guest/kernel/tmpfs.c guest/include/kernel/tmpfs.h \
	guest/kernel/sys_inotify.c guest/include/kernel/inotify.h \
	guest/kernel/rootfs.c guest/kernel/pipe.c guest/kernel/dev.c \
	guest/kernel/procfs.c guest/kernel/syscall.c \
	guest/kernel/syscall_names.c guest/kernel/sys_fs.c guest/kernel/sys_dir.c \
	guest/kernel/sys_proc.c guest/kernel/sys_cred.c guest/kernel/user.c \
	guest/kernel/sys_mem.c guest/kernel/sys_misc.c guest/kernel/sys_sched.c \
	guest/kernel/sys_xattr.c \
	guest/kernel/sys_epoll.c guest/kernel/sys_event.c guest/kernel/sys_lock.c \
	guest/include/lib/spec.h guest/include/lib/cpio.h guest/include/lib/elf.h \
	guest/include/lib/passwd.h \
	guest/include/kernel/proc.h guest/include/kernel/vfs.h \
	guest/include/kernel/termios.h \
	guest/include/kernel/syscall.h guest/include/kernel/syscall_nr.h

GUEST_HOST_CPPFLAGS = -DGUEST_LIB_HOST -I$(top_srcdir)/guest/include

check_PROGRAMS += tests/unit/test_guest_spec tests/unit/test_guest_cpio \
	tests/unit/test_guest_elf tests/unit/test_guest_passwd
TESTS += tests/unit/test_guest_spec tests/unit/test_guest_cpio \
	tests/unit/test_guest_elf tests/unit/test_guest_passwd
tests_unit_test_guest_spec_SOURCES = tests/unit/test_guest_spec.c guest/lib/spec.c
tests_unit_test_guest_spec_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
tests_unit_test_guest_spec_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_guest_spec_LDADD = $(CUNIT_LIBS)
tests_unit_test_guest_cpio_SOURCES = tests/unit/test_guest_cpio.c guest/lib/cpio.c
tests_unit_test_guest_cpio_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
tests_unit_test_guest_cpio_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_guest_cpio_LDADD = $(CUNIT_LIBS)
tests_unit_test_guest_elf_SOURCES = tests/unit/test_guest_elf.c guest/lib/elf.c
tests_unit_test_guest_elf_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
tests_unit_test_guest_elf_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_guest_elf_LDADD = $(CUNIT_LIBS)
tests_unit_test_guest_passwd_SOURCES = tests/unit/test_guest_passwd.c \
	guest/lib/passwd.c
tests_unit_test_guest_passwd_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
tests_unit_test_guest_passwd_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_guest_passwd_LDADD = $(CUNIT_LIBS)

# The user layer's man page, and the check that it lists every implemented syscall.
dist_man_MANS += man/xenpod-kernel.7
TESTS += tests/guest/check-man.sh
dist_noinst_SCRIPTS += tests/guest/check-man.sh tests/guest/run.sh \
	tests/guest/bench.sh tests/guest/user-xen.sh tests/guest/tmpfs.sh

# Guest program tests under plain QEMU (not run by make check: they need QEMU
# and take about a minute): tests/guest/run.sh guest/xenpod-kernel; tmpfs
# mounts and a read-only root (as root: Linux tmpfs is the oracle):
# tests/guest/tmpfs.sh guest/xenpod-kernel
EXTRA_DIST += tests/guest/progs/t_basic.c tests/guest/progs/t_efault.c \
	tests/guest/progs/t_file.c tests/guest/bench/bench.c \
	tests/guest/progs/t_mem.c tests/guest/progs/t_misc.c \
	tests/guest/progs/t_proc.c tests/guest/progs/t_signal.c \
	tests/guest/progs/t_stress.c tests/guest/progs/t_thread.c \
	tests/guest/progs/t_event.c tests/guest/progs/t_lock.c \
	tests/guest/progs/t_shm.c tests/guest/progs/t_cred.c \
	tests/guest/progs/t_unix.c tests/guest/progs/t_sys.c \
	tests/guest/go/gotest.go \
	tests/guest/sqlite/t_sqlite.c tests/guest/zsh/jobs.zsh \
	tests/guest/bb/control.sh tests/guest/bb/files.sh tests/guest/bb/misc.sh \
	tests/guest/bb/pipes.sh tests/guest/bb/redirect.sh tests/guest/bb/text.sh \
	tests/guest/leak.sh tests/guest/fuzz/sysfuzz.c \
	tests/guest/tmpfs/t_tmpfs.c tests/guest/tmpfs/t_rofs.c \
	tests/guest/tmpfs/t_inotify.c
guest_xenpod_kernel_SOURCES += guest/lib/podio.c

# The pod I/O channel's guest end (issue 8): the vchan client over
# foreign grants, the stream mux with exec sessions, pseudo-terminals.
guest_xenpod_kernel_SOURCES += guest/xen/vchan_ring.c guest/xen/vchan.c \
	guest/kernel/podio_guest.c guest/kernel/pty.c \
	guest/include/lib/podio.h guest/include/xenplat/vchan_ring.h \
	guest/include/xenplat/vchan.h guest/include/kernel/podio_guest.h \
	guest/include/kernel/pty.h

# dom0-side peer of the channel's lab test (tests/guest/vchan-xen.sh): a
# libxenvchan server speaking podio; plain libc + libxenvchan only (dom0's
# initramfs has no sanitizer runtime), so no AM_CFLAGS/AM_LDFLAGS.
noinst_PROGRAMS += tests/guest/xen-vchan-peer
tests_guest_xen_vchan_peer_SOURCES = tests/guest/xen-vchan-peer.c
tests_guest_xen_vchan_peer_CPPFLAGS = -I$(top_srcdir)/guest/include
tests_guest_xen_vchan_peer_CFLAGS = -std=gnu11 $(WARN_CFLAGS)
tests_guest_xen_vchan_peer_LDFLAGS =
tests_guest_xen_vchan_peer_LDADD = -lxenvchan
dist_noinst_SCRIPTS += tests/guest/vchan-xen.sh tests/guest/vchan-stress.sh

# Host tests of the vchan ring's index and layout checks with hostile values.
check_PROGRAMS += tests/unit/test_vchan_ring
TESTS += tests/unit/test_vchan_ring
tests_unit_test_vchan_ring_SOURCES = tests/unit/test_vchan_ring.c \
	guest/xen/vchan_ring.c guest/lib/string.c
tests_unit_test_vchan_ring_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
tests_unit_test_vchan_ring_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -fno-builtin
tests_unit_test_vchan_ring_LDADD = $(CUNIT_LIBS)
