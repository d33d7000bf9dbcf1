# SPDX-License-Identifier: MIT
# scripts/local.mk: build rules for scripts/ (included by the top Makefile.am).
