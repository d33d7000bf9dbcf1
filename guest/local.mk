# SPDX-License-Identifier: MIT
# guest/local.mk: build rules for guest/ (included by the top Makefile.am).
