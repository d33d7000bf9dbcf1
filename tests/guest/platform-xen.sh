#!/bin/sh
# SPDX-License-Identifier: MIT
# platform-xen.sh: lab tests of xenpod-kernel's Xen platform layer (runs in dom0).
# Usage (host): scripts/lab run tests/guest/platform-xen.sh BUILD/guest/xenpod-kernel
# In dom0 it uses /lab/xenpod-kernel, else $1, else the installed kernel.
# Prints PASS:/FAIL: lines; exits non-zero if any check failed.

K=${1:-/lab/xenpod-kernel}
[ -f "$K" ] || K=/usr/lib/xenpod/xenpod-kernel
failed=0
pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1 - $2"
	failed=1
}

# Guest console logs: restart xenconsoled with per-guest logging.
LOGDIR=/tmp/xencons
mkdir -p $LOGDIR
[ -f /var/run/xen/xenconsoled.pid ] && kill "$(cat /var/run/xen/xenconsoled.pid)" 2>/dev/null
sleep 0.3
xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest --log-dir=$LOGDIR

# cfg NAME CMDLINE: a PVH config that preserves the domain when it stops.
cfg() {
	cat >/tmp/$1.cfg <<EOC
type = "pvh"
name = "$1"
kernel = "$K"
memory = ${MEM:-32}
cmdline = "$2"
on_poweroff = "preserve"
on_crash = "preserve"
on_reboot = "preserve"
EOC
}

# state NAME: the state letters of xl list ("r-----", "---s--", ...)
state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }

# until SECONDS CMD...: retry CMD every 0.1 s until it succeeds, for at
# most SECONDS of wall-clock time (each try may itself be slow under
# nested emulation, so count time, not tries).
until_ok() {
	end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.1
	done
}

has_state() { case "$(state "$1")" in *"$2"*) return 0 ;; esac; return 1; }

# wait_state NAME LETTER SECONDS
wait_state() { until_ok "$3" has_state "$1" "$2"; }

gone() { ! xl domid "$1" >/dev/null 2>&1 && sleep 0.2 && ! xl domid "$1" >/dev/null 2>&1; }

conslog() { cat $LOGDIR/guest-"$1".log 2>/dev/null; }
conslog_has() { conslog "$1" | grep -q -- "$2"; }
feature_poweroff() {
	[ "$(xenstore-read /local/domain/$1/control/feature-poweroff 2>/dev/null)" = 1 ]
}

# cleanup NAME: destroy the domain and check nothing is left in xenstore.
cleanup() {
	id=$(xl domid "$1" 2>/dev/null)
	xl destroy "$1" 2>/dev/null
	if [ -n "$id" ] && xenstore-exists /local/domain/"$id" 2>/dev/null; then
		fail "$1: xl destroy" "/local/domain/$id still exists"
	fi
}

# 0. the in-kernel self tests, on Xen's clock and timer.
cfg pself "xenpod.test=selftest"
xl create /tmp/pself.cfg >/dev/null 2>&1 || fail selftest "xl create failed"
selfid=$(xl domid pself)
wait_state pself s 60
sleep 0.5
if conslog pself | grep -q "PASS: periodic tick runs" && ! conslog pself | grep -q "^FAIL"; then
	pass "selftest: allocators, paging, guard pages, pvclock, timer"
else
	fail selftest "$(conslog pself | grep -E '^FAIL|CRASH|PANIC' | head -3)"
fi
conslog pself | grep "ticks in" | sed 's/^/    /'
# Without xenpod.verbose the boot lines go to Xen's log, not the console.
if ! conslog pself | grep -q "xenpod-kernel: .*boot" &&
	xl dmesg | grep -q "(d$selfid) .*xenpod-kernel: boot to init"; then
	pass "quiet boot: boot lines in xl dmesg, not on the console"
else
	fail "quiet boot" "console: $(conslog pself | grep boot | head -2)"
fi
cleanup pself

# 1. boot: the console ring carries output; poweroff gives state s.
cfg pboot "xenpod.test=boot xenpod.verbose"
xl create /tmp/pboot.cfg >/dev/null 2>&1 || fail boot "xl create failed"
if wait_state pboot s 60; then
	pass "boot: domain powers off (state $(state pboot))"
else
	fail boot "state $(state pboot) after 60 s"
fi
sleep 0.5
if conslog pboot | grep -q "test boot ok"; then
	pass "boot: output on the PV console ring"
else
	fail boot "no 'test boot ok' in the console log: $(conslog pboot | tail -3)"
fi
conslog pboot | grep -E "boot to init|set-up" | sed 's/^/    /'
cleanup pboot

# 2. xenstore: read a key dom0 wrote, reply under ~/data/xenpod/.
cfg pxs "xenpod.test=xs"
xl create -p /tmp/pxs.cfg >/dev/null 2>&1 || fail xs "xl create -p failed"
id=$(xl domid pxs)
xenstore-write /local/domain/$id/xenpod/test-in hello-from-dom0
xenstore-chmod /local/domain/$id/xenpod n0 r$id
xenstore-chmod /local/domain/$id/xenpod/test-in n0 r$id
xl unpause pxs
if wait_state pxs s 60; then
	out=$(xenstore-read /local/domain/$id/data/xenpod/test-out 2>&1)
	if [ "$out" = "ok:hello-from-dom0" ]; then
		pass "xs: guest read dom0's key and replied"
	else
		fail xs "test-out is '$out'; console: $(conslog pxs | tail -3)"
	fi
	sleep 0.3
	if conslog pxs | grep -q "^PASS: xs: no event after unwatch" &&
		! conslog pxs | grep -q "^FAIL"; then
		pass "xs: mkdir/directory/transaction/rm/EACCES/big values/E2BIG/watch/unwatch"
	else
		fail xs "$(conslog pxs | grep -E '^FAIL|CRASH' | head -3 | tr '\n' ' ')"
	fi
else
	fail xs "state $(state pxs); console: $(conslog pxs | tail -3)"
fi
cleanup pxs

# 3. xl shutdown: control/shutdown=poweroff -> clean poweroff.
cfg pidle "xenpod.test=idle xenpod.verbose"
xl create /tmp/pidle.cfg >/dev/null 2>&1 || fail shutdown "xl create failed"
id=$(xl domid pidle)
if until_ok 60 feature_poweroff $id; then
	pass "shutdown: guest wrote control/feature-poweroff=1"
else
	fail shutdown "no control/feature-poweroff"
fi
if timeout 60 xl shutdown -w pidle >/tmp/shut.out 2>&1 && wait_state pidle s 5; then
	pass "shutdown: xl shutdown powers the guest off"
else
	fail shutdown "$(cat /tmp/shut.out | tail -2); state $(state pidle)"
fi
conslog pidle | grep -q "power-off requested" &&
	pass "shutdown: guest logged the request" ||
	fail shutdown "no console message"
cleanup pidle

# 4. reboot is refused explicitly, the guest keeps running.
cfg preboot "xenpod.test=idle xenpod.verbose"
xl create /tmp/preboot.cfg >/dev/null 2>&1
id=$(xl domid preboot)
until_ok 60 feature_poweroff $id
xenstore-write /local/domain/$id/control/shutdown reboot
until_ok 60 conslog_has preboot 'control/shutdown="reboot" refused'
sleep 1
if conslog preboot | grep -q 'control/shutdown="reboot" refused' &&
	[ "$(xenstore-read /local/domain/$id/control/shutdown)" = "" ] &&
	case "$(state preboot)" in *s* | *c*) false ;; *) true ;; esac; then
	pass "reboot: refused with a message, node cleared, still running"
else
	fail reboot "state $(state preboot), node '$(xenstore-read /local/domain/$id/control/shutdown)'"
fi
cleanup preboot
gone preboot && pass "destroy: domain gone" || fail destroy "domain still listed"

# 5. fault: crash report and reason crash.
cfg pfault "xenpod.test=fault"
xl create /tmp/pfault.cfg >/dev/null 2>&1
if wait_state pfault c 60; then
	pass "fault: domain crashed (state $(state pfault))"
else
	fail fault "state $(state pfault)"
fi
sleep 0.5
if conslog pfault | grep -q "CRASH: unhandled exception: page fault" &&
	conslog pfault | grep -q "backtrace:"; then
	pass "fault: crash report on the console"
else
	fail fault "no crash report: $(conslog pfault | tail -3)"
fi
xl dmesg | grep -q "CRASH" && pass "fault: crash report in Xen's log (0xE9)" ||
	fail fault "no crash report in xl dmesg"
cleanup pfault

# 6. grant: dom0 maps the guest's page; revoke fails while mapped, then works.
GNTMAP=$(dirname "$0")/xen-gntmap
[ -x "$GNTMAP" ] || GNTMAP=/lab/xen-gntmap
# xs_wait ID PATTERN: wait up to 60 s for the guest's data/xenpod/test-out.
xs_wait() { until_ok 60 test_out_is "$1" "$2"; }
test_out_is() {
	v=$(xenstore-read /local/domain/$1/data/xenpod/test-out 2>/dev/null)
	case "$v" in $2) return 0 ;; esac
	return 1
}
cfg pgrant "xenpod.test=grant"
xl create /tmp/pgrant.cfg >/dev/null 2>&1
id=$(xl domid pgrant)
if ! xs_wait $id "[0-9]*"; then
	fail grant "no grant ref: $(conslog pgrant | tail -3)"
elif [ ! -x "$GNTMAP" ]; then
	fail grant "no xen-gntmap helper next to this script or in /lab"
else
	ref=$(xenstore-read /local/domain/$id/data/xenpod/test-out)
	rm -f /tmp/gnt-release
	"$GNTMAP" $id $ref /tmp/gnt-release >/tmp/gntmap.out 2>&1 &
	gpid=$!
	until_ok 60 grep -q mapped /tmp/gntmap.out
	if grep -q "mapped: xenpod-grant-test" /tmp/gntmap.out; then
		pass "grant: dom0 mapped ref $ref and read the guest's page"
	else
		fail grant "map failed: $(cat /tmp/gntmap.out)"
	fi
	xenstore-write /local/domain/$id/xenpod/test-in mapped
	xenstore-chmod /local/domain/$id/xenpod/test-in n0 r$id
	xs_wait $id busy && pass "grant: revoke while mapped is refused (-EBUSY)" ||
		fail grant "guest reported '$(xenstore-read /local/domain/$id/data/xenpod/test-out)'"
	touch /tmp/gnt-release
	wait $gpid
	xenstore-write /local/domain/$id/xenpod/test-in unmapped
	xs_wait $id revoked && pass "grant: revoke after unmap succeeds" ||
		fail grant "guest reported '$(xenstore-read /local/domain/$id/data/xenpod/test-out)'"
fi
sleep 0.3
conslog pgrant | grep -q "^PASS: grant: 600 grants grow the table, all revoked" &&
	pass "grant: table grows beyond one frame; revoked refs are reused" ||
	fail grant "$(conslog pgrant | grep -E '^FAIL|CRASH' | head -2)"
cleanup pgrant

# 7. the memory floor: a benchmark, printed (INFO), not a pass/fail check,
# because xl create also fails when Xen itself is short of free memory.
echo "INFO: Xen $(xl info | grep free_memory)"
floor=
# Small domains need explicit headroom: libxl's computed HAP pool
# (4 KiB per MiB) is refused by Xen 4.17 below ~16 MiB ("Failed to set
# paging mempool size"), and the toolstack's special/ACPI pages need
# maxmem > memory ("Could not allocate special pages").
for m in 2 3 4 6 8 16; do
	MEM=$m cfg pmem$m "xenpod.test=boot xenpod.verbose"
	printf 'maxmem = %d\nshadow_memory = 1\n' $((m + 1)) >>/tmp/pmem$m.cfg
	if ! xl create /tmp/pmem$m.cfg >/tmp/pmem.err 2>&1; then
		echo "INFO: memory=$m maxmem=$((m + 1)) shadow_memory=1: xl create failed: $(grep -m1 'error' /tmp/pmem.err)"
		continue
	fi
	if wait_state pmem$m s 60 && sleep 0.3 && conslog pmem$m | grep -q "test boot ok"; then
		floor=$m
		conslog pmem$m | grep "boot to init" | sed 's/^/    /'
		cleanup pmem$m
		break
	fi
	echo "INFO: memory=$m: state $(state pmem$m): $(conslog pmem$m | tail -2 | tr '\n' ' ')"
	cleanup pmem$m
done
echo "INFO: smallest memory= that boots to init: ${floor:-not found} MiB (maxmem = memory + 1, shadow_memory = 1)"

echo "--- guest lines in xl dmesg:"
xl dmesg | grep "(d[0-9]*)" | tail -n 30
exit $failed
