# SPDX-License-Identifier: MIT
# xenstore-schema/local.mk: build rules for xenstore-schema/ (included by the top Makefile.am).

# The path constants used by daemon and guest, generated from the schema.
XSP_SCHEMA = $(top_srcdir)/xenstore-schema/xenpod-paths.pandoc
XSP_GEN = $(top_srcdir)/xenstore-schema/gen-paths.sh
BUILT_SOURCES += xenstore-schema/xenstore-paths.h
CLEANFILES += xenstore-schema/xenstore-paths.h
dist_noinst_SCRIPTS += xenstore-schema/gen-paths.sh xenstore-schema/check-paths.sh
dist_noinst_DATA += xenstore-schema/xenpod-paths.pandoc

xenstore-schema/xenstore-paths.h: $(XSP_SCHEMA) $(XSP_GEN)
	$(AM_V_GEN)$(MKDIR_P) xenstore-schema && \
	$(SHELL) $(XSP_GEN) $(XSP_SCHEMA) > $@.tmp && mv $@.tmp $@

# Fails when daemon/ or guest/ uses a xenstore path the schema does not list.
TESTS += xenstore-schema/check-paths.sh
