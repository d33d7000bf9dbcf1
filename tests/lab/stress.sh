# SPDX-License-Identifier: MIT
# stress.sh: dom0 side of scripts/lab-stress: starts many processes in dom0 for a fixed time and counts their faults.
#
# Runs in /lab (busybox sh) under scripts/lab. Settings come from ./stress.conf:
#   STRESS_SECONDS  how long to stress (default 600)
#   STRESS_BUSY     pods that spin a CPU meanwhile, so Xen switches dom0 out and
#                   back in all the time (default 2; 0 for none)
#   STRESS_CYCLE    seconds between pod create/run/remove cycles (default 60; 0 for none)
#   STRESS_PIN      1: dom0's vCPU on physical CPU 0 only and the busy pods on CPU 1 only, so
#                   Xen never switches between dom0 and a pod on one CPU (default 0)
# Every process start is counted (an exec of busybox, a pipeline stage, an xl or
# xenstore call). A fault is a "segfault at" / "general protection" / "trap"
# line in dmesg (lab-init enables exception-trace), or a command killed by a
# signal. Results: "@@STRESS KEY VALUE" lines, and "@@FAULT" lines with the
# faults' dmesg text. Nothing here asserts; the figures are the output.

cd "${LAB_DIR:-/lab}" || exit 1
[ -r ./stress.conf ] && . ./stress.conf
SECS=${STRESS_SECONDS:-600}
BUSY=${STRESS_BUSY:-2}
CYCLE=${STRESS_CYCLE:-60}
PIN=${STRESS_PIN:-0}
IMG=${LAB_DIR:-/lab}/images/rootfs
LOG=/tmp/stress.log
: >"$LOG"

starts=0
killed=0
cycles=0
cycle_fail=0

# Seconds since boot, without starting a process.
now() {
	read -r up _ </proc/uptime
	echo "${up%.*}"
}

# note RC: count a command killed by a signal (status 128 + N, but not 255).
note() {
	if [ "$1" -gt 128 ] && [ "$1" -lt 255 ]; then
		killed=$((killed + 1))
		echo "stress: a command died of signal $(($1 - 128))" >>"$LOG"
	fi
}

dmesg_faults() { dmesg | grep -cE 'segfault at|general protection|trap '; }

have_pods=0
if command -v xenpod >/dev/null && [ -S /run/xenpod/xenpodd.sock ] && [ -d "$IMG" ]; then
	have_pods=1
fi

if [ $have_pods = 1 ]; then
	b=0
	while [ $b -lt "$BUSY" ]; do
		xenpod run -d --name "busy$b" "$IMG" /bin/sh -c 'while :; do :; done' >>"$LOG" 2>&1 ||
			echo "stress: busy pod $b did not start: $(tail -1 $LOG)"
		b=$((b + 1))
	done
else
	echo "stress: no xenpodd or no images: dom0 only"
	BUSY=0
	CYCLE=0
fi
if [ "$PIN" = 1 ]; then
	xl vcpu-pin 0 all 0 >>"$LOG" 2>&1
	b=0
	while [ $b -lt "$BUSY" ]; do
		xl vcpu-pin "xenpod-busy$b" all 1 >>"$LOG" 2>&1
		b=$((b + 1))
	done
	echo "@@STRESS pinned $(xl vcpu-list | awk 'NR > 1 { printf "%s:%s ", $1, $7 }')"
fi
echo "@@STRESS cpu_flags $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2)"
echo "@@STRESS cmdline $(cat /proc/cmdline)"
echo "@@STRESS busy_pods $(xl list | awk 'NR > 2' | wc -l)"

f0=$(dmesg_faults)
t0=$(now)
end=$((t0 + SECS))
next_cycle=$((t0 + CYCLE))
next_report=$((t0 + 60))
iter=0
while :; do
	read -r up _ </proc/uptime
	t=${up%.*}
	[ "$t" -ge "$end" ] && break
	i=0
	while [ $i -lt 10 ]; do
		/bin/busybox true
		note $?
		i=$((i + 1))
	done
	starts=$((starts + 10))
	# A shell and a pipeline it starts (paths with a slash: each one an exec).
	out=$(/bin/busybox sh -c '/bin/echo stress | /bin/cat | /bin/tr a-z A-Z | /bin/wc -c')
	note $?
	[ "$out" = 7 ] || echo "stress: pipeline said '$out'" >>"$LOG"
	starts=$((starts + 5))
	/bin/busybox sh -c 'x=0; while [ $x -lt 3 ]; do /bin/busybox true; x=$((x + 1)); done'
	note $?
	starts=$((starts + 4))
	xenstore-read domid >/dev/null 2>>"$LOG"
	note $?
	xenstore-ls /local/domain/0 >/dev/null 2>>"$LOG"
	note $?
	starts=$((starts + 2))
	if [ $((iter % 10)) = 0 ]; then
		xl list >/dev/null 2>>"$LOG"
		note $?
		starts=$((starts + 1))
	fi
	if [ "$CYCLE" -gt 0 ] && [ "$t" -ge "$next_cycle" ]; then
		out=$(xenpod run --name "cyc$cycles" "$IMG" /bin/sh -c 'echo cycle | cat' 2>&1)
		rc=$?
		note $rc
		[ $rc = 0 ] && [ "$out" = cycle ] ||
			{ cycle_fail=$((cycle_fail + 1)); echo "stress: cycle $cycles: rc $rc: $out" >>"$LOG"; }
		xenpod rm -f "cyc$cycles" >>"$LOG" 2>&1
		cycles=$((cycles + 1))
		starts=$((starts + 2))
		next_cycle=$((t + CYCLE))
	fi
	if [ "$t" -ge "$next_report" ]; then
		echo "stress: $((t - t0)) s: $starts process starts, $(($(dmesg_faults) - f0)) faults"
		next_report=$((t + 60))
	fi
	iter=$((iter + 1))
done
t1=$(now)

faults=$(($(dmesg_faults) - f0))
if [ $have_pods = 1 ]; then
	xenpod rm -f $(xenpod ls -a -q) >>"$LOG" 2>&1
fi
echo "@@STRESS seconds $((t1 - t0))"
echo "@@STRESS starts $starts"
echo "@@STRESS faults $faults"
echo "@@STRESS killed $killed"
echo "@@STRESS cycles $cycles"
echo "@@STRESS cycle_failures $cycle_fail"
echo "@@STRESS per_hour $(awk -v f=$faults -v s=$((t1 - t0)) 'BEGIN { printf "%.1f", s ? f * 3600 / s : 0 }')"
echo "@@STRESS per_100k_starts $(awk -v f=$faults -v n=$starts 'BEGIN { printf "%.2f", n ? f * 100000 / n : 0 }')"
dmesg | grep -E 'segfault at|general protection|trap ' | sed 's/^/@@FAULT /'
grep -v '^$' "$LOG" | sort | uniq -c | sort -rn | head -15 | sed 's/^/stress log: /'
exit 0
