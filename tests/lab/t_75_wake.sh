# SPDX-License-Identifier: MIT
# t_75_wake.sh: guest timed wake-ups under Xen (issue 11.4): late sleeps across pods, idle pod CPU, the daemon's net.

IMG=/lab/images
T=/tmp/t75
mkdir -p $T
WAKE_PODS=${WAKE_PODS:-4}
WAKE_SLEEPS=${WAKE_SLEEPS:-400}

# Several pods sleep 10-50 ms at a time, all at once; each counts the wake-ups that came
# 100 ms or more after their deadline (see tests/lab/progs/sleeper.c). Figures, not timed
# assertions: the checks are that every sleep ended (a lost wake-up that nothing rescues is a
# pod that never reports) and none ended early (the program fails then).
net0=$(grep -c "the periodic poll moved" /var/log/xenpodd.log 2>/dev/null)
xl dmesg -c >/dev/null # the count below reads Xen's log of these pods only (the serial log keeps all)
t0=$(date +%s)
i=1
while [ $i -le $WAKE_PODS ]; do
	timeout 300 xenpod run --name wk$i --memory 16 $IMG/rootfs /bin/sleeper $WAKE_SLEEPS 10 50 \
		>$T/wk$i.out 2>&1 &
	i=$((i + 1))
done
# The control: the same sleeper in dom0 (PV Linux) at the same time. Late wake-ups there too, at
# the same moments, are the whole machine stalling (QEMU on a loaded host), not the guest.
$IMG/rootfs/bin/sleeper $WAKE_SLEEPS 10 50 >$T/dom0.out 2>&1 &
wait
sed 's/^/wake: dom0: /' $T/dom0.out
awk '/^sleeps / { printf "FIGURE: wake: dom0 control: %d sleeps, %d late, %.1f per 1000, worst %d ms\n",
	$2, $4, $4 * 1000 / $2, $8 }' $T/dom0.out
t1=$(date +%s)
cat $T/wk*.out | sed 's/^/wake: /'
check_out "wake: every sleeper pod reported" $WAKE_PODS \
	sh -c "cat $T/wk*.out | grep -c '^sleeps $WAKE_SLEEPS '"
awk -v secs=$((t1 - t0)) '/^sleeps / { p++; n += $2; l += $4; s += $6; if ($8 > m) m = $8 }
	END { printf "FIGURE: wake: %d sleeps in %d pods, %d late (>= 100 ms), %.1f per 1000,", n,
		p, l, n ? l * 1000 / n : 0
		printf " %d over 1 s, worst %d ms late; %d s wall\n", s, m, secs }' $T/wk*.out
# Interrupts the emulated CPU delivered before the guest's idle halt, which the guest resumed past
# (each would have been a lost wake-up: docs/WAKEUPS.md); the pods log them at power-off.
xl dmesg | awk '/interrupts came before the idle halt/ { for (i = 1; i <= NF; i++)
	if ($i == "interrupts") { n += $(i - 1); p++ } }
	END { printf "FIGURE: wake: %d interrupts came before the idle halt, in %d of the pods\n", n, p }'
xenpod rm -f $(i=1; while [ $i -le $WAKE_PODS ]; do echo wk$i; i=$((i + 1)); done) >/dev/null 2>&1

# An idle pod's CPU: xl list's CPU seconds over 40 s of a pod that only sleeps.
dom_cpu() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }
check "wake: an idle pod" xenpod run -d --name wk-idle --memory 16 $IMG/rootfs /bin/sleep 3600
sleep 5
a=$(dom_cpu xenpod-wk-idle)
sleep 40
b=$(dom_cpu xenpod-wk-idle)
echo "FIGURE: wake: idle pod CPU $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) * 100 / 40 }') % of a CPU ($a s -> $b s over 40 s)"
xenpod rm -f wk-idle >/dev/null 2>&1

# The daemon's safety-net poll: each log line is an event it had to make up for.
net1=$(grep -c "the periodic poll moved" /var/log/xenpodd.log 2>/dev/null)
echo "FIGURE: wake: the daemon's net poll found work $((net1 - net0)) times in this test, $net1 since the daemon started"
grep "the periodic poll moved" /var/log/xenpodd.log | tail -5 | sed 's/^/info: xenpodd: /'
