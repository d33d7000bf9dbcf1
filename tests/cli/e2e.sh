#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/cli/e2e.sh: the xenpod CLI end to end against the real daemon core (harness_xenpodd: fake hypervisor, xenstore and guest).
set -u

XENPOD=${XENPOD:-./cli/xenpod}
HARNESS=${HARNESS:-./tests/cli/harness_xenpodd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xenpod-e2e.XXXXXX") || exit 99
hpid=
cleanup() {
	[ -z "$hpid" ] || { kill "$hpid" 2>/dev/null; wait "$hpid" 2>/dev/null; }
	rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 - $2"; failed=1; }

XENPOD_TEST_DEBUG=${XENPOD_TEST_DEBUG:-} "$HARNESS" "$tmp/run" "$tmp/ready" 2>"$tmp/harness.err" &
hpid=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
if [ ! -e "$tmp/ready" ]; then
	echo "FAIL: harness - did not start: $(cat "$tmp/harness.err")"
	exit 1
fi
X() { "$XENPOD" --socket "$tmp/run/xenpodd.sock" "$@"; }
img=$tmp/img
mkdir -p "$img/bin" && echo stub >"$img/bin/echo"

# out NAME WANT-STDOUT CMD...: exit 0 and exactly that output.
out() {
	name=$1 want=$2
	shift 2
	got=$(X "$@" 2>"$tmp/err")
	rc=$?
	if [ $rc != 0 ]; then
		fail "$name" "exit $rc: $(cat "$tmp/err")"
	elif [ "$got" != "$want" ]; then
		fail "$name" "got '$got', want '$want'"
	else
		pass "$name"
	fi
}
# st NAME WANT-STATUS CMD...: the exit status only.
st() {
	name=$1 want=$2
	shift 2
	X "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = "$want" ] && pass "$name" || fail "$name" "exit $rc, want $want: $(cat "$tmp/err")"
}

out version "client: xenpod 0.1.0 (protocol 1)
daemon: xenpodd 0.1.0 (protocol 1)" version
out run-echo "hello world" run --name e1 "$img" /bin/echo hello world
st run-exit-7 7 run --name e7 "$img" /bin/exit 7
out run-env "A=1
B=x y" run --name env -e A=1 -e "B=x y" "$img" /bin/env
# The guest kernel crashes: 137, as docker's for a killed container.
st run-crash 137 run --name crash "$img" /bin/crash
grep -q "pod crash failed: crashed: the guest kernel crashed" "$tmp/err" && pass run-crash-message ||
	fail run-crash-message "$(cat "$tmp/err")"
out run-detach "s1" run -d --name s1 "$img" /bin/sleep 100
X ls >"$tmp/ls" 2>&1
grep -q '^s1  *[0-9][0-9]*  *32  *1  running  *-  .*/img  *[0-9]s  *-  *-$' "$tmp/ls" &&
	pass ls-running || fail ls-running "$(cat "$tmp/ls")"
out ls-q "s1" ls -q
out ls-aq "crash
e1
e7
env
s1" ls -a -q
X ls -a >"$tmp/ls" 2>&1
grep -q '^e7  *-  *32  *1  stopped  *7  ' "$tmp/ls" && pass ls-exit-code || fail ls-exit-code "$(cat "$tmp/ls")"
X --json ls >"$tmp/json" 2>&1
grep -q '^{"pods":\[{"name":"s1",' "$tmp/json" && pass ls-json || fail ls-json "$(cat "$tmp/json")"
X inspect e7 >"$tmp/inspect" 2>&1
grep -q '"exit_code": *7' "$tmp/inspect" && pass inspect || fail inspect "$(cat "$tmp/inspect")"
out logs "hello world" logs e1
out logs-tail "B=x y" logs --tail 1 env
out stop "s1" stop -t 2 s1
out wait-stopped "143" wait s1
out run-detach-2 "s2" run -d --name s2 "$img" /bin/sleep 100
out kill "s2" kill s2
out wait-killed "137" wait s2
out rm "crash
e1" rm crash e1
st rm-again 1 rm e1
grep -qx "xenpod: pod e1: not found" "$tmp/err" && pass rm-again-message ||
	fail rm-again-message "$(cat "$tmp/err")"
st inspect-missing 1 inspect e1
st bad-name 2 inspect ../etc
printf '{"name":"cr","image":"%s","command":["/bin/echo","from","spec"]}' "$img" >"$tmp/spec.json"
out create "cr" create -f "$tmp/spec.json"
X --json inspect cr | grep -q '"status":"created"' && pass create-status-json ||
	fail create-status-json "$(X --json inspect cr 2>&1)"
out start "cr" start cr
out wait "0" wait cr
out logs-follow-done "from spec" logs -f cr
st create-duplicate 1 create -f "$tmp/spec.json"
"$XENPOD" --socket "$tmp/run/xenpodd.sock" events >"$tmp/events" 2>&1 &
epid=$!
sleep 0.3
out run-for-events "ev" run --name ev "$img" /bin/echo ev
X rm ev >/dev/null
sleep 0.3
kill $epid 2>/dev/null
wait $epid 2>/dev/null
grep -q ' ev created$' "$tmp/events" && grep -q ' ev exited (poweroff, exit code 0)$' "$tmp/events" &&
	grep -q ' ev removed$' "$tmp/events" && pass events || fail events "$(cat "$tmp/events")"

# ^C during a foreground run stops the pod; the run exits 143.
"$XENPOD" --socket "$tmp/run/xenpodd.sock" run --name int1 "$img" /bin/sleep 100 \
	>"$tmp/int.out" 2>"$tmp/int.err" &
pid=$!
i=0
until X ls -q 2>/dev/null | grep -qx int1 || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.2
kill -INT $pid
wait $pid
rc=$?
[ $rc = 143 ] && grep -q "stopping pod int1" "$tmp/int.err" && pass run-interrupt ||
	fail run-interrupt "exit $rc: $(cat "$tmp/int.err")"
# Volumes: named ones made, listed, in use, removed; a bind mount shown by inspect.
mkdir -p "$tmp/host"
printf '{"name":"vc","image":"%s","command":["/bin/echo"],"mounts":[{"source":"%s","destination":"/a"}]}' \
	"$img" "$tmp/host" >"$tmp/vspec.json"
out vol-create "v1" volume create v1
out vol-create-again "v1" volume create v1
out vol-run "vp" run -d --name vp -v v1:/data -v "$tmp/host:/src:ro" "$img" /bin/sleep 100
X inspect vp >"$tmp/inspect" 2>&1
grep -q '"destination": *"/src"' "$tmp/inspect" && grep -q '"mode": *"ro"' "$tmp/inspect" &&
	grep -q '"volume": *"v1"' "$tmp/inspect" && grep -q '"backend_pid": *[0-9]' "$tmp/inspect" &&
	pass vol-inspect-pod || fail vol-inspect-pod "$(cat "$tmp/inspect")"
out vol-ls-q "v1" volume ls -q
X volume ls >"$tmp/vls" 2>&1
grep -q '^v1  *[0-9]*s  *vp  */.*/volumes/v1/data$' "$tmp/vls" && pass vol-ls || fail vol-ls "$(cat "$tmp/vls")"
X volume inspect v1 >"$tmp/vi" 2>&1
grep -q '"used_by": *\[' "$tmp/vi" && grep -q '"vp"' "$tmp/vi" && pass vol-inspect || fail vol-inspect "$(cat "$tmp/vi")"
st vol-rm-in-use 1 volume rm v1
grep -qx "xenpod: volume v1: in use by pod vp (running); remove the pod first" "$tmp/err" &&
	pass vol-rm-in-use-message || fail vol-rm-in-use-message "$(cat "$tmp/err")"
out vol-pod-rm "vp" rm -f vp
out vol-create-f "vc" create -f "$tmp/vspec.json" -v v1:/extra
X --json inspect vc | grep -q '"mounts":\[{"type":"bind","source":"[^"]*/host","destination":"/a","mode":"rw"[^]]*{"type":"volume",[^]]*"destination":"/extra","mode":"rw","volume":"v1"' &&
	pass vol-create-f-mounts || fail vol-create-f-mounts "$(X --json inspect vc 2>&1)"
out vol-create-f-rm "vc" rm -f vc
out vol-rm "v1" volume rm v1
st vol-rm-missing 1 volume rm v1
out vol-rm-missing-force "v1" volume rm -f v1
st vol-bad-name 2 volume create x
out vol-empty "" volume ls -q
out rm-all "cr
e7
env
int1
s1
s2" rm -f cr e7 env int1 s1 s2
out empty "" ls -a -q
if ! kill -0 "$hpid" 2>/dev/null; then
	wait "$hpid"
	fail harness-alive "the daemon died (status $?): $(tail -3 "$tmp/harness.err" | tr "\n" " ")"
	hpid=
fi
exit $failed
