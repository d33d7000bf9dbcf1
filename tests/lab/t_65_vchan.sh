# SPDX-License-Identifier: MIT
# t_65_vchan.sh: the guest's pod I/O channel (issue 8) against a dom0 libxenvchan test peer, without xenpodd.
if [ -x ./xen-vchan-peer ] && [ -f ./vchan-xen.sh ]; then
	cp /usr/lib/xenpod/xenpod-kernel /lab/xenpod-kernel
	cp images/rootfs.cpio /lab/root.cpio
	sh ./vchan-xen.sh /lab/xenpod-kernel /lab/xen-vchan-peer /lab/root.cpio ||
		LAB_FAILED=$((LAB_FAILED + 1))
else
	echo "FAIL: vchan: xen-vchan-peer or vchan-xen.sh missing from /lab"
	LAB_FAILED=$((LAB_FAILED + 1))
fi
