# SPDX-License-Identifier: MIT
# t_10_seams.sh: the daemon's seams (libxl, xenstore, images) driven directly in dom0.
if [ -x ./seams_lab ]; then
	./seams_lab /usr/lib/xenpod/xenpod-kernel images/rootfs.tar.gz || LAB_FAILED=$((LAB_FAILED + 1))
else
	echo "FAIL: seams: seams_lab was not built"
	LAB_FAILED=$((LAB_FAILED + 1))
fi
