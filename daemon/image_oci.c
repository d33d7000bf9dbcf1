/* SPDX-License-Identifier: MIT */
/* image_oci: OCI image layouts (index.json -> manifest -> config + layers) for image.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>

#include "image_oci.h"
#include "json.h"
#include "digest.h"

#define OCI_JSON_MAX (1024 * 1024) /* index, manifest, config */
#define OCI_MAX_LAYERS 256
#define OCI_MAX_STRV 4096

static const char sha_prefix[] = "sha256:";

void image_oci_init(struct image_oci *o)
{
	memset(o, 0, sizeof(*o));
}

void image_oci_dispose(struct image_oci *o)
{
	free(o->layers);
	o->layers = NULL;
	o->nlayers = 0;
}

bool image_oci_is_layout(const char *dir)
{
	char p[4200];
	struct stat st;

	snprintf(p, sizeof(p), "%s/oci-layout", dir);
	if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	snprintf(p, sizeof(p), "%s/index.json", dir);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* A digest is only ever turned into a path after this check. */
static bool oci_digest_ok(const char *d)
{
	size_t i, p = sizeof(sha_prefix) - 1;

	if (!d || strncmp(d, sha_prefix, p) || strlen(d) != p + 64)
		return false;
	for (i = p; d[i]; i++)
		if (!((d[i] >= '0' && d[i] <= '9') ||
		      (d[i] >= 'a' && d[i] <= 'f')))
			return false;
	return true;
}

static void oci_blob_path(const struct image_oci *o, const char *digest,
			  char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s/blobs/sha256/%s", o->layout,
		 digest + sizeof(sha_prefix) - 1);
}

/* Read a whole small file (at most cap bytes). */
static int oci_read_file(struct img *img, const char *path, size_t cap,
			 char **buf_r, size_t *len_r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	char *buf;
	ssize_t r;

	if (fd < 0)
		return img_fail(img, -errno, "%s: %s", path, strerror(errno));
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while ((r = read(fd, buf + len, cap + 1 - len)) > 0 && len < cap + 1)
		len += (size_t)r;
	close(fd);
	if (r < 0 || len > cap) {
		free(buf);
		return img_fail(img, r < 0 ? -EIO : -EFBIG, "%s: %s", path,
				r < 0 ? "read error" : "too large");
	}
	*buf_r = buf;
	*len_r = len;
	return 0;
}

/* Read and parse a JSON blob, checking it against its digest. */
static int oci_read_json(struct img *img, const struct image_oci *o,
			 const char *digest, struct json **j_r)
{
	char path[4200], hex[DIGEST_HEX_LEN + 1], jerr[200];
	struct sha256_ctx h;
	size_t len;
	char *buf;
	int rc;

	if (!oci_digest_ok(digest))
		return img_fail(img, -EINVAL, "unsupported or bad digest");
	oci_blob_path(o, digest, path, sizeof(path));
	rc = oci_read_file(img, path, OCI_JSON_MAX, &buf, &len);
	if (rc)
		return rc;
	sha256_init(&h);
	digest_update(&h, buf, len);
	digest_hex(&h, hex);
	if (strcmp(hex, digest + sizeof(sha_prefix) - 1)) {
		free(buf);
		return img_fail(img, -EINVAL, "blob %s: digest mismatch",
				digest);
	}
	*j_r = json_parse(buf, len, jerr, sizeof(jerr));
	free(buf);
	if (!*j_r)
		return img_fail(img, -EINVAL, "blob %s: %s", digest, jerr);
	return 0;
}

static bool oci_is_index(const char *media_type)
{
	return media_type &&
	       (!strcmp(media_type,
			"application/vnd.oci.image.index.v1+json") ||
		!strcmp(media_type, "application/vnd.docker.distribution."
				    "manifest.list.v2+json"));
}

static bool oci_platform_ok(const struct json *desc)
{
	const struct json *p = json_get(desc, "platform");
	const char *os = json_str(json_get(p, "os"));
	const char *arch = json_str(json_get(p, "architecture"));

	return os && arch && !strcmp(os, "linux") && !strcmp(arch, "amd64");
}

/* From a list of descriptors: the only one, or the linux/amd64 one. */
static const struct json *oci_pick(struct img *img, const struct json *index)
{
	const struct json *m = json_get(index, "manifests");
	size_t n = json_len(m), i;

	if (json_type(m) != JSON_ARRAY || !n) {
		img_fail(img, -EINVAL, "index lists no manifests");
		return NULL;
	}
	if (n == 1)
		return json_at(m, 0);
	for (i = 0; i < n; i++)
		if (oci_platform_ok(json_at(m, i)))
			return json_at(m, i);
	img_fail(img, -EINVAL,
		 "index lists %zu manifests, none for linux/amd64", n);
	return NULL;
}

/* Copy a JSON array of strings into a NULL-terminated strv (appending). */
static int oci_strv_append(struct img *img, const struct json *arr,
			   const char *what, char ***v_r)
{
	size_t n = json_len(arr), have = 0, i;
	char **v = *v_r;

	if (!arr || json_type(arr) == JSON_NULL)
		return 0;
	if (json_type(arr) != JSON_ARRAY || n > OCI_MAX_STRV)
		return img_fail(img, -EINVAL, "config %s: expected strings",
				what);
	while (v && v[have])
		have++;
	v = realloc(v, (have + n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v_r = v;
	v[have] = NULL;
	for (i = 0; i < n; i++) {
		const char *s = json_str(json_at(arr, i));

		if (!s)
			return img_fail(img, -EINVAL,
					"config %s: expected strings", what);
		v[have] = strdup(s);
		if (!v[have])
			return -ENOMEM;
		v[++have] = NULL;
	}
	return 0;
}

/* config User: what docker runs the program as unless run -u says. */
static int oci_user(struct img *img, const struct json *user,
		    struct image_info *info)
{
	const char *u = json_str(user);

	if (!user || !u || !u[0])
		return 0;
	if (!xp_user_valid(u))
		return img_fail(
			img, -EINVAL,
			"config User: expected USER[:GROUP], at most %d bytes",
			XP_USER_MAX);
	snprintf(info->default_user, sizeof(info->default_user), "%s", u);
	return 0;
}

static int oci_config(struct img *img, const struct image_oci *o,
		      const char *digest, struct image_info *info)
{
	const struct json *c, *wd;
	struct json *j = NULL;
	int rc = oci_read_json(img, o, digest, &j);

	if (rc)
		return rc;
	c = json_get(j, "config");
	rc = oci_strv_append(img, json_get(c, "Entrypoint"), "Entrypoint",
			     &info->default_argv);
	if (!rc)
		rc = oci_strv_append(img, json_get(c, "Cmd"), "Cmd",
				     &info->default_argv);
	if (!rc)
		rc = oci_strv_append(img, json_get(c, "Env"), "Env",
				     &info->default_env);
	wd = json_get(c, "WorkingDir");
	if (!rc && wd && json_str(wd) &&
	    (size_t)snprintf(info->default_cwd, sizeof(info->default_cwd), "%s",
			     json_str(wd)) >= sizeof(info->default_cwd))
		rc = img_fail(img, -ENAMETOOLONG, "config WorkingDir too long");
	if (!rc)
		rc = oci_user(img, json_get(c, "User"), info);
	json_free(j);
	return rc;
}

static int oci_manifest(struct img *img, struct image_oci *o,
			const struct json *man, struct image_info *info)
{
	const struct json *layers = json_get(man, "layers");
	const char *cfg = json_str(json_get(json_get(man, "config"), "digest"));
	size_t n = json_len(layers), i;

	if (!cfg || json_type(layers) != JSON_ARRAY)
		return img_fail(img, -EINVAL,
				"manifest lacks config or layers");
	if (n > OCI_MAX_LAYERS)
		return img_fail(img, -EINVAL, "more than %d layers",
				OCI_MAX_LAYERS);
	o->layers = calloc(n ? n : 1, sizeof(*o->layers));
	if (!o->layers)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *d =
			json_str(json_get(json_at(layers, i), "digest"));

		if (!oci_digest_ok(d))
			return img_fail(img, -EINVAL,
					"layer %zu: unsupported or bad digest",
					i);
		snprintf(o->layers[i], OCI_DIGEST_MAX, "%s", d);
	}
	o->nlayers = n;
	return oci_config(img, o, cfg, info);
}

int image_oci_open(struct img *img, const char *dir, struct image_oci *o,
		   struct image_info *info)
{
	char path[4200], jerr[200];
	const struct json *desc;
	struct json *j = NULL, *next = NULL;
	size_t len;
	char *buf;
	bool nested;
	int rc, depth;

	o->layout = dir;
	snprintf(path, sizeof(path), "%s/index.json", dir);
	rc = oci_read_file(img, path, OCI_JSON_MAX, &buf, &len);
	if (rc)
		return rc;
	j = json_parse(buf, len, jerr, sizeof(jerr));
	free(buf);
	if (!j)
		return img_fail(img, -EINVAL, "index.json: %s", jerr);
	/* index -> (nested index ->) manifest */
	for (depth = 0; !rc; depth++) {
		desc = oci_pick(img, j);
		if (!desc || depth > 2) {
			rc = desc ? img_fail(img, -ELOOP,
					     "indexes nest too deep") :
				    -EINVAL;
			break;
		}
		snprintf(o->manifest_digest, sizeof(o->manifest_digest), "%s",
			 json_str(json_get(desc, "digest")) ?: "");
		nested = oci_is_index(json_str(json_get(desc, "mediaType")));
		rc = oci_read_json(img, o, o->manifest_digest, &next);
		if (rc)
			break;
		json_free(j); /* desc dies with it */
		j = next;
		if (!nested &&
		    !oci_is_index(json_str(json_get(j, "mediaType")))) {
			rc = oci_manifest(img, o, j, info);
			break;
		}
	}
	json_free(j);
	return rc;
}

/* Reads a layer blob for libarchive, hashing every byte on the way. */
struct oci_reader {
	int fd;
	struct sha256_ctx h;
	char buf[65536];
};

static la_ssize_t oci_read_cb(struct archive *a, void *arg, const void **p)
{
	struct oci_reader *r = arg;
	ssize_t n;

	do
		n = read(r->fd, r->buf, sizeof(r->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read: %s", strerror(errno));
		return -1;
	}
	digest_update(&r->h, r->buf, (size_t)n);
	*p = r->buf;
	return n;
}

static int oci_layer(struct img *img, const struct image_oci *o,
		     const char *digest)
{
	struct oci_reader *r = calloc(1, sizeof(*r));
	char path[4200], hex[DIGEST_HEX_LEN + 1];
	struct archive *a = image_archive_reader();
	const void *p;
	int rc;

	if (!r || !a) {
		free(r);
		archive_read_free(a);
		return -ENOMEM;
	}
	oci_blob_path(o, digest, path, sizeof(path));
	sha256_init(&r->h);
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		rc = img_fail(img, -errno, "layer %s: %s", digest,
			      strerror(errno));
	else if (archive_read_open(a, r, NULL, oci_read_cb, NULL) != ARCHIVE_OK)
		rc = img_fail(img, -EINVAL, "layer %s: %s", digest,
			      archive_error_string(a));
	else
		rc = image_read_archive(img, a, NULL);
	/* libarchive may stop at the end-of-archive marker: hash the rest. */
	while (!rc && oci_read_cb(a, r, &p) > 0)
		;
	if (!rc) {
		digest_hex(&r->h, hex);
		if (strcmp(hex, digest + sizeof(sha_prefix) - 1))
			rc = img_fail(img, -EINVAL, "layer %s: digest mismatch",
				      digest);
	}
	archive_read_free(a);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
	return rc;
}

int image_oci_layers(struct img *img, struct image_oci *o)
{
	size_t i;
	int rc = 0;

	img->whiteouts = true;
	for (i = 0; !rc && i < o->nlayers; i++) {
		img->layer = (int)i + 1;
		rc = oci_layer(img, o, o->layers[i]);
	}
	return rc;
}
