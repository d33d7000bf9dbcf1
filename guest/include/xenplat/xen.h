/* SPDX-License-Identifier: MIT */
/* xen.h: includes Xen's public headers the way the guest needs them. */
#ifndef GUEST_XENPLAT_XEN_H
#define GUEST_XENPLAT_XEN_H

#include <stdint.h>

#include "kernel/errno.h" /* before xs_wire.h: enables its xsd_errors[] */

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#endif
