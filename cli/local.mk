# SPDX-License-Identifier: MIT
# cli/local.mk: build rules for cli/ (included by the top Makefile.am).

bin_PROGRAMS += cli/xenpod
cli_xenpod_SOURCES = cli/xenpod.c cli/xenpod.h cli/common.c \
	cli/client.c cli/client.h cli/util.c cli/util.h \
	cli/output.c cli/output.h \
	cli/cmd_run.c cli/cmd_pod.c cli/cmd_ls.c cli/cmd_host.c \
	cli/cmd_exec.c cli/cmd_volume.c cli/cmd_network.c daemon/net_port.c \
	daemon/net_dns.c daemon/volume.c daemon/rlimit.c
cli_xenpod_LDADD = $(XENPOD_COMMON_LIBS)

# bash completion, installed under the command's name as bash-completion wants.
bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = cli/completion/xenpod
EXTRA_DIST += cli/xenpod.bash-completion
CLEANFILES += cli/completion/xenpod
cli/completion/xenpod: cli/xenpod.bash-completion
	$(AM_V_GEN)$(MKDIR_P) cli/completion && cp $(srcdir)/cli/xenpod.bash-completion $@

# Tests: pure helpers (CUnit) and the CLI against a scripted fake daemon.
check_PROGRAMS += tests/cli/fake_xenpodd
tests_cli_fake_xenpodd_SOURCES = tests/cli/fake_xenpodd.c
TESTS += tests/cli/run.sh tests/cli/completion.sh
dist_noinst_SCRIPTS += tests/cli/run.sh tests/cli/completion.sh

# End to end: the CLI against the real daemon core with fake seams and guest
# (the harness and fakes of daemon/local.mk).
check_PROGRAMS += tests/cli/harness_xenpodd
TESTS += tests/cli/e2e.sh
dist_noinst_SCRIPTS += tests/cli/e2e.sh
tests_cli_harness_xenpodd_SOURCES = tests/cli/harness_xenpodd.c \
	$(XENPOD_HARNESS)
tests_cli_harness_xenpodd_CFLAGS = $(XENPOD_TEST_CFLAGS)
tests_cli_harness_xenpodd_LDADD = $(XENPOD_TEST_LIBS)
dist_noinst_DATA += tests/cli/badid.golden tests/cli/big.golden \
	tests/cli/closed.golden tests/cli/create.golden tests/cli/create.out \
	tests/cli/events.golden tests/cli/events.out tests/cli/garbage.golden \
	tests/cli/events-failed.golden tests/cli/events-failed.out \
	tests/cli/start-noexec.golden tests/cli/run-detach-notfound.golden \
	tests/cli/inspect-json.golden tests/cli/inspect-json.out \
	tests/cli/inspect-notfound.golden tests/cli/kill.golden \
	tests/cli/kill.out tests/cli/logs.golden tests/cli/logs.out \
	tests/cli/ls-json.golden tests/cli/ls-json.out tests/cli/ls-q.golden \
	tests/cli/ls-q.out tests/cli/ls.golden tests/cli/ls.out \
	tests/cli/rm.golden tests/cli/rm.out tests/cli/run-crash.golden \
	tests/cli/run-create-fails.golden tests/cli/run-detach.golden \
	tests/cli/run-detach.out tests/cli/run-interrupt.golden \
	tests/cli/run-interrupt.out tests/cli/run-interrupt-create.golden \
	tests/cli/run-killed.golden \
	tests/cli/run.golden tests/cli/run.out tests/cli/stop.golden \
	tests/cli/stop.out tests/cli/version.golden tests/cli/version.out \
	tests/cli/wait.golden tests/cli/wait.out

check_PROGRAMS += tests/unit/test_cli
TESTS += tests/unit/test_cli
tests_unit_test_cli_SOURCES = tests/unit/test_cli.c cli/util.c cli/util.h \
	cli/output.c cli/output.h daemon/volume.c daemon/rlimit.c
tests_unit_test_cli_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
tests_unit_test_cli_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_test_cli_LDADD = $(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)
