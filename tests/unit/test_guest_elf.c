/* SPDX-License-Identifier: MIT */
/* test_guest_elf: ELF64 validation for the guest loader, with hostile headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "lib/elf.h"

static union {
	unsigned char b[16384];
	unsigned long long align;
} img;

static struct elf64_ehdr *eh(void)
{
	return (struct elf64_ehdr *)img.b;
}

static struct elf64_phdr *ph(int i)
{
	return (struct elf64_phdr *)(img.b + 64 + 56 * i);
}

/* A static ET_EXEC: text at 0x400000 (file 0..0x1000), data+bss after. */
static void build(void)
{
	memset(&img, 0, sizeof(img));
	memcpy(img.b,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = 1;
	eh()->e_entry = 0x400100;
	eh()->e_phoff = 64;
	eh()->e_ehsize = 64;
	eh()->e_phentsize = 56;
	eh()->e_phnum = 3;
	*ph(0) = (struct elf64_phdr){ PT_LOAD,	PF_R | PF_X, 0,	     0x400000,
				      0x400000, 0x1000,	     0x1000, 0x1000 };
	*ph(1) = (struct elf64_phdr){ PT_LOAD,	PF_R | PF_W, 0x1000, 0x401000,
				      0x401000, 0x800,	     0x5000, 0x1000 };
	*ph(2) = (struct elf64_phdr){
		PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16
	};
}

static int check(size_t len, struct elf_info *info)
{
	const char *err = NULL;
	int rc = elf_check(img.b, len, info, &err);

	if (rc)
		CU_ASSERT_PTR_NOT_NULL(err);
	return rc;
}

static void test_good(void)
{
	struct elf_info in;

	build();
	CU_ASSERT_EQUAL_FATAL(check(0x2000, &in), 0);
	CU_ASSERT_EQUAL(in.type, ET_EXEC);
	CU_ASSERT_EQUAL(in.entry, 0x400100);
	CU_ASSERT_EQUAL(in.lo, 0x400000);
	CU_ASSERT_EQUAL(in.hi, 0x406000);
	CU_ASSERT_EQUAL(in.phdr_vaddr, 0x400040);
	CU_ASSERT_EQUAL(in.phnum, 3);
	CU_ASSERT_FALSE(in.has_interp);
	CU_ASSERT_FALSE(in.exec_stack);
	CU_ASSERT_EQUAL(elf_phdr(img.b, &in, 1)->p_memsz, 0x5000);
}

static void test_interp(void)
{
	struct elf_info in;

	build();
	*ph(2) = (struct elf64_phdr){ PT_INTERP, PF_R, 0x300, 0, 0, 28, 28, 1 };
	strcpy((char *)img.b + 0x300, "/lib64/ld-linux-x86-64.so.2");
	CU_ASSERT_EQUAL_FATAL(check(0x2000, &in), 0);
	CU_ASSERT_TRUE(in.has_interp);
	CU_ASSERT_STRING_EQUAL(in.interp, "/lib64/ld-linux-x86-64.so.2");
	ph(2)->p_filesz = 5; /* not NUL-terminated */
	CU_ASSERT(check(0x2000, &in) < 0);
	ph(2)->p_filesz = 0;
	CU_ASSERT(check(0x2000, &in) < 0);
	ph(2)->p_offset = 0x1fff;
	ph(2)->p_filesz = 2;
	CU_ASSERT(check(0x2000, &in) < 0);
}

/* Each mutation of a good header must be rejected. */
static void test_hostile(void)
{
	struct elf_info in;
	int n = 0;

#define BAD(stmt)                                                 \
	do {                                                      \
		build();                                          \
		stmt;                                             \
		n++;                                              \
		if (check(0x2000, &in) == 0) {                    \
			fprintf(stderr, "accepted: %s\n", #stmt); \
			CU_FAIL("hostile ELF accepted");          \
		}                                                 \
	} while (0)
	BAD(img.b[0] = 0);
	BAD(img.b[4] = 1);
	BAD(img.b[5] = 2);
	BAD(eh()->e_machine = 3);
	BAD(eh()->e_type = 1);
	BAD(eh()->e_phentsize = 32);
	BAD(eh()->e_phnum = 0);
	BAD(eh()->e_phnum = 1000);
	BAD(eh()->e_phoff = 0x1ff0);
	BAD(eh()->e_phoff = ~0ull);
	BAD(eh()->e_phoff = 65);
	BAD(eh()->e_entry = 0x900000);
	BAD(ph(1)->p_filesz = 0x6000);
	BAD(ph(1)->p_offset = ~0ull - 10);
	BAD(ph(1)->p_filesz = 0x1001);
	BAD(ph(1)->p_vaddr = 0x401001);
	BAD(ph(1)->p_vaddr = ~0ull - 0x1000 + 1);
	BAD(ph(1)->p_memsz = ~0ull);
	BAD(ph(1)->p_vaddr = 0x0000800000000000ull);
	BAD(ph(0)->p_type = 0; ph(1)->p_type = 0);
	CU_ASSERT_EQUAL(n, 20);
	build();
	CU_ASSERT(check(63, &in) < 0);
	CU_ASSERT(check(64 + 56 * 3 - 1, &in) < 0);
}

static void test_pie(void)
{
	struct elf_info in;

	build();
	eh()->e_type = ET_DYN;
	eh()->e_entry = 0x100;
	ph(0)->p_vaddr = 0;
	ph(1)->p_vaddr = 0x1000;
	CU_ASSERT_EQUAL_FATAL(check(0x2000, &in), 0);
	CU_ASSERT_EQUAL(in.lo, 0);
	CU_ASSERT_EQUAL(in.hi, 0x6000);
	CU_ASSERT_EQUAL(in.phdr_vaddr, 0x40);
}

static void test_fuzz(void)
{
	struct elf_info in;

	srand(3);
	for (int it = 0; it < 20000; it++) {
		build();
		for (int k = rand() % 4; k >= 0; k--)
			img.b[rand() % (64 + 56 * 3)] = (unsigned char)rand();
		if (check(0x2000, &in) == 0) {
			CU_ASSERT(in.phoff + in.phnum * 56ull <= 0x2000);
			CU_ASSERT(in.lo <= in.entry && in.entry < in.hi);
		}
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("guest_elf", NULL, NULL);
	CU_add_test(s, "good", test_good);
	CU_add_test(s, "interp", test_interp);
	CU_add_test(s, "hostile", test_hostile);
	CU_add_test(s, "pie", test_pie);
	CU_add_test(s, "fuzz", test_fuzz);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
