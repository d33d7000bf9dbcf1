# SPDX-License-Identifier: MIT
# scripts/local.mk: ship the set-up, lab, demo and test scripts in the tarball.
dist_noinst_SCRIPTS += scripts/install-deps scripts/lab scripts/lab-init scripts/demo scripts/srctree \
	scripts/test scripts/lab-stress
EXTRA_DIST += .ci/run
