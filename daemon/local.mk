# SPDX-License-Identifier: MIT
# daemon/local.mk: build rules for daemon/ (included by the top Makefile.am).

# Code shared by xenpodd, the seams and the xenpod CLI: json.c (the only yajl
# user), logging, the event loop, crash-safe file writes,
# /proc/PID/stat. Link with $(XENPOD_COMMON_LIBS).
noinst_LIBRARIES += daemon/libxenpodcommon.a
daemon_libxenpodcommon_a_SOURCES = daemon/json.c daemon/json.h \
	daemon/log.c daemon/log.h daemon/ev.c daemon/ev.h \
	daemon/base64.c daemon/base64.h daemon/fsutil.c daemon/fsutil.h \
	daemon/procstat.c daemon/procstat.h
daemon_libxenpodcommon_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
XENPOD_COMMON_LIBS = daemon/libxenpodcommon.a $(YAJL_LIBS)

# The daemon core (everything but main and the seams), also linked by unit tests with fakes.
noinst_LIBRARIES += daemon/libxenpodd.a
# The RPC layer (control.c, rpc*.c) sits on the pod layer (pod.h; pod*.c,
# state_json.c), never the reverse: docs/DAEMON.md.
daemon_libxenpodd_a_SOURCES = daemon/protocol.h \
	daemon/control.c daemon/control.h \
	daemon/rpc.c daemon/rpc.h daemon/rpc_pod.c daemon/rpc_stream.c \
	daemon/json_dec.c daemon/json_dec.h \
	daemon/pod.c daemon/pod.h daemon/pod_internal.h \
	daemon/pod_create.c daemon/pod_reconcile.c daemon/pod_logs.c \
	daemon/state_json.c daemon/state_json.h \
	daemon/store.c daemon/store.h daemon/console.c daemon/console.h \
	daemon/logfile.c daemon/logfile.h daemon/outlog.c daemon/outlog.h \
	daemon/pod_io.c daemon/pod_io.h daemon/pod_kernel.c \
	daemon/pod_memory.c daemon/pod_memory.h \
	daemon/pod_net.c daemon/rpc_net.c daemon/rpc_net.h \
	daemon/net.c daemon/net.h daemon/net_port.c daemon/net_ipam.c \
	daemon/net_rules.c daemon/net_dns.c daemon/net_root.c daemon/net_netw.c \
	daemon/net_netns.c \
	daemon/volume.c daemon/volume.h daemon/volstore.c daemon/volstore.h \
	daemon/rlimit.c daemon/rlimit.h \
	daemon/pod_mount.c daemon/pod_volume.c \
	daemon/rpc_volume.c daemon/rpc_volume.h
# pod_io.c speaks guest/include/lib/podio.h through chan.h.
daemon_libxenpodd_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest/include

include daemon/seams.mk

# The pod I/O channel: chan.c is the only libxenvchan user (a seam: the unit
# tests drive its frame engine over a fake transport); the podio codec is the
# guest's own, built for the host, and so is the cpio reader pod_memory.c
# walks a rootfs with (the daemon reads an archive as the guest will).
noinst_LIBRARIES += daemon/libxenpodchan.a
daemon_libxenpodchan_a_SOURCES = daemon/chan.c daemon/chan.h \
	guest/lib/podio.c guest/lib/string.c guest/lib/cpio.c
daemon_libxenpodchan_a_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
daemon_libxenpodchan_a_CFLAGS = $(AM_CFLAGS) $(XENVCHAN_CFLAGS)
XENPOD_CHAN_LIBS = daemon/libxenpodchan.a $(XENVCHAN_LIBS)

sbin_PROGRAMS += xenpodd
xenpodd_SOURCES = daemon/xenpodd.c
# image_async.c converts images in worker threads.
xenpodd_LDFLAGS = $(AM_LDFLAGS) -pthread
xenpodd_LDADD = daemon/libxenpodd.a $(XENPOD_CHAN_LIBS) $(XENPOD_SEAMS_LIBS) \
	$(XENPOD_COMMON_LIBS)

# libxl's hotplug script for the pods' vifs (xenpodd --vif-script).
dist_xenpodlib_SCRIPTS = daemon/vif-xenpod

# systemd unit.
systemdsystemunit_DATA = daemon/xenpodd.service
CLEANFILES += daemon/xenpodd.service
EXTRA_DIST += daemon/xenpodd.service.in daemon/PROTOCOL.md docs/DAEMON.md \
	docs/NETWORK.md tests/lab/t_80_net.sh tests/lab/t_81_dns.sh tests/lab/t_82_volumes.sh tests/lab/t_83_networks.sh
daemon/xenpodd.service: daemon/xenpodd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) daemon && sed -e 's|@sbindir[@]|$(sbindir)|g' \
		$(srcdir)/daemon/xenpodd.service.in > $@

# Unit tests (CUnit). The seams are replaced by tests/fake_hv.c and tests/fake_xs.c.
XENPOD_TEST_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -I$(top_srcdir)/tests
XENPOD_TEST_LIBS = daemon/libxenpodd.a $(XENPOD_CHAN_LIBS) $(XENPOD_SEAMS_LIBS) \
	$(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)

check_PROGRAMS += tests/unit/test_json
TESTS += tests/unit/test_json
tests_unit_test_json_SOURCES = tests/unit/test_json.c
tests_unit_test_json_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_json_LDADD = $(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)

check_PROGRAMS += tests/unit/test_fsutil
TESTS += tests/unit/test_fsutil
tests_unit_test_fsutil_SOURCES = tests/unit/test_fsutil.c
tests_unit_test_fsutil_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_fsutil_LDADD = $(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)

XENPOD_HARNESS = tests/harness.c tests/harness.h tests/fake_hv.c \
	tests/fake_hv.h tests/fake_xs.c tests/fake_xs.h
check_PROGRAMS += tests/unit/test_pod
TESTS += tests/unit/test_pod
tests_unit_test_pod_SOURCES = tests/unit/test_pod.c $(XENPOD_HARNESS)
tests_unit_test_pod_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_pod_LDADD = $(XENPOD_TEST_LIBS)

# The pod state machine through pod.h's C API, and each asynchronous
# failure's wire code.
check_PROGRAMS += tests/unit/test_pod_api
TESTS += tests/unit/test_pod_api
tests_unit_test_pod_api_SOURCES = tests/unit/test_pod_api.c $(XENPOD_HARNESS)
tests_unit_test_pod_api_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_pod_api_LDADD = $(XENPOD_TEST_LIBS)

check_PROGRAMS += tests/unit/test_rpc
TESTS += tests/unit/test_rpc
tests_unit_test_rpc_SOURCES = tests/unit/test_rpc.c $(XENPOD_HARNESS)
tests_unit_test_rpc_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_rpc_LDADD = $(XENPOD_TEST_LIBS)

check_PROGRAMS += tests/unit/test_rpc_conv
TESTS += tests/unit/test_rpc_conv
tests_unit_test_rpc_conv_SOURCES = tests/unit/test_rpc_conv.c $(XENPOD_HARNESS)
tests_unit_test_rpc_conv_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_rpc_conv_LDADD = $(XENPOD_TEST_LIBS)

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

check_PROGRAMS += tests/unit/test_console
TESTS += tests/unit/test_console
tests_unit_test_console_SOURCES = tests/unit/test_console.c
tests_unit_test_console_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_console_LDADD = $(XENPOD_TEST_LIBS)

# The daemon's layers (docs/DAEMON.md): the pod layer never includes the RPC layer.
dist_noinst_SCRIPTS += tests/check-layers.sh
TESTS += tests/check-layers.sh

# Golden request/response pairs for test_rpc (XENPOD_GOLDEN_UPDATE=1 rewrites the .resp files).
dist_noinst_DATA += \
	tests/data/rpc/01-hello.req \
	tests/data/rpc/01-hello.resp \
	tests/data/rpc/02-hello-string-id.req \
	tests/data/rpc/02-hello-string-id.resp \
	tests/data/rpc/03-hello-unknown-param.req \
	tests/data/rpc/03-hello-unknown-param.resp \
	tests/data/rpc/04-unknown-method.req \
	tests/data/rpc/04-unknown-method.resp \
	tests/data/rpc/05-no-jsonrpc.req \
	tests/data/rpc/05-no-jsonrpc.resp \
	tests/data/rpc/06-wrong-version.req \
	tests/data/rpc/06-wrong-version.resp \
	tests/data/rpc/07-bad-id.req \
	tests/data/rpc/07-bad-id.resp \
	tests/data/rpc/08-unknown-top-key.req \
	tests/data/rpc/08-unknown-top-key.resp \
	tests/data/rpc/09-params-array.req \
	tests/data/rpc/09-params-array.resp \
	tests/data/rpc/10-duplicate-key.req \
	tests/data/rpc/10-duplicate-key.resp \
	tests/data/rpc/11-truncated.req \
	tests/data/rpc/11-truncated.resp \
	tests/data/rpc/12-not-object.req \
	tests/data/rpc/12-not-object.resp \
	tests/data/rpc/13-create-wrong-type.req \
	tests/data/rpc/13-create-wrong-type.resp \
	tests/data/rpc/14-create-unknown-spec-key.req \
	tests/data/rpc/14-create-unknown-spec-key.resp \
	tests/data/rpc/15-create-no-image.req \
	tests/data/rpc/15-create-no-image.resp \
	tests/data/rpc/16-create-bad-name.req \
	tests/data/rpc/16-create-bad-name.resp \
	tests/data/rpc/17-create-long-name.req \
	tests/data/rpc/17-create-long-name.resp \
	tests/data/rpc/18-create-relative-image.req \
	tests/data/rpc/18-create-relative-image.resp \
	tests/data/rpc/19-create-env-no-equals.req \
	tests/data/rpc/19-create-env-no-equals.resp \
	tests/data/rpc/20-create-command-not-strings.req \
	tests/data/rpc/20-create-command-not-strings.resp \
	tests/data/rpc/21-create-memory-range.req \
	tests/data/rpc/21-create-memory-range.resp \
	tests/data/rpc/22-create-no-spec.req \
	tests/data/rpc/22-create-no-spec.resp \
	tests/data/rpc/23-stop-negative-timeout.req \
	tests/data/rpc/23-stop-negative-timeout.resp \
	tests/data/rpc/24-logs-tail-string.req \
	tests/data/rpc/24-logs-tail-string.resp \
	tests/data/rpc/25-inspect-missing.req \
	tests/data/rpc/25-inspect-missing.resp \
	tests/data/rpc/26-rm-no-name.req \
	tests/data/rpc/26-rm-no-name.resp \
	tests/data/rpc/27-name-dotdot.req \
	tests/data/rpc/27-name-dotdot.resp \
	tests/data/rpc/28-nul-in-string.req \
	tests/data/rpc/28-nul-in-string.resp \
	tests/data/rpc/29-list-empty.req \
	tests/data/rpc/29-list-empty.resp \
	tests/data/rpc/30-float-id.req \
	tests/data/rpc/30-float-id.resp \
	tests/data/rpc/31-trailing-garbage.req \
	tests/data/rpc/31-trailing-garbage.resp \
	tests/data/rpc/32-method-not-string.req \
	tests/data/rpc/32-method-not-string.resp \
	tests/data/rpc/33-bad-utf8.req \
	tests/data/rpc/33-bad-utf8.resp \
	tests/data/rpc/34-too-deep.req \
	tests/data/rpc/34-too-deep.resp \
	tests/data/rpc-conv/01-create-start-wait.conv \
	tests/data/rpc-conv/02-stop.conv \
	tests/data/rpc-conv/03-logs.conv

# The channel's frame engine over a fake transport (hostile guest frames).
check_PROGRAMS += tests/unit/test_chan
TESTS += tests/unit/test_chan
tests_unit_test_chan_SOURCES = tests/unit/test_chan.c
tests_unit_test_chan_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest/include
tests_unit_test_chan_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_chan_LDADD = $(XENPOD_CHAN_LIBS) $(XENPOD_COMMON_LIBS) \
	$(CUNIT_LIBS)

# Exec sessions end to end: control, rpc, pod_io and chan with a fake guest
# on a socketpair (8 MiB each way, credit on both legs).
check_PROGRAMS += tests/unit/test_chan_e2e
TESTS += tests/unit/test_chan_e2e
tests_unit_test_chan_e2e_SOURCES = tests/unit/test_chan_e2e.c $(XENPOD_HARNESS)
tests_unit_test_chan_e2e_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest/include
tests_unit_test_chan_e2e_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_chan_e2e_LDADD = $(XENPOD_TEST_LIBS) -lpthread

# dom0's network pieces: the -p parser, a pod's network line, the allocator, the ruleset text.
check_PROGRAMS += tests/unit/test_netd
TESTS += tests/unit/test_netd
tests_unit_test_netd_SOURCES = tests/unit/test_netd.c
tests_unit_test_netd_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_netd_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/guest/include
tests_unit_test_netd_LDADD = $(XENPOD_TEST_LIBS)

# Volumes: the -v syntax and volume names, the CLI's -v check, the named-volume store.
check_PROGRAMS += tests/unit/test_volume
TESTS += tests/unit/test_volume
tests_unit_test_volume_SOURCES = tests/unit/test_volume.c cli/util.c
tests_unit_test_volume_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
tests_unit_test_volume_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_unit_test_volume_LDADD = $(XENPOD_TEST_LIBS)
# The volume backend's stand-in for the harness (xenpodd starts it per volume).
check_PROGRAMS += tests/fake9p/xenpod-9pfsd
tests_fake9p_xenpod_9pfsd_SOURCES = tests/fake9p/xenpod-9pfsd.c
