# SPDX-License-Identifier: MIT
# tests/fuzz/local.mk: fuzzers of every parser of untrusted input; corpora replayed by make check.
#
# Each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput. Here it is
# linked with replay.c, whose main() feeds it every file of
# builds the same sources with clang -fsanitize=fuzzer for real fuzzing.

FUZZ_REPLAY = tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_util.c
FUZZ_DAEMON = tests/fuzz/fuzz_daemon.c tests/fuzz/fuzz_daemon.h \
	$(XENPOD_HARNESS)
FUZZ_IMAGE = tests/fuzz/fuzz_image_check.c tests/fuzz/fuzz_image.h \
	guest/lib/cpio.c

FUZZ_PROGS = tests/fuzz/fuzz_json tests/fuzz/fuzz_rpc tests/fuzz/fuzz_state \
	tests/fuzz/fuzz_xs tests/fuzz/fuzz_image tests/fuzz/fuzz_oci \
	tests/fuzz/fuzz_cli tests/fuzz/fuzz_guest_cpio \
	tests/fuzz/fuzz_guest_elf tests/fuzz/fuzz_guest_spec \
	tests/fuzz/fuzz_xs_ring tests/fuzz/fuzz_netd
check_PROGRAMS += $(FUZZ_PROGS)
TESTS += $(FUZZ_PROGS)

# JSON: the parser under every request, state file and OCI blob.
tests_fuzz_fuzz_json_SOURCES = tests/fuzz/fuzz_json.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_json_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"json"'
tests_fuzz_fuzz_json_LDADD = $(XENPOD_COMMON_LIBS)

# Control requests through the daemon core (fake seams, sandboxed images).
tests_fuzz_fuzz_rpc_SOURCES = tests/fuzz/fuzz_rpc.c $(FUZZ_DAEMON) \
	$(FUZZ_REPLAY)
tests_fuzz_fuzz_rpc_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"rpc"'
tests_fuzz_fuzz_rpc_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_fuzz_fuzz_rpc_LDADD = $(XENPOD_TEST_LIBS)

# State files at daemon start (store.c, the loader and reconciliation).
tests_fuzz_fuzz_state_SOURCES = tests/fuzz/fuzz_state.c $(FUZZ_DAEMON) \
	$(FUZZ_REPLAY)
tests_fuzz_fuzz_state_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"state"'
tests_fuzz_fuzz_state_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_fuzz_fuzz_state_LDADD = $(XENPOD_TEST_LIBS)

# Guest-written xenstore values (xs.c's pure parsers).
tests_fuzz_fuzz_xs_SOURCES = tests/fuzz/fuzz_xs.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_xs_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"xs"'
tests_fuzz_fuzz_xs_LDADD = $(XENPOD_SEAMS_LIBS) $(XENPOD_COMMON_LIBS)

# Image archives and OCI layouts; the cpio made is checked with the guest's reader.
tests_fuzz_fuzz_image_SOURCES = tests/fuzz/fuzz_image.c $(FUZZ_IMAGE) \
	$(FUZZ_REPLAY)
tests_fuzz_fuzz_image_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"image"'
tests_fuzz_fuzz_image_LDADD = $(XENPOD_SEAMS_LIBS) $(XENPOD_COMMON_LIBS)
tests_fuzz_fuzz_oci_SOURCES = tests/fuzz/fuzz_oci.c $(FUZZ_IMAGE) \
	$(FUZZ_REPLAY)
tests_fuzz_fuzz_oci_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"oci"'
tests_fuzz_fuzz_oci_LDADD = $(XENPOD_SEAMS_LIBS) $(XENPOD_COMMON_LIBS)

# The CLI's reply reader and output helpers.
tests_fuzz_fuzz_cli_SOURCES = tests/fuzz/fuzz_cli.c cli/client.c cli/util.c \
	cli/output.c daemon/volume.c daemon/rlimit.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_cli_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir) \
	-DFUZZ_CORPUS='"cli"'
tests_fuzz_fuzz_cli_LDADD = $(XENPOD_COMMON_LIBS)

# The guest's parsers, built for the host (as tests/unit/test_guest_*).
tests_fuzz_fuzz_guest_cpio_SOURCES = tests/fuzz/fuzz_guest_cpio.c \
	guest/lib/cpio.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_guest_cpio_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"guest_cpio"'
tests_fuzz_fuzz_guest_elf_SOURCES = tests/fuzz/fuzz_guest_elf.c \
	guest/lib/elf.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_guest_elf_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"guest_elf"'
tests_fuzz_fuzz_guest_spec_SOURCES = tests/fuzz/fuzz_guest_spec.c \
	guest/lib/spec.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_guest_spec_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"guest_spec"'
tests_fuzz_fuzz_xs_ring_SOURCES = tests/fuzz/fuzz_xs_ring.c \
	guest/xen/xs_ring.c guest/lib/string.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_xs_ring_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"xs_ring"'
tests_fuzz_fuzz_xs_ring_CFLAGS = $(AM_CFLAGS) -fno-builtin

EXTRA_DIST += tests/fuzz/corpus

# dom0's network text: docker's -p syntax and a pod's network line (daemon/net_port.c),
# --add-host and dom0's resolv.conf (daemon/net_dns.c).
tests_fuzz_fuzz_netd_SOURCES = tests/fuzz/fuzz_netd.c daemon/net_port.c daemon/net_dns.c \
	$(FUZZ_REPLAY)
tests_fuzz_fuzz_netd_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"netd"'

# Hostile clients against a live daemon (R13-R15): abuse_client links nothing but
# libc so that it runs in the lab's dom0; client-abuse.sh SOCKET [IMAGE] drives it
# there; make check runs it against the core with fake seams.
noinst_PROGRAMS += tests/fuzz/abuse_client
tests_fuzz_abuse_client_SOURCES = tests/fuzz/abuse_client.c
TESTS += tests/fuzz/client-abuse-harness.sh

EXTRA_DIST += tests/fuzz/README tests/fuzz/crashes tests/fuzz/mkcorpus.py \
	tests/fuzz/known-findings.supp
dist_noinst_SCRIPTS += tests/fuzz/run-fuzzers.sh tests/fuzz/client-abuse.sh \
	tests/fuzz/client-abuse-harness.sh

# The pod spec round trip: the daemon's encoder, then the guest's parser.
check_PROGRAMS += tests/fuzz/fuzz_spec
TESTS += tests/fuzz/fuzz_spec
tests_fuzz_fuzz_spec_SOURCES = tests/fuzz/fuzz_spec.c guest/lib/spec.c \
	$(XENPOD_HARNESS) $(FUZZ_REPLAY)
tests_fuzz_fuzz_spec_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"spec"'
tests_fuzz_fuzz_spec_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_fuzz_fuzz_spec_LDADD = $(XENPOD_TEST_LIBS)

# The console log reader behind `xenpod logs --tail` (guest-written bytes).
check_PROGRAMS += tests/fuzz/fuzz_console
TESTS += tests/fuzz/fuzz_console
tests_fuzz_fuzz_console_SOURCES = tests/fuzz/fuzz_console.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_console_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"console"'
tests_fuzz_fuzz_console_LDADD = daemon/libxenpodd.a $(XENPOD_COMMON_LIBS)

# The pod I/O frame decoders (guest/lib/podio.c), used by the guest and by daemon/chan.c.
check_PROGRAMS += tests/fuzz/fuzz_podio
TESTS += tests/fuzz/fuzz_podio
tests_fuzz_fuzz_podio_SOURCES = tests/fuzz/fuzz_podio.c guest/lib/podio.c \
	guest/lib/string.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_podio_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS) \
	-DFUZZ_CORPUS='"podio"'
tests_fuzz_fuzz_podio_CFLAGS = $(AM_CFLAGS) -fno-builtin

# The codec's unit test (hostile headers and EXEC payloads).
check_PROGRAMS += tests/unit/test_podio
TESTS += tests/unit/test_podio
tests_unit_test_podio_SOURCES = tests/unit/test_podio.c guest/lib/podio.c \
	guest/lib/string.c
tests_unit_test_podio_CPPFLAGS = $(AM_CPPFLAGS) $(GUEST_HOST_CPPFLAGS)
tests_unit_test_podio_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) -fno-builtin
tests_unit_test_podio_LDADD = $(CUNIT_LIBS)
