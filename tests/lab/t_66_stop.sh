# SPDX-License-Identifier: MIT
# t_66_stop.sh: a pod that ignores `stop` is destroyed once the grace period (stop -t N) is over (R16).
. ./lib_rel.sh
t66_start=$(r_now)
r_daemon_ensure
r_cleanup

# The main process ignores SIGTERM (what stop sends it), so the guest never powers off.
xenpod run -d --name g-deaf --memory 16 $R_IMG/rootfs /bin/sh -c 'trap "" TERM; sleep 3600' >/dev/null
xenpod run -d --name g-polite --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
wait_for 10 sh -c 'xenpod logs g-deaf; xenpod inspect g-deaf | grep -q "\"status\": *\"running\""'
t0=$(r_now)
xenpod stop -t 4 g-deaf >/tmp/g-deaf.out 2>&1 &
stopper=$!
sleep 1
check "stop: others are served while a stop waits out its grace period (R16)" xenpod ls
check_out "stop: the deaf pod is still running 1 s into its 4 s grace (R16)" running r_field g-deaf status
wait $stopper
rc=$?
ms=$(r_ms_since $t0)
check_out "stop: stop -t 4 of a pod ignoring it returns 0 (R16)" 0 echo $rc
check "stop: it took the grace period, 4 s <= $ms ms < 10 s (R16)" [ $ms -ge 3900 -a $ms -lt 10000 ]
check_out "stop: the pod is stopped with reason timeout (R16)" "stopped timeout" \
	r_fields g-deaf status reason
check "stop: its domain is destroyed (R16)" wait_for 10 domain_gone xenpod-g-deaf
t0=$(r_now)
check "stop: a pod that honours stop stops at once (R16)" xenpod stop -t 30 g-polite
ms=$(r_ms_since $t0)
check "stop: in well under its 30 s grace ($ms ms) (R16)" [ $ms -lt 10000 ]
check_out "stop: its reason is poweroff (R16)" poweroff r_field g-polite reason
check "stop: rm of both (R16)" xenpod rm g-deaf g-polite
check_out "stop: no xenpod domains left (R16)" 0 xenpod_domains
r_diag_if_failed
echo "INFO: t_66_stop: $(r_ms_since $t66_start) ms"
r_end
