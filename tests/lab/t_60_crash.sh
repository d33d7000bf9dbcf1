# SPDX-License-Identifier: MIT
# t_60_crash.sh: kill -9 of xenpodd at every crash point of create and destroy, then restart (R8).
. ./lib_rel.sh
t60_start=$(r_now)
r_daemon_ensure
r_cleanup

r_xs_paths >/tmp/xs-t60
files0=$(r_state_files)
# A bystander pod that must live through every crash with the same domain.
xenpod run -d --name c-keep --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
keep_id=$(r_field c-keep domid)
keep_uuid=$(r_field c-keep uuid)
check_out "crash: bystander pod is running (R8)" running r_field c-keep status

# t60_crashed POINT MARK: the daemon died at POINT (and said so in its log).
t60_crashed() {
	wait_for 10 r_no_daemon &&
		r_log_since "$2" | grep -q "XENPOD_CRASH_AT=$1: exiting now"
}

t60_bystander() {
	check_out "crash $1: bystander keeps its domid and uuid (R8)" "$keep_id $keep_uuid running" \
		r_ids c-keep
}

# Create points: the create request dies with the daemon; the restart must undo the half-made pod.
for pt in after_state_creating after_domain_created after_spec_written; do
	pn=c-$(echo $pt | tr _ -)
	mark=$(r_log_mark)
	r_daemon_restart XENPOD_CRASH_AT=$pt
	check "crash $pt: the create request fails as the daemon dies (R8)" r_fails \
		xenpod run -d --name $pn --memory 16 $R_IMG/rootfs /bin/sleep 3600
	check "crash $pt: xenpodd exited at the crash point (R8)" t60_crashed $pt $mark
	check "crash $pt: its state file was left behind (R8)" test -f $R_STATE/$pn.json
	if [ $pt != after_state_creating ]; then
		check "crash $pt: its half-made domain was left behind (R8)" xl domid xenpod-$pn
	fi
	check "crash $pt: xenpodd restarts (R8)" r_daemon_start
	check_rc "crash $pt: the half-made pod was removed (R8)" 1 xenpod inspect $pn
	check "crash $pt: its domain is gone, no orphan (R8)" wait_for 15 domain_gone xenpod-$pn
	check "crash $pt: its state file is gone (R8)" test ! -e $R_STATE/$pn.json
	r_invariants "crash $pt"
	t60_bystander $pt
	check "crash $pt: the name can be used again (R8)" \
		xenpod run --name $pn --memory 16 $R_IMG/rootfs /bin/true
	xenpod rm $pn >/dev/null 2>&1
	r_diag_if_failed
done

# Destroy points: kill, rm -f, or a stop (the guest powers off) crash before/after the destroy.
for ph in before_destroy:kill before_destroy:stop after_destroy:kill after_destroy:rm; do
	pt=${ph%:*}
	how=${ph#*:}
	pn=c-$how-$(echo $pt | tr _ -)
	mark=$(r_log_mark)
	r_daemon_restart XENPOD_CRASH_AT=$pt
	xenpod run -d --name $pn --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null
	check "crash $pt/$how: pod runs under the crashing daemon (R8)" xl domid xenpod-$pn
	case $how in
	kill) xenpod kill $pn >/dev/null 2>&1 ;;
	rm) xenpod rm -f $pn >/dev/null 2>&1 ;;
	stop) xenpod stop -t 20 $pn >/dev/null 2>&1 ;;
	esac
	check "crash $pt/$how: xenpodd exited at the crash point (R8)" t60_crashed $pt $mark
	check "crash $pt/$how: xenpodd restarts (R8)" r_daemon_start
	check_out "crash $pt/$how: the pod is stopped after the restart (R8)" stopped \
		r_field $pn status
	check "crash $pt/$how: its domain is gone (R8)" wait_for 15 domain_gone xenpod-$pn
	r_invariants "crash $pt/$how"
	check "crash $pt/$how: rm of the stopped pod (R8)" xenpod rm $pn
	check "crash $pt/$how: its state file is gone (R8)" test ! -e $R_STATE/$pn.json
	r_diag_if_failed
done
t60_bystander end

# A crash point that names no point changes nothing.
r_daemon_restart XENPOD_CRASH_AT=no_such_point
check_out "crash: an unknown crash point is ignored (R8)" "hello" \
	xenpod run --name c-unknown --memory 16 $R_IMG/rootfs /bin/hello
xenpod rm c-unknown >/dev/null 2>&1
r_daemon_restart
check "crash: rm -f of the bystander (R8)" xenpod rm -f c-keep
check "crash: all xenpod domains gone (R8)" wait_for 15 sh -c '[ "$(xl list | grep -c "^xenpod-")" = 0 ]'
check_out "crash: no xenstore path left behind ($(wc -l </tmp/xs-t60) at the start) (R8)" "" \
	wait_for_out_eq 10 "" r_xs_new /tmp/xs-t60
check_out "crash: state files back to baseline (R8)" "$files0" r_state_files
r_diag_if_failed
echo "INFO: t_60_crash: $(r_ms_since $t60_start) ms"
r_end
