/* SPDX-License-Identifier: MIT */
/* debugkey.h: the guest's state dump on Xen's debug key 'q' (VIRQ_DEBUG). */
#ifndef GUEST_XENPLAT_DEBUGKEY_H
#define GUEST_XENPLAT_DEBUGKEY_H

int xen_debugkey_init(void);

#endif
