/* SPDX-License-Identifier: MIT */
/* fuzz_image: an image archive file (tar, cpio, any compression) through image_prepare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_image.h"
#include "image.h"
#include "log.h"

static char root[256], file[300], cache[300];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz", true, LOG_LEVEL_ERR);
	fuzz_tmpdir(root, sizeof(root), "image");
	snprintf(file, sizeof(file), "%s/image.tar", root);
	snprintf(cache, sizeof(cache), "%s/cache", root);
	return 0;
}

void LLVMFuzzerCleanup(void)
{
	fuzz_empty_dir(root);
	rmdir(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], first[IMAGE_DIGEST_LEN + 1] = "";
	struct image_info info;
	int rc, pass;

	fuzz_write(file, data, size);
	/* Twice: a miss converts, a hit must find the same digest again. */
	for (pass = 0; pass < 2; pass++) {
		err[0] = '\0';
		rc = image_prepare(file, cache, &info, err, sizeof(err));
		if (rc) {
			if (rc > 0 || pass || !err[0] || strchr(err, '\n'))
				abort(); /* -errno with a one-line reason */
			break;
		}
		fuzz_image_check(&info, "tar", "cpio");
		if (pass == 0)
			memcpy(first, info.digest, sizeof(first));
		else if (strcmp(first, info.digest))
			abort();
		image_info_dispose(&info);
	}
	fuzz_empty_dir(cache);
	return 0;
}
