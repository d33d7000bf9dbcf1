/* SPDX-License-Identifier: MIT */
/* fuzz_image_check: what image_prepare produced must be a cpio the guest accepts, with clean names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_image.h"
#include "lib/cpio.h"

/* The guest's reader must accept the cpio written, and every name in it be clean. */
static void check_cpio(const char *path)
{
	char clean[CPIO_NAME_MAX + 1];
	struct cpio_reader r;
	struct cpio_entry e;
	const char *err = NULL;
	uint8_t *buf;
	size_t len = 0;
	FILE *f = fopen(path, "rb");
	struct stat st;
	int rc;

	if (!f || fstat(fileno(f), &st) < 0)
		abort();
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		abort();
	len = (size_t)st.st_size;
	fclose(f);
	cpio_init(&r, buf, len);
	while ((rc = cpio_next(&r, &e, &err)) == 1) {
		if (!strcmp(e.name, "TRAILER!!!"))
			continue;
		if (cpio_path_clean(e.name, clean, sizeof(clean), &err) < 0) {
			fprintf(stderr,
				"image cpio entry \"%s\": guest says %s\n",
				e.name, err);
			abort();
		}
	}
	if (rc) {
		fprintf(stderr, "image cpio: guest reader says %s\n", err);
		abort();
	}
	free(buf);
}

void fuzz_image_check(const struct image_info *info, const char *kind1,
		      const char *kind2)
{
	struct stat st;

	if (strcmp(info->kind, kind1) && strcmp(info->kind, kind2))
		abort();
	if (strlen(info->digest) != IMAGE_DIGEST_LEN ||
	    stat(info->cpio_path, &st) < 0 || !S_ISREG(st.st_mode))
		abort();
	check_cpio(info->cpio_path);
}
