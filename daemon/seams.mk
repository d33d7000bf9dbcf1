# SPDX-License-Identifier: MIT
# daemon/seams.mk: build rules for the seams (hv_xl.c, xs.c, image.c); owned by the seams helper.
#
# To the daemon helper: the seams are one convenience library, so the order of
# includes does not matter. Please `include daemon/seams.mk` from daemon/local.mk
# and link xenpodd with
#   xenpodd_LDADD = $(XENPOD_SEAMS_LIBS) $(XENPOD_COMMON_LIBS)
# hv_xl.c calls ev.c (ev_*) and log.c (log_*), which xenpodd provides;
# image_oci.c calls json.c (in XENPOD_COMMON_LIBS).

noinst_LIBRARIES += daemon/libxenpodseams.a
daemon_libxenpodseams_a_SOURCES = daemon/hv_xl.c daemon/hv.h \
	daemon/xs.c daemon/xs.h \
	daemon/image.c daemon/image.h daemon/image_oci.c daemon/image_oci.h \
	daemon/image_tree.c daemon/image_tree.h daemon/sha256.c daemon/sha256.h
daemon_libxenpodseams_a_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) \
	$(XENTOOLLOG_CFLAGS) $(XENSTORE_CFLAGS) $(LIBARCHIVE_CFLAGS)
XENPOD_SEAMS_LIBS = daemon/libxenpodseams.a $(XENLIGHT_LIBS) \
	$(XENTOOLLOG_LIBS) $(XENSTORE_LIBS) $(LIBARCHIVE_LIBS)
