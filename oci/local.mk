# SPDX-License-Identifier: MIT
# oci/local.mk: build rules for oci/ (included by the top Makefile.am).

# xenpod-oci: runc's command line over xenpodd, linking the CLI's client,
# helpers and exec/attach session code.
bin_PROGRAMS += oci/xenpod-oci
oci_xenpod_oci_SOURCES = oci/xenpod-oci.c oci/oci.h oci/cmds.c \
	oci/state.c oci/holder.c oci/bundle.c oci/bundle.h oci/hooks.c oci/hooks.h \
	cli/client.c cli/client.h cli/common.c cli/cmd_exec.c \
	cli/util.c cli/util.h cli/xenpod.h daemon/volume.c daemon/rlimit.c \
	daemon/net_port.c
oci_xenpod_oci_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
oci_xenpod_oci_LDADD = $(XENPOD_COMMON_LIBS)

# Unit tests: config.json mapping over sample bundles, state files, ids.
check_PROGRAMS += tests/unit/test_oci
TESTS += tests/unit/test_oci
tests_unit_test_oci_SOURCES = tests/unit/test_oci.c oci/bundle.c \
	oci/bundle.h oci/hooks.c oci/hooks.h oci/state.c oci/oci.h cli/util.c cli/util.h daemon/volume.c \
	daemon/rlimit.c daemon/net_port.c
tests_unit_test_oci_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir) \
	-DOCI_TEST_DATA='"$(abs_top_srcdir)/tests/data/oci"'
tests_unit_test_oci_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_oci_LDADD = $(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)
EXTRA_DIST += tests/data/oci

# The config.json parser on hostile input (corpus: tests/fuzz/corpus/ociconfig).
check_PROGRAMS += tests/fuzz/fuzz_ociconfig
TESTS += tests/fuzz/fuzz_ociconfig
tests_fuzz_fuzz_ociconfig_SOURCES = tests/fuzz/fuzz_ociconfig.c oci/bundle.c \
	oci/bundle.h daemon/volume.c daemon/rlimit.c daemon/net_port.c $(FUZZ_REPLAY)
tests_fuzz_fuzz_ociconfig_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir) \
	-DFUZZ_CORPUS='"ociconfig"'
tests_fuzz_fuzz_ociconfig_LDADD = $(XENPOD_COMMON_LIBS)

dist_man_MANS += man/xenpod-oci.1
EXTRA_DIST += docs/OCI.md tests/lab/t_85_oci.sh tests/lab/t_86_podman.sh

# The lab's stand-in for conmon (a subreaper, a console-socket receiver, a pty
# for ctr -t); tests/oci/holder.sh reaps with it too.
noinst_PROGRAMS += tests/lab/oci_reaper
tests_lab_oci_reaper_SOURCES = tests/lab/oci_reaper.c

# xenpod-oci exec against fake_xenpodd: how its holder ends, what pod_exec gets.
TESTS += tests/oci/holder.sh
dist_noinst_SCRIPTS += tests/oci/holder.sh
