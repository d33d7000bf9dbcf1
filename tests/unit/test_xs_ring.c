/* SPDX-License-Identifier: MIT */
/* test_xs_ring.c: host tests of xenstore ring framing and index checks, hostile values. */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/string.h"
#include "xenplat/xs_ring.h"

static struct xenstore_domain_interface *ring;

static int setup(void)
{
	ring = calloc(1, sizeof(*ring));
	return ring ? 0 : 1;
}

static int teardown(void)
{
	free(ring);
	return 0;
}

static void reset(uint32_t req_cons, uint32_t req_prod, uint32_t rsp_cons,
		  uint32_t rsp_prod)
{
	memset(ring, 0, sizeof(*ring));
	ring->req_cons = req_cons;
	ring->req_prod = req_prod;
	ring->rsp_cons = rsp_cons;
	ring->rsp_prod = rsp_prod;
}

static void test_put_fills_and_stops(void)
{
	char buf[XENSTORE_RING_SIZE + 10];

	memset(buf, 'a', sizeof(buf));
	reset(0, 0, 0, 0);
	CU_ASSERT_EQUAL(xs_ring_put(ring, buf, 100), 100);
	CU_ASSERT_EQUAL(ring->req_prod, 100);
	CU_ASSERT_EQUAL(xs_ring_put(ring, buf, sizeof(buf)),
			XENSTORE_RING_SIZE - 100);
	CU_ASSERT_EQUAL(xs_ring_put(ring, buf, 1), 0); /* full */
}

static void test_put_wraps_at_2_32(void)
{
	const char msg[] = "0123456789";

	reset(0xfffffffb, 0xfffffffb, 0, 0);
	CU_ASSERT_EQUAL(xs_ring_put(ring, msg, 10), 10);
	CU_ASSERT_EQUAL(ring->req_prod, 5u);
	/* 0xfffffffb & 1023 = 1019: five bytes at the end, five at 0 */
	CU_ASSERT_EQUAL(memcmp(ring->req + 1019, "01234", 5), 0);
	CU_ASSERT_EQUAL(memcmp(ring->req, "56789", 5), 0);
}

static void test_put_hostile_indices(void)
{
	/* consumer "ahead" of the producer, or too far behind */
	reset(10, 5, 0, 0);
	CU_ASSERT_EQUAL(xs_ring_put(ring, "x", 1), -EIO);
	reset(0, XENSTORE_RING_SIZE + 1, 0, 0);
	CU_ASSERT_EQUAL(xs_ring_put(ring, "x", 1), -EIO);
	reset(0x80000000u, 0, 0, 0);
	CU_ASSERT_EQUAL(xs_ring_put(ring, "x", 1), -EIO);
	CU_ASSERT_EQUAL(ring->req_prod, 0u); /* untouched */
}

static void test_get(void)
{
	char out[XENSTORE_RING_SIZE];

	reset(0, 0, 0xfffffffe, 2);
	memcpy(ring->rsp + 1022, "ab", 2);
	memcpy(ring->rsp, "cd", 2);
	CU_ASSERT_EQUAL(xs_ring_get(ring, out, sizeof(out)), 4);
	CU_ASSERT_EQUAL(memcmp(out, "abcd", 4), 0);
	CU_ASSERT_EQUAL(ring->rsp_cons, 2u);
	CU_ASSERT_EQUAL(xs_ring_get(ring, out, sizeof(out)), 0);
	reset(0, 0, 0, 3);
	CU_ASSERT_EQUAL(xs_ring_get(ring, out, 2), 2); /* partial reads */
	CU_ASSERT_EQUAL(xs_ring_get(ring, out, 2), 1);
}

static void test_get_hostile_indices(void)
{
	char out[16];
	static const uint32_t bad[][2] = {
		{ 0, XENSTORE_RING_SIZE + 1 }, { 5, 4 }, { 0, 0xffffffffu },
		{ 0x7fffffffu, 0xffffffffu },  { 1, 0 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset(0, 0, bad[i][0], bad[i][1]);
		CU_ASSERT_EQUAL(xs_ring_get(ring, out, sizeof(out)), -EIO);
		CU_ASSERT_EQUAL(ring->rsp_cons, bad[i][0]);
	}
	reset(0, 0, 0, XENSTORE_RING_SIZE); /* exactly full is legal */
	CU_ASSERT_EQUAL(xs_ring_get(ring, out, sizeof(out)), 16);
}

static void test_build(void)
{
	char buf[64];
	struct xsd_sockmsg h;
	struct xs_part p[2] = { { "a/b", 3, 1 }, { "val", 3, 0 } };
	int n = xs_msg_build(buf, sizeof(buf), XS_WRITE, 7, 9, p, 2);

	CU_ASSERT_EQUAL(n, (int)sizeof(h) + 7);
	memcpy(&h, buf, sizeof(h));
	CU_ASSERT_EQUAL(h.type, XS_WRITE);
	CU_ASSERT_EQUAL(h.req_id, 7);
	CU_ASSERT_EQUAL(h.tx_id, 9);
	CU_ASSERT_EQUAL(h.len, 7);
	CU_ASSERT_EQUAL(memcmp(buf + sizeof(h), "a/b\0val", 7), 0);
	CU_ASSERT_EQUAL(xs_msg_build(buf, 20, XS_WRITE, 1, 0, p, 2), -E2BIG);
}

static void test_build_payload_limit(void)
{
	static char big[XENSTORE_PAYLOAD_MAX + 64];
	static char data[XENSTORE_PAYLOAD_MAX + 1];
	struct xs_part ok = { data, XENSTORE_PAYLOAD_MAX, 0 };
	struct xs_part over = { data, XENSTORE_PAYLOAD_MAX, 1 };
	struct xs_part huge[2] = { { data, SIZE_MAX - 2, 0 }, { data, 8, 0 } };

	CU_ASSERT_EQUAL(
		xs_msg_build(big, sizeof(big), XS_WRITE, 1, 0, &ok, 1),
		(int)(sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX));
	CU_ASSERT_EQUAL(xs_msg_build(big, sizeof(big), XS_WRITE, 1, 0, &over,
				     1),
			-E2BIG);
	CU_ASSERT_EQUAL(xs_msg_build(big, sizeof(big), XS_WRITE, 1, 0, huge, 2),
			-E2BIG);
}

static void test_check(void)
{
	struct xsd_sockmsg h = { .type = XS_READ, .len = XENSTORE_PAYLOAD_MAX };

	CU_ASSERT_EQUAL(xs_msg_check(&h), 0);
	h.len = XENSTORE_PAYLOAD_MAX + 1;
	CU_ASSERT_EQUAL(xs_msg_check(&h), -EIO);
	h.len = 0xffffffffu;
	CU_ASSERT_EQUAL(xs_msg_check(&h), -EIO);
	h.len = 1;
	h.type = XS_TYPE_COUNT;
	CU_ASSERT_EQUAL(xs_msg_check(&h), -EIO);
	h.type = XS_INVALID;
	CU_ASSERT_EQUAL(xs_msg_check(&h), -EIO);
}

static void test_errors(void)
{
	CU_ASSERT_EQUAL(xs_error_to_errno("ENOENT", 7), -ENOENT);
	CU_ASSERT_EQUAL(xs_error_to_errno("EACCES", 7), -EACCES);
	CU_ASSERT_EQUAL(xs_error_to_errno("EAGAIN", 7), -EAGAIN);
	CU_ASSERT_EQUAL(xs_error_to_errno("E2BIG", 5), -E2BIG);
	CU_ASSERT_EQUAL(xs_error_to_errno("ENOENTX", 8), -EIO);
	CU_ASSERT_EQUAL(xs_error_to_errno("ENO", 3), -EIO);
	CU_ASSERT_EQUAL(xs_error_to_errno("", 0), -EIO);
	CU_ASSERT_EQUAL(xs_error_to_errno("EINVALEINVAL", 6), -EINVAL);
}

static void test_watch_event(void)
{
	const char *path, *token;

	CU_ASSERT_EQUAL(xs_watch_event_parse("a/b\0tok", 8, &path, &token), 0);
	CU_ASSERT_STRING_EQUAL(path, "a/b");
	CU_ASSERT_STRING_EQUAL(token, "tok");
	CU_ASSERT_EQUAL(xs_watch_event_parse("a/b\0tok", 7, &path, &token),
			-EIO);
	CU_ASSERT_EQUAL(xs_watch_event_parse("a/b", 3, &path, &token), -EIO);
	CU_ASSERT_EQUAL(xs_watch_event_parse("\0tok", 5, &path, &token), -EIO);
	CU_ASSERT_EQUAL(xs_watch_event_parse("", 0, &path, &token), -EIO);
}

static void test_directory(void)
{
	CU_ASSERT_EQUAL(xs_directory_count("a\0bb\0c", 7), 3);
	CU_ASSERT_EQUAL(xs_directory_count("", 0), 0);
	CU_ASSERT_EQUAL(xs_directory_count("a\0bb", 4), -EIO);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("xs_ring", setup, teardown);
	CU_add_test(s, "put_fills_and_stops", test_put_fills_and_stops);
	CU_add_test(s, "put_wraps_at_2_32", test_put_wraps_at_2_32);
	CU_add_test(s, "put_hostile_indices", test_put_hostile_indices);
	CU_add_test(s, "get", test_get);
	CU_add_test(s, "get_hostile_indices", test_get_hostile_indices);
	CU_add_test(s, "build", test_build);
	CU_add_test(s, "build_payload_limit", test_build_payload_limit);
	CU_add_test(s, "check", test_check);
	CU_add_test(s, "errors", test_errors);
	CU_add_test(s, "watch_event", test_watch_event);
	CU_add_test(s, "directory", test_directory);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
