# SPDX-License-Identifier: MIT
# man/local.mk: build rules for man/ (included by the top Makefile.am).
dist_man_MANS += man/xenpod.1 man/xenpodd.8 man/xenpod-spec.5 \
	man/xenpod-xenstore.7

# mandoc -Tlint -Wwarning over every page in man/.
TESTS += man/check-man.sh
dist_noinst_SCRIPTS += man/check-man.sh
