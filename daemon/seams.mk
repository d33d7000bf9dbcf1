# SPDX-License-Identifier: MIT
# daemon/seams.mk: build rules for the seams (hv_xl.c, xs.c, image.c); owned by the seams helper.
#
# The seams are one convenience library; xenpodd links $(XENPOD_SEAMS_LIBS)
# before $(XENPOD_COMMON_LIBS) (hv_xl.c uses ev.c and log.c, image_oci.c json.c).

noinst_LIBRARIES += daemon/libxenpodseams.a
daemon_libxenpodseams_a_SOURCES = daemon/hv_xl.c daemon/hv.h \
	daemon/xs.c daemon/xs.h \
	daemon/image.c daemon/image.h daemon/image_oci.c daemon/image_oci.h \
	daemon/image_tree.c daemon/image_tree.h daemon/image_async.c \
	daemon/digest.c daemon/digest.h \
	daemon/net_nft.c daemon/net_link.c
daemon_libxenpodseams_a_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) \
	$(XENTOOLLOG_CFLAGS) $(XENSTORE_CFLAGS) $(LIBARCHIVE_CFLAGS) $(NETTLE_CFLAGS) \
	$(NFTABLES_CFLAGS)
XENPOD_SEAMS_LIBS = daemon/libxenpodseams.a $(XENLIGHT_LIBS) \
	$(XENTOOLLOG_LIBS) $(XENSTORE_LIBS) $(LIBARCHIVE_LIBS) $(NETTLE_LIBS) \
	$(NFTABLES_LIBS)

# Unit tests of the seams (CUnit).
SEAMS_TEST_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
SEAMS_TEST_LIBS = $(XENPOD_SEAMS_LIBS) $(XENPOD_COMMON_LIBS) $(CUNIT_LIBS)
check_PROGRAMS += tests/unit/test_xs tests/unit/test_hv tests/unit/test_image
TESTS += tests/unit/test_xs tests/unit/test_hv tests/unit/test_image
tests_unit_test_xs_SOURCES = tests/unit/test_xs.c
tests_unit_test_xs_CFLAGS = $(SEAMS_TEST_CFLAGS)
tests_unit_test_xs_LDADD = $(SEAMS_TEST_LIBS)
tests_unit_test_hv_SOURCES = tests/unit/test_hv.c
tests_unit_test_hv_CFLAGS = $(SEAMS_TEST_CFLAGS)
tests_unit_test_hv_LDADD = $(SEAMS_TEST_LIBS)
tests_unit_test_image_SOURCES = tests/unit/test_image.c
tests_unit_test_image_CFLAGS = $(SEAMS_TEST_CFLAGS) $(LIBARCHIVE_CFLAGS)
tests_unit_test_image_LDADD = $(SEAMS_TEST_LIBS)
