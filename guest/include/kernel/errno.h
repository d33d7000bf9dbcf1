/* SPDX-License-Identifier: MIT */
/* errno.h: the kernel's -errno returns and syscall ABI: Linux's values, as lib/ uses them. */
#ifndef GUEST_KERNEL_ERRNO_H
#define GUEST_KERNEL_ERRNO_H

#include "lib/errno.h"

#endif
