#!/bin/sh
# SPDX-License-Identifier: MIT
# devices.sh: dom0 side of tests/lab/run-devices: the guest network check, the 9pfs conformance check, the pod's own volumes.
cd /lab || exit 1
rc=0
sh ./net-xen.sh /lab/xenpod-kernel || rc=1
sh ./linux-xen.sh /lab/vmlinuz-* /lab/p9-guest.cpio.gz || rc=1
sh ./pod-xen.sh /lab/xenpod-kernel /lab/netroot.cpio /lab/lockprobe || rc=1
exit $rc
