# SPDX-License-Identifier: MIT
# tests/local.mk: the lab's end-to-end suite (run by scripts/test, not by make check).
dist_noinst_SCRIPTS += tests/lab/run tests/lab/mkimages.sh
EXTRA_DIST += tests/lab/lib.sh tests/lab/main.sh tests/lab/progs/hello.c \
	tests/lab/t_00_lab.sh tests/lab/t_20_pods.sh tests/lab/t_30_restart.sh \
	tests/lab/t_40_loop.sh
