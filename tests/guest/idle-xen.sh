#!/bin/sh
# SPDX-License-Identifier: MIT
# idle-xen.sh: lab test of pod CPU use and boot time: an idle pod must not burn CPU (tickless kernel).
# Usage (host): tests/lab/mkimages.sh DIR && scripts/lab run tests/guest/idle-xen.sh DIR
# (DIR is copied to /lab/images in dom0). Prints PASS:/FAIL:/INFO: lines;
# exits non-zero if any check failed.

IMG=${IMG:-/lab/images}
failed=0
pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1 - $2"
	failed=1
}

# cputime DOMAIN: the Time(s) column of xl list (CPU seconds used).
cputime() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }

# used DOMAIN SECONDS: CPU seconds the domain uses in SECONDS of wall time.
used() {
	a=$(cputime "$1")
	sleep "$2"
	b=$(cputime "$1")
	[ -n "$a" ] && [ -n "$b" ] || return 1
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f\n", b - a }'
}

# The console carries only the program's output: boot lines go to Xen's log.
out=$(xenpod run --name i-hello "$IMG/rootfs" /bin/hello world 2>&1)
if [ "$out" = "hello world" ]; then
	pass "quiet boot: run prints only the program's output"
else
	fail "quiet boot" "got '$(echo "$out" | tr '\n' '|')'"
fi
# (the newest domain's boot figures are the last ones in Xen's log)
xl dmesg | grep "xenpod-kernel: \(Xen [0-9]\|set-up\|boot to init\)" | tail -n 3 |
	sed 's/^/INFO: /'
xenpod rm -f i-hello >/dev/null 2>&1

# An idle pod: sleep 600 blocks in nanosleep; the kernel must not tick.
xenpod run -d --name i-idle "$IMG/rootfs" /bin/sleep 600 >/dev/null 2>&1 ||
	fail "idle pod" "xenpod run -d failed"
sleep 5 # past boot
idle=$(used xenpod-i-idle 30)
echo "INFO: idle pod (sleep 600): ${idle:-?} s of CPU in 30 s"
if [ -n "$idle" ] && awk -v u="$idle" 'BEGIN { exit !(u <= 0.3) }'; then
	pass "idle pod uses ~0% CPU (${idle} s in 30 s)"
else
	fail "idle pod CPU" "${idle:-no figure} s of CPU in 30 s"
fi
xenpod rm -f i-idle >/dev/null 2>&1

# The measurement itself: a busy pod must show up as busy.
xenpod run -d --name i-busy "$IMG/rootfs" /bin/sh -c 'while :; do :; done' \
	>/dev/null 2>&1 || fail "busy pod" "xenpod run -d failed"
sleep 3
busy=$(used xenpod-i-busy 10)
echo "INFO: busy pod: ${busy:-?} s of CPU in 10 s"
if [ -n "$busy" ] && awk -v u="$busy" 'BEGIN { exit !(u >= 1.0) }'; then
	pass "busy pod shows CPU use (${busy} s in 10 s)"
else
	fail "busy pod CPU" "${busy:-no figure} s of CPU in 10 s"
fi
xenpod rm -f i-busy >/dev/null 2>&1
exit $failed
