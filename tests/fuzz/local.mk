# SPDX-License-Identifier: MIT
# tests/fuzz/local.mk: fuzzers of every parser of untrusted input; corpora replayed by make check.
