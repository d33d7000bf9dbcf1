# SPDX-License-Identifier: MIT
# guest/net/local.mk: the guest TCP/IP stack (docs/NETWORK-STACK.md) in the kernel, its host
# unit tests and its fuzzer; included by guest/local.mk.

GUEST_NET_SRC = guest/net/wire.c guest/net/iface.c guest/net/dgram.c \
	guest/net/tcp.c guest/net/tcp_in.c guest/net/tcp_out.c
GUEST_NET_HDR = guest/net/net_impl.h guest/net/tcp.h \
	guest/include/net/limits.h guest/include/net/net.h \
	guest/include/net/wire.h guest/include/net/errno.h

guest_xenpod_kernel_SOURCES += $(GUEST_NET_SRC) $(GUEST_NET_HDR)

# Two stacks back to back through an in-memory link with a simulated clock.
check_PROGRAMS += tests/unit/test_net
TESTS += tests/unit/test_net
tests_unit_test_net_SOURCES = tests/unit/test_net.c tests/unit/netsim.c \
	tests/unit/netsim.h $(GUEST_NET_SRC) $(GUEST_NET_HDR) \
	guest/lib/string.c
tests_unit_test_net_CPPFLAGS = $(AM_CPPFLAGS) -DGUEST_LIB_HOST \
	-I$(top_srcdir)/guest/include -I$(top_srcdir)/guest/net
tests_unit_test_net_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -fno-builtin
tests_unit_test_net_LDADD = $(CUNIT_LIBS)

# The stack's fuzzer (tests/fuzz/fuzz_net.c): frames, time and socket calls in, frames out
# checked; make check replays tests/fuzz/corpus/net (seeds: tests/fuzz/mknetcorpus.py).
check_PROGRAMS += tests/fuzz/fuzz_net
TESTS += tests/fuzz/fuzz_net
tests_fuzz_fuzz_net_SOURCES = tests/fuzz/fuzz_net.c $(GUEST_NET_SRC) \
	$(GUEST_NET_HDR) guest/lib/string.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_net_CPPFLAGS = $(AM_CPPFLAGS) -DGUEST_LIB_HOST \
	-I$(top_srcdir)/guest/include -I$(top_srcdir)/guest/net \
	-DFUZZ_CORPUS='"net"'
tests_fuzz_fuzz_net_CFLAGS = $(AM_CFLAGS) -fno-builtin
EXTRA_DIST += tests/fuzz/mknetcorpus.py
EXTRA_DIST += docs/NETWORK-STACK.md

# The stack in the kernel: netfront (Xen's io/netif.h) and the stack instance on it.
guest_xenpod_kernel_SOURCES += guest/xen/netfront.c guest/kernel/netdev.c \
	guest/include/xenplat/netfront.h guest/include/kernel/netdev.h
# Lab test of netfront (a vif made by hand, pinged from dom0):
# scripts/lab run tests/guest/net-xen.sh KERNEL .../xen-netback.ko
dist_noinst_SCRIPTS += tests/guest/net-xen.sh
guest_xenpod_kernel_SOURCES += guest/kernel/sys_net.c guest/kernel/inet_sock.c \
	guest/kernel/unix_sock.c guest/include/kernel/sock.h
dist_noinst_SCRIPTS += tests/guest/mknetroot.sh tests/guest/mk-linux-net-guest.sh
EXTRA_DIST += tests/guest/linux-net-init
EXTRA_DIST += tests/guest/progs/t_net.c
