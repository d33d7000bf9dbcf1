#!/bin/sh
# SPDX-License-Identifier: MIT
# hostile-xen.sh: lab tests of xenpod-kernel's hostile-guest test modes (xl only, no daemon).
# Usage (host): scripts/lab run tests/guest/hostile-xen.sh BUILD/guest/xenpod-kernel
# In dom0 it uses /lab/xenpod-kernel, else $1, else the installed kernel.
# Checks that each mode does what the reliability tests rely on (kernel/hostile.c);
# prints PASS:/FAIL: lines; exits non-zero if any check failed.

K=${1:-/lab/xenpod-kernel}
[ -f "$K" ] || K=/usr/lib/xenpod/xenpod-kernel
failed=0
pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1 - $2"
	failed=1
}

# cfg NAME CMDLINE: a PVH config that preserves the domain when it stops.
cfg() {
	cat >/tmp/$1.cfg <<EOC
type = "pvh"
name = "$1"
kernel = "$K"
memory = 32
cmdline = "$2"
on_poweroff = "preserve"
on_crash = "preserve"
on_reboot = "preserve"
EOC
	xl create /tmp/$1.cfg >/dev/null 2>&1 || fail "$1" "xl create failed"
}

state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
cputime() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }
until_ok() {
	end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.2
	done
}
has_state() { case "$(state "$1")" in *"$2"*) return 0 ;; esac; return 1; }
home() { echo /local/domain/$(xl domid "$1"); }
feature_poweroff() { [ "$(xenstore-read "$(home "$1")/control/feature-poweroff" 2>/dev/null)" = 1 ]; }
node_is() { [ "$(xenstore-read "$(home "$1")/$2" 2>/dev/null)" = "$3" ]; }
flood_count() { xenstore-list "$(home "$1")/data/xenpod/flood" 2>/dev/null | wc -l; }
flood_some() { [ "$(flood_count "$1")" -ge "$2" ]; }

# shutdown_ok NAME: xl shutdown powers it off within 60 s.
shutdown_ok() {
	timeout 90 xl shutdown "$1" >/dev/null 2>&1
	until_ok 60 has_state "$1" s
}

# 1. xs-garbage: every value reaches the nodes; the last one stays; stop works.
cfg hgarb "xenpod.test=xs-garbage"
if until_ok 90 node_is hgarb data/xenpod/state 007; then
	pass "xs-garbage: wrote the whole cycle (state ends as '007')"
else
	fail xs-garbage "state '$(xenstore-read "$(home hgarb)/data/xenpod/state" 2>&1)'"
fi
n=$(xenstore-read "$(home hgarb)/data/xenpod/exit" 2>/dev/null)
[ "$n" = 007 ] && pass "xs-garbage: exit holds garbage too" || fail xs-garbage "exit '$n'"
xl dmesg | grep "xs-garbage: .*2048 bytes\|xs-garbage: .*bytes$\|console/tty <- empty" |
	tail -n 3 | sed 's/^/    /'
shutdown_ok hgarb && pass "xs-garbage: xl shutdown still powers it off" ||
	fail xs-garbage "state $(state hgarb) after shutdown"
xl destroy hgarb 2>/dev/null

# 2. xs-flood: nodes up to the quota, rewritten forever; stop works.
cfg hflood "xenpod.test=xs-flood"
if until_ok 120 flood_some hflood 100; then
	pass "xs-flood: $(flood_count hflood) nodes under ~/data/xenpod/flood"
else
	fail xs-flood "$(flood_count hflood) nodes"
fi
sleep 5
a=$(xenstore-read "$(home hflood)/data/xenpod/flood/0" 2>/dev/null)
sleep 5
b=$(xenstore-read "$(home hflood)/data/xenpod/flood/0" 2>/dev/null)
[ -n "$b" ] && [ "$a" != "$b" ] && pass "xs-flood: nodes keep being rewritten ($a -> $b)" ||
	fail xs-flood "flood/0 '$a' then '$b'"
xl dmesg | grep "xs-flood: " | tail -n 3 | sed 's/^/    /'
shutdown_ok hflood && pass "xs-flood: xl shutdown still powers it off" ||
	fail xs-flood "state $(state hflood) after shutdown"
xl destroy hflood 2>/dev/null

# 3. evtchn-storm: busy notifying; stop works.
cfg hstorm "xenpod.test=evtchn-storm"
until_ok 60 feature_poweroff hstorm
sleep 3
a=$(cputime hstorm)
sleep 10
b=$(cputime hstorm)
if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a >= 2) }'; then
	pass "evtchn-storm: the guest spins ($a -> $b CPU s)"
else
	fail evtchn-storm "CPU s $a -> $b"
fi
xl dmesg | grep "evtchn-storm: " | tail -n 2 | sed 's/^/    /'
shutdown_ok hstorm && pass "evtchn-storm: xl shutdown still powers it off" ||
	fail evtchn-storm "state $(state hstorm) after shutdown"
xl destroy hstorm 2>/dev/null

# 4. silent: ignores the power-off request, writes nothing, stays up.
cfg hsilent "xenpod.test=silent"
until_ok 60 feature_poweroff hsilent
sleep 2
xenstore-write "$(home hsilent)/control/shutdown" poweroff
sleep 10
if ! has_state hsilent s && node_is hsilent control/shutdown poweroff &&
	! xenstore-read "$(home hsilent)/data/xenpod/state" >/dev/null 2>&1; then
	pass "silent: no answer to poweroff, no state, still up"
else
	fail silent "state $(state hsilent), control/shutdown '$(xenstore-read "$(home hsilent)/control/shutdown" 2>&1)'"
fi
xl destroy hsilent 2>/dev/null
sleep 0.5
xl domid hsilent >/dev/null 2>&1 && fail silent "xl destroy left it" || pass "silent: xl destroy removes it"

# 5. panic: reason crash shortly after boot, report in Xen's log.
cfg hpanic "xenpod.test=panic"
if until_ok 60 has_state hpanic c; then
	pass "panic: domain crashed (state $(state hpanic))"
else
	fail panic "state $(state hpanic)"
fi
xl dmesg | grep -q "PANIC: deliberate panic" && pass "panic: report in Xen's log" ||
	fail panic "no PANIC line in xl dmesg"
xl destroy hpanic 2>/dev/null
exit $failed
