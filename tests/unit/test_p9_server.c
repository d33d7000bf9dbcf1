/* SPDX-License-Identifier: MIT */
/* test_p9_server: the dom0 9P server (p9/p9_server.c) driven with codec-built messages against a temp directory, escapes included. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "lib/p9.h"
#include "p9_server.h"

#define MSIZE 8192u
#define END ((const char *)NULL) /* ends walk()'s names */

static char top[256], vol[300], outside[300];
static struct p9s *S;
static uint8_t req[P9_MSIZE_MAX], rep[P9_MSIZE_MAX];
static struct p9_msg R; /* the last reply (points into rep) */
static uint16_t next_tag = 1;

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

static struct p9_str S_(const char *s) {
	return (struct p9_str){ s, (uint16_t)strlen(s) };
}

/* Send m; 0 when the reply is m's R type, -ecode for Rlerror. */
static int
call(struct p9_msg *m)
{
	int n, rc;

	m->tag = next_tag++;
	n = p9_encode(m, req, sizeof(req), p9s_msize(S));
	CU_ASSERT_FATAL(n > 0);
	rc = p9s_handle(S, req, (size_t)n, rep, sizeof(rep));
	CU_ASSERT_FATAL(rc > 0);
	CU_ASSERT_EQUAL_FATAL(p9_decode(rep, (size_t)rc, p9s_msize(S), &R), 0);
	CU_ASSERT_EQUAL(R.tag, m->tag);
	if (R.type == P9_RLERROR)
		return -(int)R.u.rlerror.ecode;
	CU_ASSERT_EQUAL(R.type, m->type + 1);
	return 0;
}

static void server(bool ro, uint32_t fids)
{
	struct p9s_config c = { 0 };
	struct p9_msg m = { .type = P9_TVERSION };
	int fd = open(vol, O_RDONLY | O_DIRECTORY);

	CU_ASSERT_FATAL(fd >= 0);
	if (S)
		p9s_free(S);
	c.root_fd = fd;
	c.readonly = ro;
	c.max_msize = MSIZE;
	c.max_fids = fids;
	c.squash_uid = c.squash_gid = P9S_SQUASH_OWNER;
	c.name = "test/vol";
	CU_ASSERT_EQUAL_FATAL(p9s_new(&c, &S), 0);
	close(fd);
	m.u.version.msize = 65536;
	m.u.version.version = S_(P9_VERSION_L);
	CU_ASSERT_EQUAL_FATAL(call(&m), 0);
}

static int attach(uint32_t fid)
{
	struct p9_msg m = { .type = P9_TATTACH };

	m.u.tattach.fid = fid;
	m.u.tattach.afid = P9_NOFID;
	m.u.tattach.uname = S_("root");
	m.u.tattach.aname = S_("");
	return call(&m);
}

/* Walk fid to newfid through the names (NULL-terminated); the error, or the qids walked. */
static int walk(uint32_t fid, uint32_t newfid, ...)
{
	struct p9_msg m = { .type = P9_TWALK };
	const char *n;
	va_list ap;
	int rc;

	m.u.twalk.fid = fid;
	m.u.twalk.newfid = newfid;
	va_start(ap, newfid);
	while ((n = va_arg(ap, const char *)))
		m.u.twalk.wname[m.u.twalk.nwname++] = S_(n);
	va_end(ap);
	rc = call(&m);
	return rc ? rc : R.u.rwalk.nwqid;
}

static int lopen(uint32_t fid, uint32_t flags)
{
	struct p9_msg m = { .type = P9_TLOPEN };

	m.u.tlopen.fid = fid;
	m.u.tlopen.flags = flags;
	return call(&m);
}

static int lcreate(uint32_t fid, const char *name, uint32_t flags,
		   uint32_t mode)
{
	struct p9_msg m = { .type = P9_TLCREATE };

	m.u.tlcreate.fid = fid;
	m.u.tlcreate.name = S_(name);
	m.u.tlcreate.flags = flags;
	m.u.tlcreate.mode = mode;
	return call(&m);
}

static int twrite(uint32_t fid, uint64_t off, const char *data)
{
	struct p9_msg m = { .type = P9_TWRITE };
	int rc;

	m.u.tio.fid = fid;
	m.u.tio.offset = off;
	m.u.tio.data = (struct p9_data){ data, (uint32_t)strlen(data) };
	rc = call(&m);
	return rc ? rc : (int)R.u.count.count;
}

static int tread(uint32_t fid, uint64_t off, uint32_t count)
{
	struct p9_msg m = { .type = P9_TREAD };
	int rc;

	m.u.tio.fid = fid;
	m.u.tio.offset = off;
	m.u.tio.count = count;
	rc = call(&m);
	return rc ? rc : (int)R.u.rdata.data.len;
}

static int clunk(uint32_t fid)
{
	struct p9_msg m = { .type = P9_TCLUNK };

	m.u.fid.fid = fid;
	return call(&m);
}

static int mkdir9(uint32_t dfid, const char *name, uint32_t mode)
{
	struct p9_msg m = { .type = P9_TMKDIR };

	m.u.tmkdir.dfid = dfid;
	m.u.tmkdir.name = S_(name);
	m.u.tmkdir.mode = mode;
	return call(&m);
}

static int symlink9(uint32_t dfid, const char *name, const char *target)
{
	struct p9_msg m = { .type = P9_TSYMLINK };

	m.u.tsymlink.fid = dfid;
	m.u.tsymlink.name = S_(name);
	m.u.tsymlink.symtgt = S_(target);
	return call(&m);
}

static int rename9(uint32_t od, const char *on, uint32_t nd, const char *nn)
{
	struct p9_msg m = { .type = P9_TRENAMEAT };

	m.u.trenameat.olddirfid = od;
	m.u.trenameat.oldname = S_(on);
	m.u.trenameat.newdirfid = nd;
	m.u.trenameat.newname = S_(nn);
	return call(&m);
}

static int unlink9(uint32_t dfid, const char *name, uint32_t flags)
{
	struct p9_msg m = { .type = P9_TUNLINKAT };

	m.u.tunlinkat.dirfid = dfid;
	m.u.tunlinkat.name = S_(name);
	m.u.tunlinkat.flags = flags;
	return call(&m);
}

static int setattr9(uint32_t fid, uint32_t valid, uint32_t mode, uint32_t uid,
		    uint64_t size)
{
	struct p9_msg m = { .type = P9_TSETATTR };

	m.u.tsetattr.fid = fid;
	m.u.tsetattr.valid = valid;
	m.u.tsetattr.mode = mode;
	m.u.tsetattr.uid = uid;
	m.u.tsetattr.size = size;
	return call(&m);
}

static int getattr9(uint32_t fid)
{
	struct p9_msg m = { .type = P9_TGETATTR };

	m.u.tgetattr.fid = fid;
	m.u.tgetattr.request_mask = P9_GETATTR_BASIC;
	return call(&m);
}

static int lock9(uint32_t fid, uint8_t type)
{
	struct p9_msg m = { .type = P9_TLOCK };
	int rc;

	m.u.tlock.fid = fid;
	m.u.tlock.type = type;
	m.u.tlock.flags = P9_LOCK_FLAGS_BLOCK;
	m.u.tlock.client_id = S_("pod");
	rc = call(&m);
	return rc ? rc : R.u.rlock.status;
}

static char *host_read(const char *rel)
{
	static char buf[256];
	char p[600];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", vol, rel);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = 0;
	return buf;
}

static int setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(top, sizeof(top), "%s/test_p9_server.XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(top))
		return -1;
	snprintf(vol, sizeof(vol), "%s/vol", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	sh("mkdir -p %s/sub %s && echo hello > %s/file && echo secret > %s/secret",
	   vol, outside, vol, outside);
	/* Links point at the decoy beside the volume, never at the host's /etc:
	 * an escape this test misses must not damage the machine it runs on. */
	sh("ln -s %s %s/abs && ln -s ../outside %s/rel && ln -s ../../.. %s/sub/up",
	   outside, vol, vol, vol);
	return 0;
}

static int teardown(void)
{
	p9s_free(S);
	S = NULL;
	sh("rm -rf %s", top);
	return 0;
}

static void test_version(void)
{
	struct p9_msg m = { .type = P9_TVERSION };
	struct p9s_config c = { 0 };
	struct p9s *s2;
	int fd = open(vol, O_RDONLY | O_DIRECTORY);

	c.root_fd = fd;
	c.max_msize = MSIZE;
	c.squash_uid = c.squash_gid = P9S_SQUASH_OWNER;
	CU_ASSERT_EQUAL_FATAL(p9s_new(&c, &s2), 0);
	p9s_free(S);
	S = s2;
	/* Anything before Tversion is refused. */
	CU_ASSERT_EQUAL(attach(0), -EPROTO);
	m.u.version.msize = 1u << 30;
	m.u.version.version = S_("9P2000.u");
	CU_ASSERT_EQUAL(call(&m), 0);
	CU_ASSERT(R.u.version.version.len == 7 &&
		  !memcmp(R.u.version.version.s, "unknown", 7));
	CU_ASSERT_EQUAL(attach(0), -EPROTO);
	m.u.version.version = S_(P9_VERSION_L);
	m.u.version.msize = 100;
	CU_ASSERT_EQUAL(call(&m), -EINVAL);
	m.u.version.msize = 1u << 30;
	CU_ASSERT_EQUAL(call(&m), 0);
	CU_ASSERT_EQUAL(R.u.version.msize, MSIZE); /* bounded by the server */
	CU_ASSERT_EQUAL(p9s_msize(S), MSIZE);
	CU_ASSERT_EQUAL(attach(0), 0);
	CU_ASSERT_EQUAL(attach(0), -EBADF); /* fid in use */
	CU_ASSERT_EQUAL(p9s_fids(S), 1);
	/* A new Tversion drops every fid. */
	CU_ASSERT_EQUAL(call(&m), 0);
	CU_ASSERT_EQUAL(p9s_fids(S), 0);
	close(fd);
	c.max_msize = 100;
	CU_ASSERT_EQUAL(p9s_new(&c, &s2), -EINVAL);
}

static void test_files(void)
{
	server(false, 0);
	CU_ASSERT_EQUAL(attach(0), 0);
	CU_ASSERT_EQUAL(walk(0, 1, "file", END), 1);
	CU_ASSERT_EQUAL(R.u.rwalk.wqid[0].type, P9_QTFILE);
	CU_ASSERT_EQUAL(lopen(1, O_RDONLY), 0);
	CU_ASSERT_EQUAL(tread(1, 0, 100), 6);
	CU_ASSERT(!memcmp(R.u.rdata.data.p, "hello\n", 6));
	CU_ASSERT_EQUAL(tread(1, 3, 100), 3);
	/* a count beyond msize is cut to what fits */
	CU_ASSERT_EQUAL(tread(1, 0, 0xffffffffu), 6);
	CU_ASSERT_EQUAL(twrite(1, 0, "x"), -EBADF); /* opened read-only */
	CU_ASSERT_EQUAL(lopen(1, O_RDONLY), -EBADF); /* already open */
	CU_ASSERT_EQUAL(walk(1, 2, END), -EBADF); /* opened fids do not walk */
	CU_ASSERT_EQUAL(clunk(1), 0);
	CU_ASSERT_EQUAL(clunk(1), -EBADF);

	/* create, write, read back in dom0 */
	CU_ASSERT_EQUAL(walk(0, 2, "sub", END), 1);
	CU_ASSERT_EQUAL(lcreate(2, "new", O_RDWR | O_CREAT, 0644), 0);
	CU_ASSERT_EQUAL(twrite(2, 0, "written by the pod"), 18);
	CU_ASSERT_STRING_EQUAL(host_read("sub/new"), "written by the pod");
	CU_ASSERT_EQUAL(setattr9(2, P9_SETATTR_SIZE, 0, 0, 7), 0);
	CU_ASSERT_STRING_EQUAL(host_read("sub/new"), "written");
	CU_ASSERT_EQUAL(clunk(2), 0);
	CU_ASSERT_EQUAL(walk(0, 3, "sub", END), 1);
	CU_ASSERT_EQUAL(lcreate(3, "new", O_RDWR | O_CREAT | O_EXCL, 0644),
			-EEXIST);
	CU_ASSERT_EQUAL(lcreate(3, "new", O_WRONLY | O_CREAT | O_APPEND, 0644),
			0);
	CU_ASSERT_EQUAL(twrite(3, 0, "+"), 1);
	CU_ASSERT_STRING_EQUAL(host_read("sub/new"), "written+");
	CU_ASSERT_EQUAL(clunk(3), 0);

	/* mkdir, rename within the volume, unlink */
	CU_ASSERT_EQUAL(mkdir9(0, "d", 0755), 0);
	CU_ASSERT_EQUAL(R.u.rqid.qid.type, P9_QTDIR);
	CU_ASSERT_EQUAL(walk(0, 4, "d", END), 1);
	CU_ASSERT_EQUAL(walk(0, 5, "sub", END), 1);
	CU_ASSERT_EQUAL(rename9(5, "new", 4, "moved"), 0);
	CU_ASSERT_STRING_EQUAL(host_read("d/moved"), "written+");
	CU_ASSERT_EQUAL(unlink9(4, "moved", 1), -EINVAL); /* unknown flag */
	CU_ASSERT_EQUAL(unlink9(0, "d", 0), -EISDIR);
	CU_ASSERT_EQUAL(unlink9(0, "d", P9_AT_REMOVEDIR), -ENOTEMPTY);
	CU_ASSERT_EQUAL(unlink9(4, "moved", 0), 0);
	CU_ASSERT_EQUAL(unlink9(0, "d", P9_AT_REMOVEDIR), 0);
	CU_ASSERT_EQUAL(clunk(4), 0);
	CU_ASSERT_EQUAL(clunk(5), 0);

	/* symlink + readlink; link */
	CU_ASSERT_EQUAL(symlink9(0, "ln", "/anywhere/at/all"), 0);
	CU_ASSERT_EQUAL(R.u.rqid.qid.type, P9_QTSYMLINK);
	CU_ASSERT_EQUAL(walk(0, 6, "ln", END), 1);
	{
		struct p9_msg m = { .type = P9_TREADLINK };

		m.u.fid.fid = 6;
		CU_ASSERT_EQUAL(call(&m), 0);
		CU_ASSERT(R.u.rreadlink.target.len == 16 &&
			  !memcmp(R.u.rreadlink.target.s, "/anywhere/at/all",
				  16));
		m.u.fid.fid = 0;
		CU_ASSERT_EQUAL(call(&m), -EINVAL);
	}
	CU_ASSERT_EQUAL(clunk(6), 0);
	CU_ASSERT_EQUAL(unlink9(0, "ln", 0), 0);
	CU_ASSERT_EQUAL(walk(0, 7, "file", END), 1);
	{
		struct p9_msg m = { .type = P9_TLINK };

		m.u.tlink.dfid = 0;
		m.u.tlink.fid = 7;
		m.u.tlink.name = S_("file2");
		CU_ASSERT_EQUAL(call(&m), 0);
		CU_ASSERT_STRING_EQUAL(host_read("file2"), "hello\n");
		m.u.tlink.fid = 0;
		CU_ASSERT_EQUAL(call(&m), -EPERM); /* a directory */
	}
	CU_ASSERT_EQUAL(unlink9(0, "file2", 0), 0);
	{
		struct p9_msg m = { .type = P9_TSTATFS };

		m.u.fid.fid = 7;
		CU_ASSERT_EQUAL(call(&m), 0);
		CU_ASSERT(R.u.rstatfs.bsize > 0);
	}
	CU_ASSERT_EQUAL(clunk(7), 0);
	CU_ASSERT_EQUAL(p9s_fids(S), 1);
}

static void test_escapes(void)
{
	unsigned long refused;
	uint64_t root_ino;
	char p[700];

	server(false, 0);
	CU_ASSERT_EQUAL(attach(0), 0);
	root_ino = R.u.rqid.qid.path;
	refused = p9s_refused(S);
	/* ".." at the root stays at the root */
	CU_ASSERT_EQUAL(walk(0, 1, "..", "..", END), 2);
	CU_ASSERT_EQUAL(R.u.rwalk.wqid[1].path, root_ino);
	CU_ASSERT_EQUAL(walk(1, 2, "..", "file", END), 2);
	CU_ASSERT_EQUAL(lopen(2, O_RDONLY), 0);
	CU_ASSERT_EQUAL(tread(2, 0, 100), 6); /* the volume's own file */
	CU_ASSERT_EQUAL(clunk(2), 0);
	CU_ASSERT_EQUAL(walk(0, 2, "sub", "..", END), 2);
	CU_ASSERT_EQUAL(R.u.rwalk.wqid[1].path, root_ino);
	CU_ASSERT_EQUAL(clunk(2), 0);
	/* names with '/' never resolve as paths */
	CU_ASSERT_EQUAL(walk(0, 2, "../outside", END), -EINVAL);
	CU_ASSERT_EQUAL(walk(0, 2, "sub/../../outside", END), -EINVAL);
	CU_ASSERT_EQUAL(walk(0, 2, "/etc", END), -EINVAL);
	CU_ASSERT_EQUAL(walk(0, 2, ".", END), -EINVAL);
	CU_ASSERT(p9s_refused(S) >= refused + 4);
	/* symlinks are walked onto, never through */
	CU_ASSERT_EQUAL(walk(0, 2, "abs", END), 1);
	CU_ASSERT_EQUAL(R.u.rwalk.wqid[0].type, P9_QTSYMLINK);
	CU_ASSERT_EQUAL(lopen(2, O_RDONLY), -ELOOP);
	CU_ASSERT_EQUAL(clunk(2), 0);
	CU_ASSERT_EQUAL(walk(0, 2, "abs", "secret", END), 1); /* partial walk */
	CU_ASSERT_EQUAL(walk(0, 2, "rel", "secret", END), 1);
	CU_ASSERT_EQUAL(walk(0, 2, "sub", "up", "etc", END), 2);
	CU_ASSERT_EQUAL(p9s_fids(S), 2);
	/* no create, mkdir or write through a symlink */
	CU_ASSERT_EQUAL(lcreate(0, "rel", O_WRONLY | O_CREAT | O_TRUNC, 0644),
			-ELOOP);
	CU_ASSERT_EQUAL(walk(0, 2, "rel", END), 1);
	CU_ASSERT_EQUAL(lcreate(2, "x", O_WRONLY | O_CREAT, 0644), -ENOTDIR);
	CU_ASSERT_EQUAL(mkdir9(2, "x", 0755), -ENOTDIR);
	CU_ASSERT_EQUAL(setattr9(2, P9_SETATTR_SIZE, 0, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(clunk(2), 0);
	CU_ASSERT_EQUAL(mkdir9(0, "../outside/x", 0755), -EINVAL);
	CU_ASSERT_EQUAL(symlink9(0, "../evil", "/"), -EINVAL);
	/* rename out of the volume: the names are single entries */
	CU_ASSERT_EQUAL(rename9(0, "file", 0, "../outside/stolen"), -EINVAL);
	CU_ASSERT_EQUAL(rename9(0, "..", 0, "x"), -EINVAL);
	CU_ASSERT_EQUAL(unlink9(0, "../outside/secret", 0), -EINVAL);
	snprintf(p, sizeof(p), "%s/secret", outside);
	CU_ASSERT_EQUAL(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/stolen", outside);
	CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);

	/* A swap: "sub" becomes a symlink to outside after the walk. */
	CU_ASSERT_EQUAL(walk(0, 3, "sub", END), 1);
	sh("mv %s/sub %s/sub.old && ln -s %s %s/sub", vol, vol, outside, vol);
	CU_ASSERT_EQUAL(walk(0, 4, "sub", "secret", END),
			1); /* stops at the link */
	CU_ASSERT_EQUAL(walk(3, 4, "secret", END), -ENOENT); /* the old dir */
	CU_ASSERT_EQUAL(lcreate(3, "mine", O_WRONLY | O_CREAT, 0644), 0);
	CU_ASSERT_EQUAL(clunk(3), 0);
	CU_ASSERT_NOT_EQUAL(host_read("sub.old/mine"), NULL);
	snprintf(p, sizeof(p), "%s/mine", outside);
	CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0);
	sh("rm %s/sub && mv %s/sub.old %s/sub", vol, vol, vol);

	/* A directory moved out of the volume under a fid: ".." is refused. */
	sh("mkdir %s/sub/deep", vol);
	CU_ASSERT_EQUAL(walk(0, 5, "sub", "deep", END), 2);
	sh("mv %s/sub/deep %s/deep", vol, outside);
	refused = p9s_refused(S);
	CU_ASSERT_EQUAL(walk(5, 6, "..", END), -EXDEV);
	CU_ASSERT_EQUAL(p9s_refused(S), refused + 1);
	CU_ASSERT_EQUAL(clunk(5), 0);
	sh("rmdir %s/deep", outside);
	CU_ASSERT_EQUAL(p9s_fids(S), 2); /* 0 and 1 */
}

static void test_readonly(void)
{
	server(true, 0);
	CU_ASSERT_EQUAL(attach(0), 0);
	CU_ASSERT_EQUAL(walk(0, 1, "file", END), 1);
	CU_ASSERT_EQUAL(lopen(1, O_RDWR), -EROFS);
	CU_ASSERT_EQUAL(lopen(1, O_WRONLY), -EROFS);
	CU_ASSERT_EQUAL(lopen(1, O_RDONLY | O_TRUNC), -EROFS);
	CU_ASSERT_EQUAL(setattr9(1, P9_SETATTR_SIZE, 0, 0, 0), -EROFS);
	CU_ASSERT_EQUAL(setattr9(1, P9_SETATTR_MODE, 0777, 0, 0), -EROFS);
	CU_ASSERT_EQUAL(lopen(1, O_RDONLY), 0);
	CU_ASSERT_EQUAL(tread(1, 0, 100), 6);
	CU_ASSERT_EQUAL(twrite(1, 0, "x"), -EROFS);
	CU_ASSERT_EQUAL(lcreate(0, "n", O_RDWR | O_CREAT, 0644), -EROFS);
	CU_ASSERT_EQUAL(mkdir9(0, "n", 0755), -EROFS);
	CU_ASSERT_EQUAL(symlink9(0, "n", "x"), -EROFS);
	CU_ASSERT_EQUAL(unlink9(0, "file", 0), -EROFS);
	CU_ASSERT_EQUAL(rename9(0, "file", 0, "n"), -EROFS);
	CU_ASSERT_STRING_EQUAL(host_read("file"), "hello\n");
	CU_ASSERT_EQUAL(clunk(1), 0);
}

static void test_fid_bound(void)
{
	server(false, 4);
	CU_ASSERT_EQUAL(attach(0), 0);
	CU_ASSERT_EQUAL(walk(0, 1, END), 0);
	CU_ASSERT_EQUAL(walk(0, 2, END), 0);
	CU_ASSERT_EQUAL(walk(0, 0xfffffffe, END), 0);
	CU_ASSERT_EQUAL(walk(0, 4, END), -EMFILE);
	CU_ASSERT_EQUAL(attach(5), -EMFILE);
	CU_ASSERT_EQUAL(p9s_fids(S), 4);
	CU_ASSERT_EQUAL(clunk(2), 0);
	CU_ASSERT_EQUAL(walk(0, 4, "sub", END), 1);
	CU_ASSERT_EQUAL(walk(4, 4, "..", END), 1); /* in place */
	CU_ASSERT_EQUAL(walk(0, 1, END), -EBADF); /* newfid in use */
	CU_ASSERT_EQUAL(walk(9, 10, END), -EBADF); /* no such fid */
}

static void test_squash(void)
{
	struct stat st;
	char p[600];

	server(false, 0);
	CU_ASSERT_EQUAL(attach(0), 0);
	CU_ASSERT_EQUAL(getattr9(0), 0);
	CU_ASSERT_EQUAL(R.u.rgetattr.uid, 0);
	CU_ASSERT_EQUAL(R.u.rgetattr.gid, 0);
	CU_ASSERT(S_ISDIR(R.u.rgetattr.mode));
	CU_ASSERT_EQUAL(R.u.rgetattr.valid, P9_GETATTR_BASIC);
	CU_ASSERT_EQUAL(setattr9(0, P9_SETATTR_UID, 0, 1000, 0), -EPERM);
	CU_ASSERT_EQUAL(setattr9(0, P9_SETATTR_UID | P9_SETATTR_GID, 0, 0, 0),
			0);
	/* no set-user-ID or set-group-ID bits reach dom0 */
	CU_ASSERT_EQUAL(mkdir9(0, "sd", 07777), 0);
	snprintf(p, sizeof(p), "%s/sd", vol);
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & (S_ISUID | S_ISGID), 0);
	CU_ASSERT_EQUAL(st.st_uid, getuid() == 0 ? st.st_uid : getuid());
	CU_ASSERT_EQUAL(lcreate(0, "suid", O_WRONLY | O_CREAT, 06755), 0);
	CU_ASSERT_EQUAL(clunk(0), 0);
	CU_ASSERT_EQUAL(attach(0), 0);
	CU_ASSERT_EQUAL(walk(0, 1, "suid", END), 1);
	CU_ASSERT_EQUAL(setattr9(1, P9_SETATTR_MODE, 06777, 0, 0), 0);
	snprintf(p, sizeof(p), "%s/suid", vol);
	CU_ASSERT_EQUAL(stat(p, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0777);
	CU_ASSERT_EQUAL(clunk(1), 0);
	CU_ASSERT_EQUAL(unlink9(0, "suid", 0), 0);
	CU_ASSERT_EQUAL(unlink9(0, "sd", P9_AT_REMOVEDIR), 0);
}

static void test_readdir(void)
{
	unsigned seen[60] = { 0 }, dots = 0, i, rounds = 0;
	uint64_t off = 0;

	sh("mkdir %s/many && cd %s/many && for i in $(seq 0 59); do : > f$i; done",
	   vol, vol);
	server(false, 0);
	CU_ASSERT_EQUAL(attach(0), 0);
	CU_ASSERT_EQUAL(walk(0, 1, "many", END), 1);
	CU_ASSERT_EQUAL(lopen(1, O_RDONLY | O_DIRECTORY), 0);
	for (;;) {
		struct p9_msg m = { .type = P9_TREADDIR };
		struct p9_dirent d;
		uint32_t pos = 0;
		int rc;

		m.u.tio.fid = 1;
		m.u.tio.offset = off;
		m.u.tio.count = 200; /* a few entries a time */
		CU_ASSERT_EQUAL_FATAL(call(&m), 0);
		if (!R.u.rdata.data.len)
			break;
		while ((rc = p9_dirent_next(R.u.rdata.data.p,
					    R.u.rdata.data.len, &pos, &d)) ==
		       1) {
			char n[16];

			snprintf(n, sizeof(n), "%.*s", d.name.len, d.name.s);
			if (!strcmp(n, ".") || !strcmp(n, ".."))
				dots++;
			else if (n[0] == 'f' && atoi(n + 1) < 60)
				seen[atoi(n + 1)]++;
			else
				CU_FAIL("unexpected name");
			off = d.offset;
		}
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_FATAL(++rounds < 200);
	}
	CU_ASSERT(rounds > 5);
	CU_ASSERT_EQUAL(dots, 2);
	for (i = 0; i < 60; i++)
		CU_ASSERT_EQUAL(seen[i], 1);
	{
		struct p9_msg m = { .type = P9_TREADDIR };

		m.u.tio.fid = 1;
		m.u.tio.count = 10; /* too small for one entry */
		CU_ASSERT_EQUAL(call(&m), -EINVAL);
		m.u.tio.fid = 0; /* not opened */
		m.u.tio.count = 100;
		CU_ASSERT_EQUAL(call(&m), -EBADF);
	}
	CU_ASSERT_EQUAL(tread(1, 0, 10), -EISDIR);
	CU_ASSERT_EQUAL(clunk(1), 0);
	sh("rm -rf %s/many", vol);
}

static void test_locks(void)
{
	struct p9_msg m = { .type = P9_TGETLOCK };

	server(false, 0);
	CU_ASSERT_EQUAL(attach(0), 0);
	CU_ASSERT_EQUAL(walk(0, 1, "file", END), 1);
	CU_ASSERT_EQUAL(walk(0, 2, "file", END), 1);
	CU_ASSERT_EQUAL(lopen(1, O_RDWR), 0);
	CU_ASSERT_EQUAL(lopen(2, O_RDWR), 0);
	CU_ASSERT_EQUAL(lock9(1, P9_LOCK_TYPE_WRLCK), P9_LOCK_SUCCESS);
	CU_ASSERT_EQUAL(lock9(2, P9_LOCK_TYPE_WRLCK), P9_LOCK_BLOCKED);
	CU_ASSERT_EQUAL(lock9(2, P9_LOCK_TYPE_RDLCK), P9_LOCK_BLOCKED);
	m.u.getlock.fid = 2;
	m.u.getlock.type = P9_LOCK_TYPE_WRLCK;
	m.u.getlock.client_id = S_("pod2");
	CU_ASSERT_EQUAL(call(&m), 0);
	CU_ASSERT_EQUAL(R.u.getlock.type, P9_LOCK_TYPE_WRLCK);
	CU_ASSERT_EQUAL(lock9(1, P9_LOCK_TYPE_UNLCK), P9_LOCK_SUCCESS);
	CU_ASSERT_EQUAL(call(&m), 0);
	CU_ASSERT_EQUAL(R.u.getlock.type, P9_LOCK_TYPE_UNLCK);
	CU_ASSERT_EQUAL(lock9(2, P9_LOCK_TYPE_WRLCK), P9_LOCK_SUCCESS);
	CU_ASSERT_EQUAL(lock9(2, 7), -EINVAL);
	/* clunk drops the lock with the open file */
	CU_ASSERT_EQUAL(clunk(2), 0);
	CU_ASSERT_EQUAL(lock9(1, P9_LOCK_TYPE_WRLCK), P9_LOCK_SUCCESS);
	CU_ASSERT_EQUAL(lock9(0, P9_LOCK_TYPE_WRLCK), -EBADF);
	{
		struct p9_msg f = { .type = P9_TFSYNC };

		f.u.tfsync.fid = 1;
		CU_ASSERT_EQUAL(call(&f), 0);
	}
	CU_ASSERT_EQUAL(clunk(1), 0);
}

static void test_bad_messages(void)
{
	uint8_t raw[64];
	int n;

	server(false, 0);
	CU_ASSERT_EQUAL(attach(0), 0);
	/* Txattrwalk: not supported, answered with the tag */
	n = 7 + 4 + 4 + 2;
	memset(raw, 0, sizeof(raw));
	p9_put32(raw, (uint32_t)n);
	raw[4] = 30;
	p9_put16(raw + 5, 77);
	n = p9s_handle(S, raw, (size_t)n, rep, sizeof(rep));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(p9_decode(rep, (size_t)n, MSIZE, &R), 0);
	CU_ASSERT_EQUAL(R.type, P9_RLERROR);
	CU_ASSERT_EQUAL(R.tag, 77);
	CU_ASSERT_EQUAL(R.u.rlerror.ecode, EOPNOTSUPP);
	/* a Tclunk one byte short */
	p9_put32(raw, 10);
	raw[4] = P9_TCLUNK;
	n = p9s_handle(S, raw, 10, rep, sizeof(rep));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(p9_decode(rep, (size_t)n, MSIZE, &R), 0);
	CU_ASSERT_EQUAL(R.u.rlerror.ecode, EPROTO);
	/* size field not the length, or above msize: no answer, drop the ring */
	p9_put32(raw, 11);
	CU_ASSERT_EQUAL(p9s_handle(S, raw, 12, rep, sizeof(rep)), -EPROTO);
	p9_put32(raw, MSIZE + 1);
	CU_ASSERT_EQUAL(p9s_handle(S, raw, MSIZE + 1, rep, sizeof(rep)),
			-EPROTO);
	/* an R message sent to the server */
	p9_put32(raw, 7);
	raw[4] = P9_RCLUNK;
	n = p9s_handle(S, raw, 7, rep, sizeof(rep));
	CU_ASSERT_EQUAL(p9_decode(rep, (size_t)n, MSIZE, &R), 0);
	CU_ASSERT_EQUAL(R.u.rlerror.ecode, EOPNOTSUPP);
	/* Tattach with an afid */
	{
		struct p9_msg m = { .type = P9_TATTACH };

		m.u.tattach.fid = 3;
		m.u.tattach.afid = 1;
		CU_ASSERT_EQUAL(call(&m), -EINVAL);
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("p9_server", setup, teardown);
	CU_add_test(s, "Tversion: bounded msize, resets", test_version);
	CU_add_test(s, "files: read, create, write, rename, links", test_files);
	CU_add_test(s, "escapes: .., '/', symlinks, swaps", test_escapes);
	CU_add_test(s, "read-only enforced in dom0", test_readonly);
	CU_add_test(s, "bounded fid table", test_fid_bound);
	CU_add_test(s, "uid squash, no setuid bits", test_squash);
	CU_add_test(s, "readdir in small batches", test_readdir);
	CU_add_test(s, "locks across fids", test_locks);
	CU_add_test(s, "malformed and unsupported messages", test_bad_messages);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
