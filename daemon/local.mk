# SPDX-License-Identifier: MIT
# daemon/local.mk: build rules for daemon/ (included by the top Makefile.am).

# Code shared by xenpodd, the seams and the xenpod CLI: json.c (the only yajl
# user), logging, the event loop. Link with $(XENPOD_COMMON_LIBS).
noinst_LIBRARIES += daemon/libxenpodcommon.a
daemon_libxenpodcommon_a_SOURCES = daemon/json.c daemon/json.h \
	daemon/log.c daemon/log.h daemon/ev.c daemon/ev.h
daemon_libxenpodcommon_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
XENPOD_COMMON_LIBS = daemon/libxenpodcommon.a $(YAJL_LIBS)

# The daemon core (everything but main and the seams), also linked by unit tests with fakes.
noinst_LIBRARIES += daemon/libxenpodd.a
daemon_libxenpodd_a_SOURCES = daemon/control.c daemon/control.h \
	daemon/rpc.c daemon/rpc.h daemon/pod.c daemon/pod.h \
	daemon/pod_internal.h daemon/pod_create.c daemon/pod_logs.c \
	daemon/store.c daemon/store.h daemon/console.c daemon/console.h

include daemon/seams.mk

sbin_PROGRAMS += xenpodd
xenpodd_SOURCES = daemon/xenpodd.c
xenpodd_LDADD = daemon/libxenpodd.a $(XENPOD_SEAMS_LIBS) $(XENPOD_COMMON_LIBS)

# systemd unit.
systemdsystemunit_DATA = daemon/xenpodd.service
CLEANFILES += daemon/xenpodd.service
EXTRA_DIST += daemon/xenpodd.service.in daemon/PROTOCOL.md
daemon/xenpodd.service: daemon/xenpodd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) daemon && sed -e 's|@sbindir[@]|$(sbindir)|g' \
		$(srcdir)/daemon/xenpodd.service.in > $@

# Unit tests (CUnit). The seams are replaced by tests/fake_hv.c and tests/fake_xs.c.
XENPOD_TEST_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -I$(top_srcdir)/tests
XENPOD_TEST_LIBS = daemon/libxenpodd.a $(XENPOD_SEAMS_LIBS) \
	$(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)

check_PROGRAMS += tests/unit/test_json
TESTS += tests/unit/test_json
tests_unit_test_json_SOURCES = tests/unit/test_json.c
tests_unit_test_json_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_json_LDADD = $(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)

XENPOD_HARNESS = tests/harness.c tests/harness.h tests/fake_hv.c \
	tests/fake_hv.h tests/fake_xs.c tests/fake_xs.h
check_PROGRAMS += tests/unit/test_pod
TESTS += tests/unit/test_pod
tests_unit_test_pod_SOURCES = tests/unit/test_pod.c $(XENPOD_HARNESS)
tests_unit_test_pod_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_pod_LDADD = $(XENPOD_TEST_LIBS)

check_PROGRAMS += tests/unit/test_rpc
TESTS += tests/unit/test_rpc
tests_unit_test_rpc_SOURCES = tests/unit/test_rpc.c $(XENPOD_HARNESS)
tests_unit_test_rpc_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_rpc_LDADD = $(XENPOD_TEST_LIBS)

check_PROGRAMS += tests/unit/test_store tests/unit/test_ev
TESTS += tests/unit/test_store tests/unit/test_ev
tests_unit_test_store_SOURCES = tests/unit/test_store.c
tests_unit_test_store_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_store_LDADD = $(XENPOD_TEST_LIBS)
tests_unit_test_ev_SOURCES = tests/unit/test_ev.c
tests_unit_test_ev_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_ev_LDADD = $(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)

check_PROGRAMS += tests/unit/test_control
TESTS += tests/unit/test_control
tests_unit_test_control_SOURCES = tests/unit/test_control.c $(XENPOD_HARNESS)
tests_unit_test_control_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_control_LDADD = $(XENPOD_TEST_LIBS)
