# SPDX-License-Identifier: MIT
# cli/local.mk: build rules for cli/ (included by the top Makefile.am).
