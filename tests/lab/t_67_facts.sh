# SPDX-License-Identifier: MIT
# t_67_facts.sh: a pod's facts are its own (issue 11): the kernel it booted outlives a daemon
# restart with another --kernel (point 10); a guest kernel that died is crashed, not stopped (11).
. ./lib_rel.sh
t67_start=$(r_now)
r_daemon_ensure
r_cleanup
K=/usr/lib/xenpod/xenpod-kernel
KN=/tmp/t67-kernel-nochan

# t67_restart [ARG...]: kill -9 xenpodd and start it again with these arguments.
t67_restart() {
	r_daemon_kill9 || return 1
	(xenpodd -d "$@" >>$R_DLOG 2>&1 &)
	wait_for 20 xenpod version
}
t67_chan_up() { xenpod exec "$1" /bin/true; }
t67_sha() { sha256sum "$1" | cut -c1-64; }
t67_kernel() { r_fields "$1" kernel kernel_digest io_channel; }
# t67_no_chan POD: exec fails at once saying the pod has no channel (not "not connected yet").
t67_no_chan() {
	e=$(timeout 20 xenpod exec "$1" /bin/true 2>&1) && return 1
	echo "$e" | grep -q "has no I/O channel"
}

# ---- 10: the kernel a pod booted is recorded with it ----
# A stand-in kernel without the I/O channel: the same kernel, with the xenstore node it looks
# for renamed (the daemon, too, tells a kernel that serves the channel by that name).
sed 's|xenpod/chan/ring-ref|xenpod/chan/ring-rex|g' $K >$KN
check_out "kernel: a stand-in without the channel, one byte apart" 1 sh -c "cmp -l $K $KN | wc -l"
SK=$(t67_sha $K)
SN=$(t67_sha $KN)
check "kernel: a pod" xenpod run -d --name k-old --memory 16 $R_IMG/rootfs /bin/sleep 3600
check "kernel: its channel comes up" wait_for 20 t67_chan_up k-old
check_out "kernel: inspect shows its kernel, digest and channel" "$K $SK true" t67_kernel k-old
check "kernel: xenpodd restarts with --kernel of a kernel without the channel" \
	t67_restart --kernel $KN
check "kernel: the old pod's channel comes back (its own kernel serves one)" \
	wait_for 30 t67_chan_up k-old
check_out "kernel: exec into the old pod works" "still here" xenpod exec k-old /bin/echo still here
check_out "kernel: inspect still shows the kernel it booted" "$K $SK true" t67_kernel k-old
check "kernel: a new pod, with the daemon's new kernel" xenpod run -d --name k-new --memory 16 \
	$R_IMG/rootfs /bin/sh -c 'echo new-pod-out; sleep 3600'
check_out "kernel: inspect shows the new kernel, without the channel" "$KN $SN false" \
	t67_kernel k-new
check "kernel: its output goes to the console" wait_for 20 sh -c \
	'xenpod logs k-new | grep -q new-pod-out'
check "kernel: exec into it says it has no channel" t67_no_chan k-new
check "kernel: xenpodd restarts with its default kernel" t67_restart
check "kernel: the old pod's channel comes back" wait_for 30 t67_chan_up k-old
check "kernel: the new pod still gets no channel (its kernel serves none)" t67_no_chan k-new
t67_both() { echo "$(t67_kernel k-old) $(t67_kernel k-new)"; }
check_out "kernel: both keep their kernels" "$K $SK true $KN $SN false" t67_both
check "kernel: rm of both" xenpod rm -f k-old k-new

# ---- 11: a guest kernel that died: failed, crashed, 137 ----
TF="crashed: the guest kernel rebooted (triple fault?)"
PN="crashed: the guest kernel crashed (panic or fatal fault)"
xenpod events >/tmp/t67-events 2>&1 &
evp=$!
sleep 1
check_rc "crash: run of a triple-faulting guest exits 137" 137 sh -c \
	"timeout 60 xenpod run --name c-tf --memory 16 --kernel-args xenpod.test=triple-fault \
	$R_IMG/rootfs /bin/true 2>/tmp/t67.err"
echo "INFO: crash: run said: $(head -c 200 /tmp/t67.err)"
check "crash: ... and says why" grep -qF "pod c-tf: $TF" /tmp/t67.err
check_out "crash: the pod is failed, crashed (not stopped, reboot)" "failed $TF" r_fields c-tf status reason
check_out "crash: its exit code is 137" 137 r_field c-tf exit_code
check_out "crash: wait prints 137" 137 xenpod wait c-tf
check "crash: ls shows it failed with 137" sh -c 'xenpod ls -a | grep "^c-tf " | grep -q "failed  *137"'
check "crash: its domain is destroyed" wait_for 10 domain_gone xenpod-c-tf
check "crash: the events say failed" wait_for 10 grep -qF " c-tf failed ($TF, exit code 137)" /tmp/t67-events
check "crash: ... never exited or stopped" sh -c '! grep -q " c-tf \(exited\|stopped\)\( \|$\)" /tmp/t67-events'
kill $evp 2>/dev/null
wait $evp 2>/dev/null
check_rc "crash: run of a panicking guest exits 137" 137 sh -c \
	"timeout 60 xenpod run --name c-panic --memory 16 --kernel-args xenpod.test=panic \
	$R_IMG/rootfs /bin/true 2>/dev/null"
check_out "crash: the pod is failed, crashed" "failed $PN" r_fields c-panic status reason
# A crash while no daemon runs is found at the restart, and reads the same.
# run -d answers once the program runs, which this guest never does: the
# CLI waits in the background while the daemon is killed under it.
xenpod run -d --name c-late --memory 16 \
	--kernel-args "xenpod.test=triple-fault xenpod.test.delay=8000" $R_IMG/rootfs /bin/true \
	>/dev/null 2>&1 &
t67_up() { xl list xenpod-c-late 2>/dev/null | awk 'NR == 2 { f = $5 !~ /p/ } END { exit !f }'; }
check "crash: a guest that triple-faults in 8 s is unpaused" wait_for 6 t67_up
r_daemon_kill9
wait $! 2>/dev/null
t67_shut() { xl list xenpod-c-late 2>/dev/null | awk 'NR == 2 { f = $5 ~ /s/ } END { exit !f }'; }
check "crash: its domain shuts down while no daemon runs" wait_for 60 t67_shut
r_daemon_start
check_out "crash: the restarted daemon finds it failed, crashed" "failed $TF 137" \
	wait_for_out_eq 20 "failed $TF 137" r_fields c-late status reason exit_code
check_out "crash: wait prints 137" 137 xenpod wait c-late
check "crash: rm of the crashed pods" xenpod rm c-tf c-panic c-late
r_cleanup
r_invariants facts
r_diag_if_failed
echo "INFO: t_67_facts: $(r_ms_since $t67_start) ms"
r_end
