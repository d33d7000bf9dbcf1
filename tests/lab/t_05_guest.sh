# SPDX-License-Identifier: MIT
# t_05_guest.sh: the guest kernel on Xen without the daemon: platform layer and user layer (issues 3, 4).
cp /usr/lib/xenpod/xenpod-kernel /lab/xenpod-kernel
sh ./platform-xen.sh /lab/xenpod-kernel || LAB_FAILED=$((LAB_FAILED + 1))
cp images/rootfs.cpio /lab/root.cpio
sh ./user-xen.sh /lab/xenpod-kernel /lab/root.cpio || LAB_FAILED=$((LAB_FAILED + 1))
