/* SPDX-License-Identifier: MIT */
/* test_image: image conversion (dir, tar[.gz|.zst], cpio, OCI layout) with fixtures made at run time. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <CUnit/Basic.h>

#include "ev.h"
#include "image.h"
#include "image_tree.h"
#include "digest.h"

static char tmpdir[256];
static char cache[300];

/* One fixture entry. type: 'f' file, 'd' dir, 'l' symlink, 'h' hard link, 'c' char dev. */
struct fx {
	char type;
	const char *path;
	const char *data; /* file contents, or link target */
	unsigned mode;
};

static const struct fx base_tree[] = {
	{ 'd', "bin", NULL, 0755 },
	{ 'f', "bin/sh", "#!shell\n", 0755 },
	{ 'd', "etc", NULL, 0755 },
	{ 'f', "etc/passwd", "root:x:0:0::/:/bin/sh\n", 0644 },
	{ 'f', "etc/secret", "s3cret", 0600 },
	{ 'l', "etc/localtime", "/usr/share/zoneinfo/UTC", 0777 },
	{ 'd', "usr", NULL, 0755 },
	{ 'd', "usr/lib", NULL, 0755 },
	{ 'l', "lib", "usr/lib", 0777 },
	{ 0 },
};

/* ---- fixture helpers ---- */

static void path_in(char *buf, size_t sz, const char *rel)
{
	snprintf(buf, sz, "%s/%s", tmpdir, rel);
}

static int write_fx_entry(struct archive *w, const struct fx *f)
{
	struct archive_entry *e = archive_entry_new();
	size_t len = f->type == 'f' ? strlen(f->data) : 0;
	int r;

	archive_entry_set_pathname(e, f->path);
	archive_entry_set_mtime(e, 1700000000, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_perm(e, f->mode);
	archive_entry_set_size(e, (la_int64_t)len);
	switch (f->type) {
	case 'f':
		archive_entry_set_filetype(e, AE_IFREG);
		break;
	case 'd':
		archive_entry_set_filetype(e, AE_IFDIR);
		break;
	case 'l':
		archive_entry_set_filetype(e, AE_IFLNK);
		archive_entry_set_symlink(e, f->data);
		break;
	case 'h':
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_hardlink(e, f->data);
		break;
	case 'c':
		archive_entry_set_filetype(e, AE_IFCHR);
		archive_entry_set_rdevmajor(e, 1);
		archive_entry_set_rdevminor(e, 3);
		break;
	}
	r = archive_write_header(w, e);
	if (r == ARCHIVE_OK && len)
		r = archive_write_data(w, f->data, len) == (la_ssize_t)len ?
			    ARCHIVE_OK :
			    ARCHIVE_FATAL;
	archive_entry_free(e);
	return r;
}

/* Write fixtures as an archive: fmt 't' tar, 'c' cpio; filter 'n', 'g', 'z'. */
static struct archive *fx_writer(char fmt, char filter)
{
	struct archive *w = archive_write_new();

	if (fmt == 'c')
		archive_write_set_format_cpio_newc(w);
	else
		archive_write_set_format_pax_restricted(w);
	if (filter == 'g')
		archive_write_add_filter_gzip(w);
	else if (filter == 'z')
		archive_write_add_filter_zstd(w);
	return w;
}

static int fx_write_all(struct archive *w, const struct fx *fx)
{
	for (; fx->type; fx++)
		if (write_fx_entry(w, fx) != ARCHIVE_OK)
			return -1;
	return archive_write_close(w) == ARCHIVE_OK ? 0 : -1;
}

static void make_archive(const char *rel, char fmt, char filter,
			 const struct fx *fx)
{
	char path[512];
	struct archive *w = fx_writer(fmt, filter);

	path_in(path, sizeof(path), rel);
	CU_ASSERT_EQUAL_FATAL(archive_write_open_filename(w, path), ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(fx_write_all(w, fx), 0);
	archive_write_free(w);
}

static void make_dir_tree(const char *rel, const struct fx *fx)
{
	char root[512], p[1024];
	int fd;

	path_in(root, sizeof(root), rel);
	CU_ASSERT_EQUAL_FATAL(mkdir(root, 0755), 0);
	for (; fx->type; fx++) {
		snprintf(p, sizeof(p), "%s/%s", root, fx->path);
		if (fx->type == 'd') {
			CU_ASSERT_EQUAL_FATAL(mkdir(p, fx->mode), 0);
		} else if (fx->type == 'l') {
			CU_ASSERT_EQUAL_FATAL(symlink(fx->data, p), 0);
		} else {
			fd = open(p, O_WRONLY | O_CREAT | O_EXCL, fx->mode);
			CU_ASSERT_FATAL(fd >= 0);
			CU_ASSERT_FATAL(write(fd, fx->data, strlen(fx->data)) ==
					(ssize_t)strlen(fx->data));
			fchmod(fd, fx->mode);
			close(fd);
		}
	}
}

/* ---- reading the result ---- */

struct got {
	char path[256];
	unsigned mode; /* with type */
	char data[256]; /* file contents or symlink target */
};

static int read_cpio(const char *path, struct got *g, int max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int n = 0;

	archive_read_support_format_cpio(a);
	if (archive_read_open_filename(a, path, 4096) != ARCHIVE_OK) {
		archive_read_free(a);
		return -1;
	}
	while (n < max && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		la_ssize_t r;

		if (archive_format(a) != ARCHIVE_FORMAT_CPIO_SVR4_NOCRC) {
			n = -1; /* not newc */
			break;
		}
		snprintf(g[n].path, sizeof(g[n].path), "%s",
			 archive_entry_pathname(e));
		g[n].mode = archive_entry_mode(e);
		g[n].data[0] = '\0';
		if (archive_entry_symlink(e))
			snprintf(g[n].data, sizeof(g[n].data), "%s",
				 archive_entry_symlink(e));
		r = archive_read_data(a, g[n].data, sizeof(g[n].data) - 1);
		if (r > 0)
			g[n].data[r] = '\0';
		n++;
	}
	archive_read_free(a);
	return n;
}

static const struct got *find(const struct got *g, int n, const char *path)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(g[i].path, path))
			return &g[i];
	return NULL;
}

static void expect_base_tree(const struct image_info *info)
{
	struct got g[64];
	int n = read_cpio(info->cpio_path, g, 64);
	const struct got *e;

	CU_ASSERT_EQUAL_FATAL(n, 9);
	/* Sorted, parents first. */
	CU_ASSERT_STRING_EQUAL(g[0].path, "bin");
	CU_ASSERT_STRING_EQUAL(g[1].path, "bin/sh");
	e = find(g, n, "bin/sh");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->mode, S_IFREG | 0755);
	CU_ASSERT_STRING_EQUAL(e->data, "#!shell\n");
	e = find(g, n, "etc/secret");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->mode, S_IFREG | 0600);
	e = find(g, n, "etc/localtime");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->mode & S_IFMT, S_IFLNK);
	CU_ASSERT_STRING_EQUAL(e->data, "/usr/share/zoneinfo/UTC");
	e = find(g, n, "lib");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_STRING_EQUAL(e->data, "usr/lib");
	e = find(g, n, "usr/lib");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->mode & S_IFMT, S_IFDIR);
}

static int prep(const char *rel, struct image_info *info, char *err,
		size_t errsz)
{
	char p[512];

	path_in(p, sizeof(p), rel);
	return image_prepare(p, cache, info, err, errsz);
}

static ino_t inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

/* ---- tests ---- */

static void sha_hex(const void *d, size_t len, size_t chunk, char *hex)
{
	const char *p = d;
	struct sha256_ctx h;

	sha256_init(&h);
	for (; len > chunk; p += chunk, len -= chunk)
		digest_update(&h, p, chunk);
	digest_update(&h, p, len);
	digest_hex(&h, hex);
}

/* FIPS 180-4 examples, fed in odd chunk sizes through digest.h (nettle's SHA-256). */
static void test_sha256(void)
{
	static char million[1000000];
	char hex[DIGEST_HEX_LEN + 1];
	struct sha256_ctx h;
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnop"
			  "nopq";

	sha_hex("", 0, 1, hex);
	CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				    "27ae41e4649b934ca495991b7852b855");
	sha_hex("abc", 3, 1, hex);
	CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223"
				    "b00361a396177a9cb410ff61f20015ad");
	sha_hex(two, strlen(two), 7, hex);
	CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039"
				    "a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	sha_hex(million, sizeof(million), 4093, hex);
	CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
				    "f1809a48a497200e046d39ccc7112cd0");
	/* digest_hex leaves the context ready for the next digest. */
	sha256_init(&h);
	digest_update(&h, "x", 1);
	digest_hex(&h, hex);
	digest_update(&h, "abc", 3);
	digest_hex(&h, hex);
	CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223"
				    "b00361a396177a9cb410ff61f20015ad");
}

static void test_clean_path(void)
{
	char out[64];

	CU_ASSERT_EQUAL(image_clean_path("./bin//sh/", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "bin/sh");
	CU_ASSERT_EQUAL(image_clean_path("a/./b", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "a/b");
	CU_ASSERT_EQUAL(image_clean_path("..foo/..bar", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "..foo/..bar");
	CU_ASSERT_EQUAL(image_clean_path(".", out, sizeof(out)), 1);
	CU_ASSERT_EQUAL(image_clean_path("./", out, sizeof(out)), 1);
	CU_ASSERT_EQUAL(image_clean_path("", out, sizeof(out)), 1);
	CU_ASSERT_EQUAL(image_clean_path("/etc", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(image_clean_path("..", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(image_clean_path("a/../../b", out, sizeof(out)),
			-EINVAL);
	CU_ASSERT_EQUAL(image_clean_path("a/..", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(image_clean_path("abcdefgh/abcdefgh", out, 8),
			-ENAMETOOLONG);
}

static void test_dir_and_cache(void)
{
	struct image_info a, b;
	char err[512], fifo[512];
	ino_t ino;

	make_dir_tree("d1", base_tree);
	path_in(fifo, sizeof(fifo), "d1/fifo");
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0644), 0);
	CU_ASSERT_EQUAL_FATAL(prep("d1", &a, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(a.kind, "dir");
	CU_ASSERT_EQUAL(strlen(a.digest), IMAGE_DIGEST_LEN);
	expect_base_tree(&a); /* the fifo was skipped */
	ino = inode_of(a.cpio_path);
	/* Same input again: a cache hit, the file is not rewritten. */
	CU_ASSERT_EQUAL_FATAL(prep("d1", &b, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(a.digest, b.digest);
	CU_ASSERT_EQUAL(inode_of(b.cpio_path), ino);
	image_info_dispose(&a);
	image_info_dispose(&b);
}

static void test_dir_change_misses(void)
{
	struct image_info a, b;
	char err[512], p[512];
	int fd;

	make_dir_tree("d2", base_tree);
	CU_ASSERT_EQUAL_FATAL(prep("d2", &a, err, sizeof(err)), 0);
	path_in(p, sizeof(p), "d2/bin/sh");
	fd = open(p, O_WRONLY | O_TRUNC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, "#!other\n", 8) == 8);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(prep("d2", &b, err, sizeof(err)), 0);
	CU_ASSERT_STRING_NOT_EQUAL(a.digest, b.digest);
	image_info_dispose(&a);
	image_info_dispose(&b);
}

/* tar, tar.gz, tar.zst and cpio of the same tree give the same rootfs. */
static void test_archives_agree(void)
{
	static const struct {
		const char *name;
		char fmt, filter;
		const char *kind;
	} in[] = {
		{ "t.tar", 't', 'n', "tar" },
		{ "t.tar.gz", 't', 'g', "tar" },
		{ "t.tar.zst", 't', 'z', "tar" },
		{ "t.cpio", 'c', 'n', "cpio" },
	};
	struct image_info info, first;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		make_archive(in[i].name, in[i].fmt, in[i].filter, base_tree);
		CU_ASSERT_EQUAL_FATAL(prep(in[i].name, &info, err, sizeof(err)),
				      0);
		CU_ASSERT_STRING_EQUAL(info.kind, in[i].kind);
		expect_base_tree(&info);
		if (i == 0)
			first = info;
		else
			CU_ASSERT_STRING_EQUAL(info.digest, first.digest);
		image_info_dispose(&info);
	}
	/* Cache hit on a file keeps the kind. */
	CU_ASSERT_EQUAL_FATAL(prep("t.cpio", &info, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(info.kind, "cpio");
	image_info_dispose(&info);
}

static void expect_refused(const char *name, const struct fx *fx,
			   const char *msg_part)
{
	struct image_info info;
	char err[512] = "";

	make_archive(name, 't', 'n', fx);
	CU_ASSERT_NOT_EQUAL(prep(name, &info, err, sizeof(err)), 0);
	if (!strstr(err, msg_part) || !strstr(err, name) || strchr(err, '\n')) {
		fprintf(stderr, "%s: error \"%s\" lacks \"%s\"\n", name, err,
			msg_part);
		CU_FAIL("error text");
	}
}

static void test_escapes(void)
{
	static const struct fx dotdot[] = { { 'f', "../evil", "x", 0644 },
					    { 0 } };
	static const struct fx deep[] = {
		{ 'f', "a/b/../../../evil", "x", 0644 }, { 0 }
	};
	static const struct fx abs[] = { { 'f', "/etc/evil", "x", 0644 },
					 { 0 } };
	static const struct fx hard[] = {
		{ 'h', "x", "../../etc/shadow", 0644 }, { 0 }
	};
	static const struct fx below[] = { { 'l', "l", "/etc", 0777 },
					   { 'f', "l/passwd", "x", 0644 },
					   { 0 } };

	expect_refused("dotdot.tar", dotdot, "entry ../evil: \"..\" refused");
	expect_refused("deep.tar", deep, "\"..\" refused");
	expect_refused("abs.tar", abs, "entry /etc/evil: absolute path");
	expect_refused("hard.tar", hard, "hard link target");
	expect_refused("below.tar", below, "entry l/passwd: below a symlink");
}

static void test_links_and_devices(void)
{
	static const struct fx fx[] = {
		{ 'f', "data", "payload", 0640 },
		{ 'h', "again", "data", 0640 },
		{ 'l', "abs", "/etc/passwd", 0777 },
		{ 'l', "up", "../../../../etc", 0777 },
		{ 'c', "dev/null", NULL, 0666 },
		{ 0 },
	};
	struct image_info info;
	char err[512];
	struct got g[16];
	const struct got *e;
	int n;

	make_archive("links.tar", 't', 'n', fx);
	CU_ASSERT_EQUAL_FATAL(prep("links.tar", &info, err, sizeof(err)), 0);
	n = read_cpio(info.cpio_path, g, 16);
	/* abs again data up; the device (and so its parent) is skipped. */
	CU_ASSERT_EQUAL(n, 4);
	e = find(g, n, "again");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_STRING_EQUAL(e->data, "payload");
	CU_ASSERT_EQUAL(e->mode, S_IFREG | 0640);
	e = find(g, n, "up");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_STRING_EQUAL(e->data, "../../../../etc");
	CU_ASSERT_PTR_NULL(find(g, n, "dev/null"));
	image_info_dispose(&info);
}

static void test_bad_inputs(void)
{
	struct image_info info;
	char err[512], p[512];
	int fd;

	CU_ASSERT_EQUAL(prep("does-not-exist", &info, err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does-not-exist"));
	path_in(p, sizeof(p), "garbage.tar");
	fd = open(p, O_WRONLY | O_CREAT, 0644);
	CU_ASSERT(write(fd, "this is not an archive at all, sorry\n", 37) ==
		  37);
	close(fd);
	CU_ASSERT_NOT_EQUAL(prep("garbage.tar", &info, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "garbage.tar"));

	/* A newc header claiming a 2 GiB name is refused by name, before
	 * libarchive would allocate that much (fuzz finding F3). */
	path_in(p, sizeof(p), "hugename.cpio");
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dprintf(fd,
		"070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x"
		"%08x%08x%0400d",
		1, 0100644, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x84F60000u, 0, 0);
	close(fd);
	CU_ASSERT_EQUAL(prep("hugename.cpio", &info, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "name of 2230714368 bytes"));
}

/* ---- OCI layout ---- */

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

/* Store data as a blob of layout; its "sha256:HEX" into digest. */
static void put_blob(const char *layout, const void *data, size_t len,
		     char *digest)
{
	char hex[DIGEST_HEX_LEN + 1], p[700];
	struct sha256_ctx h;

	sha256_init(&h);
	digest_update(&h, data, len);
	digest_hex(&h, hex);
	sprintf(digest, "sha256:%s", hex);
	snprintf(p, sizeof(p), "%s/blobs/sha256/%s", layout, hex);
	write_file(p, data, len);
}

static char last_layer[80]; /* digest of the last layer put_layer stored */

static void put_layer(const char *layout, const struct fx *fx, char filter,
		      char *digest)
{
	static char buf[1 << 20];
	size_t used = 0;
	struct archive *w = fx_writer('t', filter);

	CU_ASSERT_FATAL(archive_write_open_memory(w, buf, sizeof(buf), &used) ==
			ARCHIVE_OK);
	CU_ASSERT_EQUAL_FATAL(fx_write_all(w, fx), 0);
	archive_write_free(w);
	put_blob(layout, buf, used, digest);
	snprintf(last_layer, sizeof(last_layer), "%s", digest);
}

/* A two-layer OCI layout; nested: index.json -> image index -> manifest. */
static void make_oci(const char *rel, const struct fx *l1, const struct fx *l2,
		     char filter, bool nested)
{
	char layout[512], p[700], d1[80], d2[80], dc[80], dm[80], di[80];
	char json[4096];

	path_in(layout, sizeof(layout), rel);
	CU_ASSERT_EQUAL_FATAL(mkdir(layout, 0755), 0);
	snprintf(p, sizeof(p), "%s/blobs", layout);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/blobs/sha256", layout);
	mkdir(p, 0755);
	put_layer(layout, l1, filter, d1);
	put_layer(layout, l2, filter, d2);
	snprintf(json, sizeof(json),
		 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
		 "\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"-c\",\"echo hi\"],"
		 "\"Env\":[\"PATH=/bin\",\"A=b\"],\"WorkingDir\":\"/work\","
		 "\"User\":\"postgres:ssl-cert\"},"
		 "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
	put_blob(layout, json, strlen(json), dc);
	snprintf(json, sizeof(json),
		 "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci."
		 "image.manifest.v1+json\",\"config\":{\"mediaType\":"
		 "\"application/vnd.oci.image.config.v1+json\",\"digest\":"
		 "\"%s\",\"size\":1},\"layers\":[{\"mediaType\":\"application/"
		 "vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":"
		 "1},{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+"
		 "gzip\",\"digest\":\"%s\",\"size\":1}]}",
		 dc, d1, d2);
	put_blob(layout, json, strlen(json), dm);
	if (nested) {
		snprintf(json, sizeof(json),
			 "{\"schemaVersion\":2,\"mediaType\":\"application/vnd."
			 "oci.image.index.v1+json\",\"manifests\":[{\"digest\":"
			 "\"sha256:%064d\",\"size\":1,\"platform\":{\"os\":"
			 "\"linux\",\"architecture\":\"arm64\"}},{\"digest\":"
			 "\"%s\",\"size\":1,\"platform\":{\"os\":\"linux\","
			 "\"architecture\":\"amd64\"}}]}",
			 0, dm);
		put_blob(layout, json, strlen(json), di);
		snprintf(
			json, sizeof(json),
			"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
			"\"application/vnd.oci.image.index.v1+json\",\"digest\":"
			"\"%s\",\"size\":1}]}",
			di);
		snprintf(p, sizeof(p), "%s/index.json", layout);
		write_file(p, json, strlen(json));
	} else {
		snprintf(
			json, sizeof(json),
			"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
			"\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
			"\"%s\",\"size\":1,\"annotations\":{\"org.opencontainers."
			"image.ref.name\":\"latest\"}}]}",
			dm);
		snprintf(p, sizeof(p), "%s/index.json", layout);
		write_file(p, json, strlen(json));
	}
	snprintf(p, sizeof(p), "%s/oci-layout", layout);
	write_file(p, "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
}

static const struct fx layer1[] = {
	{ 'd', "a", NULL, 0755 },     { 'f', "a/f1", "one", 0644 },
	{ 'f', "a/f2", "two", 0644 }, { 'd', "b", NULL, 0755 },
	{ 'f', "b/g", "gee", 0644 },  { 'f', "c", "sea", 0644 },
	{ 'f', "keep", "k1", 0644 },  { 0 },
};

static const struct fx layer2[] = {
	{ 'f', "a/.wh.f1", "", 0644 }, { 'f', "b/.wh..wh..opq", "", 0644 },
	{ 'f', "b/h", "aitch", 0644 }, { 'f', ".wh.c", "", 0644 },
	{ 'f', "keep", "k2", 0600 },   { 0 },
};

static void test_oci(void)
{
	struct image_info info, again;
	char err[512];
	struct got g[32];
	const struct got *e;
	int n;

	make_oci("oci1", layer1, layer2, 'g', false);
	CU_ASSERT_EQUAL_FATAL(prep("oci1", &info, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(info.kind, "oci");
	n = read_cpio(info.cpio_path, g, 32);
	CU_ASSERT_EQUAL(n, 5); /* a a/f2 b b/h keep */
	CU_ASSERT_PTR_NOT_NULL(find(g, n, "a/f2"));
	CU_ASSERT_PTR_NULL(find(g, n, "a/f1"));
	CU_ASSERT_PTR_NULL(find(g, n, "b/g"));
	CU_ASSERT_PTR_NOT_NULL(find(g, n, "b/h"));
	CU_ASSERT_PTR_NULL(find(g, n, "c"));
	CU_ASSERT_PTR_NULL(find(g, n, "a/.wh.f1"));
	e = find(g, n, "keep");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_STRING_EQUAL(e->data, "k2");
	CU_ASSERT_EQUAL(e->mode, S_IFREG | 0600);
	CU_ASSERT_FATAL(info.default_argv != NULL);
	CU_ASSERT_STRING_EQUAL(info.default_argv[0], "/bin/sh");
	CU_ASSERT_STRING_EQUAL(info.default_argv[1], "-c");
	CU_ASSERT_STRING_EQUAL(info.default_argv[2], "echo hi");
	CU_ASSERT_PTR_NULL(info.default_argv[3]);
	CU_ASSERT_FATAL(info.default_env != NULL);
	CU_ASSERT_STRING_EQUAL(info.default_env[1], "A=b");
	CU_ASSERT_STRING_EQUAL(info.default_cwd, "/work");
	CU_ASSERT_STRING_EQUAL(info.default_user, "postgres:ssl-cert");
	/* Cache hit still reports the config's defaults. */
	CU_ASSERT_EQUAL_FATAL(prep("oci1", &again, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(again.default_user, "postgres:ssl-cert");
	CU_ASSERT_STRING_EQUAL(again.digest, info.digest);
	CU_ASSERT_EQUAL(inode_of(again.cpio_path), inode_of(info.cpio_path));
	CU_ASSERT_PTR_NOT_NULL(again.default_argv);
	image_info_dispose(&info);
	image_info_dispose(&again);
}

/* An image index listing arm64 and amd64: the amd64 manifest is used. */
static void test_oci_nested(void)
{
	struct image_info a, b;
	char err[512];

	make_oci("oci4", layer1, layer2, 'g', true);
	CU_ASSERT_EQUAL_FATAL(prep("oci4", &a, err, sizeof(err)), 0);
	make_oci("oci5", layer1, layer2, 'g', false);
	CU_ASSERT_EQUAL_FATAL(prep("oci5", &b, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(a.digest, b.digest);
	CU_ASSERT_STRING_EQUAL(a.default_cwd, "/work");
	image_info_dispose(&a);
	image_info_dispose(&b);
}

static void test_oci_bad(void)
{
	static const struct fx badwh[] = { { 'f', "a/.wh..wh.foo", "", 0644 },
					   { 0 } };
	struct image_info info;
	char err[512], p[128], layout[800], buf[1];
	off_t off;
	int fd;

	make_oci("oci2", layer1, badwh, 'z', false);
	CU_ASSERT_NOT_EQUAL(prep("oci2", &info, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad whiteout"));

	/*
	 * Flip the last byte of the last (plain tar) layer: it is in the
	 * padding after the end-of-archive blocks, which libarchive never
	 * parses, so only the digest check can notice.
	 */
	make_oci("oci3", layer1, layer2, 'n', false);
	snprintf(p, sizeof(p), "oci3/blobs/sha256/%s", last_layer + 7);
	path_in(layout, sizeof(layout), p);
	fd = open(layout, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	off = lseek(fd, -1, SEEK_END);
	CU_ASSERT_FATAL(pread(fd, buf, 1, off) == 1);
	buf[0] ^= 1;
	CU_ASSERT_FATAL(pwrite(fd, buf, 1, off) == 1);
	close(fd);
	CU_ASSERT_NOT_EQUAL(prep("oci3", &info, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "digest mismatch"));
}

/* ---- mutated archives (R20): never a crash, always a one-line answer ---- */

static void mutate_run(const char *src, const char *dst, unsigned seed)
{
	static char data[1 << 16];
	char sp[512], dp[512], err[512];
	struct image_info info;
	unsigned long long x = 0x2545f4914f6cdd1dull * (seed + 1);
	ssize_t n;
	int fd, i, rc;

	path_in(sp, sizeof(sp), src);
	path_in(dp, sizeof(dp), dst);
	fd = open(sp, O_RDONLY);
	n = read(fd, data, sizeof(data));
	close(fd);
	CU_ASSERT_FATAL(n > 0);
	for (i = 0; i < 1 + (int)(seed % 8); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		data[x % (unsigned long long)n] ^= (char)(1u << (x >> 40) % 8);
	}
	fd = open(dp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(write(fd, data, (size_t)n) == n);
	close(fd);
	err[0] = '\0';
	rc = image_prepare(dp, cache, &info, err, sizeof(err));
	if (rc) {
		CU_ASSERT(rc < 0 && err[0] && !strchr(err, '\n'));
	} else {
		image_info_dispose(&info);
	}
}

static void test_mutants(void)
{
	unsigned i;

	make_archive("m.tar", 't', 'n', base_tree);
	make_archive("m.cpio", 'c', 'n', base_tree);
	for (i = 0; i < 200; i++)
		mutate_run(i % 3 ? "m.tar" : "m.cpio", "mutant", i);
}

/* ---- async ---- */

static int async_calls, async_rc;
static char async_digest[IMAGE_DIGEST_LEN + 1], async_err[512];

static void async_done(void *arg, int rc, const struct image_info *info,
		       const char *err)
{
	async_calls++;
	async_rc = rc;
	snprintf(async_digest, sizeof(async_digest), "%s",
		 info ? info->digest : "");
	snprintf(async_err, sizeof(async_err), "%s", err ? err : "");
	CU_ASSERT_PTR_EQUAL(arg, &async_calls);
}

static void run_async(const char *rel)
{
	char p[512];
	int i;

	async_calls = 0;
	path_in(p, sizeof(p), rel);
	CU_ASSERT_EQUAL_FATAL(
		image_prepare_async(p, cache, async_done, &async_calls), 0);
	CU_ASSERT_EQUAL(async_calls, 0); /* never from inside the call */
	for (i = 0; i < 500 && !async_calls; i++)
		ev_run_once(20);
	CU_ASSERT_EQUAL(async_calls, 1);
}

static void test_async(void)
{
	struct image_info info;
	char err[512];

	make_archive("async.tar.gz", 't', 'g', base_tree);
	run_async("async.tar.gz");
	CU_ASSERT_EQUAL(async_rc, 0);
	CU_ASSERT_EQUAL_FATAL(prep("async.tar.gz", &info, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(async_digest, info.digest);
	image_info_dispose(&info);
	run_async("missing.tar");
	CU_ASSERT_EQUAL(async_rc, -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(async_err, "missing.tar"));
}

/* ---- setup ---- */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static int suite_init(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_image.XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(cache, sizeof(cache), "%s/cache", tmpdir);
	return 0;
}

static int suite_clean(void)
{
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	umask(022);
	ev_init();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("image", suite_init, suite_clean);
	CU_add_test(s, "sha256", test_sha256);
	CU_add_test(s, "clean_path", test_clean_path);
	CU_add_test(s, "dir_and_cache", test_dir_and_cache);
	CU_add_test(s, "dir_change_misses", test_dir_change_misses);
	CU_add_test(s, "archives_agree", test_archives_agree);
	CU_add_test(s, "escapes", test_escapes);
	CU_add_test(s, "links_and_devices", test_links_and_devices);
	CU_add_test(s, "bad_inputs", test_bad_inputs);
	CU_add_test(s, "oci", test_oci);
	CU_add_test(s, "oci_nested", test_oci_nested);
	CU_add_test(s, "oci_bad", test_oci_bad);
	CU_add_test(s, "async", test_async);
	CU_add_test(s, "mutants", test_mutants);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	ev_dispose();
	return fails ? 1 : 0;
}
