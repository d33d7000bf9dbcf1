/* SPDX-License-Identifier: MIT */
/* image_oci: OCI image layouts (index.json -> manifest -> config + layers) for image.c. */
#ifndef XENPOD_IMAGE_OCI_H
#define XENPOD_IMAGE_OCI_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"
#include "image_tree.h"

#define OCI_DIGEST_MAX 72 /* "sha256:" + 64 hex + NUL */

struct image_oci {
	const char *layout; /* the layout directory (borrowed) */
	char manifest_digest[OCI_DIGEST_MAX];
	char (*layers)[OCI_DIGEST_MAX];
	size_t nlayers;
};

void image_oci_init(struct image_oci *o);
void image_oci_dispose(struct image_oci *o);
/* Does dir hold an OCI image layout (oci-layout + index.json)? */
bool image_oci_is_layout(const char *dir);
/* Read index, manifest and config (each verified against its digest);
 * fill info's defaults. 0 or -errno with img->err set. */
int image_oci_open(struct img *img, const char *dir, struct image_oci *o,
		   struct image_info *info);
/* Apply the layers in order (whiteouts on), verifying each blob's digest. */
int image_oci_layers(struct img *img, struct image_oci *o);

/* Shared with image.c. */
struct archive;
struct archive *image_archive_reader(void);
int image_read_archive(struct img *img, struct archive *a, const char **kind);
int image_hardlink(struct img *img, const char *path, const char *target);

#endif
