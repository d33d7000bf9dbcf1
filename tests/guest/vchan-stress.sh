#!/bin/sh
# SPDX-License-Identifier: MIT
# vchan-stress.sh: repeats 8 MiB stdout and stdin transfers over the pod I/O channel in one boot, dumps guest state on a hang.
# Usage (host): scripts/lab run tests/guest/vchan-stress.sh BUILD/guest/xenpod-kernel \
#                   BUILD/tests/guest/xen-vchan-peer ROOT.cpio [xenctx kernel.map]
# STRESS_SECS (default 900) bounds the loop; STRESS_T (default 120) is the peer's timeout.
# Settings may come in /lab/stress.env (the host's environment does not reach dom0).
[ -f /lab/stress.env ] && . /lab/stress.env
K=/lab/xenpod-kernel
R=/lab/$(basename "${3:-root.cpio}")
[ -f "$R" ] || R=$(ls /lab/*.cpio 2>/dev/null | head -n 1)
PEER=/lab/xen-vchan-peer
SECS=${STRESS_SECS:-900}
PT=${STRESS_T:-120}
T=/tmp/vstress
rm -rf $T
mkdir -p $T/cons
cpid=$(cat /var/run/xen/xenconsoled.pid 2>/dev/null)
[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
sleep 0.3
xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest --log-dir=$T/cons
M=$T/main.log
until_ok() {
	end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.2
	done
}
main_cmd='echo main-start; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.5; done'
cat >$T/vpod.cfg <<EOC
type = "pvh"
name = "vpod"
kernel = "$K"
ramdisk = "$R"
memory = 96
on_poweroff = "preserve"
on_crash = "preserve"
EOC
xl create -p $T/vpod.cfg >/dev/null 2>&1 || { echo "FAIL: xl create"; exit 1; }
id=$(xl domid vpod)
xenstore-write -- /local/domain/$id/xenpod/spec "stdin=1 -- /bin/sh -c $(echo "$main_cmd" | sed 's/ /%20/g')"
xenstore-chmod /local/domain/$id/xenpod n0 r$id
xenstore-chmod /local/domain/$id/xenpod/spec n0 r$id
"$PEER" -m $M -T 600 $id >$T/peer0.out 2>&1 &
p0=$!
until_ok 20 xenstore-exists /local/domain/$id/xenpod/chan/ring-ref
xl unpause vpod
until_ok 90 grep -q "tick 2" $M || { echo "FAIL: no ticks"; exit 1; }
kill -9 $p0
wait $p0 2>/dev/null

dump() {
	echo "=== hang after $1; guest console:"
	tail -n 30 $T/cons/guest-vpod.log | sed 's/^/    /'
	if [ -x /lab/xenctx ]; then
		echo "=== xenctx (3 samples)"
		for i in 1 2 3; do
			/lab/xenctx -s /lab/kernel.map -S -a $id 0 2>&1 | head -n 60 | sed 's/^/    /'
			sleep 1
		done
	fi
	xl dmesg -c >/dev/null
	xl debug-keys e
	echo "=== xl debug-keys e (domain $id)"
	xl dmesg | sed -n "/Event channel information for domain $id/,/Event channel information for domain/p" | head -n 40 | sed 's/^/    /'
	xl dmesg -c >/dev/null
	xl debug-keys q
	sleep 1
	echo "=== xl debug-keys q (domain $id) and the guest's answer"
	xl dmesg | grep "(d$id) .*debug:" | sed 's/^/    /' 
	xl dmesg | grep -A14 "General information for domain $id:" | sed 's/^/    /'
	xl dmesg | grep -B2 -A10 "VCPU information and callbacks for domain $id:" | sed 's/^/    /'
	xl dmesg | grep "Notifying guest $id" | sed 's/^/    /'
	sleep 2
	echo "=== guest console after q:"
	tail -n 40 $T/cons/guest-vpod.log | sed 's/^/    /'
	echo "=== a new peer:"
	"$PEER" -m $M -T 30 $id echo alive 2>&1 | sed 's/^/    /'
	echo "=== main.log tail: $(tail -n 2 $M | tr '\n' ' ')"
}

# STRESS_HOG=1: a second pod spins (no channel) so vpod's vCPU is
# preempted at random points; STRESS_N: concurrent stdout sessions.
if [ "${STRESS_HOG:-0}" = 1 ]; then
	cat >$T/hog.cfg <<EOC
type = "pvh"
name = "hog"
kernel = "$K"
ramdisk = "$R"
memory = 32
EOC
	xl create -p $T/hog.cfg >/dev/null 2>&1 && hid=$(xl domid hog) &&
		xenstore-write -- /local/domain/$hid/xenpod/spec "-- /bin/sh -c while%20:;%20do%20:;%20done" &&
		xenstore-chmod /local/domain/$hid/xenpod n0 r$hid &&
		xenstore-chmod /local/domain/$hid/xenpod/spec n0 r$hid && xl unpause hog &&
		echo "INFO: stress: hog pod $hid spins"
fi
SN=${STRESS_N:-1}
# STRESS_POKE=1: write a child of the channel's ring-ref node 10 times a
# second, so the guest's watch fires and init reads xenstore in the middle
# of every transfer (never ring-ref itself: a read and write back could
# restore the last server's value over the next one's).
if [ "${STRESS_POKE:-0}" = 1 ]; then
	(while :; do
		xenstore-exists /local/domain/$id/xenpod/chan/ring-ref &&
			xenstore-write /local/domain/$id/xenpod/chan/ring-ref/poke 1 2>/dev/null
		sleep 0.1
	done) &
	poker=$!
	echo "INFO: stress: poking the channel's watch"
fi
want=$(seq 1 1200000 | md5sum | cut -d' ' -f1)
# N sessions' frames interleave on our stdout: compare the byte count.
[ "$SN" = 1 ] || want=$(($(seq 1 200000 | wc -c) * SN))
head -c 8388608 /dev/urandom >$T/in
end=$(($(date +%s) + SECS))
n=0
ok=0
while [ "$(date +%s)" -lt $end ]; do
	n=$((n + 1))
	if [ "${STRESS_CUT:-0}" = 1 ]; then
		# The server goes away mid-transfer (its timeout), then a new
		# one must be served: a daemon restarted during a big output.
		cut=$((1 + n % 4))
		"$PEER" -m $M -T $cut $id busybox seq 1 1200000 >/dev/null 2>$T/err
		rc=$?
		out=$("$PEER" -m $M -T $PT $id echo alive 2>&1)
		if [ "$out" != alive ]; then
			echo "FAIL: stress: iteration $n: after a server cut at $cut s (rc $rc: $(tail -n 2 $T/err | tr '\n' ' ')): '$out'"
			dump "cut #$n"
			break
		fi
		"$PEER" -m $M -T $cut -i $id cat <$T/in >/dev/null 2>$T/err
		rc=$?
		out=$("$PEER" -m $M -T $PT $id echo alive 2>&1)
		if [ "$out" != alive ]; then
			echo "FAIL: stress: iteration $n: after a stdin cut at $cut s (rc $rc: $(tail -n 2 $T/err | tr '\n' ' ')): '$out'"
			dump "stdin cut #$n"
			break
		fi
		ok=$n
		echo "INFO: stress: iteration $n ok (cut at $cut s)"
		continue
	fi
	t=$(date +%s)
	if [ "$SN" = 1 ]; then
		got=$("$PEER" -m $M -T $PT -v $id busybox seq 1 1200000 2>$T/err | md5sum | cut -d' ' -f1)
	else
		got=$(($("$PEER" -m $M -T $PT -n $SN $id busybox seq 1 200000 2>$T/err | wc -c)))
	fi
	if [ "$got" != "$want" ]; then
		echo "FAIL: stress: iteration $n stdout: $(cat $T/err)"
		dump "stdout #$n"
		break
	fi
	t1=$(date +%s)
	"$PEER" -m $M -T $PT -i $id cat <$T/in >$T/back 2>$T/err
	if ! cmp -s $T/in $T/back; then
		echo "FAIL: stress: iteration $n stdin: $(wc -c <$T/back) bytes back; $(cat $T/err)"
		dump "stdin #$n"
		break
	fi
	ok=$n
	echo "INFO: stress: iteration $n ok (stdout $((t1 - t)) s, stdin $(($(date +%s) - t1)) s)"
done
echo "INFO: stress: $ok of $n iterations passed in one boot"
[ -n "${poker:-}" ] && kill $poker
xl destroy vpod 2>/dev/null
xl destroy hog 2>/dev/null
[ "$ok" = "$n" ]
