/* SPDX-License-Identifier: MIT */
/* test_p9: the 9P2000.L codec (guest/lib/p9.c) against the protocol's field lists, with hostile lengths. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "lib/p9.h"

/*
 * The wire layout of every message, typed from the protocol description
 * independently of the codec's tables: 1/2/4/8 = integers, s = string,
 * Q = qid, D = count[4] + data, W = nwname[2] + strings, X = nwqid[2] + qids.
 */
static const struct {
	uint8_t type;
	const char *fmt;
} layouts[] = {
	{ P9_TVERSION, "4s" },
	{ P9_RVERSION, "4s" },
	{ P9_TATTACH, "44ss4" },
	{ P9_RATTACH, "Q" },
	{ P9_TWALK, "44W" },
	{ P9_RWALK, "X" },
	{ P9_TLOPEN, "44" },
	{ P9_RLOPEN, "Q4" },
	{ P9_TLCREATE, "4s444" },
	{ P9_RLCREATE, "Q4" },
	{ P9_TREAD, "484" },
	{ P9_RREAD, "D" },
	{ P9_TWRITE, "48D" },
	{ P9_RWRITE, "4" },
	{ P9_TREADDIR, "484" },
	{ P9_RREADDIR, "D" },
	{ P9_TGETATTR, "48" },
	{ P9_RGETATTR, "8Q444888888888888888" },
	{ P9_TSETATTR, "4444488888" },
	{ P9_RSETATTR, "" },
	{ P9_TMKDIR, "4s44" },
	{ P9_RMKDIR, "Q" },
	{ P9_TUNLINKAT, "4s4" },
	{ P9_RUNLINKAT, "" },
	{ P9_TRENAMEAT, "4s4s" },
	{ P9_RRENAMEAT, "" },
	{ P9_TSYMLINK, "4ss4" },
	{ P9_RSYMLINK, "Q" },
	{ P9_TLINK, "44s" },
	{ P9_RLINK, "" },
	{ P9_TREADLINK, "4" },
	{ P9_RREADLINK, "s" },
	{ P9_TFSYNC, "44" },
	{ P9_RFSYNC, "" },
	{ P9_TCLUNK, "4" },
	{ P9_RCLUNK, "" },
	{ P9_TSTATFS, "4" },
	{ P9_RSTATFS, "448888884" },
	{ P9_TLOCK, "414884s" },
	{ P9_RLOCK, "1" },
	{ P9_TGETLOCK, "41884s" },
	{ P9_RGETLOCK, "1884s" },
	{ P9_TFLUSH, "2" },
	{ P9_RFLUSH, "" },
	{ P9_RLERROR, "4" },
};

#define NLAYOUTS (sizeof(layouts) / sizeof(layouts[0]))

static uint8_t wire[P9_MSIZE_MAX + 64], again[P9_MSIZE_MAX + 64];
static struct p9_msg msg;

/* Build a message of type from fmt with values derived from seed. */
static size_t build(uint8_t type, const char *fmt, unsigned seed)
{
	size_t n = P9_HDR_LEN;
	unsigned k, v = seed;
	const char *f;

	for (f = fmt; *f; f++, v++) {
		switch (*f) {
		case '1':
		case '2':
		case '4':
		case '8':
			for (k = 0; k < (unsigned)(*f - '0'); k++)
				wire[n++] = (uint8_t)(v * 37 + k);
			break;
		case 's':
			wire[n++] = (uint8_t)(v % 5 + 1);
			wire[n++] = 0;
			for (k = 0; k < v % 5 + 1; k++)
				wire[n++] = (uint8_t)('a' + (v + k) % 26);
			break;
		case 'Q':
			for (k = 0; k < P9_QID_LEN; k++)
				wire[n++] = (uint8_t)(v + k);
			break;
		case 'D':
			p9_put32(wire + n, v % 9);
			n += 4;
			for (k = 0; k < v % 9; k++)
				wire[n++] = (uint8_t)(k ^ 0x5a);
			break;
		case 'W':
			p9_put16(wire + n, (uint16_t)(v % (P9_MAXWELEM + 1)));
			n += 2;
			for (k = 0; k < v % (P9_MAXWELEM + 1); k++) {
				wire[n++] = 2;
				wire[n++] = 0;
				wire[n++] = (uint8_t)('a' + k);
				wire[n++] = 'x';
			}
			break;
		case 'X':
			p9_put16(wire + n, (uint16_t)(v % (P9_MAXWELEM + 1)));
			n += 2;
			for (k = 0; k < (v % (P9_MAXWELEM + 1)) * P9_QID_LEN;
			     k++)
				wire[n++] = (uint8_t)k;
			break;
		}
	}
	p9_put32(wire, (uint32_t)n);
	wire[4] = type;
	p9_put16(wire + 5, (uint16_t)(seed * 11));
	return n;
}

/* Every type: decode, re-encode byte for byte; every truncation and a
 * trailing byte are refused. */
static void test_roundtrip_all(void)
{
	unsigned i, seed;
	size_t n, cut;
	int rc;

	for (i = 0; i < NLAYOUTS; i++) {
		CU_ASSERT(p9_known_type(layouts[i].type));
		for (seed = 0; seed < 40; seed++) {
			n = build(layouts[i].type, layouts[i].fmt, seed);
			rc = p9_decode(wire, n, P9_MSIZE_MAX, &msg);
			if (rc)
				fprintf(stderr, "%s seed %u: %d\n",
					layouts[i].fmt, seed, rc);
			CU_ASSERT_EQUAL_FATAL(rc, 0);
			CU_ASSERT_EQUAL(msg.type, layouts[i].type);
			CU_ASSERT_EQUAL(msg.tag, (uint16_t)(seed * 11));
			rc = p9_encode(&msg, again, sizeof(again),
				       P9_MSIZE_MAX);
			CU_ASSERT_EQUAL_FATAL(rc, (int)n);
			CU_ASSERT(!memcmp(again, wire, n));
			/* A buffer one byte short: nothing written, -EMSGSIZE. */
			CU_ASSERT_EQUAL(p9_encode(&msg, again, n - 1,
						  P9_MSIZE_MAX),
					-EMSGSIZE);
			CU_ASSERT_EQUAL(p9_encode(&msg, again, n,
						  (uint32_t)n - 1),
					-EMSGSIZE);
			for (cut = P9_HDR_LEN; cut < n; cut++) {
				p9_put32(wire, (uint32_t)cut);
				CU_ASSERT_EQUAL(p9_decode(wire, cut,
							  P9_MSIZE_MAX, &msg),
						-EPROTO);
			}
			wire[n] = 0;
			p9_put32(wire, (uint32_t)n + 1);
			CU_ASSERT_EQUAL(p9_decode(wire, n + 1, P9_MSIZE_MAX,
						  &msg),
					-EPROTO);
		}
	}
}

static void test_header(void)
{
	size_t n = build(P9_TCLUNK, "4", 3);

	CU_ASSERT_EQUAL(p9_decode(wire, 6, P9_MSIZE_MAX, &msg), -EMSGSIZE);
	/* size field and length disagree */
	CU_ASSERT_EQUAL(p9_decode(wire, n - 1, P9_MSIZE_MAX, &msg), -EMSGSIZE);
	p9_put32(wire, 0xffffffffu);
	CU_ASSERT_EQUAL(p9_decode(wire, n, P9_MSIZE_MAX, &msg), -EMSGSIZE);
	/* above msize */
	n = build(P9_TCLUNK, "4", 3);
	CU_ASSERT_EQUAL(p9_decode(wire, n, (uint32_t)n - 1, &msg), -EMSGSIZE);
	CU_ASSERT_EQUAL(msg.type, P9_TCLUNK); /* header still reported */
	/* unknown types keep type and tag for the Rlerror */
	wire[4] = 30; /* Txattrwalk: not implemented */
	CU_ASSERT_EQUAL(p9_decode(wire, n, P9_MSIZE_MAX, &msg), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(msg.type, 30);
	CU_ASSERT_EQUAL(msg.tag, 33);
	wire[4] = P9_TLERROR;
	CU_ASSERT_EQUAL(p9_decode(wire, n, P9_MSIZE_MAX, &msg), -EOPNOTSUPP);
	wire[4] = 255;
	CU_ASSERT_EQUAL(p9_decode(wire, n, P9_MSIZE_MAX, &msg), -EOPNOTSUPP);
	CU_ASSERT_STRING_EQUAL(p9_type_name(P9_TWALK), "Twalk");
	CU_ASSERT_STRING_EQUAL(p9_type_name(255), "unknown");
	{
		uint32_t size;
		uint8_t h[4];

		p9_put32(h, 6);
		CU_ASSERT_EQUAL(p9_frame_size(h, 8192, &size), -EMSGSIZE);
		p9_put32(h, 8193);
		CU_ASSERT_EQUAL(p9_frame_size(h, 8192, &size), -EMSGSIZE);
		p9_put32(h, 8192);
		CU_ASSERT_EQUAL(p9_frame_size(h, 8192, &size), 0);
		CU_ASSERT_EQUAL(size, 8192);
	}
}

static void test_fields(void)
{
	static const uint8_t twalk[] = { 0, 0, 0,   0,	P9_TWALK, 0x34, 0x12,
					 1, 0, 0,   0,	2,	  0,	0,
					 0, 2, 0,   2,	0,	  'a',	'b',
					 2, 0, '.', '.' };
	uint8_t buf[sizeof(twalk)];

	memcpy(buf, twalk, sizeof(buf));
	p9_put32(buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(p9_decode(buf, sizeof(buf), 8192, &msg), 0);
	CU_ASSERT_EQUAL(msg.tag, 0x1234);
	CU_ASSERT_EQUAL(msg.u.twalk.fid, 1);
	CU_ASSERT_EQUAL(msg.u.twalk.newfid, 2);
	CU_ASSERT_EQUAL(msg.u.twalk.nwname, 2);
	CU_ASSERT_EQUAL(msg.u.twalk.wname[0].len, 2);
	CU_ASSERT(!memcmp(msg.u.twalk.wname[0].s, "ab", 2));
	CU_ASSERT(!memcmp(msg.u.twalk.wname[1].s, "..", 2));
	/* a NUL inside a name */
	buf[sizeof(buf) - 1] = 0;
	CU_ASSERT_EQUAL(p9_decode(buf, sizeof(buf), 8192, &msg), -EPROTO);
}

static void test_bounds(void)
{
	size_t n;

	/* 17 walk names */
	n = build(P9_TWALK, "44", 0);
	p9_put16(wire + n, P9_MAXWELEM + 1);
	n += 2;
	for (unsigned k = 0; k <= P9_MAXWELEM; k++) {
		wire[n++] = 1;
		wire[n++] = 0;
		wire[n++] = 'x';
	}
	p9_put32(wire, (uint32_t)n);
	CU_ASSERT_EQUAL(p9_decode(wire, n, P9_MSIZE_MAX, &msg), -EPROTO);
	/* 17 qids */
	n = build(P9_RWALK, "", 0);
	p9_put16(wire + n, P9_MAXWELEM + 1);
	n += 2;
	memset(wire + n, 0, (P9_MAXWELEM + 1) * P9_QID_LEN);
	n += (P9_MAXWELEM + 1) * P9_QID_LEN;
	p9_put32(wire, (uint32_t)n);
	CU_ASSERT_EQUAL(p9_decode(wire, n, P9_MSIZE_MAX, &msg), -EPROTO);
	/* a data count beyond the message */
	n = build(P9_TWRITE, "48", 0);
	p9_put32(wire + n, 0xffffffffu);
	n += 4;
	p9_put32(wire, (uint32_t)n);
	CU_ASSERT_EQUAL(p9_decode(wire, n, P9_MSIZE_MAX, &msg), -EPROTO);
	/* a string length beyond the message */
	n = build(P9_RREADLINK, "", 0);
	p9_put16(wire + n, 0xffff);
	n += 2;
	p9_put32(wire, (uint32_t)n);
	CU_ASSERT_EQUAL(p9_decode(wire, n, P9_MSIZE_MAX, &msg), -EPROTO);
	/* encoding refuses what it could not decode */
	memset(&msg, 0, sizeof(msg));
	msg.type = P9_TWALK;
	msg.u.twalk.nwname = P9_MAXWELEM + 1;
	CU_ASSERT_EQUAL(p9_encode(&msg, again, sizeof(again), P9_MSIZE_MAX),
			-EINVAL);
	msg.type = 30;
	CU_ASSERT_EQUAL(p9_encode(&msg, again, sizeof(again), P9_MSIZE_MAX),
			-EINVAL);
	/* a Twrite larger than msize */
	memset(&msg, 0, sizeof(msg));
	msg.type = P9_TWRITE;
	msg.u.tio.data.p = wire;
	msg.u.tio.data.len = 8192 - 23 + 1; /* 23 bytes of framing */
	CU_ASSERT_EQUAL(p9_encode(&msg, again, sizeof(again), 8192), -EMSGSIZE);
	msg.u.tio.data.len = 8192 - 23;
	CU_ASSERT_EQUAL(p9_encode(&msg, again, sizeof(again), 8192), 8192);
	CU_ASSERT_EQUAL(p9_decode(again, 8192, 8192, &msg), 0);
	CU_ASSERT_EQUAL(msg.u.tio.count, 8192 - 23);
}

static void test_dirents(void)
{
	uint8_t buf[128];
	uint32_t pos = 0, rpos = 0;
	struct p9_dirent d = { { P9_QTDIR, 1, 42 }, 7, 4, { "sub", 3 } }, out;
	int rc;

	CU_ASSERT_EQUAL(p9_dirent_put(buf, sizeof(buf), &pos, &d), 0);
	CU_ASSERT_EQUAL(pos, p9_dirent_len(3));
	d.name = (struct p9_str){ "file.txt", 8 };
	d.offset = 9;
	CU_ASSERT_EQUAL(p9_dirent_put(buf, sizeof(buf), &pos, &d), 0);
	CU_ASSERT_EQUAL(p9_dirent_put(buf, pos + p9_dirent_len(8) - 1, &pos,
				      &d),
			-ENOSPC);
	CU_ASSERT_EQUAL(p9_dirent_next(buf, pos, &rpos, &out), 1);
	CU_ASSERT_EQUAL(out.qid.path, 42);
	CU_ASSERT_EQUAL(out.qid.type, P9_QTDIR);
	CU_ASSERT_EQUAL(out.offset, 7);
	CU_ASSERT_EQUAL(out.type, 4);
	CU_ASSERT(out.name.len == 3 && !memcmp(out.name.s, "sub", 3));
	CU_ASSERT_EQUAL(p9_dirent_next(buf, pos, &rpos, &out), 1);
	CU_ASSERT(out.name.len == 8 && !memcmp(out.name.s, "file.txt", 8));
	CU_ASSERT_EQUAL(p9_dirent_next(buf, pos, &rpos, &out), 0);
	/* truncated entry, and a name with '/' */
	rpos = 0;
	rc = p9_dirent_next(buf, p9_dirent_len(3) - 1, &rpos, &out);
	CU_ASSERT_EQUAL(rc, -EPROTO);
	rpos = 0;
	buf[P9_QID_LEN + 9 + 2 + 1] = '/';
	CU_ASSERT_EQUAL(p9_dirent_next(buf, pos, &rpos, &out), -EPROTO);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("p9", NULL, NULL);
	CU_add_test(s, "every message round trip, truncations",
		    test_roundtrip_all);
	CU_add_test(s, "header: size, msize, unknown types", test_header);
	CU_add_test(s, "Twalk fields, NUL in a name", test_fields);
	CU_add_test(s, "counts above their bounds", test_bounds);
	CU_add_test(s, "readdir entries", test_dirents);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
