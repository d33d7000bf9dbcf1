/* SPDX-License-Identifier: MIT */
/* test_vchan_ring.c: host tests of the vchan ring index checks and layout checks, hostile values. */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/string.h"
#include "xenplat/vchan_ring.h"

#define SIZE 1024u

static struct ring_shared shr;
static uint8_t buf[SIZE];
static struct vchan_ring r;

/* A ring of SIZE bytes whose shared indices start at prod/cons. */
static int attach(uint32_t cons, uint32_t prod, int write)
{
	memset(buf, 0, sizeof(buf));
	shr.cons = cons;
	shr.prod = prod;
	return vchan_ring_attach(&r, &shr, buf, SIZE, write);
}

static void test_write_fills_and_stops(void)
{
	uint8_t data[SIZE + 8];

	memset(data, 'a', sizeof(data));
	CU_ASSERT_EQUAL(attach(0, 0, 1), 0);
	CU_ASSERT_EQUAL(vchan_ring_space(&r), (int)SIZE);
	CU_ASSERT_EQUAL(vchan_ring_write(&r, data, 100), 100);
	CU_ASSERT_EQUAL(shr.prod, 100u);
	/* all or nothing */
	CU_ASSERT_EQUAL(vchan_ring_write(&r, data, SIZE - 99), 0);
	CU_ASSERT_EQUAL(shr.prod, 100u);
	CU_ASSERT_EQUAL(vchan_ring_write(&r, data, SIZE - 100),
			(int)SIZE - 100);
	CU_ASSERT_EQUAL(vchan_ring_space(&r), 0);
	CU_ASSERT_EQUAL(vchan_ring_write(&r, data, SIZE + 1), -EMSGSIZE);
	shr.cons = 50; /* the reader took 50 */
	CU_ASSERT_EQUAL(vchan_ring_space(&r), 50);
}

static void test_write_wraps_at_2_32(void)
{
	CU_ASSERT_EQUAL(attach(0xfffffffb, 0xfffffffb, 1), 0);
	CU_ASSERT_EQUAL(vchan_ring_write(&r, "0123456789", 10), 10);
	CU_ASSERT_EQUAL(shr.prod, 5u);
	/* 0xfffffffb & 1023 = 1019: five bytes at the end, five at 0 */
	CU_ASSERT_EQUAL(memcmp(buf + 1019, "01234", 5), 0);
	CU_ASSERT_EQUAL(memcmp(buf, "56789", 5), 0);
}

static void test_write_hostile_cons(void)
{
	CU_ASSERT_EQUAL(attach(0, 0, 1), 0);
	CU_ASSERT_EQUAL(vchan_ring_write(&r, "abcd", 4), 4);
	/* the reader claims to have consumed more than was written */
	shr.cons = 5;
	CU_ASSERT_EQUAL(vchan_ring_space(&r), -EIO);
	CU_ASSERT_EQUAL(vchan_ring_write(&r, "x", 1), -EIO);
	shr.cons = 0x80000004;
	CU_ASSERT_EQUAL(vchan_ring_write(&r, "x", 1), -EIO);
	shr.cons = 4u - SIZE - 1; /* one more than the ring can hold */
	CU_ASSERT_EQUAL(vchan_ring_write(&r, "x", 1), -EIO);
	/* our prod is ours: the other end overwriting it changes nothing */
	shr.cons = 4;
	shr.prod = 12345;
	CU_ASSERT_EQUAL(vchan_ring_write(&r, "efgh", 4), 4);
	CU_ASSERT_EQUAL(shr.prod, 8u);
	CU_ASSERT_EQUAL(memcmp(buf + 4, "efgh", 4), 0);
	/* inconsistent from the start */
	CU_ASSERT_EQUAL(attach(0, SIZE + 1, 1), -EIO);
	CU_ASSERT_EQUAL(attach(7, 6, 1), -EIO);
	CU_ASSERT_EQUAL(attach(0, SIZE, 1), 0); /* exactly full is fine */
}

static void test_read(void)
{
	uint8_t out[16];

	CU_ASSERT_EQUAL(attach(0, 0, 0), 0);
	CU_ASSERT_EQUAL(vchan_ring_read(&r, out, sizeof(out)), 0);
	memcpy(buf, "hello", 5);
	shr.prod = 5;
	CU_ASSERT_EQUAL(vchan_ring_ready(&r), 5);
	CU_ASSERT_EQUAL(vchan_ring_read(&r, out, 3), 3);
	CU_ASSERT_EQUAL(memcmp(out, "hel", 3), 0);
	CU_ASSERT_EQUAL(shr.cons, 3u);
	CU_ASSERT_EQUAL(vchan_ring_read(&r, out, sizeof(out)), 2);
	CU_ASSERT_EQUAL(memcmp(out, "lo", 2), 0);
	/* wrap at 2^32 and at the ring's end */
	CU_ASSERT_EQUAL(attach(0xfffffffe, 0xfffffffe, 0), 0);
	memcpy(buf + SIZE - 2, "ab", 2);
	memcpy(buf, "cd", 2);
	shr.prod = 2;
	CU_ASSERT_EQUAL(vchan_ring_read(&r, out, sizeof(out)), 4);
	CU_ASSERT_EQUAL(memcmp(out, "abcd", 4), 0);
	CU_ASSERT_EQUAL(shr.cons, 2u);
}

static void test_read_hostile_prod(void)
{
	uint8_t out[8];

	CU_ASSERT_EQUAL(attach(0, 0, 0), 0);
	shr.prod = SIZE + 1; /* more than the ring holds */
	CU_ASSERT_EQUAL(vchan_ring_ready(&r), -EIO);
	CU_ASSERT_EQUAL(vchan_ring_read(&r, out, sizeof(out)), -EIO);
	CU_ASSERT_EQUAL(shr.cons, 0u); /* nothing consumed */
	shr.prod = 0xffffffff; /* behind our cons */
	CU_ASSERT_EQUAL(vchan_ring_read(&r, out, sizeof(out)), -EIO);
	shr.prod = 0x80000000;
	CU_ASSERT_EQUAL(vchan_ring_read(&r, out, sizeof(out)), -EIO);
	shr.prod = SIZE; /* exactly full is fine */
	CU_ASSERT_EQUAL(vchan_ring_ready(&r), (int)SIZE);
	/* our cons is ours: a rewritten shared cons does not replay data */
	CU_ASSERT_EQUAL(vchan_ring_read(&r, out, 4), 4);
	shr.cons = 0;
	CU_ASSERT_EQUAL(vchan_ring_ready(&r), (int)SIZE - 4);
	CU_ASSERT_EQUAL(attach(5, 4, 0), -EIO);
}

static void test_shape(void)
{
	struct vchan_shape s;

	/* libxenvchan_server_init(..., 65536, 65536) */
	CU_ASSERT_EQUAL(vchan_shape(16, 16, &s), 0);
	CU_ASSERT_EQUAL(s.wr_size, 65536u);
	CU_ASSERT_EQUAL(s.wr_pages, 16u);
	CU_ASSERT_EQUAL(s.rd_pages, 16u);
	CU_ASSERT_EQUAL(s.wr_off, 0u);
	/* small rings inside the control page */
	CU_ASSERT_EQUAL(vchan_shape(10, 11, &s), 0);
	CU_ASSERT_EQUAL(s.wr_off, 1024u);
	CU_ASSERT_EQUAL(s.rd_off, 2048u);
	CU_ASSERT_EQUAL(s.wr_pages + s.rd_pages, 0u);
	CU_ASSERT_EQUAL(vchan_shape(12, 10, &s), 0);
	CU_ASSERT_EQUAL(s.wr_pages, 1u);
	/* hostile orders */
	CU_ASSERT_EQUAL(vchan_shape(9, 16, &s), -EINVAL);
	CU_ASSERT_EQUAL(vchan_shape(16, 21, &s), -EINVAL);
	CU_ASSERT_EQUAL(vchan_shape(0xffff, 16, &s), -EINVAL);
	CU_ASSERT_EQUAL(vchan_shape(10, 10, &s), -EINVAL); /* same offset */
	CU_ASSERT_EQUAL(vchan_shape(11, 11, &s), -EINVAL);
	/* 20 + 20: 512 grants fit the page */
	CU_ASSERT_EQUAL(vchan_shape(20, 20, &s), 0);
	/* 20 beside a 1 KiB in-page ring: 256 grants run into offset 1024 */
	CU_ASSERT_EQUAL(vchan_shape(20, 10, &s), -EINVAL);
	CU_ASSERT_EQUAL(vchan_shape(19, 10, &s), 0); /* 128 grants fit */
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("vchan_ring", NULL, NULL);
	CU_add_test(s, "write_fills_and_stops", test_write_fills_and_stops);
	CU_add_test(s, "write_wraps_at_2_32", test_write_wraps_at_2_32);
	CU_add_test(s, "write_hostile_cons", test_write_hostile_cons);
	CU_add_test(s, "read", test_read);
	CU_add_test(s, "read_hostile_prod", test_read_hostile_prod);
	CU_add_test(s, "shape", test_shape);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
