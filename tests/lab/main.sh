# SPDX-License-Identifier: MIT
# main.sh: the lab's end-to-end suite, run in dom0 by scripts/lab: sources every t_*.sh in order.
. ./lib.sh
for t in ./t_*.sh; do
	echo "== lab: $t (at $(cut -d. -f1 /proc/uptime) s of uptime)"
	. "$t"
done
echo "== lab: done, $LAB_FAILED failed"
[ "$LAB_FAILED" = 0 ]
