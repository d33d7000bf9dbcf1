# SPDX-License-Identifier: MIT
# man/local.mk: build rules for man/ (included by the top Makefile.am).
