/* SPDX-License-Identifier: MIT */
/* test_hv: libxl error mapping and the PVH domain config hv_xl.c builds (no Xen needed). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "hv.h"

/* libxl's ERROR_* values (libxl_error in _libxl_types.h): a test must not include libxl.h. */
static void test_errno(void)
{
	CU_ASSERT_EQUAL(hv_errno(0), 0);
	CU_ASSERT_EQUAL(hv_errno(-5 /* ERROR_NOMEM */), -ENOMEM);
	CU_ASSERT_EQUAL(hv_errno(-6 /* ERROR_INVAL */), -EINVAL);
	CU_ASSERT_EQUAL(hv_errno(-9 /* ERROR_TIMEDOUT */), -ETIMEDOUT);
	CU_ASSERT_EQUAL(hv_errno(-21 /* ERROR_DOMAIN_NOTFOUND */), -ESRCH);
	CU_ASSERT_EQUAL(hv_errno(-24 /* ERROR_DOMAIN_DESTROYED */), -ESRCH);
	CU_ASSERT_EQUAL(hv_errno(-22 /* ERROR_ABORTED */), -ECANCELED);
	CU_ASSERT_EQUAL(hv_errno(-23 /* ERROR_NOTFOUND */), -ENOENT);
	CU_ASSERT_EQUAL(hv_errno(-17 /* ERROR_DEVICE_EXISTS */), -EEXIST);
	CU_ASSERT_EQUAL(hv_errno(-4 /* ERROR_NI */), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(hv_errno(-3 /* ERROR_FAIL */), -EIO);
	CU_ASSERT_EQUAL(hv_errno(-1 /* ERROR_NONSPECIFIC */), -EIO);
	CU_ASSERT_EQUAL(hv_errno(-9999), -EIO);
}

static void test_reason_names(void)
{
	CU_ASSERT_STRING_EQUAL(hv_reason_name(HV_REASON_POWEROFF), "poweroff");
	CU_ASSERT_STRING_EQUAL(hv_reason_name(HV_REASON_CRASH), "crash");
	CU_ASSERT_STRING_EQUAL(hv_reason_name(HV_REASON_NONE), "none");
	CU_ASSERT_STRING_EQUAL(hv_reason_name((enum hv_shutdown_reason)99),
			       "unknown");
}

static const struct hv_domain_config good = {
	.name = "xenpod-web1",
	.uuid = "6f1c2a9e-0b7d-4e8a-9c51-3d2f7a1b0c44",
	.memory_mib = 64,
	.vcpus = 2,
	.kernel = "/usr/lib/xenpod/xenpod-kernel",
	.ramdisk = "/var/lib/xenpod/images/abc.cpio",
	.cmdline = "quiet",
};

static void test_config(void)
{
	char buf[1024];

	CU_ASSERT_EQUAL_FATAL(hv_config_describe(&good, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(
		buf, "type=pvh name=xenpod-web1 "
		     "uuid=6f1c2a9e-0b7d-4e8a-9c51-3d2f7a1b0c44 maxmem=66560 "
		     "target=65536 max_vcpus=2 avail=2 "
		     "kernel=/usr/lib/xenpod/xenpod-kernel "
		     "ramdisk=/var/lib/xenpod/images/abc.cpio cmdline=quiet "
		     "poweroff=preserve crash=preserve disks=0 nics=0");
}

static void test_config_rejects(void)
{
	struct hv_domain_config c;
	char buf[1024];

	c = good;
	c.uuid = "not-a-uuid";
	CU_ASSERT_EQUAL(hv_config_describe(&c, buf, sizeof(buf)), -EINVAL);
	c = good;
	c.vcpus = 0;
	CU_ASSERT_EQUAL(hv_config_describe(&c, buf, sizeof(buf)), -EINVAL);
	c = good;
	c.memory_mib = 0;
	CU_ASSERT_EQUAL(hv_config_describe(&c, buf, sizeof(buf)), -EINVAL);
	c = good;
	c.kernel = NULL;
	CU_ASSERT_EQUAL(hv_config_describe(&c, buf, sizeof(buf)), -EINVAL);
	c = good;
	c.name = "";
	CU_ASSERT_EQUAL(hv_config_describe(&c, buf, sizeof(buf)), -EINVAL);
	c = good;
	c.cmdline = NULL; /* allowed: becomes "" */
	CU_ASSERT_EQUAL(hv_config_describe(&c, buf, sizeof(buf)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "cmdline= "));
}

/*
 * hv_check against what this host is, judged here without libxl: no
 * /proc/xen/capabilities means "not on Xen" (-ENODEV, naming the file and the
 * errno), a file without control_d means "not dom0" (-EPERM). Only on a real
 * dom0 the outcome depends on libxl; then the answer must still be 0 and "ok"
 * or -errno and a one-line reason.
 */
static void test_check_off_xen(void)
{
	char why[256], caps[256] = "";
	FILE *f = fopen("/proc/xen/capabilities", "re");
	int err = errno, rc;

	if (f) {
		size_t n = fread(caps, 1, sizeof(caps) - 1, f);

		caps[n] = '\0';
		fclose(f);
	}
	memset(why, 'x', sizeof(why));
	rc = hv_check(why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(memchr(why, '\0', sizeof(why)));
	CU_ASSERT_PTR_NULL(strchr(why, '\n'));
	if (!f) {
		CU_ASSERT_EQUAL(rc, -ENODEV);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "not running on Xen"));
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "/proc/xen/capabilities"));
		CU_ASSERT_PTR_NOT_NULL(strstr(why, strerror(err)));
	} else if (!strstr(caps, "control_d")) {
		CU_ASSERT_EQUAL(rc, -EPERM);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "control_d"));
	} else if (rc) {
		CU_ASSERT(rc < 0);
		CU_ASSERT(why[0] != '\0' && strcmp(why, "ok"));
	} else {
		CU_ASSERT_STRING_EQUAL(why, "ok");
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("hv", NULL, NULL);
	CU_add_test(s, "errno", test_errno);
	CU_add_test(s, "reason_names", test_reason_names);
	CU_add_test(s, "config", test_config);
	CU_add_test(s, "config_rejects", test_config_rejects);
	CU_add_test(s, "check_off_xen", test_check_off_xen);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
