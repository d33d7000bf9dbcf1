/* SPDX-License-Identifier: MIT */
/* test_p9_ring: the backend's 9pfs data ring (p9/p9_ring.c) against a simulated frontend, wrap-around and hostile indices. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "lib/p9.h"
#include "p9_ring.h"

#define ORDER 1u /* 2 pages: 4096 bytes each way */

static struct xen_9pfs_data_intf *intf;
static unsigned char *data;
static struct p9x_ring ring;
static uint8_t buf[P9_MSIZE_MAX];

static void fresh(RING_IDX start)
{
	memset(intf, 0, 4096);
	memset(data, 0xee, 2 * 4096);
	intf->out_cons = intf->out_prod = start;
	intf->in_cons = intf->in_prod = start;
	intf->ring_order = ORDER;
	p9x_ring_init(&ring, intf, data, ORDER);
}

/* The frontend's side: put a message of len bytes (size field len, tag t) on out. */
static void front_send(uint32_t len, uint16_t t)
{
	RING_IDX size = XEN_FLEX_RING_SIZE(ORDER), i;
	unsigned char *out = data + size;
	uint8_t m[8192];

	memset(m, (uint8_t)t, sizeof(m));
	p9_put32(m, len);
	m[4] = P9_TCLUNK;
	p9_put16(m + 5, t);
	for (i = 0; i < len; i++)
		out[(intf->out_prod + i) & (size - 1)] = m[i];
	intf->out_prod += len;
}

static void test_requests(void)
{
	uint32_t len;
	RING_IDX start;
	unsigned k, n;

	/* near the 2^32 wrap of the indices, and across the end of the ring */
	for (n = 0, start = 0xfffff000u; n < 6; n++, start += 0x7ff) {
		fresh(start);
		CU_ASSERT_EQUAL(p9x_ring_request(&ring, buf, 8192, &len), 0);
		for (k = 0; k < 20; k++) {
			front_send(11 + k * 97, (uint16_t)k);
			CU_ASSERT_EQUAL_FATAL(
				p9x_ring_request(&ring, buf, 8192, &len), 1);
			CU_ASSERT_EQUAL(len, 11 + k * 97);
			CU_ASSERT_EQUAL(p9_get16(buf + 5), k);
			CU_ASSERT_EQUAL(buf[len - 1], (uint8_t)k);
			CU_ASSERT_EQUAL(intf->out_cons, intf->out_prod);
		}
	}
}

static void test_partial_and_hostile(void)
{
	uint32_t len;

	fresh(100);
	/* half a header, then half a message: nothing yet */
	front_send(11, 1);
	intf->out_prod -= 7;
	CU_ASSERT_EQUAL(p9x_ring_request(&ring, buf, 8192, &len), 0);
	intf->out_prod += 3;
	CU_ASSERT_EQUAL(p9x_ring_request(&ring, buf, 8192, &len), 0);
	intf->out_prod += 4;
	CU_ASSERT_EQUAL(p9x_ring_request(&ring, buf, 8192, &len), 1);
	/* a size field above msize, above the ring, below the header */
	fresh(0);
	front_send(200, 2);
	CU_ASSERT_EQUAL(p9x_ring_request(&ring, buf, 199, &len), -EPROTO);
	fresh(0);
	front_send(20, 2);
	p9_put32(data + 4096, 4097); /* bigger than the ring itself */
	CU_ASSERT_EQUAL(p9x_ring_request(&ring, buf, 1 << 20, &len), -EPROTO);
	fresh(0);
	front_send(20, 2);
	p9_put32(data + 4096, 6);
	CU_ASSERT_EQUAL(p9x_ring_request(&ring, buf, 8192, &len), -EPROTO);
	/* a producer index far ahead claims at most a full ring */
	fresh(0);
	front_send(4000, 3);
	intf->out_prod = 0x80000000u;
	CU_ASSERT(p9x_ring_request(&ring, buf, 8192, &len) >= 0);
	/* the frontend scribbling on our consumer index changes nothing */
	fresh(0);
	front_send(11, 4);
	intf->out_cons = 12345;
	CU_ASSERT_EQUAL(p9x_ring_request(&ring, buf, 8192, &len), 1);
	CU_ASSERT_EQUAL(p9_get16(buf + 5), 4);
	CU_ASSERT_EQUAL(intf->out_cons, 11);
}

static void test_replies(void)
{
	RING_IDX size = XEN_FLEX_RING_SIZE(ORDER);
	uint8_t r[3000];
	unsigned i;

	fresh(0xfffffff0u);
	for (i = 0; i < sizeof(r); i++)
		r[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(p9x_ring_reply(&ring, r, 3000), 0);
	CU_ASSERT_EQUAL(p9x_ring_reply(&ring, r, 3000),
			-EAGAIN); /* 1096 free */
	CU_ASSERT_EQUAL(p9x_ring_reply(&ring, r, 1096), 0);
	CU_ASSERT_EQUAL(p9x_ring_reply(&ring, r, 1), -EAGAIN);
	CU_ASSERT_EQUAL(intf->in_prod, 0xfffffff0u + 4096);
	/* the frontend consumes the first reply; the next wraps round */
	for (i = 0; i < 3000; i++)
		CU_ASSERT_EQUAL_FATAL(data[(0xfffffff0u + i) & (size - 1)],
				      (uint8_t)i);
	intf->in_cons += 3000;
	CU_ASSERT_EQUAL(p9x_ring_reply(&ring, r, 3000), 0);
	for (i = 0; i < 3000; i++)
		CU_ASSERT_EQUAL_FATAL(
			data[(0xfffffff0u + 4096 + i) & (size - 1)],
			(uint8_t)i);
	CU_ASSERT_EQUAL(p9x_ring_reply(&ring, r, 4097), -EAGAIN);
	/* a scribbled in_prod is ignored: ours continues */
	intf->in_prod = 7;
	intf->in_cons = 0xfffffff0u + 4096 + 3000;
	CU_ASSERT_EQUAL(p9x_ring_reply(&ring, r, 10), 0);
	CU_ASSERT_EQUAL(intf->in_prod, 0xfffffff0u + 4096 + 3010);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	intf = aligned_alloc(4096, 4096);
	data = aligned_alloc(4096, 2 * 4096);
	if (!intf || !data || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("p9_ring", NULL, NULL);
	CU_add_test(s, "requests across the wrap", test_requests);
	CU_add_test(s, "partial and hostile requests",
		    test_partial_and_hostile);
	CU_add_test(s, "replies and room", test_replies);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	free(intf);
	free(data);
	return failed ? 1 : 0;
}
