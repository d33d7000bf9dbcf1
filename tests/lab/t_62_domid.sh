# SPDX-License-Identifier: MIT
# t_62_domid.sh: a pod's domid recycled by another domain: destructive operations must spare it (R11).
[ -r ./t_6x_lib.sh ] && . ./t_6x_lib.sh
t62_start=$(r_now)
r_daemon_ensure
r_cleanup

# t62_impostor DOMID NAME: a paused foreign domain (another uuid) created with exactly DOMID.
t62_impostor() {
	cat >/tmp/$2.cfg <<EOC
type = "pvh"
name = "$2"
kernel = "/usr/lib/xenpod/xenpod-kernel"
memory = 16
domid = $1
cmdline = "xenpod.test=idle"
on_poweroff = "destroy"
EOC
	xl create -p /tmp/$2.cfg >/dev/null 2>&1 && [ "$(xl domid $2)" = "$1" ]
}
# t62_alive NAME DOMID: the impostor still exists with that domid and is still paused.
t62_alive() {
	[ "$(xl domid $1 2>/dev/null)" = "$2" ] &&
		xl list $1 | awk 'NR == 2 { exit !($5 ~ /p/) }'
}
# t62_swap POD NAME: while xenpodd is frozen, destroy POD's domain behind its back and give
# the domid to a new foreign domain NAME; xenpodd is thawed right before the operation.
t62_swap() {
	dom=$(xl domid xenpod-$1)
	kill -STOP $(r_pid)
	xl destroy xenpod-$1 && wait_for 10 domain_gone xenpod-$1 && t62_impostor $dom $2
	rc=$?
	echo $dom
	return $rc
}

# A live daemon is frozen while the domid changes hands; then kill/stop/rm -f/start arrive.
for op in kill stop rm start; do
	pn=d-$op
	if [ $op = start ]; then
		printf '{"name":"%s","image":"%s","command":["/bin/sleep","3600"],"memory_mib":16}\n' \
			$pn "$R_IMG/rootfs" >/tmp/$pn.json
		xenpod create -f /tmp/$pn.json >/dev/null
	else
		xenpod run -d --name $pn --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
	fi
	uuid=$(r_field $pn uuid)
	if dom=$(t62_swap $pn imp-$op); then
		echo "PASS: domid $op: domid $dom of pod $pn now belongs to imp-$op (R11)"
	else
		echo "FAIL: domid $op: could not give domid $dom to a new domain (R11)"
		LAB_FAILED=$((LAB_FAILED + 1))
	fi
	kill -CONT $(r_pid)
	case $op in
	kill) xenpod kill $pn >/dev/null 2>&1 ;;
	stop) xenpod stop -t 3 $pn >/dev/null 2>&1 ;;
	rm) xenpod rm -f $pn >/dev/null 2>&1 ;;
	start) xenpod start $pn >/dev/null 2>&1 ;;
	esac
	sleep 1
	check "domid $op: the recycled domid $dom was not touched (R11)" t62_alive imp-$op $dom
	if [ $op != rm ]; then
		check_out "domid $op: the pod is stopped (R11)" stopped wait_for_out_eq 10 stopped \
			r_field $pn status
		check "domid $op: the pod no longer claims domid $dom (R11)" sh -c \
			"xenpod inspect $pn | grep -q '\"domid\": *null'"
		check "domid $op: rm of the pod spares the recycled domid (R11)" xenpod rm -f $pn
		check "domid $op: imp-$op still alive after rm (R11)" t62_alive imp-$op $dom
	else
		check_rc "domid rm: the pod is removed (R11)" 1 xenpod inspect $pn
	fi
	xl destroy imp-$op
done

# The daemon is dead while the domid changes hands: the restart must not adopt or kill the stranger.
xenpod run -d --name d-dead --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
r_daemon_kill9
dom=$(xl domid xenpod-d-dead)
xl destroy xenpod-d-dead
wait_for 10 domain_gone xenpod-d-dead
check "domid restart: domid $dom given to a new domain (R11)" t62_impostor $dom imp-dead
check "domid restart: xenpodd restarts (R11)" r_daemon_start
check_out "domid restart: the pod is stopped as lost (R11)" "stopped lost" \
	sh -c "echo \$(xenpod inspect d-dead | sed -n 's/^ *\"\\(status\\|reason\\)\": *\"\\([^\"]*\\)\".*/\\2/p')"
check "domid restart: the stranger with domid $dom is untouched (R11)" t62_alive imp-dead $dom
check "domid restart: rm of the lost pod (R11)" xenpod rm d-dead
check "domid restart: the stranger survives the rm (R11)" t62_alive imp-dead $dom
xl destroy imp-dead

# A crash between "stopped" saved and the destroy leaves a state file naming the old domid.
xenpod run -d --name d-crash --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
dom=$(xl domid xenpod-d-crash)
r_daemon_restart XENPOD_CRASH_AT=before_destroy
xenpod kill d-crash >/dev/null 2>&1
wait_for 10 r_no_daemon
check "domid crash: the state file names domid $dom (R11)" \
	grep -q "\"domid\": *${dom}[,}]" $R_STATE/d-crash.json
xl destroy xenpod-d-crash
wait_for 10 domain_gone xenpod-d-crash
check "domid crash: domid $dom given to a new domain (R11)" t62_impostor $dom imp-crash
check "domid crash: xenpodd restarts (R11)" r_daemon_start
check "domid crash: the stranger with domid $dom is untouched (R11)" t62_alive imp-crash $dom
check "domid crash: the pod no longer claims domid $dom (R11)" sh -c \
	"xenpod inspect d-crash | grep -q '\"domid\": *null'"
check "domid crash: rm of the pod (R11)" xenpod rm d-crash
check "domid crash: the stranger survives (R11)" t62_alive imp-crash $dom
xl destroy imp-crash
r_invariants "domid"
r_diag_if_failed
echo "INFO: t_62_domid: $(r_ms_since $t62_start) ms"
r_end
