/* SPDX-License-Identifier: MIT */
/* test_p9c: the guest's 9P client core (guest/lib/p9c.c) against the dom0 server (p9/p9_server.c) in-process, over a fake transport that can also lie or die. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "lib/p9c.h"
#include "p9_server.h"

#define BUFSZ \
	16384u /* the client's msize: a 64 KiB file takes several Twrites */

static char top[256], vol[300];
static struct p9s *S;
static uint8_t tx[BUFSZ], rx[BUFSZ];
static struct p9c C;
static uint32_t root;

/* What the fake transport does to the next reply. */
static enum { T_OK, T_DEAD, T_BADTAG, T_BADTYPE, T_BIGCOUNT } mode;

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "failed: %s\n", cmd);
		abort();
	}
}

static int rpc(void *arg, const uint8_t *req, uint32_t len, uint8_t *resp,
	       uint32_t cap)
{
	int n;

	(void)arg;
	if (mode == T_DEAD)
		return -EIO;
	n = p9s_handle(S, req, len, resp, cap);
	if (n < 0)
		return -EIO;
	if (mode == T_BADTAG)
		resp[5] ^= 1;
	if (mode == T_BADTYPE)
		resp[4] = P9_RCLUNK;
	if (mode == T_BIGCOUNT && resp[4] == P9_RREAD)
		p9_put32(resp + 7,
			 p9_get32(resp + 7) + 1); /* says more than it holds */
	return n;
}

static void server(bool ro)
{
	struct p9s_config c = { 0 };
	int fd = open(vol, O_RDONLY | O_DIRECTORY);

	CU_ASSERT_FATAL(fd >= 0);
	if (S)
		p9s_free(S);
	c.root_fd = fd;
	c.readonly = ro;
	c.max_msize = BUFSZ; /* the server writes replies of up to its msize */
	c.squash_uid = c.squash_gid = P9S_SQUASH_OWNER;
	c.name = "test/p9c";
	CU_ASSERT_EQUAL_FATAL(p9s_new(&c, &S), 0);
	close(fd);
	mode = T_OK;
	p9c_init(&C, rpc, NULL, tx, rx, BUFSZ);
	CU_ASSERT_EQUAL_FATAL(p9c_version(&C), 0);
	CU_ASSERT_EQUAL(C.msize, BUFSZ);
	CU_ASSERT_EQUAL_FATAL(p9c_attach(&C, "", &root, NULL), 0);
}

static int setup(void)
{
	snprintf(top, sizeof(top), "/tmp/test_p9c.XXXXXX");
	if (!mkdtemp(top))
		return 1;
	snprintf(vol, sizeof(vol), "%s/vol", top);
	return mkdir(vol, 0755);
}

static int teardown(void)
{
	if (S)
		p9s_free(S);
	sh("rm -rf '%s'", top);
	return 0;
}

/* Walk one name from root: a new fid, or -errno. */
static long walk1(const char *name)
{
	uint32_t fid;
	int rc = p9c_walk(&C, root, 1, &name, &fid, NULL);

	return rc ? rc : (long)fid;
}

/* Write all of buf through fid, as the guest's write() loops. */
static void write_all(uint32_t fid, const uint8_t *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		long w = p9c_write(&C, fid, done, buf + done,
				   (uint32_t)(n - done));

		CU_ASSERT_FATAL(w > 0);
		CU_ASSERT(w <= (long)p9c_iomax(&C));
		done += (size_t)w;
	}
}

static void test_files(void)
{
	static uint8_t data[65536 + 123], back[sizeof(data)];
	struct p9_rgetattr st;
	struct p9_tsetattr sa = { 0 };
	const void *p;
	uint32_t f, g;
	size_t got = 0;
	long n;
	char path[400];
	FILE *fp;

	server(false);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 256);
	/* create, write in msize-bounded pieces, compare in dom0 */
	CU_ASSERT_EQUAL_FATAL(p9c_walk(&C, root, 0, NULL, &f, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(
		p9c_create(&C, f, "out.bin", O_RDWR | O_CREAT, 0644, NULL), 0);
	write_all(f, data, sizeof(data));
	CU_ASSERT_EQUAL(p9c_fsync(&C, f, 0), 0);
	CU_ASSERT_EQUAL(p9c_clunk(&C, f), 0);
	snprintf(path, sizeof(path), "%s/out.bin", vol);
	fp = fopen(path, "rb");
	CU_ASSERT_FATAL(fp != NULL);
	CU_ASSERT_EQUAL(fread(back, 1, sizeof(back), fp), sizeof(data));
	fclose(fp);
	CU_ASSERT(!memcmp(back, data, sizeof(data)));
	/* read it back through the client */
	n = walk1("out.bin");
	CU_ASSERT_FATAL(n >= 0);
	g = (uint32_t)n;
	CU_ASSERT_EQUAL_FATAL(p9c_open(&C, g, O_RDONLY, NULL), 0);
	memset(back, 0, sizeof(back));
	while ((n = p9c_read(&C, g, got, sizeof(back) - got, &p)) > 0) {
		memcpy(back + got, p, (size_t)n);
		got += (size_t)n;
	}
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(got, sizeof(data));
	CU_ASSERT(!memcmp(back, data, sizeof(data)));
	/* stat, truncate, chmod */
	CU_ASSERT_EQUAL(p9c_getattr(&C, g, P9_GETATTR_BASIC, &st), 0);
	CU_ASSERT_EQUAL(st.size, sizeof(data));
	CU_ASSERT_EQUAL(st.mode, S_IFREG | 0644);
	CU_ASSERT_EQUAL(st.uid, 0);
	sa.valid = P9_SETATTR_SIZE | P9_SETATTR_MODE;
	sa.size = 10;
	sa.mode = 0600;
	CU_ASSERT_EQUAL(p9c_setattr(&C, g, &sa), 0);
	CU_ASSERT_EQUAL(p9c_getattr(&C, g, P9_GETATTR_BASIC, &st), 0);
	CU_ASSERT_EQUAL(st.size, 10);
	CU_ASSERT_EQUAL(st.mode & 07777, 0600);
	CU_ASSERT_EQUAL(p9c_clunk(&C, g), 0);
	/* errors come back as the server's errno */
	CU_ASSERT_EQUAL(walk1("missing"), -ENOENT);
}

static void test_dirs(void)
{
	struct p9_dirent d;
	struct p9_rstatfs sf;
	struct p9_qid q;
	const void *p;
	uint32_t dir, pos;
	const char *two[2] = { "sub", "b" };
	char buf[64], path[400];
	long n;
	int seen = 0, rc;
	struct stat st;

	server(false);
	CU_ASSERT_EQUAL(p9c_mkdir(&C, root, "sub", 0755, &q), 0);
	CU_ASSERT(q.type & P9_QTDIR);
	CU_ASSERT_EQUAL(p9c_mkdir(&C, root, "sub", 0755, NULL), -EEXIST);
	sh("echo hi > '%s/sub/a'", vol);
	n = walk1("sub");
	CU_ASSERT_FATAL(n >= 0);
	dir = (uint32_t)n;
	CU_ASSERT_EQUAL(p9c_renameat(&C, dir, "a", dir, "b"), 0);
	CU_ASSERT_EQUAL(p9c_symlink(&C, dir, "l", "/abs/target", NULL), 0);
	CU_ASSERT_EQUAL(p9c_walk(&C, root, 2, two, &pos, NULL), 0);
	CU_ASSERT_EQUAL(p9c_link(&C, dir, pos, "hard"), 0);
	CU_ASSERT_EQUAL(p9c_clunk(&C, pos), 0);
	snprintf(path, sizeof(path), "%s/sub/hard", vol);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_nlink, 2);
	two[1] = "l";
	CU_ASSERT_EQUAL(p9c_walk(&C, root, 2, two, &pos, NULL), 0);
	CU_ASSERT_EQUAL(p9c_readlink(&C, pos, buf, sizeof(buf)), 11);
	CU_ASSERT_STRING_EQUAL(buf, "/abs/target");
	CU_ASSERT_EQUAL(p9c_readlink(&C, pos, buf, 5), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(p9c_clunk(&C, pos), 0);
	/* readdir: ., .., b, hard, l */
	CU_ASSERT_EQUAL(p9c_walk(&C, dir, 0, NULL, &pos, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(p9c_open(&C, pos, O_RDONLY | O_DIRECTORY, NULL),
			      0);
	{
		uint64_t off = 0;

		while ((n = p9c_readdir(&C, pos, off, 64, &p)) > 0) {
			uint32_t at = 0;

			while ((rc = p9_dirent_next(p, (uint32_t)n, &at, &d)) ==
			       1) {
				seen++;
				off = d.offset;
			}
			CU_ASSERT_EQUAL(rc, 0);
		}
		CU_ASSERT_EQUAL(n, 0);
	}
	CU_ASSERT_EQUAL(seen, 5);
	CU_ASSERT_EQUAL(p9c_clunk(&C, pos), 0);
	CU_ASSERT_EQUAL(p9c_unlinkat(&C, root, "sub", P9_AT_REMOVEDIR),
			-ENOTEMPTY);
	CU_ASSERT_EQUAL(p9c_unlinkat(&C, dir, "b", 0), 0);
	CU_ASSERT_EQUAL(p9c_unlinkat(&C, dir, "hard", 0), 0);
	CU_ASSERT_EQUAL(p9c_unlinkat(&C, dir, "l", 0), 0);
	CU_ASSERT_EQUAL(p9c_clunk(&C, dir), 0);
	CU_ASSERT_EQUAL(p9c_unlinkat(&C, root, "sub", P9_AT_REMOVEDIR), 0);
	CU_ASSERT_EQUAL(walk1("sub"), -ENOENT);
	CU_ASSERT_EQUAL(p9c_statfs(&C, root, &sf), 0);
	CU_ASSERT(sf.bsize > 0);
	/* names the client refuses before sending */
	CU_ASSERT_EQUAL(p9c_mkdir(&C, root, "", 0755, NULL), -ENOENT);
	memset(path, 'x', 300);
	path[300] = '\0';
	CU_ASSERT_EQUAL(p9c_mkdir(&C, root, path, 0755, NULL), -ENAMETOOLONG);
	/* the server's refusal of a '/' in a name arrives as its errno */
	CU_ASSERT(p9c_mkdir(&C, root, "a/b", 0755, NULL) < 0);
}

static void test_readonly(void)
{
	struct p9_tsetattr sa = { .valid = P9_SETATTR_SIZE };
	uint32_t f;
	long n;

	sh("echo data > '%s/ro.txt'", vol);
	server(true);
	CU_ASSERT_EQUAL(p9c_mkdir(&C, root, "d", 0755, NULL), -EROFS);
	CU_ASSERT_EQUAL(p9c_walk(&C, root, 0, NULL, &f, NULL), 0);
	CU_ASSERT_EQUAL(p9c_create(&C, f, "new", O_WRONLY | O_CREAT, 0644,
				   NULL),
			-EROFS);
	CU_ASSERT_EQUAL(p9c_clunk(&C, f), 0);
	n = walk1("ro.txt");
	CU_ASSERT_FATAL(n >= 0);
	f = (uint32_t)n;
	CU_ASSERT_EQUAL(p9c_open(&C, f, O_WRONLY, NULL), -EROFS);
	CU_ASSERT_EQUAL(p9c_setattr(&C, f, &sa), -EROFS);
	CU_ASSERT_EQUAL(p9c_unlinkat(&C, root, "ro.txt", 0), -EROFS);
	CU_ASSERT_EQUAL(p9c_open(&C, f, O_RDONLY, NULL), 0);
	CU_ASSERT_EQUAL(p9c_clunk(&C, f), 0);
}

static void test_locks(void)
{
	struct p9_getlock l = { 0 };
	uint32_t a, b;
	long n;

	sh("echo x > '%s/lk'", vol);
	server(false);
	n = walk1("lk");
	CU_ASSERT_FATAL(n >= 0);
	a = (uint32_t)n;
	n = walk1("lk");
	CU_ASSERT_FATAL(n >= 0);
	b = (uint32_t)n;
	CU_ASSERT_EQUAL(p9c_open(&C, a, O_RDWR, NULL), 0);
	CU_ASSERT_EQUAL(p9c_open(&C, b, O_RDWR, NULL), 0);
	CU_ASSERT_EQUAL(p9c_lock(&C, a, P9_LOCK_TYPE_WRLCK, 0, 0, 0, 1),
			P9_LOCK_SUCCESS);
	CU_ASSERT_EQUAL(p9c_lock(&C, b, P9_LOCK_TYPE_WRLCK, 0, 0, 0, 2),
			P9_LOCK_BLOCKED);
	l.type = P9_LOCK_TYPE_RDLCK;
	CU_ASSERT_EQUAL(p9c_getlock(&C, b, &l), 0);
	CU_ASSERT_EQUAL(l.type, P9_LOCK_TYPE_WRLCK);
	CU_ASSERT_EQUAL(p9c_lock(&C, a, P9_LOCK_TYPE_UNLCK, 0, 0, 0, 1),
			P9_LOCK_SUCCESS);
	CU_ASSERT_EQUAL(p9c_lock(&C, b, P9_LOCK_TYPE_WRLCK, 0, 0, 0, 2),
			P9_LOCK_SUCCESS);
	CU_ASSERT_EQUAL(p9c_clunk(&C, a), 0);
	CU_ASSERT_EQUAL(p9c_clunk(&C, b), 0);
}

/* A lying or dead transport: errors, never a fid leak or a wrong answer. */
static void test_hostile(void)
{
	const void *p;
	uint32_t f, g;
	long n;

	sh("echo 0123456789 > '%s/h'", vol);
	server(false);
	n = walk1("h");
	CU_ASSERT_FATAL(n >= 0);
	f = (uint32_t)n;
	CU_ASSERT_EQUAL(p9c_open(&C, f, O_RDONLY, NULL), 0);
	mode = T_BADTAG;
	CU_ASSERT_EQUAL(p9c_read(&C, f, 0, 100, &p), -EPROTO);
	mode = T_BADTYPE;
	CU_ASSERT_EQUAL(p9c_read(&C, f, 0, 100, &p), -EPROTO);
	mode = T_BIGCOUNT;
	CU_ASSERT_EQUAL(p9c_read(&C, f, 0, 100, &p), -EPROTO);
	mode = T_DEAD;
	CU_ASSERT_EQUAL(p9c_read(&C, f, 0, 100, &p), -EIO);
	CU_ASSERT_EQUAL(p9c_walk(&C, root, 0, NULL, &g, NULL), -EIO);
	mode = T_OK;
	CU_ASSERT_EQUAL(p9c_read(&C, f, 0, 4, &p), 4);
	CU_ASSERT(!memcmp(p, "0123", 4));
	/* a failed walk freed its fid: the next one reuses it */
	CU_ASSERT_EQUAL(p9c_walk(&C, root, 0, NULL, &g, NULL), 0);
	CU_ASSERT_EQUAL(g, f + 1);
	CU_ASSERT_EQUAL(p9c_clunk(&C, g), 0);
	CU_ASSERT_EQUAL(p9c_clunk(&C, f), 0);
	/* before Tversion nothing is sent */
	p9c_init(&C, rpc, NULL, tx, rx, BUFSZ);
	CU_ASSERT_EQUAL(p9c_attach(&C, "", &f, NULL), -EPROTO);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("p9c", setup, teardown);
	CU_add_test(s, "files: create, write, read, stat, truncate, chmod",
		    test_files);
	CU_add_test(s, "dirs: mkdir, rename, links, readdir, unlink, statfs",
		    test_dirs);
	CU_add_test(s, "read-only volume: EROFS", test_readonly);
	CU_add_test(s, "locks", test_locks);
	CU_add_test(s, "hostile or dead transport", test_hostile);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
