#!/bin/sh
# SPDX-License-Identifier: MIT
# user-xen.sh: lab test of the guest's init and user layer on Xen (runs in dom0): the spec
# from xenstore, a static program from the ramdisk, its output on the PV console, and the
# reports under ~/data/xenpod (running, exit code, exited; failed + error).
# Usage (host): scripts/lab run tests/guest/user-xen.sh BUILD/guest/xenpod-kernel ROOT.cpio
# ROOT.cpio must hold /bin/busybox with /bin/sh and /bin/sleep, and may hold /bin/hello-dyn
# (a dynamically linked program printing "hello from ...") with its libraries.
# Prints PASS:/FAIL: lines.

K=/lab/xenpod-kernel
R=/lab/$(basename "${2:-root.cpio}")
[ -f "$R" ] || R=$(ls /lab/*.cpio 2>/dev/null | head -n 1)
failed=0
pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1 - $2"
	failed=1
}

LOGDIR=/tmp/xencons-user
mkdir -p $LOGDIR
[ -f /var/run/xen/xenconsoled.pid ] && kill "$(cat /var/run/xen/xenconsoled.pid)" 2>/dev/null
sleep 0.3
xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest --log-dir=$LOGDIR

# pod NAME SPEC: creates the domain paused, writes the spec, unpauses.
pod() {
	cat >/tmp/$1.cfg <<EOC
type = "pvh"
name = "$1"
kernel = "$K"
ramdisk = "$R"
memory = ${MEM:-64}
on_poweroff = "preserve"
on_crash = "preserve"
EOC
	xl create -p /tmp/$1.cfg >/dev/null 2>&1 || { fail "$1" "xl create failed"; return 1; }
	id=$(xl domid "$1")
	xenstore-write -- /local/domain/$id/xenpod/spec "$2"
	xenstore-chmod /local/domain/$id/xenpod n0 r$id
	xenstore-chmod /local/domain/$id/xenpod/spec n0 r$id
	xl unpause "$1"
}

# wait_key NAME KEY VALUE SECONDS: waits for ~/data/xenpod/KEY = VALUE.
wait_key() {
	n=$(($4 * 10))
	while [ $n -gt 0 ]; do
		[ "$(xenstore-read /local/domain/$id/data/xenpod/$2 2>/dev/null)" = "$3" ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

key() { xenstore-read /local/domain/$id/data/xenpod/$1 2>/dev/null; }
conslog() { cat $LOGDIR/guest-"$1".log 2>/dev/null; }

pod uexit "env=GREETING=hi%20there -- /bin/sh -c echo%20\$GREETING%20|%20cat;%20exit%2042"
if wait_key uexit state exited 30 && [ "$(key exit)" = 42 ]; then
	pass "xen: exit code 42 reported, state exited"
else
	fail "xen: exit" "state '$(key state)' exit '$(key exit)'; $(conslog uexit | tail -n 3)"
fi
sleep 0.5
if conslog uexit | grep -q "^hi there"; then
	pass "xen: program output on the PV console"
else
	fail "xen: console" "$(conslog uexit | tail -n 3)"
fi
xl destroy uexit 2>/dev/null

if [ -n "$DYN" ] || cpio -t <"$R" 2>/dev/null | grep -q 'bin/hello-dyn$'; then
	pod udyn "-- /bin/hello-dyn a b"
	if wait_key udyn state exited 30 && [ "$(key exit)" = 42 ] &&
		sleep 0.5 && conslog udyn | grep -q "^hello from /bin/hello-dyn argc=3"; then
		pass "xen: a dynamically linked program runs"
	else
		fail "xen: dynamic" "state '$(key state)' exit '$(key exit)'; $(conslog udyn | tail -n 2)"
	fi
	xl destroy udyn 2>/dev/null
fi

pod usig "-- /bin/sh -c kill%20-TERM%20\$\$"
if wait_key usig state exited 30 && [ "$(key exit)" = 143 ]; then
	pass "xen: killed by SIGTERM reports 143"
else
	fail "xen: signal exit" "state '$(key state)' exit '$(key exit)'"
fi
xl destroy usig 2>/dev/null

pod ufail "-- /bin/no-such-program"
if wait_key ufail state failed 30 && key error | grep -q "no-such-program"; then
	pass "xen: a missing program gives state failed + error"
else
	fail "xen: failed" "state '$(key state)' error '$(key error)'"
fi
xl destroy ufail 2>/dev/null

pod ustop "-- /bin/sleep 600"
if wait_key ustop state running 30; then
	xenstore-write /local/domain/$id/control/shutdown poweroff
	if wait_key ustop state exited 30 && [ "$(key exit)" = 143 ]; then
		pass "xen: control/shutdown poweroff stops the program (SIGTERM, 143)"
	else
		fail "xen: shutdown" "state '$(key state)' exit '$(key exit)'"
	fi
else
	fail "xen: running" "state '$(key state)'; $(conslog ustop | tail -n 3)"
fi
xl destroy ustop 2>/dev/null
exit $failed
