# SPDX-License-Identifier: MIT
# xenstore-schema/local.mk: build rules for xenstore-schema/ (included by the top Makefile.am).
