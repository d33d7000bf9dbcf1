# SPDX-License-Identifier: MIT
# tests/bench/local.mk: ship the benchmarks; `make bench` runs scripts/bench (boots the nested-Xen lab).
dist_noinst_SCRIPTS += scripts/bench
EXTRA_DIST += docs/BENCHMARKS.md tests/bench/lab.sh tests/bench/xpbench.c \
	tests/bench/pvhinit.c tests/bench/gwork.c tests/bench/idle-pvh.S \
	tests/bench/idle-pvh.ld tests/bench/report.awk tests/bench/plot.gp

bench:
	$(top_srcdir)/scripts/bench
.PHONY: bench
