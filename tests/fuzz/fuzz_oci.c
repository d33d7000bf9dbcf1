/* SPDX-License-Identifier: MIT */
/* fuzz_oci: an OCI image layout (index, manifest, config, layer) through image_prepare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_image.h"
#include "image.h"
#include "log.h"
#include "digest.h"

/*
 * Input: index.json, manifest, config and one layer, split by "\n----\n".
 * So that the fuzzer gets past digest checks, "@M@" in the index becomes the
 * manifest's digest and "@C@"/"@L@" in the manifest the config's/layer's
 * ("sha256:" + hex); each blob is stored under blobs/sha256/ by its digest.
 */
static char root[256], layout[300], cache[300];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz", true, LOG_LEVEL_ERR);
	fuzz_tmpdir(root, sizeof(root), "oci");
	snprintf(layout, sizeof(layout), "%s/layout", root);
	snprintf(cache, sizeof(cache), "%s/cache", root);
	return 0;
}

void LLVMFuzzerCleanup(void)
{
	fuzz_empty_dir(root);
	rmdir(root);
}

struct buf {
	char *p;
	size_t n;
};

/* b = text with every "@X@" replaced by rep (71 chars); malloc'd. */
static struct buf subst(const uint8_t *text, size_t n, const char *key,
			const char *rep)
{
	size_t rl = strlen(rep), i, o = 0;
	struct buf b = { malloc(n * rl + 1), 0 };

	if (!b.p)
		abort();
	for (i = 0; i < n; i++) {
		if (i + 3 <= n && !memcmp(text + i, key, 3)) {
			memcpy(b.p + o, rep, rl);
			o += rl;
			i += 2;
		} else {
			b.p[o++] = (char)text[i];
		}
	}
	b.n = o;
	return b;
}

/* Store data as a blob; digest = "sha256:HEX". */
static void blob(const void *data, size_t n, char digest[80])
{
	char hex[DIGEST_HEX_LEN + 1], path[600];
	struct sha256_ctx h;

	sha256_init(&h);
	digest_update(&h, data, n);
	digest_hex(&h, hex);
	snprintf(digest, 80, "sha256:%s", hex);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", layout, hex);
	fuzz_write(path, data, n);
}

static void mkdirs(void)
{
	char p[400];

	mkdir(layout, 0755);
	snprintf(p, sizeof(p), "%s/blobs", layout);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/blobs/sha256", layout);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/oci-layout", layout);
	fuzz_write(p, "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[4] = { 0 };
	size_t len[4] = { 0 }, n;
	char dc[80], dl[80], dm[80], path[400], err[512];
	struct buf man1, man2, index;
	struct image_info info;
	int rc;

	n = fuzz_split(data, size, part, len, 4);
	while (n < 4) {
		part[n] = (const uint8_t *)"";
		len[n++] = 0;
	}
	mkdirs();
	blob(part[2], len[2], dc);
	blob(part[3], len[3], dl);
	man1 = subst(part[1], len[1], "@C@", dc);
	man2 = subst((const uint8_t *)man1.p, man1.n, "@L@", dl);
	blob(man2.p, man2.n, dm);
	index = subst(part[0], len[0], "@M@", dm);
	snprintf(path, sizeof(path), "%s/index.json", layout);
	fuzz_write(path, index.p, index.n);
	free(man1.p);
	free(man2.p);
	free(index.p);

	err[0] = '\0';
	rc = image_prepare(layout, cache, &info, err, sizeof(err));
	if (rc == 0) {
		fuzz_image_check(&info, "oci", "oci");
		image_info_dispose(&info);
	} else if (rc > 0 || !err[0] || strchr(err, '\n')) {
		abort(); /* -errno with a one-line reason */
	}
	fuzz_empty_dir(root);
	return 0;
}
