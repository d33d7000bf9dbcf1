# SPDX-License-Identifier: MIT
# cli/local.mk: build rules for cli/ (included by the top Makefile.am).

bin_PROGRAMS += cli/xenpod
cli_xenpod_SOURCES = cli/xenpod.c cli/xenpod.h cli/common.c \
	cli/client.c cli/client.h cli/util.c cli/util.h \
	cli/output.c cli/output.h \
	cli/cmd_run.c cli/cmd_pod.c cli/cmd_ls.c cli/cmd_host.c
cli_xenpod_LDADD = $(XENPOD_COMMON_LIBS)

# Tests: pure helpers (CUnit) and the CLI against a scripted fake daemon.
check_PROGRAMS += tests/cli/fake_xenpodd
tests_cli_fake_xenpodd_SOURCES = tests/cli/fake_xenpodd.c
TESTS += tests/cli/run.sh
dist_noinst_SCRIPTS += tests/cli/run.sh
dist_noinst_DATA += tests/cli/badid.golden tests/cli/big.golden \
	tests/cli/closed.golden tests/cli/create.golden tests/cli/create.out \
	tests/cli/events.golden tests/cli/events.out tests/cli/garbage.golden \
	tests/cli/inspect-json.golden tests/cli/inspect-json.out \
	tests/cli/inspect-notfound.golden tests/cli/kill.golden \
	tests/cli/kill.out tests/cli/logs.golden tests/cli/logs.out \
	tests/cli/ls-json.golden tests/cli/ls-json.out tests/cli/ls-q.golden \
	tests/cli/ls-q.out tests/cli/ls.golden tests/cli/ls.out \
	tests/cli/rm.golden tests/cli/rm.out tests/cli/run-crash.golden \
	tests/cli/run-create-fails.golden tests/cli/run-detach.golden \
	tests/cli/run-detach.out tests/cli/run-interrupt.golden \
	tests/cli/run-interrupt.out tests/cli/run-killed.golden \
	tests/cli/run.golden tests/cli/run.out tests/cli/stop.golden \
	tests/cli/stop.out tests/cli/version.golden tests/cli/version.out \
	tests/cli/wait.golden tests/cli/wait.out
