# SPDX-License-Identifier: MIT
# p9/local.mk: build rules of the volumes' 9P2000.L codec, the dom0 9pfs server and their tests (docs/VOLUMES.md).

# The codec is guest lib code: the guest kernel carries it for its client,
# dom0 builds it for the host (GUEST_LIB_HOST).
guest_xenpod_kernel_SOURCES += guest/lib/p9.c guest/include/lib/p9.h

check_PROGRAMS += tests/unit/test_p9
TESTS += tests/unit/test_p9
tests_unit_test_p9_SOURCES = tests/unit/test_p9.c guest/lib/p9.c \
	guest/lib/string.c
tests_unit_test_p9_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
tests_unit_test_p9_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -fno-builtin
tests_unit_test_p9_LDADD = $(CUNIT_LIBS)

# The codec's fuzzer (decode, re-encode, same bytes), corpus tests/fuzz/corpus/p9.
check_PROGRAMS += tests/fuzz/fuzz_p9
TESTS += tests/fuzz/fuzz_p9
tests_fuzz_fuzz_p9_SOURCES = tests/fuzz/fuzz_p9.c guest/lib/p9.c \
	guest/lib/string.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_p9_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"p9"'
tests_fuzz_fuzz_p9_CFLAGS = $(AM_CFLAGS) -fno-builtin

# The dom0 server core: one volume, every message hostile (not inside xenpodd).
noinst_LIBRARIES += p9/libxenpod9p.a
p9_libxenpod9p_a_SOURCES = p9/p9_server.c p9/p9_server.h guest/lib/p9.c \
	guest/lib/string.c
p9_libxenpod9p_a_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
p9_libxenpod9p_a_CFLAGS = $(AM_CFLAGS) -fno-builtin
XENPOD_9P_LIBS = p9/libxenpod9p.a

check_PROGRAMS += tests/unit/test_p9_server
TESTS += tests/unit/test_p9_server
tests_unit_test_p9_server_SOURCES = tests/unit/test_p9_server.c
tests_unit_test_p9_server_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-I$(top_srcdir)/p9
tests_unit_test_p9_server_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_p9_server_LDADD = $(XENPOD_9P_LIBS) $(XENPOD_COMMON_LIBS) \
	$(CUNIT_LIBS)

# The server over hostile message streams on a scratch volume (corpus tests/fuzz/corpus/p9_server).
check_PROGRAMS += tests/fuzz/fuzz_p9_server
TESTS += tests/fuzz/fuzz_p9_server
tests_fuzz_fuzz_p9_server_SOURCES = tests/fuzz/fuzz_p9_server.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_p9_server_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-I$(top_srcdir)/p9 -DFUZZ_CORPUS='"p9_server"'
tests_fuzz_fuzz_p9_server_LDADD = $(XENPOD_9P_LIBS) $(XENPOD_COMMON_LIBS)

# The backend's end of the Xen 9pfs data rings (io/9pfs.h), tested with a simulated frontend.
p9_libxenpod9p_a_SOURCES += p9/p9_ring.c p9/p9_ring.h
check_PROGRAMS += tests/unit/test_p9_ring
TESTS += tests/unit/test_p9_ring
tests_unit_test_p9_ring_SOURCES = tests/unit/test_p9_ring.c
tests_unit_test_p9_ring_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-I$(top_srcdir)/p9
tests_unit_test_p9_ring_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_p9_ring_LDADD = $(XENPOD_9P_LIBS) $(CUNIT_LIBS)

# The backend program: one per pod volume, started by xenpodd (not in its event loop).
# xs.c is the xenstore seam; gnttab/evtchn map the frontend's rings.
xenpodlib_PROGRAMS += p9/xenpod-9pfsd
p9_xenpod_9pfsd_SOURCES = p9/xenpod-9pfsd.c
p9_xenpod_9pfsd_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-I$(top_srcdir)/p9
p9_xenpod_9pfsd_CFLAGS = $(AM_CFLAGS) $(XENVCHAN_CFLAGS)
p9_xenpod_9pfsd_LDADD = $(XENPOD_9P_LIBS) daemon/libxenpodseams.a \
	$(XENSTORE_LIBS) $(XENVCHAN_LIBS) $(XENPOD_COMMON_LIBS)

# The Linux conformance check (lab): tests/p9/mk-linux-guest.sh builds the guest's
# initramfs, then LAB_BUILD=... scripts/lab run tests/p9/linux-xen.sh
# /boot/vmlinuz-KVER GUEST.cpio.gz (not run by make check: it needs the lab).
dist_noinst_SCRIPTS += tests/p9/mk-linux-guest.sh tests/p9/linux-xen.sh \
	tests/p9/pod-xen.sh
EXTRA_DIST += tests/p9/linux-guest-init tests/p9/lockprobe.c docs/VOLUMES.md

# The guest's 9P client core (guest/lib/p9c.c) against the server in-process,
# and its fuzzer over hostile replies (corpus tests/fuzz/corpus/p9c).
guest_xenpod_kernel_SOURCES += guest/lib/p9c.c guest/include/lib/p9c.h
check_PROGRAMS += tests/unit/test_p9c
TESTS += tests/unit/test_p9c
tests_unit_test_p9c_SOURCES = tests/unit/test_p9c.c guest/lib/p9c.c \
	guest/include/lib/p9c.h
tests_unit_test_p9c_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-I$(top_srcdir)/p9
tests_unit_test_p9c_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -fno-builtin
tests_unit_test_p9c_LDADD = $(XENPOD_9P_LIBS) $(XENPOD_COMMON_LIBS) \
	$(CUNIT_LIBS)
check_PROGRAMS += tests/fuzz/fuzz_p9c
TESTS += tests/fuzz/fuzz_p9c
tests_fuzz_fuzz_p9c_SOURCES = tests/fuzz/fuzz_p9c.c guest/lib/p9c.c \
	guest/lib/p9.c guest/lib/string.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_p9c_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"p9c"'
tests_fuzz_fuzz_p9c_CFLAGS = $(AM_CFLAGS) -fno-builtin
