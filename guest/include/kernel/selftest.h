/* SPDX-License-Identifier: MIT */
/* selftest.h: the kernel's platform test modes. */
#ifndef GUEST_KERNEL_SELFTEST_H
#define GUEST_KERNEL_SELFTEST_H

#include <stdbool.h>

/*
 * Runs the test mode named by xenpod.test= on the command line (see
 * kernel/selftest.c); test modes power off and do not return. Returns
 * false when no test mode is set.
 */
bool selftest_run(void);

#endif
