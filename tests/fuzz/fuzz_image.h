/* SPDX-License-Identifier: MIT */
/* fuzz_image.h: the check shared by the image fuzz targets. */
#ifndef XENPOD_FUZZ_IMAGE_H
#define XENPOD_FUZZ_IMAGE_H

#include "image.h"

/* info's kind is kind1 or kind2, its cpio exists, the guest's cpio reader
 * accepts it and every name in it is clean; aborts otherwise. */
void fuzz_image_check(const struct image_info *info, const char *kind1,
		      const char *kind2);

#endif
