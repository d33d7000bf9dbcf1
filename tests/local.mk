# SPDX-License-Identifier: MIT
# tests/local.mk: the lab's end-to-end suite (run by scripts/test, not by make check).
dist_noinst_SCRIPTS += tests/lab/run tests/lab/mkimages.sh tests/lab/run-devices \
	tests/lab/devices.sh
EXTRA_DIST += tests/lab/lib.sh tests/lab/main.sh tests/lab/progs/hello.c tests/lab/progs/sleeper.c tests/lab/progs/getent.c \
	tests/lab/t_00_lab.sh tests/lab/t_05_guest.sh tests/lab/t_10_seams.sh tests/lab/t_20_pods.sh tests/lab/t_30_restart.sh \
	tests/lab/t_40_loop.sh tests/lab/t_50_abuse.sh tests/lab/t_65_vchan.sh \
	tests/lab/t_22_start.sh \
	tests/lab/t_68_gntalloc.sh \
	tests/lab/t_70_exec.sh \
	tests/lab/t_75_wake.sh
# The reliability suite (docs/RELIABILITY.md; lib_rel.sh is its helpers, rsummary.sh its summary).
EXTRA_DIST += tests/lab/t_60_crash.sh tests/lab/t_61_state.sh tests/lab/t_62_domid.sh \
	tests/lab/t_63_leak.sh tests/lab/t_64_hostile.sh tests/lab/t_66_stop.sh tests/lab/lib_rel.sh \
	tests/lab/t_67_facts.sh tests/lab/stress.sh
dist_noinst_SCRIPTS += tests/lab/rsummary.sh

# The seams' lab driver: hv_xl.c, xs.c and image.c against a real dom0 (tests/lab/t_10_seams.sh).
noinst_PROGRAMS += tests/lab/seams_lab
tests_lab_seams_lab_SOURCES = tests/lab/seams_lab.c
tests_lab_seams_lab_LDADD = $(XENPOD_SEAMS_LIBS) $(XENPOD_COMMON_LIBS)
